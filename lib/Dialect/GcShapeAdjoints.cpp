//===- GcShapeAdjoints.cpp - Derivatives of data movement ops -------------===//
//
// Reverse-mode derivatives of constants, broadcast, reshape, transpose,
// slice and concat: each moves the gradient back to where the data came
// from (summing where a value was repeated, zero-filling where it was cut).
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcAdjointUtils.h"
#include "gc/Dialect/GcOps.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

/// A constant has no operands; the gradient reaching it is dropped.
LogicalResult ConstantOp::buildAdjoint(OpBuilder &, ArrayRef<Value>,
                                       SmallVectorImpl<Value> &) {
  return success();
}

LogicalResult BroadcastOp::buildAdjoint(OpBuilder &builder,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  if (!isDifferentiable(getInput()))
    return success();
  operandGrads[0] =
      reduceToShape(builder, getLoc(), resultGrads[0],
                    cast<RankedTensorType>(getInput().getType()), getDims());
  return success();
}

LogicalResult ReshapeOp::buildAdjoint(OpBuilder &builder,
                                      ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  if (!isDifferentiable(getInput()))
    return success();
  operandGrads[0] = ReshapeOp::create(builder, getLoc(), getInput().getType(),
                                      resultGrads[0]);
  return success();
}

/// The gradient goes through the inverse permutation.
LogicalResult TransposeOp::buildAdjoint(OpBuilder &builder,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  if (!isDifferentiable(getInput()))
    return success();
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = static_cast<int64_t>(i);
  operandGrads[0] =
      TransposeOp::create(builder, getLoc(), resultGrads[0], inverse);
  return success();
}

/// The gradient of a slice is the result's gradient placed at the slice's
/// offsets in a zero tensor of the input's shape, built one dimension at a
/// time by concatenating zero blocks before and after.
LogicalResult SliceOp::buildAdjoint(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  if (!isDifferentiable(getInput()))
    return success();
  Location loc = getLoc();
  auto inputType = cast<RankedTensorType>(getInput().getType());
  Value padded = resultGrads[0];
  for (auto [index, start] : llvm::enumerate(getOffsets())) {
    // Plain copies: lambdas cannot capture structured bindings in C++17.
    int64_t dim = index, offset = start;
    auto current = cast<RankedTensorType>(padded.getType());
    int64_t size = current.getDimSize(dim);
    int64_t after = inputType.getDimSize(dim) - offset - size;
    SmallVector<Value> pieces;
    auto zeros = [&](int64_t extent) {
      SmallVector<int64_t> shape(current.getShape());
      shape[dim] = extent;
      return buildSplat(builder, loc,
                        current.clone(shape, current.getElementType()), 0.0);
    };
    if (offset > 0)
      pieces.push_back(zeros(offset));
    pieces.push_back(padded);
    if (after > 0)
      pieces.push_back(zeros(after));
    if (pieces.size() > 1)
      padded = ConcatOp::create(builder, loc, pieces, dim);
  }
  operandGrads[0] = padded;
  return success();
}

/// Each input receives the slice of the gradient it contributed.
LogicalResult ConcatOp::buildAdjoint(OpBuilder &builder,
                                     ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  int64_t dim = getDim();
  int64_t offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (isDifferentiable(input)) {
      SmallVector<int64_t> offsets(type.getRank(), 0);
      offsets[dim] = offset;
      operandGrads[i] =
          SliceOp::create(builder, getLoc(), type, resultGrads[0], offsets);
    }
    offset += type.getDimSize(dim);
  }
  return success();
}
