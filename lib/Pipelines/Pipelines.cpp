//===- Pipelines.cpp - gc's named pass pipelines --------------------------===//

#include "gc/Pipelines/Pipelines.h"

#include "gc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::gc;

/// The training-step passes, from either pipeline's options (both declare
/// the optimizer's).
template <typename Options>
static void addTrainStepPasses(OpPassManager &pm, const Options &options) {
  OpPassManager &functions = pm.nest<func::FuncOp>();
  functions.addPass(createAutodiff());
  ApplyOptimizerOptions optimizer;
  optimizer.optimizer = options.optimizer;
  optimizer.lr = options.lr;
  optimizer.beta1 = options.beta1;
  optimizer.beta2 = options.beta2;
  optimizer.epsilon = options.epsilon;
  optimizer.weightDecay = options.weightDecay;
  optimizer.keepGradients = options.keepGradients;
  functions.addPass(createApplyOptimizer(optimizer));
  functions.addPass(createCanonicalizerPass());
  functions.addPass(createCSEPass());
}

void mlir::gc::buildTrainStepPipeline(OpPassManager &pm,
                                      const TrainStepPipelineOptions &options) {
  addTrainStepPasses(pm, options);
}

void mlir::gc::buildRematStepPipeline(OpPassManager &pm,
                                      const RematStepPipelineOptions &options) {
  addTrainStepPasses(pm, options);
  OpPassManager &functions = pm.nest<func::FuncOp>();
  functions.addPass(createSchedule());
  RematOptions remat;
  remat.budget = options.budget;
  remat.solver = options.solver;
  remat.device = options.device;
  remat.deviceProfile = options.deviceProfile;
  remat.report = options.report;
  remat.summary = options.summary;
  remat.timeLimit = options.timeLimit;
  functions.addPass(createRemat(remat));
}

void mlir::gc::registerPipelines() {
  PassPipelineRegistration<TrainStepPipelineOptions>(
      "gc-train-step",
      "Differentiate the loss functions of a module and append the "
      "optimizer update (gc-autodiff, gc-optimizer, canonicalize, cse)",
      buildTrainStepPipeline);
  PassPipelineRegistration<RematStepPipelineOptions>(
      "gc-remat-step",
      "Build the training step (gc-train-step), order it (gc-schedule) and "
      "rematerialize under a memory budget (gc-remat)",
      buildRematStepPipeline);
}
