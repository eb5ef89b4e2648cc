//===- RematProblem.cpp - Schedules and the memory simulator --------------===//
//
// buildSchedule turns a plan into the op sequence that runs (clones placed
// on demand before the backward op that needs them); simulate replays a
// schedule with reference-counted buffers, the same accounting the CPU
// executor's MemoryTracker performs, and reports the peak.
//
//===----------------------------------------------------------------------===//

#include "gc/Transforms/Remat/RematProblem.h"

#include <algorithm>
#include <functional>

using namespace gc::remat;

std::string Problem::validate() const {
  bool inBackward = false;
  std::vector<int> definedAt(values.size(), -2);
  for (size_t v = 0; v < values.size(); ++v) {
    if (values[v].persistent)
      definedAt[v] = -1;
    int alias = values[v].aliasOf;
    if (alias >= 0 && (alias >= static_cast<int>(values.size()) ||
                       values[alias].aliasOf >= 0))
      return "value '" + values[v].name +
             "' aliases a value that is not a root buffer";
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op &op = ops[i];
    if (!op.forward)
      inBackward = true;
    else if (inBackward)
      return "forward op '" + op.name + "' comes after a backward op";
    for (int operand : op.operands)
      if (operand < 0 || operand >= static_cast<int>(values.size()) ||
          definedAt[operand] == -2)
        return "op '" + op.name + "' reads a value defined after it";
    for (int result : op.results) {
      if (result < 0 || result >= static_cast<int>(values.size()) ||
          values[result].producer != static_cast<int>(i))
        return "op '" + op.name + "' has a result whose producer is not it";
      definedAt[result] = static_cast<int>(i);
    }
  }
  return "";
}

int Problem::firstBackwardOp() const {
  for (size_t i = 0; i < ops.size(); ++i)
    if (!ops[i].forward)
      return static_cast<int>(i);
  return static_cast<int>(ops.size());
}

std::vector<bool> gc::remat::findRecomputable(const Problem &problem) {
  std::vector<bool> recomputable(problem.values.size(), false);
  for (size_t v = 0; v < problem.values.size(); ++v) {
    const Value &value = problem.values[v];
    if (value.aliasOf >= 0 || value.producer < 0)
      continue;
    const Op &op = problem.ops[value.producer];
    recomputable[v] = op.forward && op.recomputable;
  }
  return recomputable;
}

std::vector<int> gc::remat::findActivations(const Problem &problem) {
  std::vector<bool> isActivation(problem.values.size(), false);
  for (size_t i = problem.firstBackwardOp(); i < problem.ops.size(); ++i)
    for (int operand : problem.ops[i].operands) {
      int root = problem.root(operand);
      const Value &value = problem.values[root];
      if (!value.persistent && value.producer >= 0 &&
          problem.ops[value.producer].forward)
        isActivation[root] = true;
    }
  std::vector<int> activations;
  for (size_t v = 0; v < isActivation.size(); ++v)
    if (isActivation[v])
      activations.push_back(static_cast<int>(v));
  return activations;
}

Schedule gc::remat::buildSchedule(const Problem &problem, const Plan &plan) {
  Schedule schedule;
  size_t numValues = problem.values.size();
  schedule.valueOrigin.resize(numValues);
  for (size_t v = 0; v < numValues; ++v)
    schedule.valueOrigin[v] = static_cast<int>(v);

  std::vector<bool> recomputable = findRecomputable(problem);
  // A value is recomputed when its root is flagged and both the root's and
  // the value's producers may be cloned (an alias follows its root).
  auto isRecomputed = [&](int v) {
    int root = problem.root(v);
    if (root >= static_cast<int>(plan.recompute.size()) ||
        !plan.recompute[root] || !recomputable[root])
      return false;
    int producer = problem.values[v].producer;
    return producer >= 0 && problem.ops[producer].forward &&
           problem.ops[producer].recomputable;
  };

  // The live clone of each recomputed problem value, once materialized.
  std::vector<int> current(numValues, -1);
  std::function<int(int)> resolve = [&](int v) -> int {
    if (!isRecomputed(v))
      return v;
    if (current[v] >= 0)
      return current[v];
    const Op &op = problem.ops[problem.values[v].producer];
    Schedule::Entry entry{problem.values[v].producer, true, {}, {}};
    for (int operand : op.operands)
      entry.operands.push_back(resolve(operand));
    for (int result : op.results) {
      int fresh = static_cast<int>(schedule.valueOrigin.size());
      schedule.valueOrigin.push_back(result);
      entry.results.push_back(fresh);
      if (isRecomputed(result))
        current[result] = fresh;
    }
    schedule.entries.push_back(std::move(entry));
    return current[v];
  };

  for (size_t i = 0; i < problem.ops.size(); ++i) {
    const Op &op = problem.ops[i];
    Schedule::Entry entry{static_cast<int>(i), false, op.operands, op.results};
    if (!op.forward)
      for (int &operand : entry.operands)
        operand = resolve(operand);
    schedule.entries.push_back(std::move(entry));
  }
  return schedule;
}

