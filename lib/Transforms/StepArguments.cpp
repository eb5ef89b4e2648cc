//===- StepArguments.cpp - Names and initial values of step arguments -----===//
//
// See StepArguments.h.
//
//===----------------------------------------------------------------------===//

#include "gc/Transforms/StepArguments.h"

#include "Gc/IR/GcOps.h"

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

bool mlir::gc::isCheckpointed(func::FuncOp function, unsigned index) {
  return function.getArgAttr(index, GcDialect::getParamAttrName()) ||
         StringRef(getArgumentName(function, index)).starts_with("optimizer.");
}

InitRule mlir::gc::getInitRule(func::FuncOp function, unsigned index) {
  auto type = cast<RankedTensorType>(function.getArgumentTypes()[index]);
  std::string name = getArgumentName(function, index);
  StringRef ref(name);
  bool isFloatType = isa<FloatType>(type.getElementType());
  bool isParam =
      function.getArgAttr(index, GcDialect::getParamAttrName()) != nullptr;
  InitRule rule;
  if (name == kSeedName && type.getElementType().isInteger(64) &&
      type.getNumElements() == 1) {
    rule.kind = InitKind::Seed;
  } else if (name == kStepName) {
    rule.kind = InitKind::Ones;
  } else if (ref.starts_with("optimizer.")) {
    rule.kind = InitKind::Zeros;
  } else if (isFloatType) {
    if (isParam && ref.ends_with("LayerNorm.weight")) {
      rule.kind = InitKind::Ones;
    } else if (isParam && ref.ends_with(".bias")) {
      rule.kind = InitKind::Zeros;
    } else {
      rule.kind = InitKind::Normal;
      rule.scale = isParam ? 0.02 : 1.0;
    }
  } else if (std::optional<int64_t> bound =
                 findIndexBound(function.getArgument(index))) {
    rule.kind = InitKind::Index;
    rule.bound = *bound;
  } else if (name == "attention_mask") {
    rule.kind = InitKind::Ones;
    rule.values = ValueDomain::ZeroOne;
  } else {
    rule.kind = InitKind::Zeros;
  }
  return rule;
}
