//===- BertConfig.cpp - BERT configuration, parameters and inputs ---------===//
//
// Everything about a BERT model that does not need an MLIR context: checking
// a configuration before any op is built (so that a bad flag is an error
// message, not a verifier failure deep inside a layer), the list of
// parameters in Hugging Face state-dict order, the batch fields, and the
// spellings of the enumerated knobs.
//
//===----------------------------------------------------------------------===//

#include "gc/Models/Bert.h"

#include "gc/Dialect/GcShapeInference.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;

namespace {
/// Collects the first rule a configuration breaks.
class ConfigChecker {
public:
  void positive(llvm::StringRef knob, int64_t value) {
    if (value <= 0)
      fail() << knob << " must be positive, but is " << value;
  }

  void probability(llvm::StringRef knob, double value) {
    // Written so that NaN fails too.
    if (!(value >= 0.0 && value < 1.0))
      fail() << knob << " must lie in [0, 1), but is "
             << llvm::format("%g", value);
  }

  /// Checks that a tensor of `shape` with `elementBytes`-byte elements has
  /// a size in bytes that fits in int64, so that no later size computation
  /// overflows.
  void representable(llvm::ArrayRef<int64_t> shape, int64_t elementBytes) {
    int64_t bytes = elementBytes;
    for (int64_t size : shape) {
      if (llvm::MulOverflow(bytes, size, bytes)) {
        fail() << "the model is too large: a tensor of shape "
               << formatShape(shape) << " takes more than 2^63 - 1 bytes";
        return;
      }
    }
  }

  /// The stream the next failure is described into; only the first failure
  /// is kept.
  llvm::raw_ostream &fail() {
    if (!message.empty())
      return llvm::nulls();
    return stream;
  }

  bool failed() const { return !message.empty(); }

  llvm::Error takeError() {
    if (message.empty())
      return llvm::Error::success();
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  }

private:
  std::string message;
  llvm::raw_string_ostream stream{message};
};
} // namespace

llvm::Error mlir::gc::validateBertConfig(const BertConfig &config) {
  ConfigChecker check;
  check.positive("vocab_size", config.vocabSize);
  check.positive("hidden_size", config.hiddenSize);
  check.positive("num_hidden_layers", config.numHiddenLayers);
  check.positive("num_attention_heads", config.numAttentionHeads);
  check.positive("intermediate_size", config.intermediateSize);
  check.positive("max_position_embeddings", config.maxPositionEmbeddings);
  check.positive("type_vocab_size", config.typeVocabSize);
  check.positive("batch_size", config.batchSize);
  check.positive("seq_length", config.seqLength);
  if (check.failed())
    return check.takeError();

  if (config.hiddenSize % config.numAttentionHeads != 0)
    check.fail() << "hidden_size (" << config.hiddenSize
                 << ") is not divisible by num_attention_heads ("
                 << config.numAttentionHeads << ")";
  if (config.padTokenId &&
      (*config.padTokenId < 0 || *config.padTokenId >= config.vocabSize))
    check.fail() << "pad_token_id (" << *config.padTokenId
                 << ") is not a token of the vocabulary [0, "
                 << config.vocabSize << ")";
  if (config.seqLength > config.maxPositionEmbeddings)
    check.fail() << "seq_length (" << config.seqLength
                 << ") exceeds max_position_embeddings ("
                 << config.maxPositionEmbeddings << ")";
  check.probability("hidden_dropout_prob", config.hiddenDropoutProb);
  check.probability("attention_probs_dropout_prob",
                    config.attentionProbsDropoutProb);
  if (!(config.layerNormEps > 0.0 && std::isfinite(config.layerNormEps)))
    check.fail() << "layer_norm_eps must be positive and finite, but is "
                 << llvm::format("%g", config.layerNormEps);
  if (check.failed())
    return check.takeError();

  // Every layer is built as IR: a depth beyond any published model would
  // only make gc-compile run out of memory.
  if (config.numHiddenLayers > kMaxBertLayers)
    check.fail() << "num_hidden_layers must be at most " << kMaxBertLayers
                 << ", but is " << config.numHiddenLayers;
  if (check.failed())
    return check.takeError();

  // The largest tensors of the forward pass: attention scores, the
  // feed-forward activation and the logits.
  const int64_t elementBytes =
      config.elementType == BertElementType::F64 ? 8 : 4;
  int64_t batch = config.batchSize, seq = config.seqLength;
  auto representable = [&](llvm::ArrayRef<int64_t> shape) {
    check.representable(shape, elementBytes);
  };
  representable({batch, config.numAttentionHeads, seq, seq});
  representable({batch, seq, config.intermediateSize});
  representable({batch, seq, config.hiddenSize});
  representable({config.vocabSize, config.hiddenSize});
  representable({config.maxPositionEmbeddings, config.hiddenSize});
  representable({config.typeVocabSize, config.hiddenSize});
  representable({config.intermediateSize, config.hiddenSize});
  if (config.loss == BertLoss::MaskedLM)
    representable({batch, seq, config.vocabSize});
  if (check.failed())
    return check.takeError();

  // All layers' weights together (with gradients and two AdamW moments,
  // four copies) must be addressable too.
  int64_t hidden = config.hiddenSize, inter = config.intermediateSize;
  int64_t layerElements = 0, total = 0;
  bool overflow = llvm::MulOverflow(hidden, 4 * int64_t(1), layerElements);
  overflow |= llvm::MulOverflow(layerElements, hidden, layerElements);
  int64_t ffn = 0;
  overflow |= llvm::MulOverflow(hidden, inter, ffn);
  overflow |= llvm::MulOverflow(ffn, int64_t(2), ffn);
  overflow |= llvm::AddOverflow(layerElements, ffn, layerElements);
  overflow |= llvm::MulOverflow(layerElements, config.numHiddenLayers, total);
  overflow |= llvm::MulOverflow(total, 4 * elementBytes, total);
  if (overflow)
    check.fail() << "the model is too large: the " << config.numHiddenLayers
                 << " layers' weights, gradients and optimizer state take "
                    "more than 2^63 - 1 bytes";
  return check.takeError();
}

