//===- ColumnSums.h - Two-stage column sums with a workspace ----*- C++ -*-===//
//
// Private to runtime/src/cuda. Sums over the rows of a [rows, cols] view in
// two kernels through a planned workspace (gc_rt/cuda/Workspace.h):
//  1. columnPartialsKernel: each block takes one chunk of kColumnChunkRows
//     rows and 32 columns, as 8 row lanes of one warp each (lane = column,
//     so a warp reads 32 neighbouring elements of a row); row lane k sums
//     the chunk's rows k, k + 8, ..., the 8 partials are added in row-lane
//     order through shared memory, and the sum goes to
//     workspace[(sum * cols + column) * chunks + chunk];
//  2. columnFinishKernel: one warp per (sum, column) adds its chunks (lane
//     j takes chunks j, j + 32, ..., then a butterfly) and writes the
//     result, divided by `divisor` (1 for a sum, the row count for a
//     mean, as the CPU divides); it writes nothing when `skip` points to a
//     nonzero word (a kernel before found the data invalid).
// A functor Load(row, column, acc) adds one row's terms into acc[0..Sums).
// The order of every addition depends on rows and cols only. The sums and
// the workspace are in T; the outputs' element type Out may be narrower (a
// 16-bit sum computed in float and rounded once, toStorage).
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_SRC_CUDA_COLUMNSUMS_H
#define GC_RT_SRC_CUDA_COLUMNSUMS_H

#include "Support.h"

namespace gc::rt::cuda::detail {

constexpr int kColumnTile = 32;
constexpr int kRowLanes = kBlockSize / kColumnTile;

/// Where the sums go: sum s of column c into sum[s][c].
template <typename T> struct ColumnOutputs {
  T *sum[kRowLanes] = {};
};

#ifdef GC_RT_CUDA_SOURCE

template <typename T, int Sums, typename Load>
__global__ void columnPartialsKernel(Load load, T *__restrict__ workspace,
                                     int64_t rows, int64_t cols,
                                     int64_t chunks) {
  __shared__ T staged[Sums][kRowLanes][kColumnTile];
  const int tx = threadIdx.x % kColumnTile, ry = threadIdx.x / kColumnTile;
  const int64_t tiles = (cols + kColumnTile - 1) / kColumnTile;
  for (int64_t task = blockIdx.x; task < tiles * chunks; task += gridDim.x) {
    const int64_t chunk = task / tiles;
    const int64_t column = (task - chunk * tiles) * kColumnTile + tx;
    const int64_t begin = chunk * kColumnChunkRows;
    const int64_t end = min(rows, begin + kColumnChunkRows);
    T acc[Sums];
    for (int s = 0; s < Sums; ++s)
      acc[s] = 0;
    if (column < cols)
      for (int64_t r = begin + ry; r < end; r += kRowLanes)
        load(r, column, acc);
    for (int s = 0; s < Sums; ++s)
      staged[s][ry][tx] = acc[s];
    __syncthreads();
    if (ry < Sums && column < cols) {
      T sum = staged[ry][0][tx];
      for (int k = 1; k < kRowLanes; ++k)
        sum += staged[ry][k][tx];
      workspace[(ry * cols + column) * chunks + chunk] = sum;
    }
    // The next task's writes of `staged` wait for these reads.
    __syncthreads();
  }
}

template <typename T, typename Out>
__global__ void columnFinishKernel(const T *__restrict__ workspace,
                                   ColumnOutputs<Out> outputs, int sums,
                                   int64_t cols, int64_t chunks, T divisor,
                                   const int32_t *skip) {
  if (skip && *skip)
    return;
  const int lane = laneIndex();
  for (int64_t w = warpRowIndex(); w < sums * cols; w += warpRowCount()) {
    const T *partials = workspace + w * chunks;
    T sum = 0;
    for (int64_t k = lane; k < chunks; k += 32)
      sum += partials[k];
    sum = warpSum(sum);
    if (lane == 0)
      outputs.sum[w / cols][w % cols] = toStorage<Out>(sum / divisor);
  }
}

/// Launches both stages: `Sums` sums of `load` over [rows, cols] into
/// `outputs`, each divided by `divisor`, unless `skip` (may be null) points
/// to a nonzero word when stage 2 runs. rows must be above kColumnChunkRows
/// and the workspace columnSumWorkspaceBytes().
template <typename T, int Sums, typename Load, typename Out>
Status launchColumnSums(const char *kernel, Load load, int64_t rows,
                        int64_t cols, T *workspace, ColumnOutputs<Out> outputs,
                        T divisor, const int32_t *skip, cudaStream_t stream) {
  static_assert(Sums >= 1 && Sums <= kRowLanes);
  if (!workspace)
    return invalidArgument(kernel, "needs its planned workspace (a column "
                                   "sum over more than kColumnChunkRows "
                                   "rows), but got none");
  const int64_t chunks = columnChunks(rows);
  const int64_t tiles = (cols + kColumnTile - 1) / kColumnTile;
  GC_CUDA_LAUNCH((columnPartialsKernel<T, Sums, Load>),
                 gridFor(tiles * chunks * kBlockSize), kBlockSize, 0,
                 stream)(load, workspace, rows, cols, chunks);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  GC_CUDA_LAUNCH((columnFinishKernel<T, Out>), gridForWarpRows(Sums * cols),
                 kBlockSize, 0,
                 stream)(workspace, outputs, Sums, cols, chunks, divisor, skip);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

#endif // GC_RT_CUDA_SOURCE

} // namespace gc::rt::cuda::detail

#endif // GC_RT_SRC_CUDA_COLUMNSUMS_H
