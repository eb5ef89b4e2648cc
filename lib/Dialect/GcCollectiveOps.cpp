//===- GcCollectiveOps.cpp - Collective gc operations ---------------------===//

#include "gc/Dialect/GcOps.h"

using namespace mlir;
using namespace mlir::gc;

LogicalResult AllReduceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, ValueRange operands, DictionaryAttr,
    OpaqueProperties, RegionRange, SmallVectorImpl<Type> &inferredReturnTypes) {
  llvm::append_range(inferredReturnTypes, operands.getTypes());
  return success();
}

LogicalResult AllReduceOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "expected at least one tensor to reduce";
  Type element =
      cast<RankedTensorType>(getInputs().front().getType()).getElementType();
  for (auto [index, input] : llvm::enumerate(getInputs())) {
    Type other = cast<RankedTensorType>(input.getType()).getElementType();
    if (other != element)
      return emitOpError() << "expected every operand to have the element "
                              "type of operand #0, "
                           << element << ", but operand #" << index << " has "
                           << other;
  }
  return success();
}
