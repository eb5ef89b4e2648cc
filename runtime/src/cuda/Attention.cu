//===- Attention.cu - Fused scaled dot-product attention on CUDA ----------===//
//
// gc.attention and gc.attention_grad without the [batch, heads, queries,
// keys] scores in memory. One warp owns one row:
//
//  - forward, a query row: the lanes take the keys lane, lane + 32, ...,
//    each score a dot product in order; pass 1 finds the row's maximum,
//    pass 2 sums exp(s - max) (both combined across lanes by a butterfly),
//    pass 3 recomputes each probability (and its dropout), and the lanes
//    broadcast them 32 at a time with shuffles into the output row, which
//    the warp holds in registers (lane l owns columns l, l + 32, ...);
//  - backward (FlashAttention-2's, Dao 2023, split into two kernels so that
//    no two warps add into one gradient row): a query row's warp computes
//    D = grad . output (kept in the workspace) and the query gradient
//    scale * sum_j dS_ij key_j; then a key row's warp walks every query
//    row, recomputing P_ij = exp(s_ij - lse_i) and dS_ij, and accumulates
//    the key gradient scale * sum_i dS_ij query_i and the value gradient
//    sum_i dropout(P)_ij grad_i.
//
// Every sum runs in an order fixed by the shapes (dot products in order,
// lanes combined by a butterfly, accumulations in row order), with no
// atomics: the results are the same run to run. They are not the CPU's bits
// (the CPU kernel sums through BLAS), only within the contract's tolerance.
// Each score is recomputed from query and key in every pass, which trades
// GEMM-rate work for O(keys) memory per row.
//
// bf16 and f16 problems with head dimensions up to 128 go to the tiled
// tensor-core kernels of AttentionTensorCore.cu instead; these kernels take
// f32, f64 and the rest.
//
// bf16 and f16 tensors (storage type T) are widened as they are loaded and
// everything computes in A = AccumulationOf<T> (float); the lse and the
// workspace are A, and the output rows and gradients are rounded once as
// they are stored, as the CPU's widened kernel does.
//
//===----------------------------------------------------------------------===//

#include "AttentionTensorCore.h"
#include "Support.h"

#include "gc_rt/AttentionDropout.h"
#include "gc_rt/Scalar.h"

#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;
namespace scalar = gc::rt::scalar;

namespace {

/// Columns of a gradient or output row each lane holds: head dimensions up
/// to 256 (the verifier's limit).
constexpr int kColumnsPerLane = 8;
constexpr int64_t kMaxHeadDim = 32 * kColumnsPerLane;

/// The score of (query row qi, key row kj): scale * (qi . kj) + mask.
template <typename T>
__device__ AccumulationOf<T>
attentionScore(const AttentionProblem &p, const T *qi, const T *kj,
               const T *mask, int64_t b, int64_t h, int64_t i, int64_t j) {
  using A = AccumulationOf<T>;
  A dot = 0;
  for (int64_t d = 0; d < p.headDim; ++d)
    dot += widen(qi[d]) * widen(kj[d]);
  return p.score(dot, mask, b, h, i, j);
}

template <typename T>
__global__ void
attentionKernel(const T *__restrict__ query, const T *__restrict__ key,
                const T *__restrict__ value, const T *__restrict__ mask,
                const int64_t *__restrict__ seed, T *__restrict__ result,
                AccumulationOf<T> *__restrict__ lse, AttentionProblem p) {
  using A = AccumulationOf<T>;
  const int lane = laneIndex();
  const int64_t rows = p.batch * p.heads * p.queries;
  const AttentionDropout<A> dropout(p, seed);
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const int64_t pair = r / p.queries, i = r - pair * p.queries;
    const int64_t b = pair / p.heads, h = pair - b * p.heads;
    const T *qi = query + r * p.headDim;
    const T *keys = key + pair * p.keys * p.headDim;
    const T *values = value + pair * p.keys * p.valueDim;
    auto score = [&](int64_t j) {
      return attentionScore(p, qi, keys + j * p.headDim, mask, b, h, i, j);
    };
    A max = -INFINITY;
    for (int64_t j = lane; j < p.keys; j += 32)
      max = MaxWithNanOp()(max, score(j));
    max = warpAllReduce(max, MaxWithNanOp());
    A sum = 0;
    for (int64_t j = lane; j < p.keys; j += 32)
      sum += scalar::exp(score(j) - max);
    sum = warpSum(sum);
    A acc[kColumnsPerLane] = {};
    for (int64_t first = 0; first < p.keys; first += 32) {
      const int64_t j = first + lane;
      A z = 0;
      if (j < p.keys) {
        const A probability = scalar::exp(score(j) - max) / sum;
        z = dropout.apply(probability, b, h, i, j);
      }
      const int count =
          static_cast<int>(p.keys - first < 32 ? p.keys - first : 32);
      for (int source = 0; source < count; ++source) {
        const A zj = __shfl_sync(0xffffffffu, z, source);
        const T *vj = values + (first + source) * p.valueDim;
        for (int c = 0; c < kColumnsPerLane; ++c) {
          const int64_t d = lane + 32 * c;
          if (d < p.valueDim)
            acc[c] += zj * widen(vj[d]);
        }
      }
    }
    for (int c = 0; c < kColumnsPerLane; ++c) {
      const int64_t d = lane + 32 * c;
      if (d < p.valueDim)
        result[r * p.valueDim + d] = toStorage<T>(acc[c]);
    }
    if (lane == 0)
      lse[r] = max + scalar::log(sum);
  }
}

