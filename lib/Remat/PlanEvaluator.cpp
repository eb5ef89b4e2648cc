//===- PlanEvaluator.cpp - Fast replay of plans for the solvers -----------===//
//
// The simulator (see PlanEvaluator.h): schedule construction with clones
// resolved recursively before the op that needs them, then a replay of
// allocations and releases with the in-place rule of RematProblem.h.
//
//===----------------------------------------------------------------------===//

#include "PlanEvaluator.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

Flags detail::toFlags(const Plan &plan, size_t numValues) {
  Flags flags(numValues, 0);
  for (size_t v = 0; v < numValues && v < plan.recompute.size(); ++v)
    flags[v] = plan.recompute[v];
  return flags;
}

Plan detail::toPlan(const Flags &flags) {
  Plan plan;
  plan.recompute.assign(flags.begin(), flags.end());
  return plan;
}

PlanEvaluator::PlanEvaluator(const Problem &problem)
    : problem(problem), numValues(static_cast<int>(problem.values.size())),
      numOps(static_cast<int>(problem.ops.size())),
      recomputable(findRecomputable(problem)) {
  valueRoot.resize(numValues);
  valueAliasOf.resize(numValues);
  valueBytes.resize(numValues);
  clonable.resize(numValues);
  pinned.resize(numValues);
  persistentValue.resize(numValues);
  for (int v = 0; v < numValues; ++v) {
    const Value &value = problem.values[v];
    valueRoot[v] = problem.root(v);
    valueAliasOf[v] = value.aliasOf;
    valueBytes[v] = value.bytes;
    clonable[v] = value.producer >= 0 && problem.ops[value.producer].forward &&
                  problem.ops[value.producer].recomputable;
    pinned[v] = value.persistent || value.returned;
    persistentValue[v] = value.persistent;
    if (value.persistent && valueRoot[v] == v)
      persistentBytes += value.bytes;
  }
  operandBegin.push_back(0);
  resultBegin.push_back(0);
  inPlaceBegin.push_back(0);
  for (const Op &op : problem.ops) {
    inPlaceList.insert(inPlaceList.end(), op.inPlaceOperands.begin(),
                       op.inPlaceOperands.end());
    inPlaceBegin.push_back(static_cast<int>(inPlaceList.size()));
    operandList.insert(operandList.end(), op.operands.begin(),
                       op.operands.end());
    resultList.insert(resultList.end(), op.results.begin(), op.results.end());
    operandBegin.push_back(static_cast<int>(operandList.size()));
    resultBegin.push_back(static_cast<int>(resultList.size()));
  }
  firstBackward = problem.firstBackwardOp();
  recomputableRoot.assign(recomputable.begin(), recomputable.end());
  current.assign(numValues, -1);
  owner.assign(numValues, -1);
  cloned.assign(numOps, 0);
  opEntry.assign(numOps, -1);
}

bool PlanEvaluator::isRecomputed(int v) const {
  int r = valueRoot[v];
  return (*flags)[r] && recomputableRoot[r] && clonable[v];
}

int PlanEvaluator::resolve(int v) {
  if (!isRecomputed(v))
    return v;
  if (current[v] >= 0)
    return current[v];
  int op = problem.values[v].producer;
  // Operands first (their clones come before this one); the resolved ids
  // wait on a stack shared by the recursion.
  size_t base = resolveStack.size();
  for (int k = operandBegin[op]; k < operandBegin[op + 1]; ++k) {
    int resolved = resolve(operandList[k]);
    resolveStack.push_back(resolved);
  }
  entryOp.push_back(op);
  entryOwner.push_back(currentOwner);
  entryClone.push_back(1);
  entryOperandBegin.push_back(static_cast<int>(schedOperands.size()));
  for (size_t k = base; k < resolveStack.size(); ++k)
    schedOperands.push_back(resolveStack[k]);
  resolveStack.resize(base);
  entryResultBegin.push_back(static_cast<int>(schedResults.size()));
  for (int k = resultBegin[op]; k < resultBegin[op + 1]; ++k) {
    int result = resultList[k];
    int fresh = static_cast<int>(origin.size());
    origin.push_back(result);
    schedResults.push_back(fresh);
    if (isRecomputed(result)) {
      current[result] = fresh;
      owner[result] = currentOwner;
      touched.push_back(result);
    }
  }
  cloned[op] = 1;
  return current[v];
}

