//===- Pipelines.cpp - gc's named pass pipelines --------------------------===//

#include "gc/Pipelines/Pipelines.h"

#include "gc/Conversion/Passes.h"
#include "gc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::gc;

/// torch.cuda.amp.GradScaler's initial loss scale, 2^16.
constexpr double kInitialLossScale = 65536.0;

bool mlir::gc::usesLossScaling(const AutocastOptions &autocast) {
  return autocast.precision == PrecisionKind::Fp16Mixed;
}

void mlir::gc::addTrainStepPasses(OpPassManager &pm,
                                  const TrainStepConfig &train) {
  OpPassManager &functions = pm.nest<func::FuncOp>();
  if (train.autocast.precision != PrecisionKind::Fp32)
    functions.addPass(createAutocast(train.autocast));
  // fp16 steps scale their loss dynamically, as GradScaler does.
  AutodiffOptions autodiff;
  ApplyOptimizerOptions update = train.optimizer;
  if (usesLossScaling(train.autocast)) {
    autodiff.lossScale = kInitialLossScale;
    update.lossScaling = true;
  }
  functions.addPass(createAutodiff(autodiff));
  // The gradients are averaged over the ranks before anything reads them
  // (a loss scaler's overflow check included, so that every rank skips the
  // same steps).
  if (train.dataParallel)
    functions.addPass(createDataParallel(*train.dataParallel));
  functions.addPass(createApplyOptimizer(update));
  functions.addPass(createCanonicalizerPass());
  functions.addPass(createCSEPass());
}

void mlir::gc::addRematStepPasses(OpPassManager &pm,
                                  const TrainStepConfig &train,
                                  const RematOptions &remat) {
  addTrainStepPasses(pm, train);
  OpPassManager &functions = pm.nest<func::FuncOp>();
  functions.addPass(createSchedule());
  functions.addPass(createRemat(remat));
}

void mlir::gc::addCompileStepPasses(OpPassManager &pm,
                                    const TrainStepConfig &train,
                                    const RematOptions &remat,
                                    const PlanMemoryOptions &plan) {
  addRematStepPasses(pm, train, remat);
  OpPassManager &functions = pm.nest<func::FuncOp>();
  functions.addPass(createPlanMemory(plan));
  functions.addPass(createLowerToKernels());
}

void mlir::gc::buildTrainStepPipeline(OpPassManager &pm,
                                      const TrainStepPipelineOptions &options) {
  addTrainStepPasses(pm, options.trainStepConfig());
}

void mlir::gc::buildRematStepPipeline(OpPassManager &pm,
                                      const RematStepPipelineOptions &options) {
  addRematStepPasses(pm, options.trainStepConfig(), options.rematOptions());
}

void mlir::gc::buildCompileStepPipeline(
    OpPassManager &pm, const CompileStepPipelineOptions &options) {
  addCompileStepPasses(pm, options.trainStepConfig(), options.rematOptions(),
                       options.planOptions());
}

void mlir::gc::registerPipelines() {
  PassPipelineRegistration<TrainStepPipelineOptions>(
      "gc-train-step",
      "Differentiate the loss functions of a module and append the "
      "optimizer update (gc-autocast unless precision=fp32, gc-autodiff, "
      "gc-data-parallel with data-parallel, gc-optimizer, canonicalize, cse)",
      buildTrainStepPipeline);
  PassPipelineRegistration<RematStepPipelineOptions>(
      "gc-remat-step",
      "Build the training step (gc-train-step), order it (gc-schedule) and "
      "rematerialize under a memory budget (gc-remat)",
      buildRematStepPipeline);
  PassPipelineRegistration<CompileStepPipelineOptions>(
      "gc-compile-step",
      "The whole compiler before code generation: gc-remat-step, then "
      "gc-plan-memory and gc-lower-to-kernels for the target; gc-translate "
      "--gc-to-cpp or --gc-to-cuda then writes what gc-compile writes",
      buildCompileStepPipeline);
}