/// The backward's per-score quantities of (query row i, key row j):
/// the dropped probability Z and the score gradient dS.
template <typename T> struct ScoreGrad {
  T dropped, scoreGrad;
};

template <typename T, typename A = AccumulationOf<T>>
__device__ ScoreGrad<A>
attentionScoreGrad(const AttentionProblem &p, const T *qi, const T *kj,
                   const T *vj, const T *gradRow, A rowLse, A rowD,
                   const T *mask, const AttentionDropout<A> &dropout, int64_t b,
                   int64_t h, int64_t i, int64_t j) {
  const A probability =
      scalar::exp(attentionScore(p, qi, kj, mask, b, h, i, j) - rowLse);
  A dZ = 0;
  for (int64_t e = 0; e < p.valueDim; ++e)
    dZ += widen(gradRow[e]) * widen(vj[e]);
  const bool kept = dropout.keeps(b, h, i, j);
  return {dropout.apply(probability, kept),
          probability * (dropout.apply(dZ, kept) - rowD)};
}

template <typename T>
__global__ void attentionQueryGradKernel(
    const T *__restrict__ grad, const T *__restrict__ query,
    const T *__restrict__ key, const T *__restrict__ value,
    const T *__restrict__ output, const AccumulationOf<T> *__restrict__ lse,
    const T *__restrict__ mask, const int64_t *__restrict__ seed,
    T *__restrict__ queryGrad, AccumulationOf<T> *__restrict__ rowDots,
    AttentionProblem p) {
  using A = AccumulationOf<T>;
  const int lane = laneIndex();
  const int64_t rows = p.batch * p.heads * p.queries;
  const AttentionDropout<A> dropout(p, seed);
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const int64_t pair = r / p.queries, i = r - pair * p.queries;
    const int64_t b = pair / p.heads, h = pair - b * p.heads;
    const T *gradRow = grad + r * p.valueDim;
    const T *outRow = output + r * p.valueDim;
    A rowD = 0;
    for (int64_t d = lane; d < p.valueDim; d += 32)
      rowD += widen(gradRow[d]) * widen(outRow[d]);
    rowD = warpSum(rowD);
    if (lane == 0)
      rowDots[r] = rowD;
    const T *qi = query + r * p.headDim;
    const T *keys = key + pair * p.keys * p.headDim;
    const T *values = value + pair * p.keys * p.valueDim;
    A acc[kColumnsPerLane] = {};
    for (int64_t first = 0; first < p.keys; first += 32) {
      const int64_t j = first + lane;
      A dS = 0;
      if (j < p.keys)
        dS = attentionScoreGrad(p, qi, keys + j * p.headDim,
                                values + j * p.valueDim, gradRow, lse[r], rowD,
                                mask, dropout, b, h, i, j)
                 .scoreGrad;
      const int count =
          static_cast<int>(p.keys - first < 32 ? p.keys - first : 32);
      for (int source = 0; source < count; ++source) {
        const A dSj = __shfl_sync(0xffffffffu, dS, source);
        const T *kj = keys + (first + source) * p.headDim;
        for (int c = 0; c < kColumnsPerLane; ++c) {
          const int64_t d = lane + 32 * c;
          if (d < p.headDim)
            acc[c] += dSj * widen(kj[d]);
        }
      }
    }
    const A scale = static_cast<A>(p.scale);
    for (int c = 0; c < kColumnsPerLane; ++c) {
      const int64_t d = lane + 32 * c;
      if (d < p.headDim)
        queryGrad[r * p.headDim + d] = toStorage<T>(acc[c] * scale);
    }
  }
}

