//===- GcDialect.td - The gc dialect definition -------------*- tablegen -*-===//
//
// The `gc` dialect describes neural-network training steps: a forward pass, a
// loss, the backward pass autodiff derives from it and the optimizer update.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCDIALECT_TD
#define GC_DIALECT_GCDIALECT_TD

include "mlir/IR/OpBase.td"

def Gc_Dialect : Dialect {
  let name = "gc";
  let cppNamespace = "::mlir::gc";
  let summary = "Training-step graphs on statically shaped tensors";
  let description = [{
    The `gc` dialect holds the operations of a neural-network training step:
    the forward pass (embeddings, matmuls, normalizations, activations,
    dropout, losses), the backward twins that reverse-mode differentiation
    emits (`*_grad` ops), and optimizer updates (SGD, AdamW).

    Values are ranked tensors with **static shapes** of `f32`, `f16`, `bf16`,
    `f64` (for gradient checks), `i32` or `i64` (ids, labels, seeds). Static
    shapes make every buffer size known at compile time, which is what the
    rematerialization solver and the memory planner need. There is no implicit
    broadcasting: `gc.broadcast` states every expansion.

    Any operation may carry the discardable attribute `gc.block`, a
    non-negative integer naming the repeated block it belongs to (for example
    the encoder layer index). Solvers may use it and must not require it.

    `gc-plan-memory` records each op's arena offsets as `gc.offsets` (one
    per result) and the arena on the function (`gc.arena_bytes`,
    `gc.arena_lower_bound`, `gc.arena_strategy`).

    Ops that `gc-remat` cloned to recompute a value in the backward pass
    carry the unit attribute `gc.recompute`.

    Function arguments and results may carry `gc.name = "..."`, the name the
    value has outside the compiler (a Hugging Face state-dict key such as
    `encoder.layer.0.attention.self.query.weight`, a batch field such as
    `input_ids`, or `loss`). Arguments that are trainable parameters carry
    the unit attribute `gc.param`: autodiff differentiates with respect to
    those and no others.

    Arguments and results also carry their contract, set by whoever
    creates them (a model builder, gc-optimizer, an importer): `gc.role`
    (`#gc.role<...>`: parameter, gradient, optimizer state of which
    parameter and which moment, batch input, seed, step counter) and, on
    arguments, `gc.init` (`#gc.init<...>`: zeros, ones, normal(std),
    index(bound), seed). The interpreter, the emitters and the runtime read
    these, never a value's name; an argument without them gets a default
    derived from its type and uses only (`gc/Transforms/StepArguments.h`).

    Dropout uses a counter-based random stream (Philox4x32-10): the mask is a
    pure function of (step seed, stream id, element index), so recomputing a
    dropout, or its gradient, regenerates the identical mask.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
    /// Name of the discardable attribute tagging an op with its block index.
    static constexpr ::llvm::StringLiteral getBlockTagAttrName() {
      return ::llvm::StringLiteral("gc.block");
    }
    /// Name of the unit attribute gc-remat puts on the ops it clones to
    /// recompute a value in the backward pass.
    static constexpr ::llvm::StringLiteral getRecomputeAttrName() {
      return ::llvm::StringLiteral("gc.recompute");
    }
    /// Names of the attributes gc-plan-memory writes: the arena offset of
    /// each result of an op, and on the function the arena's size, its lower
    /// bound and the strategy that planned it.
    static constexpr ::llvm::StringLiteral getOffsetsAttrName() {
      return ::llvm::StringLiteral("gc.offsets");
    }
    static constexpr ::llvm::StringLiteral getArenaBytesAttrName() {
      return ::llvm::StringLiteral("gc.arena_bytes");
    }
    static constexpr ::llvm::StringLiteral getArenaLowerBoundAttrName() {
      return ::llvm::StringLiteral("gc.arena_lower_bound");
    }
    static constexpr ::llvm::StringLiteral getArenaStrategyAttrName() {
      return ::llvm::StringLiteral("gc.arena_strategy");
    }
    /// Name of the attribute gc-plan-memory writes (with `workspaces`) on an
    /// op whose CUDA kernel needs scratch memory: the arena offset of it.
    static constexpr ::llvm::StringLiteral getWorkspaceOffsetAttrName() {
      return ::llvm::StringLiteral("gc.workspace_offset");
    }
    /// Names of the attributes gc-lower-to-kernels writes: the fused kernel
    /// of an op, the storage of each result, and on the function the
    /// planner's arena size before returned values left the arena.
    static constexpr ::llvm::StringLiteral getFusionAttrName() {
      return ::llvm::StringLiteral("gc.fusion");
    }
    static constexpr ::llvm::StringLiteral getStorageAttrName() {
      return ::llvm::StringLiteral("gc.storage");
    }
    static constexpr ::llvm::StringLiteral getPlannedArenaBytesAttrName() {
      return ::llvm::StringLiteral("gc.planned_arena_bytes");
    }
    /// Name of the function attribute gc-data-parallel writes when the step
    /// is compiled for a fixed number of ranks.
    static constexpr ::llvm::StringLiteral getWorldSizeAttrName() {
      return ::llvm::StringLiteral("gc.world_size");
    }
    /// Name of the argument/result attribute holding the external name.
    static constexpr ::llvm::StringLiteral getNameAttrName() {
      return ::llvm::StringLiteral("gc.name");
    }
    /// Names of the argument/result contract attributes (#gc.role,
    /// #gc.init).
    static constexpr ::llvm::StringLiteral getRoleAttrName() {
      return ::llvm::StringLiteral("gc.role");
    }
    static constexpr ::llvm::StringLiteral getInitAttrName() {
      return ::llvm::StringLiteral("gc.init");
    }
    /// Name of the unit argument attribute marking trainable parameters.
    static constexpr ::llvm::StringLiteral getParamAttrName() {
      return ::llvm::StringLiteral("gc.param");
    }
  }];
}

#endif // GC_DIALECT_GCDIALECT_TD
