//===- GcBlockTagTest.cpp - The gc.block tag ------------------------------===//

#include "gc/Dialect/GcOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::gc;

namespace {
constexpr const char *kTaggedModule = R"mlir(
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.exp %x {gc.block = 3 : i64} : tensor<4xf32>
  %1 = gc.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}
)mlir";
} // namespace

TEST(GcBlockTagTest, ReadsAndWritesTags) {
  MLIRContext context;
  context.loadDialect<GcDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kTaggedModule, &context);
  ASSERT_TRUE(module);

  SmallVector<Operation *> ops;
  module->walk([&](Operation *op) {
    if (isa<ExpOp, NegOp>(op))
      ops.push_back(op);
  });
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(getBlockTag(ops[0]), std::optional<int64_t>(3));
  EXPECT_EQ(getBlockTag(ops[1]), std::nullopt);

  setBlockTag(ops[1], 7);
  EXPECT_EQ(getBlockTag(ops[1]), std::optional<int64_t>(7));
  EXPECT_TRUE(succeeded(verify(*module)));
}

TEST(GcBlockTagTest, NegativeTagFailsVerification) {
  MLIRContext context;
  context.loadDialect<GcDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kTaggedModule, &context);
  ASSERT_TRUE(module);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  module->walk([](ExpOp op) { setBlockTag(op, -1); });
  EXPECT_TRUE(failed(verify(*module)));
  EXPECT_EQ(message, "expected 'gc.block' to be non-negative, but found -1");
}
