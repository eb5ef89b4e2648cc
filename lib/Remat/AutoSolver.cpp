//===- AutoSolver.cpp - The default solver: every method, best plan -------===//
//
// `auto` is the solver gc uses unless told otherwise. It must scale to a
// BERT-large step (thousands of ops, hundreds of activations) in well under
// a second, never lose to a baseline, and match the exact solver on small
// problems. It therefore runs, on one shared evaluator:
//  - the baselines (keep-all, per-layer, sqrt) and the greedy solver, whose
//    plans are candidates like any other, so `auto` is never worse than the
//    best of them that fits;
//  - for chains of repeated blocks, the per-block Pareto fronts combined by
//    dynamic programming (BlockChain.cpp, after Rotor and Rockmate), with
//    simulator-checked bisection of the model budget and greedy repair;
//  - a local search (drop unneeded flags, swap expensive ones) on the best
//    plan found;
//  - on small problems, the exact branch and bound of `optimal`, seeded
//    with all of the above and limited in nodes and time.
// Without blocks, the general-DAG part (greedy, local search, branch and
// bound) does the work. The returned plan is the cheapest one that fits,
// or the one with the lowest peak when none does.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
/// Problems up to this many candidates (a BERT of four layers) get the
/// exact search, within these limits (the work is about half a second).
constexpr size_t kSearchCandidates = 200;
constexpr int64_t kSearchNodes = 500000;
constexpr double kSearchSeconds = 0.5;
/// The local search may spend simulations of this many ops in total
/// (a few hundredths of a second), and at least kMinLocalSearchEvaluations.
constexpr int64_t kLocalSearchWork = 1000000;
constexpr int64_t kMinLocalSearchEvaluations = 200;
constexpr int64_t kMaxLocalSearchEvaluations = 5000;
} // namespace

std::optional<SearchOutcome> detail::autoSearch(PlanEvaluator &evaluator,
                                                const ProblemInfo &info,
                                                int64_t budget, Incumbent &seen,
                                                bool allowSearch) {
  Flags keepAll(info.problem.values.size(), 0);
  PlanEvaluator::Result natural = evaluator.evaluate(keepAll);
  seen.offer(keepAll, natural, budget);
  if (natural.peakBytes <= budget)
    return std::nullopt;
  for (const Flags &flags : {perLayerFlags(info), sqrtFlags(info)})
    seen.offer(flags, evaluator.evaluate(flags), budget);
  Flags greedy = greedyPlan(evaluator, info, budget, seen);
  solveBlockChain(evaluator, info, budget, {keepAll, greedy}, seen);
  int64_t evaluations = std::clamp<int64_t>(
      kLocalSearchWork / std::max<size_t>(info.problem.ops.size(), 1),
      kMinLocalSearchEvaluations, kMaxLocalSearchEvaluations);
  improveLocally(evaluator, info, budget, seen, static_cast<int>(evaluations));
  // Out of reach (the greedy plan already descended one value at a time):
  // make the lowest peak found cheaper without raising it.
  if (!seen.feasible()) {
    Flags lowest = seen.lowest;
    dropUnneededFlags(evaluator, info, lowest, seen.lowestPeak, seen);
  }
  if (!allowSearch || info.candidates.size() > kSearchCandidates)
    return std::nullopt;
  return branchAndBound(evaluator, info, budget, seen,
                        wallClockCapAfter(Clock::now(), kSearchSeconds),
                        kSearchNodes, searchWorkFor(kSearchSeconds));
}

namespace {
class AutoSolver : public Solver {
public:
  std::string getName() const override { return "auto"; }
  Solution solve(const Problem &problem, int64_t budgetBytes,
                 const SolveOptions &options) const override {
    Clock::time_point start = Clock::now();
    ProblemInfo info(problem);
    PlanEvaluator evaluator(problem);
    Incumbent seen;
    std::optional<SearchOutcome> outcome =
        autoSearch(evaluator, info, budgetBytes, seen, options.exactSearch);
    // What the exact search proved, when it ran.
    std::optional<double> gap;
    if (seen.feasible() && seen.bestCost <= 0)
      gap = 0.0;
    else if (seen.feasible() && outcome)
      gap = outcome->complete
                ? 0.0
                : std::clamp((seen.bestCost - outcome->lowerBound) /
                                 seen.bestCost,
                             0.0, 1.0);
    Solution solution = finishSolution(problem, seen.choice(), budgetBytes,
                                       getName(), start, gap);
    solution.hitWallClockCap = outcome && outcome->hitWallClockCap;
    return solution;
  }
};
} // namespace

std::unique_ptr<Solver> detail::createAutoSolver() {
  return std::make_unique<AutoSolver>();
}
