//===- KernelPlan.h - What gc-lower-to-kernels decided ----------*- C++ -*-===//
//
// The decisions gc-lower-to-kernels records on a planned step, and the
// accessors the emitters (lib/Target) read them with: which ops form one
// fused kernel (`gc.fusion`), and where each result lives (`gc.storage`);
// GcDialect names both attributes and verifies their form.
//
//===----------------------------------------------------------------------===//

#ifndef GC_CONVERSION_KERNELPLAN_H
#define GC_CONVERSION_KERNELPLAN_H

#include "gc/Dialect/GcAttrs.h"
#include "gc/Dialect/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace mlir::gc {

/// Where a tensor lives in a lowered step: an entry of `gc.storage`
/// (#gc.storage) as a value.
struct Storage {
  using Kind = StorageKind;
  Kind kind = Kind::Fused;
  /// Arena: the byte offset; Result, Argument: the buffer's index.
  int64_t index = 0;

  StorageAttr toAttr(MLIRContext *context) const;
};

/// The storage of `value` in a function lowered by gc-lower-to-kernels:
/// arguments are Argument storage; results read their op's `gc.storage`.
/// Emits an error and fails when the op has none.
FailureOr<Storage> getStorage(Value value);

/// The fused kernel `op` belongs to, if any.
std::optional<int64_t> getFusion(Operation *op);

} // namespace mlir::gc

#endif // GC_CONVERSION_KERNELPLAN_H
