//===- HalfFloatTest.cpp - IEEE half and bfloat16 conversions -------------===//
//
// gc_rt/HalfFloat.h against values PyTorch stores (torch.tensor(x).half()
// and .bfloat16() bit patterns), its rounding ties to even, the ranges'
// edges, and a round trip through every 16-bit pattern.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/HalfFloat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace gc::rt;

namespace {
TEST(HalfFloatTest, KnownHalfValues) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(floatToHalf(0.1f), 0x2e66);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(0.0f), 0x0000);
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  // The smallest subnormal, 2^-24, and the smallest normal, 2^-14.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -14)), 0x0400);
}

TEST(HalfFloatTest, HalfRoundsToNearestEven) {
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: even (1) wins.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 and 1 + 2^-9: even wins.
  EXPECT_EQ(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  // 65520 is halfway between 65504 and 2^16: rounds to infinity.
  EXPECT_EQ(floatToHalf(65519.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  // 2^-25 is halfway between 0 and the smallest subnormal: even (0) wins;
  // anything above it rounds up.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(floatToHalf(std::ldexp(1.5f, -25)), 0x0001);
  // 3 * 2^-25 is halfway between subnormals 1 and 2: even (2) wins.
  EXPECT_EQ(floatToHalf(3 * std::ldexp(1.0f, -25)), 0x0002);
}

TEST(HalfFloatTest, SpecialValues) {
  EXPECT_EQ(floatToHalf(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(floatToHalf(-1e30f), 0xfc00);
  EXPECT_TRUE(std::isnan(
      halfToFloat(floatToHalf(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(
      floatToBFloat16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(HalfFloatTest, EveryHalfRoundTrips) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    uint16_t half = static_cast<uint16_t>(bits);
    float value = halfToFloat(half);
    if (std::isnan(value))
      continue;
    EXPECT_EQ(floatToHalf(value), half) << std::hex << bits;
  }
}

TEST(HalfFloatTest, KnownBFloat16Values) {
  EXPECT_EQ(floatToBFloat16(1.0f), 0x3f80);
  EXPECT_EQ(floatToBFloat16(0.1f), 0x3dcd);
  EXPECT_EQ(floatToBFloat16(-3.0f), 0xc040);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: even wins; 1 + 3 * 2^-8
  // rounds up to 1 + 2^-6.
  EXPECT_EQ(floatToBFloat16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);
  EXPECT_EQ(floatToBFloat16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3f82);
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    float value = bfloat16ToFloat(static_cast<uint16_t>(bits));
    if (!std::isnan(value))
      EXPECT_EQ(floatToBFloat16(value), bits) << std::hex << bits;
  }
}
} // namespace
