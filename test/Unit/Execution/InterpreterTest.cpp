//===- InterpreterTest.cpp - The CPU executor -----------------------------===//
//
// Execution results, the peak of live bytes (buffers are released after
// their last use), and the rules for generated inputs.
//
//===----------------------------------------------------------------------===//

#include "gc/Execution/Interpreter.h"
#include "gc/Execution/Inputs.h"

#include "gc/Dialect/GcDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::exec;

namespace {
class InterpreterTest : public ::testing::Test {
protected:
  InterpreterTest() { context.loadDialect<GcDialect, func::FuncDialect>(); }

  func::FuncOp parse(const char *source) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    return *module->getOps<func::FuncOp>().begin();
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

HostTensor filled(ElementKind kind, ArrayRef<int64_t> shape,
                  ArrayRef<double> values, MemoryTracker &tracker) {
  HostTensor tensor = HostTensor::allocate(kind, shape, &tracker);
  for (auto [i, v] : llvm::enumerate(values))
    tensor.setFromDouble(i, v);
  return tensor;
}
} // namespace

TEST_F(InterpreterTest, ComputesAChainOfOps) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<2x2xf32>, %w: tensor<3x2xf32>) -> tensor<2x3xf32> {
      %y = gc.matmul %x, %w transpose_rhs : (tensor<2x2xf32>, tensor<3x2xf32>) -> tensor<2x3xf32>
      %z = gc.scale %y by 2.0 : tensor<2x3xf32>
      return %z : tensor<2x3xf32>
    })mlir");
  MemoryTracker tracker;
  std::vector<HostTensor> inputs = {
      filled(ElementKind::F32, {2, 2}, {1, 2, 3, 4}, tracker),
      filled(ElementKind::F32, {3, 2}, {1, 0, 0, 1, 1, 1}, tracker)};
  FailureOr<std::vector<HostTensor>> results = execute(f, inputs, tracker);
  ASSERT_TRUE(succeeded(results));
  const HostTensor &z = results->front();
  EXPECT_EQ(z.shape, (std::vector<int64_t>{2, 3}));
  double expected[] = {2, 4, 6, 6, 8, 14};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(z.getAsDouble(i), expected[i]) << "element " << i;
}

TEST_F(InterpreterTest, ReleasesValuesAfterTheirLastUse) {
  // Four 4 KiB temporaries, each read by the next two ops: a and b are live
  // together with the input; c writes into a, which dies at c, and d into
  // c; every value is released after its last use, so the peak is three
  // buffers.
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<1024xf32>) -> tensor<f32> {
      %a = gc.exp %x : tensor<1024xf32>
      %b = gc.add %a, %x : tensor<1024xf32>
      %c = gc.add %b, %a : tensor<1024xf32>
      %d = gc.add %c, %b : tensor<1024xf32>
      %s = gc.reduce_sum %d dims = [0] : tensor<1024xf32> -> tensor<f32>
      return %s : tensor<f32>
    })mlir");
  MemoryTracker tracker;
  std::vector<HostTensor> inputs = {
      HostTensor::allocate(ElementKind::F32, {1024}, &tracker)};
  tracker.resetPeak();
  ASSERT_TRUE(succeeded(execute(f, inputs, tracker)));
  EXPECT_EQ(tracker.getPeakBytes(), 3 * 4096);
}

