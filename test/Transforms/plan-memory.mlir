// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-plan-memory | FileCheck %s
// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-plan-memory="in-place=false alignment=64" | FileCheck %s --check-prefix=NOINPLACE

// A chain of elementwise ops, 4 KiB each: each result is written in place
// into its dying operand, so the three tensors share one buffer at offset 0,
// and the arena is the lower bound, 4096 bytes.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: attributes {gc.arena_bytes = 4096 : i64, gc.arena_lower_bound = 4096 : i64
// CHECK: gc.exp %{{.*}} {gc.offsets = array<i64: 0>}
// CHECK: gc.tanh %{{.*}} {gc.offsets = array<i64: 0>}
// CHECK: gc.exp %{{.*}} {gc.offsets = array<i64: 0>}
// Without in-place writes the lifetimes overlap pairwise: a and b live at
// b's definition, b and c at c's; two 4 KiB slots alternate.
// NOINPLACE-LABEL: func.func @chain
// NOINPLACE-SAME: gc.arena_bytes = 8192 : i64, gc.arena_lower_bound = 8192 : i64
// NOINPLACE: gc.exp %{{.*}} {gc.offsets = array<i64: [[A:[0-9]+]]>}
// NOINPLACE: gc.tanh %{{.*}} {gc.offsets = array<i64: [[B:[0-9]+]]>}
// NOINPLACE: gc.exp %{{.*}} {gc.offsets = array<i64: [[A]]>}
func.func @chain(%x: tensor<1024xf32>) -> tensor<1024xf32> {
  %a = gc.exp %x : tensor<1024xf32>
  %b = gc.tanh %a : tensor<1024xf32>
  %c = gc.exp %b : tensor<1024xf32>
  return %c : tensor<1024xf32>
}

// -----

// A value used later keeps its buffer; a reshape is a view of its operand
// (same offset); the matmul (not elementwise) needs a buffer of its own.
//   %a  [0, 1024)    lives to the matmul
//   %r  = view of %a
//   %m  [1024, 1088) 16 floats
//   %s  written in place into %m
// CHECK-LABEL: func.func @views
// CHECK-SAME: gc.arena_bytes = 1088 : i64, gc.arena_lower_bound = 1088 : i64
// CHECK: %[[A:.*]] = gc.exp %{{.*}} {gc.offsets = array<i64: 0>}
// CHECK: gc.reshape %[[A]] {gc.offsets = array<i64: 0>}
// CHECK: gc.matmul {{.*}} {gc.offsets = array<i64: 1024>}
// CHECK: gc.scale {{.*}} {gc.offsets = array<i64: 1024>}
func.func @views(%x: tensor<16x16xf32>) -> tensor<4x4xf32> {
  %a = gc.exp %x : tensor<16x16xf32>
  %r = gc.reshape %a : tensor<16x16xf32> -> tensor<4x64xf32>
  %m = gc.matmul %r, %r transpose_rhs : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x4xf32>
  %s = gc.scale %m by 2.0 : tensor<4x4xf32>
  return %s : tensor<4x4xf32>
}

// -----

// A view of an argument lives outside the arena: it has no offset.
// CHECK-LABEL: func.func @argument_view
// CHECK: gc.reshape %{{.*}} : tensor<4x4xf32> -> tensor<16xf32>
// CHECK: gc.exp %{{.*}} {gc.offsets = array<i64: 0>}
func.func @argument_view(%x: tensor<4x4xf32>) -> tensor<16xf32> {
  %r = gc.reshape %x : tensor<4x4xf32> -> tensor<16xf32>
  %e = gc.exp %r : tensor<16xf32>
  return %e : tensor<16xf32>
}

// -----

func.func @unknown_size() -> index {
  // expected-error @+1 {{gc-plan-memory: cannot plan a value of type 'index': expected a statically shaped tensor whose size in bytes fits in 64 bits}}
  %n = arith.constant 4 : index
  return %n : index
}