std::vector<BertParameter>
mlir::gc::getBertParameters(const BertConfig &config) {
  int64_t hidden = config.hiddenSize, inter = config.intermediateSize;
  bool mlm = config.loss == BertLoss::MaskedLM;
  // BertForMaskedLM holds the encoder as `bert`; BertModel is the encoder.
  std::string base = mlm ? "bert." : "";

  std::vector<BertParameter> params;
  auto add = [&](std::string name, llvm::ArrayRef<int64_t> shape) {
    params.push_back({std::move(name), llvm::SmallVector<int64_t, 2>(shape)});
  };
  auto addLinear = [&](const std::string &module, int64_t out, int64_t in) {
    add(module + ".weight", {out, in});
    add(module + ".bias", {out});
  };
  auto addLayerNorm = [&](const std::string &module) {
    add(module + ".weight", {hidden});
    add(module + ".bias", {hidden});
  };

  std::string embeddings = base + "embeddings.";
  add(embeddings + "word_embeddings.weight", {config.vocabSize, hidden});
  add(embeddings + "position_embeddings.weight",
      {config.maxPositionEmbeddings, hidden});
  add(embeddings + "token_type_embeddings.weight",
      {config.typeVocabSize, hidden});
  addLayerNorm(embeddings + "LayerNorm");

  for (int64_t i = 0; i < config.numHiddenLayers; ++i) {
    std::string layer = base + "encoder.layer." + std::to_string(i) + ".";
    addLinear(layer + "attention.self.query", hidden, hidden);
    addLinear(layer + "attention.self.key", hidden, hidden);
    addLinear(layer + "attention.self.value", hidden, hidden);
    addLinear(layer + "attention.output.dense", hidden, hidden);
    addLayerNorm(layer + "attention.output.LayerNorm");
    addLinear(layer + "intermediate.dense", inter, hidden);
    addLinear(layer + "output.dense", hidden, inter);
    addLayerNorm(layer + "output.LayerNorm");
  }

  if (mlm) {
    // `cls.predictions.bias` is registered before the transform submodule;
    // the decoder weight is tied to the word embeddings.
    add("cls.predictions.bias", {config.vocabSize});
    addLinear("cls.predictions.transform.dense", hidden, hidden);
    addLayerNorm("cls.predictions.transform.LayerNorm");
  }
  return params;
}

std::vector<std::string> mlir::gc::getBertInputNames(const BertConfig &config) {
  std::vector<std::string> names = {"input_ids", "token_type_ids",
                                    "attention_mask"};
  if (config.loss == BertLoss::MaskedLM)
    names.push_back("labels");
  names.push_back("seed");
  return names;
}

std::optional<BertActivation> mlir::gc::parseBertActivation(StringRef text) {
  return llvm::StringSwitch<std::optional<BertActivation>>(text)
      .Case("gelu", BertActivation::Gelu)
      .Case("gelu_new", BertActivation::GeluNew)
      .Default(std::nullopt);
}

std::optional<BertLoss> mlir::gc::parseBertLoss(StringRef text) {
  return llvm::StringSwitch<std::optional<BertLoss>>(text)
      .Case("mlm", BertLoss::MaskedLM)
      .Case("mean", BertLoss::Mean)
      .Default(std::nullopt);
}

std::optional<BertElementType> mlir::gc::parseBertElementType(StringRef text) {
  return llvm::StringSwitch<std::optional<BertElementType>>(text)
      .Case("f32", BertElementType::F32)
      .Case("f64", BertElementType::F64)
      .Default(std::nullopt);
}

StringRef mlir::gc::stringifyBertActivation(BertActivation activation) {
  switch (activation) {
  case BertActivation::Gelu:
    return "gelu";
  case BertActivation::GeluNew:
    return "gelu_new";
  }
  llvm_unreachable("unknown BERT activation");
}

StringRef mlir::gc::stringifyBertAttention(BertAttention attention) {
  switch (attention) {
  case BertAttention::Fused:
    return "fused";
  case BertAttention::Eager:
    return "eager";
  }
  llvm_unreachable("unknown BERT attention");
}

StringRef mlir::gc::stringifyBertLoss(BertLoss loss) {
  switch (loss) {
  case BertLoss::MaskedLM:
    return "mlm";
  case BertLoss::Mean:
    return "mean";
  }
  llvm_unreachable("unknown BERT loss");
}

StringRef mlir::gc::stringifyBertElementType(BertElementType type) {
  switch (type) {
  case BertElementType::F32:
    return "f32";
  case BertElementType::F64:
    return "f64";
  }
  llvm_unreachable("unknown BERT element type");
}
