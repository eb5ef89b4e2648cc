//===- GcOps.cpp - Operations of the gc dialect ---------------------------===//
//
// Instantiates the generated op classes and the custom assembly directives
// they share. Verifiers and builders live in one file per op family.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Dialect/GcShapeInference.h"
#include "gc/Dialect/GcVerifyUtils.h"

#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::gc;

/// `custom<SameTypes>(type($result), type($a), ...)`: the printed form names
/// one type, and every listed operand and result takes it. The verifier then
/// holds values built in the generic form to the same rule.
template <typename... Types>
static ParseResult parseSameTypes(OpAsmParser &parser, Type &first,
                                  Types &...rest) {
  if (parser.parseType(first))
    return failure();
  ((rest = first), ...);
  return success();
}

template <typename First, typename... Types>
static void printSameTypes(OpAsmPrinter &printer, Operation *, First first,
                           Types...) {
  printer << first;
}

#define GET_OP_CLASSES
#include "gc/Dialect/GcOps.cpp.inc"

bool mlir::gc::isPointwise(Operation *op) {
  if (isa<SgdUpdateOp>(op))
    return false;
  if (auto constant = dyn_cast<ConstantOp>(op)) {
    auto value = dyn_cast<SplatElementsAttr>(constant.getValue());
    return value && isa<FloatType, IntegerType>(value.getElementType());
  }
  return op->hasTrait<OpTrait::gc::GcElementwise>() ||
         isa<DropoutOp, DropoutGradOp, BroadcastOp>(op);
}

std::optional<int64_t> mlir::gc::getTensorByteSize(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() ||
      !tensor.getElementType().isIntOrFloat())
    return std::nullopt;
  int64_t bytes = (tensor.getElementTypeBitWidth() + 7) / 8;
  for (int64_t size : tensor.getShape())
    if (llvm::MulOverflow(bytes, size, bytes))
      return std::nullopt;
  return bytes;
}
