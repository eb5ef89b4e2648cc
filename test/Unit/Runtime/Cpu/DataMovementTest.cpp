//===- DataMovementTest.cpp - broadcast, transpose, slice, concat ---------===//
//
// The type-generic data-movement kernels on every element type gc uses
// (float, double, int32, int64) and on an odd 3-byte element, against
// references that compute each result element's source by its multi-index.
// Inputs hold distinct values so that any misplaced element is caught.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <array>
#include <cstdint>
#include <numeric>

using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

/// A 3-byte element, to exercise the kernels' any-size path.
struct Triple {
  std::array<uint8_t, 3> bytes;
  bool operator==(const Triple &other) const { return bytes == other.bytes; }
};

/// Distinct values 1, 2, ..., n shuffled, as T.
template <typename T> std::vector<T> distinctValues(int64_t n, uint32_t seed) {
  std::vector<int64_t> values(n);
  std::iota(values.begin(), values.end(), 1);
  std::mt19937 engine(seed);
  std::shuffle(values.begin(), values.end(), engine);
  std::vector<T> result(n);
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, Triple>)
      result[i] = Triple{{uint8_t(values[i]), uint8_t(values[i] >> 8),
                          uint8_t(values[i] >> 16)}};
    else
      result[i] = static_cast<T>(values[i]);
  }
  return result;
}

template <typename T> class DataMovementTest : public ::testing::Test {};
using ElementTypes = ::testing::Types<float, double, int32_t, int64_t, Triple>;
TYPED_TEST_SUITE(DataMovementTest, ElementTypes, );

