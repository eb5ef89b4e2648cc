//===- Workspace.h - Scratch memory of the CUDA kernels ---------*- C++ -*-===//
//
// How much scratch memory an op's CUDA kernel needs (gc_rt/cuda/Workspace.h):
// gc-plan-memory plans a buffer of that size for the op alone, and
// gc-lower-to-kernels counts it in the arena the step allocates.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_WORKSPACE_H
#define GC_TRANSFORMS_WORKSPACE_H

#include "mlir/IR/Operation.h"

#include <cstdint>

namespace mlir::gc {

/// The bytes of scratch memory `op`'s CUDA kernel needs: 0 for none, -1 for
/// more than 2^63 - 1.
int64_t getCudaWorkspaceBytes(Operation *op);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_WORKSPACE_H
