//===- BertTest.cpp - The BERT model builder ------------------------------===//
//
// Configuration checks report the offending knob and value; the built
// function's signature is exactly Hugging Face's state dict (in order) then
// the batch; encoder ops are tagged with their layer and dropout sites get
// consecutive streams.
//
//===----------------------------------------------------------------------===//

#include "gc/Models/Bert.h"

#include "gc/Dialect/GcDialect.h"
#include "gc/Dialect/GcOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::gc;

namespace {
/// The message of `error`, or "" on success.
std::string message(llvm::Error error) {
  if (!error)
    return "";
  return llvm::toString(std::move(error));
}

/// A BERT small enough to build in microseconds.
BertConfig tinyConfig() {
  BertConfig config;
  config.vocabSize = 32;
  config.hiddenSize = 8;
  config.numHiddenLayers = 2;
  config.numAttentionHeads = 2;
  config.intermediateSize = 16;
  config.maxPositionEmbeddings = 16;
  config.batchSize = 2;
  config.seqLength = 4;
  return config;
}

TEST(BertConfigTest, DefaultsAreBertLarge) {
  BertConfig config;
  EXPECT_EQ(config.hiddenSize, 1024);
  EXPECT_EQ(config.numHiddenLayers, 24);
  EXPECT_EQ(config.numAttentionHeads, 16);
  EXPECT_EQ(config.intermediateSize, 4096);
  EXPECT_EQ(config.batchSize, 64);
  EXPECT_EQ(config.seqLength, 512);
  EXPECT_EQ(config.loss, BertLoss::MaskedLM);
  EXPECT_EQ(message(validateBertConfig(config)), "");
}

TEST(BertConfigTest, RejectsNonPositiveSizes) {
  BertConfig config;
  config.numHiddenLayers = 0;
  EXPECT_EQ(message(validateBertConfig(config)),
            "num_hidden_layers must be positive, but is 0");
  config = BertConfig();
  config.batchSize = -3;
  EXPECT_EQ(message(validateBertConfig(config)),
            "batch_size must be positive, but is -3");
  config = BertConfig();
  config.vocabSize = 0;
  EXPECT_EQ(message(validateBertConfig(config)),
            "vocab_size must be positive, but is 0");
}

TEST(BertConfigTest, RejectsIndivisibleHiddenSize) {
  BertConfig config;
  config.hiddenSize = 1000;
  EXPECT_EQ(message(validateBertConfig(config)),
            "hidden_size (1000) is not divisible by num_attention_heads (16)");
}

TEST(BertConfigTest, RejectsSequenceBeyondPositions) {
  BertConfig config;
  config.seqLength = 1024;
  EXPECT_EQ(message(validateBertConfig(config)),
            "seq_length (1024) exceeds max_position_embeddings (512)");
}

TEST(BertConfigTest, RejectsBadProbabilitiesAndEpsilon) {
  BertConfig config;
  config.hiddenDropoutProb = 1.0;
  EXPECT_EQ(message(validateBertConfig(config)),
            "hidden_dropout_prob must lie in [0, 1), but is 1");
  config = BertConfig();
  config.attentionProbsDropoutProb = -0.5;
  EXPECT_EQ(message(validateBertConfig(config)),
            "attention_probs_dropout_prob must lie in [0, 1), but is -0.5");
  config = BertConfig();
  config.hiddenDropoutProb = 0.0;
  EXPECT_EQ(message(validateBertConfig(config)), "");
  config = BertConfig();
  config.layerNormEps = 0.0;
  EXPECT_EQ(message(validateBertConfig(config)),
            "layer_norm_eps must be positive and finite, but is 0");
}

TEST(BertConfigTest, RejectsOverflowingShapes) {
  BertConfig config;
  config.batchSize = int64_t(1) << 40;
  config.maxPositionEmbeddings = 1 << 20;
  config.seqLength = 1 << 20;
  EXPECT_EQ(message(validateBertConfig(config)),
            "the model is too large: a tensor of shape [1099511627776, 16, "
            "1048576, 1048576] takes more than 2^63 - 1 bytes");
  // 2^61 elements fit in int64; their 2^63 bytes do not.
  config = BertConfig();
  config.batchSize = 1;
  config.seqLength = 1;
  config.hiddenSize = 1;
  config.numAttentionHeads = 1;
  config.vocabSize = int64_t(1) << 61;
  EXPECT_EQ(message(validateBertConfig(config)),
            "the model is too large: a tensor of shape [2305843009213693952, "
            "1] takes more than 2^63 - 1 bytes");
  config = BertConfig();
  config.numHiddenLayers = kMaxBertLayers + 1;
  EXPECT_EQ(message(validateBertConfig(config)),
            "num_hidden_layers must be at most 1024, but is 1025");
}

TEST(BertConfigTest, SpellingsRoundTrip) {
  EXPECT_EQ(parseBertActivation("gelu_new"), BertActivation::GeluNew);
  EXPECT_EQ(parseBertActivation("relu"), std::nullopt);
  EXPECT_EQ(parseBertLoss("mean"), BertLoss::Mean);
  EXPECT_EQ(parseBertElementType("f64"), BertElementType::F64);
  EXPECT_EQ(stringifyBertActivation(BertActivation::Gelu), "gelu");
  EXPECT_EQ(stringifyBertLoss(BertLoss::MaskedLM), "mlm");
  EXPECT_EQ(stringifyBertElementType(BertElementType::F32), "f32");
}

class BertBuildTest : public ::testing::Test {
protected:
  BertBuildTest() { module = ModuleOp::create(UnknownLoc::get(&context)); }