TYPED_TEST(DataMovementTest, TransposeEveryPermutationOfRank3) {
  using T = TypeParam;
  const std::vector<int64_t> shape = {3, 7, 13};
  auto input = distinctValues<T>(product(shape), 1);
  std::vector<int64_t> perm = {0, 1, 2};
  do {
    std::vector<int64_t> resultShape = {shape[perm[0]], shape[perm[1]],
                                        shape[perm[2]]};
    std::vector<T> result(input.size());
    transpose(input.data(), result.data(), shape, perm, sizeof(T));
    for (int64_t r = 0; r < product(resultShape); ++r) {
      auto index = unravel(r, resultShape);
      std::vector<int64_t> source(3);
      for (int i = 0; i < 3; ++i)
        source[perm[i]] = index[i];
      ASSERT_TRUE(result[r] == input[ravel(source, shape)])
          << "perm " << perm[0] << perm[1] << perm[2] << " at " << r;
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
}

TYPED_TEST(DataMovementTest, TransposeRank4AndDegenerate) {
  using T = TypeParam;
  struct Case {
    std::vector<int64_t> shape, perm;
  };
  const Case cases[] = {{{2, 3, 5, 7}, {0, 2, 1, 3}},
                        {{2, 3, 5, 7}, {3, 2, 1, 0}},
                        {{1, 17, 1, 3}, {3, 0, 2, 1}},
                        {{17}, {0}},
                        {{13, 1}, {1, 0}}};
  for (const Case &c : cases) {
    auto input = distinctValues<T>(product(c.shape), 2);
    std::vector<int64_t> resultShape;
    for (int64_t p : c.perm)
      resultShape.push_back(c.shape[p]);
    std::vector<T> result(input.size());
    transpose(input.data(), result.data(), c.shape, c.perm, sizeof(T));
    for (int64_t r = 0; r < product(resultShape); ++r) {
      auto index = unravel(r, resultShape);
      std::vector<int64_t> source(c.shape.size());
      for (size_t i = 0; i < c.perm.size(); ++i)
        source[c.perm[i]] = index[i];
      ASSERT_TRUE(result[r] == input[ravel(source, c.shape)]) << r;
    }
  }
}

TYPED_TEST(DataMovementTest, Broadcast) {
  using T = TypeParam;
  struct Case {
    std::vector<int64_t> inputShape, dims, resultShape;
  };
  const Case cases[] = {
      {{13}, {2}, {3, 7, 13}},                    // a bias over every token
      {{7}, {1}, {3, 7, 13}},                     // a middle dimension
      {{3, 1, 13}, {0, 1, 2}, {3, 7, 13}},        // a size-1 dimension repeated
      {{3, 1, 1, 5}, {0, 1, 2, 3}, {3, 2, 7, 5}}, // an attention mask
      {{1}, {0}, {17}},
      {{3, 1}, {0, 2}, {3, 5, 7}},
      {{}, {}, {2, 3}}, // a scalar
      {{2, 3}, {0, 1}, {2, 3}},
  };
  for (const Case &c : cases) {
    auto input = distinctValues<T>(product(c.inputShape), 3);
    std::vector<T> result(product(c.resultShape));
    broadcast(input.data(), result.data(), c.inputShape, c.resultShape, c.dims,
              sizeof(T));
    for (int64_t r = 0; r < product(c.resultShape); ++r) {
      auto index = unravel(r, c.resultShape);
      std::vector<int64_t> source(c.inputShape.size());
      for (size_t i = 0; i < c.inputShape.size(); ++i)
        source[i] = c.inputShape[i] == 1 ? 0 : index[c.dims[i]];
      ASSERT_TRUE(result[r] == input[ravel(source, c.inputShape)])
          << "case with result rank " << c.resultShape.size() << " at " << r;
    }
  }
}

TYPED_TEST(DataMovementTest, Slice) {
  using T = TypeParam;
  struct Case {
    std::vector<int64_t> inputShape, offsets, resultShape;
  };
  const Case cases[] = {
      {{7, 13}, {2, 3}, {4, 9}},
      {{3, 7, 13}, {1, 0, 5}, {2, 7, 8}},
      {{3, 7, 13}, {0, 0, 0}, {3, 7, 13}},
      {{17, 3}, {0, 0}, {5, 3}}, // leading rows: contiguous
      {{17}, {16}, {1}},
      {{2, 3, 5, 7}, {1, 2, 0, 3}, {1, 1, 5, 4}},
  };
  for (const Case &c : cases) {
    auto input = distinctValues<T>(product(c.inputShape), 4);
    std::vector<T> result(product(c.resultShape));
    slice(input.data(), result.data(), c.inputShape, c.resultShape, c.offsets,
          sizeof(T));
    for (int64_t r = 0; r < product(c.resultShape); ++r) {
      auto index = unravel(r, c.resultShape);
      for (size_t i = 0; i < index.size(); ++i)
        index[i] += c.offsets[i];
      ASSERT_TRUE(result[r] == input[ravel(index, c.inputShape)]) << r;
    }
  }
}

TYPED_TEST(DataMovementTest, Concat) {
  using T = TypeParam;
  const std::vector<int64_t> base = {3, 7, 5};
  const std::vector<int64_t> sizes = {1, 3, 7};
  for (int64_t dim = 0; dim < 3; ++dim) {
    std::vector<std::vector<T>> inputs;
    std::vector<std::vector<int64_t>> shapes;
    std::vector<const void *> pointers;
    for (size_t k = 0; k < sizes.size(); ++k) {
      std::vector<int64_t> shape = base;
      shape[dim] = sizes[k];
      shapes.push_back(shape);
      inputs.push_back(distinctValues<T>(product(shape), 10 + k));
    }
    for (auto &input : inputs)
      pointers.push_back(input.data());
    std::vector<int64_t> resultShape = base;
    resultShape[dim] = 1 + 3 + 7;
    std::vector<T> result(product(resultShape));
    concat(pointers.data(), result.data(), 3, sizes.data(), resultShape, dim,
           sizeof(T));
    for (int64_t r = 0; r < product(resultShape); ++r) {
      auto index = unravel(r, resultShape);
      // Find the input holding this position along dim.
      size_t k = 0;
      while (index[dim] >= sizes[k]) {
        index[dim] -= sizes[k];
        ++k;
      }
      ASSERT_TRUE(result[r] == inputs[k][ravel(index, shapes[k])])
          << "dim " << dim << " at " << r;
    }
  }
}

TEST(DataMovementSingle, ConcatOfOneInputIsACopy) {
  auto input = distinctValues<float>(21, 5);
  const void *inputs[] = {input.data()};
  const int64_t sizes[] = {7};
  const int64_t shape[] = {3, 7};
  std::vector<float> result(21);
  concat(inputs, result.data(), 1, sizes, shape, 1, sizeof(float));
  EXPECT_EQ(result, input);
}

} // namespace
