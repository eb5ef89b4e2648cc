// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-schedule | FileCheck %s

// The forward pass first; each optimizer update right after its gradient is
// complete; constants of the backward pass right before their first user.
// CHECK-LABEL: func.func @step
// CHECK: %[[E:.*]] = gc.exp %arg0
// CHECK: %[[L:.*]] = gc.reduce_sum %[[E]]
// CHECK: %[[ONE:.*]] = gc.constant dense<1.000000e+00>
// CHECK: %[[G:.*]] = gc.broadcast %[[ONE]]
// CHECK-NEXT: %[[DV:.*]] = gc.neg %[[G]]
// CHECK-NEXT: gc.sgd_update %arg1, %[[DV]]
// CHECK-NEXT: %[[DW:.*]] = gc.mul %[[G]], %[[E]]
// CHECK-NEXT: gc.sgd_update %arg0, %[[DW]]
// CHECK-NEXT: return
func.func @step(%w: tensor<4xf32> {gc.name = "w", gc.param}, %v: tensor<4xf32> {gc.name = "v", gc.param})
    -> (tensor<f32> {gc.name = "loss"}, tensor<4xf32> {gc.name = "w"}, tensor<4xf32> {gc.name = "v"}) {
  %e = gc.exp %w : tensor<4xf32>
  %l = gc.reduce_sum %e dims = [0] : tensor<4xf32> -> tensor<f32>
  %one = gc.constant dense<1.0> : tensor<f32>
  %g = gc.broadcast %one dims = [] : tensor<f32> -> tensor<4xf32>
  %dv = gc.neg %g : tensor<4xf32>
  %dw = gc.mul %g, %e : tensor<4xf32>
  %nw = gc.sgd_update %w, %dw lr = 0.1 : tensor<4xf32>
  %nv = gc.sgd_update %v, %dv lr = 0.1 : tensor<4xf32>
  return %l, %nw, %nv : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// A forward op written after the backward pass moves up with the forward.
// CHECK-LABEL: func.func @forward_last
// CHECK: gc.exp
// CHECK-NEXT: gc.tanh
// CHECK-NEXT: gc.reduce_sum
// CHECK-NEXT: gc.constant
func.func @forward_last(%w: tensor<4xf32> {gc.name = "w", gc.param}) -> (tensor<f32> {gc.name = "loss"}, tensor<4xf32>) {
  %e = gc.exp %w : tensor<4xf32>
  %c = gc.constant dense<2.0> : tensor<4xf32>
  %t = gc.tanh %e : tensor<4xf32>
  %l = gc.reduce_sum %t dims = [0] : tensor<4xf32> -> tensor<f32>
  %m = gc.mul %c, %e : tensor<4xf32>
  return %l, %m : tensor<f32>, tensor<4xf32>
}

// -----

// expected-error @+1 {{expected a training step returning a loss (a result named 'loss', or a scalar floating-point result #0)}}
func.func @no_loss(%w: tensor<4xf32>) -> tensor<4xf32> {
  %e = gc.exp %w : tensor<4xf32>
  return %e : tensor<4xf32>
}
