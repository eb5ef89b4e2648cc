//===- remat-bench.cpp - Rematerialization solvers across budgets ---------===//
//
// Measures what gc's rematerialization solvers buy on the BERT training
// step: for each model, the step is built in-process exactly as
// `gc-compile --model bert --emit remat` builds it before gc-remat (the BERT
// forward function, the gc-train-step pipeline with AdamW, gc-schedule) and
// translated once into the IR-free remat problem, priced with the cost model
// of one device. Every solver is then asked for a plan at a sweep of budgets
// evenly spaced from the lowest peak any solver reaches to the peak without
// rematerialization. Each answer is a point (peak memory, estimated
// recompute time as a share of the step) of the memory/time trade-off; the
// CSV holds all of them, and plot-pareto.py draws the fronts.
//
// Two further figures come out of the same problems: the reference scenario
// (BERT-large on an H100 at a 75 GiB budget with `auto`, against Hugging
// Face-style per-layer checkpointing), and how long `auto` takes to solve
// BERT-large and a 48-layer variant, the number that matters for compile
// times.
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/CostModel.h"
#include "gc/Analysis/OpCost.h"
#include "gc/Models/Bert.h"
#include "gc/Pipelines/Pipelines.h"
#include "gc/Remat/Budget.h"
#include "gc/Remat/RematProblem.h"
#include "gc/Remat/Solvers.h"
#include "gc/Transforms/Passes.h"
#include "gc/Transforms/RematIR.h"

#include "gc/Dialect/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace mlir;
namespace cl = llvm::cl;
namespace remat = ::gc::remat;
namespace cost = ::gc::cost;

namespace {

//===----------------------------------------------------------------------===//
// Flags
//===----------------------------------------------------------------------===//

cl::OptionCategory benchCategory("gc-remat-bench options");
cl::list<std::string> modelKeys("models",
                                cl::desc("Models to sweep: large, base"),
                                cl::CommaSeparated, cl::cat(benchCategory));
cl::list<std::string>
    solverNames("solvers",
                cl::desc("Solvers to run (default: all of them; with --quick: "
                         "none, per-layer, greedy, auto)"),
                cl::CommaSeparated, cl::cat(benchCategory));
cl::opt<unsigned> numBudgets("budgets",
                             cl::desc("Budgets per sweep, from the lowest "
                                      "feasible peak to the no-remat peak "
                                      "(default: 13; with --quick: 4)"),
                             cl::init(0), cl::cat(benchCategory));
cl::opt<std::string> deviceName("device",
                                cl::desc("Device profile: h100, h200, a100 or "
                                         "cpu"),
                                cl::init("h100"), cl::cat(benchCategory));
cl::opt<double> timeLimit("time-limit",
                          cl::desc("Time limit of the optimal solver (s)"),
                          cl::init(20), cl::cat(benchCategory));
cl::opt<std::string> outDir("out", cl::desc("Output directory"),
                            cl::init("bench/out/remat"),
                            cl::cat(benchCategory));
cl::opt<unsigned> speedRuns("speed-runs",
                            cl::desc("Solves of auto per speed measurement "
                                     "(default: 5; with --quick: 1; 0 skips "
                                     "the measurement)"),
                            cl::init(~0u), cl::cat(benchCategory));
cl::opt<bool> quick("quick",
                    cl::desc("Smoke run: fewer budgets and solvers, one "
                             "speed solve, no 48-layer model"),
                    cl::init(false), cl::cat(benchCategory));

/// The budget of the reference scenario: what an 80 GB H100 leaves to a
/// training step once the CUDA context and allocator slack are taken.
constexpr int64_t kReferenceBudget = int64_t(75) << 30;
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

/// The settings the flags resolve to.
struct BenchSettings {
  /// --models keys, in the order the sweeps run.
  std::vector<std::string> models;
  std::vector<std::string> solvers;
  /// Budgets per sweep.
  unsigned budgets = 13;
  /// Solves of auto per speed sample; 0 skips the speed measurement.
  unsigned speedRuns = 5;
  /// Whether the speed measurement includes the 48-layer model.
  bool speedDeep = true;
  cost::DeviceProfile device;
  remat::SolveOptions options;
  std::string outDir;
};

/// Reports `message` as the benchmark's error.
void reportError(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "gc-remat-bench") << message << "\n";
}

