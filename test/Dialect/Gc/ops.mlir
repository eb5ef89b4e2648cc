// Round trip of every gc op through the custom and the generic form.
// RUN: gc-opt %s | gc-opt | FileCheck %s
// RUN: gc-opt %s --mlir-print-op-generic | gc-opt | FileCheck %s
// The generic form is what --mlir-print-op-generic prints.
// RUN: gc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @binary
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x3xf32>)
// CHECK: gc.add %[[A]], %[[B]] : tensor<2x3xf32>
// CHECK: gc.sub %[[A]], %[[B]] : tensor<2x3xf32>
// CHECK: gc.mul %[[A]], %[[B]] : tensor<2x3xf32>
// CHECK: gc.div %[[A]], %[[B]] : tensor<2x3xf32>
// GENERIC-LABEL: sym_name = "binary"
// GENERIC: "gc.add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = gc.add %a, %b : tensor<2x3xf32>
  %1 = gc.sub %a, %b : tensor<2x3xf32>
  %2 = gc.mul %a, %b : tensor<2x3xf32>
  %3 = gc.div %a, %b : tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @unary
// CHECK: gc.neg %{{.*}} : tensor<4xf16>
// CHECK: gc.exp %{{.*}} : tensor<4xf16>
// CHECK: gc.log %{{.*}} : tensor<4xf16>
// CHECK: gc.tanh %{{.*}} : tensor<4xf16>
// CHECK: gc.erf %{{.*}} : tensor<4xf16>
// CHECK: gc.sqrt %{{.*}} : tensor<4xf16>
// CHECK: gc.rsqrt %{{.*}} : tensor<4xf16>
// CHECK: gc.relu %{{.*}} : tensor<4xf16>
func.func @unary(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = gc.neg %x : tensor<4xf16>
  %1 = gc.exp %0 : tensor<4xf16>
  %2 = gc.log %1 : tensor<4xf16>
  %3 = gc.tanh %2 : tensor<4xf16>
  %4 = gc.erf %3 : tensor<4xf16>
  %5 = gc.sqrt %4 : tensor<4xf16>
  %6 = gc.rsqrt %5 : tensor<4xf16>
  %7 = gc.relu %6 : tensor<4xf16>
  return %7 : tensor<4xf16>
}

// CHECK-LABEL: func.func @activations
// CHECK: %[[G:.*]] = gc.gelu %[[X:.*]] : tensor<2x8xbf16>
// CHECK: gc.gelu %[[X]] approximate(tanh) : tensor<2x8xbf16>
// CHECK: gc.gelu_grad %[[D:.*]], %[[X]] : tensor<2x8xbf16>
// CHECK: gc.gelu_grad %[[D]], %[[X]] approximate(tanh) : tensor<2x8xbf16>
// CHECK: gc.relu_grad %[[D]], %[[X]] : tensor<2x8xbf16>
// CHECK: gc.scale %[[X]] by 1.250000e-01 : tensor<2x8xbf16>
// GENERIC-LABEL: sym_name = "activations"
// GENERIC: "gc.gelu"(%{{.*}}) <{approximate = 1 : i32}>
// GENERIC: "gc.scale"(%{{.*}}) <{factor = 1.250000e-01 : f64}>
func.func @activations(%x: tensor<2x8xbf16>, %dy: tensor<2x8xbf16>)
    -> (tensor<2x8xbf16>, tensor<2x8xbf16>, tensor<2x8xbf16>, tensor<2x8xbf16>,
        tensor<2x8xbf16>, tensor<2x8xbf16>) {
  %0 = gc.gelu %x : tensor<2x8xbf16>
  %1 = gc.gelu %x approximate(tanh) : tensor<2x8xbf16>
  %2 = gc.gelu_grad %dy, %x : tensor<2x8xbf16>
  %3 = gc.gelu_grad %dy, %x approximate(tanh) : tensor<2x8xbf16>
  %4 = gc.relu_grad %dy, %x : tensor<2x8xbf16>
  %5 = gc.scale %x by 0.125 : tensor<2x8xbf16>
  return %0, %1, %2, %3, %4, %5 : tensor<2x8xbf16>, tensor<2x8xbf16>, tensor<2x8xbf16>, tensor<2x8xbf16>, tensor<2x8xbf16>, tensor<2x8xbf16>
}

