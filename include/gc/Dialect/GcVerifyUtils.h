//===- GcVerifyUtils.h - Checks shared by gc op verifiers -------*- C++ -*-===//
//
// Small rule checks that several op verifiers apply, each emitting a
// diagnostic that names the operand or attribute, what was expected and what
// was found.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCVERIFYUTILS_H
#define GC_DIALECT_GCVERIFYUTILS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <utility>

namespace mlir::gc::detail {

/// A value and the name it has in the op's assembly.
using NamedOperand = std::pair<StringRef, Value>;

/// Checks that every listed operand and every result of `op` has the type of
/// the first listed operand (gc never broadcasts implicitly).
LogicalResult verifySameTypes(Operation *op, ArrayRef<NamedOperand> operands);

/// Checks that result `name` has the type inferred from the operands.
LogicalResult verifyInferredType(Operation *op, StringRef name, Type inferred,
                                 Type actual);

/// Checks that dimension attribute `name` lies in [0, rank).
LogicalResult verifyDimension(Operation *op, StringRef name, int64_t dim,
                              int64_t rank);

/// How a floating-point attribute is bounded.
enum class Bound { Positive, NonNegative };

/// Checks that attribute `name` is finite and satisfies `bound`.
LogicalResult verifyFiniteAttr(Operation *op, StringRef name, double value,
                               Bound bound);

/// Checks that attribute `name` lies in the half-open range [0, 1).
LogicalResult verifyUnitIntervalAttr(Operation *op, StringRef name,
                                     double value);

} // namespace mlir::gc::detail

#endif // GC_DIALECT_GCVERIFYUTILS_H
