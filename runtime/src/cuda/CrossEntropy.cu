//===- CrossEntropy.cu - Softmax cross-entropy and its gradient on CUDA ---===//
//
// gc.cross_entropy and gc.cross_entropy_grad with an ignored label, as the
// CPU kernels and under the numerics contract (an f32 row computes in f32
// with gc's exp and log): each row's loss is the stable
// (max - x[label]) + log(sum(exp(x - max))), the max propagating NaN, and
// the loss is the mean over the rows whose label is not ignoreIndex (0 when
// none is).
// A label that is neither ignoreIndex nor in [0, classes) reports
// GC_STEP_ERROR_LABEL_OUT_OF_RANGE, and then nothing is written, as on the
// CPU; an invalid label is never used to address memory.
//
// Rows are processed by row groups: a power of two of warps, up to 32,
// chosen from the row length so that each thread reads at most about
// kRowBytesPerThread bytes of a row per pass (a short row gets one warp, a
// vocabulary-sized row the whole block). Each row is read twice (the max,
// then the sum of exponentials; the gradient reads it a third time), so
// the rows in flight should stay in L2 between passes: at 128 bytes per
// resident thread that is about 35 MB on an H100 (132 multiprocessors of
// 2048 threads) against 50 MB of L2, for rows of up to 32768 floats (BERT's
// 30522-word vocabulary is one row per 1024-thread block). A block holds
// one or more groups, and the blocks walk the rows in a fixed assignment:
// block b's group g takes row b * groupsPerBlock + g, then that plus
// gridDim.x * groupsPerBlock, and so on. A group reduces within each warp
// with butterflies and then over its warps in warp order (groupAllReduce).
//
// The loss needs a grid-wide sum, done in two kernels on the stream:
//  1. crossEntropyPartialsKernel on up to kMaxLossBlocks blocks: each group
//     adds its rows' losses in row order, the block adds its groups' totals
//     with a block reduction, and each block stores its total, its count of
//     rows that are not ignored and whether it met an invalid label in
//     its slot of the op's workspace;
//  2. crossEntropyFinishKernel, one block: adds the partials in a fixed
//     tree order and writes the loss, or reports the error and writes
//     nothing if any block met an invalid label.
// Everything that decides the order of the additions (the group size, the
// grid, the assignment of rows) depends only on rows, classes and the
// element type, never on the device or on scheduling, and no float atomics
// are used, so the loss is bitwise reproducible run to run.
//
// The gradient needs the count of rows that are not ignored before any
// block writes (the scale of every row): crossEntropyGradLabelsKernel, one
// block, validates all the labels once and stores the count and the
// validity in the op's workspace, reporting an invalid label.
// crossEntropyGradKernel then skips everything if a label was invalid, and
// otherwise computes each row with its row group; its elements do not
// depend on the grid, which is sized for the rows.
//
// The workspaces are planned by gc-plan-memory like any buffer
// (gc_rt/cuda/Workspace.h), so concurrent steps never share scratch and
// nothing is allocated per call.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "gc_rt/Scalar.h"
#include "gc_rt/StepAbi.h"

#include <algorithm>
#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

/// The largest block of these kernels: 32 warps.
constexpr int kMaxBlockThreads = 1024;
/// Bytes of a row that each thread of its row group reads per pass.
constexpr int64_t kRowBytesPerThread = 128;
/// Blocks of the forward kernel's grid at most: the partials in the
/// workspace, and the threads of the finishing block.
constexpr int kMaxLossBlocks = 1024;
static_assert(kMaxLossBlocks == kCrossEntropyPartials);

/// One block's share of the loss.
template <typename T> struct LossPartial {
  T total;         // sum of its rows' losses
  long long count; // its rows whose label is not ignoreIndex
  int invalid;     // nonzero if one of its labels is invalid
};
static_assert(sizeof(LossPartial<double>) <= kCrossEntropyPartialBytes);

/// The labels of a gradient call.
struct LabelSummary {
  long long count; // rows whose label is not ignoreIndex
  int invalid;     // nonzero if some label is neither ignoreIndex nor in
                   // [0, classes)
  int unused;      // written as 0, so that the whole planned workspace is
                   // (the arena's high-water mark is then its planned size)
};

static_assert(sizeof(LabelSummary) == kCrossEntropyGradWorkspaceBytes);

