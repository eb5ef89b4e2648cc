//===- BlockChain.cpp - Per-block policies combined along the chain -------===//
//
// The scalable core of `auto`, in the spirit of Rotor (Beaumont, Eyraud-
// Dubois, Herrmann, Joly and Shilova, "Optimal checkpointing for
// heterogeneous chains", 2019/2021) and Rockmate (Zhao et al., "Rockmate:
// an efficient, fast, automatic and generic tool for re-materialization in
// PyTorch", ICML 2023): solve the small problem of one block once, then
// combine the blocks' solutions along the chain by dynamic programming.
//
//  1. Blocks are grouped by a structural signature (op names with digits
//     masked, operand wiring, sizes, costs), so the 24 encoder layers of a
//     BERT form one group.
//  2. For a representative of each group, the block alone (its forward and
//     backward ops; what it reads from outside is free, what it hands out
//     lives to its end) is simulated under every policy: a subset of its
//     activations to recompute (all subsets of the 12 largest; smaller ones
//     are kept and any further ones go together) and its other recomputable
//     values always recomputed. Each policy gives K (bytes it keeps while
//     other blocks run), F and T (its peak during its forward and its
//     backward) and a recompute cost; the Pareto front of these is kept.
//     A policy may also recompute the block's outputs when they are cheap
//     to rebuild from what it keeps (a layer norm of a kept residual): the
//     next block's backward then holds them instead.
//  3. The step's peak is modelled as the maximum over ops of
//        C + (K of the blocks waiting for their backward) + (F or T of the
//        op's own block, plus the previous block's outputs if it
//        recomputes them),
//     the blocks waiting at any op being a prefix of the chain. The
//     constants C are calibrated on full simulations of two uniform plans.
//  4. A knapsack-like dynamic program over the chain, with the waiting
//     bytes (and whether the previous block recomputes its outputs) as
//     state, picks one policy per block (they may differ) that minimises
//     the total cost under a model budget.
//  5. The model is approximate, so each plan is simulated; the model budget
//     is bisected to the largest value whose plan fits the real budget, and
//     the closest plan that does not fit is repaired by the greedy descent.
// Values outside blocks (embeddings, head) are not part of the chain: the
// search runs once per given choice of their flags (all kept, and what the
// greedy solver picked for them), calibrating the model for each.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
constexpr int kEnumeratedActivations = 12;
constexpr int kGrid = 512;
constexpr int kFrontResolution = 256;
constexpr int kBracketSteps = 6;
constexpr int kBisections = 6;
constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::min() / 4;

/// A per-block policy as the block alone measures it.
struct Option {
  int64_t kept = 0, forwardPeak = 0, backwardPeak = 0;
  double cost = 0;
  uint32_t mask = 0;
  /// Whether the block's outputs are recomputed too.
  bool outputs = false;
};

/// Blocks sharing a signature and the policies of their representative.
struct Group {
  int representative = -1;
  /// Positions (in the block's value list) of the policy's activations,
  /// largest first; positions from `restBegin` on share the last bit.
  std::vector<int> activations;
  int restBegin = 0;
  int numBits = 0;
  /// Positions recomputed by every policy.
  std::vector<int> alwaysRecomputed;
  /// Positions of the outputs, their bytes, and the cost of their
  /// producers.
  std::vector<int> outputs;
  int64_t outputBytes = 0;
  double outputCost = 0;
  std::vector<Option> front;
  Option keepAll, recomputeAll;
};

class BlockChain {
public:
  BlockChain(PlanEvaluator &evaluator, const ProblemInfo &info)
      : evaluator(evaluator), info(info), problem(info.problem) {}

  bool analyze();
  /// Searches plans that flag what `outside` flags (outside the blocks).
  void search(int64_t budget, const Flags &outside, Incumbent &seen);

private:
  bool findWaitingPrefixes();
  void collectBlockValues();
  std::string signature(int block) const;
  void buildGroup(Group &group);
  Problem extractBlock(int block, std::vector<int> &subOfPosition) const;
  void calibrate();
  void calibrateWith(const std::vector<const Option *> &options);
  Flags planOf(const std::vector<const Option *> &options) const;
  bool solveModel(int64_t modelBudget, std::vector<const Option *> &choice);

