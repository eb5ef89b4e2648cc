//===- GcAttentionOps.cpp - gc.attention and its gradient -----------------===//
//
// The builder, verifiers and adjoint of the fused attention op. One rule
// checks the operands both ops share (query, key, value, the optional mask
// and seed, scale, probability, stream), so the forward and the backward
// accept exactly the same attention problems.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcAttention.h"
#include "gc/Dialect/GcOps.h"
#include "gc/Dialect/GcShapeInference.h"
#include "gc/Dialect/GcVerifyUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

namespace {

/// The largest head dimension: the CUDA kernels keep one output row per
/// warp in registers (the CPU kernels have no limit of their own).
constexpr int64_t kMaxHeadDim = 256;

RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// The types of gc.attention's results for these operands.
struct AttentionTypes {
  RankedTensorType output, lse;
};

AttentionTypes inferAttentionTypes(Value query, Value value) {
  ArrayRef<int64_t> q = tensorType(query).getShape();
  ArrayRef<int64_t> v = tensorType(value).getShape();
  Type element = tensorType(query).getElementType();
  if (q.size() != 4 || v.size() != 4)
    return {tensorType(query), tensorType(query)};
  return {
      RankedTensorType::get({q[0], q[1], q[2], v[3]}, element),
      RankedTensorType::get({q[0], q[1], q[2]}, getAccumulationType(element))};
}

/// The checks gc.attention and gc.attention_grad share.
LogicalResult verifyAttentionProblem(Operation *op, Value query, Value key,
                                     Value value, Value mask, Value seed,
                                     double scale, double probability,
                                     int64_t stream) {
  RankedTensorType q = tensorType(query), k = tensorType(key),
                   v = tensorType(value);
  for (auto [name, type] : {std::pair<StringRef, RankedTensorType>{"query", q},
                            {"key", k},
                            {"value", v}}) {
    if (type.getRank() != 4)
      return op->emitOpError()
             << "expected " << name << " of rank 4 [batch, heads, "
             << (name == "query" ? "queries" : "keys") << ", "
             << (name == "value" ? "value_dim" : "head_dim") << "], but found "
             << type;
    if (type.getElementType() != q.getElementType())
      return op->emitOpError() << "expected " << name << " of element type "
                               << q.getElementType() << ", but found " << type;
  }
  if (k.getDimSize(0) != q.getDimSize(0) ||
      k.getDimSize(1) != q.getDimSize(1) ||
      v.getDimSize(0) != q.getDimSize(0) || v.getDimSize(1) != q.getDimSize(1))
    return op->emitOpError()
           << "expected query, key and value with the same batch and heads, "
              "but found "
           << q << ", " << k << " and " << v;
  if (k.getDimSize(3) != q.getDimSize(3))
    return op->emitOpError()
           << "expected key with the head dimension of query ("
           << q.getDimSize(3) << "), but found " << k;
  if (v.getDimSize(2) != k.getDimSize(2))
    return op->emitOpError() << "expected value with as many rows as key ("
                             << k.getDimSize(2) << "), but found " << v;
  if (q.getDimSize(2) < 1 || k.getDimSize(2) < 1)
    return op->emitOpError()
           << "expected at least one query and one key, but found "
           << q.getDimSize(2) << " queries and " << k.getDimSize(2) << " keys";
  for (auto [name, size] :
       {std::pair<StringRef, int64_t>{"query and key", q.getDimSize(3)},
        {"value", v.getDimSize(3)}})
    if (size < 1 || size > kMaxHeadDim)
      return op->emitOpError()
             << "expected a head dimension of " << name << " in [1, "
             << kMaxHeadDim << "], but found " << size;
  if (mask) {
    RankedTensorType m = tensorType(mask);
    int64_t full[] = {q.getDimSize(0), q.getDimSize(1), q.getDimSize(2),
                      k.getDimSize(2)};
    bool fits = m.getRank() == 4 && m.getElementType() == q.getElementType();
    for (int64_t d = 0; fits && d < 4; ++d)
      fits = m.getDimSize(d) == 1 || m.getDimSize(d) == full[d];
    if (!fits)
      return op->emitOpError()
             << "expected a mask of element type " << q.getElementType()
             << " whose dimensions are 1 or those of [" << full[0] << ", "
             << full[1] << ", " << full[2] << ", " << full[3] << "], but found "
             << m;
  }
  if (!std::isfinite(scale) || scale == 0.0)
    return op->emitOpError()
           << "expected a finite, non-zero scale, but found " << scale;
  if (failed(verifyUnitIntervalAttr(op, "probability", probability)))
    return failure();
  if (stream < 0)
    return op->emitOpError()
           << "expected a non-negative stream id, but found " << stream;
  if ((probability > 0.0) != static_cast<bool>(seed)) {
    if (seed)
      return op->emitOpError()
             << "expected no seed when the dropout probability is 0";
    return op->emitOpError()
           << "expected a seed operand for dropout probability " << probability;
  }
  return success();
}

} // namespace

