//===- DropoutTest.cpp - Philox4x32-10 and dropout ------------------------===//
//
// Philox4x32-10 against the known-answer vectors of the Random123
// distribution (kat_vectors), the dropout contract element by element
// against a mask computed in the test from the contract's formulas, the
// mapping of a known Philox block to a known mask, and the statistics and
// determinism of the mask.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include "gc_rt/cpu/Philox.h"

#include <cmath>

using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

void expectBlock(PhiloxBlock actual, const uint32_t (&expected)[4]) {
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(actual.words[i], expected[i]) << "word " << i;
}

TEST(PhiloxTest, KnownAnswerZero) {
  expectBlock(philox4x32(PhiloxBlock{{0, 0, 0, 0}}, PhiloxKey{{0, 0}}),
              {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
}

TEST(PhiloxTest, KnownAnswerAllOnes) {
  expectBlock(
      philox4x32(PhiloxBlock{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}},
                 PhiloxKey{{0xffffffff, 0xffffffff}}),
      {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
}

TEST(PhiloxTest, KnownAnswerPi) {
  expectBlock(
      philox4x32(PhiloxBlock{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}},
                 PhiloxKey{{0xa4093822, 0x299f31d0}}),
      {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST(PhiloxTest, UniformUsesTheTop24Bits) {
  EXPECT_EQ(uniformFromWord(0), 0.0f);
  EXPECT_EQ(uniformFromWord(0xff), 0.0f);
  EXPECT_EQ(uniformFromWord(0x100), std::ldexp(1.0f, -24));
  EXPECT_EQ(uniformFromWord(0xffffffff), 1.0f - std::ldexp(1.0f, -24));
  EXPECT_EQ(uniformFromWord(0x80000000), 0.5f);
}

TEST(PhiloxTest, IntegerThresholdIsTheContractsCompare) {
  // keep = double(u) >= p, with u the word's top 24 bits times 2^-24, is
  // (word >> 8) >= dropoutThreshold(p): checked at and around every
  // threshold of a few probabilities, where the two could disagree.
  for (double p :
       {0.0, 0.1, 0.25, 1.0 / 3, 0.5, 0.9, 1.0 - 0x1p-24, 1.0 - 0x1p-30}) {
    int64_t threshold = dropoutThreshold(p);
    for (int64_t top = threshold - 2; top <= threshold + 2; ++top) {
      if (top < 0 || top >= (int64_t(1) << 24))
        continue;
      uint32_t word = static_cast<uint32_t>(top) << 8 | 0x7f;
      EXPECT_EQ(dropoutWordKeeps(word, threshold),
                double(uniformFromWord(word)) >= p)
          << "p = " << p << ", top bits " << top;
    }
  }
}

/// The contract, spelled out from its definition: the draw of element i.
float contractUniform(int64_t seed, int64_t stream, uint64_t i) {
  uint64_t s = static_cast<uint64_t>(seed), t = static_cast<uint64_t>(stream);
  PhiloxKey key{{static_cast<uint32_t>(s), static_cast<uint32_t>(s >> 32)}};
  PhiloxBlock counter{
      {static_cast<uint32_t>(i / 4), static_cast<uint32_t>((i / 4) >> 32),
       static_cast<uint32_t>(t), static_cast<uint32_t>(t >> 32)}};
  uint32_t word = philox4x32(counter, key).words[i % 4];
  return static_cast<float>(word >> 8) * std::ldexp(1.0f, -24);
}

template <typename T> class DropoutTest : public ::testing::Test {};
TYPED_TEST_SUITE(DropoutTest, FloatTypes, );

TYPED_TEST(DropoutTest, FollowsTheContract) {
  using T = TypeParam;
  struct Case {
    int64_t seed, stream;
    double probability;
  };
  const Case cases[] = {{0, 0, 0.1},
                        {42, 3, 0.5},
                        {0x123456789abcdef0LL, 0x0fedcba987654321LL, 0.25},
                        {-7, 1LL << 40, 0.9}};
  for (const Case &c : cases) {
    for (int64_t n : {1, 3, 7, 13, 17, 1001}) {
      auto x = randomValues<T>(n, static_cast<uint32_t>(n));
      std::vector<T> y(n), dx(n);
      dropout(x.data(), &c.seed, y.data(), n, c.probability, c.stream);
      dropoutGrad(x.data(), &c.seed, dx.data(), n, c.probability, c.stream);
      const T scale = static_cast<T>(1.0 / (1.0 - c.probability));
      for (int64_t i = 0; i < n; ++i) {
        bool kept = static_cast<double>(contractUniform(c.seed, c.stream, i)) >=
                    c.probability;
        T expected = kept ? x[i] * scale : T(0);
        ASSERT_EQ(y[i], expected) << "seed " << c.seed << " element " << i;
        ASSERT_EQ(dx[i], expected) << "seed " << c.seed << " element " << i;
      }
    }
  }
}

TYPED_TEST(DropoutTest, KnownMaskOfTheZeroBlock) {
  using T = TypeParam;
  // Seed 0, stream 0, elements 0..3 draw from philox4x32({0,0,0,0}, {0,0}):
  // u = 0x6627e8, 0xe169c5, 0xbc57ac, 0x9b00db times 2^-24
  //   ~ 0.3990, 0.8805, 0.7357, 0.6055.
  const int64_t seed = 0;
  std::vector<T> x = {T(1), T(2), T(3), T(4)}, y(4);
  dropout(x.data(), &seed, y.data(), 4, 0.7, 0);
  const T scale = static_cast<T>(1.0 / (1.0 - 0.7));
  EXPECT_EQ(y[0], T(0));
  EXPECT_EQ(y[1], T(2) * scale);
  EXPECT_EQ(y[2], T(3) * scale);
  EXPECT_EQ(y[3], T(0));
  dropout(x.data(), &seed, y.data(), 4, 0.4, 0);
  EXPECT_EQ(y[0], T(0));
  EXPECT_NE(y[3], T(0));
  // At the exact draw 0x6627e8 * 2^-24 the element is kept (u >= p).
  dropout(x.data(), &seed, y.data(), 1, 0x6627e8 * std::ldexp(1.0, -24), 0);
  EXPECT_NE(y[0], T(0));
}

TYPED_TEST(DropoutTest, ZeroProbabilityIsTheIdentity) {
  using T = TypeParam;
  auto x = randomValues<T>(13, 1);
  std::vector<T> y(13);
  const int64_t seed = 5;
  dropout(x.data(), &seed, y.data(), 13, 0.0, 2);
  EXPECT_EQ(y, x);
}

TEST(DropoutStatistics, DropsTheRequestedFraction) {
  const int64_t n = 1000000;
  const int64_t seed = 20240601;
  std::vector<float> x(n, 1.0f), y(n);
  dropout(x.data(), &seed, y.data(), n, 0.1, 7);
  int64_t dropped = 0;
  for (float value : y)
    dropped += value == 0.0f;
  double fraction = static_cast<double>(dropped) / n;
  EXPECT_NEAR(fraction, 0.1, 0.002);
  // Kept elements are scaled by 1 / 0.9.
  for (float value : y) {
    if (value != 0.0f) {
      ASSERT_EQ(value, static_cast<float>(1.0 / 0.9));
    }
  }
}

/// The dropped positions of an n-element dropout.
std::vector<bool> maskOf(int64_t seed, int64_t stream, int64_t n) {
  std::vector<double> x(n, 1.0), y(n);
  dropout(x.data(), &seed, y.data(), n, 0.5, stream);
  std::vector<bool> mask(n);
  for (int64_t i = 0; i < n; ++i)
    mask[i] = y[i] == 0.0;
  return mask;
}

int64_t differences(const std::vector<bool> &a, const std::vector<bool> &b) {
  int64_t count = 0;
  for (size_t i = 0; i < a.size(); ++i)
    count += a[i] != b[i];
  return count;
}

TEST(DropoutStatistics, MaskIsAFunctionOfSeedAndStream) {
  const int64_t n = 1000;
  EXPECT_EQ(maskOf(1, 2, n), maskOf(1, 2, n));
  // Independent masks at p = 0.5 differ in about half of the positions.
  EXPECT_GT(differences(maskOf(1, 2, n), maskOf(2, 2, n)), n / 4);
  EXPECT_GT(differences(maskOf(1, 2, n), maskOf(1, 3, n)), n / 4);
  // The high halves of the seed and the stream count too.
  EXPECT_GT(differences(maskOf(1, 2, n), maskOf(1 + (1LL << 32), 2, n)), n / 4);
  EXPECT_GT(differences(maskOf(1, 2, n), maskOf(1, 2 + (1LL << 32), n)), n / 4);
}

} // namespace