namespace {
/// Replays a schedule's allocations and releases.
class Replay {
public:
  Replay(const Problem &problem, const Schedule &schedule)
      : problem(problem), schedule(schedule) {
    size_t count = schedule.valueOrigin.size();
    lastUse.assign(count, -1);
    root.resize(count);
    for (size_t v = 0; v < problem.values.size(); ++v)
      root[v] = problem.root(static_cast<int>(v));
    for (size_t e = 0; e < schedule.entries.size(); ++e) {
      const Schedule::Entry &entry = schedule.entries[e];
      for (int operand : entry.operands)
        lastUse[operand] = static_cast<int>(e);
      // An alias result shares the buffer of the operand that holds the
      // alias's root: for a clone, or for a backward reshape of a recomputed
      // value, that operand is a clone, not the released original.
      for (int result : entry.results) {
        int origin = schedule.valueOrigin[result];
        if (result >= static_cast<int>(problem.values.size()))
          root[result] = result;
        int aliasOf = problem.values[origin].aliasOf;
        if (aliasOf < 0)
          continue;
        for (int operand : entry.operands)
          if (problem.root(schedule.valueOrigin[operand]) == aliasOf)
            root[result] = root[operand];
      }
    }
    refs.assign(count, 0);
  }

  int64_t bytesOf(int v) const {
    return root[v] == v ? problem.values[schedule.valueOrigin[v]].bytes : 0;
  }
  bool isOriginal(int v) const {
    return v < static_cast<int>(problem.values.size());
  }
  bool neverReleased(int v) const {
    return isOriginal(v) &&
           (problem.values[v].persistent || problem.values[v].returned);
  }

  /// Runs entries [0, stopAfterAllocation] (the whole schedule when -1),
  /// calling onAllocate(entry) after each allocation.
  template <typename OnAllocate> void run(OnAllocate onAllocate) {
    live = 0;
    for (size_t v = 0; v < problem.values.size(); ++v)
      if (problem.values[v].persistent && root[v] == static_cast<int>(v))
        live += problem.values[v].bytes;
    persistent = live;
    for (size_t e = 0; e < schedule.entries.size(); ++e) {
      const Schedule::Entry &entry = schedule.entries[e];
      auto diesHere = [&](size_t k) {
        int operand = entry.operands[k];
        bool repeated =
            std::find(entry.operands.begin(), entry.operands.begin() + k,
                      operand) != entry.operands.begin() + k;
        return !repeated && lastUse[operand] == static_cast<int>(e);
      };
      // In place: the first candidate operand whose buffer dies here frees
      // it (every value of that buffer dying here) before the allocation.
      int inPlaceRoot = -1;
      for (int k : problem.ops[entry.op].inPlaceOperands) {
        int r = root[entry.operands[k]];
        if (neverReleased(entry.operands[k]) || neverReleased(r) ||
            (isOriginal(entry.operands[k]) &&
             problem.values[entry.operands[k]].persistent))
          continue;
        int dying = 0;
        for (size_t j = 0; j < entry.operands.size(); ++j)
          dying += diesHere(j) && root[entry.operands[j]] == r;
        if (dying > 0 && refs[r] == dying) {
          inPlaceRoot = r;
          for (size_t j = 0; j < entry.operands.size(); ++j)
            if (diesHere(j) && root[entry.operands[j]] == r)
              release(entry.operands[j]);
          break;
        }
      }
      for (int result : entry.results) {
        int r = root[result];
        if (refs[r]++ == 0 && r == result) {
          live += bytesOf(r);
          if (!onAllocate(static_cast<int>(e)))
            return;
        }
      }
      for (size_t k = 0; k < entry.operands.size(); ++k)
        if (diesHere(k) && root[entry.operands[k]] != inPlaceRoot)
          release(entry.operands[k]);
      for (int result : entry.results)
        if (lastUse[result] < 0)
          release(result);
    }
  }

  void release(int v) {
    if (neverReleased(v) || (isOriginal(v) && problem.values[v].persistent))
      return;
    int r = root[v];
    if (neverReleased(r))
      return;
    if (--refs[r] == 0)
      live -= bytesOf(r);
  }

  const Problem &problem;
  const Schedule &schedule;
  std::vector<int> lastUse, root, refs;
  int64_t live = 0, persistent = 0;
};
} // namespace

MemoryProfile gc::remat::simulate(const Problem &problem,
                                  const Schedule &schedule) {
  MemoryProfile profile;
  {
    Replay replay(problem, schedule);
    replay.run([&](int entry) {
      if (replay.live > profile.peakBytes) {
        profile.peakBytes = replay.live;
        profile.peakEntry = entry;
      }
      return true;
    });
    profile.persistentBytes = replay.persistent;
    profile.peakBytes = std::max(profile.peakBytes, replay.persistent);
  }
  for (const Schedule::Entry &entry : schedule.entries)
    if (entry.clone) {
      profile.recomputeCost += problem.ops[entry.op].cost;
      profile.recomputeFlops += problem.ops[entry.op].flops;
    }

  // Replay up to the peak to list what is live there.
  if (profile.peakEntry >= 0) {
    Replay replay(problem, schedule);
    replay.run([&](int entry) {
      return !(entry == profile.peakEntry && replay.live == profile.peakBytes);
    });
    for (size_t v = 0; v < replay.refs.size(); ++v)
      if (replay.refs[v] > 0 && replay.root[v] == static_cast<int>(v) &&
          !(replay.isOriginal(v) && problem.values[v].persistent))
        profile.liveAtPeak.push_back(schedule.valueOrigin[v]);
  }
  return profile;
}

MemoryProfile gc::remat::simulatePlan(const Problem &problem,
                                      const Plan &plan) {
  return simulate(problem, buildSchedule(problem, plan));
}
