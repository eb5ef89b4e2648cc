//===- BertCommandLine.cpp - BERT configuration flags ---------------------===//
//
// See gc/Models/BertCommandLine.h.
//
//===----------------------------------------------------------------------===//

#include "gc/Models/BertCommandLine.h"

#include "gc/Support/FlagChoices.h"

#include "llvm/Support/ManagedStatic.h"

#include <vector>

using namespace mlir;
using namespace mlir::gc;
namespace cl = llvm::cl;

llvm::cl::OptionCategory &mlir::gc::getBertCLCategory() {
  static cl::OptionCategory category(
      "BERT configuration (Hugging Face BertConfig)");
  return category;
}

namespace {
/// The flags; their defaults are the library's (BERT-large, batch 64,
/// sequence 512) so the two cannot drift apart.
struct BertCLOptions {
  const BertConfig defaults;
  cl::OptionCategory &category = getBertCLCategory();

  cl::opt<int64_t> layers{"layers", cl::desc("num_hidden_layers"),
                          cl::init(defaults.numHiddenLayers),
                          cl::cat(category)};
  cl::opt<int64_t> hidden{"hidden", cl::desc("hidden_size"),
                          cl::init(defaults.hiddenSize), cl::cat(category)};
  cl::opt<int64_t> heads{"heads", cl::desc("num_attention_heads"),
                         cl::init(defaults.numAttentionHeads),
                         cl::cat(category)};
  cl::opt<int64_t> intermediate{"intermediate", cl::desc("intermediate_size"),
                                cl::init(defaults.intermediateSize),
                                cl::cat(category)};
  cl::opt<int64_t> vocab{"vocab", cl::desc("vocab_size"),
                         cl::init(defaults.vocabSize), cl::cat(category)};
  cl::opt<int64_t> maxPosition{
      "max-position", cl::desc("max_position_embeddings"),
      cl::init(defaults.maxPositionEmbeddings), cl::cat(category)};
  cl::opt<int64_t> typeVocab{"type-vocab", cl::desc("type_vocab_size"),
                             cl::init(defaults.typeVocabSize),
                             cl::cat(category)};
  cl::opt<int64_t> padTokenId{
      "pad-token-id",
      cl::desc("pad_token_id, the word embeddings' padding_idx (-1: none)"),
      cl::init(defaults.padTokenId.value_or(-1)), cl::cat(category)};
  cl::opt<double> dropout{"dropout", cl::desc("hidden_dropout_prob"),
                          cl::init(defaults.hiddenDropoutProb),
                          cl::cat(category)};
  cl::opt<double> attentionDropout{
      "attention-dropout", cl::desc("attention_probs_dropout_prob"),
      cl::init(defaults.attentionProbsDropoutProb), cl::cat(category)};
  cl::opt<double> layerNormEps{"layer-norm-eps", cl::desc("layer_norm_eps"),
                               cl::init(defaults.layerNormEps),
                               cl::cat(category)};
  cl::opt<std::string> hiddenAct{
      "hidden-act", cl::desc("hidden_act: gelu or gelu_new"),
      cl::value_desc("name"),
      cl::init(stringifyBertActivation(defaults.hiddenAct).str()),
      cl::cat(category)};
  cl::opt<int64_t> seq{"seq", cl::desc("Sequence length"),
                       cl::init(defaults.seqLength), cl::cat(category)};
  cl::opt<int64_t> batch{"batch", cl::desc("Batch size"),
                         cl::init(defaults.batchSize), cl::cat(category)};
  cl::opt<std::string> loss{
      "loss",
      cl::desc("Loss: mlm (BertForMaskedLM) or mean (mean of BertModel's "
               "last hidden state)"),
      cl::value_desc("kind"), cl::init(stringifyBertLoss(defaults.loss).str()),
      cl::cat(category)};
  cl::opt<std::string> attention{
      "attention",
      cl::desc("Self-attention: fused (one gc.attention per layer, no "
               "stored scores) or eager (matmul, softmax, dropout, matmul)"),
      cl::value_desc("kind"),
      cl::init(stringifyBertAttention(defaults.attention).str()),
      cl::cat(category)};
  cl::opt<std::string> dtype{
      "dtype", cl::desc("Element type: f32 or f64"), cl::value_desc("type"),
      cl::init(stringifyBertElementType(defaults.elementType).str()),
      cl::cat(category)};
};

llvm::ManagedStatic<BertCLOptions> clOptions;

/// The (spelling, value) pairs of `values`.
template <typename T>
std::vector<std::pair<llvm::StringRef, T>>
spellings(std::initializer_list<T> values, llvm::StringRef (*name)(T)) {
  std::vector<std::pair<llvm::StringRef, T>> pairs;
  for (T value : values)
    pairs.push_back({name(value), value});
  return pairs;
}
} // namespace

void mlir::gc::registerBertCLOptions() { *clOptions; }

bool mlir::gc::isBatchSetOnCL() {
  return clOptions->batch.getNumOccurrences() > 0;
}

llvm::Expected<BertConfig> mlir::gc::getBertConfigFromCL() {
  const BertCLOptions &flags = *clOptions;
  auto activation = lookupFlagChoice<BertActivation>(
      "hidden-act", flags.hiddenAct,
      spellings({BertActivation::Gelu, BertActivation::GeluNew},
                stringifyBertActivation));
  if (!activation)
    return activation.takeError();
  auto loss = lookupFlagChoice<BertLoss>(
      "loss", flags.loss,
      spellings({BertLoss::MaskedLM, BertLoss::Mean}, stringifyBertLoss));
  if (!loss)
    return loss.takeError();
  auto elementType = lookupFlagChoice<BertElementType>(
      "dtype", flags.dtype,
      spellings({BertElementType::F32, BertElementType::F64},
                stringifyBertElementType));
  if (!elementType)
    return elementType.takeError();
  auto attention = lookupFlagChoice<BertAttention>(
      "attention", flags.attention,
      spellings({BertAttention::Fused, BertAttention::Eager},
                stringifyBertAttention));
  if (!attention)
    return attention.takeError();

  BertConfig config;
  config.vocabSize = flags.vocab;
  config.hiddenSize = flags.hidden;
  config.numHiddenLayers = flags.layers;
  config.numAttentionHeads = flags.heads;
  config.intermediateSize = flags.intermediate;
  config.maxPositionEmbeddings = flags.maxPosition;
  config.typeVocabSize = flags.typeVocab;
  config.padTokenId = flags.padTokenId == -1
                          ? std::nullopt
                          : std::optional<int64_t>(flags.padTokenId);
  config.hiddenDropoutProb = flags.dropout;
  config.attentionProbsDropoutProb = flags.attentionDropout;
  config.layerNormEps = flags.layerNormEps;
  config.hiddenAct = *activation;
  config.batchSize = flags.batch;
  config.seqLength = flags.seq;
  config.loss = *loss;
  config.elementType = *elementType;
  config.attention = *attention;
  return config;
}
