// RUN: gc-opt %s --verify-diagnostics --gc-optimizer

// A result named like a gradient is not one: gc-autodiff's results say
// whose gradient they are (#gc.role<gradient, of = N>).
// expected-error @+1 {{gc-optimizer: no result is the gradient of parameter #0 'a' (#gc.role<gradient, of = 0>); run gc-autodiff first}}
func.func @f(%a: tensor<2xf32> {gc.name = "a", gc.param}) -> (tensor<f32> {gc.name = "loss"}, tensor<2xf32> {gc.name = "grad.a"}) {
  %l = gc.reduce_sum %a dims = [0] : tensor<2xf32> -> tensor<f32>
  return %l, %a : tensor<f32>, tensor<2xf32>
}
