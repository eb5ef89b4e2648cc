//===- GcVerifyUtils.cpp - Checks shared by gc op verifiers ---------------===//

#include "gc/Dialect/GcVerifyUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc::detail;

LogicalResult
mlir::gc::detail::verifySameTypes(Operation *op,
                                  ArrayRef<NamedOperand> operands) {
  auto [referenceName, reference] = operands.front();
  Type expected = reference.getType();
  for (auto [name, value] : operands.drop_front())
    if (value.getType() != expected)
      return op->emitOpError()
             << "expected " << name << " to have the type of " << referenceName
             << " (" << expected << "), but found " << value.getType()
             << "; gc ops never broadcast implicitly";
  for (OpResult result : op->getResults())
    if (result.getType() != expected)
      return op->emitOpError()
             << "expected result #" << result.getResultNumber()
             << " to have the type of " << referenceName << " (" << expected
             << "), but found " << result.getType();
  return success();
}

LogicalResult mlir::gc::detail::verifyInferredType(Operation *op,
                                                   StringRef name,
                                                   Type inferred, Type actual) {
  if (inferred == actual)
    return success();
  return op->emitOpError() << "expected " << name << " of type " << inferred
                           << " (inferred from the operands), but found "
                           << actual;
}

LogicalResult mlir::gc::detail::verifyDimension(Operation *op, StringRef name,
                                                int64_t dim, int64_t rank) {
  if (dim >= 0 && dim < rank)
    return success();
  return op->emitOpError() << "expected " << name << " to be in [0, " << rank
                           << ") for an operand of rank " << rank
                           << ", but found " << dim;
}

LogicalResult mlir::gc::detail::verifyFiniteAttr(Operation *op, StringRef name,
                                                 double value, Bound bound) {
  bool ok = std::isfinite(value) &&
            (bound == Bound::Positive ? value > 0.0 : value >= 0.0);
  if (ok)
    return success();
  return op->emitOpError() << "expected " << name << " to be finite and "
                           << (bound == Bound::Positive ? "positive"
                                                        : "non-negative")
                           << ", but found " << value;
}

LogicalResult mlir::gc::detail::verifyUnitIntervalAttr(Operation *op,
                                                       StringRef name,
                                                       double value) {
  if (value >= 0.0 && value < 1.0)
    return success();
  return op->emitOpError() << "expected " << name
                           << " to be in [0, 1), but found " << value;
}
