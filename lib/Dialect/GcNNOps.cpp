//===- GcNNOps.cpp - Neural-network gc operations -------------------------===//
//
// Builders (which infer result types) and verifiers of matmul, reductions,
// layer normalization, softmax, dropout, embeddings and cross-entropy.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Dialect/GcShapeInference.h"
#include "gc/Dialect/GcVerifyUtils.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// A builder's result type: the inferred one, or the type of `fallback` when
/// the operands are inconsistent, so that the verifier reports why instead
/// of the builder crashing.
static Type orFallback(RankedTensorType inferred, Value fallback) {
  return inferred ? Type(inferred) : fallback.getType();
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

void MatmulOp::build(OpBuilder &builder, OperationState &state, Value lhs,
                     Value rhs, bool transposeLhs, bool transposeRhs) {
  RankedTensorType resultType = inferMatmulType(
      tensorType(lhs), tensorType(rhs), transposeLhs, transposeRhs);
  build(builder, state, orFallback(resultType, lhs), lhs, rhs, transposeLhs,
        transposeRhs);
}

LogicalResult MatmulOp::verify() {
  RankedTensorType inferred = inferMatmulType(
      tensorType(getLhs()), tensorType(getRhs()), getTransposeLhs(),
      getTransposeRhs(), [&] { return emitOpError(); });
  if (!inferred)
    return failure();
  return verifyInferredType(*this, "result", inferred, getResult().getType());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename ReduceOp>
static void buildReduce(OpBuilder &builder, OperationState &state, Value input,
                        ArrayRef<int64_t> dims, bool keepDims) {
  RankedTensorType resultType =
      inferReduceType(tensorType(input), dims, keepDims);
  ReduceOp::build(builder, state, orFallback(resultType, input), input,
                  builder.getDenseI64ArrayAttr(dims), keepDims);
}

template <typename ReduceOp> static LogicalResult verifyReduce(ReduceOp op) {
  RankedTensorType inferred =
      inferReduceType(tensorType(op.getInput()), op.getDims(), op.getKeepDims(),
                      [&] { return op.emitOpError(); });
  if (!inferred)
    return failure();
  return verifyInferredType(op, "result", inferred, op.getResult().getType());
}

void ReduceSumOp::build(OpBuilder &builder, OperationState &state, Value input,
                        ArrayRef<int64_t> dims, bool keepDims) {
  buildReduce<ReduceSumOp>(builder, state, input, dims, keepDims);
}
void ReduceMeanOp::build(OpBuilder &builder, OperationState &state, Value input,
                         ArrayRef<int64_t> dims, bool keepDims) {
  buildReduce<ReduceMeanOp>(builder, state, input, dims, keepDims);
}
void ReduceMaxOp::build(OpBuilder &builder, OperationState &state, Value input,
                        ArrayRef<int64_t> dims, bool keepDims) {
  buildReduce<ReduceMaxOp>(builder, state, input, dims, keepDims);
}
LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }

//===----------------------------------------------------------------------===//
// Layer normalization
//===----------------------------------------------------------------------===//

/// Checks the three results of a layer_norm or layer_norm_grad against the
/// inferred ones.
static LogicalResult verifyThreeResults(Operation *op,
                                        std::optional<LayerNormTypes> inferred,
                                        ArrayRef<StringRef> names) {
  if (!inferred)
    return failure();
  RankedTensorType expected[] = {inferred->first, inferred->second,
                                 inferred->third};
  for (auto [name, type, result] :
       llvm::zip_equal(names, expected, op->getResults()))
    if (failed(verifyInferredType(op, name, type, result.getType())))
      return failure();
  return success();
}

void LayerNormOp::build(OpBuilder &builder, OperationState &state, Value input,
                        Value gamma, Value beta, double epsilon) {
  std::optional<LayerNormTypes> types = inferLayerNormTypes(
      tensorType(input), tensorType(gamma), tensorType(beta));
  Type statsFallback = input.getType();
  build(builder, state, input.getType(),
        types ? Type(types->second) : statsFallback,
        types ? Type(types->third) : statsFallback, input, gamma, beta,
        builder.getF64FloatAttr(epsilon));
}

LogicalResult LayerNormOp::verify() {
  if (failed(verifyFiniteAttr(*this, "epsilon", getEpsilon().convertToDouble(),
                              Bound::Positive)))
    return failure();
  return verifyThreeResults(
      *this,
      inferLayerNormTypes(tensorType(getInput()), tensorType(getGamma()),
                          tensorType(getBeta()), [&] { return emitOpError(); }),
      {"result", "mean", "rstd"});
}

void LayerNormGradOp::build(OpBuilder &builder, OperationState &state,
                            Value grad, Value input, Value mean, Value rstd,
                            Value gamma) {
  build(builder, state, input.getType(), gamma.getType(), gamma.getType(), grad,
        input, mean, rstd, gamma);
}

LogicalResult LayerNormGradOp::verify() {
  return verifyThreeResults(
      *this,
      inferLayerNormGradTypes(tensorType(getGrad()), tensorType(getInput()),
                              tensorType(getMean()), tensorType(getRstd()),
                              tensorType(getGamma()),
                              [&] { return emitOpError(); }),
      {"input_grad", "gamma_grad", "beta_grad"});
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  if (failed(verifyDimension(*this, "dim", getDim(),
                             tensorType(getInput()).getRank())))
    return failure();
  return verifySameTypes(*this, {{"input", getInput()}});
}

LogicalResult SoftmaxGradOp::verify() {
  if (failed(verifyDimension(*this, "dim", getDim(),
                             tensorType(getGrad()).getRank())))
    return failure();
  return verifySameTypes(*this, {{"grad", getGrad()}, {"output", getOutput()}});
}

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

/// Rules shared by dropout and its gradient: a probability in [0, 1) and a
/// non-negative stream id.
static LogicalResult verifyDropoutAttrs(Operation *op, double probability,
                                        int64_t stream) {
  if (failed(verifyUnitIntervalAttr(op, "probability", probability)))
    return failure();
  if (stream < 0)
    return op->emitOpError()
           << "expected a non-negative stream id, but found " << stream;
  return success();
}

LogicalResult DropoutOp::verify() {
  if (failed(verifyDropoutAttrs(*this, getProbability().convertToDouble(),
                                getStream())))
    return failure();
  return verifySameTypes(*this, {{"input", getInput()}});
}

LogicalResult DropoutGradOp::verify() {
  if (failed(verifyDropoutAttrs(*this, getProbability().convertToDouble(),
                                getStream())))
    return failure();
  return verifySameTypes(*this, {{"grad", getGrad()}});
}

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

/// An optional padding index as the op's attribute.
static IntegerAttr paddingAttr(OpBuilder &builder,
                               std::optional<int64_t> paddingIdx) {
  return paddingIdx ? builder.getI64IntegerAttr(*paddingIdx) : IntegerAttr();
}

/// Checks that a padding index names a row of a `rows`-row table.
static LogicalResult verifyPaddingIdx(Operation *op,
                                      std::optional<int64_t> paddingIdx,
                                      int64_t rows) {
  if (!paddingIdx || (*paddingIdx >= 0 && *paddingIdx < rows))
    return success();
  return op->emitOpError() << "expected padding_idx to be a row of the table, "
                              "in [0, "
                           << rows << "), but found " << *paddingIdx;
}

void EmbeddingOp::build(OpBuilder &builder, OperationState &state, Value table,
                        Value ids, std::optional<int64_t> paddingIdx) {
  RankedTensorType resultType =
      inferEmbeddingType(tensorType(table), tensorType(ids));
  build(builder, state, orFallback(resultType, table), table, ids,
        paddingAttr(builder, paddingIdx));
}

LogicalResult EmbeddingOp::verify() {
  RankedTensorType inferred =
      inferEmbeddingType(tensorType(getTable()), tensorType(getIds()),
                         [&] { return emitOpError(); });
  if (!inferred)
    return failure();
  if (failed(verifyPaddingIdx(*this, getPaddingIdx(),
                              tensorType(getTable()).getDimSize(0))))
    return failure();
  return verifyInferredType(*this, "result", inferred, getResult().getType());
}

void EmbeddingGradOp::build(OpBuilder &builder, OperationState &state,
                            Value grad, Value ids, int64_t numEmbeddings,
                            std::optional<int64_t> paddingIdx) {
  RankedTensorType resultType =
      inferEmbeddingGradType(tensorType(grad), tensorType(ids), numEmbeddings);
  build(builder, state, orFallback(resultType, grad), grad, ids,
        paddingAttr(builder, paddingIdx));
}

LogicalResult EmbeddingGradOp::verify() {
  RankedTensorType result = tensorType(getResult());
  if (result.getRank() != 2)
    return emitOpError() << "expected a result table of rank 2 [rows, "
                            "features], but found rank "
                         << result.getRank();
  RankedTensorType inferred = inferEmbeddingGradType(
      tensorType(getGrad()), tensorType(getIds()), result.getDimSize(0),
      [&] { return emitOpError(); });
  if (!inferred)
    return failure();
  if (failed(verifyPaddingIdx(*this, getPaddingIdx(), result.getDimSize(0))))
    return failure();
  return verifyInferredType(*this, "result", inferred, result);
}

//===----------------------------------------------------------------------===//
// Cross-entropy
//===----------------------------------------------------------------------===//

void CrossEntropyOp::build(OpBuilder &builder, OperationState &state,
                           Value logits, Value labels, int64_t ignoreIndex) {
  RankedTensorType resultType =
      inferCrossEntropyType(tensorType(logits), tensorType(labels));
  Type fallback =
      RankedTensorType::get({}, tensorType(logits).getElementType());
  build(builder, state, resultType ? Type(resultType) : fallback, logits,
        labels, ignoreIndex);
}

LogicalResult CrossEntropyOp::verify() {
  RankedTensorType inferred =
      inferCrossEntropyType(tensorType(getLogits()), tensorType(getLabels()),
                            [&] { return emitOpError(); });
  if (!inferred)
    return failure();
  return verifyInferredType(*this, "result", inferred, getResult().getType());
}

LogicalResult CrossEntropyGradOp::verify() {
  RankedTensorType loss =
      inferCrossEntropyType(tensorType(getLogits()), tensorType(getLabels()),
                            [&] { return emitOpError(); });
  if (!loss)
    return failure();
  if (failed(verifyInferredType(*this, "grad", loss, getGrad().getType())))
    return failure();
  return verifyInferredType(*this, "result", getLogits().getType(),
                            getResult().getType());
}
