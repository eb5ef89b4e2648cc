//===- SearchBounds.cpp - Lower bounds for the exact search ---------------===//
//
// Why the interval and cost bounds hold, from the rules of buildSchedule
// and the simulator (the covering bound is in SearchCover.cpp):
//  - Live intervals. In every plan a value is live from its definition to
//    its last forward use, and (as a clone or the original) from its first
//    to its last backward use (an interval that ends at an op which may
//    write in place into the value ends one op earlier: the value may be
//    released before that op allocates); a kept activation is also live in
//    between
//    (its "gap"). A kept non-activation read by a flagged candidate R stays
//    live until R's clone, which cannot come before R's first backward use
//    or the clone of a flagged value reading R (readers are decided first,
//    so this is known). Conversely a flagged activation's clone exists from
//    the first backward use of any flagged value reading it on. Summed at
//    each op that allocates, these give a lower bound on the peak that only
//    grows as decisions are made.
//  - Costs. The ops a plan clones are the producers of flagged values that
//    backward ops reach through flagged operands, each cloned once. The
//    completion keeping every undecided value clones a subset of what any
//    other completion clones, so its cost (measured by the simulator) is a
//    lower bound.
//
// The timeline is split at every interval end the bounds use, so each
// segment's bound moves as a whole and one maximum per segment suffices.
//
//===----------------------------------------------------------------------===//

#include "SearchBounds.h"

#include <algorithm>

using namespace gc::remat;
using namespace gc::remat::detail;

SearchBounds::SearchBounds(const ProblemInfo &info, int64_t persistentBytes,
                           int64_t budget)
    : info(info), problem(info.problem), budget(budget) {
  int numOps = static_cast<int>(problem.ops.size());
  std::vector<int64_t> delta(numOps + 1, 0);
  addVariables(delta);
  orderVariables();
  closureUses.assign(variables.size(), 0);
  for (int i = 0; i < size(); ++i)
    if (variables[i].activation && variables[i].gapBegin <= variables[i].gapEnd)
      enumerateConfigurations(i);
  shareCosts();
  std::vector<int64_t> base(numOps, 0);
  int64_t running = persistentBytes;
  for (int i = 0; i < numOps; ++i) {
    running += delta[i];
    base[i] = running;
  }
  buildTimeline(base);
  decision.assign(variables.size(), -1);
}

void SearchBounds::addVariables(std::vector<int64_t> &delta) {
  int numOps = static_cast<int>(problem.ops.size());
  int last = numOps - 1;
  // Whether op `i` may write in place into (a view of) root value `v`.
  auto inPlaceInto = [&](int i, int v) {
    if (i < 0 || i >= numOps)
      return false;
    const Op &op = problem.ops[i];
    for (int k : op.inPlaceOperands)
      if (problem.root(op.operands[k]) == v)
        return true;
    return false;
  };
  int currentValue = -1;
  auto addRange = [&](int begin, int end, int64_t bytes) {
    if (end > begin && inPlaceInto(end, currentValue))
      --end;
    if (begin < 0 || begin > end || bytes == 0)
      return;
    delta[begin] += bytes;
    delta[end + 1] -= bytes;
  };
  for (size_t v = 0; v < problem.values.size(); ++v) {
    const Value &value = problem.values[v];
    if (value.aliasOf >= 0 || value.persistent || value.producer < 0)
      continue;
    currentValue = static_cast<int>(v);
    int def = value.producer;
    bool returned = info.rootReturned[v];
    int lastForward = info.lastForwardUse[v];
    int firstBackward = info.firstBackwardUse[v];
    int lastBackward = info.lastBackwardUse[v];
    if (!info.isCandidate[v]) {
      addRange(def, returned ? last : std::max(lastForward, lastBackward),
               value.bytes);
      continue;
    }
    // Backward uses read a clone, unless through a forward alias that
    // cannot be cloned: then the original serves them and a clone need not
    // cover them all.
    bool mixed = false, cloned = false;
    for (int user : info.users[v]) {
      if (problem.ops[user].forward)
        continue;
      for (int operand : problem.ops[user].operands) {
        if (problem.root(operand) != static_cast<int>(v))
          continue;
        bool throughClone =
            operand == static_cast<int>(v) || info.clonable[operand] ||
            !problem.ops[problem.values[operand].producer].forward;
        cloned |= throughClone;
        mixed |= !throughClone;
      }
    }
    Variable variable;
    variable.value = static_cast<int>(v);
    variable.activation = info.isActivation[v];
    variable.bytes = value.bytes;
    variable.lastForward = lastForward;
    variable.firstBackward = firstBackward;
    variable.earliestClone = firstBackward;
    variable.clonedWhenFlagged = cloned;
    addRange(def, returned ? last : lastForward, value.bytes);
    if (!returned && lastBackward >= 0) {
      variable.gapBegin = lastForward + 1;
      variable.gapEnd = lastBackward;
      if (!mixed) {
        addRange(firstBackward, lastBackward, value.bytes);
        variable.gapEnd = firstBackward - 1;
      }
    }
    variables.push_back(std::move(variable));
  }
}