/// How the rows are spread over the threads of a launch.
struct RowGroups {
  int warpsPerRow;    // warps of a row group: 1, 2, 4, ..., 32
  int blockThreads;   // threads per block, a multiple of 32 * warpsPerRow
  int groupsPerBlock; // rows a block processes at a time
};

/// Row groups of about kRowBytesPerThread bytes of a row per thread, in
/// blocks of at least kBlockSize threads.
template <typename T> RowGroups rowGroupsFor(int64_t classes) {
  const int64_t perWarp =
      32 * std::max<int64_t>(kRowBytesPerThread / sizeof(T), 1);
  const int64_t wantedWarps = (classes + perWarp - 1) / perWarp;
  int warps = 1;
  while (warps < wantedWarps && warps < kMaxBlockThreads / 32)
    warps *= 2;
  const int blockThreads = std::max(kBlockSize, 32 * warps);
  return {warps, blockThreads, blockThreads / (32 * warps)};
}

/// This thread's place in the row groups of its block.
struct GroupPlace {
  int group;   // index of the row group within the block
  int lane;    // index of the thread within its row group
  int threads; // threads per row group
  int groups;  // row groups per block
};

__device__ GroupPlace groupPlace(int warpsPerRow) {
  const int threads = 32 * warpsPerRow;
  return {static_cast<int>(threadIdx.x) / threads,
          static_cast<int>(threadIdx.x) % threads, threads,
          static_cast<int>(blockDim.x) / threads};
}

/// Combines `value` over the threads of this thread's row group, groups
/// being `warpsPerRow` consecutive warps; every thread gets its group's
/// result. Within a warp this is a butterfly, then the warps' results are
/// combined in warp order, so the result depends only on warpsPerRow. With
/// more than one warp per group it synchronizes the block, so every thread
/// of the block must call it.
template <typename T, typename Combine>
__device__ T groupAllReduce(T value, Combine combine, int warpsPerRow) {
  __shared__ T partials[kMaxBlockThreads / 32];
  value = warpAllReduce(value, combine);
  if (warpsPerRow == 1)
    return value;
  const int warp = threadIdx.x / 32;
  const int first = warp - warp % warpsPerRow;
  // The previous call's readers of `partials` are done.
  __syncthreads();
  if (threadIdx.x % 32 == 0)
    partials[warp] = value;
  __syncthreads();
  T result = partials[first];
  for (int w = first + 1; w < first + warpsPerRow; ++w)
    result = combine(result, partials[w]);
  return result;
}

/// The maximum of a row and the sum of exp(x - max) over it.
template <typename T> struct RowExpSum {
  T max;
  T sum;
};

/// The row statistics of `length` elements, computed by this thread's row
/// group. Every thread of the block must call it (see groupAllReduce); a
/// group without a row passes length 0.
template <typename T, typename A = AccumulationOf<T>>
__device__ RowExpSum<A> rowExpSum(const T *__restrict__ row, int64_t length,
                                  const GroupPlace &place, int warpsPerRow) {
  A max = -INFINITY;
  for (int64_t j = place.lane; j < length; j += place.threads)
    max = MaxWithNanOp()(max, widen(row[j]));
  max = groupAllReduce(max, MaxWithNanOp(), warpsPerRow);
  A sum = 0;
  for (int64_t j = place.lane; j < length; j += place.threads)
    sum += gc::rt::scalar::exp(widen(row[j]) - max);
  sum = groupAllReduce(sum, SumOp(), warpsPerRow);
  return {max, sum};
}

/// Step 1 of the loss: this block's partial into partials[blockIdx.x].
template <typename T, typename Label>
__global__ void __launch_bounds__(kMaxBlockThreads) crossEntropyPartialsKernel(
    const T *__restrict__ logits, const Label *__restrict__ labels,
    int64_t rows, int64_t classes, int64_t ignoreIndex, int warpsPerRow,
    LossPartial<AccumulationOf<T>> *__restrict__ partials) {
  using A = AccumulationOf<T>;
  const GroupPlace place = groupPlace(warpsPerRow);
  // Every thread of a group holds the same values.
  A total = 0;
  long long count = 0;
  int invalid = 0;
  // `first` is the same for the whole block, so all its threads run the
  // same iterations, as the group reductions require.
  for (int64_t first = static_cast<int64_t>(blockIdx.x) * place.groups;
       first < rows; first += static_cast<int64_t>(gridDim.x) * place.groups) {
    const int64_t n = first + place.group;
    const int64_t label =
        n < rows ? static_cast<int64_t>(labels[n]) : ignoreIndex;
    const bool used = label != ignoreIndex && label >= 0 && label < classes;
    if (label != ignoreIndex && !used)
      invalid = 1;
    const T *row = used ? logits + n * classes : logits;
    const RowExpSum<A> stats =
        rowExpSum(row, used ? classes : 0, place, warpsPerRow);
    if (used) {
      // The CPU's form: the first difference is exact for close values.
      total += (stats.max - widen(row[label])) + gc::rt::scalar::log(stats.sum);
      ++count;
    }
  }
  // One thread per group contributes; the block reduction's order is fixed.
  const bool leader = place.lane == 0;
  total = blockAllReduce(leader ? total : A(0), SumOp(), A(0));
  count = blockAllReduce(leader ? count : 0ll, SumOp(), 0ll);
  invalid = blockAllReduce(leader ? invalid : 0, SumOp(), 0);
  if (threadIdx.x == 0)
    partials[blockIdx.x] = {total, count, invalid};
}

