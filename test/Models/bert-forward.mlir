// A two-layer BERT masked-LM forward: the signature is BertForMaskedLM's
// state dict in order (tied decoder weight omitted) then the batch; encoder
// ops carry their layer's block tag, embedding and head ops none; dropout
// sites have streams 0..6 in program order, exactly what
// gc-assign-dropout-streams assigns; the output verifies and round-trips.
// The CHECK lines spell out eager attention; FUSED checks that the default,
// fused attention replaces scores, mask, softmax, dropout and context by
// one gc.attention per layer that takes the attention dropout's stream.
// RUN: gc-compile --model bert --attention eager --layers 2 --hidden 64 --heads 4 --intermediate 128 --vocab 100 --seq 8 --batch 2 --max-position 16 --hidden-act gelu_new --emit forward | FileCheck %s
// RUN: gc-compile --model bert --attention eager --layers 2 --hidden 64 --heads 4 --intermediate 128 --vocab 100 --seq 8 --batch 2 --max-position 16 --hidden-act gelu_new --emit forward -o %t.mlir
// RUN: gc-compile --model bert --layers 2 --hidden 64 --heads 4 --intermediate 128 --vocab 100 --seq 8 --batch 2 --max-position 16 --hidden-act gelu_new --emit forward -o %t.fused.mlir
// RUN: FileCheck %s --check-prefix=FUSED < %t.fused.mlir
// RUN: gc-opt %t.fused.mlir --gc-assign-dropout-streams | FileCheck %s --check-prefix=FUSED
// RUN: gc-opt %t.mlir | FileCheck %s
// RUN: gc-opt %t.mlir --mlir-print-op-generic | gc-opt | FileCheck %s
// RUN: gc-opt %t.mlir --gc-assign-dropout-streams | FileCheck %s
// RUN: gc-opt %t.mlir --print-op-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: grep -c "gc.block = 0 : i64" %t.mlir | FileCheck %s --check-prefix=PERLAYER
// RUN: grep -c "gc.block = 1 : i64" %t.mlir | FileCheck %s --check-prefix=PERLAYER
// RUN: gc-compile --model bert --attention eager --layers 2 --hidden 64 --heads 4 --intermediate 128 --vocab 100 --seq 8 --batch 2 --max-position 16 --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC

// FUSED: %[[EXT:.*]] = gc.scale %{{.*}} by -3.4028234663852886E+38 : tensor<2x1x1x8xf32>{{$}}
// FUSED: gc.dropout %{{.*}} stream = 0 : tensor<2x8x64xf32>
// FUSED-NOT: gc.softmax
// FUSED: %{{.*}}, %{{.*}} = gc.attention %{{.*}}, %{{.*}}, %{{.*}} mask %[[EXT]] seed %arg46 scale = 2.500000e-01 probability = 1.000000e-01 stream = 1 {gc.block = 0 : i64} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x1x1x8xf32>, tensor<i64>) -> (tensor<2x4x8x16xf32>, tensor<2x4x8xf32>)
// FUSED: gc.dropout {{.*}} stream = 2 {gc.block = 0 : i64}
// FUSED: gc.dropout {{.*}} stream = 3 {gc.block = 0 : i64}
// FUSED: gc.attention {{.*}} stream = 4 {gc.block = 1 : i64}
// FUSED: gc.dropout {{.*}} stream = 5 {gc.block = 1 : i64}
// FUSED: gc.dropout {{.*}} stream = 6 {gc.block = 1 : i64}
// FUSED-NOT: gc.softmax

