//===- Embedding.cu - Embedding gather and its gradient on CUDA -----------===//
//
// gc.embedding copies one table row per id, one thread per result element.
// A position whose id is out of range reports GC_STEP_ERROR_INDEX_OUT_OF_RANGE
// and leaves its result row unwritten; the other rows are written.
//
// gc.embedding_grad must be deterministic and must not use float atomics.
// The CPU zeroes the result and then, for every position in order, adds the
// upstream row into the row its id names, so each result element receives
// its contributions in position order. The kernel keeps exactly that order:
// a thread owns one column of one slice of the vocabulary (a contiguous
// range of table rows) and walks all the ids in position order, adding the
// upstream element of every position whose id falls into its slice. No two
// threads touch the same element, so there are no atomics, and the additions
// into each element happen in the CPU's order and precision (T), giving the
// CPU's result bitwise. The vocabulary is cut into slices only to get more
// threads than there are columns; every thread still reads all the ids
// (consecutive threads of a warp read the same id, a broadcast).
//
// Before writing anything each thread checks every id, so an out-of-range
// id leaves the whole gradient unwritten, as on the CPU, and every thread
// agrees on that.
//
// A vocabulary of one or two rows (BERT's token types) leaves that kernel
// with one or two threads' worth of work per column walking every id; it
// runs instead as column sums in two stages (ColumnSums.h) through the
// op's planned workspace: one block checks the ids and writes a flag into
// the workspace, stage 1 sums each chunk of ids into per-row partials, and
// stage 2 writes nothing when the flag is set.
//
//===----------------------------------------------------------------------===//

#include "ColumnSums.h"
#include "Support.h"

#include "gc_rt/StepAbi.h"

#include <algorithm>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

template <typename T, typename Id>
__global__ void
embeddingKernel(const T *__restrict__ table, const Id *__restrict__ ids,
                T *__restrict__ result, int64_t vocabSize, int64_t embeddingDim,
                int64_t numIds, int32_t *deviceError) {
  // With embeddingDim == 0 one column is still visited, to check the ids.
  const int64_t columns = max(embeddingDim, int64_t(1));
  const int64_t total = numIds * columns;
  for (int64_t e = globalThreadIndex(); e < total; e += globalThreadCount()) {
    const int64_t i = e / columns, j = e - i * columns;
    const auto id = static_cast<int64_t>(ids[i]);
    if (id < 0 || id >= vocabSize) {
      if (j == 0)
        reportError(deviceError, GC_STEP_ERROR_INDEX_OUT_OF_RANGE);
      continue;
    }
    if (j < embeddingDim)
      result[i * embeddingDim + j] = table[id * embeddingDim + j];
  }
}

/// Thread (column j, slice blockIdx.y) owns result rows
/// [slice * rowsPerSlice, (slice + 1) * rowsPerSlice) of column j.
template <typename T, typename Id>
__global__ void
embeddingGradKernel(const T *__restrict__ grad, const Id *__restrict__ ids,
                    T *__restrict__ result, int64_t vocabSize,
                    int64_t embeddingDim, int64_t numIds, int64_t paddingIdx,
                    int64_t rowsPerSlice, int32_t *deviceError) {
  const int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  // Column 0 checks the ids even when embeddingDim is 0.
  if (j >= embeddingDim && j > 0)
    return;
  for (int64_t i = 0; i < numIds; ++i) {
    const auto id = static_cast<int64_t>(ids[i]);
    if (id < 0 || id >= vocabSize) {
      reportError(deviceError, GC_STEP_ERROR_INDEX_OUT_OF_RANGE);
      return;
    }
  }
  if (j >= embeddingDim)
    return;
  const int64_t first = blockIdx.y * rowsPerSlice;
  const int64_t last = min(first + rowsPerSlice, vocabSize);
  for (int64_t row = first; row < last; ++row)
    result[row * embeddingDim + j] = T(0);
  for (int64_t i = 0; i < numIds; ++i) {
    const auto id = static_cast<int64_t>(ids[i]);
    if (id < first || id >= last || id == paddingIdx)
      continue;
    result[id * embeddingDim + j] += grad[i * embeddingDim + j];
  }
}

/// The small-vocabulary path's id check, one block: sets *invalid (and the
/// error word) when an id is outside [0, vocabSize).
template <typename Id>
__global__ void checkIdsKernel(const Id *__restrict__ ids, int64_t numIds,
                               int64_t vocabSize, int32_t *__restrict__ invalid,
                               int32_t *deviceError) {
  int bad = 0;
  for (int64_t i = threadIdx.x; i < numIds; i += blockDim.x) {
    const auto id = static_cast<int64_t>(ids[i]);
    bad |= id < 0 || id >= vocabSize;
  }
  bad = blockAllReduce(bad, SumOp(), 0);
  if (threadIdx.x != 0)
    return;
  *invalid = bad != 0;
  if (bad)
    reportError(deviceError, GC_STEP_ERROR_INDEX_OUT_OF_RANGE);
}

