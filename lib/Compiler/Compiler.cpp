//===- Compiler.cpp - gc's compiler as a library --------------------------===//
//
// compileStep: the pipeline of gc/Pipelines/Pipelines.h up to the asked
// stage, then (Library) the step's files, libstep.so and, for CUDA, the
// launch report; the passes' reports arrive through a ReportCollector and
// become one report.json with the memory timeline beside it.
//
//===----------------------------------------------------------------------===//

#include "gc/Compiler/Compiler.h"

#include "LaunchReport.h"
#include "StepLibrary.h"

#include "gc/Dialect/GcDialect.h"
#include "gc/Report/CompileReport.h"
#include "gc/Support/OutputFile.h"
#include "gc/Transforms/ReportSink.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <chrono>

using namespace mlir;
using namespace mlir::gc;

void PhaseTimes::add(std::string phase, double seconds) {
  for (auto &[name, total] : phases)
    if (name == phase) {
      total += seconds;
      return;
    }
  phases.emplace_back(std::move(phase), seconds);
}

double PhaseTimes::total() const {
  double sum = 0;
  for (const auto &entry : phases)
    sum += entry.second;
  return sum;
}

llvm::json::Object PhaseTimes::toJson() const {
  llvm::json::Object object;
  for (const auto &[name, seconds] : phases)
    object[name] = seconds;
  object["total"] = total();
  return object;
}

namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Adds the time of every pass (by argument, summed) to the report's
/// phases, and announces the rematerialization solve, the slow pass.
class PassPhaseTimer : public PassInstrumentation {
public:
  PassPhaseTimer(PhaseTimes &times, const RematOptions &remat,
                 llvm::raw_ostream &progress)
      : times(times), remat(remat), progress(progress) {}

  void runBeforePass(Pass *pass, Operation *) override {
    if (pass->getArgument() == "gc-remat")
      progress << "gc-compile: solving rematerialization (solver "
               << nameOf(kRematSolvers, remat.solver) << ", budget "
               << (remat.budget.empty() ? std::string("device memory")
                                        : remat.budget)
               << ", device " << remat.device << ")\n";
    starts.push_back(Clock::now());
  }
  void runAfterPass(Pass *pass, Operation *) override { record(pass); }
  void runAfterPassFailed(Pass *pass, Operation *) override { record(pass); }

private:
  void record(Pass *pass) {
    double seconds = secondsSince(starts.back());
    starts.pop_back();
    // Adaptor passes (op-agnostic nesting) would count their children twice.
    if (!pass->getArgument().empty())
      times.add(pass->getArgument().str(), seconds);
  }
  PhaseTimes &times;
  const RematOptions &remat;
  llvm::raw_ostream &progress;
  std::vector<Clock::time_point> starts;
};

/// The collected reports of `kind`, parsed, by function.
llvm::Expected<std::map<std::string, llvm::json::Value>>
parseReports(const ReportCollector &collector, StringRef kind) {
  std::map<std::string, llvm::json::Value> parsed;
  for (auto &[function, text] : collector.get(kind)) {
    llvm::Expected<llvm::json::Value> value = llvm::json::parse(text);
    if (!value)
      return makeError("the " + kind + " report of '" + function +
                       "' is not JSON: " + llvm::toString(value.takeError()));
    if (!value->getAsObject())
      return makeError("the " + kind + " report of '" + function +
                       "' is not a JSON object");
    parsed.emplace(function, std::move(*value));
  }
  return parsed;
}

