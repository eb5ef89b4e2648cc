//===- AssignDropoutStreams.cpp - Number dropout random streams -----------===//
//
// Gives every gc.dropout of a forward function a distinct stream id, in
// program order. See Passes.td for why streams must differ and why the pass
// refuses differentiated functions.
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
    WalkResult pairing = function.walk([](DropoutGradOp grad) {
      grad.emitError() << "cannot renumber dropout streams after "
                          "differentiation: this gc.dropout_grad names stream "
                       << grad.getStream()
                       << " of its forward dropout; run "
                          "gc-assign-dropout-streams before gc-autodiff";
      return WalkResult::interrupt();
    });
    if (pairing.wasInterrupted())
      return signalPassFailure();

    int64_t next = firstStream;
    function.walk([&](DropoutOp dropout) {
      dropout.setStream(next++);
      ++numDropouts;
    });
  }
};
} // namespace
