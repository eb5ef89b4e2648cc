//===- BlockPolicies.cpp - Repeated blocks and their policies -------------===//
//
// Rockmate's first phase (Zhao et al., ICML 2023) on gc's problems: solve
// each kind of block once. Blocks are grouped by a structural signature (op
// names with digits masked, operand wiring, sizes, costs), so the 24 encoder
// layers of a BERT form one group. A representative of each group is cut
// out as a problem of its own (its forward and backward ops; what it reads
// from outside is free, what it hands out lives to its end) and simulated
// under every policy: a subset of its activations to recompute (all subsets
// of the largest ones; tiny ones are kept, any beyond the enumerated ones
// go together), its other recomputable values always recomputed, and its
// outputs recomputed too when that is cheap (they are rebuilt from what it
// keeps, e.g. a layer norm of a kept residual). The Pareto front of
// (kept bytes, forward peak, backward peak, cost) is what the chain's
// dynamic program chooses from.
//
//===----------------------------------------------------------------------===//

#include "BlockPolicies.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
/// Activations whose subsets are enumerated, at most, and policies
/// measured over all groups, at most.
constexpr int kEnumeratedActivations = 12;
constexpr int64_t kMeasuredPolicies = 1 << 14;
/// Policies differing by less than this fraction of the block's peak are
/// not told apart.
constexpr int kFrontResolution = 256;
/// Activations under this fraction of the block's largest one are kept.
constexpr int64_t kTinyActivation = 256;
} // namespace

bool BlockStructure::findWaitingPrefixes() {
  int numOps = static_cast<int>(problem.ops.size());
  std::vector<int> lastForward(numBlocks, -1),
      firstBackward(numBlocks, INT_MAX);
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

void BlockStructure::collectBlockValues() {
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

std::string BlockStructure::signature(int block) const {
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

Problem BlockStructure::extractBlock(int block,
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
void appendParetoFront(const std::vector<BlockOption> &options,
                       int64_t tolerance, std::vector<BlockOption> &front) {
  size_t begin = front.size();
  for (const BlockOption &option : options) {
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

void BlockStructure::buildGroup(BlockGroup &group, int enumeratedBits) {
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
        outputsRecomputable &=
            problem.ops[user].forward || info.blockOfOp[user] != block;
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
    if (problem.values[values[p]].bytes * kTinyActivation >= largest)
      group.activations.push_back(p);
  int count = static_cast<int>(group.activations.size());
  group.restBegin = std::min(count, enumeratedBits);
  group.numBits = group.restBegin + (count > group.restBegin ? 1 : 0);

  std::vector<int> subOfPosition;
  Problem sub = extractBlock(block, subOfPosition);
  PlanEvaluator local(sub);
  Flags flags(sub.values.size(), 0);
  std::vector<BlockOption> options, withOutputs;
  for (uint32_t mask = 0; mask < (1u << group.numBits); ++mask) {
    std::fill(flags.begin(), flags.end(), 0);
    for (int p : group.alwaysRecomputed)
      flags[subOfPosition[p]] = 1;
    for (int k = 0; k < count; ++k)
      if (mask >> std::min(k, group.restBegin) & 1)
        flags[subOfPosition[group.activations[k]]] = 1;
    PlanEvaluator::Result result = local.evaluate(flags);
    BlockOption option;
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
  auto byCost = [](const BlockOption &a, const BlockOption &b) {
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

bool BlockStructure::analyze() {
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
  // Blocks that do not repeat gain nothing from being solved alone.
  if (groups.size() == static_cast<size_t>(numBlocks))
    return false;
  int bits = kEnumeratedActivations;
  while (bits > 1 &&
         static_cast<int64_t>(groups.size()) << bits > kMeasuredPolicies)
    --bits;
  for (BlockGroup &group : groups)
    buildGroup(group, bits);
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

Flags BlockStructure::apply(const std::vector<const BlockOption *> &policies,
                            Flags flags) const {
  for (int b = 0; b < numBlocks; ++b) {
    const BlockGroup &group = groups[groupOf[b]];
    const std::vector<int> &values = blockValues[b];
    for (int p : group.alwaysRecomputed)
      flags[values[p]] = 1;
    int count = static_cast<int>(group.activations.size());
    for (int k = 0; k < count; ++k)
      if (policies[b]->mask >> std::min(k, group.restBegin) & 1)
        flags[values[group.activations[k]]] = 1;
    if (policies[b]->outputs)
      for (int p : group.outputs)
        flags[values[p]] = 1;
  }
  return flags;
}