/// Writes the merged report of the module's functions to `reportPath` and,
/// for a module of one function, its memory timeline to `timelinePath`
/// (default: memory.svg next to the report). `extra` goes into the report
/// of a module of one function.
llvm::Error writeCompileReport(const ReportCollector &collector,
                               StringRef reportPath, StringRef timelinePath,
                               llvm::json::Object extra) {
  auto remat = parseReports(collector, "remat");
  if (!remat)
    return remat.takeError();
  auto plan = parseReports(collector, "plan");
  if (!plan)
    return plan.takeError();
  if (remat->empty() || remat->size() != plan->size())
    return makeError("the pipeline produced no remat and memory-plan report "
                     "for every function");

  llvm::json::Value report = nullptr;
  if (remat->size() == 1) {
    const std::string &function = remat->begin()->first;
    llvm::json::Value &rematReport = remat->begin()->second;
    auto planReport = plan->find(function);
    if (planReport == plan->end())
      return makeError("no memory-plan report for '" + function + "'");
    std::string timeline = timelinePath.str();
    if (timeline.empty()) {
      llvm::SmallString<256> path(reportPath);
      llvm::sys::path::remove_filename(path);
      llvm::sys::path::append(path, "memory.svg");
      timeline = std::string(path);
    }
    if (llvm::Error error =
            writeOutputFile(timeline, [&](llvm::raw_ostream &os) {
              return writeMemoryTimelineSvg(*rematReport.getAsObject(),
                                            *planReport->second.getAsObject(),
                                            os);
            }))
      return error;
    extra["memory_timeline_svg"] = timeline;
    report = mergeReports(std::move(rematReport), std::move(planReport->second),
                          std::move(extra));
  } else {
    llvm::json::Object functions;
    for (auto &[function, rematReport] : *remat) {
      auto planReport = plan->find(function);
      if (planReport == plan->end())
        return makeError("no memory-plan report for '" + function + "'");
      functions[function] = mergeReports(std::move(rematReport),
                                         std::move(planReport->second), {});
    }
    report = llvm::json::Object{{"functions", std::move(functions)}};
  }
  return writeOutputFile(reportPath, [&](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", report) << "\n";
    return llvm::Error::success();
  });
}

/// Library: the step's files, libstep.so, the CUDA launch report and the
/// report's code-generation fields.
llvm::Error buildLibrary(ModuleOp module, const CompileOptions &options,
                         StepTarget target, const RematOptions &remat,
                         CompileResult &result, llvm::json::Object &extra) {
  StepLibraryOptions libraryOptions;
  libraryOptions.emit.target = target;
  libraryOptions.emit.allowTf32 = options.allowTf32;
  libraryOptions.directory = options.directory;
  libraryOptions.arch = options.cudaArch;
  libraryOptions.nvcc = options.nvcc;
  libraryOptions.cudaEmulation = options.cudaEmulation;
  libraryOptions.cxx = options.cxx;
  libraryOptions.hostArch = options.hostArch;
  llvm::raw_ostream &progress = *options.progress;
  llvm::Expected<StepLibrary> library =
      writeStepLibrary(module, libraryOptions, result.times, progress);
  if (!library)
    return library.takeError();
  result.libraryPath = library->libraryPath;
  result.sourcePath = library->sourcePath;
  result.emission = library->emission;

  if (target == StepTarget::Cuda && !canRecordLaunches()) {
    progress << "gc-compile: note: no launch report (this gc was built "
                "without the CUDA host emulator)\n";
    extra["launches"] = nullptr;
  } else if (target == StepTarget::Cuda) {
    LaunchReportOptions reportOptions;
    reportOptions.device = remat.device;
    reportOptions.deviceProfilePath = remat.deviceProfile;
    reportOptions.top = options.printLaunches;
    llvm::Expected<llvm::json::Value> launches =
        buildLaunchReport(module, libraryOptions, *library, reportOptions,
                          result.times, progress);
    if (!launches)
      return makeError("the launch report failed: " +
                       llvm::toString(launches.takeError()));
    extra["launches"] = std::move(*launches);
  }

  const StepEmission &emission = library->emission;
  extra["target"] = getStepTargetName(target);
  extra["library"] = library->libraryPath;
  extra["source"] = library->sourcePath;
  extra["arena_bytes"] = result.arenaBytes;
  extra["planned_arena_bytes"] = result.plannedArenaBytes;
  extra["kernels"] = llvm::json::Object{
      {"runtime_calls", emission.runtimeKernels},
      {"fused_launches", emission.fusedKernels},
      {"fused_ops", emission.fusedOps},
      {"distinct_fused_kernels", emission.distinctFusedKernels},
      {"views", emission.views},
      {"result_copies", emission.resultCopies}};
  return llvm::Error::success();
}

/// The summary lines of a Library compile.
void printSummary(const CompileResult &result, StepTarget target,
                  llvm::raw_ostream &os) {
  const StepEmission &emission = result.emission;
  os << llvm::formatv(
      "gc-compile: {0} step: {1} runtime kernel calls, {2} fused kernel "
      "launches ({3} gc ops, {4} distinct kernels); arena {5} bytes "
      "({6:f2} GiB; the planner's arena with the returned values: {7} "
      "bytes)\n",
      getStepTargetName(target), emission.runtimeKernels, emission.fusedKernels,
      emission.fusedOps, emission.distinctFusedKernels, result.arenaBytes,
      result.arenaBytes / 1073741824.0, result.plannedArenaBytes);
  os << "gc-compile: phases:";
  for (const auto &[phase, seconds] : result.times.get())
    os << llvm::formatv(" {0} {1:f2} s;", phase, seconds);
  os << llvm::formatv(" total {0:f2} s\n", result.times.total());
  os << "gc-compile: wrote " << result.libraryPath << ", " << result.sourcePath
     << ", step.h, step.mlir, " << result.reportPath << "\n";
}

