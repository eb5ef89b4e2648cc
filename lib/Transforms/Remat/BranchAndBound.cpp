//===- BranchAndBound.cpp - Exact search over recomputation plans ---------===//
//
// A depth-first branch and bound over one binary decision per candidate
// (ProblemInfo::candidates: the recomputable activations and the forward
// values their recomputation can reach). Each node fixes a prefix of the
// decisions; its "completion" keeps every undecided value.
//
// Facts the bounds rest on, all consequences of buildSchedule's rules:
//  - the ops a plan clones are the producers of flagged values reachable
//    from backward uses through flagged operands, each cloned at most once;
//    flagging more can only add clones, so the completion's recompute cost
//    (which the simulator reports) is a lower bound on the cost of every
//    plan in the subtree, and when the completion fits the budget it is the
//    subtree's optimum;
//  - a value is live from its definition to its last forward use, and (as
//    a clone or the original) from its first to its last backward use, in
//    every plan; a kept value is also live in between (its "gap"). Summing
//    these intervals gives, at every op that allocates, a lower bound on
//    the live bytes that only grows as values are kept: a node is pruned
//    when it exceeds the budget somewhere;
//  - where the bound with all undecided values kept exceeds the budget,
//    undecided activations whose gaps cover that point must be flagged;
//    each costs at least its producer's cost (shared among the producer's
//    results), so a fractional covering knapsack adds a valid lower bound
//    on the extra cost.
// A non-activation's flag only matters when a flagged candidate reads it;
// variables are ordered so that all such readers are decided first, and
// otherwise it is simply kept.
//
// Intervals are compared on a timeline split at the gaps' ends, so a
// segment's bound moves as a whole and one maximum per segment suffices.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
class BranchAndBound {
public:
  BranchAndBound(PlanEvaluator &evaluator, const ProblemInfo &info,
                 int64_t budget, Incumbent &seen, Clock::time_point deadline,
                 int64_t maxNodes)
      : evaluator(evaluator), info(info), problem(info.problem),
        budget(budget), seen(seen), deadline(deadline), maxNodes(maxNodes) {}

  SearchOutcome run();

private:
  struct Variable {
    int value;
    bool activation;
    int64_t bytes;
    /// Ops [gapBegin, gapEnd] where only a kept value is live.
    int gapBegin, gapEnd;
    /// Lower bound on the cost flagging it adds.
    double share;
    std::vector<int> segments;
    /// Variables whose clone reads this value.
    std::vector<int> readers;
  };

  void setUp();
  void buildTimeline(const std::vector<int64_t> &base);
  double knapsackBound(double completionCost);
  bool memoryFits() const;
  void decide(int index, int decision);
  /// Explores the subtree below the decisions of variables [0, depth);
  /// false when stopped by the limits.
  bool search(int depth, const PlanEvaluator::Result *known);

  PlanEvaluator &evaluator;
  const ProblemInfo &info;
  const Problem &problem;
  int64_t budget;
  Incumbent &seen;
  Clock::time_point deadline;
  int64_t maxNodes;

  std::vector<Variable> variables;
  std::vector<int> decision;
  Flags flags;
  // Timeline segments: bound with every candidate flagged, bytes of kept
  // and undecided gaps covering each, and the undecided activations
  // covering each, cheapest per byte first.
  std::vector<int64_t> segmentBase, segmentKept, segmentUndecided;
  std::vector<std::vector<int>> segmentCover;
  double stoppedBound = std::numeric_limits<double>::infinity();
  int64_t nodes = 0;
  bool stopped = false;
};
} // namespace

