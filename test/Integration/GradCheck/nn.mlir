// Gradient check of layer_norm, softmax, dropout, embedding and
// cross-entropy: gc-autodiff's gradients against central finite differences
// in f64 on seeded random inputs. Dropout's mask is a pure function of the
// seed, so the loss is a smooth function of the parameters for a fixed seed.
// RUN: gc-run --check-gradients %s | FileCheck %s
// CHECK-DAG: @layer_norm x
// CHECK-DAG: @layer_norm gamma
// CHECK-DAG: @layer_norm beta
// CHECK-DAG: @embedding table
// CHECK: gradient check: 9 parameters, max relative error {{.*}} <= 1.0e-06: passed

func.func @layer_norm(%x: tensor<3x4x8xf64> {gc.name = "x", gc.param},
                      %gamma: tensor<8xf64> {gc.name = "gamma", gc.param},
                      %beta: tensor<8xf64> {gc.name = "beta", gc.param},
                      %w: tensor<3x4x8xf64> {gc.name = "w"}) -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x4x8xf64>
  %gs = gc.scale %gamma by 50.0 : tensor<8xf64>
  %y, %mean, %rstd = gc.layer_norm %xs, %gs, %beta epsilon = 1.0e-5
      : (tensor<3x4x8xf64>, tensor<8xf64>, tensor<8xf64>) -> (tensor<3x4x8xf64>, tensor<3x4xf64>, tensor<3x4xf64>)
  %yw = gc.mul %y, %w : tensor<3x4x8xf64>
  %l = gc.reduce_sum %yw dims = [0, 1, 2] : tensor<3x4x8xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @softmax(%x: tensor<3x7xf64> {gc.name = "x", gc.param},
                   %w: tensor<3x7xf64> {gc.name = "w"}) -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x7xf64>
  %p = gc.softmax %xs dim = 1 : tensor<3x7xf64>
  %pw = gc.mul %p, %w : tensor<3x7xf64>
  %l = gc.reduce_sum %pw dims = [0, 1] : tensor<3x7xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @softmax_inner(%x: tensor<3x7x2xf64> {gc.name = "x", gc.param},
                         %w: tensor<3x7x2xf64> {gc.name = "w"}) -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x7x2xf64>
  %p = gc.softmax %xs dim = 1 : tensor<3x7x2xf64>
  %pw = gc.mul %p, %w : tensor<3x7x2xf64>
  %l = gc.reduce_sum %pw dims = [0, 1, 2] : tensor<3x7x2xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @dropout(%x: tensor<64xf64> {gc.name = "x", gc.param}, %seed: tensor<i64> {gc.name = "seed"},
                   %w: tensor<64xf64> {gc.name = "w"}) -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<64xf64>
  %t = gc.tanh %xs : tensor<64xf64>
  %d = gc.dropout %t, %seed probability = 0.3 stream = 4 : tensor<64xf64>
  %dw = gc.mul %d, %w : tensor<64xf64>
  %l = gc.reduce_sum %dw dims = [0] : tensor<64xf64> -> tensor<f64>
  return %l : tensor<f64>
}

// Repeated ids accumulate: 12 lookups into a 5-row table.
func.func @embedding(%table: tensor<5x3xf64> {gc.name = "table", gc.param},
                     %ids: tensor<4x3xi64> {gc.name = "input_ids"},
                     %w: tensor<4x3x3xf64> {gc.name = "w"}) -> (tensor<f64> {gc.name = "loss"}) {
  %e = gc.embedding %table, %ids : (tensor<5x3xf64>, tensor<4x3xi64>) -> tensor<4x3x3xf64>
  %t = gc.tanh %e : tensor<4x3x3xf64>
  %tw = gc.mul %t, %w : tensor<4x3x3xf64>
  %l = gc.reduce_sum %tw dims = [0, 1, 2] : tensor<4x3x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @cross_entropy(%logits: tensor<6x5xf64> {gc.name = "logits", gc.param},
                         %labels: tensor<6xi64> {gc.name = "labels"}) -> (tensor<f64> {gc.name = "loss"}) {
  %s = gc.scale %logits by 50.0 : tensor<6x5xf64>
  %l = gc.cross_entropy %s, %labels ignore_index = -100 : (tensor<6x5xf64>, tensor<6xi64>) -> tensor<f64>
  return %l : tensor<f64>
}

// Rows whose label equals ignore_index (here 0, which the generated labels
// in [0, 5) hit) contribute neither to the loss nor to the count.
func.func @cross_entropy_ignore(%logits: tensor<12x5xf64> {gc.name = "logits", gc.param},
                                %labels: tensor<12xi64> {gc.name = "labels"}) -> (tensor<f64> {gc.name = "loss"}) {
  %s = gc.scale %logits by 50.0 : tensor<12x5xf64>
  %l = gc.cross_entropy %s, %labels ignore_index = 0 : (tensor<12x5xf64>, tensor<12xi64>) -> tensor<f64>
  return %l : tensor<f64>
}