template <typename T>
__global__ void attentionKeyValueGradKernel(
    const T *__restrict__ grad, const T *__restrict__ query,
    const T *__restrict__ key, const T *__restrict__ value,
    const AccumulationOf<T> *__restrict__ lse, const T *__restrict__ mask,
    const int64_t *__restrict__ seed,
    const AccumulationOf<T> *__restrict__ rowDots, T *__restrict__ keyGrad,
    T *__restrict__ valueGrad, AttentionProblem p) {
  using A = AccumulationOf<T>;
  const int lane = laneIndex();
  const int64_t rows = p.batch * p.heads * p.keys;
  const AttentionDropout<A> dropout(p, seed);
  for (int64_t r = warpRowIndex(); r < rows; r += warpRowCount()) {
    const int64_t pair = r / p.keys, j = r - pair * p.keys;
    const int64_t b = pair / p.heads, h = pair - b * p.heads;
    const T *kj = key + r * p.headDim;
    const T *vj = value + r * p.valueDim;
    const int64_t firstRow = pair * p.queries;
    A keyAcc[kColumnsPerLane] = {}, valueAcc[kColumnsPerLane] = {};
    for (int64_t first = 0; first < p.queries; first += 32) {
      const int64_t i = first + lane;
      ScoreGrad<A> g = {0, 0};
      if (i < p.queries)
        g = attentionScoreGrad(p, query + (firstRow + i) * p.headDim, kj, vj,
                               grad + (firstRow + i) * p.valueDim,
                               lse[firstRow + i], rowDots[firstRow + i], mask,
                               dropout, b, h, i, j);
      const int count =
          static_cast<int>(p.queries - first < 32 ? p.queries - first : 32);
      for (int source = 0; source < count; ++source) {
        const A zi = __shfl_sync(0xffffffffu, g.dropped, source);
        const A dSi = __shfl_sync(0xffffffffu, g.scoreGrad, source);
        const int64_t row = firstRow + first + source;
        for (int c = 0; c < kColumnsPerLane; ++c) {
          const int64_t d = lane + 32 * c;
          if (d < p.valueDim)
            valueAcc[c] += zi * widen(grad[row * p.valueDim + d]);
          if (d < p.headDim)
            keyAcc[c] += dSi * widen(query[row * p.headDim + d]);
        }
      }
    }
    const A scale = static_cast<A>(p.scale);
    for (int c = 0; c < kColumnsPerLane; ++c) {
      const int64_t d = lane + 32 * c;
      if (d < p.valueDim)
        valueGrad[r * p.valueDim + d] = toStorage<T>(valueAcc[c]);
      if (d < p.headDim)
        keyGrad[r * p.headDim + d] = toStorage<T>(keyAcc[c] * scale);
    }
  }
}

Status checkProblem(const char *kernel, const AttentionProblem &p) {
  if (p.headDim > kMaxHeadDim || p.valueDim > kMaxHeadDim)
    return invalidArgument(kernel, "head dimension above 256");
  return Status::ok();
}

} // namespace

template <typename T>
Status gc::rt::cuda::attention(const T *query, const T *key, const T *value,
                               const T *mask, const int64_t *seed, T *result,
                               AccumulationOf<T> *lse,
                               const AttentionProblem &problem,
                               cudaStream_t stream) {
  const char *kernel = "attention";
  GC_RT_RETURN_IF_ERROR(checkProblem(kernel, problem));
  const int64_t rows = problem.batch * problem.heads * problem.queries;
  if (rows == 0)
    return Status::ok();
  if constexpr (kIsHalfType<T>)
    if (tensorCoreAttentionApplies(problem))
      return tensorCoreAttention(query, key, value, mask, seed, result, lse,
                                 problem, stream);
  GC_CUDA_LAUNCH(attentionKernel<T>, gridForWarpRows(rows), kBlockSize, 0,
                 stream)(query, key, value, mask, seed, result, lse, problem);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

template <typename T>
Status
gc::rt::cuda::attentionGrad(const T *grad, const T *query, const T *key,
                            const T *value, const T *output,
                            const AccumulationOf<T> *lse, const T *mask,
                            const int64_t *seed, T *queryGrad, T *keyGrad,
                            T *valueGrad, const AttentionProblem &problem,
                            AccumulationOf<T> *workspace, cudaStream_t stream) {
  const char *kernel = "attention_grad";
  GC_RT_RETURN_IF_ERROR(checkProblem(kernel, problem));
  const int64_t queryRows = problem.batch * problem.heads * problem.queries;
  const int64_t keyRows = problem.batch * problem.heads * problem.keys;
  if (queryRows > 0 && !workspace)
    return invalidArgument(kernel, "no workspace for the row dots");
  if constexpr (kIsHalfType<T>)
    if (queryRows > 0 && tensorCoreAttentionApplies(problem))
      return tensorCoreAttentionGrad(grad, query, key, value, output, lse, mask,
                                     seed, queryGrad, keyGrad, valueGrad,
                                     problem, workspace, stream);
  if (queryRows > 0)
    GC_CUDA_LAUNCH(attentionQueryGradKernel<T>, gridForWarpRows(queryRows),
                   kBlockSize, 0, stream)(grad, query, key, value, output, lse,
                                          mask, seed, queryGrad, workspace,
                                          problem);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  if (keyRows > 0)
    GC_CUDA_LAUNCH(attentionKeyValueGradKernel<T>, gridForWarpRows(keyRows),
                   kBlockSize, 0, stream)(grad, query, key, value, lse, mask,
                                          seed, workspace, keyGrad, valueGrad,
                                          problem);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel);
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::attention<T>(                                  \
      const T *, const T *, const T *, const T *, const int64_t *, T *,        \
      AccumulationOf<T> *, const AttentionProblem &, cudaStream_t);            \
  template Status gc::rt::cuda::attentionGrad<T>(                              \
      const T *, const T *, const T *, const T *, const T *,                   \
      const AccumulationOf<T> *, const T *, const int64_t *, T *, T *, T *,    \
      const AttentionProblem &, AccumulationOf<T> *, cudaStream_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
