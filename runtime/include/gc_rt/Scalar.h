//===- Scalar.h - Per-element semantics of gc's elementwise ops -*- C++ -*-===//
//
// The value of one element of every elementwise op of the gc dialect, as a
// function on scalars. The CPU kernels (runtime/src/cpu/Elementwise.cpp,
// Cast.cpp, Dropout.cpp) and the fused kernels that gc's code generator
// emits for the CPU and for CUDA all call these functions, so a fused chain
// computes each element exactly as the op-by-op kernels do: on the CPU the
// compiled step and the interpreter agree bit for bit.
//
// Rounding contract: transcendental functions are evaluated in double and
// rounded once to the element type; +, -, *, / in the element type.
//
// Header-only and free of the standard library beyond <cmath>/<cstdint>;
// under nvcc every function is __host__ __device__ (the device's double
// precision math may differ from the C library's in the last bit of the
// double, which almost never survives the rounding to float).
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_SCALAR_H
#define GC_RT_SCALAR_H

#include "gc_rt/cpu/Philox.h"

#include <cmath>
#include <cstdint>

namespace gc::rt::scalar {

constexpr double kInvSqrt2 = 0.70710678118654752440;    // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1 / sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.79788456080286535588; // sqrt(2 / pi)
constexpr double kGeluCubic = 0.044715;

GC_RT_HOST_DEVICE inline double exp(double x) { return ::exp(x); }
GC_RT_HOST_DEVICE inline double log(double x) { return ::log(x); }
GC_RT_HOST_DEVICE inline double tanh(double x) { return ::tanh(x); }
GC_RT_HOST_DEVICE inline double erf(double x) { return ::erf(x); }
GC_RT_HOST_DEVICE inline double sqrt(double x) { return ::sqrt(x); }
GC_RT_HOST_DEVICE inline double rsqrt(double x) { return 1.0 / ::sqrt(x); }

/// max(x, 0) that keeps NaN, as PyTorch's relu does.
template <typename T> GC_RT_HOST_DEVICE inline T relu(T x) {
  return x < T(0) ? T(0) : x;
}

/// relu's gradient: grad where the input is positive.
template <typename T> GC_RT_HOST_DEVICE inline T reluGrad(T grad, T input) {
  return input > T(0) ? grad : T(0);
}

/// GeLU(x) = x * Phi(x) with Phi exact (`tanhForm` false) or in the tanh
/// form of Hendrycks and Gimpel ("Gaussian Error Linear Units", 2016), as
/// PyTorch evaluates them.
GC_RT_HOST_DEVICE inline double gelu(double x, bool tanhForm) {
  if (tanhForm) {
    double inner = kSqrt2OverPi * (x + kGeluCubic * x * x * x);
    return 0.5 * x * (1.0 + ::tanh(inner));
  }
  return 0.5 * x * (1.0 + ::erf(x * kInvSqrt2));
}

/// d GeLU / dx. Exact form: Phi(x) + x * phi(x) with phi the standard normal
/// density. Tanh form, with u = sqrt(2/pi) * (x + c x^3) and t = tanh(u):
/// 0.5 * (1 + t) + 0.5 * x * (1 - t^2) * sqrt(2/pi) * (1 + 3 c x^2).
GC_RT_HOST_DEVICE inline double geluDerivative(double x, bool tanhForm) {
  if (tanhForm) {
    double x2 = x * x;
    double t = ::tanh(kSqrt2OverPi * (x + kGeluCubic * x2 * x));
    double du = kSqrt2OverPi * (1.0 + 3.0 * kGeluCubic * x2);
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
  }
  double cdf = 0.5 * (1.0 + ::erf(x * kInvSqrt2));
  double pdf = kInvSqrt2Pi * ::exp(-0.5 * x * x);
  return cdf + x * pdf;
}

/// gc.gelu_grad of one element: grad * GeLU'(input), in double.
template <typename T>
GC_RT_HOST_DEVICE inline T geluGrad(T grad, T input, bool tanhForm) {
  return static_cast<T>(static_cast<double>(grad) *
                        geluDerivative(static_cast<double>(input), tanhForm));
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
/// under (seed, stream): the contract of Philox.h.
GC_RT_HOST_DEVICE inline bool dropoutKeeps(int64_t seed, int64_t stream,
                                           uint64_t index, double probability) {
  return ::gc::rt::cpu::dropoutKeeps(
      ::gc::rt::cpu::dropoutUniform(seed, stream, index), probability);
}

/// The inverted-dropout scale 1 / (1 - p) in the element type.
template <typename T>
GC_RT_HOST_DEVICE inline T dropoutScale(double probability) {
  return static_cast<T>(1.0 / (1.0 - probability));
}

} // namespace gc::rt::scalar

#endif // GC_RT_SCALAR_H
