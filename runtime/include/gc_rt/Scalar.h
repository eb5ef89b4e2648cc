//===- Scalar.h - Per-element semantics of gc's elementwise ops -*- C++ -*-===//
//
// The value of one element of every elementwise op of the gc dialect, as a
// function on scalars. The CPU kernels (runtime/src/cpu/Elementwise.cpp,
// Cast.cpp, Dropout.cpp) and the fused kernels that gc's code generator
// emits for the CPU and for CUDA all call these functions, so a fused chain
// computes each element exactly as the op-by-op kernels do: on the CPU the
// compiled step and the interpreter agree bit for bit.
//
// Rounding contract (docs/numerics.md): every function computes in the
// element type. On float, exp, log, tanh and erf are gc's own functions
// (gc_rt/Math.h: branch-free, about 1 ulp, the same bits scalar, vectorized
// and on CUDA); on double they are the C library's. sqrt, +, -, *, / are the
// correctly rounded IEEE operations; rsqrt is 1 / sqrt(x), two roundings.
//
// Header-only and free of the standard library beyond <cmath>/<cstdint>;
// under nvcc every function is __host__ __device__.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_SCALAR_H
#define GC_RT_SCALAR_H

#include "gc_rt/Math.h"
#include "gc_rt/cpu/Philox.h"

#include <cmath>
#include <cstdint>

