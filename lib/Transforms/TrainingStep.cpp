//===- TrainingStep.cpp - Structure of a training-step function -----------===//

#include "gc/Transforms/TrainingStep.h"

#include "gc/Dialect/GcOps.h"

#include "llvm/ADT/SmallVector.h"

using namespace mlir;
using namespace mlir::gc;

FailureOr<Value> mlir::gc::findLoss(func::FuncOp function) {
  if (!function.getBody().hasOneBlock())
    return function.emitError()
           << "expected a training step with a single block";
  Operation *terminator = function.front().getTerminator();
  for (unsigned i = 0, e = function.getNumResults(); i < e; ++i)
    if (auto name = function.getResultAttrOfType<StringAttr>(
            i, GcDialect::getNameAttrName());
        name && name.getValue() == "loss")
      return terminator->getOperand(i);
  if (function.getNumResults() > 0) {
    auto type = dyn_cast<RankedTensorType>(function.getResultTypes()[0]);
    if (type && type.getRank() == 0 && isa<FloatType>(type.getElementType()))
      return terminator->getOperand(0);
  }
  return function.emitError()
         << "expected a training step returning a loss (a result named "
            "'loss', or a scalar floating-point result #0)";
}

llvm::DenseSet<Operation *> mlir::gc::findForwardOps(func::FuncOp function,
                                                     Value loss) {
  llvm::DenseSet<Operation *> forward;
  SmallVector<Value> worklist{loss};
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val().getDefiningOp();
    if (!op || op->getBlock() != &function.front() ||
        !forward.insert(op).second)
      continue;
    worklist.append(op->operand_begin(), op->operand_end());
  }
  return forward;
}

bool mlir::gc::isOptimizerUpdate(Operation *op) {
  return isa<SgdUpdateOp, AdamWUpdateOp>(op);
}

bool mlir::gc::isCollective(Operation *op) { return isa<AllReduceOp>(op); }