TEST_F(InterpreterTest, ElementwiseOpsWriteIntoDyingOperands) {
  // Four 4 KiB temporaries in a chain: each dies at its single use, and
  // each exp writes its result into that buffer, as gc-plan-memory plans it
  // and gc-remat counts it: one buffer for the chain, besides the input,
  // then the 4-byte sum.
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<1024xf32>) -> tensor<f32> {
      %a = gc.exp %x : tensor<1024xf32>
      %b = gc.exp %a : tensor<1024xf32>
      %c = gc.exp %b : tensor<1024xf32>
      %d = gc.exp %c : tensor<1024xf32>
      %s = gc.reduce_sum %d dims = [0] : tensor<1024xf32> -> tensor<f32>
      return %s : tensor<f32>
    })mlir");
  MemoryTracker tracker;
  std::vector<HostTensor> inputs = {
      HostTensor::allocate(ElementKind::F32, {1024}, &tracker)};
  for (int64_t i = 0; i < 1024; ++i)
    inputs[0].setFromDouble(i, 0.001 * static_cast<double>(i % 7));
  tracker.resetPeak();
  FailureOr<std::vector<HostTensor>> results = execute(f, inputs, tracker);
  ASSERT_TRUE(succeeded(results));
  EXPECT_EQ(tracker.getPeakBytes(), 2 * 4096 + 4);
  // In place computes what a fresh buffer would.
  double expected = 0;
  for (int64_t i = 0; i < 1024; ++i) {
    float v = static_cast<float>(0.001 * static_cast<double>(i % 7));
    for (int k = 0; k < 4; ++k)
      v = std::exp(v);
    expected += v;
  }
  EXPECT_NEAR(results->front().getAsDouble(0), expected, 1e-3 * expected);
}

TEST_F(InterpreterTest, ReshapeSharesItsOperandsBuffer) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<2x3xf64>) -> tensor<6xf64> {
      %r = gc.reshape %x : tensor<2x3xf64> -> tensor<6xf64>
      return %r : tensor<6xf64>
    })mlir");
  MemoryTracker tracker;
  std::vector<HostTensor> inputs = {
      filled(ElementKind::F64, {2, 3}, {1, 2, 3, 4, 5, 6}, tracker)};
  FailureOr<std::vector<HostTensor>> results = execute(f, inputs, tracker);
  ASSERT_TRUE(succeeded(results));
  EXPECT_EQ(results->front().buffer, inputs.front().buffer);
  EXPECT_EQ(results->front().shape, (std::vector<int64_t>{6}));
}

TEST_F(InterpreterTest, RejectsInputsOfTheWrongType) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
      return %x : tensor<2xf32>
    })mlir");
  MemoryTracker tracker;
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  std::vector<HostTensor> inputs = {
      HostTensor::allocate(ElementKind::F64, {2}, &tracker)};
  EXPECT_TRUE(failed(execute(f, inputs, tracker)));
  EXPECT_EQ(message, "argument #0 has type 'tensor<2xf32>', but the input is "
                     "tensor<2xf64>");
}

