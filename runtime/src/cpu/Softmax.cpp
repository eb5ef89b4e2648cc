//===- Softmax.cpp - softmax and its gradient along one dimension ---------===//
//
// Softmax along any dimension of a row-major tensor, viewed as
// [outer, n, inner] with n the softmax dimension: each (outer, inner) pair
// is one vector of n elements, inner apart. The forward pass is the stable
// form exp(x - max) / sum(exp(x - max)) (subtracting the maximum keeps every
// exponent <= 0, so nothing overflows), in the element type with gc's exp
// and the contract's blocked sums (docs/numerics.md); lines run in parallel.
// The gradient is y * (dy - sum(dy * y)), the Jacobian-vector product of
// softmax.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "Accumulate.h"
#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Parallel.h"

#include <cassert>

using namespace gc::rt::cpu;
namespace scalar = gc::rt::scalar;

namespace {

/// The [outer, n, inner] view of `shape` around dimension `dim`.
struct SoftmaxView {
  int64_t outer = 1, n = 1, inner = 1;
};

SoftmaxView viewAround(Shape shape, int64_t dim) {
  assert(dim >= 0 && dim < shape.rank);
  SoftmaxView view;
  for (int i = 0; i < shape.rank; ++i) {
    if (i < dim)
      view.outer *= shape[i];
    else if (i == dim)
      view.n = shape[i];
    else
      view.inner *= shape[i];
  }
  return view;
}

/// Runs body(base) for every softmax line (o, i) of the view, where the
/// line's elements are base + k * inner, in parallel tasks of about 16K
/// elements.
template <typename Body> void forEachLine(const SoftmaxView &view, Body body) {
  const int64_t lines = view.outer * view.inner;
  parallelForRange(lines, rowsPerTask(view.n), [&](int64_t begin, int64_t end) {
    for (int64_t line = begin; line < end; ++line) {
      int64_t o = line / view.inner, i = line % view.inner;
      body(o * view.n * view.inner + i);
    }
  });
}

} // namespace

template <typename T>
void gc::rt::cpu::softmax(const T *input, T *result, Shape shape, int64_t dim) {
  const SoftmaxView view = viewAround(shape, dim);
  if (view.n == 0)
    return;
  const int64_t stride = view.inner, n = view.n;
  forEachLine(view, [&](int64_t base) {
    const T *x = input + base;
    T *y = result + base;
    const T max = detail::maxOf<T>(n, [&](int64_t k) { return x[k * stride]; });
    // y holds exp(x - max) until the sum is known.
    for (int64_t k = 0; k < n; ++k)
      y[k * stride] = scalar::exp(x[k * stride] - max);
    const T sum = detail::sumOf<T>(n, [&](int64_t k) { return y[k * stride]; });
    for (int64_t k = 0; k < n; ++k)
      y[k * stride] = y[k * stride] / sum;
  });
}

template <typename T>
void gc::rt::cpu::softmaxGrad(const T *grad, const T *output, T *result,
                              Shape shape, int64_t dim) {
  const SoftmaxView view = viewAround(shape, dim);
  const int64_t stride = view.inner, n = view.n;
  forEachLine(view, [&](int64_t base) {
    const T *dy = grad + base;
    const T *y = output + base;
    T *dx = result + base;
    const T dot = detail::sumOf<T>(
        n, [&](int64_t k) { return dy[k * stride] * y[k * stride]; });
    for (int64_t k = 0; k < n; ++k)
      dx[k * stride] = y[k * stride] * (dy[k * stride] - dot);
  });
}

template void gc::rt::cpu::softmax<float>(const float *, float *, Shape,
                                          int64_t);
template void gc::rt::cpu::softmax<double>(const double *, double *, Shape,
                                           int64_t);
template void gc::rt::cpu::softmaxGrad<float>(const float *, const float *,
                                              float *, Shape, int64_t);
template void gc::rt::cpu::softmaxGrad<double>(const double *, const double *,
                                               double *, Shape, int64_t);
