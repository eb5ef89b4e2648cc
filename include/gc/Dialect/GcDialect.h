//===- GcDialect.h - The gc dialect -----------------------------*- C++ -*-===//
//
// Declares the gc dialect and the helpers for its `gc.block` tag.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCDIALECT_H
#define GC_DIALECT_GCDIALECT_H

#include "mlir/IR/Dialect.h"

#include <cstdint>
#include <optional>

#include "gc/Dialect/GcDialect.h.inc"

namespace mlir::gc {

/// Returns the block index `op` is tagged with (`gc.block`), if any.
std::optional<int64_t> getBlockTag(Operation *op);

/// Tags `op` as belonging to repeated block `index` (e.g. encoder layer).
void setBlockTag(Operation *op, int64_t index);

} // namespace mlir::gc

#endif // GC_DIALECT_GCDIALECT_H
