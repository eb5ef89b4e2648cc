//===- MinimumPeak.cpp - The smallest budget gc's solvers meet ------------===//
//
// "What is the least memory this step can run in?" is asked by the
// infeasible-budget diagnostic and answered in every report
// (min_feasible_bytes). It must be one number per step: independent of the
// budget asked for and of the device profile, and the true threshold of the
// default solver (a budget at or above it succeeds, one byte less does not).
//
// The search therefore runs on a copy of the problem whose op costs are the
// device-independent FLOPs (plus one, so that no op is free); costs only
// steer which of the low-peak plans a solver prefers, never a plan's peak.
// It starts from the lower of per-layer checkpointing and `auto` asked for
// the impossible budget of 0 bytes (auto then returns the lowest-peak plan
// it found), then asks `auto` for one byte less than the best peak so far
// until it finds nothing lower: the returned peak is a budget `auto` meets
// and its predecessor one its heuristic phases do not. (On small problems
// auto's exact search may still find a plan below it for a given budget;
// gc-remat then reports that plan's peak as the minimum.) Recomputing every
// activation is no candidate: it materializes whole chains of recomputations at
// once and usually peaks higher than keeping them.
//
//===----------------------------------------------------------------------===//

#include "gc/Remat/Solvers.h"

using namespace gc::remat;

namespace {
/// Tightening rounds at most; each costs one `auto` solve, and in practice
/// the first or second already finds nothing lower.
constexpr int kMaxTighteningRounds = 8;
} // namespace

Solution gc::remat::findMinimumPeak(const Problem &problem,
                                    const SolveOptions &solveOptions) {
  // The exact search minimizes recomputation under a budget; below the
  // lowest peak the heuristics reach it only spends its node budget.
  SolveOptions options = solveOptions;
  options.exactSearch = false;
  Problem neutral = problem;
  for (Op &op : neutral.ops)
    op.cost = op.flops + 1;
  std::unique_ptr<Solver> autoSolver = createSolver("auto");
  bool capHit = false;
  Solution best = createSolver("per-layer")->solve(neutral, 0, options);
  Solution lowest = autoSolver->solve(neutral, 0, options);
  capHit |= lowest.hitWallClockCap;
  if (lowest.profile.peakBytes < best.profile.peakBytes)
    best = lowest;
  for (int round = 0; round < kMaxTighteningRounds; ++round) {
    Solution tighter =
        autoSolver->solve(neutral, best.profile.peakBytes - 1, options);
    capHit |= tighter.hitWallClockCap;
    if (!tighter.feasible)
      break;
    best = tighter;
  }
  // The plan measured with the problem's own costs.
  Solution result;
  result.plan = best.plan;
  result.profile = simulatePlan(problem, best.plan);
  result.feasible = true;
  result.solver = "auto";
  result.hitWallClockCap = capHit;
  return result;
}
