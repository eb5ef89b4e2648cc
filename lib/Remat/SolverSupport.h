//===- SolverSupport.h - Shared pieces of the remat solvers -----*- C++ -*-===//
//
// What several solvers share: the facts about a problem they all derive
// (which values are worth deciding, where each is used, the blocks), the
// tracking of the best plans seen, the construction of the returned
// Solution, and the entry points of each algorithm so that `auto` and
// `optimal` can run the others as candidate generators.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_REMAT_SOLVERSUPPORT_H
#define GC_LIB_REMAT_SOLVERSUPPORT_H

#include "PlanEvaluator.h"

#include "gc/Remat/Solvers.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <limits>
#include <memory>
#include <optional>

namespace gc::remat::detail {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// `start` plus `seconds`, clamped to [0, a day] so that any limit works.
inline Clock::time_point deadlineAfter(Clock::time_point start,
                                       double seconds) {
  double clamped = seconds > 0 ? std::min(seconds, 86400.0) : 0.0;
  return start + std::chrono::duration_cast<Clock::duration>(
                     std::chrono::duration<double>(clamped));
}

/// Facts about a problem derived once per solve.
struct ProblemInfo {
  explicit ProblemInfo(const Problem &problem);

  const Problem &problem;
  int firstBackward = 0;
  /// findRecomputable(problem).
  std::vector<bool> recomputable;
  /// Roots read by backward ops (findActivations).
  std::vector<char> isActivation;
  /// The values whose flag can change the schedule: recomputable
  /// activations, and the recomputable roots their recomputation may reach
  /// through operands of clonable producers. Ascending ids.
  std::vector<int> candidates;
  std::vector<char> isCandidate;
  /// Whether the producer of a value may be cloned.
  std::vector<char> clonable;
  /// Per root: ops reading it or one of its aliases, ascending.
  std::vector<std::vector<int>> users;
  /// Per root: the last forward op reading it or an alias (its producer
  /// when none) and the first/last backward op doing so (INT_MAX/-1 when
  /// none). The value (or a clone) is live over both ranges in every plan.
  std::vector<int> lastForwardUse, firstBackwardUse, lastBackwardUse;
  /// Root and any alias returned.
  std::vector<char> rootReturned;

  /// Block tags in the order their first forward op appears, and for each
  /// op its index in that list (-1 untagged).
  std::vector<int64_t> blockTags;
  std::vector<int> blockOfOp;
  /// Per value: the block index of its producer (-1 untagged, argument).
  int blockOfValue(int v) const {
    int producer = problem.values[v].producer;
    return producer < 0 ? -1 : blockOfOp[producer];
  }
  /// Whether root `v`, produced in a block, is read outside it or returned.
  bool isBlockOutput(int v) const;
};

/// The cheapest feasible plan and the lowest-peak plan seen so far.
struct Incumbent {
  Flags best;
  double bestCost = std::numeric_limits<double>::infinity();
  int64_t bestPeak = 0;
  Flags lowest;
  int64_t lowestPeak = std::numeric_limits<int64_t>::max();
  double lowestCost = 0;

