//===- LayerNorm.cu - layer_norm and its gradient on CUDA -----------------===//
//
// Layer normalization over the last dimension under the numerics contract:
// an f32 row computes in f32 (f64 rows in f64). One warp per row (8 rows per
// block of 256 threads): each lane sums the elements lane, lane + 32, ...,
// a butterfly combines the lanes, in two passes, the mean and then the sum
// of squared deviations (which avoids the cancellation of E[x^2] - E[x]^2),
// and the lanes write the normalized row. The order of the additions is a
// function of the row length only, so the results are the same for any
// grid; they differ from the CPU's blocked order within the backends'
// tolerance (docs/numerics.md).
//
// The gradient is the CPU kernel's closed form: with xhat = (x - mean) *
// rstd and g = grad * gamma over a row of H elements,
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
// one warp per row (both row sums in one pass). The column sums dgamma =
// sum over rows of grad * xhat and dbeta = sum over rows of grad walk the
// rows in order, one thread per column, so that neighbouring threads read
// neighbouring columns of a row and the reads coalesce.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "gc_rt/Scalar.h"

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
  const T count = static_cast<T>(cols);
  const T eps = static_cast<T>(epsilon);
  const int lane = laneIndex();
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const T *x = input + r * cols;
    T *y = result + r * cols;
    T sum = 0;
    for (int64_t j = lane; j < cols; j += 32)
      sum += x[j];
    const T mu = warpSum(sum) / count;
    T squares = 0;
    for (int64_t j = lane; j < cols; j += 32) {
      const T d = x[j] - mu;
      squares += d * d;
    }
    const T rs = gc::rt::scalar::rsqrt(warpSum(squares) / count + eps);
    for (int64_t j = lane; j < cols; j += 32)
      y[j] = (x[j] - mu) * rs * gamma[j] + beta[j];
    if (lane == 0) {
      mean[r] = mu;
      rstd[r] = rs;
    }
  }
}

/// gradInput, one warp per row.
template <typename T>
__global__ void
layerNormGradInputKernel(const T *__restrict__ grad,
                         const T *__restrict__ input,
                         const T *__restrict__ mean, const T *__restrict__ rstd,
                         const T *__restrict__ gamma, T *__restrict__ gradInput,
                         int64_t rows, int64_t cols) {
  const T count = static_cast<T>(cols);
  const int lane = laneIndex();
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const T *x = input + r * cols;
    const T *dy = grad + r * cols;
    T *dx = gradInput + r * cols;
    const T mu = mean[r], rs = rstd[r];
    T sumG = 0, sumGXhat = 0;
    for (int64_t j = lane; j < cols; j += 32) {
      const T g = dy[j] * gamma[j];
      sumG += g;
      sumGXhat += g * ((x[j] - mu) * rs);
    }
    const T meanG = warpSum(sumG) / count;
    const T meanGXhat = warpSum(sumGXhat) / count;
    for (int64_t j = lane; j < cols; j += 32) {
      const T xhat = (x[j] - mu) * rs;
      dx[j] = rs * (dy[j] * gamma[j] - meanG - xhat * meanGXhat);
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
  GC_CUDA_LAUNCH(layerNormKernel<T>, gridForWarpRows(rows), kBlockSize, 0,
                 stream)(input, gamma, beta, result, mean, rstd, rows, cols,
                         epsilon);
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
    GC_CUDA_LAUNCH(layerNormGradInputKernel<T>, gridForWarpRows(rows),
                   kBlockSize, 0, stream)(grad, input, mean, rstd, gamma,
                                          gradInput, rows, cols);
    GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  }
  // With no rows the column sums are zeros, written by the same kernel.
  GC_CUDA_LAUNCH(layerNormGradColumnsKernel<T>, gridFor(cols, kColumnBlockSize),
                 kColumnBlockSize, 0, stream)(grad, input, mean, rstd,
                                              gradGamma, gradBeta, rows, cols);
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
