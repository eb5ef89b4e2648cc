//===- AttentionTensorCore.cu - Tiled bf16/f16 attention on tensor cores --===//
//
// gc.attention and gc.attention_grad for bf16 and f16 with head dimensions
// up to 128: FlashAttention-2 (Dao 2023) on the tensor cores through the
// warp matrix functions (TensorCore.h). Blocks own tiles of rows; each warp
// owns 16 of them and multiplies 16x16x16 tiles in f32; the [queries, keys]
// scores exist only a 16 x 32 tile per warp at a time, in shared memory.
//
//  - Forward: a block owns a tile of query rows and walks the keys 32 at a
//    time. Per key tile a warp computes its scores S = Q K^T on the tensor
//    cores, then two lanes per row update the row's running maximum m and
//    sum l (the online softmax of Milakov and Gimelshein 2018), write the
//    unnormalized probabilities exp(s - m) (dropped as gc.dropout would
//    drop them) in the 16-bit type, rescale the row's f32 output by
//    exp(m_old - m), and the tensor cores add P V to it. At the end the
//    output is divided by l and lse = m + log l.
//  - Backward, as in Attention.cu split into two kernels so that every
//    gradient row is written by one warp, in a fixed order, with no
//    atomics: a query tile's warps compute D = grad . output per row, then
//    per key tile S = Q K^T and dZ = grad V^T, the score gradients
//    dS = P (dropout(dZ) - D) with P = exp(s - lse), and dQ += dS K; a key
//    tile's warps walk the queries 32 at a time, computing S^T = K Q^T and
//    dZ^T = V grad^T, then dV += dropout(P)^T grad and dK += dS^T Q.
//
// Numerics: inputs are 16-bit and every product is exact in f32; the scores,
// the softmax statistics, lse, D and all accumulators are f32. As in
// FlashAttention-2 and PyTorch's flash SDPA, the probabilities and the score
// gradients are rounded to the 16-bit type where they enter a tensor-core
// product (P V, dropout(P)^T grad, dS K, dS^T Q), which the f32 warp-per-row
// kernel does not do; docs/numerics.md states the resulting tolerance.
// Every sum has an order fixed by the shapes, so results are the same run to
// run.
//
// Rows and columns past the problem's edges are zero in the shared tiles
// and masked out of the softmax, so any sizes work; the head dimensions are
// padded to a multiple of 16 inside the tiles.
//
//===----------------------------------------------------------------------===//

#include "AttentionTensorCore.h"
#include "Support.h"
#include "TensorCore.h"

#include "gc_rt/AttentionDropout.h"
#include "gc_rt/Scalar.h"

#include <cmath>
#include <cstdint>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;
namespace scalar = gc::rt::scalar;

