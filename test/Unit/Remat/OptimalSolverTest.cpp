//===- OptimalSolverTest.cpp - The exact solver against brute force -------===//
//
// On random steps with at most 12 recomputable values, `optimal` must find
// the cost of the best of all 2^k plans at every budget (and report
// infeasibility when no plan fits); with a tiny time limit on a large step
// it must return a feasible plan and a proven gap.
//
//===----------------------------------------------------------------------===//

#include "RematTestProblems.h"

#include "gc/Remat/Solvers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

using namespace gc::remat;
using namespace gc::remat::testing;

namespace {
struct Measured {
  int64_t peak;
  double cost;
};

/// Every plan over the recomputable values, measured.
std::vector<Measured> allPlans(const Problem &problem) {
  std::vector<bool> recomputable = findRecomputable(problem);
  std::vector<int> values;
  for (size_t v = 0; v < recomputable.size(); ++v)
    if (recomputable[v])
      values.push_back(static_cast<int>(v));
  std::vector<Measured> plans;
  for (uint32_t mask = 0; mask < (1u << values.size()); ++mask) {
    Plan plan = Plan::keepAll(problem);
    for (size_t k = 0; k < values.size(); ++k)
      plan.recompute[values[k]] = mask >> k & 1;
    MemoryProfile profile = simulatePlan(problem, plan);
    plans.push_back({profile.peakBytes, profile.recomputeCost});
  }
  return plans;
}

double bestCost(const std::vector<Measured> &plans, int64_t budget) {
  double best = std::numeric_limits<double>::infinity();
  for (const Measured &plan : plans)
    if (plan.peak <= budget)
      best = std::min(best, plan.cost);
  return best;
}

/// Budgets from below the lowest achievable peak to the keep-all peak.
std::vector<int64_t> budgetsOf(const std::vector<Measured> &plans) {
  int64_t lowest = plans.front().peak, highest = plans.front().peak;
  for (const Measured &plan : plans)
    lowest = std::min(lowest, plan.peak);
  std::vector<int64_t> budgets = {lowest - 1, lowest, highest};
  for (int k = 1; k < 4; ++k)
    budgets.push_back(lowest + (highest - lowest) * k / 4);
  return budgets;
}
} // namespace

TEST(RematOptimal, MatchesBruteForce) {
  int checked = 0;
  for (uint32_t seed = 100; checked < 36; ++seed) {
    RandomProblemOptions options;
    options.forwardOps = 5 + seed % 5;
    options.blocks = seed % 2 ? 2 : 0;
    Problem problem = randomProblem(seed, options);
    std::vector<bool> recomputable = findRecomputable(problem);
    if (std::count(recomputable.begin(), recomputable.end(), true) > 12)
      continue;
    ++checked;
    std::vector<Measured> plans = allPlans(problem);
    std::unique_ptr<Solver> optimal = createSolver("optimal");
    for (int64_t budget : budgetsOf(plans)) {
      double expected = bestCost(plans, budget);
      Solution solution = optimal->solve(problem, budget, SolveOptions());
      SCOPED_TRACE("seed " + std::to_string(seed) + " budget " +
                   std::to_string(budget));
      EXPECT_EQ(solution.feasible,
                expected != std::numeric_limits<double>::infinity());
      EXPECT_EQ(solution.profile.peakBytes,
                simulatePlan(problem, solution.plan).peakBytes);
      if (!solution.feasible)
        continue;
      EXPECT_NEAR(solution.profile.recomputeCost, expected, 1e-9);
      ASSERT_TRUE(solution.optimalityGap.has_value());
      EXPECT_EQ(*solution.optimalityGap, 0.0);
    }
  }
}

TEST(RematOptimal, TimeLimitReturnsIncumbentAndGap) {
  BertLikeOptions options;
  options.layers = 6;
  Problem problem = bertLikeProblem(options);
  int64_t natural = simulatePlan(problem, Plan::keepAll(problem)).peakBytes;
  int64_t perLayer = createSolver("per-layer")
                         ->solve(problem, 0, SolveOptions())
                         .profile.peakBytes;
  int64_t budget = perLayer + (natural - perLayer) / 3;
  SolveOptions limited;
  limited.timeLimitSeconds = 1e-3;
  Solution solution = createSolver("optimal")->solve(problem, budget, limited);
  EXPECT_TRUE(solution.feasible);
  EXPECT_LE(solution.profile.peakBytes, budget);
  ASSERT_TRUE(solution.optimalityGap.has_value());
  EXPECT_GT(*solution.optimalityGap, 0.0);
  EXPECT_LE(*solution.optimalityGap, 1.0);
  EXPECT_EQ(solution.profile.peakBytes,
            simulatePlan(problem, solution.plan).peakBytes);
}