void SearchBounds::orderVariables() {
  std::sort(variables.begin(), variables.end(),
            [&](const Variable &a, const Variable &b) {
              int producerA = problem.values[a.value].producer;
              int producerB = problem.values[b.value].producer;
              return producerA != producerB ? producerA > producerB
                                            : a.value > b.value;
            });
  indexOf.assign(problem.values.size(), -1);
  for (int i = 0; i < size(); ++i)
    indexOf[variables[i].value] = i;
  // Readers come first, so their earliest clones are known in time.
  for (int i = 0; i < size(); ++i) {
    Variable &variable = variables[i];
    for (int reader : variable.readers)
      variable.earliestClone =
          std::min(variable.earliestClone, variables[reader].earliestClone);
    const Op &producer = problem.ops[problem.values[variable.value].producer];
    for (int operand : producer.operands) {
      int root = problem.root(operand);
      if (indexOf[root] < 0 || !info.clonable[operand])
        continue;
      std::vector<int> &readers = variables[indexOf[root]].readers;
      if (readers.empty() || readers.back() != i)
        readers.push_back(i);
    }
  }
}

void SearchBounds::buildTimeline(const std::vector<int64_t> &base) {
  int numOps = static_cast<int>(problem.ops.size());
  cuts = {0, numOps};
  for (const Variable &variable : variables) {
    if (variable.gapBegin <= variable.gapEnd) {
      cuts.push_back(variable.gapBegin);
      cuts.push_back(variable.gapEnd + 1);
    }
    if (variable.activation)
      continue;
    cuts.push_back(variable.lastForward + 1);
  }
  // Clone times are first backward uses of candidates.
  for (const Variable &variable : variables) {
    cuts.push_back(variable.firstBackward);
    cuts.push_back(variable.earliestClone);
  }
  for (int &cut : cuts)
    cut = std::clamp(cut, 0, numOps);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  int numSegments = static_cast<int>(cuts.size()) - 1;
  segmentBase.assign(numSegments, std::numeric_limits<int64_t>::min() / 4);
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
  for (int i = 0; i < size(); ++i) {
    Variable &variable = variables[i];
    segmentsOf(variable.gapBegin, variable.gapEnd, variable.segments);
    for (int s : variable.segments) {
      segmentUndecided[s] += variable.bytes;
      segmentCover[s].push_back(i);
    }
  }
}

void SearchBounds::segmentsOf(int begin, int end,
                              std::vector<int> &segments) const {
  segments.clear();
  if (begin > end)
    return;
  int s = static_cast<int>(std::lower_bound(cuts.begin(), cuts.end(), begin) -
                           cuts.begin());
  for (; s + 1 < static_cast<int>(cuts.size()) && cuts[s] <= end; ++s)
    segments.push_back(s);
}

void SearchBounds::decide(int index, int value) {
  Variable &variable = variables[index];
  int previous = decision[index];
  if (previous == value)
    return;
  decision[index] = value;
  if (value == 1) {
    // A flagged reader's clone reads this one's, so it is created by then.
    variable.cloneAt = cloneTime(index);
    variable.clonedBy =
        variable.clonedWhenFlagged ? variable.firstBackward : INT_MAX;
    for (int reader : variable.readers)
      if (decision[reader] == 1)
        variable.clonedBy =
            std::min(variable.clonedBy, variables[reader].clonedBy);
  }
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
  for (int s : variable.extraSegments)
    segmentKept[s] -= variable.bytes;
  variable.extraSegments.clear();
  if (variable.activation) {
    // A flagged activation's clone lives from its creation on.
    if (value == 1 && variable.clonedBy < variable.firstBackward) {
      segmentsOf(variable.clonedBy, variable.firstBackward - 1,
                 variable.extraSegments);
      for (int s : variable.extraSegments)
        segmentKept[s] += variable.bytes;
    }
    return;
  }
  // A kept non-activation waits for its earliest flagged reader's clone.
  if (value != 0)
    return;
  int until = INT_MAX;
  for (int reader : variable.readers)
    if (decision[reader] == 1 && variables[reader].clonedBy != INT_MAX)
      until = std::min(until, variables[reader].cloneAt);
  if (until == INT_MAX)
    return;
  segmentsOf(variable.lastForward + 1, until - 1, variable.extraSegments);
  for (int s : variable.extraSegments)
    segmentKept[s] += variable.bytes;
}

int SearchBounds::cloneTime(int index) const {
  int time = variables[index].firstBackward;
  for (int reader : variables[index].readers)
    if (decision[reader] == 1)
      time = std::min(time, variables[reader].cloneAt);
  return time;
}

bool SearchBounds::isIdle(int index) const {
  if (variables[index].activation)
    return false;
  for (int reader : variables[index].readers)
    if (decision[reader] == 1)
      return false;
  return true;
}

bool SearchBounds::memoryFits() const {
  for (size_t s = 0; s < segmentBase.size(); ++s)
    if (segmentBase[s] + segmentKept[s] > budget)
      return false;
  return true;
}