namespace gc::rt::scalar {

GC_RT_HOST_DEVICE inline float exp(float x) { return math::exp(x); }
GC_RT_HOST_DEVICE inline float log(float x) { return math::log(x); }
GC_RT_HOST_DEVICE inline float tanh(float x) { return math::tanh(x); }
GC_RT_HOST_DEVICE inline float erf(float x) { return math::erf(x); }
GC_RT_HOST_DEVICE inline double exp(double x) { return ::exp(x); }
GC_RT_HOST_DEVICE inline double log(double x) { return ::log(x); }
GC_RT_HOST_DEVICE inline double tanh(double x) { return ::tanh(x); }
GC_RT_HOST_DEVICE inline double erf(double x) { return ::erf(x); }

GC_RT_HOST_DEVICE inline float sqrt(float x) {
#if defined(__CUDA_ARCH__)
  return ::__fsqrt_rn(x);
#else
  return __builtin_sqrtf(x);
#endif
}
GC_RT_HOST_DEVICE inline double sqrt(double x) {
#if defined(__CUDA_ARCH__)
  return ::__dsqrt_rn(x);
#else
  return __builtin_sqrt(x);
#endif
}
template <typename T> GC_RT_HOST_DEVICE inline T rsqrt(T x) {
  return T(1) / sqrt(x);
}

/// max(x, 0) that keeps NaN, as PyTorch's relu does.
template <typename T> GC_RT_HOST_DEVICE inline T relu(T x) {
  return x < T(0) ? T(0) : x;
}

/// relu's gradient: grad where the input is positive.
template <typename T> GC_RT_HOST_DEVICE inline T reluGrad(T grad, T input) {
  return input > T(0) ? grad : T(0);
}

/// Constants of GeLU, rounded to the element type.
template <typename T> struct GeluConstants {
  static constexpr T kInvSqrt2 = T(0.70710678118654752440);    // 1 / sqrt(2)
  static constexpr T kInvSqrt2Pi = T(0.39894228040143267794);  // 1/sqrt(2 pi)
  static constexpr T kSqrt2OverPi = T(0.79788456080286535588); // sqrt(2/pi)
  static constexpr T kCubic = T(0.044715);
  static constexpr T kCubic3 = T(3 * 0.044715);
};

/// GeLU(x) = x * Phi(x) with Phi exact (`tanhForm` false) or in the tanh
/// form of Hendrycks and Gimpel ("Gaussian Error Linear Units", 2016),
/// evaluated in T as PyTorch's CPU kernels do.
template <typename T> GC_RT_HOST_DEVICE inline T gelu(T x, bool tanhForm) {
  using C = GeluConstants<T>;
  if (tanhForm) {
    T inner = C::kSqrt2OverPi * (x + C::kCubic * x * x * x);
    return T(0.5) * x * (T(1) + tanh(inner));
  }
  return T(0.5) * x * (T(1) + erf(x * C::kInvSqrt2));
}

/// d GeLU / dx. Exact form: Phi(x) + x * phi(x) with phi the standard normal
/// density. Tanh form, with u = sqrt(2/pi) * (x + c x^3) and t = tanh(u):
/// 0.5 * (1 + t) + 0.5 * x * (1 - t^2) * sqrt(2/pi) * (1 + 3 c x^2).
template <typename T>
GC_RT_HOST_DEVICE inline T geluDerivative(T x, bool tanhForm) {
  using C = GeluConstants<T>;
  if (tanhForm) {
    T x2 = x * x;
    T t = tanh(C::kSqrt2OverPi * (x + C::kCubic * x2 * x));
    T du = C::kSqrt2OverPi * (T(1) + C::kCubic3 * x2);
    return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * du;
  }
  T cdf = T(0.5) * (T(1) + erf(x * C::kInvSqrt2));
  T pdf = C::kInvSqrt2Pi * exp(T(-0.5) * x * x);
  return cdf + x * pdf;
}

/// gc.gelu_grad of one element: grad * GeLU'(input).
template <typename T>
GC_RT_HOST_DEVICE inline T geluGrad(T grad, T input, bool tanhForm) {
  return grad * geluDerivative(input, tanhForm);
}

/// Float-to-integer conversion of gc.cast: truncation toward zero,
/// saturating at the integer range, NaN giving 0 (as CUDA's conversions
/// do). `lowest` is -2^(bits-1) of the target type.
template <typename To>
GC_RT_HOST_DEVICE inline To floatToInt(double x, double lowest, To minValue,
                                       To maxValue) {
  if (x != x)
    return To(0);
  // 2^(bits - 1) is exactly representable in double: the first value above
  // the range.
  if (x >= -lowest)
    return maxValue;
  if (x <= lowest)
    return minValue;
  return static_cast<To>(x);
}

template <typename To> struct IntLimits;
template <> struct IntLimits<int32_t> {
  static constexpr int32_t min = -2147483647 - 1;
  static constexpr int32_t max = 2147483647;
};
template <> struct IntLimits<int64_t> {
  static constexpr int64_t min = -9223372036854775807LL - 1;
  static constexpr int64_t max = 9223372036854775807LL;
};

template <typename T> struct IsFloat {
  static constexpr bool value = false;
};
template <> struct IsFloat<float> {
  static constexpr bool value = true;
};
template <> struct IsFloat<double> {
  static constexpr bool value = true;
};

/// gc.cast of one element between float, double, int32_t and int64_t.
template <typename From, typename To> GC_RT_HOST_DEVICE inline To cast(From x) {
  if constexpr (IsFloat<From>::value && !IsFloat<To>::value)
    return floatToInt<To>(static_cast<double>(x),
                          static_cast<double>(IntLimits<To>::min),
                          IntLimits<To>::min, IntLimits<To>::max);
  else
    return static_cast<To>(x);
}

/// Whether flat element `index` survives gc.dropout (and gc.dropout_grad)
/// under (seed, stream), given `threshold` = dropoutThreshold(p): the
/// contract of Philox.h.
GC_RT_HOST_DEVICE GC_RT_PHILOX_INLINE bool
dropoutKeeps(int64_t seed, int64_t stream, uint64_t index, uint32_t threshold) {
  return ::gc::rt::cpu::dropoutWordKeeps(
      ::gc::rt::cpu::dropoutWord(seed, stream, index), threshold);
}

/// The inverted-dropout scale 1 / (1 - p) in the element type.
template <typename T>
GC_RT_HOST_DEVICE inline T dropoutScale(double probability) {
  return static_cast<T>(1.0 / (1.0 - probability));
}

} // namespace gc::rt::scalar

#endif // GC_RT_SCALAR_H
