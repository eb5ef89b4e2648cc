//===- Math.h - gc's single-precision elementary functions ------*- C++ -*-===//
//
// exp, log, tanh and erf on float, written once for every place that
// evaluates them: the CPU runtime kernels, the fused kernels gc generates for
// the CPU and for CUDA, and the interpreter (which runs the CPU kernels). The
// numerics contract (docs/numerics.md) asks for transcendentals that are
//   - fast: branch-free straight-line code (selects, no tables, no calls),
//     which the host compiler vectorizes in the kernels' loops (AVX2 /
//     AVX-512 on x86) and which maps to plain FMA instructions on a GPU;
//   - deterministic: the same bits for the same input wherever they run,
//     scalar or vectorized, on any x86-64 level or on CUDA. Every operation
//     below is an IEEE-754 basic operation or a fused multiply-add (both
//     correctly rounded), there is no reassociation, and kernels are built
//     with -ffp-contract=off (nvcc: --fmad=false) so that the compiler never
//     forms FMAs the code did not write;
//   - accurate to about 1 ulp: the errors measured against the double
//     library over every float of the tested ranges are stated per function
//     and checked by test/Unit/Runtime/Cpu/MathTest.cpp.
// A vendor vector-math library (SLEEF, glibc's libmvec, CUDA's libdevice)
// gives none of the determinism guarantees across its own scalar and vector
// variants and is not available on both sides, which is why gc keeps its
// own: four functions, each a range reduction plus a polynomial.
//
// The polynomials are Chebyshev interpolants (near-minimax) of the stated
// functions on the stated intervals, computed with mpmath by
// scripts/fit-math-coefficients.py, which prints each one with its
// approximation error. They are evaluated by Horner's rule with FMAs.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_MATH_H
#define GC_RT_MATH_H

#include "gc_rt/HostDevice.h"
#include "gc_rt/cpu/Philox.h"

#include <cstdint>

#if !defined(__CUDA_ARCH__)
#include <cstring>
#endif

namespace gc::rt::math {

namespace detail {

GC_RT_HOST_DEVICE inline float fma(float a, float b, float c) {
#if defined(__CUDA_ARCH__)
  return ::fmaf(a, b, c);
#else
  return __builtin_fmaf(a, b, c);
#endif
}

/// Round to the nearest integer, ties to even (the default rounding mode).
GC_RT_HOST_DEVICE inline float roundToInt(float x) {
#if defined(__CUDA_ARCH__)
  return ::rintf(x);
#else
  return __builtin_rintf(x);
#endif
}

GC_RT_HOST_DEVICE inline uint32_t bitsOf(float x) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(x);
#else
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
#endif
}

GC_RT_HOST_DEVICE inline float floatOf(uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
#endif
}

/// |x| and the sign bit of x.
GC_RT_HOST_DEVICE inline float absOf(float x) {
  return floatOf(bitsOf(x) & 0x7fffffffu);
}
GC_RT_HOST_DEVICE inline float withSignOf(float magnitude, float sign) {
  return floatOf(bitsOf(magnitude) | (bitsOf(sign) & 0x80000000u));
}

/// 2^n for n in [-126, 127], built from its exponent field.
GC_RT_HOST_DEVICE inline float powerOfTwo(int32_t n) {
  return floatOf(static_cast<uint32_t>(n + 127) << 23);
}

// ln 2 split so that n * kLn2Hi is exact for |n| < 2^9 (Cody and Waite).
constexpr float kLn2Hi = 0x1.62e4p-1f;
constexpr float kLn2Lo = 0x1.7f7d1cp-20f;
constexpr float kLog2e = 0x1.715476p+0f;

} // namespace detail

