// The `mean` loss trains a bare BertModel: its state-dict keys (no `bert.`
// prefix, no pooler, no `cls.*`), no labels, and the mean of every element
// of the last hidden state. With --dtype f64 parameters, activations, the
// mask's lowest value and the loss are f64 (for gradient checks).
// RUN: gc-compile --model bert --attention eager --emit forward --loss mean --dtype f64 --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 50 --seq 4 --batch 3 --max-position 8 --type-vocab 3 --layer-norm-eps 1e-5 | FileCheck %s
// RUN: gc-compile --model bert --attention eager --emit forward --loss mean --dtype f64 --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 50 --seq 4 --batch 3 --max-position 8 --type-vocab 3 --layer-norm-eps 1e-5 | gc-opt | FileCheck %s
// Without dropout probabilities there is no dropout op at all.
// RUN: gc-compile --loss mean --layers 2 --hidden 32 --heads 2 --intermediate 64 --vocab 50 --seq 4 --batch 3 --dropout 0 --attention-dropout 0 | FileCheck %s --check-prefix=NODROP
// Only attention dropout: one site per layer, streams 0 and 1.
// RUN: gc-compile --loss mean --attention eager --layers 2 --hidden 32 --heads 2 --intermediate 64 --vocab 50 --seq 4 --batch 3 --dropout 0 --attention-dropout 0.2 | FileCheck %s --check-prefix=ATTN

// CHECK-LABEL: func.func @bert_forward(
// CHECK-SAME: %arg0: tensor<50x32xf64> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "embeddings.word_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg1: tensor<8x32xf64> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "embeddings.position_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg2: tensor<3x32xf64> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "embeddings.token_type_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg3: tensor<32xf64> {gc.init = #gc.init<ones>, gc.name = "embeddings.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg4: tensor<32xf64> {gc.init = #gc.init<zeros>, gc.name = "embeddings.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg5: tensor<32x32xf64> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "encoder.layer.0.attention.self.query.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg15: tensor<64x32xf64> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "encoder.layer.0.intermediate.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg17: tensor<32x64xf64> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "encoder.layer.0.output.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg20: tensor<32xf64> {gc.init = #gc.init<zeros>, gc.name = "encoder.layer.0.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg21: tensor<3x4xi64> {gc.init = #gc.init<index, bound = 50>, gc.name = "input_ids", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg22: tensor<3x4xi64> {gc.init = #gc.init<index, bound = 3>, gc.name = "token_type_ids", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg23: tensor<3x4xi64> {gc.init = #gc.init<ones, binary>, gc.name = "attention_mask", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg24: tensor<i64> {gc.init = #gc.init<seed>, gc.name = "seed", gc.role = #gc.role<seed>}
// CHECK-SAME: -> (tensor<f64> {gc.name = "loss"})
// CHECK-NOT: cls.
// CHECK: gc.cast %arg23 : tensor<3x4xi64> -> tensor<3x4xf64>
// CHECK: gc.scale %{{.*}} by -1.7976931348623157E+308 : tensor<3x1x1x4xf64>
// CHECK: gc.dropout %{{.*}}, %arg24 probability = 1.000000e-01 stream = 0 : tensor<3x4x32xf64>
// CHECK: gc.layer_norm {{.*}} epsilon = 1.000000e-05 {gc.block = 0 : i64} : (tensor<3x4x32xf64>, tensor<32xf64>, tensor<32xf64>) -> (tensor<3x4x32xf64>, tensor<3x4xf64>, tensor<3x4xf64>)
// CHECK: gc.gelu %{{.*}} {gc.block = 0 : i64} : tensor<3x4x64xf64>
// CHECK: gc.dropout {{.*}} stream = 3 {gc.block = 0 : i64}
// CHECK: %[[LAST:.*]], %{{.*}}, %{{.*}} = gc.layer_norm %{{.*}}, %arg19, %arg20
// CHECK: %[[LOSS:.*]] = gc.reduce_mean %[[LAST]] dims = [0, 1, 2] : tensor<3x4x32xf64> -> tensor<f64>{{$}}
// CHECK: return %[[LOSS]] : tensor<f64>

// NODROP-LABEL: func.func @bert_forward(
// NODROP-NOT: gc.dropout
// NODROP: gc.reduce_mean

// ATTN-LABEL: func.func @bert_forward(
// ATTN: gc.softmax
// ATTN-NEXT: gc.dropout {{.*}} probability = 2.000000e-01 stream = 0 {gc.block = 0 : i64}
// ATTN-NOT: gc.dropout
// ATTN: gc.softmax
// ATTN-NEXT: gc.dropout {{.*}} probability = 2.000000e-01 stream = 1 {gc.block = 1 : i64}
// ATTN-NOT: gc.dropout
// ATTN: gc.reduce_mean
