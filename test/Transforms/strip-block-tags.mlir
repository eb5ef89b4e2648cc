// RUN: gc-opt %s --gc-strip-block-tags | FileCheck %s --implicit-check-not=gc.block

// CHECK-LABEL: func.func @tagged
// CHECK: gc.exp %{{.*}} : tensor<4xf32>
// CHECK: gc.neg %{{.*}} : tensor<4xf32>
// CHECK: gc.tanh %{{.*}} : tensor<4xf32>
func.func @tagged(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.exp %x {gc.block = 0 : i64} : tensor<4xf32>
  %1 = gc.neg %0 {gc.block = 1 : i64} : tensor<4xf32>
  %2 = gc.tanh %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}