  func::FuncOp build(const BertConfig &config) {
    llvm::Expected<func::FuncOp> function =
        buildBertForward(*module, config, "forward");
    if (!function) {
      ADD_FAILURE() << llvm::toString(function.takeError());
      return {};
    }
    return *function;
  }

  /// The `gc.name` of every argument, in order.
  static std::vector<std::string> argumentNames(func::FuncOp function) {
    std::vector<std::string> names;
    for (unsigned i = 0; i < function.getNumArguments(); ++i) {
      auto name = function.getArgAttrOfType<StringAttr>(
          i, GcDialect::getNameAttrName());
      names.push_back(name ? name.str() : "<unnamed>");
    }
    return names;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

std::vector<std::string> layerKeys(const std::string &prefix) {
  std::vector<std::string> keys;
  for (const char *suffix :
       {"attention.self.query.weight", "attention.self.query.bias",
        "attention.self.key.weight", "attention.self.key.bias",
        "attention.self.value.weight", "attention.self.value.bias",
        "attention.output.dense.weight", "attention.output.dense.bias",
        "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
        "intermediate.dense.weight", "intermediate.dense.bias",
        "output.dense.weight", "output.dense.bias", "output.LayerNorm.weight",
        "output.LayerNorm.bias"})
    keys.push_back(prefix + suffix);
  return keys;
}

TEST_F(BertBuildTest, MaskedLMArgumentsFollowTheStateDict) {
  func::FuncOp function = build(tinyConfig());
  ASSERT_TRUE(function);

  std::vector<std::string> expected = {
      "bert.embeddings.word_embeddings.weight",
      "bert.embeddings.position_embeddings.weight",
      "bert.embeddings.token_type_embeddings.weight",
      "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias"};
  for (const char *layer : {"bert.encoder.layer.0.", "bert.encoder.layer.1."})
    for (std::string &key : layerKeys(layer))
      expected.push_back(key);
  for (const char *key :
       {"cls.predictions.bias", "cls.predictions.transform.dense.weight",
        "cls.predictions.transform.dense.bias",
        "cls.predictions.transform.LayerNorm.weight",
        "cls.predictions.transform.LayerNorm.bias"})
    expected.push_back(key);
  size_t numParams = expected.size();
  ASSERT_EQ(numParams, 5u + 2 * 16 + 5);
  for (const char *input :
       {"input_ids", "token_type_ids", "attention_mask", "labels", "seed"})
    expected.push_back(input);
  EXPECT_EQ(argumentNames(function), expected);

  for (unsigned i = 0; i < function.getNumArguments(); ++i)
    EXPECT_EQ(function.getArgAttr(i, GcDialect::getParamAttrName()) != nullptr,
              i < numParams)
        << "argument " << i << " (" << expected[i] << ")";

  auto ids = cast<RankedTensorType>(function.getArgumentTypes()[numParams]);
  EXPECT_EQ(ids.getShape(), llvm::ArrayRef<int64_t>({2, 4}));
  EXPECT_TRUE(ids.getElementType().isSignlessInteger(64));
  auto seed = cast<RankedTensorType>(function.getArgumentTypes().back());
  EXPECT_EQ(seed.getRank(), 0);
  auto loss = cast<RankedTensorType>(function.getResultTypes()[0]);
  EXPECT_EQ(loss.getRank(), 0);
  EXPECT_TRUE(loss.getElementType().isF32());
  EXPECT_EQ(
      function.getResultAttrOfType<StringAttr>(0, GcDialect::getNameAttrName()),
      StringAttr::get(&context, "loss"));

  // The same list getBertParameters gives, shapes in PyTorch layout.
  std::vector<BertParameter> params = getBertParameters(tinyConfig());
  ASSERT_EQ(params.size(), numParams);
  for (size_t i = 0; i < numParams; ++i) {
    EXPECT_EQ(params[i].name, expected[i]);
    EXPECT_EQ(cast<RankedTensorType>(function.getArgumentTypes()[i]).getShape(),
              llvm::ArrayRef<int64_t>(params[i].shape));
  }
  EXPECT_EQ(params[5 + 10].name,
            "bert.encoder.layer.0.intermediate.dense.weight");
  EXPECT_EQ(params[5 + 10].shape, (llvm::SmallVector<int64_t, 2>{16, 8}));
}

TEST_F(BertBuildTest, MeanLossUsesBertModelKeys) {
  BertConfig config = tinyConfig();
  config.loss = BertLoss::Mean;
  config.elementType = BertElementType::F64;
  func::FuncOp function = build(config);
  ASSERT_TRUE(function);

  std::vector<std::string> expected = {
      "embeddings.word_embeddings.weight",
      "embeddings.position_embeddings.weight",
      "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
      "embeddings.LayerNorm.bias"};
  for (const char *layer : {"encoder.layer.0.", "encoder.layer.1."})
    for (std::string &key : layerKeys(layer))
      expected.push_back(key);
  for (const char *input :
       {"input_ids", "token_type_ids", "attention_mask", "seed"})
    expected.push_back(input);
  EXPECT_EQ(argumentNames(function), expected);
  EXPECT_TRUE(cast<RankedTensorType>(function.getResultTypes()[0])
                  .getElementType()
                  .isF64());
}

/// The dropout streams of a built BERT in program order: gc.dropout sites
/// and the attention dropout inside gc.attention.
std::vector<int64_t> dropoutStreams(func::FuncOp function) {
  std::vector<int64_t> streams;
  function.walk([&](Operation *op) {
    if (auto dropout = dyn_cast<DropoutOp>(op))
      streams.push_back(dropout.getStream());
    if (auto attention = dyn_cast<AttentionOp>(op))
      if (attention.getProbability().convertToDouble() > 0.0)
        streams.push_back(attention.getStream());
  });
  return streams;
}

TEST_F(BertBuildTest, TagsLayersAndNumbersStreams) {
  for (BertAttention kind : {BertAttention::Fused, BertAttention::Eager}) {
    SCOPED_TRACE(stringifyBertAttention(kind).str());
    BertConfig config = tinyConfig();
    config.attention = kind;
    func::FuncOp function = build(config);
    ASSERT_TRUE(function);

    std::map<int64_t, int> opsPerBlock, matmulsPerBlock, linearsPerBlock,
        attentionsPerBlock;
    int untaggedMatmuls = 0;
    function.walk([&](Operation *op) {
      std::optional<int64_t> block = getBlockTag(op);
      if (block) {
        ++opsPerBlock[*block];
        if (isa<AttentionOp>(op))
          ++attentionsPerBlock[*block];
        if (auto matmul = dyn_cast<MatmulOp>(op)) {
          ++matmulsPerBlock[*block];
          // A linear layer multiplies by a shared rank-2 weight.
          if (cast<RankedTensorType>(matmul.getRhs().getType()).getRank() == 2)
            ++linearsPerBlock[*block];
        }
      } else if (isa<MatmulOp>(op)) {
        ++untaggedMatmuls;
      }
    });
    ASSERT_EQ(opsPerBlock.size(), 2u);
    EXPECT_EQ(opsPerBlock[0], opsPerBlock[1]);
    bool fused = kind == BertAttention::Fused;
    for (int64_t block : {0, 1}) {
      // Six linear layers, plus the scores and the context when eager; one
      // gc.attention when fused.
      EXPECT_EQ(matmulsPerBlock[block], fused ? 6 : 8);
      EXPECT_EQ(linearsPerBlock[block], 6);
      EXPECT_EQ(attentionsPerBlock[block], fused ? 1 : 0);
    }
    // The head's transform and its decoder.
    EXPECT_EQ(untaggedMatmuls, 2);
    // Embeddings, then three sites per layer, in program order either way.
    EXPECT_EQ(dropoutStreams(function),
              (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
    function.erase();
  }
}

TEST_F(BertBuildTest, ZeroDropoutEmitsNoDropout) {
  for (BertAttention kind : {BertAttention::Fused, BertAttention::Eager}) {
    SCOPED_TRACE(stringifyBertAttention(kind).str());
    BertConfig config = tinyConfig();
    config.attention = kind;
    config.hiddenDropoutProb = 0.0;
    func::FuncOp function = build(config);
    ASSERT_TRUE(function);
    // Only the attention-probability dropouts remain, numbered densely.
    EXPECT_EQ(dropoutStreams(function), (std::vector<int64_t>{0, 1}));
    function.erase();
  }
  // Without any dropout, the fused attention takes no seed.
  BertConfig config = tinyConfig();
  config.hiddenDropoutProb = 0.0;
  config.attentionProbsDropoutProb = 0.0;
  func::FuncOp function = build(config);
  ASSERT_TRUE(function);
  function.walk(
      [](AttentionOp attention) { EXPECT_FALSE(attention.getSeed()); });
  EXPECT_TRUE(dropoutStreams(function).empty());
}

TEST_F(BertBuildTest, ReportsInvalidConfigAndSymbolClash) {
  BertConfig config = tinyConfig();
  config.numAttentionHeads = 3;
  llvm::Expected<func::FuncOp> bad = buildBertForward(*module, config);
  ASSERT_FALSE(bad);
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "hidden_size (8) is not divisible by num_attention_heads (3)");

  ASSERT_TRUE(build(tinyConfig()));
  llvm::Expected<func::FuncOp> clash =
      buildBertForward(*module, tinyConfig(), "forward");
  ASSERT_FALSE(clash);
  EXPECT_EQ(llvm::toString(clash.takeError()),
            "the module already has a symbol named 'forward'");
}
} // namespace
