//===- ApplyOptimizer.cpp - Append optimizer updates to a training step ---===//
//
// Consumes the gradients gc-autodiff returns and replaces them by updated
// parameters (and, for AdamW, updated moment estimates), matching results to
// arguments by name so that a driver can feed one step's results into the
// next step's arguments.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Transforms/Passes.h"

#include "llvm/ADT/StringMap.h"

#include <cmath>

#define DEBUG_TYPE "gc-optimizer"

namespace mlir::gc {
#define GEN_PASS_DEF_APPLYOPTIMIZER
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;

namespace {
/// One parameter and the gradient gc-autodiff computed for it.
struct ParamGradient {
  BlockArgument param;
  std::string name;
  Value gradient;
};

struct ApplyOptimizerPass : gc::impl::ApplyOptimizerBase<ApplyOptimizerPass> {
  using ApplyOptimizerBase::ApplyOptimizerBase;

  void runOnOperation() override;

private:
  LogicalResult checkOptions(func::FuncOp function);
  /// The weight decay to apply: the option's default of -1 means PyTorch's
  /// default for the optimizer (0.01 for AdamW, 0 for SGD).
  double getWeightDecay() const {
    if (weightDecay == -1)
      return optimizer == OptimizerKind::AdamW ? 0.01 : 0.0;
    return weightDecay;
  }
  FailureOr<SmallVector<ParamGradient>> collect(func::FuncOp function);
};
} // namespace

/// The largest learning rate gc-optimizer accepts.
constexpr double kMaxLearningRate = 100;

LogicalResult ApplyOptimizerPass::checkOptions(func::FuncOp function) {
  auto bad = [&](StringRef option, StringRef expected, double value) {
    return function.emitError()
           << "gc-optimizer: expected " << option << " to be " << expected
           << ", but found " << value;
  };
  if (!std::isfinite(lr) || lr <= 0)
    return bad("lr", "finite and positive", lr);
  // No optimizer trains with a step this large; it is a typo (1e3 for 1e-3).
  if (lr > kMaxLearningRate)
    return bad("lr", "at most 100", lr);
  if (!std::isfinite(getWeightDecay()) || getWeightDecay() < 0)
    return bad("weight-decay", "finite and non-negative", getWeightDecay());
  if (optimizer == OptimizerKind::AdamW) {
    if (!(beta1 >= 0 && beta1 < 1))
      return bad("beta1", "in [0, 1)", beta1);
    if (!(beta2 >= 0 && beta2 < 1))
      return bad("beta2", "in [0, 1)", beta2);
    if (!std::isfinite(epsilon) || epsilon <= 0)
      return bad("epsilon", "finite and positive", epsilon);
  }
  return success();
}

/// Pairs every gc.param argument with the result gc-autodiff marked as its
/// gradient (#gc.role<gradient, of = N>).
FailureOr<SmallVector<ParamGradient>>
ApplyOptimizerPass::collect(func::FuncOp function) {
  Operation *terminator = function.front().getTerminator();
  llvm::DenseMap<int64_t, Value> gradientOf;
  for (unsigned i = 0, e = function.getNumResults(); i < e; ++i)
    if (auto role = function.getResultAttrOfType<RoleAttr>(
            i, GcDialect::getRoleAttrName());
        role && role.getKind() == ArgumentRole::Gradient)
      gradientOf[role.getOf()] = terminator->getOperand(i);

  SmallVector<ParamGradient> pairs;
  for (BlockArgument arg : function.getArguments()) {
    unsigned index = arg.getArgNumber();
    if (!function.getArgAttr(index, GcDialect::getParamAttrName()))
      continue;
    auto nameAttr = function.getArgAttrOfType<StringAttr>(
        index, GcDialect::getNameAttrName());
    if (!nameAttr)
      return function.emitError()
             << "gc-optimizer: parameter #" << index
             << " has no gc.name, so its optimizer state cannot be named";
    Value gradient = gradientOf.lookup(index);
    if (!gradient)
      return function.emitError()
             << "gc-optimizer: no result is the gradient of parameter #"
             << index << " '" << nameAttr.getValue()
             << "' (#gc.role<gradient, of = " << index
             << ">); run gc-autodiff first";
    pairs.push_back({arg, nameAttr.getValue().str(), gradient});
  }
  return pairs;
}

void ApplyOptimizerPass::runOnOperation() {
  func::FuncOp function = getOperation();
  bool hasParams = llvm::any_of(function.getArguments(), [&](BlockArgument a) {
    return function.getArgAttr(a.getArgNumber(),
                               GcDialect::getParamAttrName()) != nullptr;
  });
  if (!hasParams)
    return;
  if (failed(checkOptions(function)))
    return signalPassFailure();
  FailureOr<SmallVector<ParamGradient>> pairs = collect(function);
  if (failed(pairs))
    return signalPassFailure();

  MLIRContext *context = &getContext();
  auto nameAttr = [&](const Twine &text) {
    return NamedAttribute(
        StringAttr::get(context, GcDialect::getNameAttrName()),
        StringAttr::get(context, text));
  };
  Operation *terminator = function.front().getTerminator();
  OpBuilder builder(terminator);
  bool adamw = optimizer == OptimizerKind::AdamW;

  // The shared step counter comes first among the new arguments, followed
  // by the moments of each parameter in parameter order.
  // Each new argument carries its contract: the role (which parameter's
  // which moment) and the initializer (zeros; the counter starts at 1).
  Value step;
  auto addArgument = [&](Type type, const Twine &name, RoleAttr role,
                         InitKind init) {
    unsigned index = function.getNumArguments();
    NamedAttribute attrs[] = {
        nameAttr(name), NamedAttribute(GcDialect::getRoleAttrName(), role),
        NamedAttribute(GcDialect::getInitAttrName(),
                       InitAttr::get(context, init))};
    (void)function.insertArgument(
        index, type, DictionaryAttr::get(context, attrs), function.getLoc());
    return function.getArgument(index);
  };
  if (adamw)
    step = addArgument(RankedTensorType::get({}, IntegerType::get(context, 64)),
                       "optimizer.step",
                       RoleAttr::get(context, ArgumentRole::StepCounter),
                       InitKind::Ones);

  SmallVector<Value> results{terminator->getOperand(0)};
  SmallVector<DictionaryAttr> resultAttrs{function.getResultAttrDict(0)};
  SmallVector<Value> states;
  SmallVector<DictionaryAttr> stateAttrs;
  if (keepGradients)
    for (unsigned i = 1, e = function.getNumResults(); i < e; ++i) {
      results.push_back(terminator->getOperand(i));
      resultAttrs.push_back(function.getResultAttrDict(i));
    }

  for (ParamGradient &pair : *pairs) {
    Location loc = pair.param.getLoc();
    Type type = pair.param.getType();
    Value updated;
    if (adamw) {
      int64_t of = pair.param.getArgNumber();
      auto moment = [&](StringRef which) {
        return addArgument(
            type, "optimizer." + which + "." + pair.name,
            RoleAttr::get(context, ArgumentRole::OptimizerState, of, which),
            InitKind::Zeros);
      };
      Value m = moment("exp_avg");
      Value v = moment("exp_avg_sq");
      auto update = AdamWUpdateOp::create(
          builder, loc, type, type, type, pair.param, pair.gradient, m, v, step,
          builder.getF64FloatAttr(lr), builder.getF64FloatAttr(beta1),
          builder.getF64FloatAttr(beta2), builder.getF64FloatAttr(epsilon),
          builder.getF64FloatAttr(getWeightDecay()));
      updated = update.getNewParam();
      states.append({update.getNewM(), update.getNewV()});
      stateAttrs.push_back(DictionaryAttr::get(
          context, {nameAttr("optimizer.exp_avg." + pair.name)}));
      stateAttrs.push_back(DictionaryAttr::get(
          context, {nameAttr("optimizer.exp_avg_sq." + pair.name)}));
    } else {
      updated = SgdUpdateOp::create(builder, loc, type, pair.param,
                                    pair.gradient, builder.getF64FloatAttr(lr),
                                    builder.getF64FloatAttr(getWeightDecay()));
    }
    results.push_back(updated);
    resultAttrs.push_back(DictionaryAttr::get(context, {nameAttr(pair.name)}));
  }
  results.append(states);
  resultAttrs.append(stateAttrs);

  func::ReturnOp::create(builder, terminator->getLoc(), results);
  terminator->erase();
  SmallVector<Type> resultTypes = llvm::to_vector(
      llvm::map_range(results, [](Value v) { return v.getType(); }));
  function.setType(
      FunctionType::get(context, function.getArgumentTypes(), resultTypes));
  function.setAllResultAttrs(resultAttrs);
}
