// Gradient check of broadcast, reshape, transpose, slice, concat and constants: gc-autodiff's gradients against central finite
// differences in f64 on seeded random inputs.
// RUN: gc-run --check-gradients %s | FileCheck %s
// CHECK: gradient check: 8 parameters, max relative error {{.*}} <= 1.0e-06: passed

func.func @broadcast_new_dims(%x: tensor<5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5x2xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.broadcast %x dims = [1] : tensor<5xf64> -> tensor<3x5x2xf64>
  %lw = gc.mul %r, %w : tensor<3x5x2xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<3x5x2xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @broadcast_size_one(%x: tensor<3x1x4xf64> {gc.name = "x", gc.param}, %w: tensor<3x6x2x4xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.broadcast %x dims = [0, 1, 3] : tensor<3x1x4xf64> -> tensor<3x6x2x4xf64>
  %lw = gc.mul %r, %w : tensor<3x6x2x4xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2, 3] : tensor<3x6x2x4xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @reshape(%x: tensor<3x4xf64> {gc.name = "x", gc.param}, %w: tensor<2x6xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.exp %x : tensor<3x4xf64>
  %r = gc.reshape %e : tensor<3x4xf64> -> tensor<2x6xf64>
  %lw = gc.mul %r, %w : tensor<2x6xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<2x6xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @transpose(%x: tensor<2x3x4xf64> {gc.name = "x", gc.param}, %w: tensor<4x2x3xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.exp %x : tensor<2x3x4xf64>
  %r = gc.transpose %e perm = [2, 0, 1] : tensor<2x3x4xf64> -> tensor<4x2x3xf64>
  %lw = gc.mul %r, %w : tensor<4x2x3xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<4x2x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @slice(%x: tensor<5x6xf64> {gc.name = "x", gc.param}, %w: tensor<3x3xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.exp %x : tensor<5x6xf64>
  %r = gc.slice %e offsets = [1, 2] : tensor<5x6xf64> -> tensor<3x3xf64>
  %lw = gc.mul %r, %w : tensor<3x3xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @concat(%x: tensor<2x3xf64> {gc.name = "x", gc.param}, %y: tensor<2x4xf64> {gc.name = "y", gc.param}, %w: tensor<2x10xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.exp %x : tensor<2x3xf64>
  %r = gc.concat %e, %y, %e dim = 1 : (tensor<2x3xf64>, tensor<2x4xf64>, tensor<2x3xf64>) -> tensor<2x10xf64>
  %lw = gc.mul %r, %w : tensor<2x10xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<2x10xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @constant(%x: tensor<2x3xf64> {gc.name = "x", gc.param}, %w: tensor<2x3xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %c = gc.constant dense<[[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]]> : tensor<2x3xf64>
  %e = gc.exp %x : tensor<2x3xf64>
  %r = gc.mul %e, %c : tensor<2x3xf64>
  %lw = gc.mul %r, %w : tensor<2x3xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}
