//===- GcAdjointUtils.cpp - Helpers for op adjoints -----------------------===//

#include "gc/Dialect/GcAdjointUtils.h"
#include "gc/Dialect/GcOps.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::gc;

Value mlir::gc::detail::buildSplat(OpBuilder &builder, Location loc, Type type,
                                   double value) {
  auto tensorType = cast<RankedTensorType>(type);
  // FloatAttr::get(Type, double) converts to the element type's semantics,
  // rounding to nearest.
  Attribute element = FloatAttr::get(tensorType.getElementType(), value);
  auto splat = DenseElementsAttr::get(tensorType, element);
  return ConstantOp::create(builder, loc, cast<ElementsAttr>(splat));
}

bool mlir::gc::detail::isDifferentiable(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isa<FloatType>(type.getElementType());
}

Value mlir::gc::detail::reduceToShape(OpBuilder &builder, Location loc,
                                      Value gradient,
                                      RankedTensorType inputType,
                                      ArrayRef<int64_t> dims) {
  auto resultType = cast<RankedTensorType>(gradient.getType());
  SmallVector<int64_t> reduced;
  for (int64_t d = 0; d < resultType.getRank(); ++d) {
    const auto *mapped = llvm::find(dims, d);
    if (mapped == dims.end()) {
      reduced.push_back(d);
      continue;
    }
    int64_t inputDim = mapped - dims.begin();
    if (inputType.getDimSize(inputDim) != resultType.getDimSize(d))
      reduced.push_back(d);
  }
  Value summed = gradient;
  if (!reduced.empty())
    summed = ReduceSumOp::create(builder, loc, gradient, reduced);
  if (summed.getType() == inputType)
    return summed;
  return ReshapeOp::create(builder, loc, inputType, summed);
}

Value mlir::gc::detail::expandReduced(OpBuilder &builder, Location loc,
                                      Value gradient,
                                      RankedTensorType inputType,
                                      ArrayRef<int64_t> dims, bool keepDims) {
  SmallVector<int64_t> mapping;
  for (int64_t d = 0; d < inputType.getRank(); ++d)
    if (keepDims || !llvm::is_contained(dims, d))
      mapping.push_back(d);
  return BroadcastOp::create(builder, loc, inputType, gradient, mapping);
}
