// RUN: gc-opt %s --verify-diagnostics --gc-optimizer

// expected-error @+1 {{gc-optimizer: no result named 'grad.a' for parameter 'a'; run gc-autodiff first}}
func.func @f(%a: tensor<2xf32> {gc.name = "a", gc.param}) -> (tensor<f32> {gc.name = "loss"}) {
  %l = gc.reduce_sum %a dims = [0] : tensor<2xf32> -> tensor<f32>
  return %l : tensor<f32>
}