/// Step 2 of the loss, one block of kMaxLossBlocks threads: adds the first
/// `count` partials and writes the mean, unless a label was invalid.
template <typename T>
__global__ void __launch_bounds__(kMaxLossBlocks) crossEntropyFinishKernel(
    T *__restrict__ loss,
    const LossPartial<AccumulationOf<T>> *__restrict__ partials, int count,
    int32_t *deviceError) {
  using A = AccumulationOf<T>;
  LossPartial<A> partial = {A(0), 0, 0};
  if (static_cast<int>(threadIdx.x) < count)
    partial = partials[threadIdx.x];
  const A total = blockAllReduce(partial.total, SumOp(), A(0));
  const long long rows = blockAllReduce(partial.count, SumOp(), 0ll);
  const int invalid = blockAllReduce(partial.invalid, SumOp(), 0);
  if (threadIdx.x != 0)
    return;
  if (invalid) {
    reportError(deviceError, GC_STEP_ERROR_LABEL_OUT_OF_RANGE);
    return;
  }
  *loss = toStorage<T>(rows == 0 ? A(0) : total / static_cast<A>(rows));
}

/// Step 1 of the gradient, one block: validates every label and counts the
/// rows that are not ignored, into `summary`.
template <typename Label>
__global__ void __launch_bounds__(kMaxBlockThreads)
    crossEntropyGradLabelsKernel(const Label *__restrict__ labels, int64_t rows,
                                 int64_t classes, int64_t ignoreIndex,
                                 LabelSummary *__restrict__ summary,
                                 int32_t *deviceError) {
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
  if (threadIdx.x != 0)
    return;
  *summary = {count, invalid, 0};
  if (invalid)
    reportError(deviceError, GC_STEP_ERROR_LABEL_OUT_OF_RANGE);
}

/// Step 2 of the gradient: every row, unless a label was invalid.
template <typename T, typename Label>
__global__ void __launch_bounds__(kMaxBlockThreads)
    crossEntropyGradKernel(const T *__restrict__ grad,
                           const T *__restrict__ logits,
                           const Label *__restrict__ labels,
                           T *__restrict__ result, int64_t rows,
                           int64_t classes, int64_t ignoreIndex,
                           int warpsPerRow,
                           const LabelSummary *__restrict__ labelSummary) {
  using A = AccumulationOf<T>;
  const LabelSummary summary = *labelSummary;
  if (summary.invalid)
    return;
  const GroupPlace place = groupPlace(warpsPerRow);
  const A rowScale =
      summary.count == 0 ? A(0) : widen(*grad) / static_cast<A>(summary.count);
  // As in crossEntropyPartialsKernel, the iterations are block-uniform.
  for (int64_t first = static_cast<int64_t>(blockIdx.x) * place.groups;
       first < rows; first += static_cast<int64_t>(gridDim.x) * place.groups) {
    const int64_t n = first + place.group;
    const bool active = n < rows;
    const int64_t label =
        active ? static_cast<int64_t>(labels[n]) : ignoreIndex;
    // Labels were validated: a label that is not ignored is in range.
    const bool used = label != ignoreIndex;
    const T *row = used ? logits + n * classes : logits;
    const RowExpSum<A> stats =
        rowExpSum(row, used ? classes : 0, place, warpsPerRow);
    if (!active)
      continue;
    T *out = result + n * classes;
    if (!used) {
      for (int64_t j = place.lane; j < classes; j += place.threads)
        out[j] = toStorage<T>(A(0));
      continue;
    }
    // The CPU's roundings: p / sum * scale, and (p - 1) * scale at the label.
    for (int64_t j = place.lane; j < classes; j += place.threads) {
      const A p = gc::rt::scalar::exp(widen(row[j]) - stats.max) / stats.sum;
      out[j] = toStorage<T>(j == label ? (p - A(1)) * rowScale : p * rowScale);
    }
  }
}

} // namespace