void AttentionOp::build(OpBuilder &builder, OperationState &state, Value query,
                        Value key, Value value, Value mask, Value seed,
                        double scale, double probability, int64_t stream) {
  AttentionTypes types = inferAttentionTypes(query, value);
  build(builder, state, types.output, types.lse, query, key, value, mask, seed,
        builder.getF64FloatAttr(scale), builder.getF64FloatAttr(probability),
        builder.getI64IntegerAttr(stream));
}

LogicalResult AttentionOp::verify() {
  if (failed(verifyAttentionProblem(
          *this, getQuery(), getKey(), getValue(), getMask(), getSeed(),
          getScale().convertToDouble(), getProbability().convertToDouble(),
          getStream())))
    return failure();
  AttentionTypes types = inferAttentionTypes(getQuery(), getValue());
  if (failed(verifyInferredType(*this, "result", types.output,
                                getResult().getType())))
    return failure();
  return verifyInferredType(*this, "lse", types.lse, getLse().getType());
}

LogicalResult AttentionGradOp::verify() {
  if (failed(verifyAttentionProblem(
          *this, getQuery(), getKey(), getValue(), getMask(), getSeed(),
          getScale().convertToDouble(), getProbability().convertToDouble(),
          getStream())))
    return failure();
  AttentionTypes types = inferAttentionTypes(getQuery(), getValue());
  if (failed(verifyInferredType(*this, "grad", types.output,
                                getGrad().getType())) ||
      failed(verifyInferredType(*this, "output", types.output,
                                getOutput().getType())) ||
      failed(verifyInferredType(*this, "lse", types.lse, getLse().getType())))
    return failure();
  for (auto [name, operand, result] :
       {std::tuple<StringRef, Value, Value>{"query_grad", getQuery(),
                                            getQueryGrad()},
        {"key_grad", getKey(), getKeyGrad()},
        {"value_grad", getValue(), getValueGrad()}})
    if (failed(verifyInferredType(*this, name, operand.getType(),
                                  result.getType())))
      return failure();
  return success();
}

LogicalResult AttentionOp::buildAdjoint(OpBuilder &builder,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  // lse is for the backward pass: a loss that depends on it directly has
  // no adjoint here, and the mask gets no gradient (gc-autodiff refuses a
  // mask that depends on a parameter).
  if (resultGrads[1])
    return emitOpError() << "cannot differentiate a loss that depends on "
                            "the log-sum-exp result";
  if (!resultGrads[0])
    return success();
  auto grad = AttentionGradOp::create(
      builder, getLoc(), getQuery().getType(), getKey().getType(),
      getValue().getType(), resultGrads[0], getQuery(), getKey(), getValue(),
      getResult(), getLse(), getMask(), getSeed(), getScaleAttr(),
      getProbabilityAttr(), getStreamAttr());
  operandGrads[0] = grad.getQueryGrad();
  operandGrads[1] = grad.getKeyGrad();
  operandGrads[2] = grad.getValueGrad();
  return success();
}

AttentionSizes mlir::gc::getAttentionSizes(Value query, Value key, Value value,
                                           Value mask) {
  ArrayRef<int64_t> q = tensorType(query).getShape();
  AttentionSizes sizes;
  sizes.batch = q[0];
  sizes.heads = q[1];
  sizes.queries = q[2];
  sizes.headDim = q[3];
  sizes.keys = tensorType(key).getDimSize(2);
  sizes.valueDim = tensorType(value).getDimSize(3);
  if (mask)
    for (int64_t d = 0; d < 4; ++d)
      sizes.maskDims[d] = tensorType(mask).getDimSize(d);
  return sizes;
}
