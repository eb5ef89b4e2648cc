//===- PlanEvaluator.h - Fast replay of plans for the solvers ---*- C++ -*-===//
//
// gc's one memory simulator (the rules are RematProblem.h's): it builds the
// schedule of a plan (buildSchedule exports it) and replays it with
// reference-counted buffers (simulatePlan reports it). The solvers evaluate
// thousands of plans of one problem with one evaluator: it works on flat
// arrays it reuses, builds the forward prefix of every schedule once, and
// allocates nothing per evaluation.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_REMAT_PLANEVALUATOR_H
#define GC_LIB_REMAT_PLANEVALUATOR_H

#include "gc/Remat/RematProblem.h"

#include <cstdint>
#include <vector>

namespace gc::remat::detail {

/// One RECOMPUTE flag per problem value (char rather than bool for speed).
using Flags = std::vector<char>;

Flags toFlags(const Plan &plan, size_t numValues);
Plan toPlan(const Flags &flags);

class PlanEvaluator {
public:
  explicit PlanEvaluator(const Problem &problem);

  struct Result {
    int64_t peakBytes = 0;
    double recomputeCost = 0;
    /// Schedule entry of the peak (-1 when the peak is persistent memory),
    /// the problem op it executes and whether it is a clone.
    int peakEntry = -1;
    int peakOp = -1;
    bool peakIsClone = false;
    /// Highest live bytes at allocations of forward entries, of backward
    /// entries and clones, and live bytes between the last forward entry
    /// and the first backward one.
    int64_t forwardPeak = 0, backwardPeak = 0, boundaryLive = 0;
    /// FLOPs of the clones (summed in schedule order, as the cost).
    double recomputeFlops = 0;
  };

  struct Request {
    /// Fill liveAtPeak() (a second, partial replay).
    bool liveAtPeak = false;
    /// Fill opPeak(): for each op, the highest live bytes at the
    /// allocations of its entry and of the clones placed before it (-1
    /// when none allocates).
    bool opPeak = false;
  };

  Result evaluate(const Flags &flags, const Request &request);
  Result evaluate(const Flags &flags) { return evaluate(flags, Request()); }

  /// Non-persistent root values live at the peak of the last evaluation
  /// (problem ids), as MemoryProfile::liveAtPeak.
  const std::vector<int> &liveAtPeak() const { return livePeak; }
  const std::vector<int64_t> &opPeak() const { return opPeaks; }
  /// Whether each op was cloned by the last evaluation.
  const std::vector<char> &clonedOps() const { return cloned; }
  /// For a value recomputed by the last evaluation, the op before which
  /// its clone was made; -1 otherwise.
  int cloneOwner(int v) const { return current[v] >= 0 ? owner[v] : -1; }
  /// Problem ids of the operands and results of schedule entry `entry` of
  /// the last evaluation.
  void entryValues(int entry, std::vector<int> &out) const;

  /// The schedule of the last evaluation, as buildSchedule returns it.
  Schedule exportSchedule() const;

  /// Evaluations performed so far.
  int64_t evaluations() const { return numEvaluations; }
  /// The entries and values replayed by every evaluation so far: the work
  /// the searches are budgeted by (deterministic, unlike their time).
  int64_t work() const { return replayed; }

  /// Schedule entry of original op `op` in the last evaluation.
  int entryOfOp(int op) const { return opEntry[op]; }

  const Problem &getProblem() const { return problem; }
  int64_t getPersistentBytes() const { return persistentBytes; }
  /// findRecomputable(problem).
  const std::vector<bool> &getRecomputable() const { return recomputable; }

private:
  bool isRecomputed(int v) const;
  int resolve(int v);
  void appendOriginal(int op);
  void buildSchedule();
  /// End of entry e's operands while only the forward prefix exists.
  int prefixOperandEnd(int e) const {
    return e + 1 < static_cast<int>(entryOperandBegin.size())
               ? entryOperandBegin[e + 1]
               : static_cast<int>(schedOperands.size());
  }
  void replay(bool stopAtPeak, int64_t peak, int peakEntry,
              const Request &request, Result &result);

  const Problem &problem;
  int numValues, numOps, firstBackward = 0;
  int64_t persistentBytes = 0;
  std::vector<bool> recomputable;
  std::vector<char> recomputableRoot;
  // Per value: root, bytes, flags.
  std::vector<int> valueRoot, valueAliasOf;
  std::vector<int64_t> valueBytes;
  std::vector<char> clonable, pinned, persistentValue;
  // Ops in compressed rows.
  std::vector<int> operandBegin, operandList, resultBegin, resultList;
  /// Op i's in-place operand positions: inPlaceList[inPlaceBegin[i] ..
  /// inPlaceBegin[i + 1]).
  std::vector<int> inPlaceBegin, inPlaceList;

  // The schedule of the plan being evaluated.
  const Flags *flags = nullptr;
  std::vector<int> entryOp, entryOwner, entryOperandBegin, entryResultBegin;
  std::vector<char> entryClone;
  std::vector<int> opEntry;
  // The forward part of every schedule, built once.
  int prefixEntries = -1, prefixOperands = 0, prefixResults = 0;
  std::vector<int> forwardLastUse;
  int currentOwner = 0;
  int64_t numEvaluations = 0;
  int64_t replayed = 0;
  std::vector<int> schedOperands, schedResults, origin;
  std::vector<int> current, owner, touched, resolveStack;
  std::vector<char> cloned;

  // Replay state.
  std::vector<int> lastUse, root, refs;
  std::vector<int> livePeak;
  std::vector<int64_t> opPeaks;
};

} // namespace gc::remat::detail

#endif // GC_LIB_REMAT_PLANEVALUATOR_H
