// The default configuration is BERT-large (24 layers, hidden 1024, 16 heads,
// intermediate 4096, vocabulary 30522) with batch 64 and sequence 512 and the
// masked-LM loss and fused attention. It builds, verifies, and parses back
// quickly. The checks below spell out eager attention (the reference
// scenario's graph); FUSED counts the default's ops.
// RUN: gc-compile -o %t.fused.mlir
// RUN: gc-compile --model bert --emit forward | cmp - %t.fused.mlir
// RUN: gc-opt %t.fused.mlir --print-op-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=FUSED
// RUN: gc-compile --attention eager -o %t.mlir
// RUN: gc-opt %t.mlir --print-op-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: FileCheck %s < %t.mlir
// The encoder's linear layers: 6 per layer, each with a shared [out, in] weight.
// RUN: grep -c 'gc.matmul .* transpose_rhs {gc.block = [0-9]* : i64} : (tensor<64x512x[0-9]*xf32>, tensor<[0-9]*x[0-9]*xf32>)' %t.mlir | FileCheck %s --check-prefix=LINEAR
// RUN: grep -c 'gc.block = 23 : i64' %t.mlir | FileCheck %s --check-prefix=LAST
// RUN: not grep -q 'gc.block = 24 : i64' %t.mlir

// CHECK-LABEL: func.func @bert_forward(
// CHECK-SAME: %arg0: tensor<30522x1024xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.word_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg1: tensor<512x1024xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.position_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg2: tensor<2x1024xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.token_type_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg20: tensor<1024xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg383: tensor<4096x1024xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.23.intermediate.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg388: tensor<1024xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.23.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg389: tensor<30522xf32> {gc.init = #gc.init<zeros>, gc.name = "cls.predictions.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg393: tensor<1024xf32> {gc.init = #gc.init<zeros>, gc.name = "cls.predictions.transform.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg394: tensor<64x512xi64> {gc.init = #gc.init<index, bound = 30522>, gc.name = "input_ids", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg397: tensor<64x512xi64> {gc.init = #gc.init<index, bound = 30522>, gc.name = "labels", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg398: tensor<i64> {gc.init = #gc.init<seed>, gc.name = "seed", gc.role = #gc.role<seed>}
// CHECK-SAME: -> (tensor<f32> {gc.name = "loss"})
// CHECK: gc.dropout {{.*}} stream = 72 {gc.block = 23 : i64} : tensor<64x512x1024xf32>
// CHECK-NOT: gc.dropout
// CHECK: gc.cross_entropy {{.*}} : (tensor<32768x30522xf32>, tensor<32768xi64>) -> tensor<f32>

// 24 * 8 encoder matmuls plus the head's transform and decoder; one dropout
// for the embeddings and three per layer; two LayerNorms per layer plus the
// embeddings' and the head's.
// STATS: gc.dropout{{ *}}, 73
// STATS: gc.layer_norm{{ *}}, 50
// STATS: gc.matmul{{ *}}, 194
// STATS: gc.softmax{{ *}}, 24

// LINEAR: {{^}}144{{$}}
// LAST: {{^}}40{{$}}

// FUSED: gc.attention{{ *}}, 24
// FUSED: gc.dropout{{ *}}, 49
// FUSED: gc.matmul{{ *}}, 146
// FUSED-NOT: gc.softmax
