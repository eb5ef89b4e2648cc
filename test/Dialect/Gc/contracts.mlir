// The argument and result contracts print as they parse, and survive the
// generic form; printing twice gives the same text (a moment needing
// escapes included).
// RUN: gc-opt %s | FileCheck %s
// RUN: gc-opt %s --mlir-print-op-generic | gc-opt | FileCheck %s
// RUN: gc-opt %s -o %t.once.mlir
// RUN: gc-opt %t.once.mlir | diff - %t.once.mlir

// CHECK-LABEL: func.func @step
// CHECK-SAME: {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "w", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: {gc.init = #gc.init<index, bound = 30522>, gc.role = #gc.role<batch>}
// CHECK-SAME: {gc.init = #gc.init<ones, binary>, gc.role = #gc.role<batch>}
// CHECK-SAME: {gc.init = #gc.init<seed>, gc.role = #gc.role<seed>}
// CHECK-SAME: {gc.init = #gc.init<ones>, gc.role = #gc.role<step_counter>}
// CHECK-SAME: {gc.init = #gc.init<zeros>, gc.role = #gc.role<optimizer_state, of = 0, moment = "exp_avg">}
// CHECK-SAME: {gc.role = #gc.role<optimizer_state, of = 0, moment = "odd\22name">}
// CHECK-SAME: -> (tensor<4xf32> {gc.role = #gc.role<gradient, of = 0>})
func.func @step(%w: tensor<4xf32> {gc.name = "w", gc.param, gc.role = #gc.role<parameter>, gc.init = #gc.init<normal, std = 0.02>},
                %ids: tensor<2xi64> {gc.role = #gc.role<batch>, gc.init = #gc.init<index, bound = 30522>},
                %mask: tensor<2xi64> {gc.role = #gc.role<batch>, gc.init = #gc.init<ones, binary>},
                %seed: tensor<i64> {gc.role = #gc.role<seed>, gc.init = #gc.init<seed>},
                %t: tensor<i64> {gc.role = #gc.role<step_counter>, gc.init = #gc.init<ones>},
                %m: tensor<4xf32> {gc.role = #gc.role<optimizer_state, of = 0, moment = "exp_avg">, gc.init = #gc.init<zeros>},
                %odd: tensor<4xf32> {gc.role = #gc.role<optimizer_state, of = 0, moment = "odd\"name">})
    -> (tensor<4xf32> {gc.role = #gc.role<gradient, of = 0>}) {
  return %w : tensor<4xf32>
}
