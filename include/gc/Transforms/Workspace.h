//===- Workspace.h - Scratch memory of the kernels --------------*- C++ -*-===//
//
// How much scratch memory an op's kernel needs: a CUDA kernel's workspace
// (gc_rt/cuda/Workspace.h), and on both targets the bucket buffer of a
// gc.all_reduce (gc_rt/Collectives.h). gc-plan-memory plans a buffer of
// that size for the op alone, and gc-lower-to-kernels counts it in the arena
// the step allocates.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_WORKSPACE_H
#define GC_TRANSFORMS_WORKSPACE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <cstdint>

namespace mlir::gc {

/// The bytes of scratch memory `op`'s CUDA kernel needs: 0 for none, -1 for
/// more than 2^63 - 1.
int64_t getCudaWorkspaceBytes(Operation *op);

/// The bytes one tensor of `type` takes in a gc.all_reduce bucket buffer.
int64_t getAllReduceBucketBytes(RankedTensorType type);

/// The bytes of scratch memory `op` needs on a target whose kernels are
/// CUDA's (`cuda`) or the CPU's: a gc.all_reduce's bucket buffer on both, a
/// CUDA kernel's workspace on CUDA; 0 for none, -1 for more than 2^63 - 1.
int64_t getWorkspaceBytes(Operation *op, bool cuda);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_WORKSPACE_H
