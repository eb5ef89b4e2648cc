//===- MemoryPlanner.h - Static offsets for a step's buffers ----*- C++ -*-===//
//
// The static memory planner: every buffer of a training step gets a fixed
// offset in one arena, so that the compiled step allocates nothing at run
// time. This header is IR-free: the compiler describes each buffer by its
// size, alignment and lifetime (the half-open interval [lower, upper) of
// schedule positions during which it is live), and receives an offset per
// buffer.
//
// A plan is valid when every offset is a non-negative multiple of its
// buffer's alignment and no two buffers live at the same time overlap in
// memory; its cost is the arena size, max(offset + size). Minimizing it is
// the dynamic storage allocation problem (NP-hard, a two-dimensional packing
// of rectangles whose time extent is fixed), so the planner offers several
// strategies behind one interface, from fast greedy ones to a search that
// improves a plan under a time limit, and `best`, which runs them and keeps
// the smallest arena.
//
//===----------------------------------------------------------------------===//

#ifndef GC_MEMPLAN_MEMORYPLANNER_H
#define GC_MEMPLAN_MEMORYPLANNER_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gc::memplan {

/// One buffer to place.
struct Buffer {
  /// The caller's name for the buffer; the planner only reports it.
  int64_t id = 0;
  /// Bytes; may be 0 (such a buffer conflicts with nothing).
  int64_t size = 0;
  /// The offset must be a multiple of this (>= 1).
  int64_t alignment = 1;
  /// The buffer is live over the schedule positions [lower, upper).
  int64_t lower = 0;
  int64_t upper = 1;
};

/// Offsets for a list of buffers.
struct Plan {
  /// offsets[i] is the offset of buffers[i].
  std::vector<int64_t> offsets;
  /// max(offset + size) over the buffers; 0 when there are none.
  int64_t arenaBytes = 0;
  /// The strategy that produced the plan (for `best`, the one that won).
  std::string strategy;
  /// Wall-clock seconds the strategy took (a report; no decision uses it).
  double seconds = 0;
  /// Whether the wall-clock safety cap, rather than the work budget, ended
  /// a search: only then may the plan differ between runs.
  bool hitWallClockCap = false;
  /// Whether the strategy proved that no valid plan has a smaller arena.
  bool optimal = false;
};

struct PlanOptions {
  /// Limit of a strategy's searches, in nominal seconds of work (counted,
  /// not timed: about the wall time on the machines gc was tuned on, and
  /// the same plan on any machine and under any load). Greedy strategies
  /// ignore it (they take milliseconds); search phases stop when it is
  /// reached and return the best plan found so far. A wall-clock cap of 10x
  /// the limit plus 10 seconds protects against a machine far slower than
  /// that (Plan::hitWallClockCap).
  double timeLimitSeconds = 1.0;
  /// Seed of the randomized phases; with the work budget, a run is
  /// deterministic.
  uint64_t seed = 1;
};

/// "" when every buffer is well formed (size >= 0, alignment >= 1,
/// upper > lower), otherwise a description of the first one that is not.
std::string validateBuffers(const std::vector<Buffer> &buffers);

/// A lower bound on the arena of any valid plan: the maximum over time of the
/// bytes of live buffers. With alignments, each size is rounded up to the
/// greatest common divisor of all alignments (every offset is a multiple of
/// it, so the rounded tail of a buffer cannot hold another one), except for
/// the topmost buffer, whose tail lies past the arena's end.
int64_t lowerBound(const std::vector<Buffer> &buffers);

/// max(offsets[i] + size) over the buffers, 0 when there are none.
int64_t arenaOf(const std::vector<Buffer> &buffers,
                const std::vector<int64_t> &offsets);

/// "" when `plan` is a valid plan for `buffers`, otherwise the first
/// violation found: a missing offset, a negative or misaligned offset, two
/// buffers live at the same time whose [offset, offset + size) overlap, or an
/// arena smaller than some buffer's end.
std::string checkPlan(const std::vector<Buffer> &buffers, const Plan &plan);

/// A planning strategy. Buffers must be well formed (validateBuffers).
class Strategy {
public:
  virtual ~Strategy();
  virtual std::string getName() const = 0;
  /// A valid plan for `buffers`.
  virtual Plan plan(const std::vector<Buffer> &buffers,
                    const PlanOptions &options) const = 0;
  /// Whether the strategy is an improvement phase: improve() then starts
  /// from a given plan, and plan() from the best greedy plan.
  virtual bool isImprovement() const { return false; }
  /// For an improvement phase: a valid plan whose arena is at most that of
  /// `start` (which must be valid). Other strategies return `start`.
  virtual Plan improve(const std::vector<Buffer> &buffers, const Plan &start,
                       const PlanOptions &options) const;
};

/// The strategy called `name` (one of getStrategyNames()), or null.
std::unique_ptr<Strategy> createStrategy(const std::string &name);

/// greedy-size, greedy-lifetime, greedy-breadth, local-search, search, best.
std::vector<std::string> getStrategyNames();

/// The default strategy.
inline constexpr const char *kDefaultStrategy = "best";

} // namespace gc::memplan

#endif // GC_MEMPLAN_MEMORYPLANNER_H
