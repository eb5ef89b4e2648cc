//===- Placement.cpp - The instance, and orders turned into offsets -------===//
//
// Every greedy strategy, and the local search, is an order of the buffers
// plus one placement rule, as in TFLite's "greedy by size" and "greedy by
// breadth" planners (Lee et al., "On-Device Neural Net Inference with Mobile
// GPUs", 2019) and XLA's heap simulator (GlobalDecreasingSizeBestFitHeap):
// buffers are placed one at a time; a buffer may go into any gap of the
// address space that is free over its whole lifetime, given the buffers
// already placed, or on top of all of them. Best fit takes the smallest such
// gap, first fit the lowest.
//
// The engine keeps the placed buffers sorted by offset and, for each new
// buffer, walks them in address order, skipping those not live with it and
// tracking the highest end seen so far: the space between that end and the
// next live buffer's offset is a gap free over the whole lifetime. That is
// O(n) per buffer with a tight inner loop over a flat array, about 50 ms for
// the 10,744 buffers of a BERT-large step.
//
//===----------------------------------------------------------------------===//

#include "PlannerSupport.h"

#include <algorithm>
#include <limits>
#include <numeric>

using namespace gc::memplan;
using namespace gc::memplan::detail;

Instance::Instance(const std::vector<Buffer> &buffers) {
  size_t n = buffers.size();
  size.resize(n);
  alignment.resize(n);
  start.resize(n);
  end.resize(n);
  std::vector<int64_t> times;
  times.reserve(2 * n);
  for (const Buffer &b : buffers) {
    times.push_back(b.lower);
    times.push_back(b.upper);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  auto indexOf = [&](int64_t time) {
    return static_cast<int32_t>(
        std::lower_bound(times.begin(), times.end(), time) - times.begin());
  };
  for (size_t i = 0; i < n; ++i) {
    size[i] = buffers[i].size;
    alignment[i] = std::max<int64_t>(buffers[i].alignment, 1);
    start[i] = indexOf(buffers[i].lower);
    end[i] = indexOf(buffers[i].upper);
    if (size[i] > 0)
      placed.push_back(static_cast<int32_t>(i));
  }
  numSections = times.empty() ? 0 : static_cast<int32_t>(times.size()) - 1;
  lowerBound = gc::memplan::lowerBound(buffers);
}

std::vector<int64_t> detail::placeInOrder(const Instance &instance,
                                          const std::vector<int32_t> &order,
                                          Fit fit) {
  struct Slot {
    int64_t offset;
    int64_t end;
    int32_t start;
    int32_t stop;
  };
  std::vector<int64_t> offsets(instance.numBuffers(), 0);
  std::vector<Slot> slots;
  slots.reserve(order.size());
  for (int32_t b : order) {
    int64_t size = instance.size[b], alignment = instance.alignment[b];
    int32_t first = instance.start[b], last = instance.end[b];
    int64_t cursor = 0, chosen = -1;
    int64_t chosenGap = std::numeric_limits<int64_t>::max();
    for (const Slot &slot : slots) {
      if (slot.start >= last || first >= slot.stop)
        continue;
      int64_t candidate = alignUp(cursor, alignment);
      int64_t gap = slot.offset - candidate;
      if (gap >= size && gap < chosenGap) {
        chosen = candidate;
        chosenGap = gap;
        if (fit == Fit::First || gap == size)
          break;
      }
      cursor = std::max(cursor, slot.end);
    }
    if (chosen < 0)
      chosen = alignUp(cursor, alignment);
    offsets[b] = chosen;
    // The walk above and the insertion below: one unit per slot.
    chargeWork(static_cast<int64_t>(slots.size()) + 1);
    auto at = std::upper_bound(
        slots.begin(), slots.end(), chosen,
        [](int64_t offset, const Slot &slot) { return offset < slot.offset; });
    slots.insert(at, Slot{chosen, chosen + size, first, last});
  }
  return offsets;
}

int64_t detail::arenaOf(const Instance &instance,
                        const std::vector<int64_t> &offsets) {
  int64_t arena = 0;
  for (int32_t b : instance.placed)
    arena = std::max(arena, offsets[b] + instance.size[b]);
  return arena;
}

std::vector<int32_t> detail::orderBySize(const Instance &instance) {
  std::vector<int32_t> order = instance.placed;
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    if (instance.size[a] != instance.size[b])
      return instance.size[a] > instance.size[b];
    int32_t lengthA = instance.end[a] - instance.start[a];
    int32_t lengthB = instance.end[b] - instance.start[b];
    if (lengthA != lengthB)
      return lengthA > lengthB;
    if (instance.start[a] != instance.start[b])
      return instance.start[a] < instance.start[b];
    return a < b;
  });
  return order;
}

