//===- TrainingStep.h - Structure of a training-step function ---*- C++ -*-===//
//
// What the scheduling and rematerialization passes need to know about a
// training step: its loss and which ops form the forward pass.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_TRAININGSTEP_H
#define GC_TRANSFORMS_TRAININGSTEP_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::gc {

/// The loss of a training step: the result named `loss`, else result #0 when
/// it is a rank-0 floating-point tensor. Emits an error on the function when
/// there is none.
FailureOr<Value> findLoss(func::FuncOp function);

/// The forward pass: the ops the loss depends on (its backward slice within
/// the function's single block).
llvm::DenseSet<Operation *> findForwardOps(func::FuncOp function, Value loss);

/// Whether `op` updates optimizer state (gc.sgd_update, gc.adamw_update).
bool isOptimizerUpdate(Operation *op);

/// Whether `op` communicates with the other ranks (gc.all_reduce): it runs
/// exactly once per step on every rank, so it is never recomputed.
bool isCollective(Operation *op);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_TRAININGSTEP_H
