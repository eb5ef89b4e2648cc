//===- GcElementwiseAdjoints.cpp - Derivatives of elementwise ops ---------===//
//
// Reverse-mode derivatives of the elementwise gc ops. Each builds, from the
// gradient `g` of the result, the gradients of the operands. Where the
// derivative is cheaper in terms of the result y than of the input x
// (exp, tanh, sqrt, rsqrt, div) the result is reused.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcAdjointUtils.h"
#include "gc/Dialect/GcOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

LogicalResult AddOp::buildAdjoint(OpBuilder &, ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = operandGrads[1] = resultGrads[0];
  return success();
}

LogicalResult SubOp::buildAdjoint(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = resultGrads[0];
  operandGrads[1] = NegOp::create(builder, getLoc(), resultGrads[0]);
  return success();
}

LogicalResult MulOp::buildAdjoint(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  Value g = resultGrads[0];
  operandGrads[0] = MulOp::create(builder, getLoc(), g, getRhs());
  operandGrads[1] = MulOp::create(builder, getLoc(), g, getLhs());
  return success();
}

/// y = a / b: da = g / b, db = -g * y / b.
LogicalResult DivOp::buildAdjoint(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value g = resultGrads[0];
  operandGrads[0] = DivOp::create(builder, loc, g, getRhs());
  Value gy = MulOp::create(builder, loc, g, getResult());
  operandGrads[1] =
      NegOp::create(builder, loc, DivOp::create(builder, loc, gy, getRhs()));
  return success();
}

LogicalResult NegOp::buildAdjoint(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = NegOp::create(builder, getLoc(), resultGrads[0]);
  return success();
}

/// d exp(x) = exp(x) = y.
LogicalResult ExpOp::buildAdjoint(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] =
      MulOp::create(builder, getLoc(), resultGrads[0], getResult());
  return success();
}

/// d log(x) = 1 / x.
LogicalResult LogOp::buildAdjoint(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] =
      DivOp::create(builder, getLoc(), resultGrads[0], getInput());
  return success();
}

/// d tanh(x) = 1 - y^2.
LogicalResult TanhOp::buildAdjoint(OpBuilder &builder,
                                   ArrayRef<Value> resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value y = getResult();
  Value one = buildSplat(builder, loc, y.getType(), 1.0);
  Value slope =
      SubOp::create(builder, loc, one, MulOp::create(builder, loc, y, y));
  operandGrads[0] = MulOp::create(builder, loc, resultGrads[0], slope);
  return success();
}

/// d erf(x) = 2 / sqrt(pi) * exp(-x^2).
LogicalResult ErfOp::buildAdjoint(OpBuilder &builder,
                                  ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value x = getInput();
  Value gauss = ExpOp::create(
      builder, loc,
      NegOp::create(builder, loc, MulOp::create(builder, loc, x, x)));
  Value scaled = MulOp::create(builder, loc, resultGrads[0], gauss);
  operandGrads[0] =
      ScaleOp::create(builder, loc, scaled, 2.0 / std::sqrt(M_PI));
  return success();
}

/// d sqrt(x) = 1 / (2 y).
LogicalResult SqrtOp::buildAdjoint(OpBuilder &builder,
                                   ArrayRef<Value> resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value ratio = DivOp::create(builder, loc, resultGrads[0], getResult());
  operandGrads[0] = ScaleOp::create(builder, loc, ratio, 0.5);
  return success();
}

/// d x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3.
LogicalResult RsqrtOp::buildAdjoint(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value y = getResult();
  Value cube =
      MulOp::create(builder, loc, y, MulOp::create(builder, loc, y, y));
  Value product = MulOp::create(builder, loc, resultGrads[0], cube);
  operandGrads[0] = ScaleOp::create(builder, loc, product, -0.5);
  return success();
}

LogicalResult ReluOp::buildAdjoint(OpBuilder &builder,
                                   ArrayRef<Value> resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] =
      ReluGradOp::create(builder, getLoc(), resultGrads[0], getInput());
  return success();
}

LogicalResult GeluOp::buildAdjoint(OpBuilder &builder,
                                   ArrayRef<Value> resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = GeluGradOp::create(builder, getLoc(), resultGrads[0],
                                       getInput(), getApproximate());
  return success();
}

LogicalResult ScaleOp::buildAdjoint(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = ScaleOp::create(builder, getLoc(), resultGrads[0],
                                    getFactor().convertToDouble());
  return success();
}

/// A float-to-float cast passes the gradient back, converted to the input's
/// element type. Integer inputs have no gradient.
LogicalResult CastOp::buildAdjoint(OpBuilder &builder,
                                   ArrayRef<Value> resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  if (!isDifferentiable(getInput()))
    return success();
  operandGrads[0] =
      CastOp::create(builder, getLoc(), getInput().getType(), resultGrads[0]);
  return success();
}
