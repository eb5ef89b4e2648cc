//===- GcAttention.h - The sizes of a gc.attention problem ------*- C++ -*-===//
//
// The sizes that gc.attention and gc.attention_grad imply, read once from a
// verified op for the executor, the emitters and the cost model.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCATTENTION_H
#define GC_DIALECT_GCATTENTION_H

#include "gc/Dialect/GcOps.h"

#include <array>
#include <cstdint>

namespace mlir::gc {

struct AttentionSizes {
  int64_t batch = 0, heads = 0, queries = 0, keys = 0;
  int64_t headDim = 0, valueDim = 0;
  /// The mask's dimensions (1 where it broadcasts); all 0 without a mask.
  std::array<int64_t, 4> maskDims = {0, 0, 0, 0};
};

/// The sizes of a verified gc.attention or gc.attention_grad.
AttentionSizes getAttentionSizes(Value query, Value key, Value value,
                                 Value mask);
template <typename AttentionLikeOp>
AttentionSizes getAttentionSizes(AttentionLikeOp op) {
  return getAttentionSizes(op.getQuery(), op.getKey(), op.getValue(),
                           op.getMask());
}

} // namespace mlir::gc

#endif // GC_DIALECT_GCATTENTION_H
