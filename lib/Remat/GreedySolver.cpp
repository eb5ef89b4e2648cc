//===- GreedySolver.cpp - XLA-style greedy rematerialization --------------===//
//
// The `greedy` solver follows XLA's HloRematerialization pass: while the
// simulated peak exceeds the budget, look at the tensors live at the peak
// and rematerialize those that free the most bytes per second of
// recomputation, then measure again. Here "frees" is judged against the
// schedule a flag produces: a value only leaves the peak if the peak lies
// between its last forward use and its first backward use. Its operands
// must exist when it is recomputed: flagged ones are recomputed again, and
// recomputable ones that are dead at the peak are flagged with it (like
// XLA's multi-instruction rematerialization blocks), so their cost is
// added; other dead operands would be pinned at the peak, so their bytes
// are subtracted from what it frees. After the descent, a clean-up pass
// (like XLA's, which undoes rematerializations that are no longer needed)
// un-flags values, most expensive recomputation (the producer and the
// operands recomputed only for it) first, whenever the plan stays within
// the budget without them.
//
// While the peak is far above the budget, one step takes the best few
// values at once, until they free half the excess, rather than one: this
// keeps the number of simulations small on deep models, and the clean-up
// removes any overshoot (on BERT steps this is also slightly cheaper than
// one value per step). The descent only ever adds flags, so it ends after
// at most one step per candidate; when it cannot reach the budget, the plan
// with the lowest peak it saw is returned.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
/// One descent step takes the best values until they free the excess over
/// the budget divided by this (and at least one value).
constexpr int64_t kStepDivisor = 2;

/// Prices the recomputation of one value against the current plan and the
/// tensors live at the peak.
class RecomputePricer {
public:
  RecomputePricer(const ProblemInfo &info)
      : info(info), opStamp(info.problem.ops.size(), 0),
        valueStamp(info.problem.values.size(), 0) {}

  /// Seconds of the clones flagging `v` needs and bytes of kept operands it
  /// would pin at the peak. A recomputable operand that is dead at the peak
  /// is recomputed as well rather than pinned; `chain` lists `v` and those.
  /// Ops the plan already clones cost nothing more: their clones are
  /// reused.
  void price(int v, const Flags &flags, const std::vector<char> &liveAtPeak,
             const std::vector<char> &cloned, double &cost, int64_t &pinned,
             std::vector<int> &chain) {
    ++stamp;
    cost = 0;
    pinned = 0;
    chain.assign(1, v);
    visit(v, flags, liveAtPeak, cloned, cost, pinned, chain);
  }

private:
  void visit(int v, const Flags &flags, const std::vector<char> &liveAtPeak,
             const std::vector<char> &cloned, double &cost, int64_t &pinned,
             std::vector<int> &chain) {
    const Problem &problem = info.problem;
    int op = problem.values[v].producer;
    if (opStamp[op] == stamp || cloned[op])
      return;
    opStamp[op] = stamp;
    cost += problem.ops[op].cost;
    for (int operand : problem.ops[op].operands) {
      int root = problem.root(operand);
      bool clonable = info.recomputable[root] && info.clonable[operand];
      if (clonable && flags[root]) {
        visit(operand, flags, liveAtPeak, cloned, cost, pinned, chain);
        continue;
      }
      const Value &value = problem.values[root];
      if (value.persistent || liveAtPeak[root] || valueStamp[root] == stamp)
        continue;
      valueStamp[root] = stamp;
      if (!clonable) {
        pinned += value.bytes;
        continue;
      }
      // Recompute the root, and the reshape when reading through one.
      chain.push_back(root);
      visit(root, flags, liveAtPeak, cloned, cost, pinned, chain);
      if (operand != root)
        visit(operand, flags, liveAtPeak, cloned, cost, pinned, chain);
    }
  }

  const ProblemInfo &info;
  std::vector<int> opStamp, valueStamp;
  int stamp = 0;
};
} // namespace

