//===- Autodiff.cpp - Reverse-mode differentiation of a loss function -----===//
//
// Turns a function returning a scalar loss into a training-step function
// that also returns the gradient of the loss with respect to each `gc.param`
// argument.
//
// The algorithm is classic reverse-mode accumulation over a straight-line
// program (Griewank & Walther, "Evaluating Derivatives", ch. 3): ops are
// visited in reverse order; when an op is reached every use of its results
// has already been visited, so the gradient of each result is complete (the
// sum over its uses). The op then builds its operands' gradients through
// AdjointOpInterface. Only the "active" values, those that depend on a
// parameter, are differentiated; everything else is a constant of the
// backward pass.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcAdjointUtils.h"
#include "gc/Dialect/GcOps.h"
#include "gc/Transforms/Passes.h"

#include "llvm/ADT/DenseSet.h"

#include <cmath>

#define DEBUG_TYPE "gc-autodiff"

namespace mlir::gc {
#define GEN_PASS_DEF_AUTODIFF
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

namespace {
/// The external name of argument `index` of `function`, or `arg<index>`.
std::string argumentName(func::FuncOp function, unsigned index) {
  if (auto name = function.getArgAttrOfType<StringAttr>(
          index, GcDialect::getNameAttrName()))
    return name.str();
  return "arg" + std::to_string(index);
}

class Differentiator {
public:
  Differentiator(func::FuncOp function, double lossScale)
      : function(function), lossScale(lossScale) {}

  LogicalResult run();

private:
  LogicalResult checkSignature(Value &loss);
  Value addLossScale(OpBuilder &builder, Value loss);
  void markActiveValues(ArrayRef<BlockArgument> params);
  LogicalResult differentiate(Operation *op, OpBuilder &builder);
  void accumulate(OpBuilder &builder, Location loc, Value value,
                  Value gradient);

