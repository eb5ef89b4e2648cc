//===- OptimalSolver.cpp - The exact solver -------------------------------===//
//
// `optimal` returns a plan of minimum recompute cost among all plans of the
// RematProblem whose simulated peak fits the budget. "All plans" means the
// space every gc solver searches: one keep/recompute decision per forward
// value, with the schedule fixed and each recomputation placed right
// before the first backward op that needs it (buildSchedule). It is not a
// claim about other schedules, recomputation placements or several
// recomputations of one value, which no gc solver considers.
//
// The search is the branch and bound of BranchAndBound.cpp, seeded with
// everything `auto` finds. When SolveOptions::timeLimitSeconds runs out it
// returns the incumbent with optimalityGap = (cost - best lower bound) /
// cost; a completed search reports a gap of 0. When no plan fits, the plan
// with the lowest peak found is returned, with no gap.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
class OptimalSolver : public Solver {
public:
  std::string getName() const override { return "optimal"; }
  Solution solve(const Problem &problem, int64_t budgetBytes,
                 const SolveOptions &options) const override {
    Clock::time_point start = Clock::now();
    ProblemInfo info(problem);
    PlanEvaluator evaluator(problem);
    Incumbent seen;
    autoSearch(evaluator, info, budgetBytes, seen, false);
    SearchOutcome outcome =
        branchAndBound(evaluator, info, budgetBytes, seen,
                       wallClockCapAfter(start, options.timeLimitSeconds),
                       INT64_MAX, searchWorkFor(options.timeLimitSeconds));
    std::optional<double> gap;
    if (seen.feasible()) {
      double bound = std::min(outcome.lowerBound, seen.bestCost);
      gap = outcome.complete || seen.bestCost <= 0
                ? 0.0
                : std::clamp((seen.bestCost - bound) / seen.bestCost, 0.0, 1.0);
    }
    Solution solution = finishSolution(problem, seen.choice(), budgetBytes,
                                       getName(), start, gap);
    solution.hitWallClockCap = outcome.hitWallClockCap;
    return solution;
  }
};
} // namespace

std::unique_ptr<Solver> detail::createOptimalSolver() {
  return std::make_unique<OptimalSolver>();
}