//===----------------------------------------------------------------------===//
// Models and their problems
//===----------------------------------------------------------------------===//

/// A model of the benchmark: its name in the outputs and its configuration.
struct ModelSpec {
  std::string name;
  mlir::gc::BertConfig config;
};

/// BERT-large (the BertConfig defaults: 24 layers, hidden 1024, 16 heads,
/// intermediate 4096, vocab 30522, batch 64, sequence 512, fp32) with
/// `layers` encoder layers.
ModelSpec bertLarge(int64_t layers = 24) {
  ModelSpec spec{
      layers == 24 ? "bert-large" : "bert-large-" + std::to_string(layers), {}};
  spec.config.numHiddenLayers = layers;
  return spec;
}

/// BERT-base at the same batch shape: 12 layers, hidden 768, 12 heads,
/// intermediate 3072.
ModelSpec bertBase() {
  ModelSpec spec{"bert-base", {}};
  spec.config.numHiddenLayers = 12;
  spec.config.hiddenSize = 768;
  spec.config.numAttentionHeads = 12;
  spec.config.intermediateSize = 3072;
  return spec;
}

/// The model a --models key names, or nullopt.
std::optional<ModelSpec> lookupModel(llvm::StringRef key) {
  if (key == "large")
    return bertLarge();
  if (key == "base")
    return bertBase();
  return std::nullopt;
}

/// A model's remat problem and the figures every comparison is relative to.
struct StepProblem {
  ModelSpec model;
  remat::Problem problem;
  /// The estimated time of the step without recomputation.
  double stepSeconds = 0;
  /// The keep-all plan's peak.
  int64_t noRematPeak = 0;
};

/// Builds the scheduled training step of `model` as gc-compile --emit remat
/// does before gc-remat, and translates it into the remat problem priced
/// on `device`. The MLIR context dies with this function: the solvers only
/// see the IR-free problem.
std::optional<StepProblem> buildStepProblem(const ModelSpec &model,
                                            const cost::DeviceProfile &device) {
  MLIRContext context;
  context.loadDialect<mlir::gc::GcDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  llvm::Expected<func::FuncOp> function =
      mlir::gc::buildBertForward(*module, model.config, "bert_train_step");
  if (!function) {
    reportError(model.name + ": " + llvm::toString(function.takeError()));
    return std::nullopt;
  }

  // The default pipeline options are gc-compile's defaults: AdamW.
  PassManager pm(&context, ModuleOp::getOperationName());
  mlir::gc::buildTrainStepPipeline(pm, mlir::gc::TrainStepPipelineOptions());
  pm.nest<func::FuncOp>().addPass(mlir::gc::createSchedule());
  if (failed(pm.run(*module))) {
    reportError(model.name + ": the training-step pipeline failed");
    return std::nullopt;
  }

  FailureOr<mlir::gc::RematIR> ir =
      mlir::gc::buildRematIR(*function, [&](Operation *op) {
        cost::OpCost estimate = mlir::gc::estimateOpCost(op, device);
        return mlir::gc::OpEstimate{estimate.seconds,
                                    static_cast<double>(estimate.work.flops)};
      });
  if (failed(ir)) {
    reportError(model.name + ": cannot build the remat problem");
    return std::nullopt;
  }

  StepProblem step{model, std::move(ir->problem), 0, 0};
  for (const remat::Op &op : step.problem.ops)
    step.stepSeconds += op.cost;
  step.noRematPeak =
      remat::simulatePlan(step.problem, remat::Plan::keepAll(step.problem))
          .peakBytes;
  return step;
}

//===----------------------------------------------------------------------===//
// Solving
//===----------------------------------------------------------------------===//