Flags detail::greedyDescent(PlanEvaluator &evaluator, const ProblemInfo &info,
                            Flags flags, int64_t budget, Incumbent &seen,
                            const std::vector<char> *frozen,
                            int64_t evaluationLimit, bool oneAtATime) {
  const Problem &problem = info.problem;
  std::vector<char> liveAtPeak(problem.values.size(), 0);
  std::vector<char> atPeakEntry(problem.values.size(), 0);
  std::vector<int> entryValues, chain, chains;
  struct Pick {
    double score;
    int64_t freed;
    int chain;
    size_t length;
  };
  std::vector<Pick> picks;
  RecomputePricer pricer(info);
  PlanEvaluator::Request request;
  request.liveAtPeak = true;
  while (evaluator.evaluations() < evaluationLimit) {
    PlanEvaluator::Result result = evaluator.evaluate(flags, request);
    seen.offer(flags, result, budget);
    if (result.peakBytes <= budget || result.peakEntry < 0)
      break;
    const std::vector<int> &live = evaluator.liveAtPeak();
    for (int v : live)
      liveAtPeak[v] = 1;
    // What the peak entry reads or writes is live there in every plan.
    evaluator.entryValues(result.peakEntry, entryValues);
    for (int v : entryValues)
      atPeakEntry[problem.root(v)] = 1;

    // Recomputations that cost nothing more (their producers are cloned
    // anyway) are all taken at once.
    std::vector<int> freeChains;
    picks.clear();
    chains.clear();
    for (int v : live) {
      if (!info.isCandidate[v] || flags[v] || atPeakEntry[v] ||
          (frozen && (*frozen)[v]))
        continue;
      // Flagging frees v only between its last forward use and the clone
      // before its first backward use.
      if (evaluator.entryOfOp(info.lastForwardUse[v]) >= result.peakEntry)
        continue;
      int firstBackward = info.firstBackwardUse[v];
      if (firstBackward != INT_MAX &&
          evaluator.entryOfOp(firstBackward) <= result.peakEntry)
        continue;
      double cost;
      int64_t pinned;
      pricer.price(v, flags, liveAtPeak, evaluator.clonedOps(), cost, pinned,
                   chain);
      if (frozen && std::any_of(chain.begin(), chain.end(),
                                [&](int c) { return (*frozen)[c]; }))
        continue;
      int64_t freed = problem.values[v].bytes - pinned;
      if (freed <= 0)
        continue;
      if (cost <= 0) {
        freeChains.insert(freeChains.end(), chain.begin(), chain.end());
        continue;
      }
      picks.push_back({static_cast<double>(freed) / cost, freed,
                       static_cast<int>(chains.size()), chain.size()});
      chains.insert(chains.end(), chain.begin(), chain.end());
    }
    for (int v : live)
      liveAtPeak[v] = 0;
    for (int v : entryValues)
      atPeakEntry[problem.root(v)] = 0;
    if (!freeChains.empty()) {
      for (int v : freeChains)
        flags[v] = 1;
      continue;
    }
    if (picks.empty())
      break;
    // Best bytes per second first. While the peak is far above the budget,
    // take several at once: as many as the excess calls for.
    std::sort(picks.begin(), picks.end(), [](const Pick &a, const Pick &b) {
      if (a.score != b.score)
        return a.score > b.score;
      return a.freed != b.freed ? a.freed > b.freed : a.chain < b.chain;
    });
    int64_t excess = (result.peakBytes - budget) / kStepDivisor, taken = 0;
    for (const Pick &pick : picks) {
      for (size_t k = 0; k < pick.length; ++k)
        flags[chains[pick.chain + k]] = 1;
      taken += pick.freed;
      if (taken >= excess || oneAtATime)
        break;
    }
  }
  return flags;
}

namespace {
/// The current plan of the clean-up: its opPeak, and for each recomputed
/// value the op its clone is made for.
struct Measured {
  std::vector<int64_t> profile;
  std::vector<int> cloneOp;

  void read(const PlanEvaluator &evaluator) {
    profile = evaluator.opPeak();
    cloneOp.resize(evaluator.getProblem().values.size());
    for (size_t v = 0; v < cloneOp.size(); ++v)
      cloneOp[v] = evaluator.cloneOwner(static_cast<int>(v));
  }
};

/// Whether un-flagging `v` surely exceeds the budget. In the current plan
/// nothing of `v` is live between its last forward use and the op its
/// clone is made for; kept, it would be, while that stretch loses at most
/// the kept operands its clone no longer pins.
bool cannotUnflag(const ProblemInfo &info, const Measured &current,
                  const Flags &flags, int64_t budget, int v) {
  const Problem &problem = info.problem;
  const std::vector<int64_t> &profile = current.profile;
  int cloneOp = current.cloneOp[v];
  if (cloneOp < 0)
    return false;
  int64_t released = 0;
  for (int operand : problem.ops[problem.values[v].producer].operands) {
    int root = problem.root(operand);
    if (!flags[root] && !problem.values[root].persistent)
      released += problem.values[root].bytes;
  }
  for (int op = info.lastForwardUse[v] + 1; op < cloneOp; ++op)
    if (profile[op] >= 0 &&
        profile[op] + problem.values[v].bytes - released > budget)
      return true;
  return false;
}
} // namespace

