//===- GcOptimizerOps.cpp - Optimizer update gc operations ----------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Dialect/GcVerifyUtils.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::detail;

LogicalResult SgdUpdateOp::verify() {
  if (failed(verifyFiniteAttr(*this, "lr", getLr().convertToDouble(),
                              Bound::Positive)) ||
      failed(verifyFiniteAttr(*this, "weight_decay",
                              getWeightDecay().convertToDouble(),
                              Bound::NonNegative)))
    return failure();
  return verifySameTypes(*this, {{"param", getParam()}, {"grad", getGrad()}});
}

LogicalResult AdamWUpdateOp::verify() {
  if (failed(verifyFiniteAttr(*this, "lr", getLr().convertToDouble(),
                              Bound::Positive)) ||
      failed(verifyUnitIntervalAttr(*this, "beta1",
                                    getBeta1().convertToDouble())) ||
      failed(verifyUnitIntervalAttr(*this, "beta2",
                                    getBeta2().convertToDouble())) ||
      failed(verifyFiniteAttr(*this, "epsilon", getEpsilon().convertToDouble(),
                              Bound::Positive)) ||
      failed(verifyFiniteAttr(*this, "weight_decay",
                              getWeightDecay().convertToDouble(),
                              Bound::NonNegative)))
    return failure();
  return verifySameTypes(*this, {{"param", getParam()},
                                 {"grad", getGrad()},
                                 {"m", getM()},
                                 {"v", getV()}});
}

LogicalResult AnyNonFiniteOp::verify() {
  Type input = cast<RankedTensorType>(getInput().getType()).getElementType();
  Type result = cast<RankedTensorType>(getResult().getType()).getElementType();
  if (input != result)
    return emitOpError() << "expected the result's element type to be the "
                            "input's, "
                         << input << ", but found " << result;
  return success();
}

LogicalResult UpdateLossScaleOp::verify() {
  const double growth = getGrowthFactor().convertToDouble();
  const double backoff = getBackoffFactor().convertToDouble();
  if (!std::isfinite(growth) || growth <= 1)
    return emitOpError() << "expected growth_factor to be finite and above "
                            "1, but found "
                         << growth;
  if (!(backoff > 0 && backoff < 1))
    return emitOpError() << "expected backoff_factor in (0, 1), but found "
                         << backoff;
  if (getGrowthInterval() < 1)
    return emitOpError() << "expected growth_interval to be at least 1, but "
                            "found "
                         << getGrowthInterval();
  return success();
}
