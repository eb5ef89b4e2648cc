//===- OpCostTest.cpp - The cost model on parsed gc functions -------------===//
//
// The IR adapter: matmul dimensions under the transpose flags, element sizes
// and data classes from the IR types, every gc op mapped to a kind, and ops
// of other dialects costing nothing.
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/OpCost.h"

#include "gc/Dialect/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::gc;
namespace cost = ::gc::cost;

namespace {
class OpCostTest : public ::testing::Test {
protected:
  OpCostTest() { context.loadDialect<GcDialect, func::FuncDialect>(); }

  /// The ops of the body of the first function of `source`.
  std::vector<Operation *> parseOps(const char *source) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    std::vector<Operation *> ops;
    if (!module)
      return ops;
    func::FuncOp f = *module->getOps<func::FuncOp>().begin();
    for (Operation &op : f.getBody().front())
      ops.push_back(&op);
    return ops;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  cost::DeviceProfile h100 = *cost::loadDeviceProfile("h100");
};
} // namespace

TEST_F(OpCostTest, LinearLayerMatmul) {
  std::vector<Operation *> ops = parseOps(R"mlir(
    func.func @f(%x: tensor<64x512x1024xf32>, %w: tensor<1024x1024xf32>)
        -> tensor<64x512x1024xf32> {
      %y = gc.matmul %x, %w transpose_rhs
          : (tensor<64x512x1024xf32>, tensor<1024x1024xf32>) -> tensor<64x512x1024xf32>
      return %y : tensor<64x512x1024xf32>
    })mlir");
  ASSERT_EQ(ops.size(), 2u);
  std::optional<cost::OpDesc> desc = describeOp(ops[0]);
  ASSERT_TRUE(desc);
  EXPECT_EQ(desc->kind, cost::OpKind::Matmul);
  EXPECT_EQ(desc->dataClass, cost::DataClass::F32);
  EXPECT_EQ(desc->matmul.batch, 64);
  EXPECT_EQ(desc->matmul.m, 512);
  EXPECT_EQ(desc->matmul.n, 1024);
  EXPECT_EQ(desc->matmul.k, 1024);

  cost::OpCost c = estimateOpCost(ops[0], h100);
  EXPECT_EQ(c.work.flops, 2LL * 64 * 512 * 1024 * 1024);
  EXPECT_EQ(c.work.bytesRead, (64LL * 512 * 1024 + 1024 * 1024) * 4);
  EXPECT_EQ(c.work.bytesWritten, 64LL * 512 * 1024 * 4);
  // Exact f32 on the FP32 SIMT units.
  EXPECT_DOUBLE_EQ(c.achievedFlops, 67e12 * 0.70);
  EXPECT_TRUE(c.isComputeBound());
  EXPECT_DOUBLE_EQ(c.seconds,
                   68719476736.0 / (67e12 * 0.70) + h100.launchOverheadSeconds);

  // func.return is not a gc op: no description, no cost.
  EXPECT_FALSE(describeOp(ops[1]));
  cost::OpCost ret = estimateOpCost(ops[1], h100);
  EXPECT_EQ(ret.seconds, 0.0);
  EXPECT_EQ(ret.work.bytesMoved(), 0);
}

