//===- CrossEntropy.cu - Softmax cross-entropy and its gradient on CUDA ---===//
//
// gc.cross_entropy and gc.cross_entropy_grad with an ignored label, as the
// CPU kernels: each row's log-sum-exp is computed stably in double
// (max + log(sum(exp(x - max))), the max taken with fmax), and the loss is
// the mean over the rows whose label is not ignoreIndex (0 when none is).
//
// Both kernels validate every label before writing anything, and every
// thread block does the whole validation itself (a block-wide pass over the
// labels, which also counts the rows that are not ignored), so all blocks
// agree without communicating: an invalid label reports
// GC_STEP_ERROR_LABEL_OUT_OF_RANGE and nothing is written, as on the CPU.
//
// The loss is a mean over all rows, i.e. a grid-wide sum, and there is no
// workspace for per-block partial sums (float atomics would make it
// nondeterministic). So the forward kernel is a single block of 32 warps:
// warp w takes rows w, w + 32, ..., computes each row's max and sum with
// warp reductions and accumulates its rows' losses in row order; the warps'
// totals are then added in warp order. Deterministic, but it uses one
// multiprocessor; giving it a workspace of one double per block would let it
// spread over the whole GPU.
//
// The gradient needs only the count of rows, which every block computes, so
// it runs one block per row (grid-stride over rows) with block reductions.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "gc_rt/StepAbi.h"

#include <algorithm>
#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

/// Label checks, done by every thread block over all the labels.
struct LabelSummary {
  long long count; // rows whose label is not ignoreIndex
  bool invalid;    // some label is neither ignoreIndex nor in [0, classes)
};

template <typename Label>
__device__ LabelSummary summarizeLabels(const Label *__restrict__ labels,
                                        int64_t rows, int64_t classes,
                                        int64_t ignoreIndex) {
  long long count = 0;
  int invalid = 0;
  for (int64_t n = threadIdx.x; n < rows; n += blockDim.x) {
    const auto label = static_cast<int64_t>(labels[n]);
    if (label == ignoreIndex)
      continue;
    if (label < 0 || label >= classes)
      invalid = 1;
    else
      ++count;
  }
  count = blockAllReduce(count, SumOp(), 0ll);
  invalid = blockAllReduce(invalid, SumOp(), 0);
  return {count, invalid != 0};
}

/// Threads of the single block of the forward kernel: 32 warps.
constexpr int kLossBlockSize = 1024;

template <typename T, typename Label>
__global__ void __launch_bounds__(kLossBlockSize)
    crossEntropyKernel(const T *__restrict__ logits,
                       const Label *__restrict__ labels, T *__restrict__ loss,
                       int64_t rows, int64_t classes, int64_t ignoreIndex,
                       int32_t *deviceError) {
  const LabelSummary summary =
      summarizeLabels(labels, rows, classes, ignoreIndex);
  if (summary.invalid) {
    if (threadIdx.x == 0)
      reportError(deviceError, GC_STEP_ERROR_LABEL_OUT_OF_RANGE);
    return;
  }
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int numWarps = blockDim.x / 32;
  // Every lane of a warp holds the same running total.
  double total = 0.0;
  for (int64_t n = warp; n < rows; n += numWarps) {
    const auto label = static_cast<int64_t>(labels[n]);
    if (label == ignoreIndex)
      continue;
    const T *row = logits + n * classes;
    double max = -INFINITY;
    for (int64_t j = lane; j < classes; j += 32)
      max = fmax(max, static_cast<double>(row[j]));
    max = warpAllReduce(max, FmaxOp());
    double sum = 0.0;
    for (int64_t j = lane; j < classes; j += 32)
      sum += exp(static_cast<double>(row[j]) - max);
    sum = warpAllReduce(sum, SumOp());
    total += max + log(sum) - static_cast<double>(row[label]);
  }
  total = blockAllReduce(lane == 0 ? total : 0.0, SumOp(), 0.0);
  if (threadIdx.x == 0)
    *loss = summary.count == 0
                ? T(0)
                : static_cast<T>(total / static_cast<double>(summary.count));
}

