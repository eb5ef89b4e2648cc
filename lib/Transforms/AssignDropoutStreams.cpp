//===- AssignDropoutStreams.cpp - Number dropout random streams -----------===//
//
// Gives every gc.dropout of a forward function, and every gc.attention
// with attention dropout, a distinct stream id, in program order. See Passes.td
// for why streams must differ and why the pass refuses differentiated
// functions.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Transforms/Passes.h"

#define DEBUG_TYPE "gc-assign-dropout-streams"

namespace mlir::gc {
#define GEN_PASS_DEF_ASSIGNDROPOUTSTREAMS
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;

namespace {
struct AssignDropoutStreamsPass
    : gc::impl::AssignDropoutStreamsBase<AssignDropoutStreamsPass> {
  using AssignDropoutStreamsBase::AssignDropoutStreamsBase;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (firstStream < 0) {
      function.emitError() << "gc-assign-dropout-streams: expected a "
                              "non-negative first-stream, but found "
                           << firstStream.getValue();
      return signalPassFailure();
    }
    WalkResult pairing = function.walk([](Operation *op) {
      if (!isa<DropoutGradOp, AttentionGradOp>(op))
        return WalkResult::advance();
      op->emitError() << "cannot renumber dropout streams after "
                         "differentiation: this "
                      << op->getName() << " names stream "
                      << op->getAttrOfType<IntegerAttr>("stream").getInt()
                      << " of its forward op; run "
                         "gc-assign-dropout-streams before gc-autodiff";
      return WalkResult::interrupt();
    });
    if (pairing.wasInterrupted())
      return signalPassFailure();

    int64_t next = firstStream;
    function.walk([&](Operation *op) {
      if (auto dropout = dyn_cast<DropoutOp>(op)) {
        dropout.setStream(next++);
        ++numDropouts;
      } else if (auto attention = dyn_cast<AttentionOp>(op)) {
        // Fused attention draws its probabilities' dropout from a stream
        // of its own; without dropout it has none.
        if (attention.getProbability().convertToDouble() > 0.0) {
          attention.setStream(next++);
          ++numDropouts;
        }
      }
    });
  }
};
} // namespace
