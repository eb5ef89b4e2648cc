//===- BaselineSolverTest.cpp - none, per-layer and sqrt ------------------===//
//
// The budget-independent baselines flag exactly the values their papers
// prescribe, on small graphs where those values can be listed by hand.
//
//===----------------------------------------------------------------------===//

#include "RematTestProblems.h"

#include "gc/Remat/Solvers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace gc::remat;
using namespace gc::remat::testing;

namespace {
/// An embedding op, four tagged blocks (a = A(x), b = B(a),
/// out = O(b, x)) and a loss; each block's backward reads a, b and x (the
/// previous block's output).
Problem fourBlocks() {
  ProblemBuilder b;
  int input = b.argument("input", 10);
  int x = b.op("embed", {input}, {40}, 1.0, true);
  std::vector<std::vector<int>> saved;
  for (int layer = 0; layer < 4; ++layer) {
    std::string l = std::to_string(layer);
    int a = b.op("a" + l, {x}, {100}, 1.0, true, layer);
    int bv = b.op("b" + l, {a}, {100}, 1.0, true, layer);
    int out = b.op("out" + l, {bv, x}, {40}, 1.0, true, layer);
    saved.push_back({x, a, bv});
    x = out;
  }
  int loss = b.op("loss", {x}, {1}, 1.0, true);
  int gradient = b.op("dloss", {loss, x}, {40}, 1.0, false);
  for (int layer = 3; layer >= 0; --layer) {
    std::string l = std::to_string(layer);
    int db = b.op("db" + l, {gradient, saved[layer][1], saved[layer][2]}, {100},
                  1.0, false, layer);
    gradient = b.op("dx" + l, {db, saved[layer][0]}, {40}, 1.0, false, layer);
  }
  b.markReturned(b.op("dembed", {gradient, input}, {10}, 1.0, false));
  return b.problem;
}

std::set<std::string> flaggedNames(const Problem &problem, const Plan &plan) {
  std::set<std::string> names;
  for (size_t v = 0; v < plan.recompute.size(); ++v)
    if (plan.recompute[v])
      names.insert(problem.values[v].name);
  return names;
}

Solution solve(const std::string &solver, const Problem &problem,
               int64_t budget) {
  return createSolver(solver)->solve(problem, budget, SolveOptions());
}
} // namespace

TEST(RematBaselines, Registry) {
  std::vector<std::string> names = getSolverNames();
  EXPECT_EQ(names, (std::vector<std::string>{"none", "per-layer", "sqrt",
                                             "greedy", "optimal", "auto"}));
  for (const std::string &name : names) {
    std::unique_ptr<Solver> solver = createSolver(name);
    ASSERT_TRUE(solver);
    EXPECT_EQ(solver->getName(), name);
  }
  EXPECT_FALSE(createSolver("checkmate"));
}

TEST(RematBaselines, NoneKeepsEverything) {
  Problem problem = fourBlocks();
  ASSERT_EQ(problem.validate(), "");
  int64_t peak = simulatePlan(problem, Plan::keepAll(problem)).peakBytes;
  Solution solution = solve("none", problem, peak);
  EXPECT_TRUE(flaggedNames(problem, solution.plan).empty());
  EXPECT_TRUE(solution.feasible);
  EXPECT_EQ(solution.profile.peakBytes, peak);
  EXPECT_FALSE(solve("none", problem, peak - 1).feasible);
}

TEST(RematBaselines, PerLayerRecomputesBlockInteriors) {
  Problem problem = fourBlocks();
  Solution solution = solve("per-layer", problem, 1 << 20);
  // Outputs (read by the next block or the loss) and untagged values stay.
  EXPECT_EQ(
      flaggedNames(problem, solution.plan),
      (std::set<std::string>{"a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3"}));
  EXPECT_TRUE(solution.feasible);
  EXPECT_EQ(solution.profile.peakBytes,
            simulatePlan(problem, solution.plan).peakBytes);
  EXPECT_FALSE(solve("per-layer", problem, 10).feasible);
}

TEST(RematBaselines, SqrtKeepsEveryKthBlockOutput) {
  Problem problem = fourBlocks();
  Solution solution = solve("sqrt", problem, 1 << 20);
  // Four blocks: segments of ceil(sqrt(4)) = 2 blocks; the outputs of
  // blocks 1 and 3 are the checkpoints.
  EXPECT_EQ(flaggedNames(problem, solution.plan),
            (std::set<std::string>{"a0", "b0", "out0", "a1", "b1", "a2", "b2",
                                   "out2", "a3", "b3"}));
}

TEST(RematBaselines, SqrtCutsUntaggedChainsAtArticulations) {
  // c0 -> c1 -> ... -> c7 -> loss: nine forward ops, three segments cut at
  // positions 3 and 6, where only c2 and c5 cross.
  ProblemBuilder b;
  int x = b.argument("x", 10);
  std::vector<int> chain;
  for (int i = 0; i < 8; ++i)
    chain.push_back(b.op("c" + std::to_string(i),
                         {chain.empty() ? x : chain.back()}, {50}, 1.0, true));
  int gradient = b.op("dloss", {b.op("loss", {chain.back()}, {1}, 1.0, true)},
                      {5}, 1.0, false);
  for (int i = 7; i >= 0; --i)
    gradient =
        b.op("d" + std::to_string(i), {gradient, chain[i]}, {5}, 1.0, false);
  b.markReturned(gradient);
  ASSERT_EQ(b.problem.validate(), "");
  std::set<std::string> flagged =
      flaggedNames(b.problem, solve("sqrt", b.problem, 1 << 20).plan);
  EXPECT_EQ(flagged, (std::set<std::string>{"c0", "c1", "c3", "c4", "c6", "c7",
                                            "loss"}));
}

TEST(RematBaselines, SqrtKeepsWholeCutWithoutArticulation) {
  // Two parallel chains p_i and q_i joined by the loss: every position is
  // crossed by two values, so the cut at the target keeps both.
  ProblemBuilder b;
  int x = b.argument("x", 10);
  int p = x, q = x;
  std::vector<int> values;
  for (int i = 0; i < 4; ++i) {
    p = b.op("p" + std::to_string(i), {p}, {50}, 1.0, true);
    q = b.op("q" + std::to_string(i), {q}, {50}, 1.0, true);
    values.push_back(p);
    values.push_back(q);
  }
  int gradient =
      b.op("dloss", {b.op("loss", {p, q}, {1}, 1.0, true)}, {5}, 1.0, false);
  for (auto it = values.rbegin(); it != values.rend(); ++it)
    gradient = b.op("d" + b.problem.values[*it].name, {gradient, *it}, {5}, 1.0,
                    false);
  b.markReturned(gradient);
  // Nine forward ops: cuts at positions 3 (crossed by q0 and p1) and 6
  // (crossed by p2 and q2).
  std::set<std::string> flagged =
      flaggedNames(b.problem, solve("sqrt", b.problem, 1 << 20).plan);
  EXPECT_EQ(flagged, (std::set<std::string>{"p0", "q1", "p3", "q3", "loss"}));
}
