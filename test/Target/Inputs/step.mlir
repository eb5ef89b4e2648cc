// A small planned step (gc.offsets by hand), shared by the C++ and CUDA emitter tests
// (../Cpp/emit.mlir, ../Cuda/emit.mlir): a fused broadcast + add + tanh + dropout
// kernel, two matmuls, a reduction into the loss (result #0) and an SGD
// update written in place into its weight.
func.func @step(%x: tensor<4x8xf32> {gc.name = "x"},
                %b: tensor<8xf32> {gc.name = "b", gc.param},
                %w: tensor<8x8xf32> {gc.name = "w", gc.param},
                %seed: tensor<i64> {gc.name = "seed"})
    -> (tensor<f32> {gc.name = "loss"}, tensor<8x8xf32> {gc.name = "w"},
        tensor<4x8xf32> {gc.name = "activation"})
    attributes {gc.arena_bytes = 1536 : i64} {
  %bb = gc.broadcast %b dims = [1] {gc.offsets = array<i64: 0>} : tensor<8xf32> -> tensor<4x8xf32>
  %s = gc.add %x, %bb {gc.offsets = array<i64: 0>} : tensor<4x8xf32>
  %t = gc.tanh %s {gc.offsets = array<i64: 0>} : tensor<4x8xf32>
  %d = gc.dropout %t, %seed probability = 0.1 stream = 3 {gc.offsets = array<i64: 128>} : tensor<4x8xf32>
  %m = gc.matmul %d, %w {gc.offsets = array<i64: 256>} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %l = gc.reduce_sum %m dims = [0, 1] {gc.offsets = array<i64: 1280>} : tensor<4x8xf32> -> tensor<f32>
  %g = gc.matmul %d, %m transpose_lhs {gc.offsets = array<i64: 512>} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %w2 = gc.sgd_update %w, %g lr = 0.1 {gc.offsets = array<i64: 768>} : tensor<8x8xf32>
  %r = gc.reshape %m {gc.offsets = array<i64: 256>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return %l, %w2, %r : tensor<f32>, tensor<8x8xf32>, tensor<4x8xf32>
}
