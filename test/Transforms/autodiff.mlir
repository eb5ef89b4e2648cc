// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-autodiff | FileCheck %s

// The loss and one gradient per parameter, named after it.
// CHECK-LABEL: func.func @exp_sum
// CHECK-SAME: (%[[W:.*]]: tensor<4xf32> {gc.name = "w", gc.param})
// CHECK-SAME: -> (tensor<f32> {gc.name = "loss"}, tensor<4xf32> {gc.name = "grad.w", gc.role = #gc.role<gradient, of = 0>})
// CHECK: %[[E:.*]] = gc.exp %[[W]]
// CHECK: %[[L:.*]] = gc.reduce_sum %[[E]]
// CHECK: %[[ONE:.*]] = gc.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[G:.*]] = gc.broadcast %[[ONE]] dims = [] : tensor<f32> -> tensor<4xf32>
// CHECK: %[[DW:.*]] = gc.mul %[[G]], %[[E]] : tensor<4xf32>
// CHECK: return %[[L]], %[[DW]]
func.func @exp_sum(%w: tensor<4xf32> {gc.name = "w", gc.param}) -> (tensor<f32> {gc.name = "loss"}) {
  %e = gc.exp %w : tensor<4xf32>
  %l = gc.reduce_sum %e dims = [0] : tensor<4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A value used twice receives the sum of both contributions.
// CHECK-LABEL: func.func @fan_out
// CHECK-SAME: (%[[W:.*]]: tensor<3xf64> {gc.name = "w", gc.param})
// CHECK: %[[SQ:.*]] = gc.mul %[[W]], %[[W]]
// CHECK: %[[A:.*]] = gc.mul %[[G:.*]], %[[W]] : tensor<3xf64>
// CHECK: %[[B:.*]] = gc.mul %[[G]], %[[W]] : tensor<3xf64>
// CHECK: %[[SUM:.*]] = gc.add %[[A]], %[[B]] : tensor<3xf64>
// CHECK: return %{{.*}}, %[[SUM]]
func.func @fan_out(%w: tensor<3xf64> {gc.name = "w", gc.param}) -> tensor<f64> {
  %sq = gc.mul %w, %w : tensor<3xf64>
  %l = gc.reduce_sum %sq dims = [0] : tensor<3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

// -----

// A broadcast bias gets its gradient summed back over the expanded
// dimensions; the ids get none; the embedding gets a scatter-add.
// CHECK-LABEL: func.func @bias_and_embedding
// CHECK-SAME: -> (tensor<f32>, tensor<10x4xf32> {gc.name = "grad.table", gc.role = #gc.role<gradient, of = 0>}, tensor<4xf32> {gc.name = "grad.bias", gc.role = #gc.role<gradient, of = 1>})
// CHECK: %[[DB:.*]] = gc.reduce_sum %[[GY:.*]] dims = [0, 1] : tensor<2x3x4xf32> -> tensor<4xf32>
// CHECK: %[[DT:.*]] = gc.embedding_grad %[[GY]], %{{.*}} : (tensor<2x3x4xf32>, tensor<2x3xi64>) -> tensor<10x4xf32>
// CHECK: return %{{.*}}, %[[DT]], %[[DB]]
func.func @bias_and_embedding(%table: tensor<10x4xf32> {gc.name = "table", gc.param},
                              %bias: tensor<4xf32> {gc.name = "bias", gc.param},
                              %ids: tensor<2x3xi64> {gc.name = "input_ids"}) -> tensor<f32> {
  %e = gc.embedding %table, %ids : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %b = gc.broadcast %bias dims = [2] : tensor<4xf32> -> tensor<2x3x4xf32>
  %y = gc.add %e, %b : tensor<2x3x4xf32>
  %l = gc.reduce_mean %y dims = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Dropout's gradient regenerates the mask from the same seed and stream:
// no mask is produced by the forward op or stored for the backward.
// The backward ops inherit the forward op's block tag.
// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[W:.*]]: tensor<8xf32> {gc.name = "w", gc.param}, %[[SEED:.*]]: tensor<i64> {gc.name = "seed"})
// CHECK: gc.dropout %[[W]], %[[SEED]] probability = 1.000000e-01 stream = 3 {gc.block = 2 : i64}
// CHECK: gc.dropout_grad %{{.*}}, %[[SEED]] probability = 1.000000e-01 stream = 3 {gc.block = 2 : i64}
// CHECK: return
func.func @dropout(%w: tensor<8xf32> {gc.name = "w", gc.param}, %seed: tensor<i64> {gc.name = "seed"}) -> tensor<f32> {
  %d = gc.dropout %w, %seed probability = 0.1 stream = 3 {gc.block = 2 : i64} : tensor<8xf32>
  %l = gc.reduce_sum %d dims = [0] : tensor<8xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A linear layer with a weight shared by the batch: one GEMM over the
// flattened batch for the weight's gradient, none of it materialized per
// batch.
// CHECK-LABEL: func.func @linear
// CHECK: %[[DX:.*]] = gc.matmul %[[G:.*]], %{{.*}} : (tensor<2x3x8xf32>, tensor<8x5xf32>) -> tensor<2x3x5xf32>
// CHECK: %[[X2:.*]] = gc.reshape %{{.*}} : tensor<2x3x5xf32> -> tensor<6x5xf32>
// CHECK: %[[G2:.*]] = gc.reshape %[[G]] : tensor<2x3x8xf32> -> tensor<6x8xf32>
// CHECK: %[[DW:.*]] = gc.matmul %[[G2]], %[[X2]] transpose_lhs : (tensor<6x8xf32>, tensor<6x5xf32>) -> tensor<8x5xf32>
func.func @linear(%x: tensor<2x3x5xf32> {gc.name = "x", gc.param},
                  %w: tensor<8x5xf32> {gc.name = "w", gc.param}) -> tensor<f32> {
  %y = gc.matmul %x, %w transpose_rhs : (tensor<2x3x5xf32>, tensor<8x5xf32>) -> tensor<2x3x8xf32>
  %l = gc.reduce_sum %y dims = [0, 1, 2] : tensor<2x3x8xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A parameter the loss does not use gets a zero gradient.
// CHECK-LABEL: func.func @unused
// CHECK: %[[Z:.*]] = gc.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: return %{{.*}}, %{{.*}}, %[[Z]]
func.func @unused(%a: tensor<2xf32> {gc.name = "a", gc.param}, %b: tensor<2xf32> {gc.name = "b", gc.param}) -> tensor<f32> {
  %l = gc.reduce_sum %a dims = [0] : tensor<2xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Functions without parameters are left alone.
// CHECK-LABEL: func.func @no_params
// CHECK-SAME: -> tensor<f32>
// CHECK-NEXT: gc.reduce_sum
// CHECK-NEXT: return
func.func @no_params(%a: tensor<2xf32>) -> tensor<f32> {
  %l = gc.reduce_sum %a dims = [0] : tensor<2xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @no_adjoint(%w: tensor<4xf32> {gc.name = "w", gc.param}) -> tensor<f32> {
  // expected-error @+1 {{'gc.reduce_max' op has no adjoint, but lies between a gc.param argument and the loss: gc-autodiff cannot differentiate through it}}
  %m = gc.reduce_max %w dims = [0] : tensor<4xf32> -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// An operand that depends on a parameter but gets no gradient from its op
// (gc.attention's mask) is an error, not a silent zero gradient.
func.func @mask_from_param(%q: tensor<1x1x3x4xf32> {gc.name = "q", gc.param},
                           %b: tensor<1x1x3x3xf32> {gc.name = "b", gc.param}) -> tensor<f32> {
  // expected-error @+1 {{'gc.attention' op operand #3 depends on a gc.param argument, but the op has no gradient for it: gc-autodiff cannot differentiate through it}}
  %o, %lse = gc.attention %q, %q, %q mask %b scale = 0.5 probability = 0.0 stream = 0
      : (tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x3xf32>)
      -> (tensor<1x1x3x4xf32>, tensor<1x1x3xf32>)
  %l = gc.reduce_sum %o dims = [0, 1, 2, 3] : tensor<1x1x3x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// gc.attention's log-sum-exp result is for its backward pass only.
func.func @loss_of_lse(%q: tensor<1x1x3x4xf32> {gc.name = "q", gc.param}) -> tensor<f32> {
  // expected-error @+1 {{'gc.attention' op cannot differentiate a loss that depends on the log-sum-exp result}}
  %o, %lse = gc.attention %q, %q, %q scale = 0.5 probability = 0.0 stream = 0
      : (tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32>)
      -> (tensor<1x1x3x4xf32>, tensor<1x1x3xf32>)
  %l = gc.reduce_sum %lse dims = [0, 1, 2] : tensor<1x1x3xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// expected-error @+1 {{gc-autodiff: expected the function to return one scalar loss (a rank-0 floating-point tensor), but it returns 'tensor<4xf32>'}}
func.func @not_a_loss(%w: tensor<4xf32> {gc.name = "w", gc.param}) -> tensor<4xf32> {
  %e = gc.exp %w : tensor<4xf32>
  return %e : tensor<4xf32>
}

// -----

// expected-error @+1 {{gc-autodiff: parameter 'ids' must be a floating-point tensor, but has type 'tensor<4xi64>'}}
func.func @integer_param(%ids: tensor<4xi64> {gc.name = "ids", gc.param}, %w: tensor<4xf32>) -> tensor<f32> {
  %l = gc.reduce_sum %w dims = [0] : tensor<4xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @layer_norm_statistics(%x: tensor<2x4xf32> {gc.name = "x", gc.param}, %g: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'gc.layer_norm' op cannot differentiate through the mean or rstd results of gc.layer_norm; only the normalized result has a gradient}}
  %y, %mean, %rstd = gc.layer_norm %x, %g, %g epsilon = 1.0e-5
      : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2xf32>, tensor<2xf32>)
  %l = gc.reduce_sum %mean dims = [0] : tensor<2xf32> -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// The padding index of the lookup reaches its gradient.
// CHECK-LABEL: func.func @padded_embedding
// CHECK: gc.embedding_grad %{{.*}}, %{{.*}} padding_idx = 0 : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<5x4xf32>
func.func @padded_embedding(%table: tensor<5x4xf32> {gc.name = "table", gc.param},
                            %ids: tensor<2xi64> {gc.name = "input_ids"}) -> tensor<f32> {
  %e = gc.embedding %table, %ids padding_idx = 0 : (tensor<5x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  %l = gc.reduce_sum %e dims = [0, 1] : tensor<2x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}
