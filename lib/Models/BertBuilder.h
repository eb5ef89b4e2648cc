//===- BertBuilder.h - Shared state of the BERT model builder ---*- C++ -*-===//
//
// The builder the BERT pieces (embeddings, encoder layers, heads) share: the
// op builder, the configuration, the parameters by state-dict key, the step
// seed and the next dropout stream, plus the Hugging Face building blocks
// (`nn.Linear`, `nn.LayerNorm`, `nn.Dropout`, the activation) expressed in gc
// ops. Locations name activations by their Hugging Face module path, so a
// diagnostic or a memory report points at e.g.
// `bert.encoder.layer.3.attention.self.query`.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_MODELS_BERTBUILDER_H
#define GC_LIB_MODELS_BERTBUILDER_H

#include "gc/Models/Bert.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"

#include <optional>
#include <string>

namespace mlir::gc::detail {

/// Tags every op inserted while `block` is set with `gc.block`, so that no op
/// of an encoder layer can be left untagged by accident.
class BlockTagger : public OpBuilder::Listener {
public:
  void notifyOperationInserted(Operation *op,
                               OpBuilder::InsertPoint previous) override;

  std::optional<int64_t> block;
};

class BertBuilder {
public:
  /// Appends ops to `body`. `params` maps every key of getBertParameters to
  /// its function argument.
  BertBuilder(Block *body, const BertConfig &config,
              llvm::StringMap<Value> params, Value seed);
  BertBuilder(const BertBuilder &) = delete;
  BertBuilder &operator=(const BertBuilder &) = delete;

  /// `BertEmbeddings`: word + token type + position embeddings, LayerNorm,
  /// dropout. Returns `[B, S, H]`.
  Value buildEmbeddings(Value inputIds, Value tokenTypeIds);

  /// The additive attention mask `(1 - mask) * lowest`, of shape
  /// `[B, 1, 1, S]`; each layer broadcasts it over heads and queries.
  Value buildExtendedMask(Value attentionMask);

  /// `BertLayer` number `index`, every op tagged `gc.block = index`.
  Value buildEncoderLayer(int64_t index, Value hidden, Value extendedMask);

  /// `BertOnlyMLMHead` and the cross-entropy over the flattened labels.
  Value buildMaskedLMLoss(Value sequence, Value labels);

  /// The mean of every element of the last hidden state.
  Value buildMeanLoss(Value sequence);

private:
  /// A location naming the activation by its module path.
  Location loc(const llvm::Twine &name);

  /// The parameter with state-dict key `key`.
  Value param(const llvm::Twine &key);

  /// `[shape]` tensor of the model's element type.
  RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape);

  /// `nn.Linear` with PyTorch's `[out, in]` weight: `x W^T + b` with the
  /// parameters `<module>.weight` and `<module>.bias`.
  Value linear(Value input, const std::string &module);

  /// `nn.LayerNorm` over the last dimension with `<module>.weight` and
  /// `<module>.bias`.
  Value layerNorm(Value input, const std::string &module);

  /// `nn.Dropout(probability)` in training mode with the next stream; the
  /// identity (no op, no stream) when the probability is 0.
  Value dropout(Value input, double probability, const std::string &module);
  /// Self-attention as separate ops: scores, mask, softmax, dropout and
  /// the context matmul.
  Value buildEagerAttention(Value query, Value key, Value value,
                            Value extendedMask, double scale,
                            const std::string &self);

  /// The configured `hidden_act`.
  Value activation(Value input, const std::string &module);

  /// `[B, S, H]` -> `[B, heads, S, D]`.
  Value splitHeads(Value input, const std::string &module);

  /// `[B, heads, S, D]` -> `[B, S, H]`.
  Value mergeHeads(Value input, const std::string &module);

  /// Declared first: `builder` notifies it of every inserted op.
  BlockTagger tagger;
  OpBuilder builder;
  const BertConfig &config;
  Type elementType;
  llvm::StringMap<Value> params;
  Value seed;
  int64_t nextStream = 0;
  /// Module path of the encoder (`bert.` inside BertForMaskedLM).
  std::string base;
};

} // namespace mlir::gc::detail

#endif // GC_LIB_MODELS_BERTBUILDER_H
