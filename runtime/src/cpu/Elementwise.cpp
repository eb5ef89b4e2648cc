//===- Elementwise.cpp - Elementwise arithmetic and activations -----------===//
//
// The unary and binary elementwise ops of the gc dialect, the GeLU and ReLU
// activations with their gradients, and gc.scale, looping over the
// per-element functions of gc_rt/Scalar.h (which fused generated kernels
// call too), in the element type (docs/numerics.md), in parallel chunks.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Kernels.h"

#include "gc_rt/cpu/Parallel.h"

using namespace gc::rt::cpu;
namespace scalar = gc::rt::scalar;

namespace {

/// result[i] = fn(i) for i in [0, n), in parallel chunks.
template <typename T, typename Fn> void map(T *result, int64_t n, Fn fn) {
  parallelForRange(n, kItemsPerTask, [&](int64_t begin, int64_t end) {
    GC_RT_VECTORIZE_LOOP
    for (int64_t i = begin; i < end; ++i)
      result[i] = fn(i);
  });
}

} // namespace

template <typename T>
void gc::rt::cpu::unary(UnaryOp op, const T *input, T *result, int64_t n) {
  const T *x = input;
  switch (op) {
  case UnaryOp::Neg:
    return map(result, n, [x](int64_t i) { return -x[i]; });
  case UnaryOp::Relu:
    // `x < 0 ? 0 : x` keeps NaN, as max(x, 0) does in PyTorch.
    return map(result, n, [x](int64_t i) { return scalar::relu(x[i]); });
  case UnaryOp::Exp:
    return map(result, n, [x](int64_t i) { return scalar::exp(x[i]); });
  case UnaryOp::Log:
    return map(result, n, [x](int64_t i) { return scalar::log(x[i]); });
  case UnaryOp::Tanh:
    return map(result, n, [x](int64_t i) { return scalar::tanh(x[i]); });
  case UnaryOp::Erf:
    return map(result, n, [x](int64_t i) { return scalar::erf(x[i]); });
  case UnaryOp::Sqrt:
    return map(result, n, [x](int64_t i) { return scalar::sqrt(x[i]); });
  case UnaryOp::Rsqrt:
    return map(result, n, [x](int64_t i) { return scalar::rsqrt(x[i]); });
  }
}

template <typename T>
void gc::rt::cpu::binary(BinaryOp op, const T *lhs, const T *rhs, T *result,
                         int64_t n) {
  const T *a = lhs, *b = rhs;
  switch (op) {
  case BinaryOp::Add:
    return map(result, n, [a, b](int64_t i) { return a[i] + b[i]; });
  case BinaryOp::Sub:
    return map(result, n, [a, b](int64_t i) { return a[i] - b[i]; });
  case BinaryOp::Mul:
    return map(result, n, [a, b](int64_t i) { return a[i] * b[i]; });
  case BinaryOp::Div:
    return map(result, n, [a, b](int64_t i) { return a[i] / b[i]; });
  }
}

template <typename T>
void gc::rt::cpu::gelu(const T *input, T *result, int64_t n,
                       GeluApproximation approximation) {
  const T *x = input;
  if (approximation == GeluApproximation::Tanh)
    return map(result, n, [x](int64_t i) { return scalar::gelu(x[i], true); });
  map(result, n, [x](int64_t i) { return scalar::gelu(x[i], false); });
}

template <typename T>
void gc::rt::cpu::geluGrad(const T *grad, const T *input, T *result, int64_t n,
                           GeluApproximation approximation) {
  const T *g = grad, *x = input;
  if (approximation == GeluApproximation::Tanh)
    return map(result, n, [g, x](int64_t i) {
      return scalar::geluGrad(g[i], x[i], true);
    });
  map(result, n,
      [g, x](int64_t i) { return scalar::geluGrad(g[i], x[i], false); });
}

template <typename T>
void gc::rt::cpu::reluGrad(const T *grad, const T *input, T *result,
                           int64_t n) {
  const T *g = grad, *x = input;
  map(result, n, [g, x](int64_t i) { return scalar::reluGrad(g[i], x[i]); });
}

template <typename T>
void gc::rt::cpu::scale(const T *input, T *result, int64_t n, double factor) {
  const T typedFactor = static_cast<T>(factor);
  const T *x = input;
  map(result, n, [x, typedFactor](int64_t i) { return x[i] * typedFactor; });
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
