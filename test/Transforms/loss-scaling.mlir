// Dynamic loss scaling (what gc-compile --precision fp16-mixed adds): gc-autodiff seeds the backward with the amp.loss_scale argument,
// gc-optimizer unscales every gradient, sums their non-finite flags, skips
// every AdamW update on a nonzero sum, and returns GradScaler's updated
// state under the argument names (the optimizer step included, which the
// step now advances itself), plus the flag.
// RUN: gc-opt %s --gc-autodiff="loss-scale=65536" --gc-optimizer="lr=0.001 loss-scaling keep-gradients" | FileCheck %s
// RUN: not gc-opt %s --gc-autodiff --gc-optimizer="loss-scaling" 2>&1 | FileCheck %s --check-prefix=NO-SCALE
// RUN: gc-opt %s --gc-autodiff="loss-scale=65536" --gc-optimizer="optimizer=sgd lr=0.1 loss-scaling" | FileCheck %s --check-prefix=SGD
// RUN: not gc-opt %s --gc-autodiff="loss-scale=-2" 2>&1 | FileCheck %s --check-prefix=NEGATIVE

// CHECK-LABEL: func.func @step
// CHECK-SAME: %[[SCALE:[^:]*]]: tensor<f32> {gc.init = #gc.init<full, value = 6.553600e+04>, gc.name = "amp.loss_scale", gc.role = #gc.role<optimizer_state>}
// CHECK-SAME: %[[STEP:[^:]*]]: tensor<i64> {gc.init = #gc.init<ones>, gc.name = "optimizer.step", gc.role = #gc.role<step_counter>}
// CHECK-SAME: %[[TRACKER:[^:]*]]: tensor<i64> {gc.init = #gc.init<zeros>, gc.name = "amp.growth_tracker", gc.role = #gc.role<optimizer_state>}
// CHECK-SAME: -> (tensor<f32> {gc.name = "loss"}, tensor<2xf32> {gc.name = "grad.a", gc.role = #gc.role<gradient, of = 0>}, tensor<2xf32> {gc.name = "a"}, tensor<2xf32> {gc.name = "optimizer.exp_avg.a"}, tensor<2xf32> {gc.name = "optimizer.exp_avg_sq.a"}, tensor<f32> {gc.name = "amp.loss_scale"}, tensor<i64> {gc.name = "amp.growth_tracker"}, tensor<i64> {gc.name = "optimizer.step"}, tensor<f32> {gc.name = "amp.found_inf"})
// The seed of the backward is the scale, not 1.
// CHECK: %[[SEED:.*]] = gc.broadcast %[[SCALE]] dims = [] : tensor<f32> -> tensor<2xf32>
// CHECK: %[[SCALED:.*]] = gc.mul %[[SEED]], %{{.*}} : tensor<2xf32>
// CHECK: %[[ONE:.*]] = gc.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[INVERSE:.*]] = gc.div %[[ONE]], %[[SCALE]] : tensor<f32>
// CHECK: %[[FACTOR:.*]] = gc.broadcast %[[INVERSE]] dims = [] : tensor<f32> -> tensor<2xf32>
// CHECK: %[[GRAD:.*]] = gc.mul %[[SCALED]], %[[FACTOR]] : tensor<2xf32>
// CHECK: %[[FOUND:.*]] = gc.any_nonfinite %[[GRAD]] : tensor<2xf32> -> tensor<f32>
// CHECK: %[[P:.*]], %[[M:.*]], %[[V:.*]] = gc.adamw_update %{{.*}}, %[[GRAD]], %{{.*}}, %{{.*}}, %[[STEP]] skip %[[FOUND]] lr = 1.000000e-03 : tensor<2xf32>
// CHECK: %[[S2:.*]], %[[G2:.*]], %[[T2:.*]] = gc.update_loss_scale %[[SCALE]], %[[TRACKER]], %[[STEP]], %[[FOUND]]
// CHECK: return %{{.*}}, %[[GRAD]], %[[P]], %[[M]], %[[V]], %[[S2]], %[[G2]], %[[T2]], %[[FOUND]]

// NO-SCALE: error: gc-optimizer: loss-scaling needs the argument 'amp.loss_scale' (tensor<f32>) that gc-autodiff adds with loss-scale; run it first
// SGD under the scaler: each update takes the same skip flag, and SGD gains
// the optimizer.step counter that the scaler's update advances.
// SGD-LABEL: func.func @step
// SGD-SAME: %[[SCALE:[^:]*]]: tensor<f32> {gc.init = #gc.init<full, value = 6.553600e+04>, gc.name = "amp.loss_scale", gc.role = #gc.role<optimizer_state>}
// SGD-SAME: %[[STEP:[^:]*]]: tensor<i64> {gc.init = #gc.init<ones>, gc.name = "optimizer.step", gc.role = #gc.role<step_counter>}
// SGD-SAME: %[[TRACKER:[^:]*]]: tensor<i64> {gc.init = #gc.init<zeros>, gc.name = "amp.growth_tracker", gc.role = #gc.role<optimizer_state>}
// SGD-SAME: -> (tensor<f32> {gc.name = "loss"}, tensor<2xf32> {gc.name = "a"}, tensor<f32> {gc.name = "amp.loss_scale"}, tensor<i64> {gc.name = "amp.growth_tracker"}, tensor<i64> {gc.name = "optimizer.step"}, tensor<f32> {gc.name = "amp.found_inf"})
// SGD: %[[FOUND:.*]] = gc.any_nonfinite %[[GRAD:[^ ]*]] : tensor<2xf32> -> tensor<f32>
// SGD: %[[P:.*]] = gc.sgd_update %{{.*}}, %[[GRAD]] skip %[[FOUND]] lr = 1.000000e-01 : tensor<2xf32>
// SGD: %[[S2:.*]], %[[G2:.*]], %[[T2:.*]] = gc.update_loss_scale %[[SCALE]], %[[TRACKER]], %[[STEP]], %[[FOUND]]
// SGD: return %{{.*}}, %[[P]], %[[S2]], %[[G2]], %[[T2]], %[[FOUND]]
// NEGATIVE: error: gc-autodiff: expected loss-scale to be finite and positive (or 0 for none), but found -2

func.func @step(%a: tensor<2xf32> {gc.name = "a", gc.param},
                %x: tensor<2xf32> {gc.name = "x"}) -> (tensor<f32> {gc.name = "loss"}) {
  %ax = gc.mul %a, %x : tensor<2xf32>
  %l = gc.reduce_sum %ax dims = [0] : tensor<2xf32> -> tensor<f32>
  return %l : tensor<f32>
}