  PlanEvaluator &evaluator;
  const ProblemInfo &info;
  const Problem &problem;
  int numBlocks = 0;
  std::vector<std::vector<int>> blockOps, blockValues;
  std::vector<int> positionOf, waiting, groupOf;
  /// Whether a block's outputs are read only by it and the next block.
  std::vector<char> outputsMovable;
  std::vector<Group> groups;
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

bool BlockChain::findWaitingPrefixes() {
  int numOps = static_cast<int>(problem.ops.size());
  std::vector<int> lastForward(numBlocks, -1), firstBackward(numBlocks, INT_MAX);
  for (int i = 0; i < numOps; ++i) {
    int block = info.blockOfOp[i];
    if (block < 0)
      continue;
    if (problem.ops[i].forward)
      lastForward[block] = i;
    else
      firstBackward[block] = std::min(firstBackward[block], i);
  }
  // The blocks holding kept values at op i must be blocks 0..m-1.
  waiting.assign(numOps, 0);
  for (int i = 0; i < numOps; ++i) {
    int count = 0;
    bool prefix = true;
    for (int b = 0; b < numBlocks; ++b) {
      bool waits = lastForward[b] < i && firstBackward[b] > i;
      if (waits && count != b)
        prefix = false;
      count += waits;
    }
    int block = info.blockOfOp[i];
    if (!prefix || (block >= 0 && count != block))
      return false;
    waiting[i] = count;
  }
  return true;
}

void BlockChain::collectBlockValues() {
  blockOps.assign(numBlocks, {});
  blockValues.assign(numBlocks, {});
  positionOf.assign(problem.values.size(), -1);
  for (size_t i = 0; i < problem.ops.size(); ++i) {
    int block = info.blockOfOp[i];
    if (block < 0)
      continue;
    blockOps[block].push_back(static_cast<int>(i));
    for (int result : problem.ops[i].results) {
      positionOf[result] = static_cast<int>(blockValues[block].size());
      blockValues[block].push_back(result);
    }
  }
}

std::string BlockChain::signature(int block) const {
  std::string text;
  char number[64];
  auto valueRef = [&](int v) {
    if (info.blockOfValue(v) == block)
      return "i" + std::to_string(positionOf[v]);
    return "e" + std::to_string(problem.values[problem.root(v)].bytes);
  };
  for (int i : blockOps[block]) {
    const Op &op = problem.ops[i];
    // Op names differ by the layer index only.
    bool inDigits = false;
    for (char c : op.name) {
      bool digit = std::isdigit(static_cast<unsigned char>(c));
      if (!digit)
        text += c;
      else if (!inDigits)
        text += '#';
      inDigits = digit;
    }
    std::snprintf(number, sizeof(number), "|%c%c|%a|", op.forward ? 'F' : 'B',
                  op.recomputable ? 'R' : 'N', op.cost);
    text += number;
    for (int operand : op.operands)
      text += valueRef(operand) + ",";
    for (int result : op.results) {
      const Value &value = problem.values[result];
      text += "r" + std::to_string(value.bytes);
      if (value.aliasOf >= 0)
        text += "a" + valueRef(value.aliasOf);
      int root = problem.root(result);
      if (info.blockOfValue(root) == block && info.isBlockOutput(root))
        text += "o";
      text += ",";
    }
    text += ";";
  }
  return text;
}

Problem BlockChain::extractBlock(int block,
                                 std::vector<int> &subOfPosition) const {
  Problem sub;
  std::map<int, int> external;
  subOfPosition.assign(blockValues[block].size(), -1);
  auto subValue = [&](int v) {
    if (info.blockOfValue(v) == block)
      return subOfPosition[positionOf[v]];
    // Whatever the block reads from outside is free here: it is accounted
    // to its owner.
    int root = problem.root(v);
    auto [it, inserted] =
        external.insert({root, static_cast<int>(sub.values.size())});
    if (inserted) {
      Value value;
      value.name = problem.values[root].name;
      value.persistent = true;
      sub.values.push_back(value);
    }
    return it->second;
  };
  // Values the block hands to others, or returns, live to its end.
  std::vector<char> readOutside(problem.values.size(), 0);
  for (size_t i = 0; i < problem.ops.size(); ++i)
    if (info.blockOfOp[i] != block)
      for (int operand : problem.ops[i].operands)
        readOutside[operand] = 1;
  for (int i : blockOps[block]) {
    const Op &op = problem.ops[i];
    Op copy = op;
    copy.block = 0;
    copy.operands.clear();
    copy.results.clear();
    for (int operand : op.operands)
      copy.operands.push_back(subValue(operand));
    for (int result : op.results) {
      const Value &value = problem.values[result];
      Value subResult = value;
      subResult.producer = static_cast<int>(sub.ops.size());
      subResult.aliasOf = value.aliasOf >= 0 ? subValue(value.aliasOf) : -1;
      subResult.returned = value.returned || readOutside[result];
      subOfPosition[positionOf[result]] = static_cast<int>(sub.values.size());
      copy.results.push_back(static_cast<int>(sub.values.size()));
      sub.values.push_back(subResult);
    }
    sub.ops.push_back(std::move(copy));
  }
  return sub;
}

namespace {
/// Appends to `front` the options of `options` (sorted by cost) that no
/// cheaper one dominates in kept bytes and peaks, up to `tolerance` bytes:
/// finer differences are below what the model resolves, and a short front
/// keeps the dynamic program fast.
void appendParetoFront(const std::vector<Option> &options, int64_t tolerance,
                       std::vector<Option> &front) {
  size_t begin = front.size();
  for (const Option &option : options) {
    bool dominated = false;
    for (size_t i = begin; i < front.size() && !dominated; ++i)
      dominated = front[i].kept <= option.kept + tolerance &&
                  front[i].forwardPeak <= option.forwardPeak + tolerance &&
                  front[i].backwardPeak <= option.backwardPeak + tolerance;
    if (!dominated)
      front.push_back(option);
  }
}
} // namespace

void BlockChain::buildGroup(Group &group) {
  int block = group.representative;
  const std::vector<int> &values = blockValues[block];
  std::vector<int> activations;
  int64_t largest = 0;
  bool outputsRecomputable = true;
  std::vector<char> outputProducer(problem.ops.size(), 0);
  for (size_t p = 0; p < values.size(); ++p) {
    int v = values[p];
    bool forward = problem.ops[problem.values[v].producer].forward;
    if (forward && problem.values[v].aliasOf < 0 && info.isBlockOutput(v)) {
      group.outputs.push_back(static_cast<int>(p));
      group.outputBytes += problem.values[v].bytes;
      int producer = problem.values[v].producer;
      if (!outputProducer[producer])
        group.outputCost += problem.ops[producer].cost;
      outputProducer[producer] = 1;
      // The block's own backward must not need them, or their clones
      // would wait for it.
      for (int user : info.users[v])
        outputsRecomputable &= problem.ops[user].forward ||
                               info.blockOfOp[user] != block;
      outputsRecomputable &= info.isCandidate[v] != 0;
      continue;
    }
    if (!info.isCandidate[v])
      continue;
    if (info.isActivation[v]) {
      activations.push_back(static_cast<int>(p));
      largest = std::max(largest, problem.values[v].bytes);
    } else {
      group.alwaysRecomputed.push_back(static_cast<int>(p));
    }
  }
  // Tiny activations (layer-norm statistics) are always kept.
  std::sort(activations.begin(), activations.end(), [&](int a, int b) {
    int64_t bytesA = problem.values[values[a]].bytes;
    int64_t bytesB = problem.values[values[b]].bytes;
    return bytesA != bytesB ? bytesA > bytesB : a < b;
  });
  for (int p : activations)
    if (problem.values[values[p]].bytes * 256 >= largest)
      group.activations.push_back(p);
  int count = static_cast<int>(group.activations.size());
  group.restBegin = std::min(count, kEnumeratedActivations);
  group.numBits = group.restBegin + (count > group.restBegin ? 1 : 0);

  std::vector<int> subOfPosition;
  Problem sub = extractBlock(block, subOfPosition);
  PlanEvaluator local(sub);
  Flags flags(sub.values.size(), 0);
  std::vector<Option> options, withOutputs;
  for (uint32_t mask = 0; mask < (1u << group.numBits); ++mask) {
    std::fill(flags.begin(), flags.end(), 0);
    for (int p : group.alwaysRecomputed)
      flags[subOfPosition[p]] = 1;
    for (int k = 0; k < count; ++k)
      if (mask >> std::min(k, group.restBegin) & 1)
        flags[subOfPosition[group.activations[k]]] = 1;
    PlanEvaluator::Result result = local.evaluate(flags);
    Option option;
    option.kept = result.boundaryLive;
    option.forwardPeak = result.forwardPeak;
    option.backwardPeak = result.backwardPeak;
    option.cost = result.recomputeCost;
    option.mask = mask;
    options.push_back(option);
    // Outputs may be recomputed when their producers read only kept
    // values and share no op with recomputed ones.
    bool cheap = outputsRecomputable && !group.outputs.empty();
    for (int p : group.outputs) {
      const Op &producer = problem.ops[problem.values[values[p]].producer];
      for (int operand : producer.operands) {
        int root = problem.root(operand);
        cheap &= info.blockOfValue(root) != block ||
                 !flags[subOfPosition[positionOf[root]]];
      }
      for (int result : producer.results)
        cheap &= !flags[subOfPosition[positionOf[result]]];
    }
    if (!cheap)
      continue;
    option.kept -= group.outputBytes;
    option.cost += group.outputCost;
    option.outputs = true;
    withOutputs.push_back(option);
  }
  group.keepAll = options.front();
  group.recomputeAll = options.back();
  auto byCost = [](const Option &a, const Option &b) {
    if (a.cost != b.cost)
      return a.cost < b.cost;
    if (a.kept != b.kept)
      return a.kept < b.kept;
    return a.mask < b.mask;
  };
  std::sort(options.begin(), options.end(), byCost);
  std::sort(withOutputs.begin(), withOutputs.end(), byCost);
  int64_t tolerance =
      std::max(group.keepAll.forwardPeak, group.keepAll.backwardPeak) /
      kFrontResolution;
  appendParetoFront(options, tolerance, group.front);
  appendParetoFront(withOutputs, tolerance, group.front);
}

bool BlockChain::analyze() {
  numBlocks = static_cast<int>(info.blockTags.size());
  if (numBlocks < 2 || !findWaitingPrefixes())
    return false;
  collectBlockValues();
  std::map<std::string, int> groupIds;
  groupOf.assign(numBlocks, -1);
  for (int b = 0; b < numBlocks; ++b) {
    auto [it, inserted] =
        groupIds.insert({signature(b), static_cast<int>(groups.size())});
    if (inserted) {
      groups.emplace_back();
      groups.back().representative = b;
    }
    groupOf[b] = it->second;
  }
  for (Group &group : groups)
    buildGroup(group);
  outputsMovable.assign(numBlocks, 1);
  for (int b = 0; b < numBlocks; ++b)
    for (int v : blockValues[b])
      if (problem.ops[problem.values[v].producer].forward &&
          problem.values[v].aliasOf < 0 && info.isBlockOutput(v))
        for (int user : info.users[v])
          if (info.blockOfOp[user] != b && info.blockOfOp[user] != b + 1)
            outputsMovable[b] = 0;
  return true;
}

Flags BlockChain::planOf(const std::vector<const Option *> &options) const {
  Flags flags = outside;
  for (int b = 0; b < numBlocks; ++b) {
    const Group &group = groups[groupOf[b]];
    const std::vector<int> &values = blockValues[b];
    for (int p : group.alwaysRecomputed)
      flags[values[p]] = 1;
    int count = static_cast<int>(group.activations.size());
    for (int k = 0; k < count; ++k)
      if (options[b]->mask >> std::min(k, group.restBegin) & 1)
        flags[values[group.activations[k]]] = 1;
    if (options[b]->outputs)
      for (int p : group.outputs)
        flags[values[p]] = 1;
  }
  return flags;
}

void BlockChain::calibrateWith(const std::vector<const Option *> &options) {
  PlanEvaluator::Request request;
  request.opPeak = true;
  evaluator.evaluate(planOf(options), request);
  const std::vector<int64_t> &opPeak = evaluator.opPeak();
  std::vector<int64_t> waitingKept(numBlocks + 1, 0);
  for (int b = 0; b < numBlocks; ++b)
    waitingKept[b + 1] = waitingKept[b] + options[b]->kept;
  for (size_t i = 0; i < problem.ops.size(); ++i) {
    if (opPeak[i] < 0)
      continue;
    int64_t rest = opPeak[i] - waitingKept[waiting[i]];
    int block = info.blockOfOp[i];
    if (block < 0)
      untaggedBase[waiting[i]] = std::max(untaggedBase[waiting[i]], rest);
    else if (problem.ops[i].forward)
      forwardBase[block] =
          std::max(forwardBase[block], rest - options[block]->forwardPeak);
    else
      backwardBase[block] =
          std::max(backwardBase[block], rest - options[block]->backwardPeak);
  }
}

void BlockChain::calibrate() {
  forwardBase.assign(numBlocks, kUnbounded);
  backwardBase.assign(numBlocks, kUnbounded);
  untaggedBase.assign(numBlocks + 1, kUnbounded);
  std::vector<const Option *> keepAll, recomputeAll;
  for (int b = 0; b < numBlocks; ++b) {
    keepAll.push_back(&groups[groupOf[b]].keepAll);
    recomputeAll.push_back(&groups[groupOf[b]].recomputeAll);
  }
  calibrateWith(keepAll);
  calibrateWith(recomputeAll);
}

bool BlockChain::solveModel(int64_t modelBudget,
                            std::vector<const Option *> &choice) {
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
  auto unitsOf = [&](const Option &option) {
    return static_cast<int>((std::max<int64_t>(option.kept, 0) + unit / 2) /
                            unit);
  };
  for (int b = 0; b < numBlocks; ++b) {
    dropAbove(untaggedBase[b]);
    nextCosts.assign(states, infinity);
    const std::vector<Option> &front = groups[groupOf[b]].front;
    int *pick = &picks[static_cast<size_t>(b) * states];
    // For this block an option is (kept units, peak it needs, cost): keep
    // only those no cheaper option of the same kind beats on both.
    usable.clear();
    for (size_t o = 0; o < front.size(); ++o) {
      const Option &option = front[o];
      if (option.outputs && !outputsMovable[b])
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
      int64_t extra = previous ? groups[groupOf[b - 1]].outputBytes : 0;
      const double *from = &costs[previous * (kGrid + 1)];
      for (const Usable &entry : usable) {
        const Option &option = front[entry.option];
        int64_t need = entry.need + extra;
        if (need > modelBudget)
          continue;
        int kept = entry.kept;
        int64_t limit = std::min<int64_t>((modelBudget - need) / unit,
                                          kGrid - kept);
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
    const Option &option = groups[groupOf[b]].front[code / 2];
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
  std::vector<const Option *> choice;
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
  for (int tries = 0; tries < kBracketSteps && (low < 0 || high < 0);
       ++tries) {
    int outcome = attempt(model);
    if (outcome == 0) {
      high = model;
      model = std::max<int64_t>(
          0, model - std::max(peak - budget, step) - step);
      if (low >= 0)
        break;
    } else {
      low = model;
      model += outcome == 1 ? std::max(budget - peak, step) + step
                            : budget / 16 + step;
    }
  }
  for (int i = 0; i < kBisections && low >= 0 && high >= 0 &&
                  high - low > step;
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
  BlockChain chain(evaluator, info);
  if (!chain.analyze())
    return false;
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
