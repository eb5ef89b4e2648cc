//===- Attention.cpp - Fused scaled dot-product attention on the CPU ------===//
//
// gc.attention and gc.attention_grad without the [batch, heads, queries,
// keys] score tensor in memory: a task holds the scores of kBlockRows query
// rows against every key (kBlockRows x keys elements of scratch) and nothing
// of them outlives it.
//
// Forward, per task (batch, head, block of query rows): scores = Q K^T by
// one single-threaded GEMM, then per row, in the element type and in the
// order of the unfused ops (gc.scale, the mask's gc.add, gc.softmax's
// exp(x - max) / sum with the contract's row sum, gc.dropout), so that the
// fused op rounds where the eager graph does; lse = max + log(sum); the
// block's output is one GEMM of the dropped probabilities with V.
//
// Backward (FlashAttention-2, Dao 2023, section 3.1's algorithm with the
// blocks over query rows), per task (batch, head), block after block of
// query rows: recompute S and P = exp(S - lse), Z = dropout(P);
// dV += Z^T dO; dZ = dO V^T; dP = dropout(dZ); D = rowsum(dO * O);
// dS = P * (dP - D); dQ = scale dS K; dK += dS^T Q (scaled at the end).
// The key and value gradients add the blocks in block order within one
// task, so the sums depend on the shape only (docs/numerics.md).
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "Accumulate.h"
#include "Gemm.h"
#include "gc_rt/AttentionDropout.h"
#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Parallel.h"

#include <algorithm>
#include <cassert>
#include <vector>

using namespace gc::rt;
using namespace gc::rt::cpu;
namespace scalar = gc::rt::scalar;

namespace {

/// Query rows per task (forward) and per block (backward).
constexpr int64_t kBlockRows = 64;

/// One (batch, head) pair's operands.
template <typename T> struct HeadView {
  const T *q, *k, *v;
  int64_t b, h;
};

template <typename T>
HeadView<T> headOf(const AttentionProblem &p, const T *query, const T *key,
                   const T *value, int64_t pair) {
  const int64_t b = pair / p.heads, h = pair % p.heads;
  return {query + pair * p.queries * p.headDim, key + pair * p.keys * p.headDim,
          value + pair * p.keys * p.valueDim, b, h};
}

/// Turns row `i` of a block of raw products q.k into the scores the
/// unfused graph computes: scale * x, then + mask.
template <typename T>
void scoreRow(const AttentionProblem &p, const T *mask, int64_t b, int64_t h,
              int64_t i, T *row) {
  const T scale = static_cast<T>(p.scale);
  for (int64_t j = 0; j < p.keys; ++j)
    row[j] = row[j] * scale;
  if (mask)
    for (int64_t j = 0; j < p.keys; ++j)
      row[j] = row[j] + mask[p.maskOffset(b, h, i, j)];
}

/// Applies the dropout of probability row `i` in place.
template <typename T>
void dropoutRow(const AttentionProblem &p, const AttentionDropout<T> &dropout,
                int64_t b, int64_t h, int64_t i, T *row) {
  if (p.probability <= 0.0)
    return;
  for (int64_t j = 0; j < p.keys; ++j)
    row[j] = dropout.apply(row[j], b, h, i, j);
}

} // namespace

template <typename T>
void gc::rt::cpu::attention(const T *query, const T *key, const T *value,
                            const T *mask, const int64_t *seed, T *result,
                            AccumulationOf<T> *lse, const AttentionProblem &p) {
  const int64_t pairs = p.batch * p.heads;
  const int64_t blocks = (p.queries + kBlockRows - 1) / kBlockRows;
  if (pairs == 0 || blocks == 0)
    return;
  const AttentionDropout<T> dropout(p, seed);
  parallelFor(pairs * blocks, [&](int64_t task) {
    const int64_t pair = task / blocks, block = task % blocks;
    const HeadView<T> head = headOf(p, query, key, value, pair);
    const int64_t first = block * kBlockRows;
    const int64_t rows = std::min(kBlockRows, p.queries - first);
    std::vector<T> scores(static_cast<size_t>(rows * p.keys));
    detail::gemm(
        {rows, p.keys, p.headDim, p.headDim, p.headDim, p.keys, false, true},
        head.q + first * p.headDim, head.k, scores.data());
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = first + r;
      T *row = scores.data() + r * p.keys;
      scoreRow(p, mask, head.b, head.h, i, row);
      const T max = detail::maxOf<T>(p.keys, [&](int64_t j) { return row[j]; });
      for (int64_t j = 0; j < p.keys; ++j)
        row[j] = scalar::exp(row[j] - max);
      const T sum = detail::sumOf<T>(p.keys, [&](int64_t j) { return row[j]; });
      for (int64_t j = 0; j < p.keys; ++j)
        row[j] = row[j] / sum;
      lse[pair * p.queries + i] = max + scalar::log(sum);
      dropoutRow(p, dropout, head.b, head.h, i, row);
    }
    detail::gemm({rows, p.valueDim, p.keys, p.keys, p.valueDim, p.valueDim,
                  false, false},
                 scores.data(), head.v,
                 result + (pair * p.queries + first) * p.valueDim);
  });
}