  func::FuncOp function;
  /// The initial loss scale, or 0 for none.
  double lossScale;
  llvm::DenseSet<Value> active;
  llvm::DenseMap<Value, Value> gradients;
};
} // namespace

LogicalResult Differentiator::checkSignature(Value &loss) {
  if (!function.getBody().hasOneBlock())
    return function.emitError()
           << "gc-autodiff: expected a function with a single block";
  auto results = function.getFunctionType().getResults();
  auto lossType =
      results.size() == 1 ? dyn_cast<RankedTensorType>(results[0]) : nullptr;
  if (!lossType || lossType.getRank() != 0 ||
      !isa<FloatType>(lossType.getElementType()))
    return function.emitError()
           << "gc-autodiff: expected the function to return one scalar loss "
              "(a rank-0 floating-point tensor), but it returns "
           << results;
  loss = function.front().getTerminator()->getOperand(0);
  return success();
}

/// Adds the argument amp.loss_scale (rank-0 f32, optimizer state that no
/// parameter owns, starting at lossScale) and returns it, cast to the
/// loss's type, as the seed of the backward pass.
Value Differentiator::addLossScale(OpBuilder &builder, Value loss) {
  MLIRContext *context = function.getContext();
  Builder b(context);
  NamedAttribute attrs[] = {
      b.getNamedAttr(GcDialect::getNameAttrName(),
                     b.getStringAttr("amp.loss_scale")),
      b.getNamedAttr(GcDialect::getRoleAttrName(),
                     RoleAttr::get(context, ArgumentRole::OptimizerState)),
      b.getNamedAttr(GcDialect::getInitAttrName(),
                     InitAttr::get(context, InitKind::Full, lossScale))};
  unsigned index = function.getNumArguments();
  auto type = RankedTensorType::get({}, b.getF32Type());
  (void)function.insertArgument(index, type, b.getDictionaryAttr(attrs),
                                function.getLoc());
  Value scale = function.getArgument(index);
  if (loss.getType() == type)
    return scale;
  return CastOp::create(builder, loss.getLoc(), loss.getType(), scale);
}

/// A value is active when it is a floating-point tensor computed from a
/// parameter.
void Differentiator::markActiveValues(ArrayRef<BlockArgument> params) {
  for (BlockArgument param : params)
    active.insert(param);
  for (Operation &op : function.front().without_terminator()) {
    bool fed = llvm::any_of(op.getOperands(),
                            [&](Value v) { return active.contains(v); });
    if (!fed)
      continue;
    for (Value result : op.getResults())
      if (isDifferentiable(result))
        active.insert(result);
  }
}

void Differentiator::accumulate(OpBuilder &builder, Location loc, Value value,
                                Value gradient) {
  Value &slot = gradients[value];
  slot = slot ? Value(AddOp::create(builder, loc, slot, gradient)) : gradient;
}

LogicalResult Differentiator::differentiate(Operation *op, OpBuilder &builder) {
  SmallVector<Value> resultGrads;
  bool anyGradient = false;
  for (Value result : op->getResults()) {
    resultGrads.push_back(gradients.lookup(result));
    anyGradient |= static_cast<bool>(resultGrads.back());
  }
  bool fed = llvm::any_of(op->getOperands(),
                          [&](Value v) { return active.contains(v); });
  if (!anyGradient || !fed)
    return success();

  auto adjoint = dyn_cast<AdjointOpInterface>(op);
  if (!adjoint)
    return op->emitOpError()
           << "has no adjoint, but lies between a gc.param argument and the "
              "loss: gc-autodiff cannot differentiate through it";

  Operation *last = builder.getInsertionPoint()->getPrevNode();
  SmallVector<Value> operandGrads(op->getNumOperands());
  if (failed(adjoint.buildAdjoint(builder, resultGrads, operandGrads)))
    return failure();
  for (auto [index, operand, gradient] :
       llvm::enumerate(op->getOperands(), operandGrads)) {
    if (!active.contains(operand))
      continue;
    // An operand that depends on a parameter but gets no gradient would
    // silently train as if its gradient were zero.
    if (!gradient)
      return op->emitOpError()
             << "operand #" << index
             << " depends on a gc.param argument, but the op has no gradient "
                "for it: gc-autodiff cannot differentiate through it";
    accumulate(builder, op->getLoc(), operand, gradient);
  }

  // The backward ops of an op belong to the same block as the op.
  if (std::optional<int64_t> tag = getBlockTag(op)) {
    Operation *first =
        last ? last->getNextNode() : &builder.getInsertionBlock()->front();
    for (Operation *created = first; created != &*builder.getInsertionPoint();
         created = created->getNextNode())
      setBlockTag(created, *tag);
  }
  return success();
}

LogicalResult Differentiator::run() {
  SmallVector<BlockArgument> params;
  for (BlockArgument arg : function.getArguments())
    if (function.getArgAttr(arg.getArgNumber(), GcDialect::getParamAttrName()))
      params.push_back(arg);
  if (params.empty())
    return success();

  Value loss;
  if (failed(checkSignature(loss)))
    return failure();
  for (BlockArgument param : params)
    if (!isDifferentiable(param))
      return function.emitError()
             << "gc-autodiff: parameter '"
             << argumentName(function, param.getArgNumber())
             << "' must be a floating-point tensor, but has type "
             << param.getType();

  markActiveValues(params);
  Operation *terminator = function.front().getTerminator();
  OpBuilder builder(terminator);
  gradients[loss] =
      lossScale > 0 ? addLossScale(builder, loss)
                    : buildSplat(builder, loss.getLoc(), loss.getType(), 1.0);

  SmallVector<Operation *> forward;
  for (Operation &op : function.front().without_terminator())
    forward.push_back(&op);
  for (Operation *op : llvm::reverse(forward))
    if (failed(differentiate(op, builder)))
      return failure();

  // Return the loss, then one gradient per parameter.
  SmallVector<Value> results{loss};
  SmallVector<Type> resultTypes{loss.getType()};
  for (BlockArgument param : params) {
    Value gradient = gradients.lookup(param);
    if (!gradient)
      gradient = buildSplat(builder, function.getLoc(), param.getType(), 0.0);
    results.push_back(gradient);
    resultTypes.push_back(gradient.getType());
  }
  func::ReturnOp::create(builder, terminator->getLoc(), results);
  terminator->erase();

  // setType keeps the argument attributes and resizes the result ones.
  function.setType(FunctionType::get(function.getContext(),
                                     function.getArgumentTypes(), resultTypes));
  // Each gradient says whose it is (#gc.role<gradient, of = N>); its name
  // is for people and files.
  for (auto [i, param] : llvm::enumerate(params)) {
    function.setResultAttr(
        i + 1, GcDialect::getNameAttrName(),
        StringAttr::get(function.getContext(),
                        "grad." +
                            argumentName(function, param.getArgNumber())));
    function.setResultAttr(i + 1, GcDialect::getRoleAttrName(),
                           RoleAttr::get(function.getContext(),
                                         ArgumentRole::Gradient,
                                         param.getArgNumber()));
  }
  return success();
}

namespace {
struct AutodiffPass : gc::impl::AutodiffBase<AutodiffPass> {
  using AutodiffBase::AutodiffBase;
  void runOnOperation() override {
    if (lossScale < 0 || !std::isfinite(lossScale)) {
      getOperation().emitError()
          << "gc-autodiff: expected loss-scale to be finite and positive (or "
             "0 for none), but found "
          << lossScale;
      return signalPassFailure();
    }
    if (failed(Differentiator(getOperation(), lossScale).run()))
      signalPassFailure();
  }
};
} // namespace
