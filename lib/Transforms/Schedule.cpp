//===- Schedule.cpp - Memory-aware order of a training step ---------------===//
//
// List scheduling of the backward pass with two memory rules (see
// Passes.td): optimizer updates (and collectives, so that communication
// starts early) as early as their operands allow, operand-free ops as late
// as their first user allows. The forward pass keeps its order.
//
//===----------------------------------------------------------------------===//

#include "gc/Transforms/Passes.h"
#include "gc/Transforms/TrainingStep.h"

#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "gc-schedule"

namespace mlir::gc {
#define GEN_PASS_DEF_SCHEDULE
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;

namespace {
struct SchedulePass : gc::impl::ScheduleBase<SchedulePass> {
  void runOnOperation() override;
};
} // namespace

void SchedulePass::runOnOperation() {
  func::FuncOp function = getOperation();
  if (function.isExternal())
    return;
  FailureOr<Value> loss = findLoss(function);
  if (failed(loss))
    return signalPassFailure();
  llvm::DenseSet<Operation *> forward = findForwardOps(function, *loss);
  Block &body = function.front();

  SmallVector<Operation *> order;
  llvm::DenseSet<Operation *> placed;
  // Operand-free ops outside the forward pass, in block order; they are
  // placed on demand, right before their first user.
  llvm::SetVector<Operation *> deferred;
  auto ready = [&](Operation *op) {
    return llvm::all_of(op->getOperands(), [&](Value v) {
      Operation *def = v.getDefiningOp();
      return !def || def->getBlock() != &body || placed.contains(def) ||
             deferred.contains(def);
    });
  };
  auto place = [&](Operation *op) {
    order.push_back(op);
    placed.insert(op);
  };

  // Forward pass, in order; it depends on nothing outside itself.
  for (Operation &op : body.without_terminator())
    if (forward.contains(&op))
      place(&op);

  SmallVector<Operation *> backward, updates;
  for (Operation &op : body.without_terminator()) {
    if (forward.contains(&op))
      continue;
    if (isOptimizerUpdate(&op) || isCollective(&op))
      updates.push_back(&op);
    else if (op.getNumOperands() == 0)
      deferred.insert(&op);
    else
      backward.push_back(&op);
  }

  // Places the deferred operand-free producers of `op`, then `op`, then every
  // update that has become ready.
  auto placeWithDependencies = [&](Operation *op) {
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp(); def && deferred.remove(def))
        place(def);
    place(op);
    // An eager op placed may make another ready (an update reading a
    // collective's result): scan again until none is.
    for (auto it = updates.begin(); it != updates.end();) {
      if (ready(*it)) {
        Operation *update = *it;
        updates.erase(it);
        for (Value operand : update->getOperands())
          if (Operation *def = operand.getDefiningOp();
              def && deferred.remove(def))
            place(def);
        place(update);
        it = updates.begin();
      } else {
        ++it;
      }
    }
  };
  for (Operation *op : backward)
    placeWithDependencies(op);
  // Updates that only read forward values, arguments and constants are
  // ready from the start; place them after the backward pass, as before.
  while (!updates.empty()) {
    Operation *update = updates.front();
    updates.erase(updates.begin());
    placeWithDependencies(update);
  }
  for (Operation *op : deferred.takeVector())
    place(op);

  Operation *terminator = body.getTerminator();
  for (Operation *op : order)
    op->moveBefore(terminator);
}