std::vector<double>
detail::recomputeChainCosts(const ProblemInfo &info, const Flags &flags,
                            const std::vector<int> &values) {
  RecomputePricer pricer(info);
  // Everything counts as live: only flagged operands are recomputed.
  std::vector<char> live(info.problem.values.size(), 1);
  std::vector<char> none(info.problem.ops.size(), 0);
  std::vector<int> chain;
  std::vector<double> costs;
  for (int v : values) {
    double cost;
    int64_t pinned;
    pricer.price(v, flags, live, none, cost, pinned, chain);
    costs.push_back(cost);
  }
  return costs;
}

void detail::dropUnneededFlags(PlanEvaluator &evaluator,
                               const ProblemInfo &info, Flags &flags,
                               int64_t budget, Incumbent &seen,
                               int64_t evaluationLimit) {
  const Problem &problem = info.problem;
  // A flag whose value is never cloned changes nothing: no backward op and
  // no clone reads the value (either would clone it).
  evaluator.evaluate(flags);
  const std::vector<char> &cloned = evaluator.clonedOps();
  std::vector<int> order;
  for (size_t v = 0; v < flags.size(); ++v) {
    if (!flags[v])
      continue;
    int producer = problem.values[v].producer;
    if (!info.isCandidate[v] || !cloned[producer])
      flags[v] = 0;
    else
      order.push_back(static_cast<int>(v));
  }
  // Most expensive first: what un-flagging saves is the value's producer
  // and the flagged operands recomputed only for it.
  std::vector<double> savings = recomputeChainCosts(info, flags, order);
  std::vector<int> rank(order.size());
  for (size_t k = 0; k < rank.size(); ++k)
    rank[k] = static_cast<int>(k);
  std::sort(rank.begin(), rank.end(), [&](int a, int b) {
    return savings[a] != savings[b] ? savings[a] > savings[b] : a < b;
  });
  PlanEvaluator::Request request;
  request.opPeak = true;
  evaluator.evaluate(flags, request);
  Measured current;
  current.read(evaluator);
  for (int k : rank) {
    int v = order[k];
    if (evaluator.evaluations() >= evaluationLimit)
      break;
    if (cannotUnflag(info, current, flags, budget, v))
      continue;
    flags[v] = 0;
    PlanEvaluator::Result result = evaluator.evaluate(flags, request);
    seen.offer(flags, result, budget);
    if (result.peakBytes <= budget)
      current.read(evaluator);
    else
      flags[v] = 1;
  }
}

Flags detail::greedyPlan(PlanEvaluator &evaluator, const ProblemInfo &info,
                         int64_t budget, Incumbent &seen) {
  Incumbent own;
  Flags keepAll(info.problem.values.size(), 0);
  Flags flags = greedyDescent(evaluator, info, keepAll, budget, own);
  // Out of reach: descending one value at a time finds lower peaks; clean
  // up the lowest peak found, keeping that peak.
  if (!own.feasible()) {
    greedyDescent(evaluator, info, keepAll, budget, own, nullptr, INT64_MAX,
                  /*oneAtATime=*/true);
    flags = own.lowest;
  }
  int64_t target = own.feasible() ? budget : own.lowestPeak;
  dropUnneededFlags(evaluator, info, flags, target, own);
  seen.offer(flags, evaluator.evaluate(flags), budget);
  return flags;
}

namespace {
class GreedySolver : public Solver {
public:
  std::string getName() const override { return "greedy"; }
  Solution solve(const Problem &problem, int64_t budgetBytes,
                 const SolveOptions &) const override {
    Clock::time_point start = Clock::now();
    ProblemInfo info(problem);
    PlanEvaluator evaluator(problem);
    Incumbent seen;
    Flags flags = greedyPlan(evaluator, info, budgetBytes, seen);
    return finishSolution(problem, flags, budgetBytes, getName(), start);
  }
};
} // namespace

std::unique_ptr<Solver> detail::createGreedySolver() {
  return std::make_unique<GreedySolver>();
}
