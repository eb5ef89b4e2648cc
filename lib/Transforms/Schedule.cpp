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

#include <functional>

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

  // An update that reads a collective's result waits until the next
  // collective starts (or the backward pass ends): the reduction then runs
  // while the backward computes the next bucket, one bucket in flight.
  auto readsCollective = [](Operation *op) {
    return llvm::any_of(op->getOperands(), [](Value v) {
      Operation *def = v.getDefiningOp();
      return def && isCollective(def);
    });
  };
  bool backwardDone = false;
  auto placeEager = [&](Operation *op) {
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp(); def && deferred.remove(def))
        place(def);
    place(op);
  };
  // Places every ready eager op (`consumersOnly`: only the updates that
  // read a collective), again until none is, since one placed may make
  // another ready.
  std::function<void(bool)> placeReady = [&](bool consumersOnly) {
    for (auto it = updates.begin(); it != updates.end();) {
      Operation *op = *it;
      const bool eligible = consumersOnly
                                ? readsCollective(op)
                                : backwardDone || !readsCollective(op);
      if (!eligible || !ready(op)) {
        ++it;
        continue;
      }
      updates.erase(it);
      // The bucket in flight leaves it as the next one starts.
      if (isCollective(op))
        placeReady(/*consumersOnly=*/true);
      placeEager(op);
      it = updates.begin();
    }
  };
  // Places the deferred operand-free producers of `op`, then `op`, then every
  // eager op that has become ready.
  auto placeWithDependencies = [&](Operation *op) {
    placeEager(op);
    placeReady(/*consumersOnly=*/false);
  };
  for (Operation *op : backward)
    placeWithDependencies(op);
  // Updates that only read forward values, arguments and constants are
  // ready from the start; place them after the backward pass, as before,
  // with the ones that waited for a collective.
  backwardDone = true;
  placeReady(/*consumersOnly=*/false);
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
