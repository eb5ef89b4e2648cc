// Gradient check of gc.cast. The f64 -> f32 -> f64 round trip is a step
// function at f32 resolution (about 6e-8 relative), so finite differences
// need a wide step: with h = 1e-2 their error is about 1e-5, and the
// tolerance is 1e-4 instead of 1e-6.
// RUN: gc-run --check-gradients --fd-step 1e-2 --tolerance 1e-4 %s | FileCheck %s
// CHECK: gradient check: 1 parameters, max relative error {{.*}} <= 1.0e-04: passed

func.func @cast(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %h = gc.cast %xs : tensor<3x5xf64> -> tensor<3x5xf32>
  %r = gc.cast %h : tensor<3x5xf32> -> tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}