TEST_F(OpCostTest, FusedAttentionCountsItsGemmsAndNoScores) {
  // BERT-large's attention: 64 x 16 heads, 512 x 512 scores, head dim 64.
  std::vector<Operation *> ops = parseOps(R"mlir(
    func.func @f(%q: tensor<64x16x512x64xf32>, %m: tensor<64x1x1x512xf32>,
                 %seed: tensor<i64>) {
      %o, %lse = gc.attention %q, %q, %q mask %m seed %seed scale = 0.125 probability = 0.1 stream = 1
          : (tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>, tensor<64x1x1x512xf32>, tensor<i64>)
          -> (tensor<64x16x512x64xf32>, tensor<64x16x512xf32>)
      %dq, %dk, %dv = gc.attention_grad %o, %q, %q, %q, %o, %lse mask %m seed %seed scale = 0.125 probability = 0.1 stream = 1
          : (tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>, tensor<64x16x512xf32>, tensor<64x1x1x512xf32>, tensor<i64>)
          -> (tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>)
      return
    })mlir");
  ASSERT_EQ(ops.size(), 3u);
  const int64_t scores = 64LL * 16 * 512 * 512, rows = 64LL * 16 * 512;
  cost::OpCost forward = estimateOpCost(ops[0], h100);
  // QK^T and PV (2 * 64 + 2 * 64 per score) plus the softmax's work.
  EXPECT_EQ(forward.work.flops,
            scores * (4 * 64 + cost::kTranscendentalFlops + 5));
  EXPECT_GT(forward.work.intOps, scores); // the dropout's Philox draws
  // Memory: the operands and results, never the scores.
  EXPECT_EQ(forward.work.bytesWritten, (rows * 64 + rows) * 4);
  EXPECT_LT(forward.work.bytesMoved(), scores * 4);
  cost::OpCost backward = estimateOpCost(ops[1], h100);
  // The recomputed QK^T and four more GEMMs.
  EXPECT_EQ(backward.work.flops,
            scores * (10 * 64 + cost::kTranscendentalFlops + 5));
  EXPECT_EQ(backward.work.bytesWritten, 3 * rows * 64 * 4);
  // On a GPU the SIMT kernels recompute each score: three dot products per
  // score in the forward (6D + 2Dv + 2T + 5 against 2D + 2Dv + T + 5), the
  // score and dO . v twice in the backward.
  const double t = cost::kTranscendentalFlops;
  EXPECT_DOUBLE_EQ(forward.achievedFlops,
                   67e12 * h100.simtEfficiency /
                       ((6 * 64 + 2 * 64 + 2 * t + 5) / (4 * 64 + t + 5)));
  EXPECT_DOUBLE_EQ(backward.achievedFlops,
                   67e12 * h100.simtEfficiency /
                       ((14 * 64 + 2 * t + 5) / (10 * 64 + t + 5)));
  EXPECT_TRUE(forward.isComputeBound());
  // The CPU kernels run their GEMMs on BLAS: the matmul rate.
  cost::DeviceProfile cpu = *cost::loadDeviceProfile("cpu");
  EXPECT_DOUBLE_EQ(estimateOpCost(ops[0], cpu).achievedFlops,
                   cpu.peakFp32SimtFlops * cpu.simtMatmulEfficiency);
}

TEST_F(OpCostTest, MatmulTransposeFlags) {
  std::vector<Operation *> ops = parseOps(R"mlir(
    func.func @f(%q: tensor<2x4x8x16xbf16>, %k: tensor<2x4x8x16xbf16>,
                 %a: tensor<3x16x8xf64>, %b: tensor<3x16x4xf64>)
        -> (tensor<2x4x8x8xbf16>, tensor<3x8x4xf64>) {
      %s = gc.matmul %q, %k transpose_rhs
          : (tensor<2x4x8x16xbf16>, tensor<2x4x8x16xbf16>) -> tensor<2x4x8x8xbf16>
      %t = gc.matmul %a, %b transpose_lhs
          : (tensor<3x16x8xf64>, tensor<3x16x4xf64>) -> tensor<3x8x4xf64>
      return %s, %t : tensor<2x4x8x8xbf16>, tensor<3x8x4xf64>
    })mlir");
  ASSERT_EQ(ops.size(), 3u);
  std::optional<cost::OpDesc> scores = describeOp(ops[0]);
  ASSERT_TRUE(scores);
  EXPECT_EQ(scores->dataClass, cost::DataClass::F16);
  EXPECT_EQ(scores->operands[0].elementBytes, 2);
  EXPECT_EQ(cost::countWork(*scores).flops, 2 * 8 * 8 * 8 * 16);
  EXPECT_EQ(cost::countWork(*scores).bytesMoved(), (2 * 1024 + 512) * 2);

  std::optional<cost::OpDesc> t = describeOp(ops[1]);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->dataClass, cost::DataClass::F64);
  EXPECT_EQ(t->matmul.batch, 3);
  EXPECT_EQ(t->matmul.m, 8);
  EXPECT_EQ(t->matmul.n, 4);
  EXPECT_EQ(t->matmul.k, 16);
  EXPECT_DOUBLE_EQ(estimateOpCost(ops[1], h100).achievedFlops, 67e12 * 0.70);
}

