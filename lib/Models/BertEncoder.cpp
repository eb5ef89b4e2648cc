//===- BertEncoder.cpp - One BERT encoder layer ---------------------------===//
//
// Hugging Face's `BertLayer`: self-attention over the padding mask with
// dropout on the attention probabilities (one fused gc.attention, or the
// eager ops of Hugging Face's eager attention), the attention
// output projection with dropout, residual and LayerNorm, then the
// feed-forward block with its own dropout, residual and LayerNorm. Every op
// is tagged with the layer index, which the rematerialization solvers use to
// exploit the repetition of identical layers.
//
//===----------------------------------------------------------------------===//

#include "BertBuilder.h"

#include "gc/Dialect/GcOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

Value BertBuilder::buildEncoderLayer(int64_t index, Value hidden,
                                     Value extendedMask) {
  tagger.block = index;
  std::string layer = base + "encoder.layer." + std::to_string(index);
  std::string self = layer + ".attention.self";

  // BertSelfAttention.
  Value query = splitHeads(linear(hidden, self + ".query"), self + ".query");
  Value key = splitHeads(linear(hidden, self + ".key"), self + ".key");
  Value value = splitHeads(linear(hidden, self + ".value"), self + ".value");

  // Hugging Face multiplies by head_size ** -0.5, computed in double.
  const double scale = std::pow(static_cast<double>(config.headSize()), -0.5);
  const double attentionDropout = config.attentionProbsDropoutProb;
  Value context;
  if (config.attention == BertAttention::Fused) {
    // The [B, 1, 1, S] mask broadcasts inside the op; the attention dropout
    // takes the stream the eager graph's dropout would.
    bool dropsOut = attentionDropout > 0.0;
    context = AttentionOp::create(builder, loc(self + ".attention"), query, key,
                                  value, extendedMask,
                                  dropsOut ? seed : Value(), scale,
                                  attentionDropout, dropsOut ? nextStream++ : 0)
                  .getResult();
  } else {
    context = buildEagerAttention(query, key, value, extendedMask, scale, self);
  }
  context = mergeHeads(context, self + ".context");

  // BertSelfOutput.
  std::string attentionOutput = layer + ".attention.output";
  Value attention = linear(context, attentionOutput + ".dense");
  attention = dropout(attention, config.hiddenDropoutProb,
                      attentionOutput + ".dropout");
  attention = AddOp::create(builder, loc(attentionOutput + ".residual"),
                            attention, hidden);
  attention = layerNorm(attention, attentionOutput + ".LayerNorm");

  // BertIntermediate and BertOutput.
  std::string intermediate = layer + ".intermediate";
  Value inner = linear(attention, intermediate + ".dense");
  inner = activation(inner, intermediate + ".intermediate_act_fn");
  std::string output = layer + ".output";
  Value result = linear(inner, output + ".dense");
  result = dropout(result, config.hiddenDropoutProb, output + ".dropout");
  result = AddOp::create(builder, loc(output + ".residual"), result, attention);
  result = layerNorm(result, output + ".LayerNorm");

  tagger.block.reset();
  return result;
}

Value BertBuilder::buildEagerAttention(Value query, Value key, Value value,
                                       Value extendedMask, double scale,
                                       const std::string &self) {
  int64_t batch = config.batchSize, seq = config.seqLength;
  int64_t heads = config.numAttentionHeads;
  Location scoresLoc = loc(self + ".scores");
  Value scores = MatmulOp::create(builder, scoresLoc, query, key,
                                  /*transposeLhs=*/false,
                                  /*transposeRhs=*/true);
  scores = ScaleOp::create(builder, scoresLoc, scores, scale);
  // The mask is broadcast inside the layer rather than once for all layers:
  // a [B, heads, S, S] tensor live across the whole encoder would cost as
  // much memory as one layer's attention probabilities.
  Value mask =
      BroadcastOp::create(builder, loc(self + ".attention_mask"),
                          tensorType({batch, heads, seq, seq}), extendedMask,
                          llvm::ArrayRef<int64_t>{0, 1, 2, 3});
  scores = AddOp::create(builder, scoresLoc, scores, mask);
  Value probs =
      SoftmaxOp::create(builder, loc(self + ".probs"), scores, /*dim=*/3);
  probs = dropout(probs, config.attentionProbsDropoutProb, self + ".dropout");
  return MatmulOp::create(builder, loc(self + ".context"), probs, value);
}