void BranchAndBound::setUp() {
  int numOps = static_cast<int>(problem.ops.size());
  int numValues = static_cast<int>(problem.values.size());
  int last = numOps - 1;
  std::vector<int64_t> delta(numOps + 1, 0);
  auto addRange = [&](int begin, int end, int64_t bytes) {
    if (begin < 0 || begin > end || bytes == 0)
      return;
    delta[begin] += bytes;
    delta[end + 1] -= bytes;
  };

  std::vector<int> indexOf(numValues, -1);
  for (int v = 0; v < numValues; ++v) {
    const Value &value = problem.values[v];
    if (value.aliasOf >= 0 || value.persistent || value.producer < 0)
      continue;
    int def = value.producer;
    bool returned = info.rootReturned[v];
    int lastForward = info.lastForwardUse[v];
    int firstBackward = info.firstBackwardUse[v];
    int lastBackward = info.lastBackwardUse[v];
    int keptEnd = returned ? last : std::max(lastForward, lastBackward);
    if (!info.isCandidate[v]) {
      addRange(def, keptEnd, value.bytes);
      continue;
    }
    // Does a backward use read the original through an alias that cannot
    // be cloned? Then the clone does not cover all backward uses.
    bool mixed = false;
    for (int user = firstBackward; user != INT_MAX && user <= lastBackward &&
                                   !mixed;
         ++user)
      for (int operand : problem.ops[user].operands)
        if (problem.root(operand) == v && operand != v &&
            !info.clonable[operand] &&
            problem.ops[problem.values[operand].producer].forward)
          mixed = true;
    Variable variable;
    variable.value = v;
    variable.activation = info.isActivation[v];
    variable.bytes = value.bytes;
    variable.gapBegin = 0;
    variable.gapEnd = -1;
    addRange(def, returned ? last : lastForward, value.bytes);
    if (!returned && lastBackward >= 0) {
      if (mixed) {
        variable.gapBegin = lastForward + 1;
        variable.gapEnd = lastBackward;
      } else {
        addRange(firstBackward, lastBackward, value.bytes);
        variable.gapBegin = lastForward + 1;
        variable.gapEnd = firstBackward - 1;
      }
    }
    indexOf[v] = static_cast<int>(variables.size());
    variables.push_back(std::move(variable));
  }

  // Costs are shared among a producer's results that can carry a gap.
  std::vector<int> gapResults(numOps, 0);
  for (const Variable &variable : variables)
    if (variable.gapBegin <= variable.gapEnd)
      ++gapResults[problem.values[variable.value].producer];
  for (Variable &variable : variables) {
    int producer = problem.values[variable.value].producer;
    variable.share = variable.gapBegin <= variable.gapEnd
                         ? problem.ops[producer].cost / gapResults[producer]
                         : 0;
  }

  // Order: activations by decreasing bytes, then the other candidates from
  // the last producer to the first, so that readers come first.
  std::stable_sort(variables.begin(), variables.end(),
                   [&](const Variable &a, const Variable &b) {
                     if (a.activation != b.activation)
                       return a.activation;
                     if (a.activation && a.bytes != b.bytes)
                       return a.bytes > b.bytes;
                     return problem.values[a.value].producer >
                            problem.values[b.value].producer;
                   });
  for (size_t i = 0; i < variables.size(); ++i)
    indexOf[variables[i].value] = static_cast<int>(i);
  for (size_t i = 0; i < variables.size(); ++i) {
    const Op &producer = problem.ops[problem.values[variables[i].value].producer];
    for (int operand : producer.operands) {
      int root = problem.root(operand);
      if (indexOf[root] >= 0 && info.clonable[operand])
        variables[indexOf[root]].readers.push_back(static_cast<int>(i));
    }
  }

  std::vector<int64_t> base(numOps, 0);
  int64_t running = evaluator.getPersistentBytes();
  for (int i = 0; i < numOps; ++i) {
    running += delta[i];
    base[i] = running;
  }
  buildTimeline(base);
}

void BranchAndBound::buildTimeline(const std::vector<int64_t> &base) {
  int numOps = static_cast<int>(problem.ops.size());
  std::vector<int> cuts = {0, numOps};
  for (const Variable &variable : variables)
    if (variable.gapBegin <= variable.gapEnd) {
      cuts.push_back(variable.gapBegin);
      cuts.push_back(variable.gapEnd + 1);
    }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  int numSegments = static_cast<int>(cuts.size()) - 1;
  const int64_t none = std::numeric_limits<int64_t>::min() / 4;
  segmentBase.assign(numSegments, none);
  for (int s = 0; s < numSegments; ++s)
    for (int op = cuts[s]; op < cuts[s + 1]; ++op) {
      // Only ops that allocate are points where the simulator measures.
      bool allocates = false;
      for (int result : problem.ops[op].results)
        allocates |= problem.values[result].aliasOf < 0;
      if (allocates)
        segmentBase[s] = std::max(segmentBase[s], base[op]);
    }
  segmentKept.assign(numSegments, 0);
  segmentUndecided.assign(numSegments, 0);
  segmentCover.assign(numSegments, {});
  for (size_t i = 0; i < variables.size(); ++i) {
    Variable &variable = variables[i];
    if (variable.gapBegin > variable.gapEnd)
      continue;
    int first = static_cast<int>(
        std::lower_bound(cuts.begin(), cuts.end(), variable.gapBegin) -
        cuts.begin());
    for (int s = first; cuts[s] <= variable.gapEnd; ++s) {
      variable.segments.push_back(s);
      segmentUndecided[s] += variable.bytes;
      if (variable.activation)
        segmentCover[s].push_back(static_cast<int>(i));
    }
  }
  for (std::vector<int> &cover : segmentCover)
    std::stable_sort(cover.begin(), cover.end(), [&](int a, int b) {
      return variables[a].share * variables[b].bytes <
             variables[b].share * variables[a].bytes;
    });
}