// CHECK-LABEL: func.func @bert_forward(
// CHECK-SAME: %arg0: tensor<100x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.word_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg1: tensor<16x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.position_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg2: tensor<2x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.token_type_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg3: tensor<64xf32> {gc.init = #gc.init<ones>, gc.name = "bert.embeddings.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg4: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.embeddings.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg5: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.attention.self.query.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg6: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.self.query.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg7: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.attention.self.key.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg8: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.self.key.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg9: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.attention.self.value.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg10: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.self.value.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg11: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.attention.output.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg12: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.output.dense.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg13: tensor<64xf32> {gc.init = #gc.init<ones>, gc.name = "bert.encoder.layer.0.attention.output.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg14: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg15: tensor<128x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.intermediate.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg16: tensor<128xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.intermediate.dense.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg17: tensor<64x128xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.output.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg18: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.output.dense.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg19: tensor<64xf32> {gc.init = #gc.init<ones>, gc.name = "bert.encoder.layer.0.output.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg20: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg21: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.1.attention.self.query.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg22: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.1.attention.self.query.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg23: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.1.attention.self.key.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg24: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.1.attention.self.key.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg25: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.1.attention.self.value.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg26: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.1.attention.self.value.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg27: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.1.attention.output.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg28: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.1.attention.output.dense.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg29: tensor<64xf32> {gc.init = #gc.init<ones>, gc.name = "bert.encoder.layer.1.attention.output.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg30: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.1.attention.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg31: tensor<128x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.1.intermediate.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg32: tensor<128xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.1.intermediate.dense.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg33: tensor<64x128xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.1.output.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg34: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.1.output.dense.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg35: tensor<64xf32> {gc.init = #gc.init<ones>, gc.name = "bert.encoder.layer.1.output.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg36: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.1.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg37: tensor<100xf32> {gc.init = #gc.init<zeros>, gc.name = "cls.predictions.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg38: tensor<64x64xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "cls.predictions.transform.dense.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg39: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "cls.predictions.transform.dense.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg40: tensor<64xf32> {gc.init = #gc.init<ones>, gc.name = "cls.predictions.transform.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg41: tensor<64xf32> {gc.init = #gc.init<zeros>, gc.name = "cls.predictions.transform.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}
// CHECK-SAME: %arg42: tensor<2x8xi64> {gc.init = #gc.init<index, bound = 100>, gc.name = "input_ids", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg43: tensor<2x8xi64> {gc.init = #gc.init<index, bound = 2>, gc.name = "token_type_ids", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg44: tensor<2x8xi64> {gc.init = #gc.init<ones, binary>, gc.name = "attention_mask", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg45: tensor<2x8xi64> {gc.init = #gc.init<index, bound = 100>, gc.name = "labels", gc.role = #gc.role<batch>}
// CHECK-SAME: %arg46: tensor<i64> {gc.init = #gc.init<seed>, gc.name = "seed", gc.role = #gc.role<seed>}
// CHECK-SAME: -> (tensor<f32> {gc.name = "loss"})

// The extended attention mask: (1 - float(mask)) * finfo(f32).min, untagged.
// CHECK: %[[MASKF:.*]] = gc.cast %arg44 : tensor<2x8xi64> -> tensor<2x8xf32>{{$}}
// CHECK: %[[MASK4:.*]] = gc.reshape %[[MASKF]] : tensor<2x8xf32> -> tensor<2x1x1x8xf32>{{$}}
// CHECK: %[[ONES:.*]] = gc.constant dense<1.000000e+00> : tensor<2x1x1x8xf32>{{$}}
// CHECK: %[[INV:.*]] = gc.sub %[[ONES]], %[[MASK4]] : tensor<2x1x1x8xf32>{{$}}
// CHECK: %[[EXT:.*]] = gc.scale %[[INV]] by -3.4028234663852886E+38 : tensor<2x1x1x8xf32>{{$}}

// Embeddings: word + token type, + positions [0, S), LayerNorm, dropout 0.
// CHECK: %[[WORDS:.*]] = gc.embedding %arg0, %arg42 padding_idx = 0 : (tensor<100x64xf32>, tensor<2x8xi64>) -> tensor<2x8x64xf32>{{$}}
// CHECK: %[[TYPES:.*]] = gc.embedding %arg2, %arg43 : (tensor<2x64xf32>, tensor<2x8xi64>) -> tensor<2x8x64xf32>{{$}}
// CHECK: %[[SUM:.*]] = gc.add %[[WORDS]], %[[TYPES]] : tensor<2x8x64xf32>{{$}}
// CHECK: %[[POS:.*]] = gc.slice %arg1 offsets = [0, 0] : tensor<16x64xf32> -> tensor<8x64xf32>{{$}}
// CHECK: %[[POSB:.*]] = gc.broadcast %[[POS]] dims = [1, 2] : tensor<8x64xf32> -> tensor<2x8x64xf32>{{$}}
// CHECK: %[[EMB:.*]] = gc.add %[[SUM]], %[[POSB]] : tensor<2x8x64xf32>{{$}}
// CHECK: %[[EMBLN:.*]], %{{.*}}, %{{.*}} = gc.layer_norm %[[EMB]], %arg3, %arg4 epsilon = 9.9999999999999998E-13 : (tensor<2x8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<2x8x64xf32>, tensor<2x8xf32>, tensor<2x8xf32>){{$}}
// CHECK: %[[H0:.*]] = gc.dropout %[[EMBLN]], %arg46 probability = 1.000000e-01 stream = 0 : tensor<2x8x64xf32>{{$}}

