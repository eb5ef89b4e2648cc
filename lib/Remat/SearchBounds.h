//===- SearchBounds.h - Lower bounds for the exact search -------*- C++ -*-===//
//
// The bounds the branch and bound (BranchAndBound.cpp) prunes with, kept
// up to date as decisions are made and undone. SearchBounds.cpp (live
// intervals, completion cost) and SearchCover.cpp (the covering knapsack)
// say why each is valid.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_REMAT_SEARCHBOUNDS_H
#define GC_LIB_REMAT_SEARCHBOUNDS_H

#include "SolverSupport.h"

namespace gc::remat::detail {

class SearchBounds {
public:
  SearchBounds(const ProblemInfo &info, int64_t persistentBytes,
               int64_t budget);

  /// Decision variables, one per candidate, from the last producer to the
  /// first: every value's readers come before it.
  int size() const { return static_cast<int>(variables.size()); }
  int valueOf(int index) const { return variables[index].value; }

  /// Sets decision `index` to 0 (keep), 1 (recompute) or -1 (undecided).
  /// Decisions are made in index order and undone in reverse.
  void decide(int index, int value);
  /// Whether a non-activation is read by no flagged candidate, so that its
  /// flag changes nothing and it may simply be kept.
  bool isIdle(int index) const;
  /// Whether the live-interval bound fits the budget at every op.
  bool memoryFits() const;
  /// A lower bound on the cost of every completion of the decisions, given
  /// the cost of the completion keeping all undecided values and the ops it
  /// clones; infinity when no completion fits.
  double costBound(double completionCost, const std::vector<char> &cloned);

private:
  /// Values kept in place of recomputation: their bytes (split among the
  /// activations that may keep them) stay live after their last forward
  /// use until the clone of the activation (when `direct`, it reads them)
  /// or until `until`, the earliest clone of a deeper reader.
  struct Kept {
    int variable;
    double bytes;
    bool direct;
    int until;
  };
  /// One way to recompute an activation: the variables whose producers are
  /// cloned for it and the non-activations kept for it.
  struct Configuration {
    std::vector<int> cloned;
    std::vector<Kept> kept;
  };
  struct Variable {
    int value;
    bool activation;
    int64_t bytes;
    int lastForward;
    /// Ops [gapBegin, gapEnd] where only a kept activation is live.
    int gapBegin = 0, gapEnd = -1;
    /// The first backward op reading it (INT_MAX when none).
    int firstBackward;
    /// No clone of the value can come before this op, whatever is flagged.
    int earliestClone;
    /// Once it is flagged: no clone can come before this op, and one
    /// exists by this op (INT_MAX when it may never be cloned), given what
    /// is flagged among its readers.
    int cloneAt = INT_MAX, clonedBy = INT_MAX;
    /// Whether flagging it certainly clones its producer.
    bool clonedWhenFlagged = false;
    std::vector<int> readers;
    std::vector<int> segments;
    std::vector<Configuration> configurations;
    /// Segments a kept non-activation covers, or that a flagged
    /// activation's early clone covers, set when it is decided.
    std::vector<int> extraSegments;
  };

  void addVariables(std::vector<int64_t> &delta);
  void orderVariables();
  void enumerateConfigurations(int index);
  void shareCosts();
  void buildTimeline(const std::vector<int64_t> &base);
  void segmentsOf(int begin, int end, std::vector<int> &segments) const;
  /// The earliest clone of a variable whose readers are all decided.
  int cloneTime(int index) const;

  const ProblemInfo &info;
  const Problem &problem;
  int64_t budget;
  std::vector<Variable> variables;
  std::vector<int> indexOf, decision, cuts;
  /// Per variable: how many activations may recompute or keep it.
  std::vector<int> closureUses;
  /// Per variable, the part of its producer's cost one activation
  /// recomputing it may be charged.
  std::vector<double> costShare;
  // Per timeline segment: the bound with every candidate recomputed, the
  // bytes of kept and undecided activation gaps covering it, and the
  // activations whose gap covers it.
  std::vector<int64_t> segmentBase, segmentKept, segmentUndecided;
  std::vector<std::vector<int>> segmentCover;

  // The covering knapsack at one segment: per undecided activation, its
  // options (bytes freed, cost).
  struct Step {
    double bytes, cost;
  };
  void collectOptions(int segment, const std::vector<char> &cloned);
  /// Least cost to free `need` bytes, fractionally / with whole options.
  double relaxedCover(double need);
  double integerCover(double need);
  std::vector<Step> options, steps;
  /// (segment, relaxed cost) of the segments needing a cover.
  std::vector<Step> relaxed;
  std::vector<int> optionBegin;
  std::vector<double> cover, nextCover;
};

} // namespace gc::remat::detail

#endif // GC_LIB_REMAT_SEARCHBOUNDS_H
