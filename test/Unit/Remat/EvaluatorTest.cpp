//===- EvaluatorTest.cpp - The solvers' evaluator matches the simulator ---===//
//
// The solvers measure plans with PlanEvaluator, a faster transcription of
// buildSchedule + simulate; it must agree with the reference on every
// field the solvers use.
//
//===----------------------------------------------------------------------===//

#include "PlanEvaluator.h"
#include "RematTestProblems.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace gc::remat;
using namespace gc::remat::detail;
using namespace gc::remat::testing;

namespace {
void expectSameMeasure(const Problem &problem, PlanEvaluator &evaluator,
                       const Plan &plan) {
  MemoryProfile reference = simulatePlan(problem, plan);
  PlanEvaluator::Request request;
  request.liveAtPeak = true;
  PlanEvaluator::Result result =
      evaluator.evaluate(toFlags(plan, problem.values.size()), request);
  EXPECT_EQ(result.peakBytes, reference.peakBytes);
  EXPECT_EQ(result.peakEntry, reference.peakEntry);
  // Same clones in the same order: the sums are bit-identical.
  EXPECT_EQ(result.recomputeCost, reference.recomputeCost);
  std::vector<int> live = evaluator.liveAtPeak();
  std::vector<int> expected = reference.liveAtPeak;
  std::sort(live.begin(), live.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(live, expected);
}
} // namespace

TEST(RematEvaluator, MatchesSimulatorOnRandomPlans) {
  for (uint32_t seed = 0; seed < 60; ++seed) {
    RandomProblemOptions options;
    options.forwardOps = 6 + seed % 20;
    options.blocks = seed % 3;
    Problem problem = randomProblem(seed, options);
    ASSERT_EQ(problem.validate(), "");
    PlanEvaluator evaluator(problem);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 10; ++trial) {
      Plan plan = Plan::keepAll(problem);
      for (size_t v = 0; v < plan.recompute.size(); ++v)
        plan.recompute[v] = rng() % 2;
      expectSameMeasure(problem, evaluator, plan);
    }
  }
}

TEST(RematEvaluator, MatchesSimulatorOnBertLikeStep) {
  BertLikeOptions options;
  options.layers = 2;
  Problem problem = bertLikeProblem(options);
  ASSERT_EQ(problem.validate(), "");
  PlanEvaluator evaluator(problem);
  std::vector<bool> recomputable = findRecomputable(problem);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    Plan plan = Plan::keepAll(problem);
    for (size_t v = 0; v < plan.recompute.size(); ++v)
      plan.recompute[v] = recomputable[v] && rng() % 3 == 0;
    expectSameMeasure(problem, evaluator, plan);
  }
}
