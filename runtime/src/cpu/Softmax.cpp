//===- Softmax.cpp - softmax and its gradient along one dimension ---------===//
//
// Softmax along any dimension of a row-major tensor, viewed as
// [outer, n, inner] with n the softmax dimension: each (outer, inner) pair
// is one vector of n elements, inner apart. The forward pass is the stable
// form exp(x - max) / sum(exp(x - max)) (subtracting the maximum keeps every
// exponent <= 0, so nothing overflows), evaluated in double. The gradient
// is y * (dy - sum(dy * y)), the Jacobian-vector product of softmax.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include <cassert>
#include <cmath>

using namespace gc::rt::cpu;

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

} // namespace

template <typename T>
void gc::rt::cpu::softmax(const T *input, T *result, Shape shape, int64_t dim) {
  const SoftmaxView view = viewAround(shape, dim);
  if (view.n == 0)
    return;
  const int64_t stride = view.inner;
  for (int64_t o = 0; o < view.outer; ++o) {
    for (int64_t i = 0; i < view.inner; ++i) {
      const int64_t base = o * view.n * view.inner + i;
      const T *x = input + base;
      T *y = result + base;
      double max = static_cast<double>(x[0]);
      for (int64_t k = 1; k < view.n; ++k)
        max = std::fmax(max, static_cast<double>(x[k * stride]));
      double sum = 0.0;
      for (int64_t k = 0; k < view.n; ++k)
        sum += std::exp(static_cast<double>(x[k * stride]) - max);
      for (int64_t k = 0; k < view.n; ++k)
        y[k * stride] = static_cast<T>(
            std::exp(static_cast<double>(x[k * stride]) - max) / sum);
    }
  }
}

template <typename T>
void gc::rt::cpu::softmaxGrad(const T *grad, const T *output, T *result,
                              Shape shape, int64_t dim) {
  const SoftmaxView view = viewAround(shape, dim);
  const int64_t stride = view.inner;
  for (int64_t o = 0; o < view.outer; ++o) {
    for (int64_t i = 0; i < view.inner; ++i) {
      const int64_t base = o * view.n * view.inner + i;
      const T *dy = grad + base;
      const T *y = output + base;
      T *dx = result + base;
      double dot = 0.0;
      for (int64_t k = 0; k < view.n; ++k)
        dot += static_cast<double>(dy[k * stride]) *
               static_cast<double>(y[k * stride]);
      for (int64_t k = 0; k < view.n; ++k)
        dx[k * stride] =
            static_cast<T>(static_cast<double>(y[k * stride]) *
                           (static_cast<double>(dy[k * stride]) - dot));
    }
  }
}

template void gc::rt::cpu::softmax<float>(const float *, float *, Shape,
                                          int64_t);
template void gc::rt::cpu::softmax<double>(const double *, double *, Shape,
                                           int64_t);
template void gc::rt::cpu::softmaxGrad<float>(const float *, const float *,
                                              float *, Shape, int64_t);
template void gc::rt::cpu::softmaxGrad<double>(const double *, const double *,
                                               double *, Shape, int64_t);
