//===- Passes.td - gc transformation passes -----------------*- tablegen -*-===//

#ifndef GC_TRANSFORMS_PASSES_TD
#define GC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AssignDropoutStreams
    : Pass<"gc-assign-dropout-streams", "::mlir::func::FuncOp"> {
  let summary = "give every gc.dropout its own random stream";
  let description = [{
    A dropout's mask is a pure function of (step seed, stream id, element
    index), so two dropout sites that share a stream draw correlated masks.
    This pass renumbers the `stream` of every `gc.dropout` of a function in
    program order, starting at `first-stream`, so model authors and importers
    need not number them by hand.

    It runs on forward functions: a `gc.dropout_grad` names the stream of the
    forward dropout it belongs to, so renumbering after differentiation would
    break that pairing and the pass reports an error instead.

    Before:

    ```mlir
    %a = gc.dropout %x, %seed probability = 1.000000e-01 stream = 0 : tensor<8xf32>
    %b = gc.dropout %a, %seed probability = 1.000000e-01 stream = 0 : tensor<8xf32>
    ```

    After `--gc-assign-dropout-streams`:

    ```mlir
    %a = gc.dropout %x, %seed probability = 1.000000e-01 stream = 0 : tensor<8xf32>
    %b = gc.dropout %a, %seed probability = 1.000000e-01 stream = 1 : tensor<8xf32>
    ```
  }];
  let options = [
    Option<"firstStream", "first-stream", "int64_t", /*default=*/"0",
           "stream id of the first dropout; the next ones count up from it">
  ];
  let statistics = [
    Statistic<"numDropouts", "num-dropouts", "Number of dropouts numbered">
  ];
  let dependentDialects = ["::mlir::gc::GcDialect"];
}

def StripBlockTags : Pass<"gc-strip-block-tags"> {
  let summary = "remove the gc.block tag from every operation";
  let description = [{
    Removes the `gc.block` attribute from every nested operation. Block tags
    are hints: passes must give correct results without them, and this pass
    produces the untagged graphs that check it (for example to exercise the
    general-DAG path of the rematerialization solver).
  }];
  let statistics = [
    Statistic<"numStripped", "num-stripped", "Number of tags removed">
  ];
}

#endif // GC_TRANSFORMS_PASSES_TD
