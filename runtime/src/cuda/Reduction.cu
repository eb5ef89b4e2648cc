//===- Reduction.cu - reduce_sum, reduce_mean, reduce_max on CUDA ---------===//
//
// Reductions over any sorted set of dimensions. A sum or mean of leading
// dimensions over more than kColumnChunkRows rows (a bias gradient: the
// batch and sequence dimensions of [B, S, H]) runs in two stages through
// its planned workspace (ColumnSums.h), in the element type. Every other
// result element is produced whole by one thread or one block:
//
// The host first collapses the dimensions as the CPU does (size-1
// dimensions dropped, neighbouring dimensions that are both reduced or both
// kept merged), then splits the groups into the kept ones, which index the
// result (row-major, since kept dimensions keep their order), and the
// reduced ones, which index the elements of one result's reduction. Each
// carries the operand strides of its groups.
//
// Two strategies, chosen on the host:
//  - One thread per result element walks its reduced elements in row-major
//    order, a sum per innermost contiguous run (when the innermost group is
//    reduced) added to the accumulator. When the innermost group is kept,
//    neighbouring threads read neighbouring elements (coalesced). Used for
//    short reductions, or when there are many results and the innermost
//    group is kept.
//  - One block per result element: the threads stride over the reduced
//    elements and combine with a deterministic block reduction. Used for
//    long reductions of contiguous runs (a row sum) or when there are too
//    few results to keep the GPU busy.
// Everything computes in the element type (f32 for f32, the numerics
// contract) or, for bf16 and f16, in float with one rounding of each result
// (AccumulationOf), in orders fixed by the shape; max propagates NaN.
//
//===----------------------------------------------------------------------===//

#include "ColumnSums.h"
#include "Support.h"

#include <cassert>
#include <cmath>
#include <limits>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

/// The operand seen as kept groups (which index the result) and reduced
/// groups (which index one reduction); passed to the kernels by value.
struct ReduceLayout {
  int keptRank = 0, reducedRank = 0;
  int64_t keptSizes[kMaxRank], keptStrides[kMaxRank];
  int64_t reducedSizes[kMaxRank], reducedStrides[kMaxRank];
  int64_t resultCount = 1, reducedCount = 1;
  /// The CPU sums runs of this many elements (the innermost group) before
  /// adding them to the accumulator; 1 when the innermost group is kept.
  int64_t runLength = 1;
  bool innermostReduced = false;
};

/// Builds the layout of a reduction with at least one element per result.
ReduceLayout buildLayout(Shape inputShape, DimList dims) {
  bool isReduced[kMaxRank] = {};
  for (int i = 0; i < dims.rank; ++i)
    isReduced[dims[i]] = true;
  // Collapse into alternating groups, as the CPU does.
  int rank = 0;
  int64_t sizes[kMaxRank];
  bool reduced[kMaxRank];
  for (int i = 0; i < inputShape.rank; ++i) {
    if (inputShape[i] == 1)
      continue;
    if (rank > 0 && reduced[rank - 1] == isReduced[i]) {
      sizes[rank - 1] *= inputShape[i];
      continue;
    }
    sizes[rank] = inputShape[i];
    reduced[rank] = isReduced[i];
    ++rank;
  }
  int64_t strides[kMaxRank];
  int64_t stride = 1;
  for (int i = rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= sizes[i];
  }
  ReduceLayout layout;
  for (int i = 0; i < rank; ++i) {
    if (reduced[i]) {
      layout.reducedSizes[layout.reducedRank] = sizes[i];
      layout.reducedStrides[layout.reducedRank] = strides[i];
      ++layout.reducedRank;
      layout.reducedCount *= sizes[i];
    } else {
      layout.keptSizes[layout.keptRank] = sizes[i];
      layout.keptStrides[layout.keptRank] = strides[i];
      ++layout.keptRank;
      layout.resultCount *= sizes[i];
    }
  }
  layout.innermostReduced = rank > 0 && reduced[rank - 1];
  layout.runLength = layout.innermostReduced ? sizes[rank - 1] : 1;
  return layout;
}