/// One position's terms of a small vocabulary's gradient at `column`: the
/// upstream element goes to the sum of its id's row (ids out of range add
/// nothing; stage 2 is skipped then anyway).
template <typename T, typename Id> struct TokenRowTerms {
  const T *grad;
  const Id *ids;
  int64_t dim, vocabSize, paddingIdx;
  __device__ void operator()(int64_t position, int64_t column, T *acc) const {
    const auto id = static_cast<int64_t>(ids[position]);
    if (id == paddingIdx)
      return;
    const T g = grad[position * dim + column];
    if (id == 0)
      acc[0] += g;
    else if (id == 1 && vocabSize > 1)
      acc[kColumnSumVocabulary - 1] += g;
  }
};
static_assert(kColumnSumVocabulary == 2, "TokenRowTerms adds rows 0 and 1");

/// Columns per block of the gradient kernel.
constexpr int kColumnBlockSize = 64;
/// At most this many vocabulary slices (grid.y), and no slice smaller than
/// kMinRowsPerSlice rows: beyond that, the repeated reads of the ids cost
/// more than the added parallelism gains.
constexpr int64_t kMaxSlices = 64;
constexpr int64_t kMinRowsPerSlice = 64;

} // namespace

template <typename T, typename Id>
Status gc::rt::cuda::embedding(const T *table, const Id *ids, T *result,
                               int64_t vocabSize, int64_t embeddingDim,
                               int64_t numIds, int32_t *deviceError,
                               cudaStream_t stream) {
  if (numIds == 0)
    return Status::ok();
  const int64_t total = numIds * std::max<int64_t>(embeddingDim, 1);
  GC_CUDA_LAUNCH((embeddingKernel<T, Id>), gridFor(total), kBlockSize, 0,
                 stream)(table, ids, result, vocabSize, embeddingDim, numIds,
                         deviceError);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("embedding");
  return Status::ok();
}

template <typename T, typename Id>
Status gc::rt::cuda::embeddingGrad(const T *grad, const Id *ids, T *result,
                                   int64_t vocabSize, int64_t embeddingDim,
                                   int64_t numIds, int64_t paddingIdx,
                                   void *workspace, int32_t *deviceError,
                                   cudaStream_t stream) {
  const char *kernel = "embedding_grad";
  if (numIds == 0 && (vocabSize == 0 || embeddingDim == 0))
    return Status::ok();
  if (embeddingGradWorkspaceBytes(vocabSize, embeddingDim, numIds, sizeof(T)) >
      0) {
    if (!workspace)
      return invalidArgument(kernel, "needs its planned workspace "
                                     "(embeddingGradWorkspaceBytes)");
    auto *invalid = static_cast<int32_t *>(workspace);
    T *partials = reinterpret_cast<T *>(static_cast<char *>(workspace) +
                                        kEmbeddingGradFlagBytes);
    GC_CUDA_LAUNCH(checkIdsKernel<Id>, 1, 1024, 0,
                   stream)(ids, numIds, vocabSize, invalid, deviceError);
    GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
    const TokenRowTerms<T, Id> terms{grad, ids, embeddingDim, vocabSize,
                                     paddingIdx};
    ColumnOutputs<T> rows;
    for (int64_t v = 0; v < vocabSize; ++v)
      rows.sum[v] = result + v * embeddingDim;
    if (vocabSize == 1)
      return launchColumnSums<T, 1>(kernel, terms, numIds, embeddingDim,
                                    partials, rows, T(1), invalid, stream);
    return launchColumnSums<T, 2>(kernel, terms, numIds, embeddingDim, partials,
                                  rows, T(1), invalid, stream);
  }
  // At least one column thread, which checks the ids.
  const int64_t columnBlocks =
      (std::max<int64_t>(embeddingDim, 1) + kColumnBlockSize - 1) /
      kColumnBlockSize;
  const int64_t slices =
      std::clamp<int64_t>(vocabSize / kMinRowsPerSlice, 1, kMaxSlices);
  const int64_t rowsPerSlice =
      std::max<int64_t>((vocabSize + slices - 1) / slices, 1);
  if (columnBlocks > INT32_MAX)
    return invalidArgument(kernel, "embedding dimension too large");
  const dim3 grid(static_cast<unsigned>(columnBlocks),
                  static_cast<unsigned>(slices));
  GC_CUDA_LAUNCH((embeddingGradKernel<T, Id>), grid, kColumnBlockSize, 0,
                 stream)(grad, ids, result, vocabSize, embeddingDim, numIds,
                         paddingIdx, rowsPerSlice, deviceError);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T, Id)                                               \
  template Status gc::rt::cuda::embedding<T, Id>(const T *, const Id *, T *,   \
                                                 int64_t, int64_t, int64_t,    \
                                                 int32_t *, cudaStream_t);     \
  template Status gc::rt::cuda::embeddingGrad<T, Id>(                          \
      const T *, const Id *, T *, int64_t, int64_t, int64_t, int64_t, void *,  \
      int32_t *, cudaStream_t);
GC_RT_INSTANTIATE(float, int32_t)
GC_RT_INSTANTIATE(float, int64_t)
GC_RT_INSTANTIATE(double, int32_t)
GC_RT_INSTANTIATE(double, int64_t)
#undef GC_RT_INSTANTIATE