void PlanEvaluator::appendOriginal(int i) {
  bool forward = problem.ops[i].forward;
  // Clones created while resolving op i's operands belong to op i.
  currentOwner = i;
  size_t base = resolveStack.size();
  for (int k = operandBegin[i]; k < operandBegin[i + 1]; ++k) {
    int resolved = forward ? operandList[k] : resolve(operandList[k]);
    resolveStack.push_back(resolved);
  }
  opEntry[i] = static_cast<int>(entryOp.size());
  entryOp.push_back(i);
  entryOwner.push_back(i);
  entryClone.push_back(0);
  entryOperandBegin.push_back(static_cast<int>(schedOperands.size()));
  for (size_t k = base; k < resolveStack.size(); ++k)
    schedOperands.push_back(resolveStack[k]);
  resolveStack.resize(base);
  entryResultBegin.push_back(static_cast<int>(schedResults.size()));
  for (int k = resultBegin[i]; k < resultBegin[i + 1]; ++k)
    schedResults.push_back(resultList[k]);
}

void PlanEvaluator::buildSchedule() {
  for (int v : touched)
    current[v] = -1;
  touched.clear();
  std::fill(cloned.begin(), cloned.end(), 0);
  // The forward ops never change: their entries are built once and kept,
  // with the last uses they imply.
  if (prefixEntries < 0) {
    origin.resize(numValues);
    for (int v = 0; v < numValues; ++v)
      origin[v] = v;
    for (int i = 0; i < firstBackward; ++i)
      appendOriginal(i);
    prefixEntries = static_cast<int>(entryOp.size());
    prefixOperands = static_cast<int>(schedOperands.size());
    prefixResults = static_cast<int>(schedResults.size());
    forwardLastUse.assign(numValues, -1);
    for (int e = 0; e < prefixEntries; ++e)
      for (int k = entryOperandBegin[e]; k < prefixOperandEnd(e); ++k)
        forwardLastUse[schedOperands[k]] = e;
  }
  entryOp.resize(prefixEntries);
  entryOwner.resize(prefixEntries);
  entryClone.resize(prefixEntries);
  entryOperandBegin.resize(prefixEntries);
  entryResultBegin.resize(prefixEntries);
  schedOperands.resize(prefixOperands);
  schedResults.resize(prefixResults);
  origin.resize(numValues);
  for (int i = firstBackward; i < numOps; ++i)
    appendOriginal(i);
  entryOperandBegin.push_back(static_cast<int>(schedOperands.size()));
  entryResultBegin.push_back(static_cast<int>(schedResults.size()));
}

void PlanEvaluator::replay(bool stopAtPeak, int64_t peak, int peakEntry,
                           const Request &request, Result &result) {
  const int numEntries = static_cast<int>(entryOp.size());
  std::fill(refs.begin(), refs.end(), 0);
  int *refCount = refs.data();
  const int *rootOf = root.data(), *originOf = origin.data();
  const int *last = lastUse.data(), *operands = schedOperands.data(),
            *results = schedResults.data();
  const int *operandsBegin = entryOperandBegin.data(),
            *resultsBegin = entryResultBegin.data();
  const int64_t *bytes = valueBytes.data();
  const char *neverReleased = pinned.data();
  const int originals = numValues;
  int64_t live = persistentBytes;
  // Arguments and returned values (and their roots) are never released.
  auto release = [&](int v) {
    if (v < originals && neverReleased[v])
      return;
    int r = rootOf[v];
    if (r < originals && neverReleased[r])
      return;
    if (--refCount[r] == 0 && rootOf[r] == r)
      live -= bytes[originOf[r]];
  };
  const int *inPlace = inPlaceList.data(), *inPlaceStart = inPlaceBegin.data();
  const int *entryOps = entryOp.data();
  for (int e = 0; e < numEntries; ++e) {
    // Forward entries are the fixed prefix; clones only occur after it.
    bool forwardEntry = e < prefixEntries;
    if (e == prefixEntries)
      result.boundaryLive = live;
    int begin = operandsBegin[e], end = operandsBegin[e + 1];
    auto diesHere = [&](int k) {
      int operand = operands[k];
      if (last[operand] != e)
        return false;
      for (int j = begin; j < k; ++j)
        if (operands[j] == operand)
          return false;
      return true;
    };
    // In place (RematProblem.cpp's rule): the first candidate operand whose
    // buffer dies here is released before the results are allocated.
    int inPlaceRoot = -1;
    const int op = entryOps[e];
    for (int c = inPlaceStart[op]; c < inPlaceStart[op + 1]; ++c) {
      int candidate = operands[begin + inPlace[c]];
      int r = rootOf[candidate];
      if ((candidate < originals && neverReleased[candidate]) ||
          (r < originals && neverReleased[r]))
        continue;
      int dying = 0;
      for (int k = begin; k < end; ++k)
        dying += diesHere(k) && rootOf[operands[k]] == r;
      if (dying > 0 && refCount[r] == dying) {
        inPlaceRoot = r;
        for (int k = begin; k < end; ++k)
          if (diesHere(k) && rootOf[operands[k]] == r)
            release(operands[k]);
        break;
      }
    }
    for (int k = resultsBegin[e]; k < resultsBegin[e + 1]; ++k) {
      int r = results[k];
      int rr = rootOf[r];
      if (refCount[rr]++ != 0 || rr != r)
        continue;
      live += bytes[originOf[rr]];
      if (stopAtPeak) {
        if (e == peakEntry && live == peak)
          return;
        continue;
      }
      if (live > result.peakBytes) {
        result.peakBytes = live;
        result.peakEntry = e;
      }
      int64_t &phase = forwardEntry ? result.forwardPeak : result.backwardPeak;
      phase = std::max(phase, live);
      if (request.opPeak) {
        int64_t &at = opPeaks[entryOwner[e]];
        at = std::max(at, live);
      }
    }
    for (int k = begin; k < end; ++k)
      if (diesHere(k) && rootOf[operands[k]] != inPlaceRoot)
        release(operands[k]);
    for (int k = resultsBegin[e]; k < resultsBegin[e + 1]; ++k)
      if (last[results[k]] < 0)
        release(results[k]);
  }
  if (numEntries == prefixEntries)
    result.boundaryLive = live;
}