std::vector<int32_t> detail::orderByLifetime(const Instance &instance) {
  std::vector<int32_t> order = instance.placed;
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    if (instance.start[a] != instance.start[b])
      return instance.start[a] < instance.start[b];
    int32_t lengthA = instance.end[a] - instance.start[a];
    int32_t lengthB = instance.end[b] - instance.start[b];
    if (lengthA != lengthB)
      return lengthA > lengthB;
    if (instance.size[a] != instance.size[b])
      return instance.size[a] > instance.size[b];
    return a < b;
  });
  return order;
}

std::vector<int32_t> detail::orderByBreadth(const Instance &instance) {
  // Live bytes per section, then each section's rank in decreasing order of
  // them. A buffer is ordered with the first-ranked section of its lifetime,
  // which a sparse table of rank minima finds in O(1).
  int32_t numSections = std::max(instance.numSections, 1);
  std::vector<int64_t> breadth(numSections + 1, 0);
  for (int32_t b : instance.placed) {
    breadth[instance.start[b]] += instance.size[b];
    breadth[instance.end[b]] -= instance.size[b];
  }
  for (int32_t s = 1; s < numSections; ++s)
    breadth[s] += breadth[s - 1];
  std::vector<int32_t> sections(numSections);
  std::iota(sections.begin(), sections.end(), 0);
  std::sort(sections.begin(), sections.end(), [&](int32_t a, int32_t b) {
    return breadth[a] != breadth[b] ? breadth[a] > breadth[b] : a < b;
  });
  std::vector<std::vector<int32_t>> minRank(1,
                                            std::vector<int32_t>(numSections));
  for (int32_t r = 0; r < numSections; ++r)
    minRank[0][sections[r]] = r;
  for (int32_t width = 2; width <= numSections; width *= 2) {
    const std::vector<int32_t> &previous = minRank.back();
    std::vector<int32_t> level(numSections - width + 1);
    for (int32_t s = 0; s + width <= numSections; ++s)
      level[s] = std::min(previous[s], previous[s + width / 2]);
    minRank.push_back(std::move(level));
  }
  auto rankOf = [&](int32_t b) {
    int32_t first = instance.start[b], length = instance.end[b] - first;
    int32_t level = 31 - __builtin_clz(static_cast<uint32_t>(length));
    return std::min(minRank[level][first],
                    minRank[level][first + length - (1 << level)]);
  };
  std::vector<int32_t> order = instance.placed;
  std::vector<int32_t> rank(instance.numBuffers(), 0);
  for (int32_t b : order)
    rank[b] = rankOf(b);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    if (rank[a] != rank[b])
      return rank[a] < rank[b];
    if (instance.size[a] != instance.size[b])
      return instance.size[a] > instance.size[b];
    return a < b;
  });
  return order;
}

Plan detail::makePlan(const Instance &instance, std::vector<int64_t> offsets,
                      std::string strategy, double seconds) {
  Plan plan;
  plan.arenaBytes = arenaOf(instance, offsets);
  plan.offsets = std::move(offsets);
  plan.strategy = std::move(strategy);
  plan.seconds = seconds;
  plan.optimal = plan.arenaBytes <= instance.lowerBound;
  return plan;
}
