// Gradient check of reduce_sum and reduce_mean: gc-autodiff's gradients against central finite
// differences in f64 on seeded random inputs.
// RUN: gc-run --check-gradients %s | FileCheck %s
// CHECK: gradient check: 4 parameters, max relative error {{.*}} <= 1.0e-06: passed

func.func @sum(%x: tensor<2x3x4xf64> {gc.name = "x", gc.param}, %w: tensor<3xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.exp %x : tensor<2x3x4xf64>
  %r = gc.reduce_sum %e dims = [0, 2] : tensor<2x3x4xf64> -> tensor<3xf64>
  %lw = gc.mul %r, %w : tensor<3xf64>
  %l = gc.reduce_sum %lw dims = [0] : tensor<3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @sum_keep(%x: tensor<2x3x4xf64> {gc.name = "x", gc.param}, %w: tensor<2x1x4xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.exp %x : tensor<2x3x4xf64>
  %r = gc.reduce_sum %e dims = [1] keep_dims : tensor<2x3x4xf64> -> tensor<2x1x4xf64>
  %lw = gc.mul %r, %w : tensor<2x1x4xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x1x4xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @mean(%x: tensor<2x3x4xf64> {gc.name = "x", gc.param}, %w: tensor<2x3xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.exp %x : tensor<2x3x4xf64>
  %r = gc.reduce_mean %e dims = [2] : tensor<2x3x4xf64> -> tensor<2x3xf64>
  %lw = gc.mul %r, %w : tensor<2x3xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @mean_all(%x: tensor<2x3x4xf64> {gc.name = "x", gc.param}, %w: tensor<1x1x1xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.exp %x : tensor<2x3x4xf64>
  %r = gc.reduce_mean %e dims = [0, 1, 2] keep_dims : tensor<2x3x4xf64> -> tensor<1x1x1xf64>
  %lw = gc.mul %r, %w : tensor<1x1x1xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<1x1x1xf64> -> tensor<f64>
  return %l : tensor<f64>
}