template <typename T, typename Label>
__global__ void
crossEntropyGradKernel(const T *__restrict__ grad, const T *__restrict__ logits,
                       const Label *__restrict__ labels, T *__restrict__ result,
                       int64_t rows, int64_t classes, int64_t ignoreIndex,
                       int32_t *deviceError) {
  const LabelSummary summary =
      summarizeLabels(labels, rows, classes, ignoreIndex);
  if (summary.invalid) {
    if (blockIdx.x == 0 && threadIdx.x == 0)
      reportError(deviceError, GC_STEP_ERROR_LABEL_OUT_OF_RANGE);
    return;
  }
  const double rowScale =
      summary.count == 0
          ? 0.0
          : static_cast<double>(*grad) / static_cast<double>(summary.count);
  for (int64_t n = blockIdx.x; n < rows; n += gridDim.x) {
    // The label is the same for the whole block, so the branch is uniform.
    const auto label = static_cast<int64_t>(labels[n]);
    T *out = result + n * classes;
    if (label == ignoreIndex) {
      for (int64_t j = threadIdx.x; j < classes; j += blockDim.x)
        out[j] = T(0);
      continue;
    }
    const T *row = logits + n * classes;
    double max = -INFINITY;
    for (int64_t j = threadIdx.x; j < classes; j += blockDim.x)
      max = fmax(max, static_cast<double>(row[j]));
    max = blockAllReduce(max, FmaxOp(), -INFINITY);
    double sum = 0.0;
    for (int64_t j = threadIdx.x; j < classes; j += blockDim.x)
      sum += exp(static_cast<double>(row[j]) - max);
    sum = blockAllReduce(sum, SumOp(), 0.0);
    for (int64_t j = threadIdx.x; j < classes; j += blockDim.x) {
      const double p = exp(static_cast<double>(row[j]) - max) / sum;
      out[j] = static_cast<T>(rowScale * (j == label ? p - 1.0 : p));
    }
  }
}

/// At most this many blocks for the gradient: each block reads all the
/// labels once, so more blocks would mostly re-read labels.
constexpr int64_t kMaxGradBlocks = 1024;

} // namespace

template <typename T, typename Label>
Status gc::rt::cuda::crossEntropy(const T *logits, const Label *labels, T *loss,
                                  int64_t rows, int64_t classes,
                                  int64_t ignoreIndex, int32_t *deviceError,
                                  cudaStream_t stream) {
  // Launched even without rows: the loss is then 0.
  crossEntropyKernel<T, Label><<<1, kLossBlockSize, 0, stream>>>(
      logits, labels, loss, rows, classes, ignoreIndex, deviceError);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("cross_entropy");
  return Status::ok();
}

template <typename T, typename Label>
Status gc::rt::cuda::crossEntropyGrad(const T *grad, const T *logits,
                                      const Label *labels, T *result,
                                      int64_t rows, int64_t classes,
                                      int64_t ignoreIndex, int32_t *deviceError,
                                      cudaStream_t stream) {
  if (rows == 0)
    return Status::ok();
  const auto blocks = static_cast<unsigned>(std::min(rows, kMaxGradBlocks));
  crossEntropyGradKernel<T, Label><<<blocks, kBlockSize, 0, stream>>>(
      grad, logits, labels, result, rows, classes, ignoreIndex, deviceError);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("cross_entropy_grad");
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T, Label)                                            \
  template Status gc::rt::cuda::crossEntropy<T, Label>(                        \
      const T *, const Label *, T *, int64_t, int64_t, int64_t, int32_t *,     \
      cudaStream_t);                                                           \
  template Status gc::rt::cuda::crossEntropyGrad<T, Label>(                    \
      const T *, const T *, const Label *, T *, int64_t, int64_t, int64_t,     \
      int32_t *, cudaStream_t);
GC_RT_INSTANTIATE(float, int32_t)
GC_RT_INSTANTIATE(float, int64_t)
GC_RT_INSTANTIATE(double, int32_t)
GC_RT_INSTANTIATE(double, int64_t)
#undef GC_RT_INSTANTIATE
