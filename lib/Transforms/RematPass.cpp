//===- RematPass.cpp - The gc-remat pass ----------------------------------===//
//
// Translates the function into a rematerialization problem, solves it under
// the budget, materializes the plan, and reports. The algorithms live in the
// IR-free library (lib/Remat); this file is the glue: options,
// errors, the rewrite and the report.
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/OpCost.h"
#include "gc/Remat/Budget.h"
#include "gc/Remat/Solvers.h"
#include "gc/Support/OutputFile.h"
#include "gc/Transforms/Passes.h"
#include "gc/Transforms/RematIR.h"
#include "gc/Transforms/RematReport.h"
#include "gc/Transforms/ReportSink.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>

#define DEBUG_TYPE "gc-remat"

namespace mlir::gc {
#define GEN_PASS_DEF_REMAT
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;
namespace remat = ::gc::remat;
namespace cost = ::gc::cost;

namespace {
struct RematPass : mlir::gc::impl::RematBase<RematPass> {
  using RematBase::RematBase;
  /// Reads the options once per pipeline, before any function: the device
  /// profile (a JSON file is parsed once, not per function), the budget and
  /// the time limit; a bad one fails the pipeline at its start.
  LogicalResult initialize(MLIRContext *context) override;
  void runOnOperation() override;

private:
  std::optional<cost::DeviceProfile> loadedProfile;
  std::optional<remat::BudgetSpec> budgetSpec;
  void reportInfeasible(func::FuncOp function, const RematIR &ir,
                        int64_t budgetBytes, const remat::Solution &solution,
                        const remat::Solution &minimum);
};

} // namespace

LogicalResult RematPass::initialize(MLIRContext *context) {
  Location loc = UnknownLoc::get(context);
  std::string error;
  loadedProfile = deviceProfile.empty()
                      ? cost::loadDeviceProfile(device, &error)
                      : cost::loadDeviceProfileFile(deviceProfile, &error);
  if (!loadedProfile)
    return emitError(loc) << "gc-remat: " << error;
  budgetSpec.reset();
  if (!budget.empty()) {
    budgetSpec = remat::parseBudget(budget, error);
    if (!budgetSpec)
      return emitError(loc) << "gc-remat: " << error;
  }
  if (!(timeLimit > 0))
    return emitError(loc)
           << "gc-remat: expected a positive time-limit, but found "
           << timeLimit.getValue();
  return success();
}

/// The error for a budget the solver does not meet: when auto meets it,
/// say so; otherwise name the smallest feasible budget and what occupies
/// memory at that peak.
void RematPass::reportInfeasible(func::FuncOp function, const RematIR &ir,
                                 int64_t budgetBytes,
                                 const remat::Solution &solution,
                                 const remat::Solution &minimum) {
  const remat::Problem &problem = ir.problem;
  const remat::MemoryProfile &lowest = minimum.profile;
  InFlightDiagnostic diag = function.emitError();
  if (lowest.peakBytes <= budgetBytes) {
    diag << "gc-remat: solver '" << nameOf(kRematSolvers, solver.getValue())
         << "' found no plan within the "
         << "budget of " << remat::formatBytes(budgetBytes)
         << " (its plan peaks at "
         << remat::formatBytes(solution.profile.peakBytes)
         << "), but solver 'auto' reaches "
         << remat::formatBytes(lowest.peakBytes);
    return;
  }
  diag << "gc-remat: the budget of " << remat::formatBytes(budgetBytes) << " ("
       << budgetBytes << " bytes) is below the smallest feasible budget, "
       << remat::formatBytes(lowest.peakBytes) << " (" << lowest.peakBytes
       << " bytes): persistent memory (parameters, inputs, optimizer state) "
          "takes "
       << remat::formatBytes(lowest.persistentBytes);
  std::vector<int> live = lowest.liveAtPeak;
  std::sort(live.begin(), live.end(), [&](int a, int b) {
    return problem.values[a].bytes > problem.values[b].bytes;
  });
  if (!live.empty()) {
    diag << "; the largest tensors live at the peak are";
    for (size_t i = 0; i < std::min<size_t>(live.size(), 3); ++i)
      diag << (i ? ", '" : " '") << problem.values[live[i]].name << "' ("
           << remat::formatBytes(problem.values[live[i]].bytes) << ")";
  }
}

void RematPass::runOnOperation() {
  func::FuncOp function = getOperation();
  if (function.isExternal())
    return;

  // The option's values (PassEnums.h) name the solvers of Solvers.h.
  std::string solverName = nameOf(kRematSolvers, solver.getValue()).str();
  std::unique_ptr<remat::Solver> theSolver = remat::createSolver(solverName);
  if (!theSolver) {
    function.emitError() << "gc-remat: internal error: no solver named '"
                         << solverName << "'";
    return signalPassFailure();
  }
  const cost::DeviceProfile *profile = &*loadedProfile;

  FailureOr<RematIR> ir = buildRematIR(function, [&](Operation *op) {
    cost::OpCost estimate = estimateOpCost(op, *profile);
    return OpEstimate{estimate.seconds,
                      static_cast<double>(estimate.work.flops)};
  });
  if (failed(ir))
    return signalPassFailure();
  const remat::Problem &problem = ir->problem;

  remat::MemoryProfile noRemat =
      remat::simulatePlan(problem, remat::Plan::keepAll(problem));
  int64_t budgetBytes = budgetSpec ? budgetSpec->resolve(noRemat.peakBytes)
                                   : static_cast<int64_t>(profile->memoryBytes);

  remat::SolveOptions options;
  options.timeLimitSeconds = timeLimit;
  remat::Solution solution = theSolver->solve(problem, budgetBytes, options);
  // The smallest feasible budget, one figure for every budget: auto meets
  // every budget at or above it (with the minimum's plan if its own search
  // missed it), and a plan below it (a solver beating the search) lowers it.
  remat::Solution minimum = remat::findMinimumPeak(problem, options);
  if (!solution.feasible && theSolver->getName() == "auto" &&
      minimum.profile.peakBytes <= budgetBytes) {
    double seconds = solution.solveSeconds;
    solution = minimum;
    solution.solveSeconds = seconds;
  }
  if (!solution.feasible) {
    reportInfeasible(function, *ir, budgetBytes, solution, minimum);
    return signalPassFailure();
  }

  // The report describes the plan's activations before the rewrite.
  RematReport result;
  result.function = function.getSymName().str();
  result.device = profile->name;
  result.solver = theSolver->getName();
  result.budgetBytes = budgetBytes;
  result.noRematPeakBytes = noRemat.peakBytes;
  result.solveSeconds = solution.solveSeconds;
  result.optimalityGap = solution.optimalityGap;
  result.wallClockCapHit = solution.hitWallClockCap || minimum.hitWallClockCap;
  if (result.wallClockCapHit)
    function.emitWarning()
        << "gc-remat: the wall-clock safety cap ended a solver's search "
           "before its work budget: this machine is much slower than the "
           "calibration, and the plan may differ from run to run";
  std::vector<bool> recomputable = remat::findRecomputable(problem);
  for (int v : remat::findActivations(problem)) {
    bool recomputed = recomputable[v] && solution.plan.recompute[v];
    numRecomputed += recomputed;
    const remat::Op *producer = problem.values[v].producer >= 0
                                    ? &problem.ops[problem.values[v].producer]
                                    : nullptr;
    result.activations.push_back({problem.values[v].name,
                                  problem.values[v].bytes,
                                  producer ? producer->block : -1, recomputed});
  }
  for (const remat::Op &op : problem.ops)
    result.stepFlops += op.flops;
  result.minFeasibleBytes =
      std::min(minimum.profile.peakBytes, solution.profile.peakBytes);

  remat::Schedule schedule = remat::buildSchedule(problem, solution.plan);
  result.numClones = applySchedule(*ir, schedule);
  numClones += result.numClones;

  // The peak of record is the simulator's measure of the rewritten function.
  FailureOr<RematIR> final = buildRematIR(function, [&](Operation *op) {
    cost::OpCost estimate = estimateOpCost(op, *profile);
    return OpEstimate{estimate.seconds,
                      static_cast<double>(estimate.work.flops)};
  });
  if (failed(final))
    return signalPassFailure();
  remat::MemoryProfile measured =
      remat::simulatePlan(final->problem, remat::Plan::keepAll(final->problem));
  if (measured.peakBytes != solution.profile.peakBytes) {
    function.emitError() << "gc-remat: internal error: the rewritten function "
                            "peaks at "
                         << measured.peakBytes << " bytes, the plan at "
                         << solution.profile.peakBytes;
    return signalPassFailure();
  }
  result.peakBytes = measured.peakBytes;
  result.persistentBytes = measured.persistentBytes;
  // The time estimates of record price the rewritten step as gc generates
  // it: runs of consecutive pointwise ops, clones included, fused into one
  // kernel each. (The solvers compare plans with per-op costs, which do not
  // depend on where a clone lands.)
  FusionRuns runs(function.front());
  result.stepSeconds = 0;
  result.recomputeSeconds = 0;
  for (Operation &op : function.front()) {
    double seconds = estimateFusedOpCost(&op, runs, *profile).seconds;
    if (op.hasAttr(GcDialect::getRecomputeAttrName()))
      result.recomputeSeconds += seconds;
    else
      result.stepSeconds += seconds;
  }
  result.recomputeFlops = solution.profile.recomputeFlops;
  result.solverRecomputeSeconds = solution.profile.recomputeCost;

  if (isReportWanted(report, function->getParentOp())) {
    std::string json;
    llvm::raw_string_ostream jsonOs(json);
    writeRematReportJson(result, jsonOs);
    if (llvm::Error error =
            publishFunctionReport("remat", report, function->getParentOp(),
                                  function.getSymName(), std::move(json))) {
      function.emitError() << "gc-remat: cannot write the report: "
                           << llvm::toString(std::move(error));
      return signalPassFailure();
    }
  }
  if (summary) {
    std::string text;
    llvm::raw_string_ostream os(text);
    writeRematSummary(result, os);
    function.emitRemark() << text;
  }
}
