//===- PropertyTest.cpp - Every strategy on seeded random instances -------===//
//
// Properties that must hold on any instance, checked on thousands of seeded
// random ones of every shape (MemPlanTestUtils.h): each strategy's plan
// passes the checker and is no smaller than the lower bound; `best` is no
// worse than any greedy strategy; an improvement phase never returns a plan
// worse than the one it starts from; and on tiny instances the search and
// `best` find the optimum of the exhaustive reference solver, which no
// strategy beats. Time limits are a few milliseconds so that the suite
// stays fast; the properties do not depend on them.
//
//===----------------------------------------------------------------------===//

#include "MemPlanTestUtils.h"

#include <gtest/gtest.h>

using namespace gc::memplan;
using namespace gc::memplan::testing;

namespace {

PlanOptions within(double seconds, uint64_t seed = 1) {
  PlanOptions options;
  options.timeLimitSeconds = seconds;
  options.seed = seed;
  return options;
}

const char *const kGreedy[] = {"greedy-size", "greedy-lifetime",
                               "greedy-breadth"};

/// Checks a plan of `strategy` for instance `what`.
void expectValid(const std::vector<Buffer> &buffers, const Plan &plan,
                 const std::string &what) {
  ASSERT_EQ(checkPlan(buffers, plan), "") << what;
  EXPECT_GE(plan.arenaBytes, lowerBound(buffers)) << what;
}

std::string describe(Shape shape, int seed, const std::string &strategy) {
  return shapeName(shape) + " seed " + std::to_string(seed) + " " + strategy;
}

class MemPlanProperties : public ::testing::TestWithParam<Shape> {};

TEST_P(MemPlanProperties, GreedyPlansAreValid) {
  Shape shape = GetParam();
  for (int seed = 0; seed < 400; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<Buffer> buffers = randomBuffers(shape, 1 + seed % 60, rng);
    for (const char *name : kGreedy)
      expectValid(buffers, createStrategy(name)->plan(buffers, within(1)),
                  describe(shape, seed, name));
  }
}

TEST_P(MemPlanProperties, BestIsNoWorseThanAnyGreedyPlan) {
  Shape shape = GetParam();
  for (int seed = 0; seed < 60; ++seed) {
    std::mt19937_64 rng(1000 + seed);
    std::vector<Buffer> buffers = randomBuffers(shape, 2 + seed, rng);
    Plan best = createStrategy("best")->plan(buffers, within(0.004, seed));
    expectValid(buffers, best, describe(shape, seed, "best"));
    for (const char *name : kGreedy)
      EXPECT_LE(best.arenaBytes,
                createStrategy(name)->plan(buffers, within(1)).arenaBytes)
          << describe(shape, seed, name);
  }
}

TEST_P(MemPlanProperties, ImprovementNeverWorsensItsStart) {
  Shape shape = GetParam();
  for (int seed = 0; seed < 60; ++seed) {
    std::mt19937_64 rng(2000 + seed);
    std::vector<Buffer> buffers = randomBuffers(shape, 2 + seed, rng);
    const char *startName = kGreedy[seed % 3];
    Plan start = createStrategy(startName)->plan(buffers, within(1));
    for (const char *name : {"search", "local-search"}) {
      Plan plan =
          createStrategy(name)->improve(buffers, start, within(0.002, seed));
      std::string what = describe(shape, seed, name) + " from " + startName;
      expectValid(buffers, plan, what);
      EXPECT_LE(plan.arenaBytes, start.arenaBytes) << what;
    }
    // The strategies on their own, from their own start.
    for (const char *name : {"search", "local-search"})
      expectValid(buffers,
                  createStrategy(name)->plan(buffers, within(0.002, seed)),
                  describe(shape, seed, name));
  }
}

TEST_P(MemPlanProperties, TinyInstancesAreSolvedExactly) {
  Shape shape = GetParam();
  for (int seed = 0; seed < 150; ++seed) {
    std::mt19937_64 rng(3000 + seed);
    std::vector<Buffer> buffers = randomBuffers(shape, 1 + seed % 7, rng);
    int64_t optimum = bruteForceOptimum(buffers);
    for (const std::string &name : getStrategyNames()) {
      // Exact strategies get time to finish; they stop at a proof.
      bool exact = name == "search" || name == "best";
      Plan plan = createStrategy(name)->plan(buffers,
                                             within(exact ? 1.0 : 0.001, seed));
      std::string what = describe(shape, seed, name);
      expectValid(buffers, plan, what);
      EXPECT_GE(plan.arenaBytes, optimum) << what;
      if (exact)
        EXPECT_EQ(plan.arenaBytes, optimum) << what;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, MemPlanProperties,
                         ::testing::ValuesIn(allShapes()),
                         [](const ::testing::TestParamInfo<Shape> &info) {
                           std::string name = shapeName(info.param);
                           for (char &c : name)
                             if (c == '-')
                               c = '_';
                           return name;
                         });

} // namespace
