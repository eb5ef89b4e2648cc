// RUN: gc-opt %s --split-input-file --gc-lower-to-kernels --verify-diagnostics | FileCheck %s
// RUN: gc-opt %s --split-input-file --gc-lower-to-kernels="fuse=false in-place-updates=false" --verify-diagnostics | FileCheck %s --check-prefix=NOFUSE

// Offsets are written by hand (as gc-plan-memory would): the broadcast, the
// add and the tanh share bytes [0, 128) in place; the dropout's result lives
// at 128, the matmuls' at 256 and 512, the loss at 1280, the update at 768.
// The broadcast, add, tanh and dropout become kernel 0, whose only stored
// result is the dropout's; the loss goes to result #0; the SGD update writes
// into argument #2 (w), its last reader; the arena shrinks to 768 bytes.

// CHECK-LABEL: func.func @step
// CHECK-SAME: gc.arena_bytes = 768 : i64
// CHECK-SAME: gc.planned_arena_bytes = 1536 : i64
// CHECK: gc.broadcast {{.*}}gc.fusion = 0 : i64, {{.*}}gc.storage = [#gc.storage<fused>]
// CHECK: gc.add {{.*}}gc.fusion = 0 : i64, {{.*}}gc.storage = [#gc.storage<fused>]
// CHECK: gc.tanh {{.*}}gc.fusion = 0 : i64, {{.*}}gc.storage = [#gc.storage<fused>]
// CHECK: gc.dropout {{.*}}gc.fusion = 0 : i64, {{.*}}gc.storage = [#gc.storage<arena, 128>]
// CHECK: gc.matmul {{.*}}gc.storage = [#gc.storage<arena, 256>]
// CHECK: gc.reduce_sum {{.*}}gc.storage = [#gc.storage<result, 0>]
// CHECK: gc.matmul {{.*}}gc.storage = [#gc.storage<arena, 512>]
// CHECK: gc.sgd_update {{.*}}gc.storage = [#gc.storage<argument, 2>]

// Without fusion every pointwise op is a kernel of its own and is stored;
// without in-place updates the new weight goes to result #1.
// NOFUSE-LABEL: func.func @step
// NOFUSE-SAME: gc.arena_bytes = 768 : i64
// NOFUSE: gc.broadcast {{.*}}gc.fusion = 0 : i64, {{.*}}gc.storage = [#gc.storage<arena, 0>]
// NOFUSE: gc.add {{.*}}gc.fusion = 1 : i64, {{.*}}gc.storage = [#gc.storage<arena, 0>]
// NOFUSE: gc.tanh {{.*}}gc.fusion = 2 : i64, {{.*}}gc.storage = [#gc.storage<arena, 0>]
// NOFUSE: gc.dropout {{.*}}gc.fusion = 3 : i64, {{.*}}gc.storage = [#gc.storage<arena, 128>]
// NOFUSE: gc.sgd_update {{.*}}gc.storage = [#gc.storage<result, 1>]
func.func @step(%x: tensor<4x8xf32> {gc.name = "x"},
                %b: tensor<8xf32> {gc.name = "b", gc.param},
                %w: tensor<8x8xf32> {gc.name = "w", gc.param},
                %seed: tensor<i64> {gc.name = "seed"})
    -> (tensor<f32> {gc.name = "loss"}, tensor<8x8xf32> {gc.name = "w"})
    attributes {gc.arena_bytes = 1536 : i64} {
  %bb = gc.broadcast %b dims = [1] {gc.offsets = array<i64: 0>} : tensor<8xf32> -> tensor<4x8xf32>
  %s = gc.add %x, %bb {gc.offsets = array<i64: 0>} : tensor<4x8xf32>
  %t = gc.tanh %s {gc.offsets = array<i64: 0>} : tensor<4x8xf32>
  %d = gc.dropout %t, %seed probability = 0.1 stream = 0 {gc.offsets = array<i64: 128>} : tensor<4x8xf32>
  %m = gc.matmul %d, %w {gc.offsets = array<i64: 256>} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %l = gc.reduce_sum %m dims = [0, 1] {gc.offsets = array<i64: 1280>} : tensor<4x8xf32> -> tensor<f32>
  %g = gc.matmul %d, %m transpose_lhs {gc.offsets = array<i64: 512>} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %w2 = gc.sgd_update %w, %g lr = 0.1 {gc.offsets = array<i64: 768>} : tensor<8x8xf32>
  return %l, %w2 : tensor<f32>, tensor<8x8xf32>
}

