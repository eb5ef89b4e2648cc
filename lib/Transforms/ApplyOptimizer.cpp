//===- ApplyOptimizer.cpp - Append optimizer updates to a training step ---===//
//
// Consumes the gradients gc-autodiff returns and replaces them by updated
// parameters (and, for AdamW, updated moment estimates), matching results to
// arguments by name so that a driver can feed one step's results into the
// next step's arguments.
//
//===----------------------------------------------------------------------===//

#include "Gc/IR/GcOps.h"
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

/// Pairs every gc.param argument with the result named `grad.<name>`.
FailureOr<SmallVector<ParamGradient>>
ApplyOptimizerPass::collect(func::FuncOp function) {
  auto name = [](DictionaryAttr attrs) -> StringRef {
    auto text = attrs ? attrs.getAs<StringAttr>(GcDialect::getNameAttrName())
                      : StringAttr();
    return text ? text.getValue() : StringRef();
  };
  Operation *terminator = function.front().getTerminator();
  llvm::StringMap<Value> byName;
  for (unsigned i = 0, e = function.getNumResults(); i < e; ++i)
    if (StringRef resultName = name(function.getResultAttrDict(i));
        !resultName.empty())
      byName[resultName] = terminator->getOperand(i);

  SmallVector<ParamGradient> pairs;
  for (BlockArgument arg : function.getArguments()) {
    unsigned index = arg.getArgNumber();
    if (!function.getArgAttr(index, GcDialect::getParamAttrName()))
      continue;
    StringRef paramName = name(function.getArgAttrDict(index));
    if (paramName.empty())
      return function.emitError()
             << "gc-optimizer: parameter #" << index
             << " has no gc.name, so its gradient cannot be found";
    Value gradient = byName.lookup(("grad." + paramName).str());
    if (!gradient)
      return function.emitError()
             << "gc-optimizer: no result named 'grad." << paramName
             << "' for parameter '" << paramName << "'; run gc-autodiff first";
    pairs.push_back({arg, paramName.str(), gradient});
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
  Value step;
  auto addArgument = [&](Type type, const Twine &name) {
    unsigned index = function.getNumArguments();
    (void)function.insertArgument(
        index, type, DictionaryAttr::get(context, {nameAttr(name)}),
        function.getLoc());
    return function.getArgument(index);
  };
  if (adamw)
    step = addArgument(RankedTensorType::get({}, IntegerType::get(context, 64)),
                       "optimizer.step");

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
      Value m = addArgument(type, "optimizer.exp_avg." + pair.name);
      Value v = addArgument(type, "optimizer.exp_avg_sq." + pair.name);
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
