//===- CompileCommandLine.cpp - gc-compile's compiler flags ---------------===//
//
// See gc/Compiler/CompileCommandLine.h.
//
//===----------------------------------------------------------------------===//

#include "gc/Compiler/CompileCommandLine.h"

#include "gc/Remat/Budget.h"
#include "gc/Support/FlagChoices.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ManagedStatic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
namespace cl = llvm::cl;

namespace {
llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

struct CompileCLOptions {
  cl::OptionCategory codegen{"Code generation (--target)"};
  cl::OptionCategory optimizer{"Optimizer (--emit train)"};
  cl::OptionCategory remat{"Rematerialization (--emit remat)"};
  cl::OptionCategory plan{"Memory planning (--emit plan)"};
  cl::OptionCategory parallel{"Data parallelism"};

  cl::opt<std::string> target{
      "target",
      cl::desc("Compile the training step ahead of time for cpu or cuda: "
               "writes step.{cpp,cu}, step.h, step.mlir, libstep.so, "
               "report.json and memory.svg into the -o directory"),
      cl::value_desc("cpu|cuda"), cl::init(""), cl::cat(codegen)};
  cl::opt<std::string> arch{"arch", cl::desc("nvcc -arch (default sm_90)"),
                            cl::value_desc("sm_XX"), cl::init("sm_90"),
                            cl::cat(codegen)};
  cl::opt<bool> tf32{"tf32",
                     cl::desc("Let cuBLAS use TF32 tensor cores for f32 "
                              "matmuls (default: exact FP32)"),
                     cl::init(false), cl::cat(codegen)};
  cl::opt<std::string> nvcc{"nvcc", cl::desc("nvcc to use"),
                            cl::value_desc("path"), cl::init(""),
                            cl::cat(codegen)};
  cl::opt<unsigned> printLaunches{
      "print-launches",
      cl::desc("--target cuda: print the N most expensive step units with "
               "their kernel launches (grid x block) from the launch report"),
      cl::value_desc("N"), cl::init(0), cl::cat(codegen)};
  cl::opt<bool> cudaEmulation{
      "cuda-emulation",
      cl::desc("--target cuda: build libstep.so with the host compiler for "
               "the CUDA host emulator instead of nvcc (tests without a GPU; "
               "run it with gc-run under the emulator's libcudart, "
               "LD_LIBRARY_PATH=<build>/lib/cuda-emulation)"),
      cl::init(false), cl::cat(codegen)};
  cl::opt<std::string> hostArch{
      "host-arch",
      cl::desc("--target cpu: the -march the step is compiled for (default: "
               "the one gc's CPU kernels were built for, normally 'native', "
               "the machine that compiles; name another, e.g. x86-64-v3, to "
               "run the step elsewhere)"),
      cl::value_desc("arch"), cl::init(GC_HOST_ARCH), cl::cat(codegen)};
  cl::opt<std::string> cxx{"cxx", cl::desc("C++ compiler for --target cpu"),
                           cl::value_desc("path"), cl::init(""),
                           cl::cat(codegen)};

  cl::opt<PrecisionKind> precision{
      "precision",
      cl::desc("fp32, or bf16-mixed / fp16-mixed: matmuls and attention in "
               "16 bits, fp32 master weights (gc-autocast)"),
      cl::init(PrecisionKind::Fp32), choicesOf(kPrecisions),
      cl::cat(optimizer)};
  cl::opt<OptimizerKind> optimizerKind{
      "optimizer", cl::desc("sgd or adamw"), cl::init(OptimizerKind::AdamW),
      choicesOf(kOptimizers), cl::cat(optimizer)};
  cl::opt<double> lr{"lr", cl::desc("Learning rate"), cl::init(1e-4),
                     cl::cat(optimizer)};
  cl::opt<double> beta1{"beta1", cl::desc("AdamW beta1"), cl::init(0.9),
                        cl::cat(optimizer)};
  cl::opt<double> beta2{"beta2", cl::desc("AdamW beta2"), cl::init(0.999),
                        cl::cat(optimizer)};
  cl::opt<double> epsilon{"epsilon", cl::desc("AdamW epsilon"), cl::init(1e-8),
                          cl::cat(optimizer)};
  cl::alias adamEpsilon{"adam-epsilon", cl::desc("Alias for --epsilon"),
                        cl::aliasopt(epsilon), cl::cat(optimizer)};
  cl::opt<double> weightDecay{
      "weight-decay",
      cl::desc("Weight decay (default: 0.01 for AdamW, 0 for SGD)"),
      cl::init(-1), cl::cat(optimizer)};
  cl::opt<bool> keepGradients{
      "keep-gradients",
      cl::desc("Also return every parameter's gradient from the step"),
      cl::init(false), cl::cat(optimizer)};

