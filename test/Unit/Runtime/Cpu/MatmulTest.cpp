//===- MatmulTest.cpp - Batched matmul with transpose flags ---------------===//
//
// gc.matmul against a triple loop in double, over odd sizes, every
// combination of the transpose flags, batch ranks 0 to 2, and a rank-2 rhs
// shared by every batch (with and without a transposed lhs, which take
// different BLAS paths). Float results are compared relative to the sum of
// |lhs * rhs| of each dot product, the scale of GEMM's rounding error.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>

using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

template <typename T> class MatmulTest : public ::testing::Test {};
TYPED_TEST_SUITE(MatmulTest, FloatTypes, );

struct MatmulCase {
  std::vector<int64_t> batch;
  int64_t m, k, n;
  bool transposeLhs, transposeRhs, sharedRhs;
};

/// Runs one case and compares with the reference.
template <typename T> void checkMatmul(const MatmulCase &c, uint32_t seed) {
  const int64_t batch = product(c.batch);
  std::vector<int64_t> lhsShape = c.batch,
                       rhsShape =
                           c.sharedRhs ? std::vector<int64_t>{} : c.batch;
  lhsShape.push_back(c.transposeLhs ? c.k : c.m);
  lhsShape.push_back(c.transposeLhs ? c.m : c.k);
  rhsShape.push_back(c.transposeRhs ? c.n : c.k);
  rhsShape.push_back(c.transposeRhs ? c.k : c.n);
  auto lhs = randomValues<T>(product(lhsShape), seed, -1.0, 1.0);
  auto rhs = randomValues<T>(product(rhsShape), seed + 1, -1.0, 1.0);
  std::vector<T> result(batch * c.m * c.n);
  matmul(lhs.data(), rhs.data(), result.data(), lhsShape, rhsShape,
         c.transposeLhs, c.transposeRhs);

  std::vector<double> expected(result.size()), scales(result.size());
  for (int64_t b = 0; b < batch; ++b) {
    const T *l = lhs.data() + b * c.m * c.k;
    const T *r = rhs.data() + (c.sharedRhs ? 0 : b * c.k * c.n);
    for (int64_t i = 0; i < c.m; ++i) {
      for (int64_t j = 0; j < c.n; ++j) {
        double sum = 0.0, absSum = 0.0;
        for (int64_t p = 0; p < c.k; ++p) {
          double a = c.transposeLhs ? l[p * c.m + i] : l[i * c.k + p];
          double bb = c.transposeRhs ? r[j * c.k + p] : r[p * c.n + j];
          sum += a * bb;
          absSum += std::fabs(a * bb);
        }
        expected[(b * c.m + i) * c.n + j] = sum;
        scales[(b * c.m + i) * c.n + j] = absSum;
      }
    }
  }
  EXPECT_TRUE(allClose(result, expected, Tolerance<T>::rel, 1e-300, &scales))
      << "batch " << batch << " m " << c.m << " k " << c.k << " n " << c.n
      << " transposeLhs " << c.transposeLhs << " transposeRhs "
      << c.transposeRhs << " shared " << c.sharedRhs;
}

TYPED_TEST(MatmulTest, AllFlagsAndBatchShapes) {
  const std::vector<std::vector<int64_t>> batches = {{}, {3}, {2, 3}};
  const int64_t sizes[][3] = {{1, 1, 1},   {3, 7, 13}, {13, 3, 7},
                              {17, 13, 1}, {1, 17, 3}, {7, 1, 17}};
  uint32_t seed = 1;
  for (const auto &batch : batches)
    for (const auto &mkn : sizes)
      for (bool tl : {false, true})
        for (bool tr : {false, true})
          checkMatmul<TypeParam>({batch, mkn[0], mkn[1], mkn[2], tl, tr, false},
                                 seed += 2);
}

TYPED_TEST(MatmulTest, SharedRhs) {
  const std::vector<std::vector<int64_t>> batches = {{3}, {2, 3}, {1}};
  const int64_t sizes[][3] = {{3, 7, 13}, {13, 17, 1}, {1, 3, 7}};
  uint32_t seed = 1000;
  for (const auto &batch : batches)
    for (const auto &mkn : sizes)
      for (bool tl : {false, true})
        for (bool tr : {false, true})
          checkMatmul<TypeParam>({batch, mkn[0], mkn[1], mkn[2], tl, tr, true},
                                 seed += 2);
}

TYPED_TEST(MatmulTest, LargerLinearLayer) {
  // x W^T with x [2, 33, 65] and W [47, 65]: the flattened single-GEMM path
  // on sizes past BLAS's small-matrix kernels.
  checkMatmul<TypeParam>({{2}, 33, 65, 47, false, true, true}, 77);
  checkMatmul<TypeParam>({{2}, 33, 65, 47, true, false, false}, 79);
}

TYPED_TEST(MatmulTest, EmptyContractionGivesZeros) {
  using T = TypeParam;
  const int64_t lhsShape[] = {3, 0}, rhsShape[] = {0, 2};
  std::vector<T> result(6, T(42));
  matmul<T>(nullptr, nullptr, result.data(), lhsShape, rhsShape, false, false);
  for (T value : result)
    EXPECT_EQ(value, T(0));
}

} // namespace
