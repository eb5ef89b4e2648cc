//===- StepArguments.cpp - The contracts of step arguments ----------------===//
//
// See StepArguments.h.
//
//===----------------------------------------------------------------------===//

#include "gc/Transforms/StepArguments.h"

#include "gc/Dialect/GcOps.h"

using namespace mlir;
using namespace mlir::gc;

namespace {
/// The number of distinct values an integer argument may take, when the
/// function uses it as embedding ids or cross-entropy labels.
std::optional<int64_t> findIndexBound(Value value) {
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (auto embedding = dyn_cast<EmbeddingOp>(user);
        embedding && use.get() == embedding.getIds())
      return cast<RankedTensorType>(embedding.getTable().getType())
          .getDimSize(0);
    if (auto loss = dyn_cast<CrossEntropyOp>(user);
        loss && use.get() == loss.getLabels())
      return cast<RankedTensorType>(loss.getLogits().getType()).getDimSize(1);
    if (auto reshape = dyn_cast<ReshapeOp>(user))
      if (std::optional<int64_t> bound = findIndexBound(reshape.getResult()))
        return bound;
  }
  return std::nullopt;
}

/// Whether `value` is the seed operand of a dropout or its gradient.
bool isDropoutSeed(Value value) {
  return llvm::any_of(value.getUses(), [](OpOperand &use) {
    Operation *user = use.getOwner();
    if (auto dropout = dyn_cast<DropoutOp>(user))
      return use.get() == dropout.getSeed();
    if (auto grad = dyn_cast<DropoutGradOp>(user))
      return use.get() == grad.getSeed();
    return false;
  });
}

/// Whether `value` is the step operand of an AdamW update.
bool isAdamWStep(Value value) {
  return llvm::any_of(value.getUses(), [](OpOperand &use) {
    auto adamw = dyn_cast<AdamWUpdateOp>(use.getOwner());
    return adamw && use.get() == adamw.getStep();
  });
}

/// Whether `value` is the moment operand of an AdamW update.
bool isAdamWMoment(Value value) {
  return llvm::any_of(value.getUses(), [](OpOperand &use) {
    auto adamw = dyn_cast<AdamWUpdateOp>(use.getOwner());
    return adamw && (use.get() == adamw.getM() || use.get() == adamw.getV());
  });
}

std::string getAttrName(DictionaryAttr attrs, const std::string &fallback) {
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>(GcDialect::getNameAttrName()))
      return name.str();
  return fallback;
}
} // namespace

std::string mlir::gc::getArgumentName(func::FuncOp function, unsigned index) {
  return getAttrName(function.getArgAttrDict(index),
                     "arg" + std::to_string(index));
}

std::string mlir::gc::getResultName(func::FuncOp function, unsigned index) {
  return getAttrName(function.getResultAttrDict(index),
                     "result" + std::to_string(index));
}

ArgumentRole mlir::gc::getArgumentRole(func::FuncOp function, unsigned index) {
  if (auto role = function.getArgAttrOfType<RoleAttr>(
          index, GcDialect::getRoleAttrName()))
    return role.getKind();
  if (function.getArgAttr(index, GcDialect::getParamAttrName()))
    return ArgumentRole::Parameter;
  if (function.isExternal())
    return ArgumentRole::Batch;
  Value argument = function.getArgument(index);
  if (isDropoutSeed(argument))
    return ArgumentRole::Seed;
  if (isAdamWStep(argument))
    return ArgumentRole::StepCounter;
  if (isAdamWMoment(argument))
    return ArgumentRole::OptimizerState;
  return ArgumentRole::Batch;
}

std::optional<unsigned> mlir::gc::getFedArgument(func::FuncOp function,
                                                 unsigned index) {
  auto name = function.getResultAttrOfType<StringAttr>(
      index, GcDialect::getNameAttrName());
  if (!name)
    return std::nullopt;
  Type type = function.getResultTypes()[index];
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    if (function.getArgumentTypes()[i] == type &&
        function.getArgAttrOfType<StringAttr>(
            i, GcDialect::getNameAttrName()) == name)
      return i;
  return std::nullopt;
}

std::optional<unsigned> mlir::gc::getLossResult(func::FuncOp function) {
  auto isScalarFloat = [&](unsigned index) {
    auto type = dyn_cast<RankedTensorType>(function.getResultTypes()[index]);
    return type && type.getRank() == 0 && isa<FloatType>(type.getElementType());
  };
  for (unsigned i = 0, e = function.getNumResults(); i < e; ++i)
    if (auto name = function.getResultAttrOfType<StringAttr>(
            i, GcDialect::getNameAttrName());
        name && name.getValue() == "loss" && isScalarFloat(i))
      return i;
  if (function.getNumResults() > 0 && isScalarFloat(0))
    return 0u;
  return std::nullopt;
}

LogicalResult mlir::gc::checkSingleCounters(func::FuncOp function) {
  for (ArgumentRole role : {ArgumentRole::Seed, ArgumentRole::StepCounter}) {
    std::optional<unsigned> first;
    for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i) {
      if (getArgumentRole(function, i) != role)
        continue;
      if (first)
        return function.emitError()
               << "@" << function.getSymName() << " has two "
               << stringifyArgumentRole(role) << " arguments, '"
               << getArgumentName(function, *first) << "' and '"
               << getArgumentName(function, i)
               << "'; a step has at most one, which the runtime advances";
      first = i;
    }
  }
  return success();
}

std::optional<unsigned> mlir::gc::findArgument(func::FuncOp function,
                                               ArgumentRole role) {
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    if (getArgumentRole(function, i) == role)
      return i;
  return std::nullopt;
}

bool mlir::gc::isCheckpointed(func::FuncOp function, unsigned index) {
  ArgumentRole role = getArgumentRole(function, index);
  return role == ArgumentRole::Parameter ||
         role == ArgumentRole::OptimizerState ||
         role == ArgumentRole::StepCounter;
}

InitRule mlir::gc::getInitRule(func::FuncOp function, unsigned index) {
  InitRule rule;
  if (auto init = function.getArgAttrOfType<InitAttr>(
          index, GcDialect::getInitAttrName())) {
    rule.kind = init.getKind();
    rule.values = init.getBinary() ? ValueDomain::ZeroOne : ValueDomain::Any;
    rule.scale = init.getStdDev();
    rule.bound = init.getBound();
    return rule;
  }
  auto type = cast<RankedTensorType>(function.getArgumentTypes()[index]);
  switch (getArgumentRole(function, index)) {
  case ArgumentRole::Seed:
    rule.kind = InitKind::Seed;
    return rule;
  case ArgumentRole::StepCounter:
    rule.kind = InitKind::Ones;
    return rule;
  case ArgumentRole::OptimizerState:
  case ArgumentRole::Gradient:
    rule.kind = InitKind::Zeros;
    return rule;
  case ArgumentRole::Parameter:
    rule.kind = InitKind::Normal;
    rule.scale = 0.02;
    return rule;
  case ArgumentRole::Batch:
    break;
  }
  if (isa<FloatType>(type.getElementType())) {
    rule.kind = InitKind::Normal;
    rule.scale = 1.0;
  } else if (std::optional<int64_t> bound =
                 function.isExternal()
                     ? std::nullopt
                     : findIndexBound(function.getArgument(index))) {
    rule.kind = InitKind::Index;
    rule.bound = *bound;
  } else {
    rule.kind = InitKind::Zeros;
  }
  return rule;
}