  cl::opt<bool> dataParallel{
      "data-parallel",
      cl::desc("Data-parallel step: every rank (mpirun -np N gc-run DIR) "
               "trains on its own --batch rows of a global batch of N x "
               "--batch, and the gradients are averaged over the ranks in "
               "buckets (gc.all_reduce, MPI on the CPU, NCCL on CUDA)"),
      cl::init(false), cl::cat(parallel)};
  cl::opt<std::string> bucketSize{
      "bucket-size",
      cl::desc("--data-parallel: gradient bytes per all-reduce bucket "
               "(default 25MiB, PyTorch DDP's bucket_cap_mb)"),
      cl::value_desc("size"), cl::init("25MiB"), cl::cat(parallel)};
  cl::opt<int64_t> worldSize{
      "world-size",
      cl::desc("--data-parallel: compile for exactly N ranks; the runtime "
               "refuses another group size (default: any)"),
      cl::value_desc("N"), cl::init(0), cl::cat(parallel)};
  cl::opt<int64_t> globalBatch{
      "global-batch",
      cl::desc("--data-parallel --world-size N --model ...: the batch of "
               "the whole group; each rank's batch (--batch) is G / N"),
      cl::value_desc("G"), cl::init(0), cl::cat(parallel)};

  cl::opt<std::string> budget{
      "budget",
      cl::desc("Peak-memory budget: bytes with a KiB/MiB/GiB/TiB or "
               "KB/MB/GB/TB suffix, or a fraction of the peak without "
               "rematerialization such as 0.5x (default: the device's "
               "memory)"),
      cl::value_desc("size"), cl::init(""), cl::cat(remat)};
  cl::opt<RematSolverKind> solver{
      "solver", cl::desc("none, per-layer, sqrt, greedy, optimal or auto"),
      cl::init(RematSolverKind::Auto), choicesOf(kRematSolvers),
      cl::cat(remat)};
  cl::opt<std::string> device{
      "device",
      cl::desc("h100, h200, a100 or cpu (default: cpu for --target cpu, "
               "else h100)"),
      cl::value_desc("name"), cl::init(""), cl::cat(remat)};
  cl::opt<std::string> deviceProfile{
      "device-profile", cl::desc("JSON file overriding the device profile"),
      cl::value_desc("path"), cl::init(""), cl::cat(remat)};
  cl::opt<std::string> report{
      "report",
      cl::desc("Write the report (JSON): gc-remat's with --emit remat, "
               "merged with the memory plan's with --emit plan (default "
               "DIR/report.json with --target)"),
      cl::value_desc("path"), cl::init(""), cl::cat(remat)};
  cl::opt<std::string> timeline{
      "timeline",
      cl::desc("Write the memory timeline of the plan as SVG (--emit plan; "
               "default: memory.svg next to --report)"),
      cl::value_desc("path"), cl::init(""), cl::cat(remat)};
  cl::opt<bool> summary{"summary",
                        cl::desc("Print a readable summary of the plan"),
                        cl::init(false), cl::cat(remat)};
  cl::opt<double> timeLimit{
      "time-limit",
      cl::desc("Work budget of the optimal solver, in nominal seconds"),
      cl::init(10), cl::cat(remat)};

  cl::opt<PlanStrategyKind> planStrategy{
      "plan-strategy", cl::desc("Memory planning strategy"),
      cl::init(PlanStrategyKind::Best), choicesOf(kPlanStrategies),
      cl::cat(plan)};
  cl::opt<double> planTimeLimit{
      "plan-time-limit",
      cl::desc("Work budget of the planner's searches, in nominal seconds"),
      cl::init(1.0), cl::cat(plan)};
};

llvm::ManagedStatic<CompileCLOptions> clOptions;
} // namespace

void mlir::gc::registerCompileCLOptions() { *clOptions; }

std::vector<const llvm::cl::OptionCategory *>
mlir::gc::getCompileCLCategories() {
  return {&clOptions->codegen, &clOptions->optimizer, &clOptions->remat,
          &clOptions->plan, &clOptions->parallel};
}

bool mlir::gc::isTargetSetOnCL() { return !clOptions->target.empty(); }

