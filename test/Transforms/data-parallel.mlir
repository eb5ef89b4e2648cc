// gc-data-parallel: after gc-autodiff, every gradient is averaged over the
// ranks in buckets filled in the order the backward pass completes the
// gradients (the last layer's first), each bucket's gc.all_reduce right
// after its last gradient; gc-optimizer then updates with the averages.
// RUN: gc-opt %s --gc-autodiff --gc-data-parallel="bucket-bytes=4096 world-size=4" --gc-optimizer="optimizer=sgd lr=0.1 keep-gradients" | FileCheck %s
// One bucket takes every gradient when it is large enough.
// RUN: gc-opt %s --gc-autodiff --gc-data-parallel --gc-optimizer="optimizer=sgd lr=0.1" | FileCheck %s --check-prefix=ONE
// The pipeline runs it with data-parallel; gc-schedule keeps each bucket
// right after its gradients and the plan gives it a bucket buffer, live
// until the first read of a result.
// RUN: gc-opt %s --gc-compile-step="data-parallel bucket-bytes=4096 optimizer=sgd lr=0.1" | FileCheck %s --check-prefix=PLAN
// RUN: not gc-opt %s --gc-data-parallel 2>&1 | FileCheck %s --check-prefix=NO-GRADIENTS
// RUN: not gc-opt %s --gc-autodiff --gc-data-parallel="bucket-bytes=0" 2>&1 | FileCheck %s --check-prefix=BAD-BUCKET

// CHECK-LABEL: func.func @step
// CHECK-SAME: gc.world_size = 4 : i64
// The second layer's gradients are complete first: one bucket of 4 KiB
// (w2, 32x32 f32) ...
// CHECK: %[[DW2:.*]] = gc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<8x32xf32>
// CHECK-NEXT: %[[AW2:.*]] = gc.all_reduce mean %[[DW2]] : tensor<32x32xf32>
// ... then w1 fills the next one.
// CHECK: %[[DW1:.*]] = gc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<8x16xf32>
// CHECK-NEXT: %[[AW1:.*]] = gc.all_reduce mean %[[DW1]] : tensor<16x32xf32>
// CHECK: gc.sgd_update %{{.*}}, %[[AW1]]
// CHECK: gc.sgd_update %{{.*}}, %[[AW2]]
// CHECK: return %{{.*}}, %[[AW1]], %[[AW2]],

// ONE-LABEL: func.func @step
// ONE-NOT: gc.world_size
// ONE: %[[DW2:.*]] = gc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<8x32xf32>
// ONE: %[[DW1:.*]] = gc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<8x16xf32>
// ONE-NEXT: %{{.*}}:2 = gc.all_reduce mean %[[DW2]], %[[DW1]] : tensor<32x32xf32>, tensor<16x32xf32>
// ONE-NOT: gc.all_reduce

// w2's bucket is reduced while dw1 is computed: its update waits until the
// next bucket starts (one bucket in flight), the last one's until the end.
// PLAN-LABEL: func.func @step
// PLAN: %[[R2:.*]] = gc.all_reduce mean {{.*}}gc.workspace_offset = {{[0-9]+}}
// PLAN-NEXT: %[[DW1:.*]] = gc.matmul
// PLAN-NEXT: gc.sgd_update %{{.*}}, %[[R2]]
// PLAN-NEXT: %[[R1:.*]] = gc.all_reduce mean %[[DW1]] {{.*}}gc.workspace_offset = {{[0-9]+}}
// PLAN-NEXT: gc.sgd_update %{{.*}}, %[[R1]]

// NO-GRADIENTS: error: gc-data-parallel: the function returns no gradient (#gc.role<gradient>); run gc-autodiff first
// BAD-BUCKET: error: gc-data-parallel: expected bucket-bytes to be positive, but found 0

func.func @step(%x: tensor<8x16xf32> {gc.name = "x"},
                %w1: tensor<16x32xf32> {gc.name = "w1", gc.param},
                %w2: tensor<32x32xf32> {gc.name = "w2", gc.param}) -> (tensor<f32> {gc.name = "loss"}) {
  %h = gc.matmul %x, %w1 : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %y = gc.matmul %h, %w2 : (tensor<8x32xf32>, tensor<32x32xf32>) -> tensor<8x32xf32>
  %l = gc.reduce_sum %y dims = [0, 1] : tensor<8x32xf32> -> tensor<f32>
  return %l : tensor<f32>
}
