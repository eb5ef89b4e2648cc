//===- Passes.td - gc conversion passes --------------------*- tablegen -*-===//
//
// Passes that lower the gc dialect towards code: after gc-plan-memory, a
// planned step becomes kernels over arena views, ready for the emitters of
// lib/Target.
//
//===----------------------------------------------------------------------===//

#ifndef GC_CONVERSION_PASSES_TD
#define GC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerToKernels : Pass<"gc-lower-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "decide the kernels of a planned step and where every "
                "tensor lives";
  let description = [{
    Runs on a step planned by gc-plan-memory (the function carries
    `gc.arena_bytes`, its ops `gc.offsets`) and prepares it for the
    emitters (`gc-translate --gc-to-cpp` / `--gc-to-cuda`), which turn every
    decision recorded here into code without deciding anything themselves.

    *Kernels.* Runs of consecutive pointwise ops over the same iteration
    shape — elementwise arithmetic and activations, casts, dropout and its
    gradient, splat constants, and broadcasts (read through an index map) —
    become one generated kernel each, tagged `gc.fusion = K`. A value
    defined in a fused kernel and used only inside it is never stored. A
    fusion stops where it would be unsafe with the plan's memory reuse: a
    kernel computes every element independently, so a stored result may
    share bytes with an input only when it is the same element of the same
    type (the planner's in-place writes), never with an input read through
    a broadcast or as a scalar. Every other op becomes one runtime kernel or
    library call (cuBLAS / OpenBLAS for gc.matmul); gc.reshape is a view.

    *Storage.* Each op gets `gc.storage`, one entry per result:
    `arena+OFFSET` (a view into the arena at the planned offset), `view`
    (a reshape of its operand's storage), `fused` (never stored),
    `result#K` (the step's K-th result buffer, for a returned value) or
    `argument#I` (written in place into argument I: an optimizer update
    whose result replaces argument I, of the same name, for the next step,
    when no later op reads the old value). Returned values leave the arena,
    so the arena shrinks to the highest byte still stored there:
    `gc.arena_bytes` becomes that size and `gc.planned_arena_bytes` keeps
    the planner's.

    Example: `%b = gc.broadcast %bias`, `%s = gc.add %x, %b`,
    `%g = gc.gelu %s` with only `%g` used later become kernel 0, with
    `gc.storage = ["fused"]` on the broadcast and the add.
  }];
  let options = [
    Option<"fuse", "fuse", "bool", /*default=*/"true",
           "fuse runs of pointwise ops into one kernel each (false: one "
           "kernel per op)">,
    Option<"inPlaceUpdates", "in-place-updates", "bool", /*default=*/"true",
           "write optimizer updates into the argument they replace">
  ];
  let dependentDialects = ["::mlir::gc::GcDialect"];
}

#endif // GC_CONVERSION_PASSES_TD
