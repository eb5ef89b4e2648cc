//===- Pipelines.h - gc's named pass pipelines ------------------*- C++ -*-===//
//
// The pipelines gc-opt exposes by name and gc-compile runs (through
// lib/Compiler), so that every stage of the compiler can be reproduced with
// gc-opt:
//
//   gc-train-step    forward function -> training step
//   gc-remat-step    ... -> ordered and rematerialized under a budget
//   gc-compile-step  ... -> memory-planned and lowered, ready for gc-translate
//
// Each pipeline's options extend the previous one's, so every option is
// declared once, here, as a group per pass: the training group
// (gc-autocast, gc-optimizer), the rematerialization group (gc-remat) and the
// compile group (gc-plan-memory, the target). A group turns itself into its
// passes' option structs (autocastOptions(), optimizerOptions(),
// rematOptions(), planOptions()).
//
//===----------------------------------------------------------------------===//

#ifndef GC_PIPELINES_PIPELINES_H
#define GC_PIPELINES_PIPELINES_H

#include "gc/Transforms/PassEnums.h"
#include "gc/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <optional>
#include <string>

namespace mlir::gc {

/// What turns a forward function into a training step: the passes' options
/// of the training group, the data-parallel one absent for one rank.
struct TrainStepConfig {
  AutocastOptions autocast;
  ApplyOptimizerOptions optimizer;
  std::optional<DataParallelOptions> dataParallel;
};

/// An option of a pipeline option group.
template <typename T> using PipelineOption = detail::PassOptions::Option<T>;

/// The training step's options: the optimizer appended after
/// differentiation (gc-optimizer's).
template <typename Derived>
struct TrainStepOptionGroup : public PassPipelineOptions<Derived> {
  PipelineOption<PrecisionKind> precision{
      *this, "precision",
      llvm::cl::desc("fp32, or bf16-mixed / fp16-mixed (gc-autocast before "
                     "differentiation)"),
      llvm::cl::init(PrecisionKind::Fp32), choicesOf(kPrecisions)};
  PipelineOption<OptimizerKind> optimizer{
      *this, "optimizer", llvm::cl::desc("sgd or adamw"),
      llvm::cl::init(OptimizerKind::AdamW), choicesOf(kOptimizers)};
  PipelineOption<double> lr{*this, "lr", llvm::cl::desc("learning rate"),
                            llvm::cl::init(1e-4)};
  PipelineOption<double> beta1{*this, "beta1", llvm::cl::desc("AdamW beta1"),
                               llvm::cl::init(0.9)};
  PipelineOption<double> beta2{*this, "beta2", llvm::cl::desc("AdamW beta2"),
                               llvm::cl::init(0.999)};
  PipelineOption<double> epsilon{
      *this, "epsilon", llvm::cl::desc("AdamW epsilon"), llvm::cl::init(1e-8)};
  PipelineOption<double> weightDecay{
      *this, "weight-decay",
      llvm::cl::desc("weight decay (default: 0.01 for AdamW, 0 for SGD)"),
      llvm::cl::init(-1)};
  PipelineOption<bool> keepGradients{
      *this, "keep-gradients",
      llvm::cl::desc("also return every parameter's gradient"),
      llvm::cl::init(false)};
  PipelineOption<bool> dataParallel{
      *this, "data-parallel",
      llvm::cl::desc("average the gradients over the data-parallel group "
                     "(gc-data-parallel before gc-optimizer)"),
      llvm::cl::init(false)};
  PipelineOption<int64_t> bucketBytes{
      *this, "bucket-bytes",
      llvm::cl::desc("data-parallel: gradient bytes per all-reduce bucket"),
      llvm::cl::init(25 * 1024 * 1024)};
  PipelineOption<int64_t> worldSize{
      *this, "world-size",
      llvm::cl::desc("data-parallel: the number of ranks the step is "
                     "compiled for (0: any)"),
      llvm::cl::init(0)};

  AutocastOptions autocastOptions() const {
    AutocastOptions options;
    options.precision = precision;
    return options;
  }
  ApplyOptimizerOptions optimizerOptions() const {
    ApplyOptimizerOptions options;
    options.optimizer = optimizer;
    options.lr = lr;
    options.beta1 = beta1;
    options.beta2 = beta2;
    options.epsilon = epsilon;
    options.weightDecay = weightDecay;
    options.keepGradients = keepGradients;
    return options;
  }
  std::optional<DataParallelOptions> dataParallelOptions() const {
    if (!dataParallel)
      return std::nullopt;
    DataParallelOptions options;
    options.bucketBytes = bucketBytes;
    options.worldSize = worldSize;
    return options;
  }
  TrainStepConfig trainStepConfig() const {
    return {autocastOptions(), optimizerOptions(), dataParallelOptions()};
  }
};

/// The rematerialized step's options: the training step's and gc-remat's.
template <typename Derived>
struct RematStepOptionGroup : public TrainStepOptionGroup<Derived> {
  PipelineOption<std::string> budget{
      *this, "budget",
      llvm::cl::desc("peak-memory budget: bytes with a KiB/MiB/GiB/TiB or "
                     "KB/MB/GB/TB suffix, or a fraction of the peak without "
                     "rematerialization such as 0.5x (default: the device's "
                     "memory)"),
      llvm::cl::init("")};
  PipelineOption<RematSolverKind> solver{
      *this, "solver", llvm::cl::desc("rematerialization solver"),
      llvm::cl::init(RematSolverKind::Auto), choicesOf(kRematSolvers)};
  PipelineOption<std::string> device{
      *this, "device",
      llvm::cl::desc("device profile of the cost model: h100, h200, a100 or "
                     "cpu (default: the target's, cpu for target=cpu, else "
                     "h100)"),
      llvm::cl::init("")};
  PipelineOption<std::string> deviceProfile{
      *this, "device-profile",
      llvm::cl::desc("JSON file overriding the device profile"),
      llvm::cl::init("")};
  PipelineOption<std::string> report{
      *this, "report", llvm::cl::desc("path of gc-remat's JSON report"),
      llvm::cl::init("")};
  PipelineOption<bool> summary{
      *this, "summary", llvm::cl::desc("emit a readable summary as a remark"),
      llvm::cl::init(false)};
  PipelineOption<double> timeLimit{
      *this, "time-limit",
      llvm::cl::desc("work budget of the optimal solver, in nominal seconds"),
      llvm::cl::init(10)};

