//===- LayerNorm.cu - layer_norm and its gradient on CUDA -----------------===//
//
// Layer normalization over the last dimension with the CPU's numerics: one
// block per row computes the row statistics in double in two passes (the
// mean, then the sum of squared deviations, which avoids the cancellation of
// E[x^2] - E[x]^2), each pass a deterministic block reduction, and writes
// the normalized row.
//
// The gradient is the closed form of the CPU kernel: with xhat = (x - mean)
// * rstd and g = grad * gamma over a row of H elements,
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
// computed by one block per row (the two row means are block reductions in
// double). The column sums dgamma = sum over rows of grad * xhat and dbeta =
// sum over rows of grad need no workspace: a second kernel gives each thread
// one column and walks the rows in order, accumulating in double. That is
// exactly the CPU's order of additions (and, the library being compiled
// without FMA contraction, its rounding), and neighbouring threads read
// neighbouring columns of a row, so the reads coalesce.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

template <typename T>
__global__ void
layerNormKernel(const T *__restrict__ input, const T *__restrict__ gamma,
                const T *__restrict__ beta, T *__restrict__ result,
                T *__restrict__ mean, T *__restrict__ rstd, int64_t rows,
                int64_t cols, double epsilon) {
  const double invCols = 1.0 / static_cast<double>(cols);
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T *x = input + r * cols;
    T *y = result + r * cols;
    double sum = 0.0;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x)
      sum += static_cast<double>(x[j]);
    const double mu = blockAllReduce(sum, SumOp(), 0.0) * invCols;
    double squares = 0.0;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
      const double d = static_cast<double>(x[j]) - mu;
      squares += d * d;
    }
    squares = blockAllReduce(squares, SumOp(), 0.0);
    const double rs = 1.0 / sqrt(squares * invCols + epsilon);
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x)
      y[j] = static_cast<T>((static_cast<double>(x[j]) - mu) * rs *
                                static_cast<double>(gamma[j]) +
                            static_cast<double>(beta[j]));
    if (threadIdx.x == 0) {
      mean[r] = static_cast<T>(mu);
      rstd[r] = static_cast<T>(rs);
    }
  }
}

/// gradInput, one block per row.
template <typename T>
__global__ void
layerNormGradInputKernel(const T *__restrict__ grad,
                         const T *__restrict__ input,
                         const T *__restrict__ mean, const T *__restrict__ rstd,
                         const T *__restrict__ gamma, T *__restrict__ gradInput,
                         int64_t rows, int64_t cols) {
  const double invCols = 1.0 / static_cast<double>(cols);
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T *x = input + r * cols;
    const T *dy = grad + r * cols;
    T *dx = gradInput + r * cols;
    const double mu = static_cast<double>(mean[r]);
    const double rs = static_cast<double>(rstd[r]);
    double sumG = 0.0, sumGXhat = 0.0;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
      const double xhat = (static_cast<double>(x[j]) - mu) * rs;
      const double g =
          static_cast<double>(dy[j]) * static_cast<double>(gamma[j]);
      sumG += g;
      sumGXhat += g * xhat;
    }
    const double meanG = blockAllReduce(sumG, SumOp(), 0.0) * invCols;
    const double meanGXhat = blockAllReduce(sumGXhat, SumOp(), 0.0) * invCols;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
      const double xhat = (static_cast<double>(x[j]) - mu) * rs;
      const double g =
          static_cast<double>(dy[j]) * static_cast<double>(gamma[j]);
      dx[j] = static_cast<T>(rs * (g - meanG - xhat * meanGXhat));
    }
  }
}

/// gradGamma and gradBeta, one thread per column walking the rows in order.
template <typename T>
__global__ void layerNormGradColumnsKernel(const T *__restrict__ grad,
                                           const T *__restrict__ input,
                                           const T *__restrict__ mean,
                                           const T *__restrict__ rstd,
                                           T *__restrict__ gradGamma,
                                           T *__restrict__ gradBeta,
                                           int64_t rows, int64_t cols) {
  for (int64_t j = globalThreadIndex(); j < cols; j += globalThreadCount()) {
    double dgamma = 0.0, dbeta = 0.0;
    for (int64_t r = 0; r < rows; ++r) {
      const double xhat = (static_cast<double>(input[r * cols + j]) -
                           static_cast<double>(mean[r])) *
                          static_cast<double>(rstd[r]);
      const double dy = static_cast<double>(grad[r * cols + j]);
      dgamma += dy * xhat;
      dbeta += dy;
    }
    gradGamma[j] = static_cast<T>(dgamma);
    gradBeta[j] = static_cast<T>(dbeta);
  }
}

/// Threads per block of the column kernel: small, so that even a few
/// hundred columns spread over several multiprocessors.
constexpr int kColumnBlockSize = 64;

} // namespace

template <typename T>
Status gc::rt::cuda::layerNorm(const T *input, const T *gamma, const T *beta,
                               T *result, T *mean, T *rstd, int64_t rows,
                               int64_t cols, double epsilon,
                               cudaStream_t stream) {
  if (rows == 0)
    return Status::ok();
  // cols == 0 still writes the (NaN) statistics of the empty rows, as the
  // CPU does.
  layerNormKernel<T><<<gridForRows(rows), kBlockSize, 0, stream>>>(
      input, gamma, beta, result, mean, rstd, rows, cols, epsilon);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("layer_norm");
  return Status::ok();
}

template <typename T>
Status gc::rt::cuda::layerNormGrad(const T *grad, const T *input, const T *mean,
                                   const T *rstd, const T *gamma, T *gradInput,
                                   T *gradGamma, T *gradBeta, int64_t rows,
                                   int64_t cols, cudaStream_t stream) {
  const char *kernel = "layer_norm_grad";
  if (cols == 0)
    return Status::ok();
  if (rows > 0) {
    layerNormGradInputKernel<T><<<gridForRows(rows), kBlockSize, 0, stream>>>(
        grad, input, mean, rstd, gamma, gradInput, rows, cols);
    GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  }
  // With no rows the column sums are zeros, written by the same kernel.
  layerNormGradColumnsKernel<T>
      <<<gridFor(cols, kColumnBlockSize), kColumnBlockSize, 0, stream>>>(
          grad, input, mean, rstd, gradGamma, gradBeta, rows, cols);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::layerNorm<T>(const T *, const T *, const T *,  \
                                             T *, T *, T *, int64_t, int64_t,  \
                                             double, cudaStream_t);            \
  template Status gc::rt::cuda::layerNormGrad<T>(                              \
      const T *, const T *, const T *, const T *, const T *, T *, T *, T *,    \
      int64_t, int64_t, cudaStream_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
#undef GC_RT_INSTANTIATE