TEST_F(OpCostTest, ShapesAndElementSizesFromTheIR) {
  std::vector<Operation *> ops = parseOps(R"mlir(
    func.func @f(%a: tensor<8x1024xf32>, %b: tensor<8x1024xf32>,
                 %s: tensor<64x16x512x512xf32>, %i: tensor<3x5xi32>)
        -> (tensor<8x1024xf32>, tensor<64x16x512x512xf32>, tensor<8192xf32>,
            tensor<3x5xf64>) {
      %0 = gc.add %a, %b : tensor<8x1024xf32>
      %1 = gc.softmax %s dim = 3 : tensor<64x16x512x512xf32>
      %2 = gc.reshape %0 : tensor<8x1024xf32> -> tensor<8192xf32>
      %3 = gc.cast %i : tensor<3x5xi32> -> tensor<3x5xf64>
      return %0, %1, %2, %3
          : tensor<8x1024xf32>, tensor<64x16x512x512xf32>, tensor<8192xf32>,
            tensor<3x5xf64>
    })mlir");
  ASSERT_EQ(ops.size(), 5u);
  EXPECT_EQ(estimateOpCost(ops[0], h100).work.bytesMoved(), 98304);
  EXPECT_EQ(estimateOpCost(ops[1], h100).work.bytesMoved(), 2147483648LL);
  cost::OpCost view = estimateOpCost(ops[2], h100);
  EXPECT_EQ(view.work.bytesMoved(), 0);
  EXPECT_EQ(view.seconds, 0.0);

  // A cast from integers computes in the class of its float result.
  std::optional<cost::OpDesc> cast = describeOp(ops[3]);
  ASSERT_TRUE(cast);
  EXPECT_EQ(cast->dataClass, cost::DataClass::F64);
  EXPECT_EQ(cost::countWork(*cast).bytesMoved(), 15 * 4 + 15 * 8);
}