namespace {

/// Keys per step of the forward and query-gradient kernels, queries per step
/// of the key/value-gradient kernel: two 16-wide tiles, and 16 columns for
/// each of the two lanes that share a row.
constexpr int kStep = 32;
constexpr int kLaneColumns = kStep / 2;
constexpr unsigned kFullWarp = 0xffffffffu;

/// Warps per block of the key/value-gradient kernel, whose tiles are the
/// largest (each kernel's shared memory stays within the 48 KiB a block may
/// declare statically).
constexpr int kKeyValueWarps = 2;

/// The row of the warp's 16 that a lane works on outside the tensor cores,
/// and the half of the row's columns it takes.
__device__ inline int laneRow() { return (threadIdx.x % 32) / 2; }
__device__ inline int laneHalf() { return threadIdx.x % 2; }

/// `n` rounded up to whole 16-wide tiles.
__host__ __device__ inline int tileCeil(int64_t n) {
  return static_cast<int>((n + kMatrixTile - 1) / kMatrixTile * kMatrixTile);
}

/// The rows a block works on: tiles go pair by pair (batch b, head h), each
/// pair's rows split into tiles of `rowsPerTile`, the first at `first`.
struct RowTile {
  int64_t pair, first, b, h;
};

__device__ inline RowTile rowTileOf(int64_t tile, int64_t tilesPerPair,
                                    int rowsPerTile, int64_t heads) {
  const int64_t pair = tile / tilesPerPair, b = pair / heads;
  return {pair, (tile - pair * tilesPerPair) * rowsPerTile, b,
          pair - b * heads};
}

/// Copies rows [first, first + tileRows) of a row-major [rows, width] matrix
/// into a [tileRows, Width] shared tile; zero past the matrix's edges. The
/// whole block calls it. Rows of whole 16-byte words (the usual head
/// dimensions, on the arena's aligned buffers) move a word per thread.
template <int Width, typename T>
__device__ void stageRows(T *tile, int tileRows, const T *matrix, int64_t rows,
                          int64_t width, int64_t first) {
  constexpr int kWordElements = sizeof(uint4) / sizeof(T);
  static_assert(Width % kWordElements == 0, "tile rows are whole words");
  if (width % kWordElements == 0 &&
      reinterpret_cast<uintptr_t>(matrix) % sizeof(uint4) == 0) {
    constexpr int kRowWords = Width / kWordElements;
    for (int index = threadIdx.x; index < tileRows * kRowWords;
         index += blockDim.x) {
      const int r = index / kRowWords, c = index % kRowWords * kWordElements;
      const int64_t row = first + r;
      uint4 word = {0, 0, 0, 0};
      if (row < rows && c < width)
        word = *reinterpret_cast<const uint4 *>(matrix + row * width + c);
      *reinterpret_cast<uint4 *>(tile + r * Width + c) = word;
    }
    return;
  }
  for (int index = threadIdx.x; index < tileRows * Width; index += blockDim.x) {
    const int r = index / Width, c = index % Width;
    const int64_t row = first + r;
    tile[index] = row < rows && c < width ? matrix[row * width + c] : T{0};
  }
}

/// scores = A B^T for a warp: A is the warp's 16 rows (row stride lda), B
/// kStep rows (row stride ldb), both `depth` wide; scores is 16 x kStep f32.
template <typename T>
__device__ void warpScores(float *scores, const T *a, int lda, const T *b,
                           int ldb, int depth) {
  for (int n = 0; n < kStep; n += kMatrixTile) {
    TileAccumulator acc;
    wmma::fill_fragment(acc, 0.0f);
    accumulateProductTransposed(acc, a, lda, b + n * ldb, ldb, depth);
    wmma::store_matrix_sync(scores + n, acc, kStep, wmma::mem_row_major);
  }
}

/// Writes 16-column block `column` of a warp's accumulated rows to
/// out[row * width + column + c] (rows first + 0..15 below `rows`, columns
/// below `width`), times `scale`, through the warp's f32 scratch tile.
template <typename T>
__device__ void storeRows(T *out, int64_t width, int64_t first, int64_t rows,
                          int column, const TileAccumulator &acc, float scale,
                          float *scratch) {
  wmma::store_matrix_sync(scratch, acc, kMatrixTile, wmma::mem_row_major);
  __syncwarp();
  const int r = laneRow();
  const int64_t row = first + r;
  for (int c = laneHalf() * 8; c < laneHalf() * 8 + 8; ++c)
    if (row < rows && column + c < width)
      out[row * width + column + c] =
          toStorage<T>(scratch[r * kMatrixTile + c] * scale);
  __syncwarp();
}

//===----------------------------------------------------------------------===//
// Forward
//===----------------------------------------------------------------------===//

template <typename T, int Width, int Warps>
__global__ void __launch_bounds__(32 * Warps)
    tensorCoreAttentionKernel(const T *__restrict__ query,
                              const T *__restrict__ key,
                              const T *__restrict__ value,
                              const T *__restrict__ mask,
                              const int64_t *__restrict__ seed,
                              T *__restrict__ result, float *__restrict__ lse,
                              AttentionProblem p) {
  constexpr int Rows = 16 * Warps;
  alignas(32) __shared__ T queries[Rows * Width];
  alignas(32) __shared__ T keys[kStep * Width];
  alignas(32) __shared__ T values[kStep * Width];
  alignas(32) __shared__ float scores[Warps][16 * kStep];
  alignas(32) __shared__ T probabilities[Warps][16 * kStep];
  alignas(32) __shared__ float outputs[Warps][16 * Width];
  __shared__ float rowMax[Rows], rowSum[Rows];

  const int warp = threadIdx.x / 32, r = laneRow(), half = laneHalf();
  const int warpRow = warp * 16 + r;
  const int depth = tileCeil(p.headDim), width = tileCeil(p.valueDim);
  const int64_t queryTiles = (p.queries + Rows - 1) / Rows;
  const int64_t tiles = p.batch * p.heads * queryTiles;
  const AttentionDropout<float> dropout(p, seed);
  float *out = outputs[warp];

  for (int64_t tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
    const auto [pair, firstQuery, b, h] =
        rowTileOf(tile, queryTiles, Rows, p.heads);
    const int64_t i = firstQuery + warpRow;
    // The previous tile's readers of the shared tiles are done.
    __syncthreads();
    stageRows<Width>(queries, Rows, query + pair * p.queries * p.headDim,
                     p.queries, p.headDim, firstQuery);
    for (int c = half; c < width; c += 2)
      out[r * Width + c] = 0.0f;
    if (half == 0) {
      rowMax[warpRow] = -INFINITY;
      rowSum[warpRow] = 0.0f;
    }
    for (int64_t firstKey = 0; firstKey < p.keys; firstKey += kStep) {
      __syncthreads();
      stageRows<Width>(keys, kStep, key + pair * p.keys * p.headDim, p.keys,
                       p.headDim, firstKey);
      stageRows<Width>(values, kStep, value + pair * p.keys * p.valueDim,
                       p.keys, p.valueDim, firstKey);
      __syncthreads();
      warpScores(scores[warp], queries + warp * 16 * Width, Width, keys, Width,
                 depth);
      __syncwarp();

      // The online softmax of row i over this lane's 16 keys.
      float rowScores[kLaneColumns];
      float tileMax = -INFINITY;
#pragma unroll
      for (int t = 0; t < kLaneColumns; ++t) {
        const int column = half * kLaneColumns + t;
        const int64_t j = firstKey + column;
        rowScores[t] = -INFINITY;
        if (i < p.queries && j < p.keys)
          rowScores[t] =
              p.score(scores[warp][r * kStep + column], mask, b, h, i, j);
        tileMax = MaxWithNanOp()(tileMax, rowScores[t]);
      }
      tileMax = MaxWithNanOp()(tileMax, __shfl_xor_sync(kFullWarp, tileMax, 1));
      const float oldMax = rowMax[warpRow];
      const float newMax = MaxWithNanOp()(oldMax, tileMax);
      // A row that has seen only masked-out keys (-inf) has no probability
      // yet; exp(-inf - -inf) would be NaN.
      const bool empty = newMax == -INFINITY;
      const float rescale = empty ? 1.0f : scalar::exp(oldMax - newMax);
      float tileSum = 0.0f;
#pragma unroll
      for (int t = 0; t < kLaneColumns; ++t) {
        const int column = half * kLaneColumns + t;
        const int64_t j = firstKey + column;
        const float unnormalized =
            empty ? 0.0f : scalar::exp(rowScores[t] - newMax);
        tileSum += unnormalized;
        const float kept = i < p.queries && j < p.keys
                               ? dropout.apply(unnormalized, b, h, i, j)
                               : 0.0f;
        probabilities[warp][r * kStep + column] = toStorage<T>(kept);
      }
      tileSum += __shfl_xor_sync(kFullWarp, tileSum, 1);
      for (int c = half; c < width; c += 2)
        out[r * Width + c] *= rescale;
      if (half == 0) {
        rowMax[warpRow] = newMax;
        rowSum[warpRow] = rowSum[warpRow] * rescale + tileSum;
      }
      __syncwarp();

      for (int n = 0; n < width; n += kMatrixTile) {
        TileAccumulator acc;
        wmma::load_matrix_sync(acc, out + n, Width, wmma::mem_row_major);
        accumulateProduct(acc, probabilities[warp], kStep, values + n, Width,
                          kStep);
        wmma::store_matrix_sync(out + n, acc, Width, wmma::mem_row_major);
      }
      __syncwarp();
    }
    if (i < p.queries) {
      const int64_t row = pair * p.queries + i;
      const float sum = rowSum[warpRow];
      for (int c = half; c < p.valueDim; c += 2)
        result[row * p.valueDim + c] = toStorage<T>(out[r * Width + c] / sum);
      if (half == 0)
        lse[row] = rowMax[warpRow] + scalar::log(sum);
    }
  }
}

//===----------------------------------------------------------------------===//
// Backward
//===----------------------------------------------------------------------===//

/// The backward's per-score quantities of (i, j) from the raw products
/// q_i . k_j and grad_i . v_j: the dropped probability Z and the score
/// gradient dS.
struct ScoreGrads {
  float dropped, scoreGrad;
};

template <typename T>
__device__ ScoreGrads scoreGrads(const AttentionProblem &p, float product,
                                 float gradProduct, float rowLse, float rowDot,
                                 const T *mask,
                                 const AttentionDropout<float> &dropout,
                                 int64_t b, int64_t h, int64_t i, int64_t j) {
  const float probability =
      scalar::exp(p.score(product, mask, b, h, i, j) - rowLse);
  const bool kept = dropout.keeps(b, h, i, j);
  return {dropout.apply(probability, kept),
          probability * (dropout.apply(gradProduct, kept) - rowDot)};
}

template <typename T, int Width, int Warps>
__global__ void __launch_bounds__(32 * Warps) tensorCoreQueryGradKernel(
    const T *__restrict__ grad, const T *__restrict__ query,
    const T *__restrict__ key, const T *__restrict__ value,
    const T *__restrict__ output, const float *__restrict__ lse,
    const T *__restrict__ mask, const int64_t *__restrict__ seed,
    T *__restrict__ queryGrad, float *__restrict__ rowDots,
    AttentionProblem p) {
  constexpr int Rows = 16 * Warps;
  alignas(32) __shared__ T queries[Rows * Width];
  alignas(32) __shared__ T grads[Rows * Width];
  alignas(32) __shared__ T keys[kStep * Width];
  alignas(32) __shared__ T values[kStep * Width];
  alignas(32) __shared__ float scores[Warps][16 * kStep];
  alignas(32) __shared__ float gradProducts[Warps][16 * kStep];
  alignas(32) __shared__ T scoreGradTile[Warps][16 * kStep];
  // The accumulators' 16-column blocks, unrolled so that they stay in
  // registers; blocks past the problem's width are skipped.
  constexpr int kBlocks = Width / kMatrixTile;

  const int warp = threadIdx.x / 32, r = laneRow(), half = laneHalf();
  const int depth = tileCeil(p.headDim), width = tileCeil(p.valueDim);
  const int64_t queryTiles = (p.queries + Rows - 1) / Rows;
  const int64_t tiles = p.batch * p.heads * queryTiles;
  const AttentionDropout<float> dropout(p, seed);

  for (int64_t tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
    const auto [pair, firstQuery, b, h] =
        rowTileOf(tile, queryTiles, Rows, p.heads);
    const int64_t firstRow = pair * p.queries;
    const int64_t i = firstQuery + warp * 16 + r;
    __syncthreads();
    stageRows<Width>(queries, Rows, query + firstRow * p.headDim, p.queries,
                     p.headDim, firstQuery);
    stageRows<Width>(grads, Rows, grad + firstRow * p.valueDim, p.queries,
                     p.valueDim, firstQuery);
    // D_i = grad_i . output_i, the two lanes of the row summing alternate
    // columns.
    float rowDot = 0.0f, rowLse = 0.0f;
    if (i < p.queries) {
      const int64_t row = firstRow + i;
      for (int64_t c = half; c < p.valueDim; c += 2)
        rowDot += widen(grad[row * p.valueDim + c]) *
                  widen(output[row * p.valueDim + c]);
      rowLse = lse[row];
    }
    rowDot += __shfl_xor_sync(kFullWarp, rowDot, 1);
    if (i < p.queries && half == 0)
      rowDots[firstRow + i] = rowDot;

    TileAccumulator queryAcc[kBlocks];
#pragma unroll
    for (int n = 0; n < kBlocks; ++n)
      wmma::fill_fragment(queryAcc[n], 0.0f);
    for (int64_t firstKey = 0; firstKey < p.keys; firstKey += kStep) {
      __syncthreads();
      stageRows<Width>(keys, kStep, key + pair * p.keys * p.headDim, p.keys,
                       p.headDim, firstKey);
      stageRows<Width>(values, kStep, value + pair * p.keys * p.valueDim,
                       p.keys, p.valueDim, firstKey);
      __syncthreads();
      warpScores(scores[warp], queries + warp * 16 * Width, Width, keys, Width,
                 depth);
      warpScores(gradProducts[warp], grads + warp * 16 * Width, Width, values,
                 Width, width);
      __syncwarp();
#pragma unroll
      for (int t = 0; t < kLaneColumns; ++t) {
        const int column = half * kLaneColumns + t;
        const int64_t j = firstKey + column;
        float scoreGrad = 0.0f;
        if (i < p.queries && j < p.keys)
          scoreGrad = scoreGrads(p, scores[warp][r * kStep + column],
                                 gradProducts[warp][r * kStep + column], rowLse,
                                 rowDot, mask, dropout, b, h, i, j)
                          .scoreGrad;
        scoreGradTile[warp][r * kStep + column] = toStorage<T>(scoreGrad);
      }
      __syncwarp();
#pragma unroll
      for (int n = 0; n < kBlocks; ++n)
        if (n * kMatrixTile < depth)
          accumulateProduct(queryAcc[n], scoreGradTile[warp], kStep,
                            keys + n * kMatrixTile, Width, kStep);
    }
#pragma unroll
    for (int n = 0; n < kBlocks; ++n)
      if (n * kMatrixTile < depth)
        storeRows(queryGrad + firstRow * p.headDim, p.headDim,
                  firstQuery + warp * 16, p.queries, n * kMatrixTile,
                  queryAcc[n], static_cast<float>(p.scale), scores[warp]);
  }
}

template <typename T, int Width, int Warps>
__global__ void __launch_bounds__(32 * Warps) tensorCoreKeyValueGradKernel(
    const T *__restrict__ grad, const T *__restrict__ query,
    const T *__restrict__ key, const T *__restrict__ value,
    const float *__restrict__ lse, const T *__restrict__ mask,
    const int64_t *__restrict__ seed, const float *__restrict__ rowDots,
    T *__restrict__ keyGrad, T *__restrict__ valueGrad, AttentionProblem p) {
  constexpr int Rows = 16 * Warps;
  alignas(32) __shared__ T keys[Rows * Width];
  alignas(32) __shared__ T values[Rows * Width];
  alignas(32) __shared__ T queries[kStep * Width];
  alignas(32) __shared__ T grads[kStep * Width];
  __shared__ float stepLse[kStep], stepDots[kStep];
  alignas(32) __shared__ float scores[Warps][16 * kStep];
  alignas(32) __shared__ float gradProducts[Warps][16 * kStep];
  alignas(32) __shared__ T droppedTile[Warps][16 * kStep];
  alignas(32) __shared__ T scoreGradTile[Warps][16 * kStep];
  // The accumulators' 16-column blocks, unrolled so that they stay in
  // registers; blocks past the problem's width are skipped.
  constexpr int kBlocks = Width / kMatrixTile;

  const int warp = threadIdx.x / 32, r = laneRow(), half = laneHalf();
  const int depth = tileCeil(p.headDim), width = tileCeil(p.valueDim);
  const int64_t keyTiles = (p.keys + Rows - 1) / Rows;
  const int64_t tiles = p.batch * p.heads * keyTiles;
  const AttentionDropout<float> dropout(p, seed);

  for (int64_t tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
    const auto [pair, firstKey, b, h] =
        rowTileOf(tile, keyTiles, Rows, p.heads);
    const int64_t firstRow = pair * p.queries;
    const int64_t j = firstKey + warp * 16 + r;
    __syncthreads();
    stageRows<Width>(keys, Rows, key + pair * p.keys * p.headDim, p.keys,
                     p.headDim, firstKey);
    stageRows<Width>(values, Rows, value + pair * p.keys * p.valueDim, p.keys,
                     p.valueDim, firstKey);
    TileAccumulator keyAcc[kBlocks], valueAcc[kBlocks];
#pragma unroll
    for (int n = 0; n < kBlocks; ++n) {
      wmma::fill_fragment(keyAcc[n], 0.0f);
      wmma::fill_fragment(valueAcc[n], 0.0f);
    }
    for (int64_t firstQuery = 0; firstQuery < p.queries; firstQuery += kStep) {
      __syncthreads();
      stageRows<Width>(queries, kStep, query + firstRow * p.headDim, p.queries,
                       p.headDim, firstQuery);
      stageRows<Width>(grads, kStep, grad + firstRow * p.valueDim, p.queries,
                       p.valueDim, firstQuery);
      for (int t = threadIdx.x; t < kStep; t += blockDim.x) {
        const bool inside = firstQuery + t < p.queries;
        stepLse[t] = inside ? lse[firstRow + firstQuery + t] : 0.0f;
        stepDots[t] = inside ? rowDots[firstRow + firstQuery + t] : 0.0f;
      }
      __syncthreads();
      // Transposed tiles: row r is key j, column t is query firstQuery + t.
      warpScores(scores[warp], keys + warp * 16 * Width, Width, queries, Width,
                 depth);
      warpScores(gradProducts[warp], values + warp * 16 * Width, Width, grads,
                 Width, width);
      __syncwarp();
#pragma unroll
      for (int t = 0; t < kLaneColumns; ++t) {
        const int column = half * kLaneColumns + t;
        const int64_t i = firstQuery + column;
        ScoreGrads g = {0.0f, 0.0f};
        if (i < p.queries && j < p.keys)
          g = scoreGrads(p, scores[warp][r * kStep + column],
                         gradProducts[warp][r * kStep + column],
                         stepLse[column], stepDots[column], mask, dropout, b, h,
                         i, j);
        droppedTile[warp][r * kStep + column] = toStorage<T>(g.dropped);
        scoreGradTile[warp][r * kStep + column] = toStorage<T>(g.scoreGrad);
      }
      __syncwarp();
#pragma unroll
      for (int n = 0; n < kBlocks; ++n) {
        if (n * kMatrixTile < width)
          accumulateProduct(valueAcc[n], droppedTile[warp], kStep,
                            grads + n * kMatrixTile, Width, kStep);
        if (n * kMatrixTile < depth)
          accumulateProduct(keyAcc[n], scoreGradTile[warp], kStep,
                            queries + n * kMatrixTile, Width, kStep);
      }
    }
    const int64_t firstWarpKey = firstKey + warp * 16;
#pragma unroll
    for (int n = 0; n < kBlocks; ++n) {
      if (n * kMatrixTile < width)
        storeRows(valueGrad + pair * p.keys * p.valueDim, p.valueDim,
                  firstWarpKey, p.keys, n * kMatrixTile, valueAcc[n], 1.0f,
                  scores[warp]);
      if (n * kMatrixTile < depth)
        storeRows(keyGrad + pair * p.keys * p.headDim, p.headDim, firstWarpKey,
                  p.keys, n * kMatrixTile, keyAcc[n],
                  static_cast<float>(p.scale), scores[warp]);
    }
  }
}

/// The blocks of a launch over `tiles` row tiles, one tile per block.
unsigned gridForTiles(int64_t tiles) {
  return static_cast<unsigned>(std::clamp<int64_t>(tiles, 1, kMaxGridBlocks));
}

int64_t tilesOf(const AttentionProblem &p, int64_t rows, int rowsPerTile) {
  return p.batch * p.heads * ((rows + rowsPerTile - 1) / rowsPerTile);
}

/// The launches for tiles Width wide: 4 warps of query rows per block up to
/// 64 columns, 2 above (each kernel's shared memory below 48 KiB).
template <typename T, int Width> struct TensorCoreLaunch {
  static constexpr int QueryWarps = Width <= 64 ? 4 : 2;

  static void forward(const T *query, const T *key, const T *value,
                      const T *mask, const int64_t *seed, T *result, float *lse,
                      const AttentionProblem &p, cudaStream_t stream) {
    GC_CUDA_LAUNCH((tensorCoreAttentionKernel<T, Width, QueryWarps>),
                   gridForTiles(tilesOf(p, p.queries, 16 * QueryWarps)),
                   32 * QueryWarps, 0,
                   stream)(query, key, value, mask, seed, result, lse, p);
  }

  static void queryGrad(const T *grad, const T *query, const T *key,
                        const T *value, const T *output, const float *lse,
                        const T *mask, const int64_t *seed, T *queryGrad,
                        float *rowDots, const AttentionProblem &p,
                        cudaStream_t stream) {
    GC_CUDA_LAUNCH((tensorCoreQueryGradKernel<T, Width, QueryWarps>),
                   gridForTiles(tilesOf(p, p.queries, 16 * QueryWarps)),
                   32 * QueryWarps, 0, stream)(grad, query, key, value, output,
                                               lse, mask, seed, queryGrad,
                                               rowDots, p);
  }

  static void keyValueGrad(const T *grad, const T *query, const T *key,
                           const T *value, const float *lse, const T *mask,
                           const int64_t *seed, const float *rowDots,
                           T *keyGrad, T *valueGrad, const AttentionProblem &p,
                           cudaStream_t stream) {
    GC_CUDA_LAUNCH((tensorCoreKeyValueGradKernel<T, Width, kKeyValueWarps>),
                   gridForTiles(tilesOf(p, p.keys, 16 * kKeyValueWarps)),
                   32 * kKeyValueWarps, 0, stream)(grad, query, key, value, lse,
                                                   mask, seed, rowDots, keyGrad,
                                                   valueGrad, p);
  }
};

bool fitsWidth64(const AttentionProblem &p) {
  return p.headDim <= 64 && p.valueDim <= 64;
}

} // namespace

