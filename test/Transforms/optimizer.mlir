// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-autodiff --gc-optimizer="lr=0.001 weight-decay=0.01" | FileCheck %s --check-prefix=ADAMW
// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-autodiff --gc-optimizer="optimizer=sgd lr=0.5" | FileCheck %s --check-prefix=SGD
// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-autodiff --gc-optimizer="optimizer=sgd lr=0.5 weight-decay=0.25 keep-gradients" | FileCheck %s --check-prefix=KEEP

// ADAMW-LABEL: func.func @step
// ADAMW-SAME: (%[[A:.*]]: tensor<2xf32> {gc.name = "a", gc.param}, %[[X:.*]]: tensor<2xf32> {gc.name = "x"},
// ADAMW-SAME: %[[B:.*]]: tensor<3xf32> {gc.name = "b", gc.param},
// ADAMW-SAME: %[[STEP:.*]]: tensor<i64> {gc.init = #gc.init<ones>, gc.name = "optimizer.step", gc.role = #gc.role<step_counter>},
// ADAMW-SAME: %[[MA:.*]]: tensor<2xf32> {gc.init = #gc.init<zeros>, gc.name = "optimizer.exp_avg.a", gc.role = #gc.role<optimizer_state, of = 0, moment = "exp_avg">},
// ADAMW-SAME: %[[VA:.*]]: tensor<2xf32> {gc.init = #gc.init<zeros>, gc.name = "optimizer.exp_avg_sq.a", gc.role = #gc.role<optimizer_state, of = 0, moment = "exp_avg_sq">},
// ADAMW-SAME: %[[MB:.*]]: tensor<3xf32> {gc.init = #gc.init<zeros>, gc.name = "optimizer.exp_avg.b", gc.role = #gc.role<optimizer_state, of = 2, moment = "exp_avg">},
// ADAMW-SAME: %[[VB:.*]]: tensor<3xf32> {gc.init = #gc.init<zeros>, gc.name = "optimizer.exp_avg_sq.b", gc.role = #gc.role<optimizer_state, of = 2, moment = "exp_avg_sq">})
// ADAMW-SAME: -> (tensor<f32> {gc.name = "loss"}, tensor<2xf32> {gc.name = "a"}, tensor<3xf32> {gc.name = "b"},
// ADAMW-SAME: tensor<2xf32> {gc.name = "optimizer.exp_avg.a"}, tensor<2xf32> {gc.name = "optimizer.exp_avg_sq.a"},
// ADAMW-SAME: tensor<3xf32> {gc.name = "optimizer.exp_avg.b"}, tensor<3xf32> {gc.name = "optimizer.exp_avg_sq.b"})
// ADAMW: %[[NA:.*]], %[[NMA:.*]], %[[NVA:.*]] = gc.adamw_update %[[A]], %{{.*}}, %[[MA]], %[[VA]], %[[STEP]] lr = 1.000000e-03 : tensor<2xf32>
// ADAMW: %[[NB:.*]], %[[NMB:.*]], %[[NVB:.*]] = gc.adamw_update %[[B]], %{{.*}}, %[[MB]], %[[VB]], %[[STEP]] lr = 1.000000e-03 : tensor<3xf32>
// ADAMW: return %{{.*}}, %[[NA]], %[[NB]], %[[NMA]], %[[NVA]], %[[NMB]], %[[NVB]]

// SGD-LABEL: func.func @step
// SGD-SAME: -> (tensor<f32> {gc.name = "loss"}, tensor<2xf32> {gc.name = "a"}, tensor<3xf32> {gc.name = "b"})
// SGD: gc.sgd_update %{{.*}}, %{{.*}} lr = 5.000000e-01 : tensor<2xf32>
// SGD: gc.sgd_update %{{.*}}, %{{.*}} lr = 5.000000e-01 : tensor<3xf32>

// KEEP-LABEL: func.func @step
// KEEP-SAME: -> (tensor<f32> {gc.name = "loss"}, tensor<2xf32> {gc.name = "grad.a", gc.role = #gc.role<gradient, of = 0>}, tensor<3xf32> {gc.name = "grad.b", gc.role = #gc.role<gradient, of = 2>}, tensor<2xf32> {gc.name = "a"}, tensor<3xf32> {gc.name = "b"})
func.func @step(%a: tensor<2xf32> {gc.name = "a", gc.param}, %x: tensor<2xf32> {gc.name = "x"},
                %b: tensor<3xf32> {gc.name = "b", gc.param}) -> (tensor<f32> {gc.name = "loss"}) {
  %ax = gc.mul %a, %x : tensor<2xf32>
  %s1 = gc.reduce_sum %ax dims = [0] : tensor<2xf32> -> tensor<f32>
  %s2 = gc.reduce_sum %b dims = [0] : tensor<3xf32> -> tensor<f32>
  %l = gc.add %s1, %s2 : tensor<f32>
  return %l : tensor<f32>
}
// KEEP: gc.sgd_update %{{.*}}, %{{.*}} lr = 5.000000e-01 weight_decay = 2.500000e-01 : tensor<2xf32>
