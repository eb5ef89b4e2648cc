// A complete BERT-large encoder layer forward (Hugging Face BertLayer):
// self-attention with the padding mask, attention-probability dropout,
// output projection, dropout, residual and layer norm, then the GeLU
// feed-forward block with its own dropout, residual and layer norm.
// Batch 64, sequence 512, hidden 1024, 16 heads of 64, intermediate 4096.
// RUN: gc-opt %s | gc-opt | FileCheck %s
// RUN: gc-opt %s --mlir-print-op-generic | gc-opt | FileCheck %s
// RUN: gc-opt %s --canonicalize | FileCheck %s --check-prefix=CANON

// CHECK-LABEL: func.func @bert_layer
// CHECK-COUNT-8: gc.matmul
// CHECK-NOT: gc.matmul
// CHECK: return
// CANON-LABEL: func.func @bert_layer
// CANON: gc.softmax %{{.*}} dim = 3
// CANON: gc.dropout %{{.*}} stream = 0
// CANON: gc.dropout %{{.*}} stream = 1
// CANON: gc.layer_norm
// CANON: gc.gelu
// CANON: gc.dropout %{{.*}} stream = 2
// CANON: gc.layer_norm
func.func @bert_layer(
    %hidden: tensor<64x512x1024xf32>, %mask: tensor<64x512xf32>, %seed: tensor<i64>,
    %q_w: tensor<1024x1024xf32>, %q_b: tensor<1024xf32>, %k_w: tensor<1024x1024xf32>, %k_b: tensor<1024xf32>, %v_w: tensor<1024x1024xf32>, %v_b: tensor<1024xf32>,
    %ao_w: tensor<1024x1024xf32>, %ao_b: tensor<1024xf32>, %ln1_g: tensor<1024xf32>, %ln1_b: tensor<1024xf32>,
    %i_w: tensor<4096x1024xf32>, %i_b: tensor<4096xf32>, %o_w: tensor<1024x4096xf32>, %o_b: tensor<1024xf32>,
    %ln2_g: tensor<1024xf32>, %ln2_b: tensor<1024xf32>) -> tensor<64x512x1024xf32> {
  // Self-attention: projections, split into heads.
  %q_mm = gc.matmul %hidden, %q_w transpose_rhs {gc.block = 0 : i64}
      : (tensor<64x512x1024xf32>, tensor<1024x1024xf32>) -> tensor<64x512x1024xf32>
  %q_bcast = gc.broadcast %q_b dims = [2] {gc.block = 0 : i64} : tensor<1024xf32> -> tensor<64x512x1024xf32>
  %q = gc.add %q_mm, %q_bcast {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %q_r = gc.reshape %q {gc.block = 0 : i64} : tensor<64x512x1024xf32> -> tensor<64x512x16x64xf32>
  %q_t = gc.transpose %q_r perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<64x512x16x64xf32> -> tensor<64x16x512x64xf32>
  %k_mm = gc.matmul %hidden, %k_w transpose_rhs {gc.block = 0 : i64}
      : (tensor<64x512x1024xf32>, tensor<1024x1024xf32>) -> tensor<64x512x1024xf32>
  %k_bcast = gc.broadcast %k_b dims = [2] {gc.block = 0 : i64} : tensor<1024xf32> -> tensor<64x512x1024xf32>
  %k = gc.add %k_mm, %k_bcast {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %k_r = gc.reshape %k {gc.block = 0 : i64} : tensor<64x512x1024xf32> -> tensor<64x512x16x64xf32>
  %k_t = gc.transpose %k_r perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<64x512x16x64xf32> -> tensor<64x16x512x64xf32>
  %v_mm = gc.matmul %hidden, %v_w transpose_rhs {gc.block = 0 : i64}
      : (tensor<64x512x1024xf32>, tensor<1024x1024xf32>) -> tensor<64x512x1024xf32>
  %v_bcast = gc.broadcast %v_b dims = [2] {gc.block = 0 : i64} : tensor<1024xf32> -> tensor<64x512x1024xf32>
  %v = gc.add %v_mm, %v_bcast {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %v_r = gc.reshape %v {gc.block = 0 : i64} : tensor<64x512x1024xf32> -> tensor<64x512x16x64xf32>
  %v_t = gc.transpose %v_r perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<64x512x16x64xf32> -> tensor<64x16x512x64xf32>
  // Scores, scaled by 1/sqrt(64), plus the additive padding mask (1 - mask) * -10000.
  %scores_mm = gc.matmul %q_t, %k_t transpose_rhs {gc.block = 0 : i64} : (tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>) -> tensor<64x16x512x512xf32>
  %scores_s = gc.scale %scores_mm by 0.125 {gc.block = 0 : i64} : tensor<64x16x512x512xf32>
  %ones = gc.constant dense<1.0> : tensor<64x1x1x512xf32>
  %mask4 = gc.reshape %mask {gc.block = 0 : i64} : tensor<64x512xf32> -> tensor<64x1x1x512xf32>
  %inv = gc.sub %ones, %mask4 {gc.block = 0 : i64} : tensor<64x1x1x512xf32>
  %bias = gc.scale %inv by -10000.0 {gc.block = 0 : i64} : tensor<64x1x1x512xf32>
  %bias_bcast = gc.broadcast %bias dims = [0, 1, 2, 3] {gc.block = 0 : i64} : tensor<64x1x1x512xf32> -> tensor<64x16x512x512xf32>
  %scores = gc.add %scores_s, %bias_bcast {gc.block = 0 : i64} : tensor<64x16x512x512xf32>
  %probs = gc.softmax %scores dim = 3 {gc.block = 0 : i64} : tensor<64x16x512x512xf32>
  %probs_d = gc.dropout %probs, %seed probability = 0.1 stream = 0 {gc.block = 0 : i64} : tensor<64x16x512x512xf32>
  // Context: weighted values, heads merged back.
  %ctx = gc.matmul %probs_d, %v_t {gc.block = 0 : i64} : (tensor<64x16x512x512xf32>, tensor<64x16x512x64xf32>) -> tensor<64x16x512x64xf32>
  %ctx_t = gc.transpose %ctx perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<64x16x512x64xf32> -> tensor<64x512x16x64xf32>
  %ctx_r = gc.reshape %ctx_t {gc.block = 0 : i64} : tensor<64x512x16x64xf32> -> tensor<64x512x1024xf32>
  // Attention output: projection, dropout, residual, layer norm.
  %ao_mm = gc.matmul %ctx_r, %ao_w transpose_rhs {gc.block = 0 : i64}
      : (tensor<64x512x1024xf32>, tensor<1024x1024xf32>) -> tensor<64x512x1024xf32>
  %ao_bcast = gc.broadcast %ao_b dims = [2] {gc.block = 0 : i64} : tensor<1024xf32> -> tensor<64x512x1024xf32>
  %ao = gc.add %ao_mm, %ao_bcast {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %ao_d = gc.dropout %ao, %seed probability = 0.1 stream = 1 {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %res1 = gc.add %ao_d, %hidden {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %attn, %mean1, %rstd1 = gc.layer_norm %res1, %ln1_g, %ln1_b epsilon = 1.0e-12 {gc.block = 0 : i64}
      : (tensor<64x512x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> (tensor<64x512x1024xf32>, tensor<64x512xf32>, tensor<64x512xf32>)
  // Feed-forward: intermediate GeLU, output projection, dropout, residual, layer norm.
  %inter_mm = gc.matmul %attn, %i_w transpose_rhs {gc.block = 0 : i64}
      : (tensor<64x512x1024xf32>, tensor<4096x1024xf32>) -> tensor<64x512x4096xf32>
  %inter_bcast = gc.broadcast %i_b dims = [2] {gc.block = 0 : i64} : tensor<4096xf32> -> tensor<64x512x4096xf32>
  %inter = gc.add %inter_mm, %inter_bcast {gc.block = 0 : i64} : tensor<64x512x4096xf32>
  %act = gc.gelu %inter {gc.block = 0 : i64} : tensor<64x512x4096xf32>
  %out_mm = gc.matmul %act, %o_w transpose_rhs {gc.block = 0 : i64}
      : (tensor<64x512x4096xf32>, tensor<1024x4096xf32>) -> tensor<64x512x1024xf32>
  %out_bcast = gc.broadcast %o_b dims = [2] {gc.block = 0 : i64} : tensor<1024xf32> -> tensor<64x512x1024xf32>
  %out = gc.add %out_mm, %out_bcast {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %out_d = gc.dropout %out, %seed probability = 0.1 stream = 2 {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %res2 = gc.add %out_d, %attn {gc.block = 0 : i64} : tensor<64x512x1024xf32>
  %y, %mean2, %rstd2 = gc.layer_norm %res2, %ln2_g, %ln2_b epsilon = 1.0e-12 {gc.block = 0 : i64}
      : (tensor<64x512x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> (tensor<64x512x1024xf32>, tensor<64x512xf32>, tensor<64x512xf32>)
  return %y : tensor<64x512x1024xf32>
}
