//===- SimulatorTest.cpp - Schedules and peaks of hand-built steps --------===//
//
// Small steps whose peaks were worked out by hand from the rules of
// RematProblem.h: keep-all, one recomputation, a chain of two, aliases
// (forward and backward reshapes), a multi-result op, a returned value and
// a dead value; and where buildSchedule places the clones.
//
//===----------------------------------------------------------------------===//

#include "RematTestProblems.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::testing;

namespace {
Plan planFlagging(const Problem &problem, std::vector<int> values) {
  Plan plan = Plan::keepAll(problem);
  for (int v : values)
    plan.recompute[v] = true;
  return plan;
}

std::vector<int> sorted(std::vector<int> values) {
  std::sort(values.begin(), values.end());
  return values;
}

/// x(10) -> a(100) -> b(20) -> loss(1); backward g(5) reads loss and b,
/// h(7) reads g and a.
Problem chainStep() {
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int a = b.op("A", {x}, {100}, 1.0, true);
  int bv = b.op("B", {a}, {20}, 2.0, true);
  int loss = b.op("L", {bv}, {1}, 0.5, true);
  int g = b.op("G", {loss, bv}, {5}, 1.0, false);
  b.markReturned(b.op("H", {g, a}, {7}, 1.0, false));
  return b.problem;
}
} // namespace

TEST(RematSimulator, KeepAll) {
  Problem problem = chainStep();
  ASSERT_EQ(problem.validate(), "");
  MemoryProfile profile = simulatePlan(problem, Plan::keepAll(problem));
  // 10 + a + b + loss + g before op G releases loss and b.
  EXPECT_EQ(profile.peakBytes, 136);
  EXPECT_EQ(profile.persistentBytes, 10);
  EXPECT_EQ(profile.peakEntry, 3);
  EXPECT_EQ(profile.recomputeCost, 0);
  ProblemBuilder names{problem};
  EXPECT_EQ(sorted(profile.liveAtPeak),
            sorted({names.find("A"), names.find("B"), names.find("L"),
                    names.find("G")}));
}

TEST(RematSimulator, OneRecomputation) {
  Problem problem = chainStep();
  ProblemBuilder names{problem};
  MemoryProfile profile =
      simulatePlan(problem, planFlagging(problem, {names.find("A")}));
  // a leaves after B; its clone (100) returns before H: the peak is now
  // the forward 10 + a + b.
  EXPECT_EQ(profile.peakBytes, 130);
  EXPECT_EQ(profile.peakEntry, 1);
  EXPECT_DOUBLE_EQ(profile.recomputeCost, 1.0);
}

TEST(RematSimulator, ChainOfTwo) {
  Problem problem = chainStep();
  ProblemBuilder names{problem};
  Plan plan = planFlagging(problem, {names.find("A"), names.find("B")});
  MemoryProfile profile = simulatePlan(problem, plan);
  // Before G: clones a' (100) and b' (20) on top of 10 + loss; a' stays for
  // H. At G: 10 + 1 + 100 + 20 + 5.
  EXPECT_EQ(profile.peakBytes, 136);
  EXPECT_DOUBLE_EQ(profile.recomputeCost, 3.0);

  // The clones come right before G, the first backward op needing b.
  Schedule schedule = buildSchedule(problem, plan);
  ASSERT_EQ(schedule.entries.size(), 7u);
  std::vector<int> ops, clones;
  for (const Schedule::Entry &entry : schedule.entries) {
    ops.push_back(entry.op);
    clones.push_back(entry.clone);
  }
  EXPECT_EQ(ops, (std::vector<int>{0, 1, 2, 0, 1, 3, 4}));
  EXPECT_EQ(clones, (std::vector<int>{0, 0, 0, 1, 1, 0, 0}));
  int aClone = schedule.entries[3].results[0];
  int bClone = schedule.entries[4].results[0];
  EXPECT_EQ(schedule.valueOrigin[aClone], names.find("A"));
  EXPECT_EQ(schedule.valueOrigin[bClone], names.find("B"));
  EXPECT_EQ(schedule.entries[4].operands, std::vector<int>{aClone});
  // G reads b's clone, H reuses a's clone.
  EXPECT_EQ(schedule.entries[5].operands[1], bClone);
  EXPECT_EQ(schedule.entries[6].operands[1], aClone);
}

TEST(RematSimulator, ForwardAlias) {
  // a(100) is reshaped to r; c(30) = C(r); backward reads c then r.
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int a = b.op("A", {x}, {100}, 1.0, true);
  int r = b.reshape("R", a, true);
  int c = b.op("C", {r}, {30}, 1.0, true);
  int loss = b.op("L", {c}, {1}, 1.0, true);
  int dc = b.op("DC", {loss, c}, {5}, 1.0, false);
  b.markReturned(b.op("G", {dc, r}, {5}, 1.0, false));
  ASSERT_EQ(b.problem.validate(), "");
  // r keeps a's buffer to the end: 10 + 100 + 30 + 1 + 5 at DC.
  EXPECT_EQ(simulatePlan(b.problem, Plan::keepAll(b.problem)).peakBytes, 146);
  // Recomputing a also recomputes the reshape: the buffer leaves after C.
  MemoryProfile profile = simulatePlan(b.problem, planFlagging(b.problem, {a}));
  EXPECT_EQ(profile.peakBytes, 140);
  EXPECT_EQ(profile.peakEntry, 2);
  EXPECT_DOUBLE_EQ(profile.recomputeCost, 1.0 + 1e-6);
}

