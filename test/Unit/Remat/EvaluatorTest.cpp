//===- EvaluatorTest.cpp - One evaluator reused across plans --------------===//
//
// PlanEvaluator is the simulator (simulatePlan and buildSchedule build a
// fresh one per call); the solvers reuse one evaluator for thousands of
// plans, keeping the forward prefix of the schedule and resetting the rest.
// Reused, it must measure every plan exactly as a fresh one does, and the
// schedules it builds must be executable: every operand defined before its
// use, and no backward op reading a value the plan recomputes unless it is
// the clone.
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

TEST(RematEvaluator, ReusedMatchesFreshOnRandomPlans) {
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

TEST(RematEvaluator, ReusedMatchesFreshOnBertLikeStep) {
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

TEST(RematEvaluator, SchedulesAreExecutable) {
  for (uint32_t seed = 0; seed < 40; ++seed) {
    RandomProblemOptions options;
    options.forwardOps = 6 + seed % 20;
    options.blocks = seed % 3;
    Problem problem = randomProblem(seed, options);
    std::vector<bool> recomputable = findRecomputable(problem);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 5; ++trial) {
      Plan plan = Plan::keepAll(problem);
      for (size_t v = 0; v < plan.recompute.size(); ++v)
        plan.recompute[v] = rng() % 2;
      Schedule schedule = buildSchedule(problem, plan);
      std::vector<char> defined(schedule.valueOrigin.size(), 0);
      for (size_t v = 0; v < problem.values.size(); ++v)
        defined[v] = problem.values[v].producer < 0;
      size_t originals = 0;
      for (const Schedule::Entry &entry : schedule.entries) {
        originals += !entry.clone;
        const Op &op = problem.ops[entry.op];
        for (int operand : entry.operands) {
          EXPECT_TRUE(defined[operand])
              << "seed " << seed << ": value " << operand << " used undefined";
          int origin = schedule.valueOrigin[operand];
          // RematProblem.h's rule: the root is flagged and recomputable,
          // and the value's own producer is a recomputable forward op.
          int producer = problem.values[origin].producer;
          bool recomputed =
              static_cast<size_t>(operand) < problem.values.size() &&
              plan.recompute[problem.root(origin)] &&
              recomputable[problem.root(origin)] && producer >= 0 &&
              problem.ops[producer].forward &&
              problem.ops[producer].recomputable;
          EXPECT_FALSE(!entry.clone && !op.forward && recomputed)
              << "seed " << seed << ": backward op " << entry.op
              << " reads the released original of value " << origin;
        }
        for (int result : entry.results)
          defined[result] = 1;
      }
      EXPECT_EQ(originals, problem.ops.size());
    }
  }
}
