//===- SearchCover.cpp - The covering bound of the exact search -----------===//
//
// The cost bound of SearchBounds beyond the completion's own cost. Where
// the interval bound with all undecided activations kept exceeds the
// budget, the flagged ones must free the difference. Every undecided
// activation flagged clones its producer and some of the non-activations
// it is computed from, keeping the rest live until its clone: it frees its
// bytes minus the non-activations it keeps. Each way of recomputing it
// (which non-activations to recompute, which to keep) is an option with a
// cost and the bytes it frees. Choosing at most one option per activation
// to cover the excess at least cost is a multiple-choice knapsack; its
// linear relaxation (Sinha and Zoltners, 1979: the convex hull of each
// activation's options, then increments by cost per byte) is a valid lower
// bound on the extra cost, and where it binds, so is the knapsack's integer
// optimum, computed by dynamic programming over bytes rounded in the
// bound's favour. The cost of an op with several results, and the bytes of
// values several activations may keep, are divided among them, so no
// completion pays less than the bound charges.
//
//===----------------------------------------------------------------------===//

#include "SearchBounds.h"

#include <algorithm>
#include <cmath>
#include <functional>

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
/// Ways to recompute one activation beyond which a single optimistic
/// option (recompute only its producer, keep nothing) stands for all.
constexpr int kMaxConfigurations = 32;
/// Resolution of the integer covering knapsack.
constexpr int kCoverUnits = 256;
/// Segments (highest relaxed bound first) where it is computed.
constexpr size_t kIntegerCovers = 1;
} // namespace

void SearchBounds::enumerateConfigurations(int index) {
  // The non-activations the activation's recomputation can reach, with
  // what each reads among them; ascending index is readers first.
  auto readsOf = [&](int i) {
    std::vector<int> reads;
    for (int operand :
         problem.ops[problem.values[variables[i].value].producer].operands) {
      int root = problem.root(operand);
      int j = indexOf[root];
      if (j >= 0 && info.clonable[operand] && !variables[j].activation &&
          std::find(reads.begin(), reads.end(), j) == reads.end())
        reads.push_back(j);
    }
    return reads;
  };
  std::vector<int> closure = {index};
  for (size_t k = 0; k < closure.size(); ++k)
    for (int j : readsOf(closure[k]))
      if (std::find(closure.begin(), closure.end(), j) == closure.end())
        closure.push_back(j);
  std::sort(closure.begin() + 1, closure.end());
  std::vector<std::vector<int>> reads;
  for (int i : closure)
    reads.push_back(readsOf(i));

  Variable &activation = variables[index];
  // state[k]: 0 unreached, 1 recomputed, 2 kept.
  std::vector<int> state(closure.size(), 0);
  state[0] = 1;
  // An activation that may never be cloned keeps nothing for certain: one
  // optimistic option stands for it, as for too many options.
  bool overflow = !activation.clonedWhenFlagged;
  auto emit = [&] {
    if (activation.configurations.size() >= kMaxConfigurations) {
      overflow = true;
      return;
    }
    Configuration configuration;
    if (activation.clonedWhenFlagged)
      configuration.cloned.push_back(index);
    for (size_t k = 1; k < closure.size(); ++k) {
      if (state[k] == 1) {
        configuration.cloned.push_back(closure[k]);
      } else if (state[k] == 2) {
        // Live until the last of its recomputed readers' clones.
        Kept kept{closure[k], 0, false, 0};
        for (size_t m = 0; m < closure.size(); ++m) {
          if (state[m] != 1 || std::find(reads[m].begin(), reads[m].end(),
                                         closure[k]) == reads[m].end())
            continue;
          if (m == 0)
            kept.direct = true;
          else
            kept.until =
                std::max(kept.until, variables[closure[m]].earliestClone);
        }
        configuration.kept.push_back(kept);
      }
    }
    activation.configurations.push_back(std::move(configuration));
  };
  std::function<void(size_t)> visit = [&](size_t k) {
    if (overflow)
      return;
    if (k == closure.size()) {
      emit();
      return;
    }
    bool reached = false;
    for (size_t m = 0; m < k && !reached; ++m)
      reached = state[m] == 1 && std::find(reads[m].begin(), reads[m].end(),
                                           closure[k]) != reads[m].end();
    if (!reached) {
      state[k] = 0;
      visit(k + 1);
      return;
    }
    for (int choice : {2, 1}) {
      state[k] = choice;
      visit(k + 1);
    }
    state[k] = 0;
  };
  if (!overflow)
    visit(1);
  if (overflow) {
    activation.configurations.clear();
    Configuration optimistic;
    if (activation.clonedWhenFlagged)
      optimistic.cloned.push_back(index);
    activation.configurations.push_back(optimistic);
  }
  for (size_t k = 1; k < closure.size(); ++k)
    closureUses[closure[k]] += 1;
}

