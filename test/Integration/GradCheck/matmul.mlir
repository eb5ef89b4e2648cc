// Gradient check of gc.matmul with every transpose combination, batched and with a shared rank-2 rhs: gc-autodiff's gradients against central finite
// differences in f64 on seeded random inputs.
// RUN: gc-run --check-gradients %s | FileCheck %s
// CHECK: gradient check: 24 parameters, max relative error {{.*}} <= 1.0e-06: passed

func.func @matmul_plain(%a: tensor<3x4xf64> {gc.name = "a", gc.param}, %b: tensor<4x5xf64> {gc.name = "b", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b : (tensor<3x4xf64>, tensor<4x5xf64>) -> tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_batched(%a: tensor<2x3x4xf64> {gc.name = "a", gc.param}, %b: tensor<2x4x5xf64> {gc.name = "b", gc.param}, %w: tensor<2x3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b : (tensor<2x3x4xf64>, tensor<2x4x5xf64>) -> tensor<2x3x5xf64>
  %lw = gc.mul %r, %w : tensor<2x3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_shared(%a: tensor<2x3x4xf64> {gc.name = "a", gc.param}, %b: tensor<4x5xf64> {gc.name = "b", gc.param}, %w: tensor<2x3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b : (tensor<2x3x4xf64>, tensor<4x5xf64>) -> tensor<2x3x5xf64>
  %lw = gc.mul %r, %w : tensor<2x3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_plain_tr(%a: tensor<3x4xf64> {gc.name = "a", gc.param}, %b: tensor<5x4xf64> {gc.name = "b", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_rhs : (tensor<3x4xf64>, tensor<5x4xf64>) -> tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_batched_tr(%a: tensor<2x3x4xf64> {gc.name = "a", gc.param}, %b: tensor<2x5x4xf64> {gc.name = "b", gc.param}, %w: tensor<2x3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_rhs : (tensor<2x3x4xf64>, tensor<2x5x4xf64>) -> tensor<2x3x5xf64>
  %lw = gc.mul %r, %w : tensor<2x3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_shared_tr(%a: tensor<2x3x4xf64> {gc.name = "a", gc.param}, %b: tensor<5x4xf64> {gc.name = "b", gc.param}, %w: tensor<2x3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_rhs : (tensor<2x3x4xf64>, tensor<5x4xf64>) -> tensor<2x3x5xf64>
  %lw = gc.mul %r, %w : tensor<2x3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_plain_tl(%a: tensor<4x3xf64> {gc.name = "a", gc.param}, %b: tensor<4x5xf64> {gc.name = "b", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_lhs : (tensor<4x3xf64>, tensor<4x5xf64>) -> tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_batched_tl(%a: tensor<2x4x3xf64> {gc.name = "a", gc.param}, %b: tensor<2x4x5xf64> {gc.name = "b", gc.param}, %w: tensor<2x3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_lhs : (tensor<2x4x3xf64>, tensor<2x4x5xf64>) -> tensor<2x3x5xf64>
  %lw = gc.mul %r, %w : tensor<2x3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_shared_tl(%a: tensor<2x4x3xf64> {gc.name = "a", gc.param}, %b: tensor<4x5xf64> {gc.name = "b", gc.param}, %w: tensor<2x3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_lhs : (tensor<2x4x3xf64>, tensor<4x5xf64>) -> tensor<2x3x5xf64>
  %lw = gc.mul %r, %w : tensor<2x3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_plain_tl_tr(%a: tensor<4x3xf64> {gc.name = "a", gc.param}, %b: tensor<5x4xf64> {gc.name = "b", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_lhs transpose_rhs : (tensor<4x3xf64>, tensor<5x4xf64>) -> tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_batched_tl_tr(%a: tensor<2x4x3xf64> {gc.name = "a", gc.param}, %b: tensor<2x5x4xf64> {gc.name = "b", gc.param}, %w: tensor<2x3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_lhs transpose_rhs : (tensor<2x4x3xf64>, tensor<2x5x4xf64>) -> tensor<2x3x5xf64>
  %lw = gc.mul %r, %w : tensor<2x3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @matmul_shared_tl_tr(%a: tensor<2x4x3xf64> {gc.name = "a", gc.param}, %b: tensor<5x4xf64> {gc.name = "b", gc.param}, %w: tensor<2x3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.matmul %a, %b transpose_lhs transpose_rhs : (tensor<2x4x3xf64>, tensor<5x4xf64>) -> tensor<2x3x5xf64>
  %lw = gc.mul %r, %w : tensor<2x3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}
