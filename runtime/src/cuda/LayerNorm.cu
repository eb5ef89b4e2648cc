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
// sum over rows of grad * xhat and dbeta = sum over rows of grad run in two
// stages through the op's planned workspace (ColumnSums.h) over more than
// kColumnChunkRows rows; over fewer, one thread per column walks the rows
// in order, neighbouring threads reading neighbouring columns.
//
//===----------------------------------------------------------------------===//

#include "ColumnSums.h"
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
                AccumulationOf<T> *__restrict__ mean,
                AccumulationOf<T> *__restrict__ rstd, int64_t rows,
                int64_t cols, double epsilon) {
  using A = AccumulationOf<T>;
  const A count = static_cast<A>(cols);
  const A eps = static_cast<A>(epsilon);
  const int lane = laneIndex();
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const T *x = input + r * cols;
    T *y = result + r * cols;
    A sum = 0;
    for (int64_t j = lane; j < cols; j += 32)
      sum += widen(x[j]);
    const A mu = warpSum(sum) / count;
    A squares = 0;
    for (int64_t j = lane; j < cols; j += 32) {
      const A d = widen(x[j]) - mu;
      squares += d * d;
    }
    const A rs = gc::rt::scalar::rsqrt(warpSum(squares) / count + eps);
    for (int64_t j = lane; j < cols; j += 32)
      y[j] = toStorage<T>((widen(x[j]) - mu) * rs * widen(gamma[j]) +
                          widen(beta[j]));
    if (lane == 0) {
      mean[r] = mu;
      rstd[r] = rs;
    }
  }
}

/// gradInput, one warp per row.
template <typename T>
__global__ void layerNormGradInputKernel(
    const T *__restrict__ grad, const T *__restrict__ input,
    const AccumulationOf<T> *__restrict__ mean,
    const AccumulationOf<T> *__restrict__ rstd, const T *__restrict__ gamma,
    T *__restrict__ gradInput, int64_t rows, int64_t cols) {
  using A = AccumulationOf<T>;
  const A count = static_cast<A>(cols);
  const int lane = laneIndex();
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const T *x = input + r * cols;
    const T *dy = grad + r * cols;
    T *dx = gradInput + r * cols;
    const A mu = mean[r], rs = rstd[r];
    A sumG = 0, sumGXhat = 0;
    for (int64_t j = lane; j < cols; j += 32) {
      const A g = widen(dy[j]) * widen(gamma[j]);
      sumG += g;
      sumGXhat += g * ((widen(x[j]) - mu) * rs);
    }
    const A meanG = warpSum(sumG) / count;
    const A meanGXhat = warpSum(sumGXhat) / count;
    for (int64_t j = lane; j < cols; j += 32) {
      const A xhat = (widen(x[j]) - mu) * rs;
      dx[j] = toStorage<T>(
          rs * (widen(dy[j]) * widen(gamma[j]) - meanG - xhat * meanGXhat));
    }
  }
}

/// One row's terms of dgamma and dbeta at `column`.
template <typename T> struct GammaBetaTerms {
  using A = AccumulationOf<T>;
  const T *grad, *input;
  const A *mean, *rstd;
  int64_t cols;
  __device__ void operator()(int64_t row, int64_t column, A *acc) const {
    const A dy = widen(grad[row * cols + column]);
    acc[0] +=
        dy * ((widen(input[row * cols + column]) - mean[row]) * rstd[row]);
    acc[1] += dy;
  }
};

/// gradGamma and gradBeta over a few rows: one thread per column walking the
/// rows in order.
template <typename T>
__global__ void
layerNormGradColumnsKernel(GammaBetaTerms<T> terms, T *__restrict__ gradGamma,
                           T *__restrict__ gradBeta, int64_t rows) {
  for (int64_t j = globalThreadIndex(); j < terms.cols;
       j += globalThreadCount()) {
    AccumulationOf<T> acc[2] = {0, 0};
    for (int64_t r = 0; r < rows; ++r)
      terms(r, j, acc);
    gradGamma[j] = toStorage<T>(acc[0]);
    gradBeta[j] = toStorage<T>(acc[1]);
  }
}

/// Threads per block of the column kernel: small, so that even a few
/// hundred columns spread over several multiprocessors.
constexpr int kColumnBlockSize = 64;

} // namespace

template <typename T>
Status gc::rt::cuda::layerNorm(const T *input, const T *gamma, const T *beta,
                               T *result, AccumulationOf<T> *mean,
                               AccumulationOf<T> *rstd, int64_t rows,
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
Status gc::rt::cuda::layerNormGrad(const T *grad, const T *input,
                                   const AccumulationOf<T> *mean,
                                   const AccumulationOf<T> *rstd,
                                   const T *gamma, T *gradInput, T *gradGamma,
                                   T *gradBeta, int64_t rows, int64_t cols,
                                   AccumulationOf<T> *workspace,
                                   cudaStream_t stream) {
  using A = AccumulationOf<T>;
  const char *kernel = "layer_norm_grad";
  if (cols == 0)
    return Status::ok();
  if (rows > 0) {
    GC_CUDA_LAUNCH(layerNormGradInputKernel<T>, gridForWarpRows(rows),
                   kBlockSize, 0, stream)(grad, input, mean, rstd, gamma,
                                          gradInput, rows, cols);
    GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  }
  const GammaBetaTerms<T> terms{grad, input, mean, rstd, cols};
  if (layerNormGradWorkspaceBytes(rows, cols, sizeof(A)) > 0)
    return launchColumnSums<A, 2>(kernel, terms, rows, cols, workspace,
                                  ColumnOutputs<T>{{gradGamma, gradBeta}}, A(1),
                                  nullptr, stream);
  // With no rows the column sums are zeros, written by the same kernel.
  GC_CUDA_LAUNCH(layerNormGradColumnsKernel<T>, gridFor(cols, kColumnBlockSize),
                 kColumnBlockSize, 0, stream)(terms, gradGamma, gradBeta, rows);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::layerNorm<T>(                                  \
      const T *, const T *, const T *, T *, AccumulationOf<T> *,               \
      AccumulationOf<T> *, int64_t, int64_t, double, cudaStream_t);            \
  template Status gc::rt::cuda::layerNormGrad<T>(                              \
      const T *, const T *, const AccumulationOf<T> *,                         \
      const AccumulationOf<T> *, const T *, T *, T *, T *, int64_t, int64_t,   \
      AccumulationOf<T> *, cudaStream_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