  /// gc-remat's options for a step compiled for `target` (none: a step
  /// not compiled yet, costed on the H100 unless a device is named).
  RematOptions rematOptionsFor(std::optional<StepTarget> target) const {
    RematOptions options;
    options.budget = budget;
    options.solver = solver;
    options.device = !device.empty()                        ? device.getValue()
                     : target && *target == StepTarget::Cpu ? "cpu"
                                                            : "h100";
    options.deviceProfile = deviceProfile;
    options.report = report;
    options.summary = summary;
    options.timeLimit = timeLimit;
    return options;
  }
  RematOptions rematOptions() const { return rematOptionsFor(std::nullopt); }
};

/// The compiled step's options: the rematerialized step's, the target and
/// gc-plan-memory's.
template <typename Derived>
struct CompileStepOptionGroup : public RematStepOptionGroup<Derived> {
  PipelineOption<StepTarget> target{
      *this, "target", llvm::cl::desc("cpu or cuda"),
      llvm::cl::init(StepTarget::Cpu), choicesOf(kStepTargets)};
  PipelineOption<PlanStrategyKind> planStrategy{
      *this, "plan-strategy",
      llvm::cl::desc("memory planning strategy (see gc-plan --help)"),
      llvm::cl::init(PlanStrategyKind::Best), choicesOf(kPlanStrategies)};
  PipelineOption<double> planTimeLimit{
      *this, "plan-time-limit",
      llvm::cl::desc("work budget of the planner's searches, in nominal "
                     "seconds"),
      llvm::cl::init(1.0)};
  PipelineOption<int64_t> alignment{
      *this, "alignment",
      llvm::cl::desc("alignment of every arena offset, in bytes"),
      llvm::cl::init(256)};
  PipelineOption<bool> inPlace{
      *this, "in-place",
      llvm::cl::desc("let elementwise ops write into a dying operand's "
                     "buffer"),
      llvm::cl::init(true)};
  PipelineOption<std::string> planReport{
      *this, "plan-report",
      llvm::cl::desc("path of gc-plan-memory's JSON report"),
      llvm::cl::init("")};

  RematOptions rematOptions() const {
    return this->rematOptionsFor(target.getValue());
  }

  PlanMemoryOptions planOptions() const {
    PlanMemoryOptions options;
    options.strategy = planStrategy;
    options.timeLimit = planTimeLimit;
    options.alignment = alignment;
    options.inPlace = inPlace;
    options.workspaces = target == StepTarget::Cuda;
    options.report = planReport;
    return options;
  }
};

struct TrainStepPipelineOptions
    : public TrainStepOptionGroup<TrainStepPipelineOptions> {};
struct RematStepPipelineOptions
    : public RematStepOptionGroup<RematStepPipelineOptions> {};
struct CompileStepPipelineOptions
    : public CompileStepOptionGroup<CompileStepPipelineOptions> {};

/// Whether a step of this precision scales its loss dynamically: fp16-mixed,
/// with either optimizer (GradScaler's initial scale 2^16, growth 2 every
/// 2000 good steps, backoff 0.5).
bool usesLossScaling(const AutocastOptions &autocast);

/// forward function -> training step: gc-autocast (unless fp32),
/// gc-autodiff, gc-optimizer (with dynamic loss scaling where
/// usesLossScaling), then canonicalize and cse to clean up what
/// differentiation emitted.
void addTrainStepPasses(OpPassManager &pm, const TrainStepConfig &train);

/// The training step, then gc-schedule and gc-remat.
void addRematStepPasses(OpPassManager &pm, const TrainStepConfig &train,
                        const RematOptions &remat);

/// The rematerialized step, then gc-plan-memory and gc-lower-to-kernels:
/// what gc-translate (or lib/Compiler) turns into step source.
void addCompileStepPasses(OpPassManager &pm, const TrainStepConfig &train,
                          const RematOptions &remat,
                          const PlanMemoryOptions &plan);

void buildTrainStepPipeline(OpPassManager &pm,
                            const TrainStepPipelineOptions &options);
void buildRematStepPipeline(OpPassManager &pm,
                            const RematStepPipelineOptions &options);
void buildCompileStepPipeline(OpPassManager &pm,
                              const CompileStepPipelineOptions &options);

/// Registers `gc-train-step`, `gc-remat-step` and `gc-compile-step` for
/// gc-opt.
void registerPipelines();

} // namespace mlir::gc

#endif // GC_PIPELINES_PIPELINES_H
