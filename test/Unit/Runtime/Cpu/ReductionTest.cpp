//===- ReductionTest.cpp - reduce_sum, reduce_mean, reduce_max ------------===//
//
// Every non-empty set of reduced dimensions of a few odd shapes (including
// size-1 dimensions), for the three reductions, against a reference that
// visits each input element and adds it to the result slot named by its
// kept coordinates. Also: NaN propagation of max and the precision of float
// sums (blocked and pairwise, docs/numerics.md).
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>
#include <limits>

using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

template <typename T> class ReductionTest : public ::testing::Test {};
TYPED_TEST_SUITE(ReductionTest, FloatTypes, );

/// The reference reduction of `input` over `dims`.
template <typename T>
std::vector<double> referenceReduce(ReduceOp op, const std::vector<T> &input,
                                    const std::vector<int64_t> &shape,
                                    const std::vector<int64_t> &dims) {
  std::vector<bool> reduced(shape.size(), false);
  for (int64_t d : dims)
    reduced[d] = true;
  std::vector<int64_t> keptShape;
  int64_t count = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (reduced[i])
      count *= shape[i];
    else
      keptShape.push_back(shape[i]);
  }
  std::vector<double> result(
      product(keptShape),
      op == ReduceOp::Max ? -std::numeric_limits<double>::infinity() : 0.0);
  for (int64_t flat = 0; flat < product(shape); ++flat) {
    auto index = unravel(flat, shape);
    std::vector<int64_t> kept;
    for (size_t i = 0; i < shape.size(); ++i)
      if (!reduced[i])
        kept.push_back(index[i]);
    double &slot = result[ravel(kept, keptShape)];
    double value = input[flat];
    slot = op == ReduceOp::Max ? std::max(slot, value) : slot + value;
  }
  if (op == ReduceOp::Mean)
    for (double &value : result)
      value /= static_cast<double>(count);
  return result;
}

TYPED_TEST(ReductionTest, EverySubsetOfDims) {
  using T = TypeParam;
  const std::vector<std::vector<int64_t>> shapes = {
      {13}, {3, 7, 13}, {1, 17, 1, 3}, {2, 3, 5, 7}};
  uint32_t seed = 1;
  for (const auto &shape : shapes) {
    const int rank = static_cast<int>(shape.size());
    auto input = randomValues<T>(product(shape), ++seed);
    for (int mask = 1; mask < (1 << rank); ++mask) {
      std::vector<int64_t> dims;
      for (int i = 0; i < rank; ++i)
        if (mask & (1 << i))
          dims.push_back(i);
      for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Mean, ReduceOp::Max}) {
        auto expected = referenceReduce(op, input, shape, dims);
        std::vector<T> result(expected.size(), T(-12345));
        reduce(op, input.data(), result.data(), shape, dims);
        EXPECT_TRUE(allCloseTyped(result, expected))
            << "rank " << rank << " dims mask " << mask << " op "
            << static_cast<int>(op);
      }
    }
  }
}

TYPED_TEST(ReductionTest, MaxPropagatesNan) {
  using T = TypeParam;
  const std::vector<int64_t> shape = {3, 4};
  std::vector<T> input = {1, 2, 3, 4,  5,  std::numeric_limits<T>::quiet_NaN(),
                          7, 8, 9, 10, 11, 12};
  std::vector<T> rows(3), cols(4);
  reduce(ReduceOp::Max, input.data(), rows.data(), shape,
         std::vector<int64_t>{1});
  reduce(ReduceOp::Max, input.data(), cols.data(), shape,
         std::vector<int64_t>{0});
  EXPECT_EQ(rows[0], T(4));
  EXPECT_TRUE(std::isnan(rows[1]));
  EXPECT_EQ(rows[2], T(12));
  EXPECT_EQ(cols[0], T(9));
  EXPECT_TRUE(std::isnan(cols[1]));
  EXPECT_EQ(cols[3], T(12));
}

TEST(ReductionPrecision, FloatSumsAreBlockedAndPairwise) {
  // 1 followed by 2^20 copies of 2^-24: a sequential float sum loses every
  // addend (1 + 2^-24 rounds to 1) and returns 1; the exact sum is 1.0625.
  // The contract's blocked pairwise sum (docs/numerics.md) adds the small
  // ones among themselves first and loses at most a few ulps.
  const int64_t n = (1 << 20) + 1;
  std::vector<float> input(n, std::ldexp(1.0f, -24));
  input[0] = 1.0f;
  const int64_t shape[] = {n};
  const int64_t dims[] = {0};
  float sum = 0, mean = 0;
  reduce(ReduceOp::Sum, input.data(), &sum, shape, dims);
  reduce(ReduceOp::Mean, input.data(), &mean, shape, dims);
  EXPECT_NEAR(sum, 1.0625f, 1e-4);
  EXPECT_NEAR(mean, 1.0625 / n, 1e-4 / n);
}

TEST(ReductionEdgeCases, EmptyReducedDimension) {
  const int64_t shape[] = {3, 0};
  const int64_t dims[] = {1};
  float sum[3], mean[3], max[3];
  reduce<float>(ReduceOp::Sum, nullptr, sum, shape, dims);
  reduce<float>(ReduceOp::Mean, nullptr, mean, shape, dims);
  reduce<float>(ReduceOp::Max, nullptr, max, shape, dims);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(sum[i], 0.0f);
    EXPECT_TRUE(std::isnan(mean[i]));
    EXPECT_EQ(max[i], -std::numeric_limits<float>::infinity());
  }
}

} // namespace
