//===- GcElementwiseOps.cpp - Elementwise gc operations -------------------===//
//
// Verifiers of the activations, scaling and casts. The plain arithmetic ops
// get theirs from ODS (GcElementwiseOps.td).
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Dialect/GcShapeInference.h"
#include "gc/Dialect/GcVerifyUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

LogicalResult GeluOp::verify() {
  return verifySameTypes(*this, {{"input", getInput()}});
}

LogicalResult GeluGradOp::verify() {
  return verifySameTypes(*this, {{"grad", getGrad()}, {"input", getInput()}});
}

LogicalResult ReluGradOp::verify() {
  return verifySameTypes(*this, {{"grad", getGrad()}, {"input", getInput()}});
}

LogicalResult ScaleOp::verify() {
  if (!std::isfinite(getFactor().convertToDouble()))
    return emitOpError() << "expected a finite factor, but found "
                         << getFactor().convertToDouble();
  return verifySameTypes(*this, {{"input", getInput()}});
}

LogicalResult CastOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (input.getShape() != result.getShape())
    return emitOpError() << "expected the result to have the input's shape "
                         << formatShape(input.getShape())
                         << " (a cast changes only the element type), but "
                            "found "
                         << formatShape(result.getShape());
  return success();
}
