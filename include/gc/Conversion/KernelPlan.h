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

#include "Gc/IR/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace mlir::gc {

/// Where a tensor lives in a lowered step.
struct Storage {
  enum class Kind {
    Arena,    ///< At byte `index` of the arena.
    View,     ///< The storage of the reshape's operand.
    Fused,    ///< Computed inside a fused kernel, never stored.
    Result,   ///< The step's result buffer `index`.
    Argument, ///< The buffer of argument `index`.
  };
  Kind kind = Kind::Fused;
  int64_t index = 0;

  /// The `gc.storage` spelling: arena+4096, view, fused, result#2,
  /// argument#7.
  std::string str() const;
  static std::optional<Storage> parse(llvm::StringRef text);
};

/// The storage of `value` in a function lowered by gc-lower-to-kernels:
/// arguments are Argument storage; results read their op's `gc.storage`.
/// Emits an error and fails when the op has none.
FailureOr<Storage> getStorage(Value value);

/// The fused kernel `op` belongs to, if any.
std::optional<int64_t> getFusion(Operation *op);

} // namespace mlir::gc

#endif // GC_CONVERSION_KERNELPLAN_H
