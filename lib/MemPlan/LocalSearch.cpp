//===- LocalSearch.cpp - Iterated greedy over placement orders ------------===//
//
// `local-search` improves a plan by searching over the *orders* in which the
// greedy placement engine (Placement.cpp) places the buffers, as in iterated
// greedy and late-acceptance hill climbing (Burke and Bykov, "The late
// acceptance hill-climbing heuristic", EJOR 2017): every order decodes into
// a valid plan, so the search never leaves the feasible space, and the
// decoder's gap filling does the fine work while the search fixes the
// coarse structure.
//
// The start is the given plan's buffers sorted by offset, decoded first fit:
// each buffer then lands at or below its offset in the given plan (the
// buffers placed before it and live with it all lie below that offset), so
// the search starts no worse than the plan it was given. A move takes a
// buffer that reaches the top of the arena (or, less often, any buffer)
// and moves it earlier in the order, or swaps two neighbours, or switches
// the fit rule; the new order is kept when its cost (arena, then how many
// buffers reach the top) is no worse than the current one or than the cost
// some iterations ago, which lets the search cross plateaus and shallow
// valleys. The best plan seen is returned, never a worse one than the start.
//
//===----------------------------------------------------------------------===//

#include "PlannerSupport.h"
#include "Strategies.h"

#include <algorithm>
#include <numeric>
#include <random>

using namespace gc::memplan;
using namespace gc::memplan::detail;

namespace {

/// Arena first, then the number of buffers that reach it: fewer buffers at
/// the top is closer to a lower arena.
struct Cost {
  int64_t arena = 0;
  int64_t atTop = 0;
  bool operator<=(const Cost &other) const {
    return arena != other.arena ? arena < other.arena : atTop <= other.atTop;
  }
};

struct Candidate {
  std::vector<int32_t> order;
  Fit fit = Fit::First;
  std::vector<int64_t> offsets;
  Cost cost;
};

void decode(const Instance &instance, Candidate &candidate) {
  candidate.offsets = placeInOrder(instance, candidate.order, candidate.fit);
  Cost cost;
  cost.arena = arenaOf(instance, candidate.offsets);
  for (int32_t b : instance.placed)
    if (candidate.offsets[b] + instance.size[b] == cost.arena)
      ++cost.atTop;
  candidate.cost = cost;
}

class LocalSearchStrategy : public ImprovementStrategy {
public:
  std::string getName() const override { return "local-search"; }
  Plan improve(const std::vector<Buffer> &buffers, const Plan &start,
               const PlanOptions &options) const override;
};

Plan LocalSearchStrategy::improve(const std::vector<Buffer> &buffers,
                                  const Plan &start,
                                  const PlanOptions &options) const {
  Deadline deadline(options.timeLimitSeconds);
  Instance instance(buffers);
  Plan best = start;
  if (best.optimal || best.arenaBytes <= instance.lowerBound ||
      instance.placed.size() < 2)
    return best;

  Candidate current;
  current.order = instance.placed;
  std::sort(current.order.begin(), current.order.end(),
            [&](int32_t a, int32_t b) {
              if (start.offsets[a] != start.offsets[b])
                return start.offsets[a] < start.offsets[b];
              return a < b;
            });
  decode(instance, current);
  if (current.cost.arena < best.arenaBytes)
    best = makePlan(instance, current.offsets, "local-search", 0);

  std::mt19937_64 rng(options.seed);
  auto uniform = [&](size_t bound) {
    return static_cast<size_t>(rng() % std::max<size_t>(bound, 1));
  };
  const size_t n = current.order.size();
  const size_t historyLength = 50;
  std::vector<Cost> history(historyLength, current.cost);
  Candidate next;
  // A decode of a large instance takes a while: stop when the next one
  // would end past the limit.
  double decodeSeconds = deadline.elapsed();
  for (size_t iteration = 0; best.arenaBytes > instance.lowerBound &&
                             deadline.remaining() > decodeSeconds;
       ++iteration) {
    double started = deadline.elapsed();
    next.order = current.order;
    next.fit = current.fit;
    size_t kind = uniform(10);
    if (kind < 6) {
      // Pull a buffer that reaches the top earlier in the order.
      std::vector<size_t> tops;
      for (size_t p = 0; p < n; ++p) {
        int32_t b = current.order[p];
        if (current.offsets[b] + instance.size[b] == current.cost.arena)
          tops.push_back(p);
      }
      size_t from = tops[uniform(tops.size())];
      size_t to = uniform(from + 1);
      std::rotate(next.order.begin() + to, next.order.begin() + from,
                  next.order.begin() + from + 1);
    } else if (kind < 8) {
      size_t from = uniform(n), to = uniform(n);
      if (from > to)
        std::rotate(next.order.begin() + to, next.order.begin() + from,
                    next.order.begin() + from + 1);
      else
        std::rotate(next.order.begin() + from, next.order.begin() + from + 1,
                    next.order.begin() + to + 1);
    } else if (kind < 9) {
      size_t p = uniform(n - 1);
      std::swap(next.order[p], next.order[p + 1]);
    } else {
      next.fit = current.fit == Fit::First ? Fit::Best : Fit::First;
    }
    decode(instance, next);
    decodeSeconds = deadline.elapsed() - started;
    Cost &old = history[iteration % historyLength];
    if (next.cost <= current.cost || next.cost <= old) {
      std::swap(current, next);
      if (current.cost.arena < best.arenaBytes)
        best = makePlan(instance, current.offsets, "local-search", 0);
    }
    old = current.cost;
  }
  best.hitWallClockCap |= deadline.stoppedByWallClock();
  return best;
}

} // namespace

std::unique_ptr<Strategy> detail::createLocalSearchStrategy() {
  return std::make_unique<LocalSearchStrategy>();
}