void SearchBounds::shareCosts() {
  // An op's cost is split among its results that may be charged, in
  // proportion to their bytes (so that recomputing a layer norm for its
  // output is charged nearly all of it, and for its statistics nearly
  // nothing; any set of results is charged at most the cost). A
  // non-activation's part is split again among the activations that may
  // recompute it. Kept bytes are split likewise.
  std::vector<double> chargedBytes(problem.ops.size(), 0);
  std::vector<int> chargedCount(problem.ops.size(), 0);
  auto charged = [&](const Variable &variable) {
    return variable.activation
               ? !variable.configurations.empty() && variable.clonedWhenFlagged
               : closureUses[indexOf[variable.value]] > 0;
  };
  for (const Variable &variable : variables)
    if (charged(variable)) {
      int op = problem.values[variable.value].producer;
      chargedBytes[op] += static_cast<double>(variable.bytes);
      chargedCount[op] += 1;
    }
  costShare.assign(variables.size(), 0);
  for (int i = 0; i < size(); ++i) {
    const Variable &variable = variables[i];
    if (!charged(variable))
      continue;
    int op = problem.values[variable.value].producer;
    double part = chargedBytes[op] > 0
                      ? static_cast<double>(variable.bytes) / chargedBytes[op]
                      : 1.0 / chargedCount[op];
    costShare[i] = problem.ops[op].cost * part /
                   (variable.activation ? 1 : closureUses[i]);
  }
  for (Variable &variable : variables)
    for (Configuration &configuration : variable.configurations)
      for (Kept &kept : configuration.kept)
        kept.bytes = static_cast<double>(variables[kept.variable].bytes) /
                     closureUses[kept.variable];
}

void SearchBounds::collectOptions(int segment,
                                  const std::vector<char> &cloned) {
  options.clear();
  optionBegin.assign(1, 0);
  for (int index : segmentCover[segment]) {
    if (decision[index] >= 0)
      continue;
    const Variable &activation = variables[index];
    int clone = cloneTime(index);
    for (const Configuration &configuration : activation.configurations) {
      Step option{static_cast<double>(activation.bytes), 0};
      for (int member : configuration.cloned)
        option.cost += cloned[problem.values[variables[member].value].producer]
                           ? 0
                           : costShare[member];
      for (const Kept &kept : configuration.kept)
        if (cuts[segment] > variables[kept.variable].lastForward &&
            cuts[segment] < std::max(kept.direct ? clone : 0, kept.until))
          option.bytes -= kept.bytes;
      if (option.bytes > 0)
        options.push_back(option);
    }
    optionBegin.push_back(static_cast<int>(options.size()));
  }
}

double SearchBounds::relaxedCover(double need) {
  // Each activation's options on the lower convex hull from "not flagged"
  // (0, 0) become steps freeing more at a higher cost per byte.
  steps.clear();
  for (size_t c = 0; c + 1 < optionBegin.size(); ++c) {
    Step at{0, 0};
    while (true) {
      const Step *next = nullptr;
      for (int k = optionBegin[c]; k < optionBegin[c + 1]; ++k) {
        const Step &option = options[k];
        if (option.bytes <= at.bytes)
          continue;
        if (!next || (option.cost - at.cost) * (next->bytes - at.bytes) <
                         (next->cost - at.cost) * (option.bytes - at.bytes))
          next = &option;
      }
      if (!next)
        break;
      steps.push_back({next->bytes - at.bytes, next->cost - at.cost});
      at = *next;
    }
  }
  std::sort(steps.begin(), steps.end(), [](const Step &a, const Step &b) {
    return a.cost * b.bytes < b.cost * a.bytes;
  });
  double cost = 0;
  for (const Step &step : steps) {
    double take = std::min(step.bytes, need);
    cost += step.cost * take / step.bytes;
    need -= take;
    if (need <= 0)
      return cost;
  }
  return std::numeric_limits<double>::infinity();
}

double SearchBounds::integerCover(double need) {
  // Bytes in units of need / kCoverUnits, freed rounded up and the need
  // down, so that every real cover is still a cover.
  double unit = need / kCoverUnits;
  const double infinity = std::numeric_limits<double>::infinity();
  cover.assign(kCoverUnits + 1, infinity);
  cover[0] = 0;
  for (size_t c = 0; c + 1 < optionBegin.size(); ++c) {
    nextCover = cover;
    for (int k = optionBegin[c]; k < optionBegin[c + 1]; ++k) {
      int units = static_cast<int>(std::ceil(options[k].bytes / unit));
      for (int u = 0; u <= kCoverUnits; ++u) {
        if (cover[u] == infinity)
          continue;
        int to = std::min(kCoverUnits, u + units);
        nextCover[to] = std::min(nextCover[to], cover[u] + options[k].cost);
      }
    }
    cover.swap(nextCover);
  }
  return cover[kCoverUnits];
}

double SearchBounds::costBound(double completionCost,
                               const std::vector<char> &cloned) {
  double extra = 0;
  relaxed.clear();
  for (size_t s = 0; s < segmentBase.size(); ++s) {
    int64_t need =
        segmentBase[s] + segmentKept[s] + segmentUndecided[s] - budget;
    if (need <= 0)
      continue;
    collectOptions(static_cast<int>(s), cloned);
    double cost = relaxedCover(static_cast<double>(need));
    if (cost == std::numeric_limits<double>::infinity())
      return cost;
    extra = std::max(extra, cost);
    relaxed.push_back({static_cast<double>(s), cost});
  }
  // Where the relaxation binds, the integer cover is tighter.
  std::sort(relaxed.begin(), relaxed.end(),
            [](const Step &a, const Step &b) { return a.cost > b.cost; });
  for (size_t k = 0; k < relaxed.size() && k < kIntegerCovers; ++k) {
    int s = static_cast<int>(relaxed[k].bytes);
    int64_t need =
        segmentBase[s] + segmentKept[s] + segmentUndecided[s] - budget;
    collectOptions(s, cloned);
    extra = std::max(extra, integerCover(static_cast<double>(need)));
  }
  return completionCost + extra;
}
