// Sizes that do not fit in 64 bits are errors, never wrapped-around sizes
// (which once gave a 4-byte arena with every buffer at offset 0).
// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-plan-memory

// 2^61 f32 elements are 2^63 bytes: one more than int64 holds.
func.func @huge_value(%x: tensor<2305843009213693952xf32>) -> tensor<2305843009213693952xf32> {
  // expected-error @-1 {{gc-plan-memory: cannot plan a value of type 'tensor<2305843009213693952xf32>': expected a statically shaped tensor whose size in bytes fits in 64 bits}}
  %a = gc.exp %x : tensor<2305843009213693952xf32>
  return %a : tensor<2305843009213693952xf32>
}

// -----

// Each buffer fits (2^62 bytes), but the two live at once do not.
func.func @huge_total(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4x288230376151711744xf32> {
  // expected-error @-1 {{gc-plan-memory: the step's buffers total more than 2^63 - 1 bytes; no arena can hold them}}
  %a = gc.broadcast %x dims = [0] : tensor<4xf32> -> tensor<4x288230376151711744xf32>
  %b = gc.broadcast %y dims = [0] : tensor<4xf32> -> tensor<4x288230376151711744xf32>
  %c = gc.add %a, %b : tensor<4x288230376151711744xf32>
  return %c : tensor<4x288230376151711744xf32>
}