TEST(RematSimulator, BackwardAliasOfRecomputedValue) {
  // A backward reshape of a recomputed value shares the clone's buffer,
  // which must stay allocated while the reshape is used.
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int a = b.op("A", {x}, {100}, 1.0, true);
  int loss = b.op("L", {a}, {1}, 1.0, true);
  int r = b.reshape("R", a, false);
  b.markReturned(b.op("G", {loss, r}, {5}, 1.0, false));
  ASSERT_EQ(b.problem.validate(), "");
  MemoryProfile profile = simulatePlan(b.problem, planFlagging(b.problem, {a}));
  // At G: 10 + loss + a' (through r) + g.
  EXPECT_EQ(profile.peakBytes, 116);
  EXPECT_EQ(profile.liveAtPeak.size(), 3u);
}

TEST(RematSimulator, MultiResultOp) {
  // M yields m(100) and s(10); the loss reads m, the backward reads s.
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int m = b.op("M", {x}, {100, 10}, 3.0, true);
  int s = m + 1;
  int loss = b.op("L", {m}, {1}, 1.0, true);
  b.markReturned(b.op("G", {loss, s}, {5}, 1.0, false));
  ASSERT_EQ(b.problem.validate(), "");
  EXPECT_EQ(simulatePlan(b.problem, Plan::keepAll(b.problem)).peakBytes, 121);
  // Recomputing s clones M: both results are allocated again, m' is
  // released at once. Peak at the clone: 10 + loss + m' + s'.
  MemoryProfile profile = simulatePlan(b.problem, planFlagging(b.problem, {s}));
  EXPECT_EQ(profile.peakBytes, 121);
  EXPECT_DOUBLE_EQ(profile.recomputeCost, 3.0);
  Schedule schedule = buildSchedule(b.problem, planFlagging(b.problem, {s}));
  EXPECT_TRUE(schedule.entries[2].clone);
  EXPECT_EQ(schedule.entries[2].results.size(), 2u);
  EXPECT_EQ(profile.peakEntry, 2);
}

TEST(RematSimulator, ReturnedValueIsNeverReleased) {
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int a = b.op("A", {x}, {100}, 1.0, true);
  b.markReturned(a);
  int loss = b.op("L", {a}, {1}, 1.0, true);
  b.markReturned(b.op("G", {loss, a}, {5}, 1.0, false));
  EXPECT_EQ(simulatePlan(b.problem, Plan::keepAll(b.problem)).peakBytes, 116);
  // Recomputing a returned value only adds its clone.
  EXPECT_EQ(simulatePlan(b.problem, planFlagging(b.problem, {a})).peakBytes,
            216);
}

TEST(RematSimulator, DeadValueIsReleasedAtOnce) {
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int a = b.op("A", {x}, {100}, 1.0, true);
  b.op("D", {a}, {50}, 1.0, true);
  int loss = b.op("L", {a}, {1}, 1.0, true);
  b.markReturned(b.op("G", {loss}, {5}, 1.0, false));
  MemoryProfile profile = simulatePlan(b.problem, Plan::keepAll(b.problem));
  EXPECT_EQ(profile.peakBytes, 160);
  EXPECT_EQ(profile.peakEntry, 1);
  // Only the loss is read backward.
  EXPECT_EQ(findActivations(b.problem), std::vector<int>{loss});
}

/// x(10) -> a = A(x) (100) -> b = B(a) (100, may write into a) -> c = C(b)
/// (100, may write into b) -> loss; backward G reads loss only.
Problem inPlaceChain(bool returnA) {
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int a = b.op("A", {x}, {100}, 1.0, true);
  // A may not write into the argument x: arguments are never released.
  b.problem.ops.back().inPlaceOperands = {0};
  int bv = b.op("B", {a}, {100}, 1.0, true);
  b.problem.ops.back().inPlaceOperands = {0};
  int c = b.op("C", {bv}, {100}, 1.0, true);
  b.problem.ops.back().inPlaceOperands = {0};
  int loss = b.op("L", {c}, {1}, 1.0, true);
  if (returnA)
    b.markReturned(a);
  b.markReturned(b.op("G", {loss}, {5}, 1.0, false));
  return b.problem;
}

TEST(RematSimulator, InPlaceChainReusesOneBuffer) {
  // Each op writes into its dying operand: x + one buffer of 100 at a time,
  // then the loss (101 + 10 at L's allocation, before c is released).
  Problem problem = inPlaceChain(/*returnA=*/false);
  ASSERT_EQ(problem.validate(), "");
  MemoryProfile profile = simulatePlan(problem, Plan::keepAll(problem));
  EXPECT_EQ(profile.peakBytes, 111);
}

TEST(RematSimulator, InPlaceNeedsTheOperandToDie) {
  // a is returned, so B cannot take its buffer: a and b live together
  // (210), then C writes into b (still 210).
  Problem problem = inPlaceChain(/*returnA=*/true);
  MemoryProfile profile = simulatePlan(problem, Plan::keepAll(problem));
  EXPECT_EQ(profile.peakBytes, 211);
}

TEST(RematSimulator, InPlaceWaitsForEveryAliasOfTheBuffer) {
  // a's buffer is also held by the view v, read later by G: B cannot write
  // into it, so a, v and b count together.
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int a = b.op("A", {x}, {100}, 1.0, true);
  int v = b.reshape("V", a, true);
  int bv = b.op("B", {a}, {100}, 1.0, true);
  b.problem.ops.back().inPlaceOperands = {0};
  int loss = b.op("L", {bv}, {1}, 1.0, true);
  b.markReturned(b.op("G", {loss, v}, {5}, 1.0, false));
  MemoryProfile profile = simulatePlan(b.problem, Plan::keepAll(b.problem));
  EXPECT_EQ(profile.peakBytes, 211);
}
