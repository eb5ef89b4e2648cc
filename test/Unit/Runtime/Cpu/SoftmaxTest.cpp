//===- SoftmaxTest.cpp - softmax and softmax_grad -------------------------===//
//
// Softmax along every dimension of odd shapes against the definition
// exp(x) / sum(exp(x)) (on inputs small enough not to need the max shift),
// stability on large inputs, and the gradient against the product with the
// explicit Jacobian dy_i = y_i (delta_ij - y_j).
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>

using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

template <typename T> class SoftmaxTest : public ::testing::Test {};
TYPED_TEST_SUITE(SoftmaxTest, FloatTypes, );

/// Calls fn(flatIndices) for every vector along `dim` of `shape`.
template <typename Fn>
void forEachVector(const std::vector<int64_t> &shape, int64_t dim, Fn fn) {
  for (int64_t flat = 0; flat < product(shape); ++flat) {
    auto index = unravel(flat, shape);
    if (index[dim] != 0)
      continue;
    std::vector<int64_t> flats;
    for (int64_t k = 0; k < shape[dim]; ++k) {
      index[dim] = k;
      flats.push_back(ravel(index, shape));
    }
    fn(flats);
  }
}

const std::vector<std::vector<int64_t>> kShapes = {
    {17}, {1, 5}, {3, 7, 13}, {2, 1, 3, 5}};

TYPED_TEST(SoftmaxTest, ForwardEveryDim) {
  using T = TypeParam;
  uint32_t seed = 1;
  for (const auto &shape : kShapes) {
    for (int64_t dim = 0; dim < static_cast<int64_t>(shape.size()); ++dim) {
      auto x = randomValues<T>(product(shape), ++seed, -4.0, 4.0);
      std::vector<T> y(x.size());
      softmax(x.data(), y.data(), shape, dim);
      std::vector<double> expected(x.size());
      forEachVector(shape, dim, [&](const std::vector<int64_t> &flats) {
        double sum = 0;
        for (int64_t f : flats)
          sum += std::exp(double(x[f]));
        for (int64_t f : flats)
          expected[f] = std::exp(double(x[f])) / sum;
      });
      EXPECT_TRUE(allCloseTyped(y, expected))
          << "rank " << shape.size() << " dim " << dim;
    }
  }
}

TYPED_TEST(SoftmaxTest, StableOnLargeInputs) {
  using T = TypeParam;
  // exp(1000) overflows even in double; the max shift makes it exact.
  std::vector<T> x = {T(1000), T(1001), T(999)};
  std::vector<T> y(3);
  const int64_t shape[] = {3};
  softmax(x.data(), y.data(), shape, 0);
  double e = std::exp(1.0), z = 1.0 + e + 1.0 / e;
  std::vector<double> expected = {1.0 / z, e / z, 1.0 / e / z};
  EXPECT_TRUE(allCloseTyped(y, expected));
}

TYPED_TEST(SoftmaxTest, BackwardIsTheJacobianProduct) {
  using T = TypeParam;
  uint32_t seed = 100;
  for (const auto &shape : kShapes) {
    for (int64_t dim = 0; dim < static_cast<int64_t>(shape.size()); ++dim) {
      auto x = randomValues<T>(product(shape), ++seed);
      auto dy = randomValues<T>(product(shape), ++seed);
      std::vector<T> y(x.size()), dx(x.size());
      softmax(x.data(), y.data(), shape, dim);
      softmaxGrad(dy.data(), y.data(), dx.data(), shape, dim);
      std::vector<double> expected(x.size(), 0.0);
      forEachVector(shape, dim, [&](const std::vector<int64_t> &flats) {
        for (int64_t j : flats)
          for (int64_t i : flats)
            expected[j] += double(dy[i]) * double(y[i]) *
                           ((i == j ? 1.0 : 0.0) - double(y[j]));
      });
      EXPECT_TRUE(allCloseTyped(dx, expected))
          << "rank " << shape.size() << " dim " << dim;
    }
  }
}

} // namespace