// CHECK-LABEL: func.func @casts
// CHECK: gc.cast %{{.*}} : tensor<3x5xf32> -> tensor<3x5xbf16>
// CHECK: gc.cast %{{.*}} : tensor<3x5xi32> -> tensor<3x5xf64>
// CHECK: gc.cast %{{.*}} : tensor<3x5xf32> -> tensor<3x5xi64>
func.func @casts(%x: tensor<3x5xf32>, %i: tensor<3x5xi32>)
    -> (tensor<3x5xbf16>, tensor<3x5xf64>, tensor<3x5xi64>) {
  %0 = gc.cast %x : tensor<3x5xf32> -> tensor<3x5xbf16>
  %1 = gc.cast %i : tensor<3x5xi32> -> tensor<3x5xf64>
  %2 = gc.cast %x : tensor<3x5xf32> -> tensor<3x5xi64>
  return %0, %1, %2 : tensor<3x5xbf16>, tensor<3x5xf64>, tensor<3x5xi64>
}

// CHECK-LABEL: func.func @shapes
// CHECK: gc.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK: gc.constant dense<[1, 2, 3]> : tensor<3xi32>
// CHECK: gc.broadcast %{{.*}} dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
// CHECK: gc.broadcast %{{.*}} dims = [0, 1, 2, 3] : tensor<2x1x1x3xf32> -> tensor<2x4x3x3xf32>
// CHECK: gc.reshape %{{.*}} : tensor<2x3xf32> -> tensor<6xf32>
// CHECK: gc.transpose %{{.*}} perm = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK: gc.slice %{{.*}} offsets = [0, 1] : tensor<2x3xf32> -> tensor<2x2xf32>
// CHECK: gc.concat %{{.*}}, %{{.*}} dim = 1 : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
// GENERIC-LABEL: sym_name = "shapes"
// GENERIC: "gc.broadcast"(%{{.*}}) <{dims = array<i64: 1>}>
// GENERIC: "gc.transpose"(%{{.*}}) <{perm = array<i64: 1, 0>}>
func.func @shapes(%v: tensor<3xf32>, %m: tensor<2x1x1x3xf32>)
    -> (tensor<3xi32>, tensor<2x4x3x3xf32>, tensor<6xf32>, tensor<3x2xf32>, tensor<2x5xf32>) {
  %zero = gc.constant dense<0.0> : tensor<2x3xf32>
  %ids = gc.constant dense<[1, 2, 3]> : tensor<3xi32>
  %b = gc.broadcast %v dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
  %bm = gc.broadcast %m dims = [0, 1, 2, 3] : tensor<2x1x1x3xf32> -> tensor<2x4x3x3xf32>
  %x = gc.add %b, %zero : tensor<2x3xf32>
  %r = gc.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %t = gc.transpose %x perm = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %s = gc.slice %x offsets = [0, 1] : tensor<2x3xf32> -> tensor<2x2xf32>
  %c = gc.concat %x, %s dim = 1 : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
  return %ids, %bm, %r, %t, %c : tensor<3xi32>, tensor<2x4x3x3xf32>, tensor<6xf32>, tensor<3x2xf32>, tensor<2x5xf32>
}

// CHECK-LABEL: func.func @matmuls
// CHECK: gc.matmul %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK: gc.matmul %{{.*}}, %{{.*}} transpose_rhs : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
// CHECK: gc.matmul %{{.*}}, %{{.*}} transpose_lhs transpose_rhs : (tensor<2x3x8x4xf32>, tensor<2x3x16x8xf32>) -> tensor<2x3x4x16xf32>
// GENERIC-LABEL: sym_name = "matmuls"
// GENERIC: "gc.matmul"(%{{.*}}, %{{.*}}) <{transpose_rhs}>
func.func @matmuls(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %x: tensor<2x4x8xf32>,
                   %w: tensor<16x8xf32>, %p: tensor<2x3x8x4xf32>, %q: tensor<2x3x16x8xf32>)
    -> (tensor<4x16xf32>, tensor<2x4x16xf32>, tensor<2x3x4x16xf32>) {
  %0 = gc.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = gc.matmul %x, %w transpose_rhs : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
  %2 = gc.matmul %p, %q transpose_lhs transpose_rhs
      : (tensor<2x3x8x4xf32>, tensor<2x3x16x8xf32>) -> tensor<2x3x4x16xf32>
  return %0, %1, %2 : tensor<4x16xf32>, tensor<2x4x16xf32>, tensor<2x3x4x16xf32>
}

