//===- GcCollectiveOps.td - Collective gc operations --------*- tablegen -*-===//
//
// Communication between the ranks of a data-parallel group. A collective
// must run on every rank, in the same order, exactly once per step: it is
// never recomputed, never fused with other ops and never erased.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCCOLLECTIVEOPS_TD
#define GC_DIALECT_GCCOLLECTIVEOPS_TD

include "gc/Dialect/GcBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Gc_AllReduceOp : Gc_Op<"all_reduce", [
    MemoryEffects<[MemRead, MemWrite]>,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "sum or mean of tensors over the data-parallel group";
  let description = [{
    Every rank of the data-parallel group passes the same list of tensors
    (one bucket of gradients); each result is the element-wise `sum`, or
    `mean` (the sum divided by the number of ranks), of the corresponding
    operand over all ranks, as `torch.distributed.all_reduce` and the
    gradient buckets of `torch.nn.parallel.DistributedDataParallel`. With
    one rank the results equal the operands.

    The operands are floating-point tensors of one element type; each
    result has its operand's type. The kernel packs the bucket into one
    contiguous buffer (f32 for 16-bit and f32 operands, f64 for f64), reduces
    it with one call of the communicator (MPI on the CPU, NCCL on CUDA) and
    unpacks it. The op has side effects: it is never recomputed by
    rematerialization, never erased and never merged with another.

    Example:

    ```mlir
    %a, %b = gc.all_reduce mean %dw, %db
        : tensor<1024x1024xf32>, tensor<1024xf32>
    ```
  }];
  let arguments = (ins Gc_CollectiveReduction:$reduction,
                       Variadic<Gc_FloatTensor>:$inputs);
  let results = (outs Variadic<Gc_FloatTensor>:$results);
  let assemblyFormat = [{
    $reduction $inputs attr-dict `:` type($inputs)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::gc::CollectiveReduction":$reduction,
                   "::mlir::ValueRange":$inputs), [{
      build($_builder, $_state, inputs.getTypes(),
            ::mlir::gc::CollectiveReductionAttr::get($_builder.getContext(),
                                                     reduction),
            inputs);
    }]>
  ];
  let hasVerifier = 1;
}

#endif // GC_DIALECT_GCCOLLECTIVEOPS_TD
