//===- BertEncoder.cpp - One BERT encoder layer ---------------------------===//
//
// Hugging Face's `BertLayer` with eager attention: self-attention over the
// padding mask with dropout on the attention probabilities, the attention
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
  int64_t batch = config.batchSize, seq = config.seqLength;
  int64_t heads = config.numAttentionHeads;

  // BertSelfAttention.
  Value query = splitHeads(linear(hidden, self + ".query"), self + ".query");
  Value key = splitHeads(linear(hidden, self + ".key"), self + ".key");
  Value value = splitHeads(linear(hidden, self + ".value"), self + ".value");

  Location scoresLoc = loc(self + ".scores");
  Value scores = MatmulOp::create(builder, scoresLoc, query, key,
                                  /*transposeLhs=*/false,
                                  /*transposeRhs=*/true);
  // Hugging Face multiplies by head_size ** -0.5, computed in double.
  scores =
      ScaleOp::create(builder, scoresLoc, scores,
                      std::pow(static_cast<double>(config.headSize()), -0.5));
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
  Value context =
      MatmulOp::create(builder, loc(self + ".context"), probs, value);
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
