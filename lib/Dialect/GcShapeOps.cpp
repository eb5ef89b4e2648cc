//===- GcShapeOps.cpp - Data movement gc operations -----------------------===//
//
// Builders and verifiers of broadcast, reshape, transpose, slice and concat.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Dialect/GcShapeInference.h"
#include "gc/Dialect/GcVerifyUtils.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

/// Checks that the result keeps the input's element type.
static LogicalResult verifySameElementType(Operation *op, Type input,
                                           Type result) {
  Type inputElement = cast<RankedTensorType>(input).getElementType();
  Type resultElement = cast<RankedTensorType>(result).getElementType();
  if (inputElement == resultElement)
    return success();
  return op->emitOpError() << "expected the result to keep the input's "
                              "element type ("
                           << inputElement << "), but found " << resultElement
                           << "; use gc.cast to convert";
}

LogicalResult BroadcastOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (failed(verifySameElementType(*this, input, result)))
    return failure();
  ArrayRef<int64_t> dims = getDims();
  if (static_cast<int64_t>(dims.size()) != input.getRank())
    return emitOpError() << "expected dims to have one entry per input "
                            "dimension ("
                         << input.getRank() << "), but found " << dims.size();
  for (auto [i, dim] : llvm::enumerate(dims)) {
    if (dim < 0 || dim >= result.getRank())
      return emitOpError() << "expected dims[" << i << "] to be a result "
                           << "dimension in [0, " << result.getRank()
                           << "), but found " << dim;
    if (i > 0 && dim <= dims[i - 1])
      return emitOpError() << "expected strictly increasing dims, but found "
                           << formatShape(dims);
    int64_t inputSize = input.getDimSize(i);
    int64_t resultSize = result.getDimSize(dim);
    if (inputSize != resultSize && inputSize != 1)
      return emitOpError() << "expected input dimension " << i << " (size "
                           << inputSize << ") to be 1 or equal to result "
                           << "dimension " << dim << " (size " << resultSize
                           << ")";
  }
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (failed(verifySameElementType(*this, input, result)))
    return failure();
  if (input.getNumElements() != result.getNumElements())
    return emitOpError() << "expected the result to have the input's "
                         << input.getNumElements() << " elements "
                         << formatShape(input.getShape()) << ", but found "
                         << result.getNumElements() << " "
                         << formatShape(result.getShape());
  return success();
}

void TransposeOp::build(OpBuilder &builder, OperationState &state, Value input,
                        ArrayRef<int64_t> perm) {
  auto inputType = cast<RankedTensorType>(input.getType());
  RankedTensorType resultType = inferTransposeType(inputType, perm);
  build(builder, state, resultType ? resultType : inputType, input, perm);
}

LogicalResult TransposeOp::verify() {
  RankedTensorType inferred =
      inferTransposeType(cast<RankedTensorType>(getInput().getType()),
                         getPerm(), [&] { return emitOpError(); });
  if (!inferred)
    return failure();
  return verifyInferredType(*this, "result", inferred, getResult().getType());
}

LogicalResult SliceOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (failed(verifySameElementType(*this, input, result)))
    return failure();
  if (result.getRank() != input.getRank())
    return emitOpError() << "expected a result of the input's rank ("
                         << input.getRank() << "), but found rank "
                         << result.getRank();
  ArrayRef<int64_t> offsets = getOffsets();
  if (static_cast<int64_t>(offsets.size()) != input.getRank())
    return emitOpError() << "expected offsets to have one entry per input "
                            "dimension ("
                         << input.getRank() << "), but found "
                         << offsets.size();
  for (auto [i, offset] : llvm::enumerate(offsets)) {
    int64_t size = result.getDimSize(i), bound = input.getDimSize(i);
    if (offset < 0 || offset + size > bound)
      return emitOpError() << "expected dimension " << i << " of the slice, ["
                           << offset << ", " << offset + size
                           << "), to lie within [0, " << bound << ")";
  }
  return success();
}

void ConcatOp::build(OpBuilder &builder, OperationState &state,
                     ValueRange inputs, int64_t dim) {
  RankedTensorType resultType = inferConcatType(inputs.getTypes(), dim);
  Type fallback = inputs.empty() ? Type() : inputs.front().getType();
  build(builder, state, resultType ? Type(resultType) : fallback, inputs, dim);
}

LogicalResult ConcatOp::verify() {
  RankedTensorType inferred = inferConcatType(getInputs().getTypes(), getDim(),
                                              [&] { return emitOpError(); });
  if (!inferred)
    return failure();
  return verifyInferredType(*this, "result", inferred, getResult().getType());
}