/// Runs solver `name` on `problem` at `budget`.
remat::Solution solveWith(const std::string &name,
                          const remat::Problem &problem, int64_t budget,
                          const remat::SolveOptions &options) {
  std::unique_ptr<remat::Solver> solver = remat::createSolver(name);
  return solver->solve(problem, budget, options);
}

/// The lowest peak each solver reaches, asked for the impossible budget of
/// 0 bytes (a solver then returns the lowest-peak plan it finds), and the
/// minimum over them: the smallest budget worth sweeping. per-layer and
/// auto always take part, as in gc-remat's own search for the smallest
/// feasible budget.
struct LowestPeaks {
  std::map<std::string, int64_t> bySolver;
  int64_t minimum = INT64_MAX;
};

LowestPeaks findLowestPeaks(const remat::Problem &problem,
                            const std::vector<std::string> &solvers,
                            const remat::SolveOptions &options) {
  std::vector<std::string> names = solvers;
  for (const char *required : {"per-layer", "auto"})
    if (!llvm::is_contained(names, required))
      names.push_back(required);
  LowestPeaks lowest;
  for (const std::string &name : names) {
    int64_t peak = solveWith(name, problem, 0, options).profile.peakBytes;
    lowest.bySolver[name] = peak;
    lowest.minimum = std::min(lowest.minimum, peak);
  }
  return lowest;
}

/// `count` budgets evenly spaced from `low` to `high`, both included.
std::vector<int64_t> spacedBudgets(int64_t low, int64_t high, unsigned count) {
  std::vector<int64_t> budgets;
  for (unsigned i = 0; i < count; ++i) {
    double t = count == 1 ? 1.0 : double(i) / double(count - 1);
    budgets.push_back(low + static_cast<int64_t>(double(high - low) * t));
  }
  budgets.back() = high;
  return budgets;
}

/// One solver's answer at one budget.
struct SweepPoint {
  int64_t budget = 0;
  std::string solver;
  remat::Solution solution;
};