PlanEvaluator::Result PlanEvaluator::evaluate(const Flags &planFlags,
                                              const Request &request) {
  flags = &planFlags;
  ++numEvaluations;
  buildSchedule();

  int count = static_cast<int>(origin.size());
  int numEntries = static_cast<int>(entryOp.size());
  replayed += count + numEntries;
  // Forward entries read and write original values only: their last uses
  // are cached and their aliases have their problem roots.
  lastUse.resize(count);
  std::copy(forwardLastUse.begin(), forwardLastUse.end(), lastUse.begin());
  std::fill(lastUse.begin() + numValues, lastUse.end(), -1);
  root.resize(count);
  std::copy(valueRoot.begin(), valueRoot.end(), root.begin());
  for (int e = prefixEntries; e < numEntries; ++e) {
    int begin = entryOperandBegin[e], end = entryOperandBegin[e + 1];
    for (int k = begin; k < end; ++k)
      lastUse[schedOperands[k]] = e;
    for (int k = entryResultBegin[e]; k < entryResultBegin[e + 1]; ++k) {
      int r = schedResults[k];
      if (r >= numValues)
        root[r] = r;
      int aliasOf = valueAliasOf[origin[r]];
      if (aliasOf < 0)
        continue;
      for (int j = begin; j < end; ++j)
        if (valueRoot[origin[schedOperands[j]]] == aliasOf)
          root[r] = root[schedOperands[j]];
    }
  }
  refs.assign(count, 0);
  if (request.opPeak)
    opPeaks.assign(numOps, -1);

  Result result;
  replay(false, 0, -1, request, result);
  result.peakBytes = std::max(result.peakBytes, persistentBytes);
  for (int e = 0; e < numEntries; ++e)
    if (entryClone[e]) {
      result.recomputeCost += problem.ops[entryOp[e]].cost;
      result.recomputeFlops += problem.ops[entryOp[e]].flops;
    }
  if (result.peakEntry >= 0) {
    result.peakOp = entryOp[result.peakEntry];
    result.peakIsClone = entryClone[result.peakEntry];
  }

  livePeak.clear();
  if (request.liveAtPeak && result.peakEntry >= 0) {
    Result scratch;
    replay(true, result.peakBytes, result.peakEntry, Request(), scratch);
    for (int v = 0; v < count; ++v)
      if (refs[v] > 0 && root[v] == v && !(v < numValues && persistentValue[v]))
        livePeak.push_back(origin[v]);
  }
  return result;
}

void PlanEvaluator::entryValues(int entry, std::vector<int> &out) const {
  out.clear();
  if (entry < 0)
    return;
  for (int k = entryOperandBegin[entry]; k < entryOperandBegin[entry + 1]; ++k)
    out.push_back(origin[schedOperands[k]]);
  for (int k = entryResultBegin[entry]; k < entryResultBegin[entry + 1]; ++k)
    out.push_back(origin[schedResults[k]]);
}

Schedule PlanEvaluator::exportSchedule() const {
  Schedule schedule;
  schedule.valueOrigin = origin;
  int numEntries = static_cast<int>(entryOp.size());
  schedule.entries.reserve(numEntries);
  for (int e = 0; e < numEntries; ++e) {
    Schedule::Entry entry{entryOp[e], entryClone[e] != 0, {}, {}};
    entry.operands.assign(schedOperands.begin() + entryOperandBegin[e],
                          schedOperands.begin() + entryOperandBegin[e + 1]);
    entry.results.assign(schedResults.begin() + entryResultBegin[e],
                         schedResults.begin() + entryResultBegin[e + 1]);
    schedule.entries.push_back(std::move(entry));
  }
  return schedule;
}