TEST_F(InterpreterTest, GeneratesInputsFromContracts) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%g: tensor<8xf32> {gc.name = "g", gc.param, gc.role = #gc.role<parameter>, gc.init = #gc.init<ones>},
                 %b: tensor<8xf32> {gc.name = "b", gc.param, gc.role = #gc.role<parameter>, gc.init = #gc.init<zeros>},
                 %w: tensor<50x8xf32> {gc.name = "w", gc.param, gc.role = #gc.role<parameter>, gc.init = #gc.init<normal, std = 2.000000e-02>},
                 %ids: tensor<64xi64> {gc.name = "ids", gc.role = #gc.role<batch>, gc.init = #gc.init<index, bound = 50>},
                 %mask: tensor<64xi64> {gc.name = "mask", gc.role = #gc.role<batch>, gc.init = #gc.init<ones, binary>},
                 %m: tensor<8xf32> {gc.name = "m", gc.role = #gc.role<optimizer_state, of = 1, moment = "exp_avg">, gc.init = #gc.init<zeros>},
                 %step: tensor<i64> {gc.name = "t", gc.role = #gc.role<step_counter>, gc.init = #gc.init<ones>},
                 %seed: tensor<i64> {gc.name = "s", gc.role = #gc.role<seed>, gc.init = #gc.init<seed>}) -> tensor<64x8xf32> {
      %e = gc.embedding %w, %ids : (tensor<50x8xf32>, tensor<64xi64>) -> tensor<64x8xf32>
      return %e : tensor<64x8xf32>
    })mlir");
  EXPECT_EQ(getArgumentRole(f, 5), ArgumentRole::OptimizerState);
  EXPECT_EQ(getArgumentRole(f, 6), ArgumentRole::StepCounter);
  EXPECT_EQ(getArgumentRole(f, 7), ArgumentRole::Seed);
  EXPECT_TRUE(isCheckpointed(f, 6));
  EXPECT_FALSE(isCheckpointed(f, 4));
  EXPECT_EQ(getInitRule(f, 4).values, ValueDomain::ZeroOne);
  MemoryTracker tracker;
  auto gen = [&](unsigned i) { return *generateInput(f, i, 42, &tracker); };
  HostTensor gamma = gen(0), bias = gen(1), weight = gen(2), ids = gen(3),
             mask = gen(4), moment = gen(5), step = gen(6), seed = gen(7);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(gamma.getAsDouble(i), 1.0);
    EXPECT_EQ(bias.getAsDouble(i), 0.0);
    EXPECT_EQ(moment.getAsDouble(i), 0.0);
  }
  double sumSquares = 0;
  for (int64_t i = 0; i < weight.getNumElements(); ++i)
    sumSquares += weight.getAsDouble(i) * weight.getAsDouble(i);
  double stddev = std::sqrt(sumSquares / weight.getNumElements());
  EXPECT_NEAR(stddev, 0.02, 0.003);
  bool sawLarge = false;
  for (int64_t i = 0; i < 64; ++i) {
    EXPECT_GE(ids.getAsDouble(i), 0);
    EXPECT_LT(ids.getAsDouble(i), 50);
    sawLarge |= ids.getAsDouble(i) >= 25;
    EXPECT_EQ(mask.getAsDouble(i), 1.0);
  }
  EXPECT_TRUE(sawLarge);
  EXPECT_EQ(step.getAsDouble(0), 1.0);
  EXPECT_EQ(seed.getAsDouble(0), 42.0);

  // The same seed gives the same values; another seed, other values.
  HostTensor again = *generateInput(f, 2, 42, &tracker);
  HostTensor other = *generateInput(f, 2, 43, &tracker);
  EXPECT_EQ(0,
            std::memcmp(again.bytes(), weight.bytes(), weight.getByteSize()));
  EXPECT_NE(0,
            std::memcmp(other.bytes(), weight.bytes(), weight.getByteSize()));
}

// Without contracts, defaults follow types and uses, never names: a
// parameter named like a LayerNorm weight is drawn like any other weight,
// and an i64 scalar is the seed only when a dropout reads it.
TEST_F(InterpreterTest, DefaultsIgnoreNames) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%g: tensor<64xf32> {gc.name = "enc.LayerNorm.weight", gc.param},
                 %ids: tensor<16xi64> {gc.name = "ids"},
                 %w: tensor<50x4xf32> {gc.param},
                 %seed: tensor<i64> {gc.name = "seed"},
                 %s: tensor<i64> {gc.name = "s"}) -> (tensor<16x4xf32>, tensor<64xf32>) {
      %e = gc.embedding %w, %ids : (tensor<50x4xf32>, tensor<16xi64>) -> tensor<16x4xf32>
      %d = gc.dropout %g, %s probability = 1.000000e-01 stream = 0 : tensor<64xf32>
      return %e, %d : tensor<16x4xf32>, tensor<64xf32>
    })mlir");
  EXPECT_EQ(getInitRule(f, 0).kind, InitKind::Normal);
  EXPECT_EQ(getInitRule(f, 0).scale, 0.02);
  EXPECT_EQ(getInitRule(f, 1).kind, InitKind::Index);
  EXPECT_EQ(getInitRule(f, 1).bound, 50);
  EXPECT_EQ(getArgumentRole(f, 3), ArgumentRole::Batch);
  EXPECT_EQ(getArgumentRole(f, 4), ArgumentRole::Seed);
  EXPECT_EQ(getInitRule(f, 4).kind, InitKind::Seed);
}
