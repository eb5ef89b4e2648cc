//===- ApplyOptimizer.cpp - Append optimizer updates to a training step ---===//
//
// Consumes the gradients gc-autodiff returns and replaces them by updated
// parameters (and, for AdamW, updated moment estimates), matching results to
// arguments by name so that a driver can feed one step's results into the
// next step's arguments.
//
// With loss scaling (fp16), the step does what torch.cuda.amp.GradScaler's
// unscale_/step/update do around optimizer.step(): the gradients of the
// scaled loss are multiplied by 1/scale, a flag sums gc.any_nonfinite over
// them, every AdamW update is skipped when it is nonzero, and
// gc.update_loss_scale adapts the scale and advances the optimizer step only
// when the update happened.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcAdjointUtils.h"
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

/// The loss-scaled tail of a step, built by ApplyOptimizerPass.
struct LossScaler {
  Value scale;   ///< amp.loss_scale, the argument gc-autodiff added.
  Value tracker; ///< amp.growth_tracker.
  Value found;   ///< Sum of the gradients' non-finite flags.
  /// Each gradient of the scaled loss and its unscaled value.
  llvm::DenseMap<Value, Value> unscaled;
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
  std::optional<LossScaler> scaler;
  if (lossScaling) {
    for (BlockArgument arg : function.getArguments())
      if (auto name = function.getArgAttrOfType<StringAttr>(
              arg.getArgNumber(), GcDialect::getNameAttrName());
          name && name.getValue() == "amp.loss_scale" &&
          arg.getType() ==
              RankedTensorType::get({}, Float32Type::get(&getContext())))
        scaler.emplace().scale = arg;
    if (!scaler) {
      function.emitError() << "gc-optimizer: loss-scaling needs the argument "
                              "'amp.loss_scale' (tensor<f32>) that gc-autodiff "
                              "adds with loss-scale; run it first";
      return signalPassFailure();
    }
  }
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
  auto i64Scalar = RankedTensorType::get({}, IntegerType::get(context, 64));
  // AdamW's bias correction counts its updates; with loss scaling SGD's
  // do too, since the scaler's update returns the count of the updates it
  // let through.
  if (adamw || scaler)
    step = addArgument(i64Scalar, "optimizer.step",
                       RoleAttr::get(context, ArgumentRole::StepCounter),
                       InitKind::Ones);
  if (scaler) {
    scaler->tracker = addArgument(
        i64Scalar, "amp.growth_tracker",
        RoleAttr::get(context, ArgumentRole::OptimizerState), InitKind::Zeros);
    // Unscale every gradient by one reciprocal of the scale, and sum their
    // non-finite flags.
    Location loc = function.getLoc();
    Value one = mlir::gc::detail::buildSplat(builder, loc,
                                             scaler->scale.getType(), 1.0);
    Value inverse = DivOp::create(builder, loc, one, scaler->scale);
    for (ParamGradient &pair : *pairs) {
      Value gradient = pair.gradient;
      auto type = cast<RankedTensorType>(gradient.getType());
      Value factor = inverse;
      if (type.getElementType() !=
          cast<RankedTensorType>(factor.getType()).getElementType())
        factor = CastOp::create(
            builder, loc, RankedTensorType::get({}, type.getElementType()),
            factor);
      factor =
          BroadcastOp::create(builder, loc, type, factor, ArrayRef<int64_t>{});
      pair.gradient = MulOp::create(builder, loc, gradient, factor);
      scaler->unscaled[gradient] = pair.gradient;
      Value flag = AnyNonFiniteOp::create(
          builder, loc, RankedTensorType::get({}, type.getElementType()),
          pair.gradient);
      if (type.getElementType() != Float32Type::get(context))
        flag = CastOp::create(builder, loc, scaler->scale.getType(), flag);
      scaler->found =
          scaler->found
              ? Value(AddOp::create(builder, loc, scaler->found, flag))
              : flag;
    }
  }

  SmallVector<Value> results{terminator->getOperand(0)};
  SmallVector<DictionaryAttr> resultAttrs{function.getResultAttrDict(0)};
  SmallVector<Value> states;
  SmallVector<DictionaryAttr> stateAttrs;
  if (keepGradients) {
    // The gradients of the loss: unscaled where the loss is scaled.
    for (unsigned i = 1, e = function.getNumResults(); i < e; ++i) {
      Value gradient = terminator->getOperand(i);
      if (Value unscaled = scaler ? scaler->unscaled.lookup(gradient) : Value())
        gradient = unscaled;
      results.push_back(gradient);
      resultAttrs.push_back(function.getResultAttrDict(i));
    }
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
          builder.getF64FloatAttr(getWeightDecay()),
          scaler ? scaler->found : Value());
      updated = update.getNewParam();
      states.append({update.getNewM(), update.getNewV()});
      stateAttrs.push_back(DictionaryAttr::get(
          context, {nameAttr("optimizer.exp_avg." + pair.name)}));
      stateAttrs.push_back(DictionaryAttr::get(
          context, {nameAttr("optimizer.exp_avg_sq." + pair.name)}));
    } else {
      updated = SgdUpdateOp::create(builder, loc, type, pair.param,
                                    pair.gradient, builder.getF64FloatAttr(lr),
                                    builder.getF64FloatAttr(getWeightDecay()),
                                    scaler ? scaler->found : Value());
    }
    results.push_back(updated);
    resultAttrs.push_back(DictionaryAttr::get(context, {nameAttr(pair.name)}));
  }
  results.append(states);
  resultAttrs.append(stateAttrs);
  if (scaler) {
    // GradScaler.update(): the scaler's state and the optimizer step (which
    // a skipped update does not advance) are returned under their argument
    // names, and the flag for drivers to report a skipped step.
    // GradScaler's defaults: growth 2, backoff 0.5, interval 2000.
    auto update = UpdateLossScaleOp::create(
        builder, function.getLoc(),
        TypeRange{scaler->scale.getType(), i64Scalar, i64Scalar}, scaler->scale,
        scaler->tracker, step, scaler->found, APFloat(2.0), APFloat(0.5), 2000);
    results.append({update.getNewScale(), update.getNewGrowthTracker(),
                    update.getNewStep(), scaler->found});
    for (StringRef name : {"amp.loss_scale", "amp.growth_tracker",
                           "optimizer.step", "amp.found_inf"})
      resultAttrs.push_back(DictionaryAttr::get(context, {nameAttr(name)}));
  }

  func::ReturnOp::create(builder, terminator->getLoc(), results);
  terminator->erase();
  SmallVector<Type> resultTypes = llvm::to_vector(
      llvm::map_range(results, [](Value v) { return v.getType(); }));
  function.setType(
      FunctionType::get(context, function.getArgumentTypes(), resultTypes));
  function.setAllResultAttrs(resultAttrs);
}