/// e^x. Max error 1.1 ulp over every float (measured; MathTest.cpp checks it).
///
/// x = n ln 2 + r with |r| <= ln 2 / 2 (Cody-Waite reduction), e^r =
/// 1 + r + r^2 P(r) with P of degree 4 interpolating (e^r - 1 - r) / r^2
/// (error 6.5e-8 relative on P, 1e-8 on e^r), and the result scaled by 2^n
/// in two steps so that overflow, underflow and subnormal results round
/// once. NaN propagates; x > 88.73 gives +inf, x < -103.98 gives +0.
GC_RT_HOST_DEVICE inline float exp(float x) {
  using namespace detail;
  // Beyond these bounds the result is inf or 0 anyway; the clamp keeps n
  // in range for the two-step scaling (comparisons keep NaN as it is).
  x = x > 89.0f ? 89.0f : x;
  x = x < -104.0f ? -104.0f : x;
  float n = roundToInt(x * kLog2e);
  float r = fma(n, -kLn2Hi, x);
  r = fma(n, -kLn2Lo, r);
  float p = 0x1.6d10fcp-10f;     // 1.392617589e-03
  p = fma(p, r, 0x1.120b62p-7f); // 8.363173343e-03
  p = fma(p, r, 0x1.55551ap-5f); // 4.166655615e-02
  p = fma(p, r, 0x1.5554dep-3f); // 1.666657776e-01
  p = fma(p, r, 0x1.0p-1f);      // 5.000000000e-01
  float expR = 1.0f + fma(p, r * r, r);
  int32_t k = static_cast<int32_t>(n == n ? n : 0.0f); // in [-150, 129]
  int32_t half = k >> 1;
  return expR * powerOfTwo(half) * powerOfTwo(k - half);
}

/// The natural logarithm. Max error 0.9 ulp over every float (MathTest.cpp).
///
/// x = 2^e m with m in [sqrt(1/2), sqrt(2)) (subnormals scaled by 2^23
/// first), f = m - 1 (exact), log(1 + f) = f - f^2 / 2 + f^3 P(f) with P of
/// degree 8 interpolating (log(1 + f) - f + f^2 / 2) / f^3 on
/// [sqrt(1/2) - 1, sqrt(2) - 1] (error 2.9e-8 on P, 2e-9 absolute), plus
/// e ln 2 in two parts. log(0) = -inf, log(x < 0) = NaN, log(inf) = inf.
GC_RT_HOST_DEVICE inline float log(float x) {
  using namespace detail;
  bool subnormal = x < 0x1p-126f;
  float scaled = subnormal ? x * 0x1p23f : x;
  // Subtracting the bits of sqrt(1/2) moves the mantissa range to
  // [sqrt(1/2), sqrt(2)) and lets the exponent be read with a shift.
  // (In unsigned arithmetic: a negative x, whose result is NaN anyway,
  // must not overflow.)
  int32_t bits = static_cast<int32_t>(bitsOf(scaled) - 0x3f3504f3u);
  int32_t e = (bits >> 23) - (subnormal ? 23 : 0);
  float m = floatOf(static_cast<uint32_t>((bits & 0x007fffff) + 0x3f3504f3));
  float f = m - 1.0f;
  float p = 0x1.1d8ea6p-4f;       // 6.971611828e-02
  p = fma(p, f, -0x1.d635bcp-4f); // -1.147973388e-01
  p = fma(p, f, 0x1.dea282p-4f);  // 1.168541983e-01
  p = fma(p, f, -0x1.fcf4c6p-4f); // -1.242568716e-01
  p = fma(p, f, 0x1.23d21ap-3f);  // 1.424905807e-01
  p = fma(p, f, -0x1.555b4ap-3f); // -1.666780263e-01
  p = fma(p, f, 0x1.999d5ap-3f);  // 2.000071555e-01
  p = fma(p, f, -0x1.fffffcp-3f); // -2.499999702e-01
  p = fma(p, f, 0x1.555554p-2f);  // 3.333333135e-01
  float f2 = f * f;
  float tail = fma(p, f2 * f, -0.5f * f2);
  float ef = static_cast<float>(e);
  float result = fma(ef, kLn2Hi, f + fma(ef, kLn2Lo, tail));
  result = x == 0.0f ? -__builtin_huge_valf() : result;
  result = x < 0.0f ? __builtin_nanf("") : result;
  result = x == __builtin_huge_valf() ? x : result;
  return x != x ? x : result;
}

