//===- BranchAndBound.cpp - Exact search over recomputation plans ---------===//
//
// A depth-first branch and bound over one binary decision per candidate
// (ProblemInfo::candidates: the recomputable activations and the forward
// values their recomputation can reach), with the bounds of
// SearchBounds.cpp. Each node fixes a prefix of the decisions; its
// "completion" keeps every undecided value. At a node:
//  1. prune when the live-interval bound exceeds the budget;
//  2. simulate the completion: when it fits, no plan below is cheaper
//     (flagging more only adds clones), so it is the subtree's optimum;
//  3. prune when the cost bound reaches the incumbent's cost;
//  4. otherwise branch on the next variable, keep first (whose completion
//     is the same, so its measure is reused), then recompute. A
//     non-activation no flagged value reads is kept without branching.
// When the limits stop it, the lowest bound of the subtrees left unexplored
// is a lower bound on the optimum.
//
//===----------------------------------------------------------------------===//

#include "SearchBounds.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
class BranchAndBound {
public:
  BranchAndBound(PlanEvaluator &evaluator, const ProblemInfo &info,
                 int64_t budget, Incumbent &seen, Clock::time_point wallCap,
                 int64_t maxNodes, int64_t maxWork)
      : evaluator(evaluator), info(info), budget(budget), seen(seen),
        wallCap(wallCap), maxNodes(maxNodes),
        workLimit(maxWork >= INT64_MAX - evaluator.work()
                      ? INT64_MAX
                      : evaluator.work() + maxWork),
        bounds(info, evaluator.getPersistentBytes(), budget) {}

  SearchOutcome run();

private:
  void decide(int index, int value) {
    bounds.decide(index, value);
    flags[bounds.valueOf(index)] = value == 1;
  }
  /// Explores the subtree below the decisions of variables [0, depth),
  /// whose cost is at least `parentBound`; false when stopped by the
  /// limits.
  bool search(int depth, const PlanEvaluator::Result *known,
              double parentBound);

  PlanEvaluator &evaluator;
  const ProblemInfo &info;
  int64_t budget;
  Incumbent &seen;
  Clock::time_point wallCap;
  int64_t maxNodes;
  int64_t workLimit;
  bool hitWallClockCap = false;
  SearchBounds bounds;
  Flags flags;
  double stoppedBound = std::numeric_limits<double>::infinity();
  int64_t nodes = 0;
};
} // namespace

bool BranchAndBound::search(int depth, const PlanEvaluator::Result *known,
                            double parentBound) {
  if (++nodes > maxNodes || evaluator.work() > workLimit)
    return false;
  if ((nodes & 31) == 0 && Clock::now() > wallCap) {
    hitWallClockCap = true;
    return false;
  }
  if (!bounds.memoryFits())
    return true;
  // A kept child has its parent's completion, whose measure is known and
  // was the evaluator's last one (the cost bound reads its clones).
  PlanEvaluator::Result result = known ? *known : evaluator.evaluate(flags);
  if (!known)
    seen.offer(flags, result, budget);
  if (result.peakBytes <= budget)
    return true;
  double bound = std::max(parentBound, bounds.costBound(result.recomputeCost,
                                                        evaluator.clonedOps()));
  if (bound >= seen.bestCost * (1 - 1e-12))
    return true;

  int count = bounds.size();
  int start = depth;
  while (depth < count && bounds.isIdle(depth))
    decide(depth++, 0);
  bool finished = true;
  if (depth < count) {
    decide(depth, 0);
    finished = search(depth + 1, &result, bound);
    if (finished) {
      decide(depth, 1);
      finished = search(depth + 1, nullptr, bound);
    }
    // The unexplored part of this subtree is bounded by this node.
    if (!finished)
      stoppedBound = std::min(stoppedBound, bound);
  }
  for (int index = std::min(depth, count - 1); index >= start; --index)
    decide(index, -1);
  return finished;
}

SearchOutcome BranchAndBound::run() {
  flags.assign(info.problem.values.size(), 0);
  SearchOutcome outcome;
  outcome.complete = search(0, nullptr, 0);
  outcome.nodes = nodes;
  outcome.hitWallClockCap = hitWallClockCap;
  outcome.lowerBound =
      outcome.complete ? seen.bestCost : std::min(stoppedBound, seen.bestCost);
  return outcome;
}

SearchOutcome detail::branchAndBound(PlanEvaluator &evaluator,
                                     const ProblemInfo &info, int64_t budget,
                                     Incumbent &seen, Clock::time_point wallCap,
                                     int64_t maxNodes, int64_t maxWork) {
  BranchAndBound search(evaluator, info, budget, seen, wallCap, maxNodes,
                        maxWork);
  return search.run();
}