template <typename T, typename Label>
Status gc::rt::cuda::crossEntropy(const T *logits, const Label *labels, T *loss,
                                  int64_t rows, int64_t classes,
                                  int64_t ignoreIndex, void *workspace,
                                  int32_t *deviceError, cudaStream_t stream) {
  if (!workspace)
    return invalidArgument("cross_entropy", "needs its planned workspace "
                                            "(crossEntropyWorkspaceBytes)");
  auto *partials = static_cast<LossPartial<AccumulationOf<T>> *>(workspace);
  // Launched even without rows (one block, which finds none): the loss is
  // then 0.
  const RowGroups groups = rowGroupsFor<T>(classes);
  const int64_t wanted = (rows + groups.groupsPerBlock - 1) /
                         static_cast<int64_t>(groups.groupsPerBlock);
  const int blocks =
      static_cast<int>(std::clamp<int64_t>(wanted, 1, kMaxLossBlocks));
  GC_CUDA_LAUNCH((crossEntropyPartialsKernel<T, Label>), blocks,
                 groups.blockThreads, 0, stream)(
      logits, labels, rows, classes, ignoreIndex, groups.warpsPerRow, partials);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("cross_entropy");
  GC_CUDA_LAUNCH(crossEntropyFinishKernel<T>, 1, kMaxLossBlocks, 0,
                 stream)(loss, partials, blocks, deviceError);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("cross_entropy");
  return Status::ok();
}

template <typename T, typename Label>
Status gc::rt::cuda::crossEntropyGrad(const T *grad, const T *logits,
                                      const Label *labels, T *result,
                                      int64_t rows, int64_t classes,
                                      int64_t ignoreIndex, void *workspace,
                                      int32_t *deviceError,
                                      cudaStream_t stream) {
  if (rows == 0)
    return Status::ok();
  if (!workspace)
    return invalidArgument("cross_entropy_grad",
                           "needs its planned workspace "
                           "(crossEntropyGradWorkspaceBytes)");
  auto *summary = static_cast<LabelSummary *>(workspace);
  GC_CUDA_LAUNCH(crossEntropyGradLabelsKernel<Label>, 1, kMaxBlockThreads, 0,
                 stream)(labels, rows, classes, ignoreIndex, summary,
                         deviceError);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("cross_entropy_grad");
  const RowGroups groups = rowGroupsFor<T>(classes);
  const int64_t wanted = (rows + groups.groupsPerBlock - 1) /
                         static_cast<int64_t>(groups.groupsPerBlock);
  const auto blocks =
      static_cast<unsigned>(std::clamp<int64_t>(wanted, 1, kMaxGridBlocks));
  GC_CUDA_LAUNCH((crossEntropyGradKernel<T, Label>), blocks,
                 groups.blockThreads, 0, stream)(grad, logits, labels, result,
                                                 rows, classes, ignoreIndex,
                                                 groups.warpsPerRow, summary);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("cross_entropy_grad");
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T, Label)                                            \
  template Status gc::rt::cuda::crossEntropy<T, Label>(                        \
      const T *, const Label *, T *, int64_t, int64_t, int64_t, void *,        \
      int32_t *, cudaStream_t);                                                \
  template Status gc::rt::cuda::crossEntropyGrad<T, Label>(                    \
      const T *, const T *, const Label *, T *, int64_t, int64_t, int64_t,     \
      void *, int32_t *, cudaStream_t);
GC_RT_INSTANTIATE(float, int32_t)
GC_RT_INSTANTIATE(float, int64_t)
GC_RT_INSTANTIATE(double, int32_t)
GC_RT_INSTANTIATE(double, int64_t)
GC_RT_INSTANTIATE(BFloat16, int32_t)
GC_RT_INSTANTIATE(BFloat16, int64_t)
GC_RT_INSTANTIATE(Half, int32_t)
GC_RT_INSTANTIATE(Half, int64_t)
#undef GC_RT_INSTANTIATE
