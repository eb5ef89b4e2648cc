//===- ElementwiseTest.cpp - Elementwise kernels --------------------------===//
//
// Unary and binary arithmetic, GeLU/ReLU and their gradients, scale and
// cast, against plain double references on seeded random inputs of odd
// sizes. The gradients are also checked against central finite differences
// of the double forward kernel.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>
#include <cstdint>
#include <limits>

using namespace gc::rt::cpu;
using namespace gc::rt::cpu::unittest;

namespace {

const int64_t kSizes[] = {1, 3, 7, 13, 17, 1000};

template <typename T> class ElementwiseTest : public ::testing::Test {};
TYPED_TEST_SUITE(ElementwiseTest, FloatTypes, );

double referenceUnary(UnaryOp op, double x) {
  switch (op) {
  case UnaryOp::Neg:
    return -x;
  case UnaryOp::Exp:
    return std::exp(x);
  case UnaryOp::Log:
    return std::log(x);
  case UnaryOp::Tanh:
    return std::tanh(x);
  case UnaryOp::Erf:
    return std::erf(x);
  case UnaryOp::Sqrt:
    return std::sqrt(x);
  case UnaryOp::Rsqrt:
    return 1.0 / std::sqrt(x);
  case UnaryOp::Relu:
    return x > 0 ? x : 0.0;
  }
  return NAN;
}

/// The textbook GeLU forms.
double referenceGelu(double x, GeluApproximation approximation) {
  if (approximation == GeluApproximation::None)
    return x * 0.5 * (1.0 + std::erf(x / std::sqrt(2.0)));
  const double pi = std::acos(-1.0);
  return 0.5 * x *
         (1.0 + std::tanh(std::sqrt(2.0 / pi) * (x + 0.044715 * x * x * x)));
}

/// Their derivatives by the product and chain rules.
double referenceGeluDerivative(double x, GeluApproximation approximation) {
  const double pi = std::acos(-1.0);
  if (approximation == GeluApproximation::None) {
    double phi = 0.5 * (1.0 + std::erf(x / std::sqrt(2.0)));
    double density = std::exp(-x * x / 2.0) / std::sqrt(2.0 * pi);
    return phi + x * density;
  }
  double c = std::sqrt(2.0 / pi);
  double u = c * (x + 0.044715 * x * x * x);
  double dudx = c * (1.0 + 3.0 * 0.044715 * x * x);
  double sech2 = 1.0 - std::tanh(u) * std::tanh(u);
  return 0.5 * (1.0 + std::tanh(u)) + 0.5 * x * sech2 * dudx;
}

const GeluApproximation kGeluForms[] = {GeluApproximation::None,
                                        GeluApproximation::Tanh};

TYPED_TEST(ElementwiseTest, UnaryMatchesReference) {
  using T = TypeParam;
  const UnaryOp ops[] = {UnaryOp::Neg,   UnaryOp::Exp, UnaryOp::Log,
                         UnaryOp::Tanh,  UnaryOp::Erf, UnaryOp::Sqrt,
                         UnaryOp::Rsqrt, UnaryOp::Relu};
  uint32_t seed = 1;
  for (UnaryOp op : ops) {
    bool positive =
        op == UnaryOp::Log || op == UnaryOp::Sqrt || op == UnaryOp::Rsqrt;
    for (int64_t n : kSizes) {
      auto x = positive ? randomValues<T>(n, ++seed, 0.05, 4.0)
                        : randomValues<T>(n, ++seed, -3.0, 3.0);
      std::vector<T> y(n);
      unary(op, x.data(), y.data(), n);
      std::vector<double> expected(n);
      for (int64_t i = 0; i < n; ++i)
        expected[i] = referenceUnary(op, static_cast<double>(x[i]));
      EXPECT_TRUE(allCloseTyped(y, expected))
          << "op " << static_cast<int>(op) << " n " << n;
    }
  }
}

TYPED_TEST(ElementwiseTest, UnaryInPlace) {
  using T = TypeParam;
  auto x = randomValues<T>(13, 7);
  std::vector<T> y = x;
  unary(UnaryOp::Tanh, y.data(), y.data(), 13);
  std::vector<double> expected(13);
  for (int i = 0; i < 13; ++i)
    expected[i] = std::tanh(static_cast<double>(x[i]));
  EXPECT_TRUE(allCloseTyped(y, expected));
}

TYPED_TEST(ElementwiseTest, ReluKeepsNanAndZeroesNegatives) {
  using T = TypeParam;
  std::vector<T> x = {T(-1), T(0), T(2.5), std::numeric_limits<T>::quiet_NaN(),
                      -std::numeric_limits<T>::infinity()};
  std::vector<T> y(x.size());
  unary(UnaryOp::Relu, x.data(), y.data(), 5);
  EXPECT_EQ(y[0], T(0));
  EXPECT_EQ(y[1], T(0));
  EXPECT_EQ(y[2], T(2.5));
  EXPECT_TRUE(std::isnan(y[3]));
  EXPECT_EQ(y[4], T(0));
}

TYPED_TEST(ElementwiseTest, BinaryMatchesReference) {
  using T = TypeParam;
  const BinaryOp ops[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul,
                          BinaryOp::Div};
  uint32_t seed = 100;
  for (BinaryOp op : ops) {
    for (int64_t n : kSizes) {
      auto lhs = randomValues<T>(n, ++seed, -3.0, 3.0);
      auto rhs = op == BinaryOp::Div ? randomValues<T>(n, ++seed, 0.5, 3.0)
                                     : randomValues<T>(n, ++seed, -3.0, 3.0);
      std::vector<T> out(n);
      binary(op, lhs.data(), rhs.data(), out.data(), n);
      std::vector<double> expected(n);
      for (int64_t i = 0; i < n; ++i) {
        double a = lhs[i], b = rhs[i];
        expected[i] = op == BinaryOp::Add   ? a + b
                      : op == BinaryOp::Sub ? a - b
                      : op == BinaryOp::Mul ? a * b
                                            : a / b;
      }
      EXPECT_TRUE(allCloseTyped(out, expected))
          << "op " << static_cast<int>(op) << " n " << n;
    }
  }
}

TYPED_TEST(ElementwiseTest, GeluMatchesReference) {
  using T = TypeParam;
  for (GeluApproximation form : kGeluForms) {
    for (int64_t n : kSizes) {
      auto x = randomValues<T>(n, 200 + n, -5.0, 5.0);
      std::vector<T> y(n);
      gelu(x.data(), y.data(), n, form);
      std::vector<double> expected(n);
      for (int64_t i = 0; i < n; ++i)
        expected[i] = referenceGelu(x[i], form);
      EXPECT_TRUE(allCloseTyped(y, expected)) << "n " << n;
    }
  }
}

TYPED_TEST(ElementwiseTest, GeluFormsDiffer) {
  using T = TypeParam;
  // The tanh form is an approximation: at x = 1.5 the two differ by ~2e-4.
  T x = T(1.5), exact, approx;
  gelu(&x, &exact, 1, GeluApproximation::None);
  gelu(&x, &approx, 1, GeluApproximation::Tanh);
  EXPECT_GT(std::fabs(double(exact) - double(approx)), 1e-5);
  EXPECT_LT(std::fabs(double(exact) - double(approx)), 1e-3);
}

TYPED_TEST(ElementwiseTest, GeluGradMatchesReference) {
  using T = TypeParam;
  for (GeluApproximation form : kGeluForms) {
    for (int64_t n : kSizes) {
      auto x = randomValues<T>(n, 300 + n, -5.0, 5.0);
      auto dy = randomValues<T>(n, 400 + n);
      std::vector<T> dx(n);
      geluGrad(dy.data(), x.data(), dx.data(), n, form);
      std::vector<double> expected(n);
      for (int64_t i = 0; i < n; ++i)
        expected[i] = double(dy[i]) * referenceGeluDerivative(x[i], form);
      EXPECT_TRUE(allCloseTyped(dx, expected)) << "n " << n;
    }
  }
}

TEST(ElementwiseGradCheck, GeluGradIsTheDerivativeOfGelu) {
  const double h = 1e-6;
  for (GeluApproximation form : kGeluForms) {
    auto x = randomValues<double>(17, 17, -4.0, 4.0);
    std::vector<double> ones(17, 1.0), dx(17);
    geluGrad(ones.data(), x.data(), dx.data(), 17, form);
    for (int i = 0; i < 17; ++i) {
      double plus = x[i] + h, minus = x[i] - h, yPlus, yMinus;
      gelu(&plus, &yPlus, 1, form);
      gelu(&minus, &yMinus, 1, form);
      EXPECT_NEAR(dx[i], (yPlus - yMinus) / (2 * h), 1e-7) << "x " << x[i];
    }
  }
}

TYPED_TEST(ElementwiseTest, ReluGrad) {
  using T = TypeParam;
  for (int64_t n : kSizes) {
    auto x = randomValues<T>(n, 500 + n);
    if (n > 2)
      x[1] = T(0); // The subgradient at 0 is 0.
    auto dy = randomValues<T>(n, 600 + n);
    std::vector<T> dx(n);
    reluGrad(dy.data(), x.data(), dx.data(), n);
    for (int64_t i = 0; i < n; ++i)
      EXPECT_EQ(dx[i], x[i] > T(0) ? dy[i] : T(0)) << i;
  }
}

TYPED_TEST(ElementwiseTest, ScaleMultipliesByTheRoundedFactor) {
  using T = TypeParam;
  for (double factor : {0.125, 1.0 / 3.0, -2.5}) {
    auto x = randomValues<T>(13, 9);
    std::vector<T> y(13);
    scale(x.data(), y.data(), 13, factor);
    for (int i = 0; i < 13; ++i)
      EXPECT_EQ(y[i], x[i] * static_cast<T>(factor)) << i;
  }
}

TEST(CastTest, FloatToIntTruncatesTowardZeroAndSaturates) {
  const float in[] = {-2.7f, -0.5f, 0.5f, 2.7f, 1e10f, -1e10f, NAN, 7.0f};
  int32_t out32[8];
  int64_t out64[8];
  cast(in, out32, 8);
  cast(in, out64, 8);
  const int32_t expected32[] = {-2, 0, 0, 2, INT32_MAX, INT32_MIN, 0, 7};
  const int64_t expected64[] = {-2, 0, 0, 2, 10000000000LL, -10000000000LL,
                                0,  7};
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(out32[i], expected32[i]) << i;
    EXPECT_EQ(out64[i], expected64[i]) << i;
  }
  // The edges of the int32 range: 2^31 saturates, -2^31 and the largest
  // float below 2^31 convert exactly.
  const float edges[] = {2147483648.0f, -2147483648.0f, 2147483520.0f};
  int32_t outEdges[3];
  cast(edges, outEdges, 3);
  EXPECT_EQ(outEdges[0], INT32_MAX);
  EXPECT_EQ(outEdges[1], INT32_MIN);
  EXPECT_EQ(outEdges[2], 2147483520);
  const double big[] = {1e300, -1e300, -3.99};
  int64_t outBig[3];
  cast(big, outBig, 3);
  EXPECT_EQ(outBig[0], INT64_MAX);
  EXPECT_EQ(outBig[1], INT64_MIN);
  EXPECT_EQ(outBig[2], -3);
}

