//===- LayerNorm.cpp - layer_norm and its gradient ------------------------===//
//
// Layer normalization over the last dimension (Ba, Kiros and Hinton, "Layer
// Normalization", 2016) with the biased variance, as torch.nn.LayerNorm.
// Row statistics use two passes in the element type with the contract's
// blocked pairwise sums (Accumulate.h): the mean, then the sum of squared
// deviations, which avoids the cancellation of the one-pass E[x^2] -
// E[x]^2 formula. Rows run in parallel.
//
// The gradient is the standard closed form: with xhat = (x - mean) * rstd
// and g = grad * gamma, over a row of H elements
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
// and dgamma = sum over rows of grad * xhat, dbeta = sum over rows of grad,
// the column sums of the contract, in parallel over column blocks.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "Accumulate.h"
#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Parallel.h"

using namespace gc::rt::cpu;
namespace scalar = gc::rt::scalar;

template <typename T>
void gc::rt::cpu::layerNorm(const T *input, const T *gamma, const T *beta,
                            T *result, AccumulationOf<T> *mean,
                            AccumulationOf<T> *rstd, int64_t rows, int64_t cols,
                            double epsilon) {
  const T count = static_cast<T>(cols);
  const T eps = static_cast<T>(epsilon);
  parallelForRange(rows, rowsPerTask(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const T *x = input + r * cols;
      T *y = result + r * cols;
      const T mu = detail::sumOfArray(x, cols) / count;
      const T squares = detail::sumOf<T>(cols, [&](int64_t j) {
        T d = x[j] - mu;
        return d * d;
      });
      const T rs = scalar::rsqrt(squares / count + eps);
      for (int64_t j = 0; j < cols; ++j)
        y[j] = (x[j] - mu) * rs * gamma[j] + beta[j];
      mean[r] = mu;
      rstd[r] = rs;
    }
  });
}

template <typename T>
void gc::rt::cpu::layerNormGrad(const T *grad, const T *input,
                                const AccumulationOf<T> *mean,
                                const AccumulationOf<T> *rstd, const T *gamma,
                                T *gradInput, T *gradGamma, T *gradBeta,
                                int64_t rows, int64_t cols) {
  const T count = static_cast<T>(cols);
  parallelForRange(rows, rowsPerTask(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const T *x = input + r * cols;
      const T *dy = grad + r * cols;
      T *dx = gradInput + r * cols;
      const T mu = mean[r], rs = rstd[r];
      const T sumG =
          detail::sumOf<T>(cols, [&](int64_t j) { return dy[j] * gamma[j]; });
      const T sumGXhat = detail::sumOf<T>(cols, [&](int64_t j) {
        return dy[j] * gamma[j] * ((x[j] - mu) * rs);
      });
      const T meanG = sumG / count, meanGXhat = sumGXhat / count;
      for (int64_t j = 0; j < cols; ++j) {
        T xhat = (x[j] - mu) * rs;
        dx[j] = rs * (dy[j] * gamma[j] - meanG - xhat * meanGXhat);
      }
    }
  });
  // dgamma (tasks [0, blocks)) and dbeta (tasks [blocks, 2 * blocks)).
  const int64_t blocks = numTasksFor(cols, detail::kColumnBlock);
  parallelFor(2 * blocks, [&](int64_t task) {
    const bool isGamma = task < blocks;
    const int64_t first = (task % blocks) * detail::kColumnBlock;
    const int64_t width = cols - first < detail::kColumnBlock
                              ? cols - first
                              : detail::kColumnBlock;
    if (isGamma)
      detail::columnSums<T>(rows, width, gradGamma + first,
                            [&](int64_t r, T *acc) {
                              const T *x = input + r * cols + first;
                              const T *dy = grad + r * cols + first;
                              const T mu = mean[r], rs = rstd[r];
                              for (int64_t c = 0; c < width; ++c)
                                acc[c] += dy[c] * ((x[c] - mu) * rs);
                            });
    else
      detail::columnSums<T>(rows, width, gradBeta + first,
                            [&](int64_t r, T *acc) {
                              const T *dy = grad + r * cols + first;
                              for (int64_t c = 0; c < width; ++c)
                                acc[c] += dy[c];
                            });
  });
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template void gc::rt::cpu::layerNorm<T>(const T *, const T *, const T *,     \
                                          T *, T *, T *, int64_t, int64_t,     \
                                          double);                             \
  template void gc::rt::cpu::layerNormGrad<T>(const T *, const T *, const T *, \
                                              const T *, const T *, T *, T *,  \
                                              T *, int64_t, int64_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
#undef GC_RT_INSTANTIATE