// CHECK-LABEL: func.func @reductions
// CHECK: gc.reduce_sum %{{.*}} dims = [0, 1] : tensor<2x3x5xf64> -> tensor<5xf64>
// CHECK: gc.reduce_mean %{{.*}} dims = [2] keep_dims : tensor<2x3x5xf64> -> tensor<2x3x1xf64>
// CHECK: gc.reduce_max %{{.*}} dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
func.func @reductions(%x: tensor<2x3x5xf64>) -> (tensor<5xf64>, tensor<2x3x1xf64>, tensor<f64>) {
  %0 = gc.reduce_sum %x dims = [0, 1] : tensor<2x3x5xf64> -> tensor<5xf64>
  %1 = gc.reduce_mean %x dims = [2] keep_dims : tensor<2x3x5xf64> -> tensor<2x3x1xf64>
  %2 = gc.reduce_max %x dims = [0, 1, 2] : tensor<2x3x5xf64> -> tensor<f64>
  return %0, %1, %2 : tensor<5xf64>, tensor<2x3x1xf64>, tensor<f64>
}

// CHECK-LABEL: func.func @normalization
// CHECK: %[[Y:.*]], %[[MEAN:.*]], %[[RSTD:.*]] = gc.layer_norm %{{.*}}, %{{.*}}, %{{.*}} epsilon = 9.9999999999999998E-13 : (tensor<2x4x8xf16>, tensor<8xf16>, tensor<8xf16>) -> (tensor<2x4x8xf16>, tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK: gc.layer_norm_grad %{{.*}}, %{{.*}}, %[[MEAN]], %[[RSTD]], %{{.*}} : (tensor<2x4x8xf16>, tensor<2x4x8xf16>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<8xf16>) -> (tensor<2x4x8xf16>, tensor<8xf16>, tensor<8xf16>)
// CHECK: %[[P:.*]] = gc.softmax %{{.*}} dim = 2 : tensor<2x4x8xf16>
// CHECK: gc.softmax_grad %{{.*}}, %[[P]] dim = 2 : tensor<2x4x8xf16>
func.func @normalization(%x: tensor<2x4x8xf16>, %g: tensor<8xf16>, %b: tensor<8xf16>,
                         %dy: tensor<2x4x8xf16>) -> (tensor<2x4x8xf16>, tensor<8xf16>, tensor<2x4x8xf16>) {
  %y, %mean, %rstd = gc.layer_norm %x, %g, %b epsilon = 1.0e-12
      : (tensor<2x4x8xf16>, tensor<8xf16>, tensor<8xf16>)
      -> (tensor<2x4x8xf16>, tensor<2x4xf32>, tensor<2x4xf32>)
  %dx, %dg, %db = gc.layer_norm_grad %dy, %x, %mean, %rstd, %g
      : (tensor<2x4x8xf16>, tensor<2x4x8xf16>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<8xf16>)
      -> (tensor<2x4x8xf16>, tensor<8xf16>, tensor<8xf16>)
  %p = gc.softmax %y dim = 2 : tensor<2x4x8xf16>
  %dp = gc.softmax_grad %dx, %p dim = 2 : tensor<2x4x8xf16>
  return %dp, %dg, %p : tensor<2x4x8xf16>, tensor<8xf16>, tensor<2x4x8xf16>
}

// CHECK-LABEL: func.func @dropout
// CHECK: gc.dropout %{{.*}}, %[[SEED:.*]] probability = 1.000000e-01 stream = 7 : tensor<4x4xf32>
// CHECK: gc.dropout_grad %{{.*}}, %[[SEED]] probability = 1.000000e-01 stream = 7 : tensor<4x4xf32>
// GENERIC-LABEL: sym_name = "dropout"
// GENERIC: "gc.dropout"(%{{.*}}, %{{.*}}) <{probability = 1.000000e-01 : f64, stream = 7 : i64}> : (tensor<4x4xf32>, tensor<i64>) -> tensor<4x4xf32>
func.func @dropout(%x: tensor<4x4xf32>, %seed: tensor<i64>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %0 = gc.dropout %x, %seed probability = 0.1 stream = 7 : tensor<4x4xf32>
  %1 = gc.dropout_grad %0, %seed probability = 0.1 stream = 7 : tensor<4x4xf32>
  return %0, %1 : tensor<4x4xf32>, tensor<4x4xf32>
}

