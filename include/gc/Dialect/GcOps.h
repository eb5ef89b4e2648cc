//===- GcOps.h - Operations of the gc dialect -------------------*- C++ -*-===//
//
// Operation classes generated from GcOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCOPS_H
#define GC_DIALECT_GCOPS_H

#include "gc/Dialect/GcAttrs.h"
#include "gc/Dialect/GcDialect.h"
#include "gc/Dialect/GcInterfaces.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::OpTrait::gc {
/// See Gc_Elementwise in GcBase.td.
template <typename ConcreteType>
class GcElementwise : public TraitBase<ConcreteType, GcElementwise> {};
} // namespace mlir::OpTrait::gc

#define GET_OP_CLASSES
#include "gc/Dialect/GcOps.h.inc"

namespace mlir::gc {
/// Whether gc-lower-to-kernels may put `op` into a fused pointwise kernel:
/// it maps element i of its (non-scalar) operands to element i of its
/// result, or is a splat constant, or a broadcast (read through an index
/// map). Optimizer updates are runtime kernels and are not included. The
/// fusion-aware cost model (gc/Analysis/OpCost.h) uses the same rule.
bool isPointwise(Operation *op);

/// The bytes of a statically shaped tensor of `type` (elements times the
/// element size rounded up to whole bytes), or nullopt when the type is not
/// a statically shaped ranked tensor or the size does not fit in int64. Every
/// size computation of the compiler (remat, the memory planner, the cost
/// model) goes through it, so a tensor too large to address is an error,
/// never a wrapped-around size.
std::optional<int64_t> getTensorByteSize(Type type);
} // namespace mlir::gc

#endif // GC_DIALECT_GCOPS_H
