//===- SolverSupport.cpp - Shared pieces of the remat solvers -------------===//
//
// The per-problem facts of ProblemInfo, the incumbent bookkeeping, and the
// packing of a Solution, which always measures the returned plan with the
// reference simulator.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

ProblemInfo::ProblemInfo(const Problem &problem)
    : problem(problem), firstBackward(problem.firstBackwardOp()),
      recomputable(findRecomputable(problem)) {
  int numValues = static_cast<int>(problem.values.size());
  int numOps = static_cast<int>(problem.ops.size());
  isActivation.assign(numValues, 0);
  for (int v : findActivations(problem))
    isActivation[v] = 1;
  clonable.assign(numValues, 0);
  rootReturned.assign(numValues, 0);
  for (int v = 0; v < numValues; ++v) {
    const Value &value = problem.values[v];
    clonable[v] = value.producer >= 0 && problem.ops[value.producer].forward &&
                  problem.ops[value.producer].recomputable;
    if (value.returned)
      rootReturned[problem.root(v)] = 1;
  }

  users.assign(numValues, {});
  lastForwardUse.assign(numValues, -1);
  firstBackwardUse.assign(numValues, INT_MAX);
  lastBackwardUse.assign(numValues, -1);
  for (int v = 0; v < numValues; ++v)
    lastForwardUse[v] = problem.values[v].producer;
  for (int i = 0; i < numOps; ++i)
    for (int operand : problem.ops[i].operands) {
      int root = problem.root(operand);
      std::vector<int> &list = users[root];
      if (!list.empty() && list.back() == i)
        continue;
      list.push_back(i);
      if (problem.ops[i].forward) {
        lastForwardUse[root] = std::max(lastForwardUse[root], i);
      } else {
        firstBackwardUse[root] = std::min(firstBackwardUse[root], i);
        lastBackwardUse[root] = std::max(lastBackwardUse[root], i);
      }
    }

  // Candidates: what resolve() in buildSchedule can reach from a backward
  // use of a recomputable activation.
  isCandidate.assign(numValues, 0);
  std::vector<char> visited(numValues, 0);
  std::vector<int> work;
  for (int v = 0; v < numValues; ++v)
    if (isActivation[v] && recomputable[v])
      work.push_back(v);
  while (!work.empty()) {
    int v = work.back();
    work.pop_back();
    if (visited[v])
      continue;
    visited[v] = 1;
    int root = problem.root(v);
    if (!recomputable[root] || !clonable[v])
      continue;
    isCandidate[root] = 1;
    work.push_back(root);
    for (int operand : problem.ops[problem.values[v].producer].operands)
      work.push_back(operand);
  }
  for (int v = 0; v < numValues; ++v)
    if (isCandidate[v])
      candidates.push_back(v);

  blockOfOp.assign(numOps, -1);
  std::vector<std::pair<int64_t, int>> tagIndex;
  for (int i = 0; i < numOps; ++i) {
    int64_t tag = problem.ops[i].block;
    if (tag < 0)
      continue;
    auto it = std::find_if(tagIndex.begin(), tagIndex.end(),
                           [&](auto &entry) { return entry.first == tag; });
    if (it != tagIndex.end()) {
      blockOfOp[i] = it->second;
    } else if (problem.ops[i].forward) {
      blockOfOp[i] = static_cast<int>(blockTags.size());
      tagIndex.push_back({tag, blockOfOp[i]});
      blockTags.push_back(tag);
    }
  }
  // Forward ops come first, so a tag seen first on a backward op has no
  // forward op: it names no block and its ops count as untagged.
}

bool ProblemInfo::isBlockOutput(int v) const {
  int block = blockOfValue(v);
  if (block < 0)
    return false;
  if (rootReturned[v])
    return true;
  for (int user : users[v])
    if (blockOfOp[user] != block)
      return true;
  return false;
}

bool Incumbent::offer(const Flags &flags, int64_t peak, double cost,
                      int64_t budget) {
  if (peak < lowestPeak || (peak == lowestPeak && cost < lowestCost)) {
    lowest = flags;
    lowestPeak = peak;
    lowestCost = cost;
  }
  if (peak > budget || cost >= bestCost)
    return false;
  best = flags;
  bestCost = cost;
  bestPeak = peak;
  return true;
}

Solution detail::finishSolution(const Problem &problem, const Flags &flags,
                                int64_t budget, const std::string &solver,
                                Clock::time_point start,
                                std::optional<double> gap) {
  Solution solution;
  solution.plan = toPlan(flags);
  solution.plan.recompute.resize(problem.values.size(), false);
  solution.profile = simulatePlan(problem, solution.plan);
  solution.feasible = solution.profile.peakBytes <= budget;
  solution.solver = solver;
  solution.optimalityGap = gap;
  solution.solveSeconds = secondsSince(start);
  return solution;
}
