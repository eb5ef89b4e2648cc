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
    This pass renumbers the `stream` of every `gc.dropout` of a function, and
    of every `gc.attention` whose attention dropout is on, in program order,
    starting at `first-stream`, so model authors and importers need not
    number them by hand.

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

def Autodiff : Pass<"gc-autodiff", "::mlir::func::FuncOp"> {
  let summary = "reverse-mode differentiation into a training-step function";
  let description = [{
    Rewrites a function that returns a scalar loss into one that returns the
    loss and the gradient of the loss with respect to every argument marked
    `gc.param`, in argument order. Gradient results are named
    `grad.<parameter name>`. Functions without `gc.param` arguments are left
    alone.

    Each op states its own derivative through `AdjointOpInterface`; the pass
    walks the ops in reverse, asks each for the gradients of its operands,
    and sums the contributions of values used several times. Only values
    that depend on a parameter receive gradients: ids, labels, masks and the
    dropout seed get none. Dropout's gradient regenerates the mask from the
    same counter-based random stream, so no mask is stored. The backward ops
    inherit the `gc.block` tag of the forward op they differentiate. An op
    that lies between a parameter and the loss but has no adjoint is a
    located error. A parameter the loss does not depend on gets a zero
    gradient.

    With `loss-scale=S` (S > 0; `gc-compile --precision fp16-mixed` sets
    65536, torch.cuda.amp.GradScaler's initial scale) the backward pass is
    seeded with a new argument `amp.loss_scale` (rank-0 f32, optimizer
    state, starting at S) instead of 1, so every gradient is the gradient
    of the loss times the scale: small fp16 gradients stay above f16's
    subnormal range. `gc-optimizer` with `loss-scaling` unscales them,
    skips the update when one overflowed and adapts the scale.

    Before:

    ```mlir
    func.func @f(%w: tensor<4xf32> {gc.name = "w", gc.param}) -> (tensor<f32> {gc.name = "loss"}) {
      %e = gc.exp %w : tensor<4xf32>
      %l = gc.reduce_sum %e dims = [0] : tensor<4xf32> -> tensor<f32>
      return %l : tensor<f32>
    }
    ```

    After `--gc-autodiff`:

    ```mlir
    func.func @f(%w: tensor<4xf32> {gc.name = "w", gc.param})
        -> (tensor<f32> {gc.name = "loss"}, tensor<4xf32> {gc.name = "grad.w"}) {
      %e = gc.exp %w : tensor<4xf32>
      %l = gc.reduce_sum %e dims = [0] : tensor<4xf32> -> tensor<f32>
      %one = gc.constant dense<1.000000e+00> : tensor<f32>
      %g = gc.broadcast %one dims = [] : tensor<f32> -> tensor<4xf32>
      %dw = gc.mul %g, %e : tensor<4xf32>
      return %l, %dw : tensor<f32>, tensor<4xf32>
    }
    ```
  }];
  let options = [
    Option<"lossScale", "loss-scale", "double", /*default=*/"0",
           "seed the backward with an argument amp.loss_scale starting at "
           "this value (0: no loss scaling)">
  ];
  let dependentDialects = ["::mlir::gc::GcDialect"];
}

def Autocast : Pass<"gc-autocast", "::mlir::func::FuncOp"> {
  let summary = "mixed precision: matmuls and attention in bf16 or f16";
  let description = [{
    Casts an f32 forward function the way `torch.autocast` casts a model's
    forward pass, so that differentiating it gives a mixed-precision
    training step whose parameters, gradients and optimizer state stay f32
    (the master copies) while the large activations are 16-bit:

    - **low precision**: `gc.matmul` and `gc.attention` take 16-bit
      operands (f32 operands are cast; one `gc.cast` per value, the
      working copy of a parameter included) and give 16-bit results; their
      kernels accumulate in f32. The attention's log-sum-exp stays f32.
    - **f32**: `gc.layer_norm`, `gc.softmax`, `gc.cross_entropy`,
      `gc.reduce_sum`, `gc.reduce_mean`, `gc.exp`, `gc.log` and
      `gc.rsqrt` (torch.autocast's CUDA fp32 list: normalization, softmax
      statistics, the loss, reductions) cast 16-bit operands to f32.
    - **everything else** computes in the widest type of its float
      operands (PyTorch's type promotion): a residual add of a 16-bit and
      an f32 value is f32, a GeLU or dropout of a 16-bit value is 16-bit.
      One exception keeps torch's `linear`, which gc writes as a matmul and
      the add of a broadcast bias: the add of a broadcast parameter-only
      value to a 16-bit matmul result casts the bias to 16 bits.

    Function results keep their types (a 16-bit result is cast back). The
    input must be an undifferentiated f32 function.

    Before:

    ```mlir
    %y = gc.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
    %s = gc.reduce_sum %y dims = [0, 1] : tensor<8x4xf32> -> tensor<f32>
    ```

    After `--gc-autocast=precision=bf16-mixed`:

    ```mlir
    %0 = gc.cast %x : tensor<8x16xf32> -> tensor<8x16xbf16>
    %1 = gc.cast %w : tensor<16x4xf32> -> tensor<16x4xbf16>
    %y = gc.matmul %0, %1 : tensor<8x16xbf16>, tensor<16x4xbf16> -> tensor<8x4xbf16>
    %2 = gc.cast %y : tensor<8x4xbf16> -> tensor<8x4xf32>
    %s = gc.reduce_sum %2 dims = [0, 1] : tensor<8x4xf32> -> tensor<f32>
    ```
  }];
  let options = [
    Option<"precision", "precision", "::mlir::gc::PrecisionKind",
           /*default=*/"::mlir::gc::PrecisionKind::Bf16Mixed",
           "bf16-mixed or fp16-mixed (fp32 leaves the function alone)",
           "::mlir::gc::choicesOf(::mlir::gc::kPrecisions)">,
  ];
  let dependentDialects = ["::mlir::gc::GcDialect"];
}

def ApplyOptimizer : Pass<"gc-optimizer", "::mlir::func::FuncOp"> {
  let summary = "append SGD or AdamW parameter updates to a training step";
  let description = [{
    Runs on a function produced by `gc-autodiff`: for every `gc.param`
    argument `<name>` with a gradient result `grad.<name>`, appends the
    optimizer's update and returns the updated parameter under the
    parameter's own name, so a driver can feed every result back into the
    argument of the same name for the next step.

    `optimizer=sgd` appends `gc.sgd_update` (lr, weight-decay).
    `optimizer=adamw` (the default) appends `gc.adamw_update` and adds, per
    parameter, the arguments `optimizer.exp_avg.<name>` and
    `optimizer.exp_avg_sq.<name>` (returned updated under the same names),
    plus one argument `optimizer.step` (rank-0 `i64`, 1 for the first
    update) shared by all parameters. The function then returns the loss,
    the updated parameters and the updated optimizer state; the gradients
    are no longer returned unless `keep-gradients` is set.

    With `loss-scaling` (after `gc-autodiff` with `loss-scale`), as
    `torch.cuda.amp.GradScaler` around either optimizer: every gradient is
    multiplied by the reciprocal of `amp.loss_scale`, their `gc.any_nonfinite`
    flags are summed and passed to every update as its `skip` operand, and
    `gc.update_loss_scale` returns the new scale, `amp.growth_tracker` (a new
    argument), `optimizer.step` (added for SGD too: it counts the updates
    that were not skipped) and the flag `amp.found_inf`.
  }];
  let options = [
    Option<"optimizer", "optimizer", "::mlir::gc::OptimizerKind",
           /*default=*/"::mlir::gc::OptimizerKind::AdamW", "sgd or adamw",
           "::mlir::gc::choicesOf(::mlir::gc::kOptimizers)">,
    Option<"lr", "lr", "double", /*default=*/"1e-4", "learning rate">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9",
           "AdamW first-moment decay">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999",
           "AdamW second-moment decay">,
    Option<"epsilon", "epsilon", "double", /*default=*/"1e-8",
           "AdamW denominator term">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"-1",
           "weight decay (decoupled for AdamW, L2 for SGD); by default "
           "0.01 for AdamW and 0 for SGD, as in PyTorch">,
    Option<"keepGradients", "keep-gradients", "bool", /*default=*/"false",
           "also return the gradients">,
    Option<"lossScaling", "loss-scaling", "bool", /*default=*/"false",
           "dynamic loss scaling (after gc-autodiff with loss-scale)">
  ];
  let dependentDialects = ["::mlir::gc::GcDialect"];
}

def DataParallel : Pass<"gc-data-parallel", "::mlir::func::FuncOp"> {
  let summary = "average a training step's gradients over the data-parallel "
                "group";
  let description = [{
    Runs on a function produced by `gc-autodiff`, before `gc-optimizer`:
    every result with `#gc.role<gradient>` is replaced by its mean over the
    ranks of the data-parallel group, so that each rank, which computed the
    gradients of its own slice of the global batch, applies the same update.

    The gradients are grouped into buckets of about `bucket-bytes` bytes
    each (PyTorch DDP's `bucket_cap_mb`, 25 MiB by default) in the order the
    backward pass completes them, one bucket per element type, and each
    bucket becomes one `gc.all_reduce mean`, placed right after the last of
    its gradients is computed, so that communication can overlap the rest of
    the backward pass. A bucket closes once it holds at least `bucket-bytes`.

    With `world-size` N above 0 the step records on the function
    (`gc.world_size`) that it was compiled for N ranks, and the runtime
    refuses to run it in a group of another size.
  }];
  let options = [
    Option<"bucketBytes", "bucket-bytes", "int64_t",
           /*default=*/"25 * 1024 * 1024",
           "gradient bytes per all-reduce bucket">,
    Option<"worldSize", "world-size", "int64_t", /*default=*/"0",
           "the number of ranks the step is compiled for (0: any)">
  ];
  let dependentDialects = ["::mlir::gc::GcDialect"];
}

def Schedule : Pass<"gc-schedule", "::mlir::func::FuncOp"> {
  let summary = "memory-aware order of a training step's ops";
  let description = [{
    Reorders a training-step function (one that returns a `loss`) into the
    order gc-remat and the memory planner assume:

    1. the forward pass (the ops the loss depends on) first, in its original
       order;
    2. then the backward pass in its original order (autodiff emits it in
       reverse order of the forward, which consumes activations as early as
       possible), except that
    3. each optimizer update is placed right after the last of its operands
       is computed, so that a parameter's gradient is consumed, and freed,
       as soon as it is complete rather than held until the end of the step;
    4. each collective (`gc.all_reduce`) is likewise placed as soon as its
       operands are computed, so that communication starts while the rest of
       the backward pass runs; an update that reads a collective's result
       waits until the next collective starts (or the backward pass ends),
       so that one bucket is reduced while the next is computed;
    5. operand-free ops (constants) outside the forward pass are placed just
       before their first user, so that they are not allocated early.

    The order is a valid topological order; the pass changes no op.
  }];
}

def Remat : Pass<"gc-remat", "::mlir::func::FuncOp"> {
  let summary = "choose what to keep and what to recompute under a memory budget";
  let description = [{
    Runs on a scheduled training step (see gc-schedule). The pass turns the
    function into an IR-free rematerialization problem (ops with their
    estimated time from the cost model for `device`, values with their
    bytes), asks `solver` for the cheapest plan whose simulated peak of live
    memory, persistent memory included, is at most `budget`, and rewrites
    the function accordingly: each recomputed value's producer is cloned,
    with the clones marked `gc.recompute`, right before the first backward
    op that needs it (recursively through recomputed operands), and the
    backward uses read the clone, so the original is released after its last
    forward use. Side-effecting ops and optimizer updates are never cloned.

    The peak is measured by the memory simulator on the rewritten function:
    it is the peak of live bytes the CPU executor measures when it runs the
    function. With `report=PATH` the pass writes a JSON report (budget,
    persistent and peak bytes with and without rematerialization, FLOPs and
    estimated times of the step and of the recomputation, solver, solve time,
    optimality gap when known, the minimum feasible budget, and every
    activation with its bytes, block and decision; for a module of several
    functions, `{"functions": {name: report}}`); `summary` also emits a
    readable summary as a remark on the function.

    A budget below what any plan reaches is a located error naming the
    smallest feasible budget and what occupies memory at that peak.
  }];
  let options = [
    Option<"budget", "budget", "std::string", /*default=*/"\"\"",
           "peak-memory budget: bytes with an optional KiB/MiB/GiB/TiB or "
           "KB/MB/GB/TB suffix, or a fraction of the peak without "
           "rematerialization such as 0.5x; default: the device's memory">,
    Option<"solver", "solver", "::mlir::gc::RematSolverKind",
           /*default=*/"::mlir::gc::RematSolverKind::Auto",
           "none, per-layer, sqrt, greedy, optimal or auto",
           "::mlir::gc::choicesOf(::mlir::gc::kRematSolvers)">,
    Option<"device", "device", "std::string", /*default=*/"\"h100\"",
           "device profile of the cost model: h100, h200, a100 or cpu">,
    Option<"deviceProfile", "device-profile", "std::string",
           /*default=*/"\"\"",
           "JSON file overriding fields of the device profile">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "path of the JSON report">,
    Option<"summary", "summary", "bool", /*default=*/"false",
           "emit a readable summary of the decision as a remark">,
    Option<"timeLimit", "time-limit", "double", /*default=*/"10",
           "time limit of the optimal solver, in seconds">
  ];
  let statistics = [
    Statistic<"numRecomputed", "num-recomputed",
              "Number of activations recomputed">,
    Statistic<"numClones", "num-clones", "Number of ops cloned">
  ];
  let dependentDialects = ["::mlir::gc::GcDialect"];
}

def PlanMemory : Pass<"gc-plan-memory", "::mlir::func::FuncOp"> {
  let summary = "give every tensor of the step a fixed offset in one arena";
  let description = [{
    Runs on the final order of a step (after gc-remat). Every value an op
    produces gets a buffer live from its definition to its last use (a
    returned value to the end of the step); a reshape shares its operand's
    buffer; an elementwise op whose operand dies at it and has the result's
    type writes its result in place, into that operand's buffer. The
    planner library (lib/MemPlan) assigns the buffers offsets in
    one arena, `strategy=best` keeping the smallest arena its strategies
    find within `time-limit` seconds, and the plan is checked: no two
    buffers live at the same time overlap.

    With `workspaces`, an op whose CUDA kernel needs scratch memory (a sum
    over many rows in two stages: a bias gradient, layer norm's dgamma and
    dbeta, the gradient of a token-type embedding; the cross-entropy loss's
    partial sums; sizes from
    gc_rt/cuda/Workspace.h) also gets a buffer live during the op alone,
    and `gc.workspace_offset`, its arena offset. On every target, a
    `gc.all_reduce` gets one too: its bucket buffer (gc_rt/Collectives.h).

    Each op gets `gc.offsets`, one arena offset per result; the function
    gets `gc.arena_bytes`, `gc.arena_lower_bound` (the maximum over time of
    live bytes, which no plan can beat) and `gc.arena_strategy`. Function
    arguments (parameters, inputs, optimizer state) are not in the arena.
    With `report=PATH` the pass writes a JSON report (`arena_bytes`,
    `lower_bound_bytes`, `persistent_bytes`, `strategy`, `plan_time_s` and
    every buffer's name, offset, size and live interval; for a module of
    several functions, `{"functions": {name: report}}`).

    Example: three 4 KiB temporaries `a = exp(x)`, `b = tanh(a)`,
    `c = exp(b)` with `a` dying at `b` and `b` at `c` become one buffer
    written in place three times, at offset 0.
  }];
  let options = [
    Option<"strategy", "strategy", "::mlir::gc::PlanStrategyKind",
           /*default=*/"::mlir::gc::PlanStrategyKind::Best",
           "planning strategy (see gc-plan --help), or best",
           "::mlir::gc::choicesOf(::mlir::gc::kPlanStrategies)">,
    Option<"timeLimit", "time-limit", "double", /*default=*/"1.0",
           "work budget of the search strategies, in nominal seconds "
           "(counted work, the same plan under any load)">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"256",
           "alignment of every offset, in bytes">,
    Option<"inPlace", "in-place", "bool", /*default=*/"true",
           "let elementwise ops write into a dying operand's buffer">,
    Option<"workspaces", "workspaces", "bool", /*default=*/"false",
           "plan the scratch memory of the CUDA kernels (gc-compile "
           "--target cuda)">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "path of the JSON report">
  ];
  let dependentDialects = ["::mlir::gc::GcDialect"];
}

#endif // GC_TRANSFORMS_PASSES_TD