/// The operand offset of result element `index` (its kept coordinates).
__device__ int64_t keptOffset(const ReduceLayout &layout, int64_t index) {
  int64_t offset = 0;
  for (int d = layout.keptRank - 1; d >= 0; --d) {
    const int64_t q = index / layout.keptSizes[d];
    offset += (index - q * layout.keptSizes[d]) * layout.keptStrides[d];
    index = q;
  }
  return offset;
}

/// The operand offset, relative to its result's base, of element `index` of
/// one reduction (row-major over the reduced groups).
__device__ int64_t reducedOffset(const ReduceLayout &layout, int64_t index) {
  int64_t offset = 0;
  for (int d = layout.reducedRank - 1; d >= 0; --d) {
    const int64_t q = index / layout.reducedSizes[d];
    offset += (index - q * layout.reducedSizes[d]) * layout.reducedStrides[d];
    index = q;
  }
  return offset;
}

template <typename T>
__global__ void
reduceThreadPerResultKernel(ReduceOp op, const T *__restrict__ input,
                            T *__restrict__ result, ReduceLayout layout) {
  using A = AccumulationOf<T>;
  const int64_t runs = layout.reducedCount / layout.runLength;
  for (int64_t out = globalThreadIndex(); out < layout.resultCount;
       out += globalThreadCount()) {
    const T *base = input + keptOffset(layout, out);
    if (op == ReduceOp::Max) {
      A acc = static_cast<A>(-INFINITY);
      for (int64_t r = 0; r < layout.reducedCount; ++r)
        acc = MaxWithNanOp()(acc, widen(base[reducedOffset(layout, r)]));
      result[out] = toStorage<T>(acc);
      continue;
    }
    // Each innermost run summed on its own, then added.
    A acc = 0;
    for (int64_t run = 0; run < runs; ++run) {
      const int64_t first = run * layout.runLength;
      A sum = 0;
      for (int64_t j = 0; j < layout.runLength; ++j)
        sum += widen(base[reducedOffset(layout, first + j)]);
      acc += sum;
    }
    result[out] = toStorage<T>(
        op == ReduceOp::Mean ? acc / static_cast<A>(layout.reducedCount) : acc);
  }
}

template <typename T>
__global__ void
reduceBlockPerResultKernel(ReduceOp op, const T *__restrict__ input,
                           T *__restrict__ result, ReduceLayout layout) {
  using A = AccumulationOf<T>;
  // Every thread of a block runs the same iterations (the loop bound depends
  // on the block only), as the block reductions require.
  for (int64_t out = blockIdx.x; out < layout.resultCount; out += gridDim.x) {
    const T *base = input + keptOffset(layout, out);
    if (op == ReduceOp::Max) {
      A acc = static_cast<A>(-INFINITY);
      for (int64_t r = threadIdx.x; r < layout.reducedCount; r += blockDim.x)
        acc = MaxWithNanOp()(acc, widen(base[reducedOffset(layout, r)]));
      acc = blockAllReduce(acc, MaxWithNanOp(), static_cast<A>(-INFINITY));
      if (threadIdx.x == 0)
        result[out] = toStorage<T>(acc);
      continue;
    }
    A sum = 0;
    for (int64_t r = threadIdx.x; r < layout.reducedCount; r += blockDim.x)
      sum += widen(base[reducedOffset(layout, r)]);
    sum = blockAllReduce(sum, SumOp(), A(0));
    if (threadIdx.x == 0)
      result[out] = toStorage<T>(op == ReduceOp::Mean
                                     ? sum / static_cast<A>(layout.reducedCount)
                                     : sum);
  }
}

template <typename T>
__global__ void fillKernel(T *__restrict__ result, int64_t n, T value) {
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount())
    result[i] = value;
}

/// Reductions at least this long may get a block per result.
constexpr int64_t kBlockReductionLength = 256;
/// With the innermost group kept, a thread per result is preferred (it
/// coalesces) once there are at least this many results.
constexpr int64_t kManyResults = 2048;

} // namespace