/// The hyperbolic tangent. Max error 1.4 ulp over every float (MathTest.cpp).
///
/// |x| < 0.625: x + x^3 P(x^2) with P of degree 5 interpolating
/// (tanh(x) - x) / x^3 (error 1.6e-9); otherwise 1 - 2 / (e^{2|x|} + 1)
/// with the sign of x (exact to rounding since tanh >= 0.55 there, and 1
/// once e^{2|x|} overflows). NaN propagates.
GC_RT_HOST_DEVICE inline float tanh(float x) {
  using namespace detail;
  float a = absOf(x);
  float z = x * x;
  float p = 0x1.2c83cp-9f;        // 2.292744815e-03
  p = fma(p, z, -0x1.116a16p-7f); // -8.343945257e-03
  p = fma(p, z, 0x1.64a976p-6f);  // 2.176891826e-02
  p = fma(p, z, -0x1.ba08c4p-5f); // -5.395925790e-02
  p = fma(p, z, 0x1.1110eap-3f);  // 1.333330423e-01
  p = fma(p, z, -0x1.555556p-2f); // -3.333333433e-01
  // On |x| with the sign put back: tanh(-0) is -0.
  float small = withSignOf(fma(p * z, a, a), x);
  float large = withSignOf(1.0f - 2.0f / (math::exp(2.0f * a) + 1.0f), x);
  return a < 0.625f ? small : large;
}

/// The error function. Max error 1.2 ulp over every float (MathTest.cpp).
///
/// |x| < 1: x + x P(x^2) with P of degree 6 interpolating erf(x) / x - 1
/// (error 1.2e-9; the 1 kept apart keeps the rounding of 2 / sqrt(pi)
/// out); 1 <= |x|: 1 - e^{-x^2 + G(|x|)} with G of degree 8
/// interpolating log(erfc(a)) + a^2 on [1, 4] (error 1.7e-8), |x| clamped
/// to 4 (erf(4) rounds to 1 in float), with the sign of x. NaN propagates.
GC_RT_HOST_DEVICE inline float erf(float x) {
  using namespace detail;
  float a = absOf(x);
  float z = x * x;
  float p = 0x1.4a569p-14f;        // 7.875874871e-05
  p = fma(p, z, -0x1.a45088p-11f); // -8.016864303e-04
  p = fma(p, z, 0x1.54127p-8f);    // 5.189087242e-03
  p = fma(p, z, -0x1.b7fabap-6f);  // -2.685421146e-02
  p = fma(p, z, 0x1.ce2d1p-4f);    // 1.128359437e-01
  p = fma(p, z, -0x1.81273ep-2f);  // -3.761262596e-01
  p = fma(p, z, 0x1.06eba8p-3f);   // 1.283791661e-01
  float small = fma(x, p, x);
  float c = a > 4.0f ? 4.0f : a;
  float g = 0x1.b7783p-20f;        // 1.637151399e-06
  g = fma(g, c, -0x1.825ce4p-15f); // -4.605804133e-05
  g = fma(g, c, 0x1.38e5e6p-11f);  // 5.968056503e-04
  g = fma(g, c, -0x1.37ecc6p-8f);  // -4.759596195e-03
  g = fma(g, c, 0x1.b0e246p-6f);   // 2.642113529e-02
  g = fma(g, c, -0x1.c2e356p-4f);  // -1.100800857e-01
  g = fma(g, c, 0x1.790298p-2f);   // 3.681739569e-01
  g = fma(g, c, -0x1.2156fap+0f);  // -1.130233407e+00
  g = fma(g, c, 0x1.4fb068p-12f);  // 3.201380605e-04
  float large = withSignOf(1.0f - math::exp(fma(-c, c, g)), x);
  return a < 1.0f ? small : large;
}

} // namespace gc::rt::math

#endif // GC_RT_MATH_H
