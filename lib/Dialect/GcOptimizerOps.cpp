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
