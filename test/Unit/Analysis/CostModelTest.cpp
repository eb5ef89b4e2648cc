//===- CostModelTest.cpp - Work counts and the roofline -------------------===//
//
// FLOPs, bytes and times of the IR-free cost model against values computed
// by hand from the counting rules of docs/cost-model.md.
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/CostModel.h"

#include <gtest/gtest.h>

using namespace gc::cost;

namespace {

TensorDesc f32(std::vector<int64_t> shape) { return {std::move(shape), 4}; }
TensorDesc i32(std::vector<int64_t> shape) { return {std::move(shape), 4}; }

OpDesc makeOp(OpKind kind, std::vector<TensorDesc> operands,
              std::vector<TensorDesc> results,
              DataClass dataClass = DataClass::F32) {
  OpDesc op;
  op.kind = kind;
  op.dataClass = dataClass;
  op.operands = std::move(operands);
  op.results = std::move(results);
  return op;
}

OpDesc makeMatmul(TensorDesc lhs, TensorDesc rhs, TensorDesc result,
                  MatmulDims dims, DataClass dataClass = DataClass::F32) {
  OpDesc op = makeOp(OpKind::Matmul, {std::move(lhs), std::move(rhs)},
                     {std::move(result)}, dataClass);
  op.matmul = dims;
  return op;
}

/// Round numbers, so that times can be checked by hand.
DeviceProfile roundProfile() {
  DeviceProfile device;
  device.name = "round";
  device.peakFp16TensorFlops = 8e12;
  device.peakTf32TensorFlops = 4e12;
  device.peakFp64TensorFlops = 2e12;
  device.peakFp32SimtFlops = 1e12;
  device.peakFp64SimtFlops = 5e11;
  device.peakInt32SimtOps = 2.5e11;
  device.memoryBandwidth = 1e11;
  device.launchOverheadSeconds = 1e-6;
  device.memoryBytes = 1 << 30;
  device.tensorCoreEfficiency = 0.5;
  device.simtMatmulEfficiency = 0.8;
  device.simtEfficiency = 0.5;
  device.memoryEfficiency = 1.0;
  return device;
}

TEST(CostModelWork, MatmulFlopsAndBytes) {
  OpWork work = countWork(makeMatmul(f32({512, 1024}), f32({1024, 256}),
                                     f32({512, 256}), {1, 512, 256, 1024}));
  EXPECT_EQ(work.flops, 2LL * 512 * 256 * 1024);
  EXPECT_EQ(work.bytesRead, (512 * 1024 + 1024 * 256) * 4);
  EXPECT_EQ(work.bytesWritten, 512 * 256 * 4);
  EXPECT_EQ(work.kernels, 1);
  EXPECT_EQ(work.intOps, 0);
}

TEST(CostModelWork, BatchedMatmul) {
  // Attention scores: 16 independent 128x64 by 64x128 products.
  OpWork work = countWork(makeMatmul(f32({16, 128, 64}), f32({16, 64, 128}),
                                     f32({16, 128, 128}), {16, 128, 128, 64}));
  EXPECT_EQ(work.flops, 33554432); // 2 * 16 * 128 * 128 * 64
  EXPECT_EQ(work.bytesRead, 2 * 16 * 128 * 64 * 4);
  EXPECT_EQ(work.bytesWritten, 16 * 128 * 128 * 4);
}

TEST(CostModelWork, SharedRhsMatmulReadsTheWeightOnce) {
  // A linear layer: 8 batches share one 64x32 weight.
  OpWork work = countWork(makeMatmul(f32({8, 128, 64}), f32({64, 32}),
                                     f32({8, 128, 32}), {8, 128, 32, 64}));
  EXPECT_EQ(work.flops, 4194304); // 2 * 8 * 128 * 32 * 64
  EXPECT_EQ(work.bytesRead, 262144 + 8192);
  EXPECT_EQ(work.bytesWritten, 131072);
}

TEST(CostModelWork, ElementwiseAdd) {
  OpWork work =
      countWork(makeOp(OpKind::ElementwiseArithmetic,
                       {f32({8, 1024}), f32({8, 1024})}, {f32({8, 1024})}));
  EXPECT_EQ(work.flops, 8192);
  EXPECT_EQ(work.bytesRead, 65536);
  EXPECT_EQ(work.bytesWritten, 32768);
  EXPECT_EQ(work.bytesMoved(), 98304);
}

TEST(CostModelWork, ElementwiseWeights) {
  auto flopsOf = [](OpKind kind) {
    return countWork(makeOp(kind, {f32({10})}, {f32({10})})).flops;
  };
  EXPECT_EQ(flopsOf(OpKind::ElementwiseArithmetic), 10 * kArithmeticFlops);
  EXPECT_EQ(flopsOf(OpKind::ElementwiseDivSqrt), 10 * kDivSqrtFlops);
  EXPECT_EQ(flopsOf(OpKind::ElementwiseTranscendental),
            10 * kTranscendentalFlops);
  EXPECT_EQ(flopsOf(OpKind::Gelu), 10 * 14);
  EXPECT_EQ(flopsOf(OpKind::Cast), 10);
  EXPECT_GT(kTranscendentalFlops, kDivSqrtFlops);
  EXPECT_GT(kDivSqrtFlops, kArithmeticFlops);
}

TEST(CostModelWork, SoftmaxBytes) {
  // BERT-large attention probabilities: read once, written once.
  OpWork work = countWork(makeOp(OpKind::Softmax, {f32({64, 16, 512, 512})},
                                 {f32({64, 16, 512, 512})}));
  EXPECT_EQ(work.bytesRead, 1073741824);
  EXPECT_EQ(work.bytesWritten, 1073741824);
  EXPECT_EQ(work.bytesMoved(), 2147483648LL);
  EXPECT_EQ(work.flops, 12LL * 268435456);
}

TEST(CostModelWork, SoftmaxGradReadsBothInputs) {
  OpWork work = countWork(
      makeOp(OpKind::SoftmaxGrad, {f32({4, 8}), f32({4, 8})}, {f32({4, 8})}));
  EXPECT_EQ(work.bytesMoved(), 3 * 32 * 4);
  EXPECT_EQ(work.flops, 4 * 32);
}

TEST(CostModelWork, ViewsAndConstantsAreFree) {
  for (OpKind kind : {OpKind::Reshape, OpKind::Constant, OpKind::Opaque}) {
    OpDesc op = makeOp(kind, {f32({64, 512, 1024})}, {f32({64, 512, 16, 64})});
    OpWork work = countWork(op);
    EXPECT_EQ(work.flops, 0) << opKindName(kind);
    EXPECT_EQ(work.bytesMoved(), 0) << opKindName(kind);
    EXPECT_EQ(work.kernels, 0) << opKindName(kind);
    OpCost cost = estimateCost(op, roundProfile());
    EXPECT_EQ(cost.seconds, 0.0) << opKindName(kind);
  }
}

TEST(CostModelWork, CopiesMoveTheirBytes) {
  OpWork transpose =
      countWork(makeOp(OpKind::Transpose, {f32({2, 3, 4})}, {f32({2, 4, 3})}));
  EXPECT_EQ(transpose.bytesMoved(), 2 * 24 * 4);
  EXPECT_EQ(transpose.flops, 0);
  EXPECT_EQ(transpose.kernels, 1);

  // A slice reads only its box.
  OpWork slice =
      countWork(makeOp(OpKind::Slice, {f32({512, 1024})}, {f32({128, 1024})}));
  EXPECT_EQ(slice.bytesRead, 128 * 1024 * 4);
  EXPECT_EQ(slice.bytesWritten, 128 * 1024 * 4);

  OpWork concat = countWork(
      makeOp(OpKind::Concat, {f32({2, 3}), f32({2, 2})}, {f32({2, 5})}));
  EXPECT_EQ(concat.bytesRead, (6 + 4) * 4);
  EXPECT_EQ(concat.bytesWritten, 10 * 4);
}

TEST(CostModelWork, DropoutCountsPhiloxIntegerWork) {
  // Ten elements take three Philox blocks, plus one shift per element.
  OpWork work =
      countWork(makeOp(OpKind::Dropout, {f32({10}), {{}, 8}}, {f32({10})}));
  EXPECT_EQ(work.intOps, 3 * kPhiloxBlockIntOps + 10);
  EXPECT_EQ(work.flops, 50);
  EXPECT_EQ(work.bytesRead, 40 + 8);
  EXPECT_EQ(work.bytesWritten, 40);
}

TEST(CostModelWork, EmbeddingReadsGatheredRowsOnly) {
  OpWork work = countWork(makeOp(
      OpKind::Embedding, {f32({100, 16}), i32({4, 8})}, {f32({4, 8, 16})}));
  EXPECT_EQ(work.bytesRead, 32 * 4 + 512 * 4);
  EXPECT_EQ(work.bytesWritten, 512 * 4);
  EXPECT_EQ(work.flops, 0);
}

TEST(CostModelWork, EmbeddingGradFillsThenScatters) {
  OpWork work = countWork(makeOp(OpKind::EmbeddingGrad,
                                 {f32({32, 16}), i32({32})}, {f32({100, 16})}));
  EXPECT_EQ(work.flops, 512);
  EXPECT_EQ(work.bytesRead, 2048 + 128 + 2048);
  EXPECT_EQ(work.bytesWritten, 6400 + 2048);
  EXPECT_EQ(work.kernels, 2);
}

TEST(CostModelWork, LayerNormCountsOverTheInput) {
  OpWork work =
      countWork(makeOp(OpKind::LayerNorm, {f32({4, 8}), f32({8}), f32({8})},
                       {f32({4, 8}), f32({4}), f32({4})}));
  EXPECT_EQ(work.flops, 7 * 32);
  EXPECT_EQ(work.bytesRead, 128 + 32 + 32);
  EXPECT_EQ(work.bytesWritten, 128 + 16 + 16);
}

TEST(CostModelWork, ReductionAndLoss) {
  OpWork sum =
      countWork(makeOp(OpKind::Reduction, {f32({6, 10})}, {f32({10})}));
  EXPECT_EQ(sum.flops, 60);
  EXPECT_EQ(sum.bytesMoved(), 240 + 40);

  OpWork loss = countWork(
      makeOp(OpKind::CrossEntropy, {f32({6, 10}), {{6}, 8}}, {f32({})}));
  EXPECT_EQ(loss.flops, 60 * (kTranscendentalFlops + 3));
  EXPECT_EQ(loss.bytesRead, 240 + 48);
  EXPECT_EQ(loss.bytesWritten, 4);
}

TEST(CostModelWork, OptimizerUpdates) {
  OpWork adamw = countWork(
      makeOp(OpKind::AdamWUpdate,
             {f32({8, 8}), f32({8, 8}), f32({8, 8}), f32({8, 8}), {{}, 8}},
             {f32({8, 8}), f32({8, 8}), f32({8, 8})}));
  EXPECT_EQ(adamw.flops, 64 * 22);
  EXPECT_EQ(adamw.bytesRead, 4 * 256 + 8);
  EXPECT_EQ(adamw.bytesWritten, 3 * 256);

  OpWork sgd = countWork(
      makeOp(OpKind::SgdUpdate, {f32({8, 8}), f32({8, 8})}, {f32({8, 8})}));
  EXPECT_EQ(sgd.flops, 64 * 4);
  EXPECT_EQ(sgd.bytesMoved(), 3 * 256);
}

TEST(CostModelRoofline, MemoryBoundElementwise) {
  // 1000 f32 adds: 12000 bytes at 1e11 B/s = 1.2e-7 s against 1000 FLOPs at
  // 0.5e12 FLOP/s = 2e-9 s.
  DeviceProfile device = roundProfile();
  OpCost cost = estimateCost(makeOp(OpKind::ElementwiseArithmetic,
                                    {f32({1000}), f32({1000})}, {f32({1000})}),
                             device);
  EXPECT_DOUBLE_EQ(cost.computeSeconds, 2e-9);
  EXPECT_DOUBLE_EQ(cost.memorySeconds, 1.2e-7);
  EXPECT_FALSE(cost.isComputeBound());
  EXPECT_DOUBLE_EQ(cost.launchSeconds, 1e-6);
  EXPECT_DOUBLE_EQ(cost.seconds, 1.2e-7 + 1e-6);
}

TEST(CostModelRoofline, ComputeBoundMatmul) {
  // 1024^3 f32 matmul in exact f32: 2^31 FLOPs at 1e12 * 0.8 = 2.68435456e-3
  // s; 12 MiB at 1e11 B/s = 1.2582912e-4 s.
  DeviceProfile device = roundProfile();
  OpDesc op = makeMatmul(f32({1024, 1024}), f32({1024, 1024}),
                         f32({1024, 1024}), {1, 1024, 1024, 1024});
  OpCost cost = estimateCost(op, device);
  EXPECT_DOUBLE_EQ(cost.achievedFlops, 0.8e12);
  EXPECT_DOUBLE_EQ(cost.computeSeconds, 2147483648.0 / 0.8e12);
  EXPECT_DOUBLE_EQ(cost.memorySeconds, 12582912.0 / 1e11);
  EXPECT_TRUE(cost.isComputeBound());
  EXPECT_DOUBLE_EQ(cost.seconds, 2147483648.0 / 0.8e12 + 1e-6);
}

TEST(CostModelRoofline, MatmulPeakFollowsTheDataClass) {
  DeviceProfile device = roundProfile();
  OpDesc op = makeMatmul(f32({4, 4}), f32({4, 4}), f32({4, 4}), {1, 4, 4, 4});
  // gc's f32 is exact: SIMT unless TF32 is allowed.
  EXPECT_DOUBLE_EQ(achievedFlopRate(op, device), 1e12 * 0.8);
  device.allowTf32 = true;
  EXPECT_DOUBLE_EQ(achievedFlopRate(op, device), 4e12 * 0.5);
  op.dataClass = DataClass::F16;
  EXPECT_DOUBLE_EQ(achievedFlopRate(op, device), 8e12 * 0.5);
  op.dataClass = DataClass::F64;
  EXPECT_DOUBLE_EQ(achievedFlopRate(op, device), 2e12 * 0.5);

  // Everything else runs on the SIMT units, f16 computing in f32.
  OpDesc add = makeOp(OpKind::ElementwiseArithmetic, {}, {}, DataClass::F16);
  EXPECT_DOUBLE_EQ(achievedFlopRate(add, device), 1e12 * 0.5);
  add.dataClass = DataClass::F64;
  EXPECT_DOUBLE_EQ(achievedFlopRate(add, device), 5e11 * 0.5);
}

TEST(CostModelRoofline, AttentionRateFollowsTheKernel) {
  DeviceProfile device = roundProfile();
  auto attention = [](OpKind kind, DataClass dataClass, int64_t d) {
    TensorDesc q{{2, 4, 128, d}, 2}, v{{2, 4, 128, 64}, 2};
    std::vector<TensorDesc> operands{q, q, v};
    if (kind == OpKind::AttentionGrad)
      operands.insert(operands.begin(), v);
    return makeOp(kind, operands, {v}, dataClass);
  };
  const double a = kArithmeticFlops, t = kTranscendentalFlops;
  // bf16/f16 up to 128 wide: tiled on the tensor cores, half the GEMM rate;
  // the forward keeps its scores, the backward computes them in both
  // kernels.
  EXPECT_DOUBLE_EQ(
      achievedFlopRate(attention(OpKind::Attention, DataClass::F16, 64),
                       device),
      8e12 * 0.5 * 0.5);
  EXPECT_DOUBLE_EQ(
      achievedFlopRate(attention(OpKind::AttentionGrad, DataClass::F16, 64),
                       device),
      8e12 * 0.5 * 0.5 * (6 * 64 + 4 * 64 + t + 5 * a) /
          (8 * 64 + 6 * 64 + 2 * t + 5 * a));
  // f32, or 16-bit wider than 128: the warp-per-row SIMT kernels, which
  // recompute each score in all three forward passes.
  const double simtForward = 1e12 * 0.5 * (2 * 64 + 2 * 64 + t + 5 * a) /
                             (6 * 64 + 2 * 64 + 2 * t + 5 * a);
  EXPECT_DOUBLE_EQ(
      achievedFlopRate(attention(OpKind::Attention, DataClass::F32, 64),
                       device),
      simtForward);
  EXPECT_DOUBLE_EQ(
      achievedFlopRate(attention(OpKind::Attention, DataClass::F16, 256),
                       device),
      1e12 * 0.5 * (2 * 256 + 2 * 64 + t + 5 * a) /
          (6 * 256 + 2 * 64 + 2 * t + 5 * a));
  // The CPU runs its attention through BLAS: the SIMT matmul rate.
  device.name = "cpu";
  EXPECT_DOUBLE_EQ(
      achievedFlopRate(attention(OpKind::Attention, DataClass::F16, 64),
                       device),
      1e12 * 0.8);
}

TEST(CostModelRoofline, IntegerWorkAddsToCompute) {
  // Dropout of 4000 f32: 1000 blocks * 98 + 4000 shifts = 102000 int ops at
  // 2.5e11 * 0.5, plus 20000 FLOPs at 1e12 * 0.5.
  DeviceProfile device = roundProfile();
  OpCost cost = estimateCost(
      makeOp(OpKind::Dropout, {f32({4000}), {{}, 8}}, {f32({4000})}), device);
  EXPECT_DOUBLE_EQ(cost.computeSeconds, 102000 / 1.25e11 + 20000 / 0.5e12);
  EXPECT_DOUBLE_EQ(cost.memorySeconds, 32008 / 1e11);
  EXPECT_TRUE(cost.isComputeBound());
}

TEST(CostModelRoofline, LaunchOverheadDominatesTinyOps) {
  DeviceProfile device = roundProfile();
  OpCost tiny = estimateCost(
      makeOp(OpKind::ElementwiseArithmetic, {f32({1})}, {f32({1})}), device);
  EXPECT_DOUBLE_EQ(tiny.seconds, 8 / 1e11 + 1e-6);
  OpCost twoKernels = estimateCost(
      makeOp(OpKind::EmbeddingGrad, {f32({1, 1}), i32({1})}, {f32({1, 1})}),
      device);
  EXPECT_DOUBLE_EQ(twoKernels.launchSeconds, 2e-6);

  device.launchOverheadSeconds = 0;
  OpCost free = estimateCost(
      makeOp(OpKind::ElementwiseArithmetic, {f32({1})}, {f32({1})}), device);
  EXPECT_DOUBLE_EQ(free.seconds, 8 / 1e11);
}

TEST(CostModelRoofline, BuiltinH100Matmul) {
  // A 4096^3 bf16 matmul on the H100 profile is compute bound: 2^37 FLOPs
  // at 989e12 * 0.7 against 96 MiB at 3.35e12 * 0.85.
  std::optional<DeviceProfile> h100 = loadDeviceProfile("h100");
  ASSERT_TRUE(h100);
  TensorDesc square{{4096, 4096}, 2};
  OpCost cost = estimateCost(
      makeMatmul(square, square, square, {1, 4096, 4096, 4096}, DataClass::F16),
      *h100);
  EXPECT_DOUBLE_EQ(cost.computeSeconds, 137438953472.0 / (989e12 * 0.7));
  EXPECT_DOUBLE_EQ(cost.memorySeconds, 100663296.0 / (3.35e12 * 0.85));
  EXPECT_TRUE(cost.isComputeBound());
  EXPECT_DOUBLE_EQ(cost.seconds, cost.computeSeconds + 3e-6);
}

TEST(CostModelDesc, ElementBytesAndNames) {
  EXPECT_EQ(elementBytes(DataClass::F32), 4);
  EXPECT_EQ(elementBytes(DataClass::F16), 2);
  EXPECT_EQ(elementBytes(DataClass::F64), 8);
  EXPECT_EQ(TensorDesc({{}, 4}).numElements(), 1);
  EXPECT_EQ(TensorDesc({{3, 0, 2}, 4}).bytes(), 0);
  EXPECT_STREQ(opKindName(OpKind::Matmul), "matmul");
  EXPECT_STREQ(opKindName(OpKind::LayerNormGrad), "layer_norm_grad");
}

} // namespace
