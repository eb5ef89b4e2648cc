//===- Pipelines.h - gc's named pass pipelines ------------------*- C++ -*-===//
//
// The pipelines gc-compile runs and gc-opt exposes by name, so that every
// stage of the driver can be reproduced with gc-opt.
//
//===----------------------------------------------------------------------===//

#ifndef GC_PIPELINES_PIPELINES_H
#define GC_PIPELINES_PIPELINES_H

#include "gc/Transforms/PassEnums.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::gc {

/// Options of the training-step pipeline: the optimizer appended after
/// differentiation.
struct TrainStepPipelineOptions
    : public PassPipelineOptions<TrainStepPipelineOptions> {
  Option<OptimizerKind> optimizer{
      *this, "optimizer", llvm::cl::desc("sgd or adamw"),
      llvm::cl::init(OptimizerKind::AdamW), choicesOf(kOptimizers)};
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
  Option<bool> keepGradients{
      *this, "keep-gradients",
      llvm::cl::desc("also return every parameter's gradient"),
      llvm::cl::init(false)};
};

/// Options of the rematerialized training-step pipeline: the training step's
/// and gc-remat's.
struct RematStepPipelineOptions
    : public PassPipelineOptions<RematStepPipelineOptions> {
  Option<OptimizerKind> optimizer{
      *this, "optimizer", llvm::cl::desc("sgd or adamw"),
      llvm::cl::init(OptimizerKind::AdamW), choicesOf(kOptimizers)};
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
  Option<bool> keepGradients{
      *this, "keep-gradients",
      llvm::cl::desc("also return every parameter's gradient"),
      llvm::cl::init(false)};
  Option<std::string> budget{
      *this, "budget",
      llvm::cl::desc("peak-memory budget (bytes, KiB/MiB/GiB suffixes, or "
                     "0.5x); default: the device's memory"),
      llvm::cl::init("")};
  Option<RematSolverKind> solver{
      *this, "solver", llvm::cl::desc("rematerialization solver"),
      llvm::cl::init(RematSolverKind::Auto), choicesOf(kRematSolvers)};
  Option<std::string> device{*this, "device",
                             llvm::cl::desc("device profile of the cost model"),
                             llvm::cl::init("h100")};
  Option<std::string> deviceProfile{
      *this, "device-profile",
      llvm::cl::desc("JSON file overriding the device profile"),
      llvm::cl::init("")};
  Option<std::string> report{*this, "report",
                             llvm::cl::desc("path of the JSON report"),
                             llvm::cl::init("")};
  Option<bool> summary{*this, "summary",
                       llvm::cl::desc("emit a readable summary as a remark"),
                       llvm::cl::init(false)};
  Option<double> timeLimit{*this, "time-limit",
                           llvm::cl::desc("optimal solver time limit (s)"),
                           llvm::cl::init(10)};
};

/// forward function -> training step: gc-autodiff, gc-optimizer, then
/// canonicalize and cse to clean up what differentiation emitted.
void buildTrainStepPipeline(OpPassManager &pm,
                            const TrainStepPipelineOptions &options);

/// forward function -> training step that fits the budget: the training-step
/// pipeline, then gc-schedule and gc-remat.
void buildRematStepPipeline(OpPassManager &pm,
                            const RematStepPipelineOptions &options);

/// Registers `gc-train-step` and `gc-remat-step` for gc-opt.
void registerPipelines();

} // namespace mlir::gc

#endif // GC_PIPELINES_PIPELINES_H
