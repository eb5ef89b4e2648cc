//===- Elementwise.cpp - Elementwise arithmetic and activations -----------===//
//
// The unary and binary elementwise ops of the gc dialect, the GeLU and ReLU
// activations with their gradients, and gc.scale, looping over the
// per-element functions of gc_rt/Scalar.h (which fused generated kernels
// call too). Transcendental functions are evaluated in double and rounded
// once to the element type; +, -, *, / are computed in the element type.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Kernels.h"

using namespace gc::rt::cpu;
namespace scalar = gc::rt::scalar;

namespace {

/// Applies `fn` (double -> double) to every element, rounding to T.
template <typename T, typename Fn>
void mapInDouble(const T *input, T *result, int64_t n, Fn fn) {
  for (int64_t i = 0; i < n; ++i)
    result[i] = static_cast<T>(fn(static_cast<double>(input[i])));
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
      result[i] = scalar::relu(input[i]);
    return;
  case UnaryOp::Exp:
    return mapInDouble(input, result, n, scalar::exp);
  case UnaryOp::Log:
    return mapInDouble(input, result, n, scalar::log);
  case UnaryOp::Tanh:
    return mapInDouble(input, result, n, scalar::tanh);
  case UnaryOp::Erf:
    return mapInDouble(input, result, n, scalar::erf);
  case UnaryOp::Sqrt:
    return mapInDouble(input, result, n, scalar::sqrt);
  case UnaryOp::Rsqrt:
    return mapInDouble(input, result, n, scalar::rsqrt);
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
  bool tanhForm = approximation == GeluApproximation::Tanh;
  mapInDouble(input, result, n,
              [=](double x) { return scalar::gelu(x, tanhForm); });
}

template <typename T>
void gc::rt::cpu::geluGrad(const T *grad, const T *input, T *result, int64_t n,
                           GeluApproximation approximation) {
  bool tanhForm = approximation == GeluApproximation::Tanh;
  for (int64_t i = 0; i < n; ++i)
    result[i] = scalar::geluGrad(grad[i], input[i], tanhForm);
}

template <typename T>
void gc::rt::cpu::reluGrad(const T *grad, const T *input, T *result,
                           int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    result[i] = scalar::reluGrad(grad[i], input[i]);
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
