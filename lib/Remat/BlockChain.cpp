//===- BlockChain.cpp - Per-block policies combined along the chain -------===//
//
// The scalable core of `auto`, in the spirit of Rotor (Beaumont, Eyraud-
// Dubois, Herrmann, Joly and Shilova, "Optimal checkpointing for
// heterogeneous chains", 2019/2021) and Rockmate (Zhao et al., "Rockmate:
// an efficient, fast, automatic and generic tool for re-materialization in
// PyTorch", ICML 2023): solve the small problem of one block once
// (BlockPolicies.cpp), then combine the blocks' policies along the chain by
// dynamic programming.
//
//  1. The step's peak is modelled as the maximum over ops of
//        C + (K of the blocks waiting for their backward) + (F or T of the
//        op's own block, plus the previous block's outputs if it
//        recomputes them),
//     the blocks waiting at any op being a prefix of the chain, with K the
//     bytes a policy keeps and F, T its forward and backward peaks. The
//     constants C are calibrated on full simulations of two uniform plans
//     (every block keeping everything, every block recomputing everything).
//  2. A knapsack-like dynamic program over the chain, with the waiting
//     bytes (and whether the previous block recomputes its outputs) as
//     state, picks one policy per block (they may differ) that minimises
//     the total cost under a model budget.
//  3. The model is approximate, so each plan is simulated; the model budget
//     is bisected to the largest value whose plan fits the real budget, and
//     the closest plan that does not fit is repaired by the greedy descent.
// Values outside blocks (embeddings, head) are not part of the chain: the
// search runs once per given choice of their flags (all kept, and what the
// greedy solver picked for them), calibrating the model for each.
//
//===----------------------------------------------------------------------===//

#include "BlockPolicies.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
/// Resolution of the dynamic program's waiting bytes.
constexpr int kGrid = 512;
/// Steps to bracket the model budget, then bisections.
constexpr int kBracketSteps = 6;
constexpr int kBisections = 6;
constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::min() / 4;

class BlockChain {
public:
  BlockChain(PlanEvaluator &evaluator, const ProblemInfo &info,
             const BlockStructure &blocks)
      : evaluator(evaluator), info(info), problem(info.problem), blocks(blocks),
        numBlocks(blocks.numBlocks) {}

  /// Searches plans that flag what `outside` flags (outside the blocks).
  void search(int64_t budget, const Flags &outside, Incumbent &seen);

private:
  void calibrate();
  void calibrateWith(const std::vector<const BlockOption *> &policies);
  Flags planOf(const std::vector<const BlockOption *> &policies) const {
    return blocks.apply(policies, outside);
  }
  bool solveModel(int64_t modelBudget,
                  std::vector<const BlockOption *> &choice);

  PlanEvaluator &evaluator;
  const ProblemInfo &info;
  const Problem &problem;
  const BlockStructure &blocks;
  int numBlocks;
  /// Flags of the values outside blocks in every plan.
  Flags outside;
  // Model constants.
  std::vector<int64_t> forwardBase, backwardBase, untaggedBase;
  // Scratch of the dynamic program.
  struct Usable {
    int option, kept;
    int64_t need;
  };
  std::vector<Usable> usable;
  std::vector<double> costs, nextCosts;
  std::vector<int> picks;
};
} // namespace

void BlockChain::calibrateWith(
    const std::vector<const BlockOption *> &policies) {
  PlanEvaluator::Request request;
  request.opPeak = true;
  evaluator.evaluate(planOf(policies), request);
  const std::vector<int64_t> &opPeak = evaluator.opPeak();
  std::vector<int64_t> waitingKept(numBlocks + 1, 0);
  for (int b = 0; b < numBlocks; ++b)
    waitingKept[b + 1] = waitingKept[b] + policies[b]->kept;
  for (size_t i = 0; i < problem.ops.size(); ++i) {
    if (opPeak[i] < 0)
      continue;
    int64_t rest = opPeak[i] - waitingKept[blocks.waiting[i]];
    int block = info.blockOfOp[i];
    if (block < 0)
      untaggedBase[blocks.waiting[i]] =
          std::max(untaggedBase[blocks.waiting[i]], rest);
    else if (problem.ops[i].forward)
      forwardBase[block] =
          std::max(forwardBase[block], rest - policies[block]->forwardPeak);
    else
      backwardBase[block] =
          std::max(backwardBase[block], rest - policies[block]->backwardPeak);
  }
}

