//===- Bert.h - BERT forward pass in the gc dialect -------------*- C++ -*-===//
//
// Builds the forward pass and loss of a BERT training step in the gc dialect,
// computing what Hugging Face's `BertForMaskedLM` (masked-language-model loss)
// or `BertModel` (mean of the last hidden state) computes in training mode.
// The configuration mirrors Hugging Face's `BertConfig` plus the static shape
// of the batch, so that a compiled step and the PyTorch reference can be
// compared on the same weights: function arguments are named by their
// state-dict keys, in state-dict order.
//
//===----------------------------------------------------------------------===//

#ifndef GC_MODELS_BERT_H
#define GC_MODELS_BERT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::gc {

/// The feed-forward activation (Hugging Face's `hidden_act`).
enum class BertActivation {
  Gelu,    ///< `gelu`: exact, through erf.
  GeluNew, ///< `gelu_new`: the tanh approximation.
};

/// What the built function returns as its loss.
enum class BertLoss {
  /// `mlm`: cross-entropy of the masked-LM head over the labels (-100 =
  /// ignored), as `BertForMaskedLM`.
  MaskedLM,
  /// `mean`: the mean of every element of `BertModel`'s `last_hidden_state`.
  Mean,
};

/// How self-attention is built.
enum class BertAttention {
  /// `fused`: one gc.attention per layer (scores and probabilities never
  /// stored; FlashAttention-2's recomputing backward).
  Fused,
  /// `eager`: matmul, scale, mask, softmax, dropout, matmul, as Hugging
  /// Face's eager attention; stores the [batch, heads, seq, seq] tensors.
  Eager,
};

/// Element type of parameters and activations; f64 serves gradient checks.
enum class BertElementType { F32, F64 };

/// The deepest BERT gc builds (published BERTs have at most 48 layers).
constexpr int64_t kMaxBertLayers = 1024;

/// The knobs of Hugging Face's `BertConfig` (same names, camelBack) plus the
/// static batch shape, the loss and the element type. The defaults are
/// BERT-large with batch 64 and sequence length 512.
struct BertConfig {
  int64_t vocabSize = 30522;
  int64_t hiddenSize = 1024;
  int64_t numHiddenLayers = 24;
  int64_t numAttentionHeads = 16;
  int64_t intermediateSize = 4096;
  int64_t maxPositionEmbeddings = 512;
  int64_t typeVocabSize = 2;
  /// The word embeddings' padding_idx: positions holding this id send no
  /// gradient to its row. None when unset.
  std::optional<int64_t> padTokenId = 0;
  double hiddenDropoutProb = 0.1;
  double attentionProbsDropoutProb = 0.1;
  double layerNormEps = 1e-12;
  BertActivation hiddenAct = BertActivation::Gelu;

  int64_t batchSize = 64;
  int64_t seqLength = 512;
  BertLoss loss = BertLoss::MaskedLM;
  BertElementType elementType = BertElementType::F32;
  BertAttention attention = BertAttention::Fused;

  /// Size of one attention head (`hiddenSize / numAttentionHeads`).
  int64_t headSize() const { return hiddenSize / numAttentionHeads; }
};

/// Returns success, or an error whose message names the offending knob and
/// its value (and, for an indivisible hidden size, both numbers).
llvm::Error validateBertConfig(const BertConfig &config);

/// A trainable parameter: its state-dict key and its shape (PyTorch layout,
/// `[out, in]` for linear weights).
struct BertParameter {
  std::string name;
  llvm::SmallVector<int64_t, 2> shape;
};

/// The trainable parameters in state-dict order: those of `BertForMaskedLM`
/// (tied decoder weight omitted) for the mlm loss, those of `BertModel`
/// without its pooler for the mean loss. These are the leading arguments of
/// the built function.
std::vector<BertParameter> getBertParameters(const BertConfig &config);

/// The batch fields following the parameters: `input_ids`,
/// `token_type_ids`, `attention_mask`, `labels` (mlm only) and `seed`.
std::vector<std::string> getBertInputNames(const BertConfig &config);

/// Builds `func.func @<name>` computing the loss of `config` into `module`
/// and verifies it. Arguments: the parameters of getBertParameters, each with
/// `gc.name` and `gc.param`, then the batch of getBertInputNames with
/// `gc.name`; one rank-0 result named `loss`. Every op of encoder layer i is
/// tagged `gc.block = i`; dropout sites (those with probability > 0) have
/// streams 0, 1, ... in program order. Fails on an invalid config, on a
/// symbol clash, or when the function does not verify (the verifier's
/// diagnostics then go to the context's handler).
llvm::Expected<func::FuncOp>
buildBertForward(ModuleOp module, const BertConfig &config,
                 llvm::StringRef name = "bert_forward");

/// Spellings used by Hugging Face configs and by gc-compile's flags.
std::optional<BertActivation> parseBertActivation(llvm::StringRef text);
std::optional<BertLoss> parseBertLoss(llvm::StringRef text);
std::optional<BertElementType> parseBertElementType(llvm::StringRef text);
llvm::StringRef stringifyBertActivation(BertActivation activation);
llvm::StringRef stringifyBertLoss(BertLoss loss);
llvm::StringRef stringifyBertElementType(BertElementType type);
llvm::StringRef stringifyBertAttention(BertAttention attention);

} // namespace mlir::gc

#endif // GC_MODELS_BERT_H