TEST_F(OpCostTest, EveryGcOpHasAKind) {
  std::vector<Operation *> ops = parseOps(R"mlir(
    func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %v: tensor<3xf32>,
                 %seed: tensor<i64>, %table: tensor<10x3xf32>,
                 %ids: tensor<2xi32>, %labels: tensor<2xi64>,
                 %g: tensor<3xf32>, %step: tensor<i64>, %q: tensor<1x2x3x4xf32>) {
      %add = gc.add %a, %b : tensor<2x3xf32>
      %sub = gc.sub %a, %b : tensor<2x3xf32>
      %mul = gc.mul %a, %b : tensor<2x3xf32>
      %div = gc.div %a, %b : tensor<2x3xf32>
      %neg = gc.neg %a : tensor<2x3xf32>
      %exp = gc.exp %a : tensor<2x3xf32>
      %log = gc.log %a : tensor<2x3xf32>
      %tanh = gc.tanh %a : tensor<2x3xf32>
      %erf = gc.erf %a : tensor<2x3xf32>
      %sqrt = gc.sqrt %a : tensor<2x3xf32>
      %rsqrt = gc.rsqrt %a : tensor<2x3xf32>
      %relu = gc.relu %a : tensor<2x3xf32>
      %gelu = gc.gelu %a approximate(tanh) : tensor<2x3xf32>
      %gelu_grad = gc.gelu_grad %b, %a : tensor<2x3xf32>
      %relu_grad = gc.relu_grad %b, %a : tensor<2x3xf32>
      %scale = gc.scale %a by 0.5 : tensor<2x3xf32>
      %cast = gc.cast %a : tensor<2x3xf32> -> tensor<2x3xbf16>
      %dropout = gc.dropout %a, %seed probability = 0.1 stream = 1 : tensor<2x3xf32>
      %dropout_grad = gc.dropout_grad %b, %seed probability = 0.1 stream = 1 : tensor<2x3xf32>
      %constant = gc.constant dense<0.0> : tensor<2x3xf32>
      %broadcast = gc.broadcast %v dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
      %reshape = gc.reshape %a : tensor<2x3xf32> -> tensor<6xf32>
      %transpose = gc.transpose %a perm = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
      %slice = gc.slice %a offsets = [0, 1] : tensor<2x3xf32> -> tensor<2x2xf32>
      %concat = gc.concat %a, %b dim = 0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
      %matmul = gc.matmul %a, %b transpose_rhs : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
      %sum = gc.reduce_sum %a dims = [1] : tensor<2x3xf32> -> tensor<2xf32>
      %mean = gc.reduce_mean %a dims = [1] : tensor<2x3xf32> -> tensor<2xf32>
      %max = gc.reduce_max %a dims = [1] : tensor<2x3xf32> -> tensor<2xf32>
      %y, %mu, %rstd = gc.layer_norm %a, %g, %v epsilon = 1.0e-12
          : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
          -> (tensor<2x3xf32>, tensor<2xf32>, tensor<2xf32>)
      %dx, %dg, %db = gc.layer_norm_grad %b, %a, %mu, %rstd, %g
          : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xf32>)
          -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
      %o, %lse = gc.attention %q, %q, %q scale = 0.5 probability = 0.0 stream = 0
          : (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>)
          -> (tensor<1x2x3x4xf32>, tensor<1x2x3xf32>)
      %dq, %dk, %dv = gc.attention_grad %o, %q, %q, %q, %o, %lse scale = 0.5 probability = 0.0 stream = 0
          : (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3xf32>)
          -> (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>)
      %softmax = gc.softmax %a dim = 1 : tensor<2x3xf32>
      %softmax_grad = gc.softmax_grad %b, %softmax dim = 1 : tensor<2x3xf32>
      %embedding = gc.embedding %table, %ids : (tensor<10x3xf32>, tensor<2xi32>) -> tensor<2x3xf32>
      %embedding_grad = gc.embedding_grad %a, %ids : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<10x3xf32>
      %loss = gc.cross_entropy %a, %labels ignore_index = -100
          : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<f32>
      %dlogits = gc.cross_entropy_grad %loss, %a, %labels ignore_index = -100
          : (tensor<f32>, tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
      %sgd = gc.sgd_update %a, %b lr = 0.01 : tensor<2x3xf32>
      %w, %m, %s = gc.adamw_update %a, %b, %a, %b, %step lr = 1.0e-4 : tensor<2x3xf32>
      %found = gc.any_nonfinite %a : tensor<2x3xf32> -> tensor<f32>
      %ls:3 = gc.update_loss_scale %found, %step, %step, %found
      %reduced:2 = gc.all_reduce mean %a, %b : tensor<2x3xf32>, tensor<2x3xf32>
      return
    })mlir");
  using K = cost::OpKind;
  const K expected[] = {
      K::ElementwiseArithmetic,
      K::ElementwiseArithmetic,
      K::ElementwiseArithmetic,
      K::ElementwiseDivSqrt,
      K::ElementwiseArithmetic,
      K::ElementwiseTranscendental,
      K::ElementwiseTranscendental,
      K::ElementwiseTranscendental,
      K::ElementwiseTranscendental,
      K::ElementwiseDivSqrt,
      K::ElementwiseDivSqrt,
      K::ElementwiseArithmetic,
      K::Gelu,
      K::GeluGrad,
      K::ElementwiseArithmetic,
      K::ElementwiseArithmetic,
      K::Cast,
      K::Dropout,
      K::DropoutGrad,
      K::Constant,
      K::Broadcast,
      K::Reshape,
      K::Transpose,
      K::Slice,
      K::Concat,
      K::Matmul,
      K::Reduction,
      K::Reduction,
      K::Reduction,
      K::LayerNorm,
      K::LayerNormGrad,
      K::Attention,
      K::AttentionGrad,
      K::Softmax,
      K::SoftmaxGrad,
      K::Embedding,
      K::EmbeddingGrad,
      K::CrossEntropy,
      K::CrossEntropyGrad,
      K::SgdUpdate,
      K::AdamWUpdate,
      K::Reduction,
      K::ElementwiseArithmetic,
      K::AllReduce,
  };
  // The 44 ops of the dialect, and the return.
  ASSERT_EQ(ops.size(), std::size(expected) + 1);
  EXPECT_EQ(context.getOrLoadDialect<GcDialect>()->getNamespace(), "gc");
  size_t registered = 0;
  for (RegisteredOperationName name : context.getRegisteredOperations())
    if (name.getDialectNamespace() == "gc")
      ++registered;
  EXPECT_EQ(registered, std::size(expected));

  for (size_t i = 0; i < std::size(expected); ++i) {
    std::optional<cost::OpDesc> desc = describeOp(ops[i]);
    ASSERT_TRUE(desc) << ops[i]->getName().getStringRef().str();
    EXPECT_EQ(desc->kind, expected[i])
        << ops[i]->getName().getStringRef().str();
    EXPECT_EQ(desc->operands.size(), ops[i]->getNumOperands());
    EXPECT_EQ(desc->results.size(), ops[i]->getNumResults());
    // Everything but views and constants launches work.
    bool free = expected[i] == K::Reshape || expected[i] == K::Constant;
    EXPECT_EQ(estimateOpCost(ops[i], h100).seconds > 0, !free)
        << ops[i]->getName().getStringRef().str();
  }
}