TEST(CastTest, ToFloatRoundsToNearest) {
  // 1 + 2^-24 is halfway between two floats: ties go to even (1.0f).
  const double in[] = {1.0 + std::ldexp(1.0, -24),
                       1.0 + 3 * std::ldexp(1.0, -24), 0.1};
  float out[3];
  cast(in, out, 3);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], 1.0f + std::ldexp(1.0f, -22));
  EXPECT_EQ(out[2], 0.1f);

  const int64_t ints[] = {(1LL << 24) + 1, -5, (1LL << 53) + 1};
  float fromInt[3];
  double fromIntD[3];
  cast(ints, fromInt, 3);
  cast(ints, fromIntD, 3);
  EXPECT_EQ(fromInt[0], 16777216.0f);
  EXPECT_EQ(fromInt[1], -5.0f);
  EXPECT_EQ(fromIntD[1], -5.0);
  EXPECT_EQ(fromIntD[2], 9007199254740992.0);
}

TEST(CastTest, IntToIntAndIdentity) {
  const int64_t in[] = {-1, 2147483647, 42};
  int32_t narrow[3];
  cast(in, narrow, 3);
  EXPECT_EQ(narrow[0], -1);
  EXPECT_EQ(narrow[1], 2147483647);
  EXPECT_EQ(narrow[2], 42);
  int64_t wide[3];
  cast(narrow, wide, 3);
  EXPECT_EQ(wide[0], -1);
  EXPECT_EQ(wide[2], 42);

  auto x = randomValues<float>(7, 3);
  std::vector<float> same(7);
  std::vector<double> widened(7);
  cast(x.data(), same.data(), 7);
  cast(x.data(), widened.data(), 7);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(same[i], x[i]);
    EXPECT_EQ(widened[i], static_cast<double>(x[i]));
  }
}

} // namespace
