//===- BertHeads.cpp - Losses on top of the BERT encoder ------------------===//
//
// The two losses a BERT training step can end in: Hugging Face's
// `BertOnlyMLMHead` (transform, decoder tied to the word embeddings) followed
// by the cross-entropy `BertForMaskedLM` computes, and the mean of the last
// hidden state used to train a bare `BertModel` (the loss of Hugging Face's
// gradient-checkpointing example).
//
//===----------------------------------------------------------------------===//

#include "BertBuilder.h"

#include "gc/Dialect/GcOps.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

Value BertBuilder::buildMaskedLMLoss(Value sequence, Value labels) {
  std::string head = "cls.predictions";
  int64_t tokens = config.batchSize * config.seqLength;

  // BertPredictionHeadTransform.
  std::string transform = head + ".transform";
  Value hidden = linear(sequence, transform + ".dense");
  hidden = activation(hidden, transform + ".transform_act_fn");
  hidden = layerNorm(hidden, transform + ".LayerNorm");

  // The decoder's weight is the word-embedding table ([V, H], already the
  // `[out, in]` layout) and its bias is `cls.predictions.bias`.
  Location decoderLoc = loc(head + ".decoder");
  Value logits =
      MatmulOp::create(builder, decoderLoc, hidden,
                       param(base + "embeddings.word_embeddings.weight"),
                       /*transposeLhs=*/false, /*transposeRhs=*/true);
  auto logitsType = cast<RankedTensorType>(logits.getType());
  Value bias =
      BroadcastOp::create(builder, decoderLoc, logitsType,
                          param(head + ".bias"), llvm::ArrayRef<int64_t>{2});
  logits = AddOp::create(builder, decoderLoc, logits, bias);

  // CrossEntropyLoss()(logits.view(-1, V), labels.view(-1)).
  Location lossLoc = loc("loss");
  Value flatLogits = ReshapeOp::create(
      builder, lossLoc, tensorType({tokens, config.vocabSize}), logits);
  auto labelsType = cast<RankedTensorType>(labels.getType());
  Value flatLabels = ReshapeOp::create(
      builder, lossLoc,
      RankedTensorType::get({tokens}, labelsType.getElementType()), labels);
  return CrossEntropyOp::create(builder, lossLoc, flatLogits, flatLabels,
                                /*ignoreIndex=*/-100);
}

Value BertBuilder::buildMeanLoss(Value sequence) {
  return ReduceMeanOp::create(builder, loc("loss"), sequence,
                              llvm::ArrayRef<int64_t>{0, 1, 2});
}