void BlockChain::calibrate() {
  forwardBase.assign(numBlocks, kUnbounded);
  backwardBase.assign(numBlocks, kUnbounded);
  untaggedBase.assign(numBlocks + 1, kUnbounded);
  std::vector<const BlockOption *> keepAll, recomputeAll;
  for (int b = 0; b < numBlocks; ++b) {
    keepAll.push_back(&blocks.groups[blocks.groupOf[b]].keepAll);
    recomputeAll.push_back(&blocks.groups[blocks.groupOf[b]].recomputeAll);
  }
  calibrateWith(keepAll);
  calibrateWith(recomputeAll);
}

bool BlockChain::solveModel(int64_t modelBudget,
                            std::vector<const BlockOption *> &choice) {
  const double infinity = std::numeric_limits<double>::infinity();
  const int states = 2 * (kGrid + 1);
  int64_t unit = std::max<int64_t>(1, (modelBudget + kGrid - 1) / kGrid);
  // State (s, f): s units of waiting bytes, f whether the previous block
  // recomputes its outputs; index f * (kGrid + 1) + s.
  costs.assign(states, infinity);
  costs[0] = 0;
  picks.assign(static_cast<size_t>(numBlocks) * states, -1);
  auto dropAbove = [&](int64_t base) {
    if (base == kUnbounded)
      return;
    for (int s = 0; s <= kGrid; ++s)
      if (base + s * unit > modelBudget)
        costs[s] = costs[kGrid + 1 + s] = infinity;
  };
  auto unitsOf = [&](const BlockOption &option) {
    return static_cast<int>((std::max<int64_t>(option.kept, 0) + unit / 2) /
                            unit);
  };
  for (int b = 0; b < numBlocks; ++b) {
    dropAbove(untaggedBase[b]);
    nextCosts.assign(states, infinity);
    const std::vector<BlockOption> &front =
        blocks.groups[blocks.groupOf[b]].front;
    int *pick = &picks[static_cast<size_t>(b) * states];
    // For this block an option is (kept units, peak it needs, cost): keep
    // only those no cheaper option of the same kind beats on both.
    usable.clear();
    for (size_t o = 0; o < front.size(); ++o) {
      const BlockOption &option = front[o];
      if (option.outputs && !blocks.outputsMovable[b])
        continue;
      Usable entry{static_cast<int>(o), unitsOf(option), 0};
      if (forwardBase[b] != kUnbounded)
        entry.need = std::max(entry.need, forwardBase[b] + option.forwardPeak);
      if (backwardBase[b] != kUnbounded)
        entry.need =
            std::max(entry.need, backwardBase[b] + option.backwardPeak);
      if (entry.need > modelBudget)
        continue;
      bool dominated = false;
      for (const Usable &other : usable)
        dominated |= front[other.option].outputs == option.outputs &&
                     other.kept <= entry.kept && other.need <= entry.need;
      if (!dominated)
        usable.push_back(entry);
    }
    for (int previous = 0; previous < 2; ++previous) {
      if (previous && b == 0)
        continue;
      // The previous block's recomputed outputs live during this block.
      int64_t extra =
          previous ? blocks.groups[blocks.groupOf[b - 1]].outputBytes : 0;
      const double *from = &costs[previous * (kGrid + 1)];
      for (const Usable &entry : usable) {
        const BlockOption &option = front[entry.option];
        int64_t need = entry.need + extra;
        if (need > modelBudget)
          continue;
        int kept = entry.kept;
        int64_t limit =
            std::min<int64_t>((modelBudget - need) / unit, kGrid - kept);
        double *to = &nextCosts[(option.outputs ? kGrid + 1 : 0) + kept];
        int *pickTo = &pick[(option.outputs ? kGrid + 1 : 0) + kept];
        int code = 2 * entry.option + previous;
        for (int s = 0; s <= limit; ++s) {
          double cost = from[s] + option.cost;
          if (cost < to[s]) {
            to[s] = cost;
            pickTo[s] = code;
          }
        }
      }
    }
    costs.swap(nextCosts);
  }
  dropAbove(untaggedBase[numBlocks]);
  int best = static_cast<int>(std::min_element(costs.begin(), costs.end()) -
                              costs.begin());
  if (costs[best] == infinity)
    return false;
  choice.assign(numBlocks, nullptr);
  for (int b = numBlocks - 1, state = best; b >= 0; --b) {
    int code = picks[static_cast<size_t>(b) * states + state];
    const BlockOption &option =
        blocks.groups[blocks.groupOf[b]].front[code / 2];
    choice[b] = &option;
    int s = state % (kGrid + 1) - unitsOf(option);
    state = (code % 2) * (kGrid + 1) + s;
  }
  return true;
}

