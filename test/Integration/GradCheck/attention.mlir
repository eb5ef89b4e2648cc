// Gradient check of the fused gc.attention: gc-autodiff's gradients (through
// gc.attention_grad, which recomputes the probabilities from lse) against
// central finite differences in f64 on seeded random inputs. The query has
// 70 rows, so the CPU kernels' blocks of 64 rows meet a partial block and the
// key and value gradients add two blocks. Dropout's mask is a pure function
// of the seed, so the loss is smooth in the parameters for a fixed seed.
// RUN: gc-run --check-gradients %s | FileCheck %s
// CHECK-DAG: @masked q
// CHECK-DAG: @masked k
// CHECK-DAG: @masked v
// CHECK-DAG: @dropout q
// CHECK-DAG: @dropout k
// CHECK-DAG: @dropout v
// CHECK: gradient check: 6 parameters, max relative error {{.*}} <= 1.0e-06: passed

func.func @masked(%q: tensor<2x3x70x8xf64> {gc.name = "q", gc.param},
                  %k: tensor<2x3x9x8xf64> {gc.name = "k", gc.param},
                  %v: tensor<2x3x9x6xf64> {gc.name = "v", gc.param},
                  %m: tensor<1x1x70x9xf64> {gc.name = "m"},
                  %w: tensor<2x3x70x6xf64> {gc.name = "w"}) -> (tensor<f64> {gc.name = "loss"}) {
  %o, %lse = gc.attention %q, %k, %v mask %m scale = 0.7 probability = 0.0 stream = 0
      : (tensor<2x3x70x8xf64>, tensor<2x3x9x8xf64>, tensor<2x3x9x6xf64>, tensor<1x1x70x9xf64>)
      -> (tensor<2x3x70x6xf64>, tensor<2x3x70xf64>)
  %ow = gc.mul %o, %w : tensor<2x3x70x6xf64>
  %l = gc.reduce_sum %ow dims = [0, 1, 2, 3] : tensor<2x3x70x6xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @dropout(%q: tensor<2x2x5x4xf64> {gc.name = "q", gc.param},
                   %k: tensor<2x2x7x4xf64> {gc.name = "k", gc.param},
                   %v: tensor<2x2x7x3xf64> {gc.name = "v", gc.param},
                   %m: tensor<2x1x1x7xf64> {gc.name = "m"},
                   %seed: tensor<i64> {gc.name = "seed"},
                   %w: tensor<2x2x5x3xf64> {gc.name = "w"}) -> (tensor<f64> {gc.name = "loss"}) {
  %o, %lse = gc.attention %q, %k, %v mask %m seed %seed scale = 0.5 probability = 0.3 stream = 2
      : (tensor<2x2x5x4xf64>, tensor<2x2x7x4xf64>, tensor<2x2x7x3xf64>, tensor<2x1x1x7xf64>, tensor<i64>)
      -> (tensor<2x2x5x3xf64>, tensor<2x2x5xf64>)
  %ow = gc.mul %o, %w : tensor<2x2x5x3xf64>
  %l = gc.reduce_sum %ow dims = [0, 1, 2, 3] : tensor<2x2x5x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}
