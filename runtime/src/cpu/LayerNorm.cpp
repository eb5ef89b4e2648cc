//===- LayerNorm.cpp - layer_norm and its gradient ------------------------===//
//
// Layer normalization over the last dimension (Ba, Kiros and Hinton, "Layer
// Normalization", 2016) with the biased variance, as torch.nn.LayerNorm.
// Row statistics use two passes in double (the mean, then the sum of squared
// deviations), which avoids the cancellation of the one-pass
// E[x^2] - E[x]^2 formula.
//
// The gradient is the standard closed form: with xhat = (x - mean) * rstd
// and g = grad * gamma, over a row of H elements
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
// and dgamma = sum over rows of grad * xhat, dbeta = sum over rows of grad.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include <cmath>
#include <vector>

using namespace gc::rt::cpu;

template <typename T>
void gc::rt::cpu::layerNorm(const T *input, const T *gamma, const T *beta,
                            T *result, T *mean, T *rstd, int64_t rows,
                            int64_t cols, double epsilon) {
  const double invCols = 1.0 / static_cast<double>(cols);
  for (int64_t r = 0; r < rows; ++r) {
    const T *x = input + r * cols;
    T *y = result + r * cols;
    double sum = 0.0;
    for (int64_t j = 0; j < cols; ++j)
      sum += static_cast<double>(x[j]);
    const double mu = sum * invCols;
    double squares = 0.0;
    for (int64_t j = 0; j < cols; ++j) {
      double d = static_cast<double>(x[j]) - mu;
      squares += d * d;
    }
    const double rs = 1.0 / std::sqrt(squares * invCols + epsilon);
    for (int64_t j = 0; j < cols; ++j)
      y[j] = static_cast<T>((static_cast<double>(x[j]) - mu) * rs *
                                static_cast<double>(gamma[j]) +
                            static_cast<double>(beta[j]));
    mean[r] = static_cast<T>(mu);
    rstd[r] = static_cast<T>(rs);
  }
}

template <typename T>
void gc::rt::cpu::layerNormGrad(const T *grad, const T *input, const T *mean,
                                const T *rstd, const T *gamma, T *gradInput,
                                T *gradGamma, T *gradBeta, int64_t rows,
                                int64_t cols) {
  const double invCols = 1.0 / static_cast<double>(cols);
  // Column sums for dgamma (first cols entries) and dbeta (next cols).
  std::vector<double> columnSums(2 * static_cast<size_t>(cols), 0.0);
  double *dgamma = columnSums.data();
  double *dbeta = dgamma + cols;
  for (int64_t r = 0; r < rows; ++r) {
    const T *x = input + r * cols;
    const T *dy = grad + r * cols;
    T *dx = gradInput + r * cols;
    const double mu = static_cast<double>(mean[r]);
    const double rs = static_cast<double>(rstd[r]);
    double sumG = 0.0, sumGXhat = 0.0;
    for (int64_t j = 0; j < cols; ++j) {
      double xhat = (static_cast<double>(x[j]) - mu) * rs;
      double g = static_cast<double>(dy[j]) * static_cast<double>(gamma[j]);
      sumG += g;
      sumGXhat += g * xhat;
      dgamma[j] += static_cast<double>(dy[j]) * xhat;
      dbeta[j] += static_cast<double>(dy[j]);
    }
    const double meanG = sumG * invCols, meanGXhat = sumGXhat * invCols;
    for (int64_t j = 0; j < cols; ++j) {
      double xhat = (static_cast<double>(x[j]) - mu) * rs;
      double g = static_cast<double>(dy[j]) * static_cast<double>(gamma[j]);
      dx[j] = static_cast<T>(rs * (g - meanG - xhat * meanGXhat));
    }
  }
  for (int64_t j = 0; j < cols; ++j) {
    gradGamma[j] = static_cast<T>(dgamma[j]);
    gradBeta[j] = static_cast<T>(dbeta[j]);
  }
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
