//===- GcNNAdjoints.cpp - Derivatives of neural-network ops ---------------===//
//
// Reverse-mode derivatives of matmul, reductions, layer_norm, softmax,
// dropout, embedding and cross-entropy. The coarse ops hand their gradient
// to the dedicated `*_grad` op (whose kernel implements the closed form);
// dropout's gradient regenerates the mask from the same random stream.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcAdjointUtils.h"
#include "gc/Dialect/GcOps.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

/// Swaps the two trailing dimensions of `value`.
static Value transposeLastTwo(OpBuilder &builder, Location loc, Value value) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[rank - 1], perm[rank - 2]);
  return TransposeOp::create(builder, loc, value, perm);
}

/// Collapses all but the last dimension: [b..., M, X] -> [b*...*M, X].
static Value flattenRows(OpBuilder &builder, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t columns = type.getShape().back();
  auto flat = RankedTensorType::get({type.getNumElements() / columns, columns},
                                    type.getElementType());
  return ReshapeOp::create(builder, loc, flat, value);
}

/// With op(X) = X^T when X's transpose flag is set and X otherwise, and
/// y = op(A) op(B) per batch:
///   d op(A) = g op(B)^T    and    d op(B) = op(A)^T g,
/// expressed with matmul's own transpose flags so that no operand is copied,
/// except when a shared rank-2 rhs would have to become a batched lhs (then
/// an explicit transpose is used). A shared rhs is used by every batch, so
/// its gradient sums over the batch: with an untransposed lhs the batch
/// folds into the rows of one GEMM, otherwise batched products are reduced.
LogicalResult MatmulOp::buildAdjoint(OpBuilder &builder,
                                     ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value g = resultGrads[0], lhs = getLhs(), rhs = getRhs();
  bool tl = getTransposeLhs(), tr = getTransposeRhs();
  int64_t lhsRank = cast<RankedTensorType>(lhs.getType()).getRank();
  int64_t rhsRank = cast<RankedTensorType>(rhs.getType()).getRank();
  bool sharedRhs = rhsRank == 2 && lhsRank > 2;

  // Gradient of lhs.
  if (!tl)
    operandGrads[0] = MatmulOp::create(builder, loc, g, rhs, false, !tr);
  else if (!sharedRhs)
    operandGrads[0] = MatmulOp::create(builder, loc, rhs, g, tr, true);
  else
    operandGrads[0] = transposeLastTwo(
        builder, loc, MatmulOp::create(builder, loc, g, rhs, false, !tr));

  // Gradient of rhs.
  Value a = lhs, gg = g;
  if (sharedRhs && !tl) {
    a = flattenRows(builder, loc, lhs);
    gg = flattenRows(builder, loc, g);
  }
  Value rhsGrad = tr ? MatmulOp::create(builder, loc, gg, a, true, tl)
                     : MatmulOp::create(builder, loc, a, gg, !tl, false);
  if (sharedRhs && tl)
    rhsGrad = ReduceSumOp::create(
        builder, loc, rhsGrad,
        llvm::to_vector(llvm::seq<int64_t>(0, lhsRank - 2)));
  operandGrads[1] = rhsGrad;
  return success();
}

LogicalResult ReduceSumOp::buildAdjoint(OpBuilder &builder,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = expandReduced(builder, getLoc(), resultGrads[0],
                                  cast<RankedTensorType>(getInput().getType()),
                                  getDims(), getKeepDims());
  return success();
}

LogicalResult ReduceMeanOp::buildAdjoint(OpBuilder &builder,
                                         ArrayRef<Value> resultGrads,
                                         SmallVectorImpl<Value> &operandGrads) {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  int64_t count = 1;
  for (int64_t dim : getDims())
    count *= inputType.getDimSize(dim);
  Value expanded = expandReduced(builder, getLoc(), resultGrads[0], inputType,
                                 getDims(), getKeepDims());
  operandGrads[0] =
      ScaleOp::create(builder, getLoc(), expanded, 1.0 / double(count));
  return success();
}

LogicalResult LayerNormOp::buildAdjoint(OpBuilder &builder,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  if (resultGrads[1] || resultGrads[2])
    return emitOpError() << "cannot differentiate through the mean or rstd "
                            "results of gc.layer_norm; only the normalized "
                            "result has a gradient";
  if (!resultGrads[0])
    return success();
  auto grad =
      LayerNormGradOp::create(builder, getLoc(), resultGrads[0], getInput(),
                              getMean(), getRstd(), getGamma());
  operandGrads[0] = grad.getInputGrad();
  operandGrads[1] = grad.getGammaGrad();
  operandGrads[2] = grad.getBetaGrad();
  return success();
}

LogicalResult SoftmaxOp::buildAdjoint(OpBuilder &builder,
                                      ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = SoftmaxGradOp::create(builder, getLoc(), resultGrads[0],
                                          getResult(), getDim());
  return success();
}

/// The mask is regenerated from (seed, stream): nothing is stored.
LogicalResult DropoutOp::buildAdjoint(OpBuilder &builder,
                                      ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] =
      DropoutGradOp::create(builder, getLoc(), resultGrads[0], getSeed(),
                            getProbability().convertToDouble(), getStream());
  return success();
}

LogicalResult EmbeddingOp::buildAdjoint(OpBuilder &builder,
                                        ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  int64_t rows = cast<RankedTensorType>(getTable().getType()).getDimSize(0);
  operandGrads[0] = EmbeddingGradOp::create(builder, getLoc(), resultGrads[0],
                                            getIds(), rows, getPaddingIdx());
  return success();
}

LogicalResult
CrossEntropyOp::buildAdjoint(OpBuilder &builder, ArrayRef<Value> resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] =
      CrossEntropyGradOp::create(builder, getLoc(), resultGrads[0], getLogits(),
                                 getLabels(), getIgnoreIndex());
  return success();
}
