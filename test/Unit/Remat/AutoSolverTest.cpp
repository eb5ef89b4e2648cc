//===- AutoSolverTest.cpp - The default solver against the others --------===//
//
// `auto` must stay within 1% of `optimal` wherever the exact search
// finishes, never cost more than a baseline that fits, reach a lower peak
// than per-layer checkpointing, and return plans whose profile is the
// simulator's.
//
//===----------------------------------------------------------------------===//

#include "RematTestProblems.h"

#include "gc/Remat/Solvers.h"

#include <gtest/gtest.h>

using namespace gc::remat;
using namespace gc::remat::testing;

namespace {
Solution solve(const std::string &solver, const Problem &problem,
               int64_t budget, double timeLimit = 10) {
  SolveOptions options;
  options.timeLimitSeconds = timeLimit;
  return createSolver(solver)->solve(problem, budget, options);
}

void expectConsistent(const Problem &problem, const Solution &solution,
                      int64_t budget) {
  MemoryProfile profile = simulatePlan(problem, solution.plan);
  EXPECT_EQ(solution.profile.peakBytes, profile.peakBytes);
  EXPECT_EQ(solution.profile.recomputeCost, profile.recomputeCost);
  EXPECT_EQ(solution.profile.peakEntry, profile.peakEntry);
  EXPECT_EQ(solution.profile.liveAtPeak, profile.liveAtPeak);
  EXPECT_EQ(solution.feasible, profile.peakBytes <= budget);
}

/// `count` budgets from the lowest peak auto reaches to the keep-all peak.
std::vector<int64_t> sweep(const Problem &problem, int count) {
  int64_t natural = simulatePlan(problem, Plan::keepAll(problem)).peakBytes;
  int64_t lowest = solve("auto", problem, 0).profile.peakBytes;
  std::vector<int64_t> budgets;
  for (int k = 0; k < count; ++k)
    budgets.push_back(lowest + (natural - lowest) * k / (count - 1));
  return budgets;
}

/// Compares auto with optimal at each budget of the sweep where the exact
/// search completes; returns how many comparisons were made.
int expectNearOptimal(const Problem &problem, int count) {
  int compared = 0;
  for (int64_t budget : sweep(problem, count)) {
    SCOPED_TRACE("budget " + std::to_string(budget));
    Solution exact = solve("optimal", problem, budget, 5);
    Solution heuristic = solve("auto", problem, budget);
    expectConsistent(problem, heuristic, budget);
    EXPECT_EQ(heuristic.feasible, exact.feasible);
    if (!exact.feasible || !exact.optimalityGap || *exact.optimalityGap != 0)
      continue;
    ++compared;
    EXPECT_LE(heuristic.profile.recomputeCost,
              exact.profile.recomputeCost * 1.01 + 1e-12);
  }
  return compared;
}
} // namespace

TEST(RematAuto, NearOptimalOnRandomSteps) {
  int compared = 0;
  for (uint32_t seed = 0; seed < 24; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomProblemOptions options;
    options.forwardOps = 8 + seed % 8;
    options.blocks = seed % 3 == 0 ? 0 : 2 + seed % 2;
    compared += expectNearOptimal(randomProblem(seed, options), 5);
  }
  EXPECT_GT(compared, 60);
}

TEST(RematAuto, NearOptimalOnSmallBertLikeChains) {
  for (int layers = 2; layers <= 4; ++layers) {
    SCOPED_TRACE("layers " + std::to_string(layers));
    BertLikeOptions options;
    options.layers = layers;
    options.compact = true;
    options.optimizer = false;
    EXPECT_GT(expectNearOptimal(bertLikeProblem(options), layers < 4 ? 6 : 4),
              0);
  }
}

TEST(RematAuto, NeverWorseThanFeasibleBaselines) {
  // Chains long enough that auto relies on its heuristics alone.
  for (bool compact : {false, true}) {
    BertLikeOptions options;
    options.layers = compact ? 16 : 6;
    options.compact = compact;
    Problem problem = bertLikeProblem(options);
    for (int64_t budget : sweep(problem, 13)) {
      SCOPED_TRACE("budget " + std::to_string(budget));
      Solution best = solve("auto", problem, budget);
      expectConsistent(problem, best, budget);
      EXPECT_TRUE(best.feasible);
      for (const char *baseline : {"none", "per-layer", "sqrt", "greedy"}) {
        Solution other = solve(baseline, problem, budget);
        expectConsistent(problem, other, budget);
        if (other.feasible)
          EXPECT_LE(best.profile.recomputeCost, other.profile.recomputeCost)
              << baseline;
      }
    }
  }
}

TEST(RematAuto, LowerPeakThanPerLayer) {
  for (int layers : {4, 12}) {
    BertLikeOptions options;
    options.layers = layers;
    Problem problem = bertLikeProblem(options);
    int64_t perLayer = solve("per-layer", problem, 0).profile.peakBytes;
    Solution solution = solve("auto", problem, perLayer - 1);
    EXPECT_TRUE(solution.feasible) << layers << " layers";
    expectConsistent(problem, solution, perLayer - 1);
  }
}

TEST(RematAuto, UntaggedStepsFallBackToGeneralSearch) {
  BertLikeOptions options;
  options.layers = 6;
  options.tagged = false;
  Problem problem = bertLikeProblem(options);
  for (int64_t budget : sweep(problem, 6)) {
    Solution best = solve("auto", problem, budget);
    expectConsistent(problem, best, budget);
    Solution greedy = solve("greedy", problem, budget);
    if (greedy.feasible)
      EXPECT_LE(best.profile.recomputeCost, greedy.profile.recomputeCost);
  }
}