// Layer 0: query, key, value with [out, in] weights, split into 4 heads of 16.
// CHECK: %[[QMM:.*]] = gc.matmul %[[H0]], %arg5 transpose_rhs {gc.block = 0 : i64} : (tensor<2x8x64xf32>, tensor<64x64xf32>) -> tensor<2x8x64xf32>
// CHECK: %[[QB:.*]] = gc.broadcast %arg6 dims = [2] {gc.block = 0 : i64} : tensor<64xf32> -> tensor<2x8x64xf32>
// CHECK: %[[Q:.*]] = gc.add %[[QMM]], %[[QB]] {gc.block = 0 : i64}
// CHECK: %[[QR:.*]] = gc.reshape %[[Q]] {gc.block = 0 : i64} : tensor<2x8x64xf32> -> tensor<2x8x4x16xf32>
// CHECK: %[[QT:.*]] = gc.transpose %[[QR]] perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<2x8x4x16xf32> -> tensor<2x4x8x16xf32>
// CHECK: gc.matmul %[[H0]], %arg7 transpose_rhs {gc.block = 0 : i64}
// CHECK: %[[KT:.*]] = gc.transpose %{{.*}} perm = [0, 2, 1, 3] {gc.block = 0 : i64}
// CHECK: gc.matmul %[[H0]], %arg9 transpose_rhs {gc.block = 0 : i64}
// CHECK: %[[VT:.*]] = gc.transpose %{{.*}} perm = [0, 2, 1, 3] {gc.block = 0 : i64}
// Scores QK^T / sqrt(16) plus the mask broadcast over heads and queries.
// CHECK: %[[S:.*]] = gc.matmul %[[QT]], %[[KT]] transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x8xf32>
// CHECK: %[[SS:.*]] = gc.scale %[[S]] by 2.500000e-01 {gc.block = 0 : i64}
// CHECK: %[[MB:.*]] = gc.broadcast %[[EXT]] dims = [0, 1, 2, 3] {gc.block = 0 : i64} : tensor<2x1x1x8xf32> -> tensor<2x4x8x8xf32>
// CHECK: %[[SM:.*]] = gc.add %[[SS]], %[[MB]] {gc.block = 0 : i64}
// CHECK: %[[P:.*]] = gc.softmax %[[SM]] dim = 3 {gc.block = 0 : i64}
// CHECK: %[[PD:.*]] = gc.dropout %[[P]], %arg46 probability = 1.000000e-01 stream = 1 {gc.block = 0 : i64} : tensor<2x4x8x8xf32>
// CHECK: %[[CTX:.*]] = gc.matmul %[[PD]], %[[VT]] {gc.block = 0 : i64} : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
// CHECK: %[[CTXT:.*]] = gc.transpose %[[CTX]] perm = [0, 2, 1, 3] {gc.block = 0 : i64}
// CHECK: %[[CTXR:.*]] = gc.reshape %[[CTXT]] {gc.block = 0 : i64} : tensor<2x8x4x16xf32> -> tensor<2x8x64xf32>
// Attention output: dense, dropout, residual, LayerNorm.
// CHECK: gc.matmul %[[CTXR]], %arg11 transpose_rhs {gc.block = 0 : i64}
// CHECK: %[[AOD:.*]] = gc.dropout %{{.*}}, %arg46 probability = 1.000000e-01 stream = 2 {gc.block = 0 : i64}
// CHECK: %[[RES1:.*]] = gc.add %[[AOD]], %[[H0]] {gc.block = 0 : i64}
// CHECK: %[[A:.*]], %{{.*}}, %{{.*}} = gc.layer_norm %[[RES1]], %arg13, %arg14 epsilon = 9.9999999999999998E-13 {gc.block = 0 : i64}
// Feed-forward: intermediate dense + gelu_new, output dense, dropout, residual, LayerNorm.
// CHECK: gc.matmul %[[A]], %arg15 transpose_rhs {gc.block = 0 : i64} : (tensor<2x8x64xf32>, tensor<128x64xf32>) -> tensor<2x8x128xf32>
// CHECK: %[[ACT:.*]] = gc.gelu %{{.*}} approximate(tanh) {gc.block = 0 : i64} : tensor<2x8x128xf32>
// CHECK: gc.matmul %[[ACT]], %arg17 transpose_rhs {gc.block = 0 : i64} : (tensor<2x8x128xf32>, tensor<64x128xf32>) -> tensor<2x8x64xf32>
// CHECK: %[[OD:.*]] = gc.dropout %{{.*}}, %arg46 probability = 1.000000e-01 stream = 3 {gc.block = 0 : i64}
// CHECK: %[[RES2:.*]] = gc.add %[[OD]], %[[A]] {gc.block = 0 : i64}
// CHECK: %[[H1:.*]], %{{.*}}, %{{.*}} = gc.layer_norm %[[RES2]], %arg19, %arg20 {{.*}}{gc.block = 0 : i64}