/// Every solver at every budget, budgets outermost. Progress goes to
/// stderr because the optimal solver can take its whole time limit.
std::vector<SweepPoint> runSweep(const StepProblem &step,
                                 const std::vector<int64_t> &budgets,
                                 const BenchSettings &settings) {
  std::vector<SweepPoint> points;
  for (int64_t budget : budgets) {
    llvm::errs() << "  " << step.model.name << " at "
                 << remat::formatBytes(budget) << ":";
    for (const std::string &name : settings.solvers) {
      llvm::errs() << " " << name;
      llvm::errs().flush();
      points.push_back(
          {budget, name,
           solveWith(name, step.problem, budget, settings.options)});
    }
    llvm::errs() << "\n";
  }
  return points;
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

double overheadOf(const StepProblem &step, const remat::Solution &solution) {
  return step.stepSeconds > 0
             ? solution.profile.recomputeCost / step.stepSeconds
             : 0.0;
}

/// Opens `name` in the output directory for writing, or reports why not.
std::unique_ptr<llvm::raw_fd_ostream> openOutput(const BenchSettings &settings,
                                                 llvm::StringRef name) {
  llvm::SmallString<256> path(settings.outDir);
  llvm::sys::path::append(path, name);
  std::error_code error;
  auto stream = std::make_unique<llvm::raw_fd_ostream>(path, error);
  if (error) {
    reportError("cannot write " + path + ": " + error.message());
    return nullptr;
  }
  return stream;
}

void writeSweepCsvHeader(llvm::raw_ostream &os) {
  os << "model,layers,budget_bytes,solver,feasible,peak_bytes,recompute_s,"
        "step_s,overhead,solve_s,optimality_gap\n";
}

/// One CSV row per point; the gap is empty when the solver proved nothing.
void writeSweepCsv(llvm::raw_ostream &os, const StepProblem &step,
                   const std::vector<SweepPoint> &points) {
  for (const SweepPoint &point : points) {
    const remat::Solution &solution = point.solution;
    os << step.model.name << "," << step.model.config.numHiddenLayers << ","
       << point.budget << "," << point.solver << ","
       << (solution.feasible ? 1 : 0) << "," << solution.profile.peakBytes
       << "," << llvm::format("%.9g", solution.profile.recomputeCost) << ","
       << llvm::format("%.9g", step.stepSeconds) << ","
       << llvm::format("%.9g", overheadOf(step, solution)) << ","
       << llvm::format("%.6g", solution.solveSeconds) << ",";
    if (solution.optimalityGap)
      os << llvm::format("%.6g", *solution.optimalityGap);
    os << "\n";
  }
}

/// The sweep's point of `solver` at `budget`.
const SweepPoint *findPoint(const std::vector<SweepPoint> &points,
                            int64_t budget, llvm::StringRef solver) {
  for (const SweepPoint &point : points)
    if (point.budget == budget && point.solver == solver)
      return &point;
  return nullptr;
}

std::string formatted(const char *format, double value) {
  char text[32];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

/// A table with one row per budget and one column per solver; `cell`
/// renders a point.
void printSweepTable(llvm::raw_ostream &os, llvm::StringRef title,
                     const std::vector<int64_t> &budgets,
                     const std::vector<SweepPoint> &points,
                     const BenchSettings &settings,
                     llvm::function_ref<std::string(const SweepPoint &)> cell) {
  os << title << "\n" << llvm::format("%11s", "budget GiB");
  for (const std::string &name : settings.solvers)
    os << llvm::format("%11s", name.c_str());
  os << "\n";
  for (int64_t budget : budgets) {
    os << llvm::format("%11.2f", double(budget) / kGiB);
    for (const std::string &name : settings.solvers) {
      const SweepPoint *point = findPoint(points, budget, name);
      os << llvm::format("%11s", point ? cell(*point).c_str() : "?");
    }
    os << "\n";
  }
  os << "\n";
}

/// The model's header, then the overhead and solve-time tables.
void printSweep(llvm::raw_ostream &os, const StepProblem &step,
                const LowestPeaks &lowest, const std::vector<int64_t> &budgets,
                const std::vector<SweepPoint> &points,
                const BenchSettings &settings) {
  os << "== " << step.model.name << " (" << step.model.config.numHiddenLayers
     << " layers, " << step.problem.ops.size() << " ops, "
     << step.problem.values.size() << " values) on " << settings.device.name
     << " ==\n"
     << "step without recomputation: "
     << llvm::format("%.2f ms", step.stepSeconds * 1e3)
     << "; no-remat peak: " << remat::formatBytes(step.noRematPeak)
     << "; lowest feasible peak: " << remat::formatBytes(lowest.minimum)
     << "\nlowest peak per solver:";
  for (const auto &[name, peak] : lowest.bySolver)
    os << " " << name << " " << remat::formatBytes(peak) << ";";
  os << "\n\n";
  printSweepTable(
      os, "recompute overhead, % of the step (- = infeasible)", budgets, points,
      settings, [&](const SweepPoint &point) {
        return point.solution.feasible
                   ? formatted("%.2f%%", 100 * overheadOf(step, point.solution))
                   : std::string("-");
      });
  printSweepTable(os, "solve time, s", budgets, points, settings,
                  [](const SweepPoint &point) {
                    return formatted("%.3f", point.solution.solveSeconds);
                  });
}

//===----------------------------------------------------------------------===//
// The reference scenario and the speed of auto
//===----------------------------------------------------------------------===//

/// One plan of the reference scenario in words.
void printPlanLine(llvm::raw_ostream &os, llvm::StringRef label,
                   const StepProblem &step, const remat::Solution &solution) {
  os << llvm::format("  %-10s", label.str().c_str()) << "peak "
     << remat::formatBytes(solution.profile.peakBytes)
     << (solution.feasible ? " (fits)" : " (does not fit)") << ", recompute "
     << llvm::format("%.2f ms", solution.profile.recomputeCost * 1e3) << " = "
     << llvm::format("%.2f%%", 100 * overheadOf(step, solution))
     << " of the step, solved in "
     << llvm::format("%.3f s", solution.solveSeconds) << "\n";
}

/// BERT-large at the reference budget: auto against no recomputation and
/// per-layer checkpointing. Writes the three plans to reference.csv in the
/// sweep's format.
bool runReference(llvm::raw_ostream &os, const StepProblem &large,
                  const BenchSettings &settings) {
  std::vector<SweepPoint> points;
  for (const char *name : {"none", "per-layer", "auto"})
    points.push_back(
        {kReferenceBudget, name,
         solveWith(name, large.problem, kReferenceBudget, settings.options)});
  os << "== reference: " << large.model.name << " on " << settings.device.name
     << ", budget " << remat::formatBytes(kReferenceBudget) << ", auto ==\n"
     << "  step without recomputation: "
     << llvm::format("%.2f ms", large.stepSeconds * 1e3) << "\n";
  printPlanLine(os, "no remat", large, points[0].solution);
  printPlanLine(os, "per-layer", large, points[1].solution);
  printPlanLine(os, "auto", large, points[2].solution);
  os << "\n";

  std::unique_ptr<llvm::raw_fd_ostream> csv =
      openOutput(settings, "reference.csv");
  if (!csv)
    return false;
  writeSweepCsvHeader(*csv);
  writeSweepCsv(*csv, large, points);
  return true;
}

/// The solve times of `runs` solves of auto at one budget.
struct SpeedSample {
  std::string model;
  int64_t layers = 0;
  int64_t budget = 0;
  std::vector<double> seconds;
  remat::Solution last;

  double median() const {
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    size_t n = sorted.size();
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
};

SpeedSample timeAuto(const StepProblem &step, int64_t budget,
                     const BenchSettings &settings) {
  SpeedSample sample{
      step.model.name, step.model.config.numHiddenLayers, budget, {}, {}};
  for (unsigned i = 0; i < settings.speedRuns; ++i) {
    sample.last = solveWith("auto", step.problem, budget, settings.options);
    sample.seconds.push_back(sample.last.solveSeconds);
  }
  return sample;
}

/// Prints the samples and writes speed.csv.
bool reportSpeed(llvm::raw_ostream &os, const std::vector<SpeedSample> &samples,
                 const BenchSettings &settings) {
  std::unique_ptr<llvm::raw_fd_ostream> csv = openOutput(settings, "speed.csv");
  if (!csv)
    return false;
  *csv << "model,layers,budget_bytes,solver,runs,median_solve_s,min_solve_s,"
          "max_solve_s,feasible,peak_bytes\n";
  os << "== speed of auto (median of " << settings.speedRuns << ") ==\n";
  for (const SpeedSample &sample : samples) {
    auto [lo, hi] =
        std::minmax_element(sample.seconds.begin(), sample.seconds.end());
    os << llvm::format("  %-14s", sample.model.c_str()) << "at "
       << remat::formatBytes(sample.budget) << ": median "
       << llvm::format("%.3f s", sample.median())
       << llvm::format(" (min %.3f, max %.3f)", *lo, *hi) << ", plan peak "
       << remat::formatBytes(sample.last.profile.peakBytes)
       << (sample.last.feasible ? "" : " (does not fit)") << "\n";
    *csv << sample.model << "," << sample.layers << "," << sample.budget
         << ",auto," << sample.seconds.size() << ","
         << llvm::format("%.6g", sample.median()) << ","
         << llvm::format("%.6g", *lo) << "," << llvm::format("%.6g", *hi) << ","
         << (sample.last.feasible ? 1 : 0) << ","
         << sample.last.profile.peakBytes << "\n";
  }
  os << "\n";
  return true;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// Resolves the flags, applying --quick's smaller defaults where a flag was
/// not given.
std::optional<BenchSettings> readSettings() {
  BenchSettings settings;
  settings.models.assign(modelKeys.begin(), modelKeys.end());
  if (settings.models.empty())
    settings.models = {"large", "base"};
  for (const std::string &key : settings.models)
    if (!lookupModel(key)) {
      reportError("unknown model '" + key + "'; expected large or base");
      return std::nullopt;
    }

  settings.solvers.assign(solverNames.begin(), solverNames.end());
  if (settings.solvers.empty())
    settings.solvers =
        quick ? std::vector<std::string>{"none", "per-layer", "greedy", "auto"}
              : remat::getSolverNames();
  for (const std::string &name : settings.solvers)
    if (!remat::createSolver(name)) {
      reportError("unknown solver '" + name + "'; expected one of " +
                  llvm::join(remat::getSolverNames(), ", "));
      return std::nullopt;
    }

  settings.budgets = numBudgets ? numBudgets : (quick ? 4 : 13);
  if (settings.budgets < 2) {
    reportError("--budgets must be at least 2 (both ends of the sweep)");
    return std::nullopt;
  }
  settings.speedRuns = speedRuns != ~0u ? speedRuns : (quick ? 1 : 5);
  settings.speedDeep = !quick;
  if (!(timeLimit > 0)) {
    reportError("--time-limit must be positive");
    return std::nullopt;
  }
  settings.options.timeLimitSeconds = timeLimit;

  std::string error;
  std::optional<cost::DeviceProfile> device =
      cost::loadDeviceProfile(deviceName, &error);
  if (!device) {
    reportError(error);
    return std::nullopt;
  }
  settings.device = *device;
  settings.outDir = outDir;
  if (std::error_code ec = llvm::sys::fs::create_directories(outDir)) {
    reportError("cannot create " + outDir + ": " + ec.message());
    return std::nullopt;
  }
  return settings;
}

/// Builds (once) and returns the problem of `model`; problems are reused by
/// the sweep, the reference scenario and the speed measurement.
const StepProblem *getProblem(std::map<std::string, StepProblem> &cache,
                              const ModelSpec &model,
                              const BenchSettings &settings) {
  auto found = cache.find(model.name);
  if (found != cache.end())
    return &found->second;
  llvm::errs() << "building the " << model.name << " training step...\n";
  std::optional<StepProblem> step = buildStepProblem(model, settings.device);
  if (!step)
    return nullptr;
  return &cache.emplace(model.name, std::move(*step)).first->second;
}

/// Sweeps one model and appends its rows to the sweep CSV.
bool sweepModel(llvm::raw_ostream &os, llvm::raw_ostream &csv,
                const StepProblem &step, const BenchSettings &settings) {
  llvm::errs() << "  " << step.model.name << ": lowest peak per solver...\n";
  LowestPeaks lowest =
      findLowestPeaks(step.problem, settings.solvers, settings.options);
  std::vector<int64_t> budgets =
      spacedBudgets(lowest.minimum, step.noRematPeak, settings.budgets);
  std::vector<SweepPoint> points = runSweep(step, budgets, settings);
  writeSweepCsv(csv, step, points);
  printSweep(os, step, lowest, budgets, points, settings);
  return true;
}

int runBenchmark(const BenchSettings &settings) {
  llvm::raw_ostream &os = llvm::outs();
  std::map<std::string, StepProblem> problems;
  std::unique_ptr<llvm::raw_fd_ostream> csv = openOutput(settings, "sweep.csv");
  if (!csv)
    return 1;
  writeSweepCsvHeader(*csv);
  for (const std::string &key : settings.models) {
    const StepProblem *step = getProblem(problems, *lookupModel(key), settings);
    if (!step || !sweepModel(os, *csv, *step, settings))
      return 1;
    os.flush();
  }
  csv->close();

  const StepProblem *large = getProblem(problems, bertLarge(), settings);
  if (!large || !runReference(os, *large, settings))
    return 1;

  if (settings.speedRuns == 0)
    return 0;
  std::vector<SpeedSample> samples = {
      timeAuto(*large, kReferenceBudget, settings)};
  if (settings.speedDeep) {
    const StepProblem *deep = getProblem(problems, bertLarge(48), settings);
    if (!deep)
      return 1;
    samples.push_back(timeAuto(*deep, kReferenceBudget, settings));
  }
  return reportSpeed(os, samples, settings) ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(benchCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "gc-remat-bench: rematerialization solvers on the BERT training step "
      "across memory budgets\n");
  std::optional<BenchSettings> settings = readSettings();
  if (!settings)
    return 1;
  return runBenchmark(*settings);
}