int64_t getFunctionInt(ModuleOp module, StringRef name) {
  for (auto function : module.getOps<func::FuncOp>())
    if (auto value = function->getAttrOfType<IntegerAttr>(name))
      return value.getInt();
  return -1;
}
} // namespace

llvm::Expected<CompileResult>
mlir::gc::compileStep(ModuleOp module, const CompileOptions &options) {
  const CompileStepPipelineOptions &pipeline = options.pipeline;
  const bool library = options.stage == CompileStage::Library;
  const bool planned = library || options.stage == CompileStage::Plan;
  const StepTarget target = pipeline.target;
  CompileResult result;
  result.times = options.priorPhases;
  result.reportPath = options.reportPath;
  if (library) {
    // The step library is one function: say so before the pipeline runs.
    int64_t functions = llvm::count_if(
        module.getOps<func::FuncOp>(),
        [](func::FuncOp function) { return !function.isExternal(); });
    if (functions != 1)
      return makeError("a compiled step is one function, but the module "
                       "defines " +
                       llvm::Twine(functions));
    if (options.directory.empty())
      return makeError("a compiled step needs an output directory");
    if (std::error_code error =
            llvm::sys::fs::create_directories(options.directory))
      return makeError("cannot create the output directory '" +
                       options.directory + "': " + error.message());
    if (result.reportPath.empty()) {
      llvm::SmallString<256> path(options.directory);
      llvm::sys::path::append(path, "report.json");
      result.reportPath = std::string(path);
    }
  }

  // The target chooses the cost model's device only for a compiled step.
  RematOptions remat =
      library ? pipeline.rematOptions() : pipeline.rematOptionsFor({});
  PlanMemoryOptions plan = pipeline.planOptions();
  if (options.stage == CompileStage::Remat && remat.report.empty())
    remat.report = options.reportPath;

  PassManager pm(module->getContext(), ModuleOp::getOperationName());
  pm.addInstrumentation(
      std::make_unique<PassPhaseTimer>(result.times, remat, *options.progress));
  if (options.configurePassManager && failed(options.configurePassManager(pm)))
    return makeError("the pass manager options are invalid");
  switch (options.stage) {
  case CompileStage::Train:
    addTrainStepPasses(pm, pipeline.trainStepConfig());
    break;
  case CompileStage::Remat:
    addRematStepPasses(pm, pipeline.trainStepConfig(), remat);
    break;
  case CompileStage::Plan:
    addRematStepPasses(pm, pipeline.trainStepConfig(), remat);
    pm.nest<func::FuncOp>().addPass(createPlanMemory(plan));
    break;
  case CompileStage::Library:
    addCompileStepPasses(pm, pipeline.trainStepConfig(), remat, plan);
    break;
  }

  // The passes hand their reports to the collector; a planned step's
  // report.json is written from it below.
  std::optional<ReportCollector> collector;
  if (planned && !result.reportPath.empty())
    collector.emplace(module);
  if (failed(pm.run(module)))
    return makeError(library ? "the compilation pipeline failed"
                     : options.stage == CompileStage::Train
                         ? "the gc-train-step pipeline failed"
                         : "the gc-remat-step pipeline failed");
  result.arenaBytes =
      getFunctionInt(module, GcDialect::getArenaBytesAttrName());
  result.plannedArenaBytes =
      getFunctionInt(module, GcDialect::getPlannedArenaBytesAttrName());

  llvm::json::Object extra;
  if (library)
    if (llvm::Error error =
            buildLibrary(module, options, target, remat, result, extra))
      return std::move(error);
  if (collector) {
    if (library)
      extra["compile_time_s"] = result.times.toJson();
    if (llvm::Error error =
            writeCompileReport(*collector, result.reportPath,
                               options.timelinePath, std::move(extra)))
      return std::move(error);
  }
  if (library)
    printSummary(result, target, *options.progress);
  return result;
}
