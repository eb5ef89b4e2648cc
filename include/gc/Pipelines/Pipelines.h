//===- Pipelines.h - gc's named pass pipelines ------------------*- C++ -*-===//
//
// The pipelines gc-compile runs and gc-opt exposes by name, so that every
// stage of the driver can be reproduced with gc-opt.
//
//===----------------------------------------------------------------------===//

#ifndef GC_PIPELINES_PIPELINES_H
#define GC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::gc {

/// Options of the training-step pipeline: the optimizer appended after
/// differentiation.
struct TrainStepPipelineOptions
    : public PassPipelineOptions<TrainStepPipelineOptions> {
  Option<std::string> optimizer{*this, "optimizer",
                                llvm::cl::desc("sgd or adamw"),
                                llvm::cl::init("adamw")};
  Option<double> lr{*this, "lr", llvm::cl::desc("learning rate"),
                    llvm::cl::init(1e-4)};
  Option<double> beta1{*this, "beta1", llvm::cl::desc("AdamW beta1"),
                       llvm::cl::init(0.9)};
  Option<double> beta2{*this, "beta2", llvm::cl::desc("AdamW beta2"),
                       llvm::cl::init(0.999)};
  Option<double> epsilon{*this, "epsilon", llvm::cl::desc("AdamW epsilon"),
                         llvm::cl::init(1e-8)};
  Option<double> weightDecay{
      *this, "weight-decay",
      llvm::cl::desc("weight decay (default: 0.01 for AdamW, 0 for SGD)"),
      llvm::cl::init(-1)};
};

/// forward function -> training step: gc-autodiff, gc-optimizer, then
/// canonicalize and cse to clean up what differentiation emitted.
void buildTrainStepPipeline(OpPassManager &pm,
                            const TrainStepPipelineOptions &options);

/// Registers `gc-train-step` for gc-opt's --pass-pipeline and flags.
void registerPipelines();

} // namespace mlir::gc

#endif // GC_PIPELINES_PIPELINES_H