// CHECK-LABEL: func.func @embedding
// CHECK: gc.embedding %{{.*}}, %{{.*}} : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
// CHECK: gc.embedding_grad %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<2x3xi32>) -> tensor<10x4xf32>
// CHECK: gc.embedding %{{.*}}, %{{.*}} padding_idx = 0 : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
// CHECK: gc.embedding_grad %{{.*}}, %{{.*}} padding_idx = 9 : (tensor<2x3x4xf32>, tensor<2x3xi32>) -> tensor<10x4xf32>
func.func @embedding(%table: tensor<10x4xf32>, %ids: tensor<2x3xi32>) -> (tensor<10x4xf32>, tensor<10x4xf32>) {
  %e = gc.embedding %table, %ids : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  %d = gc.embedding_grad %e, %ids : (tensor<2x3x4xf32>, tensor<2x3xi32>) -> tensor<10x4xf32>
  %p = gc.embedding %table, %ids padding_idx = 0 : (tensor<10x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  %q = gc.embedding_grad %p, %ids padding_idx = 9 : (tensor<2x3x4xf32>, tensor<2x3xi32>) -> tensor<10x4xf32>
  return %d, %q : tensor<10x4xf32>, tensor<10x4xf32>
}

// CHECK-LABEL: func.func @loss
// CHECK: %[[L:.*]] = gc.cross_entropy %{{.*}}, %{{.*}} ignore_index = -100 : (tensor<6x10xf32>, tensor<6xi64>) -> tensor<f32>
// CHECK: gc.cross_entropy_grad %[[L]], %{{.*}}, %{{.*}} ignore_index = 0 : (tensor<f32>, tensor<6x10xf32>, tensor<6xi64>) -> tensor<6x10xf32>
func.func @loss(%logits: tensor<6x10xf32>, %labels: tensor<6xi64>) -> tensor<6x10xf32> {
  %l = gc.cross_entropy %logits, %labels ignore_index = -100
      : (tensor<6x10xf32>, tensor<6xi64>) -> tensor<f32>
  %d = gc.cross_entropy_grad %l, %logits, %labels ignore_index = 0
      : (tensor<f32>, tensor<6x10xf32>, tensor<6xi64>) -> tensor<6x10xf32>
  return %d : tensor<6x10xf32>
}

// CHECK-LABEL: func.func @optimizers
// CHECK: gc.sgd_update %{{.*}}, %{{.*}} lr = 1.000000e-02 : tensor<8x8xf32>
// CHECK: gc.sgd_update %{{.*}}, %{{.*}} lr = 1.000000e-02 weight_decay = 1.000000e-04 : tensor<8x8xf32>
// CHECK: gc.adamw_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} lr = 1.000000e-04 : tensor<8x8xf32>
// CHECK: gc.adamw_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} lr = 1.000000e-04 beta1 = 8.000000e-01 beta2 = 0.98999999999999999 epsilon = 9.9999999999999995E-7 weight_decay = 0.000000e+00 : tensor<8x8xf32>
func.func @optimizers(%w: tensor<8x8xf32>, %g: tensor<8x8xf32>, %m: tensor<8x8xf32>,
                      %v: tensor<8x8xf32>, %step: tensor<i64>) -> (tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
  %0 = gc.sgd_update %w, %g lr = 0.01 : tensor<8x8xf32>
  %1 = gc.sgd_update %w, %g lr = 0.01 weight_decay = 1.0e-4 : tensor<8x8xf32>
  %2:3 = gc.adamw_update %w, %g, %m, %v, %step lr = 1.0e-4 : tensor<8x8xf32>
  %3:3 = gc.adamw_update %w, %g, %m, %v, %step lr = 1.0e-4 beta1 = 0.8 beta2 = 0.99
      epsilon = 1.0e-6 weight_decay = 0.0 : tensor<8x8xf32>
  return %0, %1, %2#0, %3#2 : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
}

// CHECK-LABEL: func.func @loss_scaling
// CHECK: %[[FOUND:.*]] = gc.any_nonfinite %{{.*}} : tensor<8x8xf32> -> tensor<f32>
// CHECK: gc.adamw_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip %[[FOUND]] lr = 1.000000e-04 : tensor<8x8xf32>
// CHECK: gc.sgd_update %{{.*}}, %{{.*}} skip %[[FOUND]] lr = 1.000000e-02 : tensor<8x8xf32>
// CHECK: gc.update_loss_scale %{{.*}}, %{{.*}}, %{{.*}}, %[[FOUND]]{{$}}
// CHECK: gc.update_loss_scale %{{.*}}, %{{.*}}, %{{.*}}, %[[FOUND]] growth_factor = 4.000000e+00 backoff_factor = 2.500000e-01 growth_interval = 10{{$}}
// CHECK: gc.any_nonfinite %{{.*}} : tensor<4xbf16> -> tensor<bf16>
func.func @loss_scaling(%w: tensor<8x8xf32>, %g: tensor<8x8xf32>, %m: tensor<8x8xf32>,
                        %v: tensor<8x8xf32>, %step: tensor<i64>,
                        %scale: tensor<f32> {gc.init = #gc.init<full, value = 65536.0>, gc.name = "amp.loss_scale", gc.role = #gc.role<optimizer_state>},
                        %tracker: tensor<i64>, %h: tensor<4xbf16>) -> (tensor<8x8xf32>, tensor<f32>, tensor<i64>, tensor<bf16>) {
  %found = gc.any_nonfinite %g : tensor<8x8xf32> -> tensor<f32>
  %0:3 = gc.adamw_update %w, %g, %m, %v, %step skip %found lr = 1.0e-4 : tensor<8x8xf32>
  %sgd = gc.sgd_update %w, %g skip %found lr = 0.01 : tensor<8x8xf32>
  %1:3 = gc.update_loss_scale %scale, %tracker, %step, %found
  %2:3 = gc.update_loss_scale %scale, %tracker, %step, %found growth_factor = 4.0 backoff_factor = 0.25 growth_interval = 10
  %3 = gc.any_nonfinite %h : tensor<4xbf16> -> tensor<bf16>
  return %0#0, %2#0, %1#2, %3 : tensor<8x8xf32>, tensor<f32>, tensor<i64>, tensor<bf16>
}

// CHECK-LABEL: func.func @block_tag
// CHECK: gc.exp %{{.*}} {gc.block = 5 : i64} : tensor<4xf32>
// CHECK: gc.exp %{{.*}} {gc.block = 5 : i64, gc.recompute} : tensor<4xf32>
func.func @block_tag(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = gc.exp %x {gc.block = 5 : i64} : tensor<4xf32>
  %1 = gc.exp %x {gc.block = 5 : i64, gc.recompute} : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// Function arguments and results carry external names; trainable parameters
// are marked.
// CHECK-LABEL: func.func @named
// CHECK-SAME: (%{{.*}}: tensor<4x4xf32> {gc.name = "encoder.layer.0.output.dense.weight", gc.param}, %{{.*}}: tensor<4x4xi64> {gc.name = "input_ids"})
// CHECK-SAME: -> (tensor<4x4xf32> {gc.name = "loss"})
func.func @named(%w: tensor<4x4xf32> {gc.name = "encoder.layer.0.output.dense.weight", gc.param},
                 %ids: tensor<4x4xi64> {gc.name = "input_ids"}) -> (tensor<4x4xf32> {gc.name = "loss"}) {
  return %w : tensor<4x4xf32>
}

// CHECK-LABEL: func.func @all_reduce
// CHECK: %{{.*}}:2 = gc.all_reduce mean %{{.*}}, %{{.*}} : tensor<8x8xf32>, tensor<8xf32>
// CHECK: gc.all_reduce sum %{{.*}} : tensor<4xbf16>
// GENERIC-LABEL: sym_name = "all_reduce"
// GENERIC: "gc.all_reduce"(%{{.*}}, %{{.*}}) <{reduction = 1 : i32}> : (tensor<8x8xf32>, tensor<8xf32>) -> (tensor<8x8xf32>, tensor<8xf32>)
func.func @all_reduce(%w: tensor<8x8xf32>, %b: tensor<8xf32>, %h: tensor<4xbf16>) -> (tensor<8x8xf32>, tensor<8xf32>, tensor<4xbf16>) {
  %0:2 = gc.all_reduce mean %w, %b : tensor<8x8xf32>, tensor<8xf32>
  %1 = gc.all_reduce sum %h : tensor<4xbf16>
  return %0#0, %0#1, %1 : tensor<8x8xf32>, tensor<8xf32>, tensor<4xbf16>
}