bool gc::rt::cuda::detail::tensorCoreAttentionApplies(
    const AttentionProblem &problem) {
  return problem.keys > 0 && problem.headDim > 0 && problem.valueDim > 0 &&
         problem.headDim <= kMaxTensorCoreAttentionDim &&
         problem.valueDim <= kMaxTensorCoreAttentionDim;
}

template <typename T>
Status gc::rt::cuda::detail::tensorCoreAttention(
    const T *query, const T *key, const T *value, const T *mask,
    const int64_t *seed, T *result, float *lse, const AttentionProblem &problem,
    cudaStream_t stream) {
  if (fitsWidth64(problem))
    TensorCoreLaunch<T, 64>::forward(query, key, value, mask, seed, result, lse,
                                     problem, stream);
  else
    TensorCoreLaunch<T, 128>::forward(query, key, value, mask, seed, result,
                                      lse, problem, stream);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("attention");
  return Status::ok();
}

template <typename T>
Status gc::rt::cuda::detail::tensorCoreAttentionGrad(
    const T *grad, const T *query, const T *key, const T *value,
    const T *output, const float *lse, const T *mask, const int64_t *seed,
    T *queryGrad, T *keyGrad, T *valueGrad, const AttentionProblem &problem,
    float *workspace, cudaStream_t stream) {
  const char *kernel = "attention_grad";
  // The query-gradient kernel writes the row dots the key/value kernel reads.
  if (fitsWidth64(problem))
    TensorCoreLaunch<T, 64>::queryGrad(grad, query, key, value, output, lse,
                                       mask, seed, queryGrad, workspace,
                                       problem, stream);
  else
    TensorCoreLaunch<T, 128>::queryGrad(grad, query, key, value, output, lse,
                                        mask, seed, queryGrad, workspace,
                                        problem, stream);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  if (fitsWidth64(problem))
    TensorCoreLaunch<T, 64>::keyValueGrad(grad, query, key, value, lse, mask,
                                          seed, workspace, keyGrad, valueGrad,
                                          problem, stream);
  else
    TensorCoreLaunch<T, 128>::keyValueGrad(grad, query, key, value, lse, mask,
                                           seed, workspace, keyGrad, valueGrad,
                                           problem, stream);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::detail::tensorCoreAttention<T>(                \
      const T *, const T *, const T *, const T *, const int64_t *, T *,        \
      float *, const AttentionProblem &, cudaStream_t);                        \
  template Status gc::rt::cuda::detail::tensorCoreAttentionGrad<T>(            \
      const T *, const T *, const T *, const T *, const T *, const float *,    \
      const T *, const int64_t *, T *, T *, T *, const AttentionProblem &,     \
      float *, cudaStream_t);
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
