//===- Elementwise.cpp - Elementwise arithmetic and activations -----------===//
//
// The unary and binary elementwise ops of the gc dialect, the GeLU and ReLU
// activations with their gradients, and gc.scale. Transcendental functions
// are evaluated in double and rounded once to the element type, which makes
// the float results as close to correctly rounded as the C library allows;
// +, -, *, / are computed in the element type (they are correctly rounded by
// IEEE 754 either way).
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include <cmath>

using namespace gc::rt::cpu;

namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;    // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1 / sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.79788456080286535588; // sqrt(2 / pi)
constexpr double kGeluCubic = 0.044715;

/// Applies `fn` (double -> double) to every element, rounding to T.
template <typename T, typename Fn>
void mapInDouble(const T *input, T *result, int64_t n, Fn fn) {
  for (int64_t i = 0; i < n; ++i)
    result[i] = static_cast<T>(fn(static_cast<double>(input[i])));
}

/// GeLU(x) = x * Phi(x) with Phi exact or in the tanh form of Hendrycks and
/// Gimpel ("Gaussian Error Linear Units", 2016), as PyTorch evaluates them.
double geluValue(double x, GeluApproximation approximation) {
  if (approximation == GeluApproximation::Tanh) {
    double inner = kSqrt2OverPi * (x + kGeluCubic * x * x * x);
    return 0.5 * x * (1.0 + std::tanh(inner));
  }
  return 0.5 * x * (1.0 + std::erf(x * kInvSqrt2));
}

/// d GeLU / dx. Exact form: Phi(x) + x * phi(x) with phi the standard normal
/// density. Tanh form, with u = sqrt(2/pi) * (x + c x^3) and t = tanh(u):
/// 0.5 * (1 + t) + 0.5 * x * (1 - t^2) * sqrt(2/pi) * (1 + 3 c x^2).
double geluDerivative(double x, GeluApproximation approximation) {
  if (approximation == GeluApproximation::Tanh) {
    double x2 = x * x;
    double t = std::tanh(kSqrt2OverPi * (x + kGeluCubic * x2 * x));
    double du = kSqrt2OverPi * (1.0 + 3.0 * kGeluCubic * x2);
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
  }
  double cdf = 0.5 * (1.0 + std::erf(x * kInvSqrt2));
  double pdf = kInvSqrt2Pi * std::exp(-0.5 * x * x);
  return cdf + x * pdf;
}

} // namespace

template <typename T>
void gc::rt::cpu::unary(UnaryOp op, const T *input, T *result, int64_t n) {
  switch (op) {
  case UnaryOp::Neg:
    for (int64_t i = 0; i < n; ++i)
      result[i] = -input[i];
    return;
  case UnaryOp::Relu:
    // `x < 0 ? 0 : x` keeps NaN, as max(x, 0) does in PyTorch.
    for (int64_t i = 0; i < n; ++i)
      result[i] = input[i] < T(0) ? T(0) : input[i];
    return;
  case UnaryOp::Exp:
    return mapInDouble(input, result, n, [](double x) { return std::exp(x); });
  case UnaryOp::Log:
    return mapInDouble(input, result, n, [](double x) { return std::log(x); });
  case UnaryOp::Tanh:
    return mapInDouble(input, result, n, [](double x) { return std::tanh(x); });
  case UnaryOp::Erf:
    return mapInDouble(input, result, n, [](double x) { return std::erf(x); });
  case UnaryOp::Sqrt:
    return mapInDouble(input, result, n, [](double x) { return std::sqrt(x); });
  case UnaryOp::Rsqrt:
    return mapInDouble(input, result, n,
                       [](double x) { return 1.0 / std::sqrt(x); });
  }
}

template <typename T>
void gc::rt::cpu::binary(BinaryOp op, const T *lhs, const T *rhs, T *result,
                         int64_t n) {
  switch (op) {
  case BinaryOp::Add:
    for (int64_t i = 0; i < n; ++i)
      result[i] = lhs[i] + rhs[i];
    return;
  case BinaryOp::Sub:
    for (int64_t i = 0; i < n; ++i)
      result[i] = lhs[i] - rhs[i];
    return;
  case BinaryOp::Mul:
    for (int64_t i = 0; i < n; ++i)
      result[i] = lhs[i] * rhs[i];
    return;
  case BinaryOp::Div:
    for (int64_t i = 0; i < n; ++i)
      result[i] = lhs[i] / rhs[i];
    return;
  }
}

template <typename T>
void gc::rt::cpu::gelu(const T *input, T *result, int64_t n,
                       GeluApproximation approximation) {
  mapInDouble(input, result, n,
              [=](double x) { return geluValue(x, approximation); });
}

template <typename T>
void gc::rt::cpu::geluGrad(const T *grad, const T *input, T *result, int64_t n,
                           GeluApproximation approximation) {
  for (int64_t i = 0; i < n; ++i)
    result[i] = static_cast<T>(
        static_cast<double>(grad[i]) *
        geluDerivative(static_cast<double>(input[i]), approximation));
}

template <typename T>
void gc::rt::cpu::reluGrad(const T *grad, const T *input, T *result,
                           int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    result[i] = input[i] > T(0) ? grad[i] : T(0);
}

template <typename T>
void gc::rt::cpu::scale(const T *input, T *result, int64_t n, double factor) {
  const T typedFactor = static_cast<T>(factor);
  for (int64_t i = 0; i < n; ++i)
    result[i] = input[i] * typedFactor;
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template void gc::rt::cpu::unary<T>(UnaryOp, const T *, T *, int64_t);       \
  template void gc::rt::cpu::binary<T>(BinaryOp, const T *, const T *, T *,    \
                                       int64_t);                               \
  template void gc::rt::cpu::gelu<T>(const T *, T *, int64_t,                  \
                                     GeluApproximation);                       \
  template void gc::rt::cpu::geluGrad<T>(const T *, const T *, T *, int64_t,   \
                                         GeluApproximation);                   \
  template void gc::rt::cpu::reluGrad<T>(const T *, const T *, T *, int64_t);  \
  template void gc::rt::cpu::scale<T>(const T *, T *, int64_t, double);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
#undef GC_RT_INSTANTIATE