// -----

// A fusion stops where it would race: the add's result is planned over the
// bytes of %v, which the broadcast reads at other indices than the add
// writes. The add becomes a kernel of its own, and the broadcast's result
// is stored for it.

// CHECK-LABEL: func.func @race
// CHECK: gc.exp {{.*}}gc.fusion = 0 : i64, {{.*}}gc.storage = [#gc.storage<arena, 0>]
// CHECK: gc.broadcast {{.*}}gc.fusion = 1 : i64, {{.*}}gc.storage = [#gc.storage<arena, 128>]
// CHECK: gc.add {{.*}}gc.fusion = 2 : i64, {{.*}}gc.storage = [#gc.storage<arena, 0>]
func.func @race(%x: tensor<4x8xf32> {gc.name = "x"}, %y: tensor<8xf32> {gc.name = "y"})
    -> (tensor<f32> {gc.name = "loss"}) attributes {gc.arena_bytes = 384 : i64} {
  %v = gc.exp %y {gc.offsets = array<i64: 0>} : tensor<8xf32>
  %bb = gc.broadcast %v dims = [1] {gc.offsets = array<i64: 128>} : tensor<8xf32> -> tensor<4x8xf32>
  %s = gc.add %bb, %x {gc.offsets = array<i64: 0>} : tensor<4x8xf32>
  %l = gc.reduce_sum %s dims = [0, 1] {gc.offsets = array<i64: 256>} : tensor<4x8xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// expected-error @+1 {{gc-lower-to-kernels: expected a step planned by gc-plan-memory (a single block and 'gc.arena_bytes' on the function)}}
func.func @unplanned(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.exp %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @missing_offset(%x: tensor<4xf32>) -> tensor<4xf32> attributes {gc.arena_bytes = 16 : i64} {
  // expected-error @+1 {{'gc.exp' op has no planned offset ('gc.offsets'); run gc-plan-memory on the final step first}}
  %0 = gc.exp %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A view of the weight read after the update keeps the update out of the
// weight's buffer: the new weight goes to its result buffer.
// CHECK-LABEL: func.func @view_read_later
// CHECK: gc.sgd_update {{.*}}gc.storage = [#gc.storage<result, 1>]
func.func @view_read_later(%w: tensor<8x8xf32> {gc.name = "w", gc.param},
                           %g: tensor<8x8xf32> {gc.name = "g"})
    -> (tensor<f32> {gc.name = "loss"}, tensor<8x8xf32> {gc.name = "w"})
    attributes {gc.arena_bytes = 1024 : i64} {
  %v = gc.reshape %w : tensor<8x8xf32> -> tensor<64xf32>
  %w2 = gc.sgd_update %w, %g lr = 0.1 {gc.offsets = array<i64: 0>} : tensor<8x8xf32>
  %l = gc.reduce_sum %v dims = [0] {gc.offsets = array<i64: 256>} : tensor<64xf32> -> tensor<f32>
  return %l, %w2 : tensor<f32>, tensor<8x8xf32>
}

// -----

// expected-error @+1 {{gc-lower-to-kernels: the step is already lowered}}
func.func @lowered_twice(%x: tensor<4xf32>) -> tensor<4xf32> attributes {gc.arena_bytes = 16 : i64, gc.planned_arena_bytes = 32 : i64} {
  %0 = gc.exp %x {gc.offsets = array<i64: 0>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