llvm::Error mlir::gc::applyCompileCLOptions(CompileOptions &options) {
  const CompileCLOptions &flags = *clOptions;
  // Flags whose default is a sentinel or an empty string: given explicitly,
  // the sentinel or the empty string is a mistake, not a request for the
  // default.
  if (flags.weightDecay.getNumOccurrences() &&
      !(std::isfinite(flags.weightDecay) && flags.weightDecay >= 0))
    return makeError("--weight-decay must be finite and non-negative, but is " +
                     std::to_string(flags.weightDecay.getValue()));
  if (flags.budget.getNumOccurrences() && flags.budget.empty())
    return makeError("--budget is empty; give a size such as 70GiB or a "
                     "fraction such as 0.8x, or leave the flag out for the "
                     "device's memory");
  if (flags.device.getNumOccurrences() && flags.device.empty())
    return makeError("--device is empty; name a device (h100, h200, a100, "
                     "cpu) or leave the flag out for the target's");

  CompileStepPipelineOptions &pipeline = options.pipeline;
  if (!flags.target.empty()) {
    std::vector<std::pair<llvm::StringRef, StepTarget>> targets;
    for (const Choice<StepTarget> &choice : kStepTargets)
      targets.push_back({choice.name, choice.value});
    llvm::Expected<StepTarget> target =
        lookupFlagChoice<StepTarget>("target", flags.target, targets);
    if (!target)
      return target.takeError();
    pipeline.target = *target;
  }
  pipeline.precision = flags.precision.getValue();
  pipeline.optimizer = flags.optimizerKind.getValue();
  pipeline.lr = flags.lr.getValue();
  pipeline.beta1 = flags.beta1.getValue();
  pipeline.beta2 = flags.beta2.getValue();
  pipeline.epsilon = flags.epsilon.getValue();
  pipeline.weightDecay = flags.weightDecay.getValue();
  pipeline.keepGradients = flags.keepGradients.getValue();
  for (const cl::Option *flag : std::initializer_list<const cl::Option *>{
           &flags.bucketSize, &flags.worldSize, &flags.globalBatch})
    if (!flags.dataParallel && flag->getNumOccurrences())
      return makeError("--" + flag->ArgStr.str() +
                       " applies to a data-parallel step; add "
                       "--data-parallel");
  pipeline.dataParallel = flags.dataParallel.getValue();
  if (flags.dataParallel) {
    std::string error;
    std::optional<::gc::remat::BudgetSpec> bucket =
        ::gc::remat::parseBudget(flags.bucketSize, error);
    if (!bucket || !bucket->bytes || *bucket->bytes < 1)
      return makeError("--bucket-size expects a positive size such as 25MiB, "
                       "but got '" +
                       flags.bucketSize + "'" +
                       (error.empty() ? "" : ": " + error));
    pipeline.bucketBytes = *bucket->bytes;
    if (flags.worldSize < 0)
      return makeError("--world-size expects a number of ranks (or 0 for "
                       "any), but got " +
                       std::to_string(flags.worldSize.getValue()));
    pipeline.worldSize = flags.worldSize.getValue();
    if (flags.globalBatch.getNumOccurrences()) {
      const int64_t global = flags.globalBatch, ranks = flags.worldSize;
      if (ranks < 1)
        return makeError("--global-batch needs --world-size N: the batch "
                         "of each rank is the global batch divided by N");
      if (global < 1 || global % ranks != 0)
        return makeError("--global-batch expects a positive multiple of "
                         "--world-size (" +
                         std::to_string(ranks) + "), but got " +
                         std::to_string(global));
      options.globalBatch = global;
    }
  }
  pipeline.budget = flags.budget.getValue();
  pipeline.solver = flags.solver.getValue();
  pipeline.device = flags.device.getValue();
  pipeline.deviceProfile = flags.deviceProfile.getValue();
  pipeline.summary = flags.summary.getValue();
  pipeline.timeLimit = flags.timeLimit.getValue();
  pipeline.planStrategy = flags.planStrategy.getValue();
  pipeline.planTimeLimit = flags.planTimeLimit.getValue();

  options.reportPath = flags.report;
  options.timelinePath = flags.timeline;
  options.allowTf32 = flags.tf32;
  options.cudaArch = flags.arch;
  options.nvcc = flags.nvcc;
  options.cxx = flags.cxx;
  options.hostArch = flags.hostArch;
  options.cudaEmulation = flags.cudaEmulation;
  options.printLaunches = flags.printLaunches;
  return llvm::Error::success();
}
