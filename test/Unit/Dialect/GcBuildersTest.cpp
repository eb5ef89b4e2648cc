//===- GcBuildersTest.cpp - Result-type inference of gc builders ----------===//
//
// The C++ builders infer result types from operands (the model builder and
// autodiff rely on it); when operands are inconsistent the op is still built
// and its verifier names the broken rule.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Dialect/GcShapeInference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

#include <string>

using namespace mlir;
using namespace mlir::gc;

namespace {
class GcBuildersTest : public ::testing::Test {
protected:
  GcBuildersTest() : builder(&context) {
    context.loadDialect<GcDialect, func::FuncDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
  }

  /// A function whose arguments have the given types; ops are built into it.
  ValueRange makeArguments(ArrayRef<Type> types) {
    auto function = func::FuncOp::create(builder, builder.getUnknownLoc(), "f",
                                         builder.getFunctionType(types, {}));
    Block *body = function.addEntryBlock();
    builder.setInsertionPointToStart(body);
    return body->getArguments();
  }

  RankedTensorType tensor(ArrayRef<int64_t> shape, Type element = {}) {
    return RankedTensorType::get(shape,
                                 element ? element : builder.getF32Type());
  }

  /// Verifies `op` and returns the first diagnostic, or "" when it verifies.
  std::string verifyMessage(Operation *op) {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    if (succeeded(verify(op)))
      return "";
    return message;
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
};
} // namespace

TEST_F(GcBuildersTest, MatmulWithSharedWeightInfersBatchedResult) {
  ValueRange args =
      makeArguments({tensor({64, 512, 1024}), tensor({4096, 1024})});
  auto op = MatmulOp::create(builder, builder.getUnknownLoc(), args[0], args[1],
                             /*transposeLhs=*/false, /*transposeRhs=*/true);
  EXPECT_EQ(op.getType(), tensor({64, 512, 4096}));
  EXPECT_EQ(verifyMessage(op), "");
}

TEST_F(GcBuildersTest, MatmulWithTransposedLhsContractsRows) {
  ValueRange args = makeArguments({tensor({32, 8}), tensor({32, 16})});
  auto op = MatmulOp::create(builder, builder.getUnknownLoc(), args[0], args[1],
                             /*transposeLhs=*/true);
  EXPECT_EQ(op.getType(), tensor({8, 16}));
}

TEST_F(GcBuildersTest, MatmulWithMismatchedOperandsIsRejectedByVerifier) {
  ValueRange args = makeArguments({tensor({4, 8}), tensor({6, 16})});
  auto op =
      MatmulOp::create(builder, builder.getUnknownLoc(), args[0], args[1]);
  EXPECT_EQ(verifyMessage(op),
            "'gc.matmul' op expected the contracted dimensions to agree, but "
            "lhs contracts 8 (dimension 1) and rhs contracts 6 (dimension 0)");
}

TEST_F(GcBuildersTest, ReduceKeepsOrDropsDimensions) {
  ValueRange args = makeArguments({tensor({2, 3, 5})});
  auto dropped = ReduceSumOp::create(builder, builder.getUnknownLoc(), args[0],
                                     ArrayRef<int64_t>{0, 2});
  auto kept = ReduceMaxOp::create(builder, builder.getUnknownLoc(), args[0],
                                  ArrayRef<int64_t>{1}, /*keepDims=*/true);
  EXPECT_EQ(dropped.getType(), tensor({3}));
  EXPECT_EQ(kept.getType(), tensor({2, 1, 5}));
}

TEST_F(GcBuildersTest, LayerNormStatisticsUseAccumulationType) {
  Type bf16 = builder.getBF16Type();
  ValueRange args = makeArguments(
      {tensor({4, 16, 64}, bf16), tensor({64}, bf16), tensor({64}, bf16)});
  auto op = LayerNormOp::create(builder, builder.getUnknownLoc(), args[0],
                                args[1], args[2], 1e-12);
  EXPECT_EQ(op.getResult().getType(), tensor({4, 16, 64}, bf16));
  EXPECT_EQ(op.getMean().getType(), tensor({4, 16}));
  EXPECT_EQ(op.getRstd().getType(), tensor({4, 16}));
  EXPECT_EQ(verifyMessage(op), "");
}

TEST_F(GcBuildersTest, EmbeddingAndItsGradientRoundTripTableShape) {
  Type i32 = builder.getI32Type();
  ValueRange args = makeArguments({tensor({100, 32}), tensor({4, 16}, i32)});
  auto lookup =
      EmbeddingOp::create(builder, builder.getUnknownLoc(), args[0], args[1]);
  EXPECT_EQ(lookup.getType(), tensor({4, 16, 32}));
  auto grad = EmbeddingGradOp::create(builder, builder.getUnknownLoc(), lookup,
                                      args[1], /*numEmbeddings=*/100);
  EXPECT_EQ(grad.getType(), tensor({100, 32}));
  EXPECT_EQ(verifyMessage(grad), "");
}

TEST_F(GcBuildersTest, ConcatSumsTheJoinedDimension) {
  ValueRange args = makeArguments({tensor({2, 3}), tensor({2, 5})});
  auto op = ConcatOp::create(builder, builder.getUnknownLoc(), args, 1);
  EXPECT_EQ(op.getType(), tensor({2, 8}));
}

TEST_F(GcBuildersTest, TransposeAppliesPermutation) {
  ValueRange args = makeArguments({tensor({2, 3, 5, 7})});
  auto op = TransposeOp::create(builder, builder.getUnknownLoc(), args[0],
                                ArrayRef<int64_t>{0, 2, 1, 3});
  EXPECT_EQ(op.getType(), tensor({2, 5, 3, 7}));
}

TEST_F(GcBuildersTest, CrossEntropyIsAScalarOfTheLogitsType) {
  ValueRange args =
      makeArguments({tensor({8, 10}), tensor({8}, builder.getI64Type())});
  auto op = CrossEntropyOp::create(builder, builder.getUnknownLoc(), args[0],
                                   args[1]);
  EXPECT_EQ(op.getType(), tensor({}));
  EXPECT_EQ(op.getIgnoreIndex(), -100);
}

TEST(GcShapeInferenceTest, FormatsShapesForDiagnostics) {
  EXPECT_EQ(formatShape({64, 512, 1024}), "[64, 512, 1024]");
  EXPECT_EQ(formatShape({}), "[]");
}

TEST(GcShapeInferenceTest, AccumulationTypeWidensHalfPrecision) {
  MLIRContext context;
  Builder b(&context);
  EXPECT_EQ(getAccumulationType(b.getF16Type()), b.getF32Type());
  EXPECT_EQ(getAccumulationType(b.getBF16Type()), b.getF32Type());
  EXPECT_EQ(getAccumulationType(b.getF32Type()), b.getF32Type());
  EXPECT_EQ(getAccumulationType(b.getF64Type()), b.getF64Type());
}
