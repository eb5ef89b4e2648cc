//===- Attention.h - The problem of gc.attention ----------------*- C++ -*-===//
//
// What the CPU and CUDA kernels of gc.attention and gc.attention_grad share:
// the problem's sizes and attributes as one aggregate the emitted step
// spells inline, and the index rules every kernel follows: where mask
// element (b, h, i, j) lives when the mask broadcasts, and which flat index
// of the [batch, heads, queries, keys] probabilities a dropout draw uses
// (the index gc.dropout on that tensor would use, so fused and unfused
// attention drop the same elements).
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_ATTENTION_H
#define GC_RT_ATTENTION_H

#include "gc_rt/HalfFloat.h"
#include "gc_rt/cpu/Philox.h"

#include <cstdint>

namespace gc::rt {

/// The widest query/key and value rows (head dimensions) of the CUDA
/// backend's tiled tensor-core attention for bf16 and f16; wider rows, and
/// the other types, run on its warp-per-row kernels. The cost model charges
/// each kind of kernel its own rate.
constexpr int64_t kMaxTensorCoreAttentionDim = 128;

struct AttentionProblem {
  int64_t batch, heads, queries, keys;
  int64_t headDim;  ///< of query and key
  int64_t valueDim; ///< of value and the output
  /// The mask's dimensions, each 1 (broadcast) or the full size of
  /// [batch, heads, queries, keys]; ignored without a mask.
  int64_t maskDims[4];
  double scale;
  /// Dropout on the probabilities (0: none) and its stream.
  double probability;
  int64_t stream;

  /// The offset of mask element (b, h, i, j) in the mask's buffer.
  GC_RT_HOST_DEVICE int64_t maskOffset(int64_t b, int64_t h, int64_t i,
                                       int64_t j) const {
    const int64_t index[4] = {b, h, i, j};
    int64_t offset = 0;
    for (int d = 0; d < 4; ++d)
      offset = offset * maskDims[d] + (maskDims[d] == 1 ? 0 : index[d]);
    return offset;
  }

  /// The score of (b, h, i, j) in the accumulation type A from the raw
  /// product q_i . k_j: scale * product + mask(b, h, i, j), the mask (of
  /// storage type T) widened; `mask` null means none.
  template <typename A, typename T>
  GC_RT_HOST_DEVICE A score(A product, const T *mask, int64_t b, int64_t h,
                            int64_t i, int64_t j) const {
    A result = product * static_cast<A>(scale);
    if (mask)
      result = result + widen(mask[maskOffset(b, h, i, j)]);
    return result;
  }

  /// The flat index of probability (b, h, i, j) in [batch, heads, queries,
  /// keys], which picks its dropout draw.
  GC_RT_HOST_DEVICE uint64_t dropoutIndex(int64_t b, int64_t h, int64_t i,
                                          int64_t j) const {
    return static_cast<uint64_t>(((b * heads + h) * queries + i) * keys + j);
  }
};

} // namespace gc::rt

#endif // GC_RT_ATTENTION_H
