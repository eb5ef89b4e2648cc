//===- MathTest.cpp - gc's float exp, log, tanh and erf -------------------===//
//
// The accuracy gc_rt/Math.h states, against the C library's double
// functions rounded nowhere: every 61st float of each function's interesting
// range (about 35 million inputs per function over the whole float line,
// which covers every binade many times), measured in units in the last
// place of the float result. The bounds are the maxima measured over every
// float. Also: special values, and bitwise agreement between a vectorized
// loop and scalar calls.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/Math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace math = gc::rt::math;

namespace {

float floatOf(uint32_t bits) {
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

uint32_t bitsOf(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

/// |actual - exact| in units of the last place of the float nearest
/// `exact` (the ulp of the smallest normal below it).
double ulpError(float actual, double exact) {
  if (std::isinf(exact) || std::isinf(actual))
    return float(exact) == actual ? 0.0 : INFINITY;
  double magnitude = std::fabs(exact);
  int exponent = magnitude < 0x1p-126 ? -126 : std::ilogb(magnitude);
  double ulp = std::ldexp(1.0, exponent - 23);
  return std::fabs(double(actual) - exact) / ulp;
}

struct Worst {
  double ulps = 0;
  float input = 0;
};

/// The worst error of fn against exact over every 61st float with bits in
/// [first, last] (a range of one sign).
template <typename Fn, typename Exact>
Worst sweep(uint32_t first, uint32_t last, Fn fn, Exact exact) {
  Worst worst;
  for (uint64_t bits = first; bits <= last; bits += 61) {
    float x = floatOf(static_cast<uint32_t>(bits));
    double error = ulpError(fn(x), exact(double(x)));
    if (error > worst.ulps)
      worst = {error, x};
  }
  return worst;
}

constexpr uint32_t kPositiveInfinity = 0x7f800000u;
constexpr uint32_t kSignBit = 0x80000000u;

/// Both signs of every finite float below `limitBits` in magnitude.
template <typename Fn, typename Exact>
Worst sweepBothSigns(uint32_t limitBits, Fn fn, Exact exact) {
  Worst positive = sweep(0, limitBits, fn, exact);
  Worst negative = sweep(kSignBit, kSignBit | limitBits, fn, exact);
  return positive.ulps >= negative.ulps ? positive : negative;
}

TEST(MathTest, ExpIsWithinItsStatedError) {
  // Inputs whose result is neither 0 nor inf: |x| below 104.
  Worst worst = sweepBothSigns(
      bitsOf(104.0f), [](float x) { return math::exp(x); },
      [](double x) { return std::exp(x); });
  EXPECT_LE(worst.ulps, 1.1) << "at x = " << worst.input;
}

TEST(MathTest, LogIsWithinItsStatedError) {
  Worst worst = sweep(
      1, kPositiveInfinity - 1, [](float x) { return math::log(x); },
      [](double x) { return std::log(x); });
  EXPECT_LE(worst.ulps, 0.9) << "at x = " << worst.input;
}

TEST(MathTest, TanhIsWithinItsStatedError) {
  Worst worst = sweepBothSigns(
      kPositiveInfinity - 1, [](float x) { return math::tanh(x); },
      [](double x) { return std::tanh(x); });
  EXPECT_LE(worst.ulps, 1.4) << "at x = " << worst.input;
}

TEST(MathTest, ErfIsWithinItsStatedError) {
  Worst worst = sweepBothSigns(
      kPositiveInfinity - 1, [](float x) { return math::erf(x); },
      [](double x) { return std::erf(x); });
  EXPECT_LE(worst.ulps, 1.2) << "at x = " << worst.input;
}

TEST(MathTest, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(math::exp(0.0f), 1.0f);
  EXPECT_EQ(math::exp(inf), inf);
  EXPECT_EQ(math::exp(-inf), 0.0f);
  EXPECT_EQ(math::exp(100.0f), inf);
  EXPECT_EQ(math::exp(-200.0f), 0.0f);
  EXPECT_TRUE(std::isnan(math::exp(nan)));
  EXPECT_EQ(math::log(1.0f), 0.0f);
  EXPECT_EQ(math::log(0.0f), -inf);
  EXPECT_EQ(math::log(-0.0f), -inf);
  EXPECT_EQ(math::log(inf), inf);
  EXPECT_TRUE(std::isnan(math::log(-1.0f)));
  EXPECT_TRUE(std::isnan(math::log(nan)));
  EXPECT_EQ(math::tanh(0.0f), 0.0f);
  EXPECT_EQ(math::tanh(inf), 1.0f);
  EXPECT_EQ(math::tanh(-inf), -1.0f);
  EXPECT_TRUE(std::isnan(math::tanh(nan)));
  EXPECT_EQ(math::erf(0.0f), 0.0f);
  EXPECT_EQ(math::erf(inf), 1.0f);
  EXPECT_EQ(math::erf(-inf), -1.0f);
  EXPECT_TRUE(std::isnan(math::erf(nan)));
  // Odd functions keep the sign of zero.
  EXPECT_TRUE(std::signbit(math::tanh(-0.0f)));
  EXPECT_TRUE(std::signbit(math::erf(-0.0f)));
}

/// A scalar call the compiler cannot vectorize or fold.
template <typename Fn> float opaqueCall(Fn fn, float x) {
  volatile float input = x;
  volatile float output = fn(input);
  return output;
}

TEST(MathTest, VectorizedLoopsGiveTheScalarBits) {
  std::vector<float> inputs;
  for (uint64_t bits = 0; bits <= 0xffffffffu; bits += 104729)
    inputs.push_back(floatOf(static_cast<uint32_t>(bits)));
  std::vector<float> outputs(inputs.size());
  auto check = [&](const char *name, auto fn) {
    for (size_t i = 0; i < inputs.size(); ++i)
      outputs[i] = fn(inputs[i]);
    for (size_t i = 0; i < inputs.size(); ++i) {
      float scalar = opaqueCall(fn, inputs[i]);
      if (std::isnan(scalar) && std::isnan(outputs[i]))
        continue;
      ASSERT_EQ(bitsOf(outputs[i]), bitsOf(scalar))
          << name << "(" << inputs[i] << ")";
    }
  };
  check("exp", [](float x) { return math::exp(x); });
  check("log", [](float x) { return math::log(x); });
  check("tanh", [](float x) { return math::tanh(x); });
  check("erf", [](float x) { return math::erf(x); });
}

} // namespace
