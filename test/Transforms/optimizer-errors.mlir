// An unknown optimizer is rejected when the pipeline is parsed, before any
// function runs.
// RUN: not gc-opt %s --split-input-file --gc-optimizer="optimizer=adam" 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: for the --optimizer option: Cannot find option named 'adam'!
// RUN: not gc-opt %s --split-input-file --gc-optimizer="lr=-1" 2>&1 | FileCheck %s --check-prefix=LR
// RUN: not gc-opt %s --split-input-file --gc-optimizer="beta2=1.5" 2>&1 | FileCheck %s --check-prefix=BETA
// LR: error: gc-optimizer: expected lr to be finite and positive, but found -1
// BETA: error: gc-optimizer: expected beta2 to be in [0, 1), but found 1.5

func.func @f(%a: tensor<2xf32> {gc.name = "a", gc.param}) -> (tensor<f32> {gc.name = "loss"}, tensor<2xf32> {gc.name = "grad.a", gc.role = #gc.role<gradient, of = 0>}) {
  %l = gc.reduce_sum %a dims = [0] : tensor<2xf32> -> tensor<f32>
  return %l, %a : tensor<f32>, tensor<2xf32>
}
