//===- LocalSearch.cpp - Local improvement of a feasible plan -------------===//
//
// The last phase of `auto`: a first-improvement local search around the
// best feasible plan, measured by the simulator at every step.
//  1. drop: un-flag every recomputation the plan can do without, most
//     expensive first;
//  2. swap: un-flag a recomputation, most expensive chain first, let a
//     short greedy descent (with that value frozen) restore the budget with
//     other flags, drop again, and keep the result when it is cheaper.
// Neither move can make the plan worse, so the phase only lowers the cost.
// Its work is bounded by a number of simulations.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

#include <algorithm>
#include <numeric>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
/// Simulations one swap's repair may take.
constexpr int kRepairEvaluations = 24;
} // namespace

void detail::improveLocally(PlanEvaluator &evaluator, const ProblemInfo &info,
                            int64_t budget, Incumbent &seen,
                            int maxEvaluations) {
  if (!seen.feasible())
    return;
  int64_t limit = evaluator.evaluations() + maxEvaluations;
  Flags flags = seen.best;
  dropUnneededFlags(evaluator, info, flags, budget, seen, limit);
  // Continue from the dropped plan even at equal cost: it has no inert
  // flags left.
  PlanEvaluator::Result dropped = evaluator.evaluate(flags);
  if (dropped.peakBytes <= budget && dropped.recomputeCost <= seen.bestCost) {
    seen.best = flags;
    seen.bestCost = dropped.recomputeCost;
    seen.bestPeak = dropped.peakBytes;
  }

  flags = seen.best;
  evaluator.evaluate(flags);
  std::vector<int> flagged;
  for (size_t v = 0; v < flags.size(); ++v)
    if (flags[v] && info.isCandidate[v] &&
        evaluator.clonedOps()[info.problem.values[v].producer])
      flagged.push_back(static_cast<int>(v));
  std::vector<double> savings = recomputeChainCosts(info, flags, flagged);
  std::vector<int> order(flagged.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return savings[a] != savings[b] ? savings[a] > savings[b] : a < b;
  });
  std::vector<char> frozen(flags.size(), 0);
  for (int index : order) {
    int v = flagged[index];
    if (evaluator.evaluations() >= limit)
      break;
    flags = seen.best;
    if (!flags[v])
      continue;
    flags[v] = 0;
    frozen[v] = 1;
    Incumbent trial;
    greedyDescent(
        evaluator, info, flags, budget, trial, &frozen,
        std::min(limit, evaluator.evaluations() + kRepairEvaluations));
    frozen[v] = 0;
    if (!trial.feasible())
      continue;
    // The repair may overshoot: drop what it does not need before judging.
    Flags repaired = trial.best;
    seen.offer(repaired, trial.bestPeak, trial.bestCost, budget);
    dropUnneededFlags(evaluator, info, repaired, budget, seen, limit);
  }
}
