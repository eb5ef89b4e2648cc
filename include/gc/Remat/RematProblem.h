//===- RematProblem.h - The rematerialization problem, IR-free --*- C++ -*-===//
//
// Plain data describing a scheduled training step for the rematerialization
// solvers, the memory simulator that is gc's single definition of "peak",
// and the schedule a plan turns into. No MLIR types: the gc-remat pass
// translates a function into a RematProblem and writes the chosen plan back.
//
// The model, matching how a gc step executes (the CPU executor, and the
// compiled code after it):
//  - ops run in schedule order; each op allocates its results (all of them,
//    one after the other) while its operands are still live, then every
//    operand whose last use this was is released, and every result nobody
//    uses is released at once;
//  - a result that aliases an operand (a reshape) allocates nothing and keeps
//    its root's buffer alive;
//  - an op that may write in place (an elementwise op, as gc-plan-memory
//    plans it: Op::inPlaceOperands) and whose candidate operand's buffer
//    dies at it releases that buffer before allocating its result, so the
//    two never count together: the result takes the operand's place;
//  - function arguments (parameters, inputs, optimizer state) are persistent:
//    allocated before the first op, never released; returned values live to
//    the end.
//
// A plan marks forward values RECOMPUTE: such a value is released after its
// last forward use, and right before the first backward op that needs it, its
// producer is cloned (recursively recomputing operands that are themselves
// RECOMPUTE and no longer live). The resulting schedule is what the simulator
// measures and what the pass materializes, so the predicted peak is the
// executed one.
//
//===----------------------------------------------------------------------===//

#ifndef GC_REMAT_REMATPROBLEM_H
#define GC_REMAT_REMATPROBLEM_H

#include <cstdint>
#include <string>
#include <vector>

namespace gc::remat {

/// A tensor of the step.
struct Value {
  std::string name;
  /// Bytes of its own buffer; 0 for an alias.
  int64_t bytes = 0;
  /// The op producing it, or -1 for a function argument.
  int producer = -1;
  /// For an alias (a reshape result), the value whose buffer it shares
  /// (itself never an alias); -1 otherwise.
  int aliasOf = -1;
  /// Function arguments: allocated before the first op, never released.
  bool persistent = false;
  /// Returned by the function: lives to the end of the step.
  bool returned = false;
};

/// An op of the step, in schedule order.
struct Op {
  std::string name;
  std::vector<int> operands;
  std::vector<int> results;
  /// Estimated time in seconds and floating-point operations.
  double cost = 0;
  double flops = 0;
  /// The `gc.block` tag, or -1.
  int64_t block = -1;
  /// Part of the forward pass: the ops the loss depends on. They come first
  /// in the schedule.
  bool forward = false;
  /// Whether cloning the op is allowed (false for side effects, collectives,
  /// optimizer updates).
  bool recomputable = true;
  /// Positions in `operands`, in order, whose buffer the op's single result
  /// may take over when it dies at this op (gc-plan-memory's in-place
  /// rule): the first whose buffer dies here is released before the result
  /// is allocated.
  std::vector<int> inPlaceOperands;
};

struct Problem {
  std::vector<Value> values;
  std::vector<Op> ops;

  /// Checks the invariants the solvers rely on (operands defined before use,
  /// forward ops first, aliases of non-alias roots); returns an empty string
  /// or the first violation.
  std::string validate() const;
  /// The root buffer of value `v` (v itself unless it is an alias).
  int root(int v) const {
    return values[v].aliasOf < 0 ? v : values[v].aliasOf;
  }
  /// Index of the first non-forward op (ops.size() when there is none).
  int firstBackwardOp() const;
};

/// Which forward values are recomputed: one flag per value (only flags of
/// values produced by recomputable forward ops matter; an alias follows its
/// root).
struct Plan {
  std::vector<bool> recompute;

  static Plan keepAll(const Problem &problem) {
    return Plan{std::vector<bool>(problem.values.size(), false)};
  }
};

/// The ops a plan executes: original ops, and clones of forward ops placed
/// before the backward op that first needs them. Clones produce fresh values
/// (ids >= problem.values.size()); `valueOrigin` maps every value id of the
/// schedule to the problem value it copies.
struct Schedule {
  struct Entry {
    int op;     ///< Index of the problem op executed (or cloned).
    bool clone; ///< A recomputation.
    std::vector<int> operands, results;
  };
  std::vector<Entry> entries;
  std::vector<int> valueOrigin;
};

/// Builds the schedule of `plan`. RECOMPUTE flags on values that are not
/// produced by recomputable forward ops are ignored.
Schedule buildSchedule(const Problem &problem, const Plan &plan);

/// What the simulator measured.
struct MemoryProfile {
  /// Peak of live bytes, persistent memory included.
  int64_t peakBytes = 0;
  /// Bytes of the function arguments.
  int64_t persistentBytes = 0;
  /// The schedule entry at whose allocation the peak was reached (-1 if
  /// the peak is the persistent memory alone).
  int peakEntry = -1;
  /// Seconds and FLOPs of the clones.
  double recomputeCost = 0;
  double recomputeFlops = 0;
  /// Root values (problem ids) live at the peak, non-persistent ones only.
  std::vector<int> liveAtPeak;
};

/// Simulates the schedule of `plan` (see the file comment for the rules).
/// The solvers' PlanEvaluator (lib/Remat) is this simulator.
MemoryProfile simulatePlan(const Problem &problem, const Plan &plan);

/// The forward values backward ops read (the activations), in value order:
/// roots of the values whose last use is a backward op.
std::vector<int> findActivations(const Problem &problem);

/// Values a plan may recompute: non-alias results of recomputable forward
/// ops.
std::vector<bool> findRecomputable(const Problem &problem);

} // namespace gc::remat

#endif // GC_REMAT_REMATPROBLEM_H
