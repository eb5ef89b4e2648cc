//===- PlannerSupport.h - Shared pieces of the memory planner ---*- C++ -*-===//
//
// What the strategies share: the instance in the form they work on (sizes,
// alignments and lifetimes as ranges of "sections", the elementary time
// intervals between consecutive distinct lower/upper values), the work
// budget, the placement engine that turns an order of buffers into offsets,
// and the orders of the greedy strategies.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_MEMPLAN_PLANNERSUPPORT_H
#define GC_LIB_MEMPLAN_PLANNERSUPPORT_H

#include "gc/MemPlan/MemoryPlanner.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace gc::memplan::detail {

inline int64_t alignUp(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// The buffers with time compressed: buffer i is live over the sections
/// [start[i], end[i]). Two buffers are live at the same time exactly when
/// their section ranges intersect. `placed` lists the buffers of nonzero
/// size, the only ones a strategy has to place (the others go to offset 0).
struct Instance {
  std::vector<int64_t> size;
  std::vector<int64_t> alignment;
  std::vector<int32_t> start;
  std::vector<int32_t> end;
  std::vector<int32_t> placed;
  int32_t numSections = 0;
  int64_t lowerBound = 0;

  explicit Instance(const std::vector<Buffer> &buffers);
  int32_t numBuffers() const { return static_cast<int32_t>(size.size()); }
  bool liveTogether(int32_t a, int32_t b) const {
    return start[a] < end[b] && start[b] < end[a];
  }
};

/// The planner's searches are budgeted by the work they do, not by the wall
/// clock, so that a plan does not depend on the machine's load (the same
/// compile gives the same offsets on a busy and an idle machine). Work is
/// counted per thread in units of a few nanoseconds: a slot the placement
/// engine walks past, a buffer or section the capacity search examines.
/// Limits stay in seconds for the user (`--time-limit`);
/// kWorkUnitsPerSecond converts them, calibrated so that a limit of one
/// nominal second takes 0.4 to 1.2 wall seconds on this project's 2-core
/// EPYC (Zen 4) build machine, idle, across the public instances.
constexpr double kWorkUnitsPerSecond = 5.5e8;

inline int64_t &workDone() {
  thread_local int64_t units = 0;
  return units;
}
inline void chargeWork(int64_t units) { workDone() += units; }

/// Work since construction, in nominal seconds, against a limit. The wall
/// clock is only a safety cap (10x the limit plus 10 seconds, for a machine
/// far slower or far busier than the calibration): when it ends a search
/// the plan says so (Plan::hitWallClockCap), since that plan may differ
/// from run to run.
class Deadline {
public:
  explicit Deadline(double limitSeconds)
      : startUnits(workDone()), limit(limitSeconds),
        wallStart(std::chrono::steady_clock::now()) {}
  double elapsed() const {
    return static_cast<double>(workDone() - startUnits) / kWorkUnitsPerSecond;
  }
  bool expired() const { return elapsed() >= limit || wallCapReached(); }
  double remaining() const { return wallCapReached() ? 0 : limit - elapsed(); }
  /// Whether the safety cap has ended (or would end) the search.
  bool wallCapReached() const {
    if (!capHit && std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - wallStart)
                           .count() > 10 * limit + 10)
      capHit = true;
    return capHit;
  }
  /// Whether the safety cap ended the search (as far as it was checked).
  bool stoppedByWallClock() const { return capHit; }
  /// Wall-clock seconds since construction (for reports only).
  double wallSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         wallStart)
        .count();
  }

private:
  int64_t startUnits;
  double limit;
  std::chrono::steady_clock::time_point wallStart;
  mutable bool capHit = false;
};

/// Where a buffer goes among the gaps that are free over its whole lifetime.
enum class Fit {
  /// The smallest gap that holds it, else the top (TFLite, XLA).
  Best,
  /// The lowest gap that holds it, else the top.
  First,
};

/// The offsets obtained by placing the buffers of `order` (a permutation of
/// instance.placed) one at a time, each into a gap left by the buffers
/// already placed that are live at the same time; buffers of size 0 get 0.
std::vector<int64_t> placeInOrder(const Instance &instance,
                                  const std::vector<int32_t> &order, Fit fit);

/// max(offset + size) over the instance's buffers.
int64_t arenaOf(const Instance &instance, const std::vector<int64_t> &offsets);

/// Largest first; ties by longer lifetime, then earlier start.
std::vector<int32_t> orderBySize(const Instance &instance);
/// Earliest start first; ties by longer lifetime, then larger.
std::vector<int32_t> orderByLifetime(const Instance &instance);
/// The buffers of the section with the most live bytes first (largest
/// first), then those of the next fullest section not yet ordered, ...
std::vector<int32_t> orderByBreadth(const Instance &instance);

/// A plan from offsets, with its arena computed.
Plan makePlan(const Instance &instance, std::vector<int64_t> offsets,
              std::string strategy, double seconds);

/// The smallest of the greedy plans (greedy-size, greedy-breadth,
/// greedy-lifetime), the usual start of an improvement phase.
Plan bestGreedyPlan(const std::vector<Buffer> &buffers);

/// An improvement phase run as a strategy of its own: plan() improves the
/// best greedy plan within the time left.
class ImprovementStrategy : public Strategy {
public:
  bool isImprovement() const override { return true; }
  Plan plan(const std::vector<Buffer> &buffers,
            const PlanOptions &options) const override;
};

} // namespace gc::memplan::detail

#endif // GC_LIB_MEMPLAN_PLANNERSUPPORT_H
