//===- MemoryPlanner.cpp - Bounds, the plan checker, the strategies -------===//
//
// The parts of the planner every strategy and every test relies on: input
// validation, the lower bound, the checker that decides whether a plan is
// valid, and the registry of strategies.
//
// The checker is a sweep over time rather than a test of all pairs, so that
// it can check every plan of a 10,000-buffer step in milliseconds: the
// buffers live at one moment occupy disjoint address ranges (or a violation
// has already been reported), so a buffer that starts only needs comparing
// with its two neighbours by address among them.
//
//===----------------------------------------------------------------------===//

#include "PlannerSupport.h"
#include "Strategies.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <sstream>

using namespace gc::memplan;

namespace {

std::string describe(const std::vector<Buffer> &buffers, size_t index) {
  std::ostringstream os;
  os << "buffer #" << index << " (id " << buffers[index].id << ")";
  return os.str();
}

/// A start or an end of a lifetime, in time order; at equal times ends come
/// first, since lifetimes are half-open.
struct Event {
  int64_t time;
  bool isStart;
  int32_t index;
  bool operator<(const Event &other) const {
    if (time != other.time)
      return time < other.time;
    if (isStart != other.isStart)
      return !isStart;
    return index < other.index;
  }
};

std::vector<Event> lifetimeEvents(const std::vector<Buffer> &buffers) {
  std::vector<Event> events;
  events.reserve(2 * buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    events.push_back({buffers[i].lower, true, static_cast<int32_t>(i)});
    events.push_back({buffers[i].upper, false, static_cast<int32_t>(i)});
  }
  std::sort(events.begin(), events.end());
  return events;
}

} // namespace

std::string gc::memplan::validateBuffers(const std::vector<Buffer> &buffers) {
  for (size_t i = 0; i < buffers.size(); ++i) {
    const Buffer &b = buffers[i];
    std::ostringstream os;
    if (b.size < 0)
      os << describe(buffers, i) << " has a negative size " << b.size;
    else if (b.alignment < 1)
      os << describe(buffers, i) << " has alignment " << b.alignment
         << ", which is not positive";
    else if (b.upper <= b.lower)
      os << describe(buffers, i) << " has an empty lifetime [" << b.lower
         << ", " << b.upper << ")";
    if (!os.str().empty())
      return os.str();
  }
  return "";
}

int64_t gc::memplan::lowerBound(const std::vector<Buffer> &buffers) {
  int64_t unit = 0;
  for (const Buffer &b : buffers)
    unit = std::gcd(unit, b.alignment);
  unit = std::max<int64_t>(unit, 1);
  // Live footprint (sizes rounded up to `unit`) and, per amount of rounding,
  // how many live buffers have it: the topmost buffer's rounding is not
  // occupied, so the bound subtracts the largest one present.
  int64_t live = 0, best = 0;
  std::map<int64_t, int64_t> slackCounts;
  std::vector<Event> events = lifetimeEvents(buffers);
  for (size_t e = 0; e < events.size(); ++e) {
    const Buffer &b = buffers[events[e].index];
    int64_t footprint = detail::alignUp(b.size, unit);
    int64_t slack = footprint - b.size;
    if (events[e].isStart) {
      live += footprint;
      ++slackCounts[slack];
    } else {
      live -= footprint;
      if (--slackCounts[slack] == 0)
        slackCounts.erase(slack);
    }
    bool lastAtThisTime =
        e + 1 == events.size() || events[e + 1].time != events[e].time;
    if (lastAtThisTime && !slackCounts.empty())
      best = std::max(best, live - slackCounts.rbegin()->first);
  }
  return best;
}

int64_t gc::memplan::arenaOf(const std::vector<Buffer> &buffers,
                             const std::vector<int64_t> &offsets) {
  int64_t arena = 0;
  for (size_t i = 0; i < buffers.size() && i < offsets.size(); ++i)
    arena = std::max(arena, offsets[i] + buffers[i].size);
  return arena;
}

std::string gc::memplan::checkPlan(const std::vector<Buffer> &buffers,
                                   const Plan &plan) {
  std::ostringstream os;
  if (plan.offsets.size() != buffers.size()) {
    os << "the plan has " << plan.offsets.size() << " offsets for "
       << buffers.size() << " buffers";
    return os.str();
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    int64_t offset = plan.offsets[i];
    if (offset < 0) {
      os << describe(buffers, i) << " has a negative offset " << offset;
      return os.str();
    }
    if (buffers[i].alignment > 0 && offset % buffers[i].alignment != 0) {
      os << describe(buffers, i) << " has offset " << offset
         << ", which is not a multiple of its alignment "
         << buffers[i].alignment;
      return os.str();
    }
  }
  // The buffers live now, by offset: offset -> index. Zero-size buffers
  // occupy no bytes and conflict with nothing.
  std::map<int64_t, int32_t> live;
  for (const Event &event : lifetimeEvents(buffers)) {
    int32_t i = event.index;
    const Buffer &b = buffers[i];
    if (b.size == 0)
      continue;
    int64_t offset = plan.offsets[i];
    if (!event.isStart) {
      live.erase(offset);
      continue;
    }
    auto reportOverlap = [&](int32_t other) {
      int32_t low = std::min(i, other), high = std::max(i, other);
      os << describe(buffers, low) << " and " << describe(buffers, high)
         << " are live at the same time (at " << event.time
         << ") and overlap in memory: [" << plan.offsets[low] << ", "
         << plan.offsets[low] + buffers[low].size << ") and ["
         << plan.offsets[high] << ", "
         << plan.offsets[high] + buffers[high].size << ")";
      return os.str();
    };
    auto next = live.lower_bound(offset);
    if (next != live.end() && next->first < offset + b.size)
      return reportOverlap(next->second);
    if (next != live.begin()) {
      auto prev = std::prev(next);
      if (prev->first + buffers[prev->second].size > offset)
        return reportOverlap(prev->second);
    }
    live.emplace(offset, i);
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (plan.offsets[i] + buffers[i].size > plan.arenaBytes) {
      os << describe(buffers, i) << " ends at "
         << plan.offsets[i] + buffers[i].size << ", past the arena of "
         << plan.arenaBytes << " bytes";
      return os.str();
    }
  }
  return "";
}

Strategy::~Strategy() = default;

Plan Strategy::improve(const std::vector<Buffer> &, const Plan &start,
                       const PlanOptions &) const {
  return start;
}

std::unique_ptr<Strategy> gc::memplan::createStrategy(const std::string &name) {
  if (name == "greedy-size")
    return detail::createGreedySizeStrategy();
  if (name == "greedy-lifetime")
    return detail::createGreedyLifetimeStrategy();
  if (name == "greedy-breadth")
    return detail::createGreedyBreadthStrategy();
  if (name == "local-search")
    return detail::createLocalSearchStrategy();
  if (name == "search")
    return detail::createSearchStrategy();
  if (name == "best")
    return detail::createBestStrategy();
  return nullptr;
}

std::vector<std::string> gc::memplan::getStrategyNames() {
  return {"greedy-size",  "greedy-lifetime", "greedy-breadth",
          "local-search", "search",          "best"};
}
