//===- GcAdjointUtils.h - Helpers for op adjoints ---------------*- C++ -*-===//
//
// Small builders the per-op adjoints (GcElementwiseAdjoints.cpp,
// GcShapeAdjoints.cpp, GcNNAdjoints.cpp) share.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCADJOINTUTILS_H
#define GC_DIALECT_GCADJOINTUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::gc::detail {

/// A `gc.constant` of `type` with every element equal to `value`.
Value buildSplat(OpBuilder &builder, Location loc, Type type, double value);

/// Whether `value` can carry a gradient (a tensor of floating-point type).
bool isDifferentiable(Value value);

/// Sums `gradient` over the dimensions a `gc.broadcast` with `dims` expanded
/// from `inputType`, returning a value of `inputType`: the adjoint of a
/// broadcast, also used by ops whose operands are broadcast implicitly.
Value reduceToShape(OpBuilder &builder, Location loc, Value gradient,
                    RankedTensorType inputType, ArrayRef<int64_t> dims);

/// Expands `gradient`, the gradient of a reduction over `dims` of a value of
/// `inputType`, back to `inputType` (the adjoint of reduce_sum).
Value expandReduced(OpBuilder &builder, Location loc, Value gradient,
                    RankedTensorType inputType, ArrayRef<int64_t> dims,
                    bool keepDims);

} // namespace mlir::gc::detail

#endif // GC_DIALECT_GCADJOINTUTILS_H
