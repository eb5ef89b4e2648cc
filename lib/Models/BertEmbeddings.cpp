//===- BertEmbeddings.cpp - BERT embeddings and the attention mask --------===//
//
// Hugging Face's `BertEmbeddings` (word, token-type and absolute position
// embeddings summed in that order, layer-normalized, dropped out) and the
// additive attention mask `BertModel.get_extended_attention_mask` derives
// from the padding mask. Neither belongs to an encoder layer, so their ops
// carry no block tag.
//
//===----------------------------------------------------------------------===//

#include "BertBuilder.h"

#include "gc/Dialect/GcOps.h"

#include "llvm/ADT/APFloat.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

Value BertBuilder::buildEmbeddings(Value inputIds, Value tokenTypeIds) {
  std::string module = base + "embeddings";
  int64_t batch = config.batchSize, seq = config.seqLength;

  // nn.Embedding(vocab_size, hidden_size, padding_idx=pad_token_id).
  Value words = EmbeddingOp::create(builder, loc(module + ".word_embeddings"),
                                    param(module + ".word_embeddings.weight"),
                                    inputIds, config.padTokenId);
  Value tokenTypes = EmbeddingOp::create(
      builder, loc(module + ".token_type_embeddings"),
      param(module + ".token_type_embeddings.weight"), tokenTypeIds);
  // Hugging Face adds the token-type embeddings first, then the positions;
  // keeping its order keeps the rounding identical.
  Value sum = AddOp::create(builder, loc(module), words, tokenTypes);

  // position_ids = arange(S): the first S rows of the table, shared by every
  // sequence of the batch.
  Location positionLoc = loc(module + ".position_embeddings");
  Value positions = SliceOp::create(
      builder, positionLoc, tensorType({seq, config.hiddenSize}),
      param(module + ".position_embeddings.weight"),
      llvm::ArrayRef<int64_t>{0, 0});
  Value batchPositions = BroadcastOp::create(
      builder, positionLoc, tensorType({batch, seq, config.hiddenSize}),
      positions, llvm::ArrayRef<int64_t>{1, 2});
  Value embeddings = AddOp::create(builder, loc(module), sum, batchPositions);

  embeddings = layerNorm(embeddings, module + ".LayerNorm");
  return dropout(embeddings, config.hiddenDropoutProb, module + ".dropout");
}

Value BertBuilder::buildExtendedMask(Value attentionMask) {
  Location location = loc(base + "extended_attention_mask");
  int64_t batch = config.batchSize, seq = config.seqLength;

  Value mask = CastOp::create(builder, location, tensorType({batch, seq}),
                              attentionMask);
  RankedTensorType maskType = tensorType({batch, 1, 1, seq});
  mask = ReshapeOp::create(builder, location, maskType, mask);
  Attribute one = builder.getFloatAttr(elementType, 1.0);
  Value ones = ConstantOp::create(builder, location,
                                  DenseElementsAttr::get(maskType, one));
  Value inverted = SubOp::create(builder, location, ones, mask);
  // torch.finfo(dtype).min, the lowest finite value, rather than -10000 or
  // -inf: a fully padded row then still has a defined softmax.
  llvm::APFloat lowest = llvm::APFloat::getLargest(
      cast<FloatType>(elementType).getFloatSemantics(), /*Negative=*/true);
  return ScaleOp::create(builder, location, inverted, lowest.convertToDouble());
}