// Layer 1 reads layer 0's output and its own parameters.
// CHECK: gc.matmul %[[H1]], %arg21 transpose_rhs {gc.block = 1 : i64}
// CHECK: gc.dropout {{.*}} stream = 4 {gc.block = 1 : i64}
// CHECK: gc.dropout {{.*}} stream = 5 {gc.block = 1 : i64}
// CHECK: gc.dropout {{.*}} stream = 6 {gc.block = 1 : i64}
// CHECK: %[[H2:.*]], %{{.*}}, %{{.*}} = gc.layer_norm %{{.*}}, %arg35, %arg36 {{.*}}{gc.block = 1 : i64}
// CHECK-NOT: gc.dropout

// MLM head, untagged: transform, logits against the tied word embeddings,
// cross-entropy over the flattened tokens.
// CHECK: %[[T:.*]] = gc.matmul %[[H2]], %arg38 transpose_rhs : (tensor<2x8x64xf32>, tensor<64x64xf32>) -> tensor<2x8x64xf32>{{$}}
// CHECK: %[[TB:.*]] = gc.broadcast %arg39 dims = [2] : tensor<64xf32> -> tensor<2x8x64xf32>{{$}}
// CHECK: %[[TA:.*]] = gc.add %[[T]], %[[TB]] : tensor<2x8x64xf32>{{$}}
// CHECK: %[[TG:.*]] = gc.gelu %[[TA]] approximate(tanh) : tensor<2x8x64xf32>{{$}}
// CHECK: %[[TLN:.*]], %{{.*}}, %{{.*}} = gc.layer_norm %[[TG]], %arg40, %arg41 epsilon = 9.9999999999999998E-13 :
// CHECK: %[[LOG:.*]] = gc.matmul %[[TLN]], %arg0 transpose_rhs : (tensor<2x8x64xf32>, tensor<100x64xf32>) -> tensor<2x8x100xf32>{{$}}
// CHECK: %[[LB:.*]] = gc.broadcast %arg37 dims = [2] : tensor<100xf32> -> tensor<2x8x100xf32>{{$}}
// CHECK: %[[LOGB:.*]] = gc.add %[[LOG]], %[[LB]] : tensor<2x8x100xf32>{{$}}
// CHECK: %[[FLAT:.*]] = gc.reshape %[[LOGB]] : tensor<2x8x100xf32> -> tensor<16x100xf32>{{$}}
// CHECK: %[[LABELS:.*]] = gc.reshape %arg45 : tensor<2x8xi64> -> tensor<16xi64>{{$}}
// CHECK: %[[LOSS:.*]] = gc.cross_entropy %[[FLAT]], %[[LABELS]] ignore_index = -100 : (tensor<16x100xf32>, tensor<16xi64>) -> tensor<f32>{{$}}
// CHECK: return %[[LOSS]] : tensor<f32>

// Per layer: 8 matmuls (6 linear, scores, context), 3 dropouts, 2 LayerNorms.
// STATS: gc.dropout{{ *}}, 7
// STATS: gc.embedding{{ *}}, 2
// STATS: gc.layer_norm{{ *}}, 6
// STATS: gc.matmul{{ *}}, 18
// STATS: gc.softmax{{ *}}, 2

// Every layer has the same 40 tagged ops.
// PERLAYER: 40

// Locations name activations by Hugging Face module path.
// LOC-DAG: loc("bert.embeddings.dropout")
// LOC-DAG: loc("bert.encoder.layer.1.attention.self.query")
// LOC-DAG: loc("bert.encoder.layer.1.attention.self.dropout")
// LOC-DAG: loc("bert.encoder.layer.1.output.LayerNorm")
// LOC-DAG: loc("cls.predictions.decoder")
// LOC-DAG: loc("bert.encoder.layer.0.attention.self.query.weight")
// LOC-DAG: loc("loss")

// Without a padding token, the word embeddings have no padding_idx.
// RUN: gc-compile --model bert --layers 1 --hidden 64 --heads 4 --intermediate 128 --vocab 100 --seq 8 --batch 2 --pad-token-id -1 | FileCheck %s --check-prefix=NOPAD
// NOPAD: gc.embedding %arg0, %{{.*}} : (tensor<100x64xf32>