bool BranchAndBound::memoryFits() const {
  for (size_t s = 0; s < segmentBase.size(); ++s)
    if (segmentBase[s] + segmentKept[s] > budget)
      return false;
  return true;
}

double BranchAndBound::knapsackBound(double completionCost) {
  const std::vector<char> &cloned = evaluator.clonedOps();
  double extra = 0;
  for (size_t s = 0; s < segmentBase.size(); ++s) {
    int64_t need =
        segmentBase[s] + segmentKept[s] + segmentUndecided[s] - budget;
    if (need <= 0)
      continue;
    double cost = 0;
    int64_t covered = 0;
    // Values whose producer is cloned anyway are free; take them first.
    for (int pass = 0; pass < 2 && covered < need; ++pass)
      for (int index : segmentCover[s]) {
        const Variable &variable = variables[index];
        if (decision[index] >= 0)
          continue;
        bool free = cloned[problem.values[variable.value].producer];
        if (free != (pass == 0))
          continue;
        int64_t take = std::min(variable.bytes, need - covered);
        if (!free)
          cost += variable.share * static_cast<double>(take) /
                  static_cast<double>(variable.bytes);
        covered += take;
        if (covered >= need)
          break;
      }
    extra = std::max(extra, cost);
  }
  return completionCost + extra;
}

void BranchAndBound::decide(int index, int value) {
  Variable &variable = variables[index];
  int previous = decision[index];
  if (previous == value)
    return;
  decision[index] = value;
  flags[variable.value] = value == 1;
  for (int s : variable.segments) {
    if (previous < 0)
      segmentUndecided[s] -= variable.bytes;
    if (previous == 0)
      segmentKept[s] -= variable.bytes;
    if (value < 0)
      segmentUndecided[s] += variable.bytes;
    if (value == 0)
      segmentKept[s] += variable.bytes;
  }
}

bool BranchAndBound::search(int depth, const PlanEvaluator::Result *known) {
  if (++nodes > maxNodes || ((nodes & 31) == 0 && Clock::now() > deadline)) {
    stopped = true;
    return false;
  }
  if (!memoryFits())
    return true;
  // A kept child has its parent's completion, whose measure is known and
  // was the evaluator's last one (the knapsack reads its clones).
  PlanEvaluator::Result result = known ? *known : evaluator.evaluate(flags);
  if (!known)
    seen.offer(flags, result, budget);
  if (result.peakBytes <= budget)
    return true;
  double bound = knapsackBound(result.recomputeCost);
  if (bound >= seen.bestCost * (1 - 1e-12))
    return true;

  // Skip non-activations no flagged candidate reads: keeping them is free.
  int count = static_cast<int>(variables.size());
  int start = depth;
  while (depth < count && !variables[depth].activation) {
    bool read = false;
    for (int reader : variables[depth].readers)
      read |= decision[reader] == 1;
    if (read)
      break;
    decide(depth, 0);
    ++depth;
  }
  bool finished = true;
  if (depth < count) {
    // Keep first: the completion is unchanged, so is its measure.
    decide(depth, 0);
    finished = search(depth + 1, &result);
    if (finished) {
      decide(depth, 1);
      finished = search(depth + 1, nullptr);
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
  setUp();
  decision.assign(variables.size(), -1);
  flags.assign(problem.values.size(), 0);
  SearchOutcome outcome;
  outcome.complete = search(0, nullptr);
  outcome.nodes = nodes;
  outcome.lowerBound =
      outcome.complete ? seen.bestCost : std::min(stoppedBound, seen.bestCost);
  return outcome;
}

SearchOutcome detail::branchAndBound(PlanEvaluator &evaluator,
                                     const ProblemInfo &info, int64_t budget,
                                     Incumbent &seen,
                                     Clock::time_point deadline,
                                     int64_t maxNodes) {
  BranchAndBound search(evaluator, info, budget, seen, deadline, maxNodes);
  return search.run();
}