namespace {
/// Stage 1's load of a column reduction: one element, widened.
template <typename T> struct ColumnElement {
  const T *input;
  int64_t cols;
  __device__ void operator()(int64_t row, int64_t column,
                             AccumulationOf<T> *acc) const {
    acc[0] += widen(input[row * cols + column]);
  }
};
} // namespace

template <typename T>
Status gc::rt::cuda::reduce(ReduceOp op, const T *input, T *result,
                            Shape inputShape, DimList dims,
                            AccumulationOf<T> *workspace, cudaStream_t stream) {
  using A = AccumulationOf<T>;
  const char *kernel = op == ReduceOp::Sum    ? "reduce_sum"
                       : op == ReduceOp::Mean ? "reduce_mean"
                                              : "reduce_max";
  if (inputShape.rank > kMaxRank || dims.rank < 1)
    return invalidArgument(kernel, "rank above kMaxRank or no reduced dims");
  int64_t reducedCount = 1, keptCount = 1;
  for (int i = 0, j = 0; i < inputShape.rank; ++i) {
    if (j < dims.rank && dims[j] == i) {
      reducedCount *= inputShape[i];
      ++j;
      continue;
    }
    keptCount *= inputShape[i];
  }

  if (reducedCount == 0) {
    // An empty reduction: every result gets the identity (the mean of
    // nothing is NaN).
    if (keptCount == 0)
      return Status::ok();
    const T identity = toStorage<T>(op == ReduceOp::Sum ? A(0)
                                    : op == ReduceOp::Mean
                                        ? std::numeric_limits<A>::quiet_NaN()
                                        : -std::numeric_limits<A>::infinity());
    GC_CUDA_LAUNCH(fillKernel<T>, gridFor(keptCount), kBlockSize, 0,
                   stream)(result, keptCount, identity);
    GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
    return Status::ok();
  }
  if (keptCount == 0)
    return Status::ok();

  if (op != ReduceOp::Max) {
    const ColumnView view =
        columnViewOf(inputShape.dims, inputShape.rank, dims.dims, dims.rank);
    if (columnSumWorkspaceBytes(view.rows, view.cols, sizeof(A), 1) > 0)
      return launchColumnSums<A, 1>(
          kernel, ColumnElement<T>{input, view.cols}, view.rows, view.cols,
          workspace, ColumnOutputs<T>{{result}},
          op == ReduceOp::Mean ? static_cast<A>(view.rows) : A(1), nullptr,
          stream);
  }

  const ReduceLayout layout = buildLayout(inputShape, dims);
  assert(layout.resultCount == keptCount &&
         layout.reducedCount == reducedCount);
  const bool blockPerResult =
      layout.reducedCount >= kBlockReductionLength &&
      (layout.innermostReduced || layout.resultCount < kManyResults);
  if (blockPerResult)
    GC_CUDA_LAUNCH(reduceBlockPerResultKernel<T>,
                   gridForRows(layout.resultCount), kBlockSize, 0,
                   stream)(op, input, result, layout);
  else
    GC_CUDA_LAUNCH(reduceThreadPerResultKernel<T>, gridFor(layout.resultCount),
                   kBlockSize, 0, stream)(op, input, result, layout);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

template Status gc::rt::cuda::reduce<float>(ReduceOp, const float *, float *,
                                            Shape, DimList, float *,
                                            cudaStream_t);
template Status gc::rt::cuda::reduce<double>(ReduceOp, const double *, double *,
                                             Shape, DimList, double *,
                                             cudaStream_t);
template Status gc::rt::cuda::reduce<BFloat16>(ReduceOp, const BFloat16 *,
                                               BFloat16 *, Shape, DimList,
                                               float *, cudaStream_t);
template Status gc::rt::cuda::reduce<Half>(ReduceOp, const Half *, Half *,
                                           Shape, DimList, float *,
                                           cudaStream_t);