  bool feasible() const { return !best.empty(); }
  /// Records `flags` measured as `result`; true when it became the best
  /// feasible plan.
  bool offer(const Flags &flags, int64_t peak, double cost, int64_t budget);
  bool offer(const Flags &flags, const PlanEvaluator::Result &result,
             int64_t budget) {
    return offer(flags, result.peakBytes, result.recomputeCost, budget);
  }
  /// The plan to return: the best feasible one, else the lowest peak.
  const Flags &choice() const { return feasible() ? best : lowest; }
};

/// Measures `flags` with simulatePlan and packs the Solution.
Solution finishSolution(const Problem &problem, const Flags &flags,
                        int64_t budget, const std::string &solver,
                        Clock::time_point start,
                        std::optional<double> gap = std::nullopt);

// Plans of the budget-independent baselines.
Flags perLayerFlags(const ProblemInfo &info);
Flags sqrtFlags(const ProblemInfo &info);

/// XLA-style greedy descent from `flags` (see GreedySolver.cpp): flags the
/// best bytes-per-second activations live at the peak until the peak fits
/// (one per step with `oneAtATime`). Values with `frozen` set are never
/// flagged. Offers every plan it measures to `seen`; returns the last plan.
/// Stops once the evaluator has run `evaluationLimit` simulations.
Flags greedyDescent(PlanEvaluator &evaluator, const ProblemInfo &info,
                    Flags flags, int64_t budget, Incumbent &seen,
                    const std::vector<char> *frozen = nullptr,
                    int64_t evaluationLimit = INT64_MAX,
                    bool oneAtATime = false);
/// Un-flags, most expensive recomputation first, every flag the plan can do
/// without while its peak stays within `budget` (until the evaluator has
/// run `evaluationLimit` simulations).
void dropUnneededFlags(PlanEvaluator &evaluator, const ProblemInfo &info,
                       Flags &flags, int64_t budget, Incumbent &seen,
                       int64_t evaluationLimit = INT64_MAX);
/// For each value of `values`, the seconds of the clones its flag causes in
/// plan `flags`: its producer and the flagged operands recomputed for it.
std::vector<double> recomputeChainCosts(const ProblemInfo &info,
                                        const Flags &flags,
                                        const std::vector<int> &values);
/// The greedy solver's plan: descent from keep-all, then clean-up.
Flags greedyPlan(PlanEvaluator &evaluator, const ProblemInfo &info,
                 int64_t budget, Incumbent &seen);

/// Local improvement of the incumbent's best plan: drop unneeded flags,
/// then swap an expensive flag for cheaper ones found by a greedy repair.
/// At most `maxEvaluations` simulations.
void improveLocally(PlanEvaluator &evaluator, const ProblemInfo &info,
                    int64_t budget, Incumbent &seen, int maxEvaluations);

/// Outcome of the branch and bound.
struct SearchOutcome {
  bool complete = false;
  /// Lower bound on the cost of any feasible plan (valid when a feasible
  /// plan exists).
  double lowerBound = 0;
  int64_t nodes = 0;
  /// Whether the wall-clock safety cap, not the node budget, stopped it.
  bool hitWallClockCap = false;
};
/// Work of the branch and bound per nominal second, in PlanEvaluator::work()
/// units (entries and values replayed): time limits given to the solvers
/// are turned into work budgets with it, so that a plan does not depend on
/// the machine's load. Calibrated on this project's 2-core EPYC (Zen 4)
/// build machine, idle: a nominal second of `optimal` on a 4-layer BERT
/// step takes about a wall second.
constexpr double kSearchWorkPerSecond = 1.7e7;
/// The work budget of `seconds` of search.
inline int64_t searchWorkFor(double seconds) {
  double work = std::max(seconds, 0.0) * kSearchWorkPerSecond;
  return work >= 9e18 ? INT64_MAX : static_cast<int64_t>(work) + 1;
}
/// The wall-clock safety cap of a search budgeted for `seconds`: 10x plus
/// 10 seconds, for a machine far slower or busier than the calibration.
/// Hitting it is reported, since only then may a plan differ between runs.
inline Clock::time_point wallClockCapAfter(Clock::time_point start,
                                           double seconds) {
  return deadlineAfter(start, 10 * std::max(seconds, 0.0) + 10);
}
/// Exact branch and bound over the candidates (BranchAndBound.cpp), seeded
/// with and improving `seen`. Stops after `maxNodes` nodes or `maxWork`
/// evaluator work, or at the safety cap `wallCap`.
SearchOutcome branchAndBound(PlanEvaluator &evaluator, const ProblemInfo &info,
                             int64_t budget, Incumbent &seen,
                             Clock::time_point wallCap, int64_t maxNodes,
                             int64_t maxWork);

/// The block-chain dynamic program of `auto` (BlockChain.cpp), run once per
/// entry of `outsideChoices` (flags for the values outside blocks). Offers
/// its plans to `seen`; returns false when the problem has no usable chain
/// of blocks.
bool solveBlockChain(PlanEvaluator &evaluator, const ProblemInfo &info,
                     int64_t budget, const std::vector<Flags> &outsideChoices,
                     Incumbent &seen);

/// The auto solver's search without the final packing (AutoSolver.cpp);
/// `allowSearch` enables its branch and bound on small problems, whose
/// outcome it returns when it ran.
std::optional<SearchOutcome> autoSearch(PlanEvaluator &evaluator,
                                        const ProblemInfo &info, int64_t budget,
                                        Incumbent &seen, bool allowSearch);

std::unique_ptr<Solver> createNoneSolver();
std::unique_ptr<Solver> createPerLayerSolver();
std::unique_ptr<Solver> createSqrtSolver();
std::unique_ptr<Solver> createGreedySolver();
std::unique_ptr<Solver> createOptimalSolver();
std::unique_ptr<Solver> createAutoSolver();

} // namespace gc::remat::detail

#endif // GC_LIB_REMAT_SOLVERSUPPORT_H