template <typename T>
void gc::rt::cpu::attentionGrad(const T *grad, const T *query, const T *key,
                                const T *value, const T *output,
                                const AccumulationOf<T> *lse, const T *mask,
                                const int64_t *seed, T *queryGrad, T *keyGrad,
                                T *valueGrad, const AttentionProblem &p) {
  const int64_t pairs = p.batch * p.heads;
  assert(p.queries > 0 && p.keys > 0 && "the verifier wants rows and keys");
  if (pairs == 0)
    return;
  const AttentionDropout<T> dropout(p, seed);
  parallelFor(pairs, [&](int64_t pair) {
    const HeadView<T> head = headOf(p, query, key, value, pair);
    T *dk = keyGrad + pair * p.keys * p.headDim;
    T *dv = valueGrad + pair * p.keys * p.valueDim;
    const int64_t blockRows = std::min(kBlockRows, p.queries);
    std::vector<T> probabilities(static_cast<size_t>(blockRows * p.keys));
    std::vector<T> dropped(probabilities.size());
    std::vector<T> scoreGrads(probabilities.size());
    for (int64_t first = 0; first < p.queries; first += kBlockRows) {
      const int64_t rows = std::min(kBlockRows, p.queries - first);
      const T beta = first == 0 ? T(0) : T(1);
      const T *q = head.q + first * p.headDim;
      const T *dO = grad + (pair * p.queries + first) * p.valueDim;
      const T *o = output + (pair * p.queries + first) * p.valueDim;
      T *P = probabilities.data(), *Z = dropped.data(), *dS = scoreGrads.data();
      // P = exp(scale Q K^T + mask - lse), Z = dropout(P).
      detail::gemm(
          {rows, p.keys, p.headDim, p.headDim, p.headDim, p.keys, false, true},
          q, head.k, P);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = first + r;
        T *row = P + r * p.keys;
        scoreRow(p, mask, head.b, head.h, i, row);
        const T rowLse = lse[pair * p.queries + i];
        for (int64_t j = 0; j < p.keys; ++j)
          row[j] = scalar::exp(row[j] - rowLse);
        std::copy(row, row + p.keys, Z + r * p.keys);
        dropoutRow(p, dropout, head.b, head.h, i, Z + r * p.keys);
      }
      // dV (+)= Z^T dO.
      detail::gemm({p.keys, p.valueDim, rows, p.keys, p.valueDim, p.valueDim,
                    true, false},
                   Z, dO, dv, beta);
      // dZ = dO V^T, into dS.
      detail::gemm({rows, p.keys, p.valueDim, p.valueDim, p.valueDim, p.keys,
                    false, true},
                   dO, head.v, dS);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = first + r;
        const T *oRow = o + r * p.valueDim, *dORow = dO + r * p.valueDim;
        const T D = detail::sumOf<T>(
            p.valueDim, [&](int64_t d) { return dORow[d] * oRow[d]; });
        T *dRow = dS + r * p.keys;
        const T *pRow = P + r * p.keys;
        for (int64_t j = 0; j < p.keys; ++j)
          dRow[j] =
              pRow[j] * (dropout.apply(dRow[j], head.b, head.h, i, j) - D);
      }
      // dQ = scale dS K; dK (+)= dS^T Q.
      T *dq = queryGrad + (pair * p.queries + first) * p.headDim;
      detail::gemm(
          {rows, p.headDim, p.keys, p.keys, p.headDim, p.headDim, false, false},
          dS, head.k, dq);
      const T scale = static_cast<T>(p.scale);
      for (int64_t x = 0; x < rows * p.headDim; ++x)
        dq[x] = dq[x] * scale;
      detail::gemm(
          {p.keys, p.headDim, rows, p.keys, p.headDim, p.headDim, true, false},
          dS, q, dk, beta);
    }
    const T scale = static_cast<T>(p.scale);
    for (int64_t x = 0; x < p.keys * p.headDim; ++x)
      dk[x] = dk[x] * scale;
  });
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template void gc::rt::cpu::attention<T>(const T *, const T *, const T *,     \
                                          const T *, const int64_t *, T *,     \
                                          T *, const AttentionProblem &);      \
  template void gc::rt::cpu::attentionGrad<T>(                                 \
      const T *, const T *, const T *, const T *, const T *, const T *,        \
      const T *, const int64_t *, T *, T *, T *, const AttentionProblem &);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
#undef GC_RT_INSTANTIATE