void BlockChain::search(int64_t budget, const Flags &outsideFlags,
                        Incumbent &seen) {
  outside = outsideFlags;
  calibrate();
  std::vector<const BlockOption *> choice;
  int64_t peak = 0;
  // 1: fits the budget, 0: does not, -1: the model sees no plan.
  auto attempt = [&](int64_t modelBudget) {
    if (!solveModel(modelBudget, choice))
      return -1;
    Flags flags = planOf(choice);
    PlanEvaluator::Result result = evaluator.evaluate(flags);
    seen.offer(flags, result, budget);
    peak = result.peakBytes;
    return peak <= budget ? 1 : 0;
  };
  // Find the largest model budget whose plan fits: plans grow with the
  // model budget, from none (-1) through fitting (1) to too large (0). The
  // model is off by a roughly constant amount, so first step by the
  // measured miss, then bisect.
  int64_t step = std::max<int64_t>(budget / 1000, 1);
  int64_t low = -1, high = -1, model = budget;
  for (int tries = 0; tries < kBracketSteps && (low < 0 || high < 0); ++tries) {
    int outcome = attempt(model);
    if (outcome == 0) {
      high = model;
      model =
          std::max<int64_t>(0, model - std::max(peak - budget, step) - step);
      if (low >= 0)
        break;
    } else {
      low = model;
      model += outcome == 1 ? std::max(budget - peak, step) + step
                            : budget / 16 + step;
    }
  }
  for (int i = 0; i < kBisections && low >= 0 && high >= 0 && high - low > step;
       ++i) {
    int64_t middle = low + (high - low) / 2;
    (attempt(middle) == 0 ? high : low) = middle;
  }
  // Repair the cheapest plan that misses the budget.
  if (high >= 0 && solveModel(high, choice))
    greedyDescent(evaluator, info, planOf(choice), budget, seen);
}

bool detail::solveBlockChain(PlanEvaluator &evaluator, const ProblemInfo &info,
                             int64_t budget,
                             const std::vector<Flags> &outsideChoices,
                             Incumbent &seen) {
  BlockStructure blocks(info);
  if (!blocks.analyze())
    return false;
  BlockChain chain(evaluator, info, blocks);
  std::vector<Flags> searched;
  for (const Flags &choice : outsideChoices) {
    Flags outside = choice;
    outside.resize(info.problem.values.size(), 0);
    for (size_t v = 0; v < outside.size(); ++v)
      if (info.blockOfValue(static_cast<int>(v)) >= 0)
        outside[v] = 0;
    if (std::find(searched.begin(), searched.end(), outside) != searched.end())
      continue;
    chain.search(budget, outside, seen);
    searched.push_back(std::move(outside));
  }
  return true;
}
