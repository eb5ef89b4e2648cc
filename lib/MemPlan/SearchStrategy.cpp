//===- SearchStrategy.cpp - Smallest capacity the search can fill ---------===//
//
// `search` improves a plan with the depth-first search of CapacitySearch.cpp
// (after MiniMalloc, Moffitt, ASPLOS 2023), which decides whether the
// buffers fit below a given capacity. It never returns a plan worse than the
// one it starts from, and stops when its plan is proven optimal (at the
// lower bound, or every smaller capacity exhausted) or at the time limit.
//
// The buffers are first split into groups that are never live at the same
// time (a plan is their union, its arena the largest of theirs), and time
// always goes to the group whose arena is the largest. The depth-first
// search is heavy-tailed: a wrong decision near the root costs an
// exponential subtree, and which of MiniMalloc's preorders avoids it varies
// from instance to instance. So within a group three searches share the
// time, each advancing by one short, node-limited probe at a time:
//  - an attack on the bound: restarts at the proven lower bound (the
//    optimum of the tight instances MiniMalloc's benchmarks are made of)
//    with each preorder, as they are with doubling node limits and randomly
//    perturbed with Luby's restart limits (Luby, Sinclair and Zuckerman,
//    "Optimal speedup of Las Vegas algorithms", 1993);
//  - MiniMalloc's binary search on the capacity between the proven bound
//    and the best arena, each probe with the three preorders in turn, the
//    node limit doubling from round to round; an exhausted probe raises the
//    proven bound;
//  - a large neighbourhood search (Shaw, "Using Constraint Programming and
//    Local Search Methods to Solve Vehicle Routing Problems", CP 1998): keep
//    a random lower part of a good plan (by offset; small parts are
//    favoured) and search the rest below a capacity a little under the best
//    arena, with small node limits that grow when it keeps failing. Half of
//    the neighbourhoods turn the plan upside down first (also a plan when
//    every alignment is 1), so that its top is kept and its bottom
//    re-searched; some move the buffers that reach the top of the arena to
//    the bottom first. It works on its own plan and starts again from the
//    start plan when that plan stalls (multi-start, as a plan can sit in a
//    basin no neighbourhood leaves). Re-searching part of a good plan
//    escapes the heavy tail and is what brings the hardest instances within
//    a few percent.
// The time is shared 1:1:3 in that order. Every arena of a canonical plan is
// a multiple of the common divisor of the sizes and of the alignments above
// 1, so only such capacities are probed.
//
// A group of more than a few thousand buffers is not searched whole: each
// step re-searches its highest buffers in the best plan (up to a thousand),
// the others fixed below them, on a sub-instance whose buffers rest at
// least on the fixed buffers live with them.
//
//===----------------------------------------------------------------------===//

#include "CapacitySearch.h"
#include "Strategies.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <random>

using namespace gc::memplan;
using namespace gc::memplan::detail;

namespace {

/// Groups larger than this are left to the other strategies: the search
/// stores every pairwise overlap and pays O(n) per node.
constexpr size_t kMaxSearchBuffers = 4096;
/// Buffers re-searched at once at the top of a larger group.
constexpr size_t kMaxTopBuffers = 1024;

const Preorder kPreorders[] = {Preorder::WAT, Preorder::TAW, Preorder::TWA};

/// The search state of one group of buffers.
class GroupSearch {
public:
  GroupSearch(std::vector<Buffer> groupBuffers, std::vector<int64_t> offsets,
              const Deadline &deadline, uint64_t seed);

  int64_t arena() const { return best.arenaBytes; }
  int64_t provenBound() const { return proven; }
  /// Whether a step stops at the deadline (a search of the whole group
  /// does; the start of a large group's step does not).
  bool stopsAtDeadline() const { return search.has_value(); }
  const std::vector<int64_t> &offsets() const { return best.offsets; }
  bool improved() const { return found; }
  /// Whether no further step can help: proven optimal, or nothing to move.
  bool finished() const {
    return instance.placed.size() < 2 || best.arenaBytes <= proven;
  }
  /// One probe of one of the searches.
  void step();

private:
  void bisectionStep();
  void topStep();
  void attackStep();
  void neighbourhoodStep();
  void consider(Outcome outcome, bool mirrored = false);
  std::vector<int64_t> mirror(const std::vector<int64_t> &offsets,
                              int64_t arena) const;

  std::vector<Buffer> buffers;
  Instance instance;
  /// The search of the whole group; none for a large group.
  std::optional<CapacitySearch> search;
  const Deadline &deadline;
  std::mt19937_64 rng;
  /// The best plan and the capacities ruled out: none below `proven`, all
  /// arenas multiples of `unit`.
  Plan best;
  bool found = false;
  int64_t unit = 1;
  int64_t proven = 0;
  bool canMirror = true;
  // The attack on the bound.
  int64_t attacks = 0;
  double attackSeconds = 0;
  // The binary search: the round's lowest capacity not ruled out, the
  // capacity probed and with which preorder.
  int64_t nodeLimit;
  int64_t low = 0;
  int64_t target = 0;
  int attempt = 0;
  int round = 0;
  double bisectionSeconds = 0;
  // The neighbourhood search, and its variant for large groups.
  int64_t neighbourhoodLimit;
  int failures = 0;
  double neighbourhoodSeconds = 0;
  int64_t topLimit;
  int topFailures = 0;
  /// The plan the group started from, and the neighbourhood search's own
  /// plan, its arena and when it last improved (in the search's seconds).
  std::vector<int64_t> startOffsets, current;
  int64_t currentArena = 0;
  double currentSince = 0;
};

GroupSearch::GroupSearch(std::vector<Buffer> groupBuffers,
                         std::vector<int64_t> offsets, const Deadline &deadline,
                         uint64_t seed)
    : buffers(std::move(groupBuffers)), instance(buffers), deadline(deadline),
      rng(seed) {
  // The search stores every pairwise overlap; a large group does not.
  if (instance.placed.size() > 1 &&
      instance.placed.size() <= kMaxSearchBuffers) {
    search.emplace(instance, buffers, deadline);
    if (search->tooLarge())
      search.reset();
  }
  topLimit = 4 * kMaxTopBuffers;
  best.arenaBytes = arenaOf(instance, offsets);
  startOffsets = offsets;
  best.offsets = std::move(offsets);
  unit = 0;
  for (int32_t b : instance.placed) {
    unit = std::gcd(unit, instance.size[b]);
    if (instance.alignment[b] > 1)
      unit = std::gcd(unit, instance.alignment[b]);
  }
  unit = std::max<int64_t>(unit, 1);
  for (int32_t b : instance.placed)
    canMirror &= instance.alignment[b] == 1;
  proven = (instance.lowerBound + unit - 1) / unit * unit;
  int64_t n = static_cast<int64_t>(instance.placed.size());
  nodeLimit = std::max<int64_t>(n, 256);
  neighbourhoodLimit = std::max<int64_t>(2 * n, 256);
  low = target = proven;
}

void GroupSearch::consider(Outcome outcome, bool mirrored) {
  if (outcome != Outcome::Found)
    return;
  std::vector<int64_t> offsets = search->offsets();
  int64_t arena = arenaOf(instance, offsets);
  if (mirrored)
    offsets = mirror(offsets, arena);
  if (arena < best.arenaBytes) {
    best.arenaBytes = arena;
    best.offsets = std::move(offsets);
    found = true;
  }
}

std::vector<int64_t> GroupSearch::mirror(const std::vector<int64_t> &offsets,
                                         int64_t arena) const {
  std::vector<int64_t> mirrored(offsets.size(), 0);
  for (int32_t b : instance.placed)
    mirrored[b] = arena - offsets[b] - instance.size[b];
  return mirrored;
}

/// The i-th term (from 1) of the Luby sequence 1 1 2 1 1 2 4 1 1 2 ...
int64_t luby(int64_t i) {
  for (int64_t k = 1;; ++k) {
    int64_t full = (int64_t(1) << k) - 1;
    if (i == full)
      return int64_t(1) << (k - 1);
    if (i < full)
      return luby(i - (full >> 1));
  }
}

void GroupSearch::attackStep() {
  // Restarts at the proven bound, where MiniMalloc's instances are tight:
  // cycles of the three preorders, alternately as they are (with limits
  // that double every other cycle) and perturbed (with Luby's limits).
  int64_t cycle = attacks / 3;
  Preorder preorder = kPreorders[attacks % 3];
  ++attacks;
  int64_t base = std::max<int64_t>(instance.placed.size(), 64);
  bool perturbed = cycle % 2 == 1;
  int64_t limit = perturbed ? base * luby(cycle / 2 + 1)
                            : base << std::min<int64_t>(cycle / 2, 40);
  Outcome outcome =
      search->solve(proven, preorder, perturbed ? rng() | 1 : 0, limit);
  consider(outcome);
  if (outcome == Outcome::Infeasible)
    proven += unit;
}

void GroupSearch::step() {
  if (!search) {
    topStep();
    return;
  }
  // The bound attack, the binary search and the neighbourhood search share
  // the time 1:1:3; whichever is furthest behind its share runs next.
  double *spent[] = {&attackSeconds, &bisectionSeconds, &neighbourhoodSeconds};
  double shares[] = {attackSeconds, bisectionSeconds, neighbourhoodSeconds / 3};
  int which = static_cast<int>(std::min_element(shares, shares + 3) - shares);
  double started = deadline.elapsed();
  if (which == 0)
    attackStep();
  else if (which == 1)
    bisectionStep();
  else
    neighbourhoodStep();
  *spent[which] += deadline.elapsed() - started;
}

void GroupSearch::bisectionStep() {
  auto midpoint = [&] {
    int64_t middle = low + (best.arenaBytes - unit - low) / 2;
    return std::max(low, middle / unit * unit);
  };
  low = std::max(low, proven);
  if (low >= best.arenaBytes) {
    // Round over: again from the bound, with twice the nodes.
    nodeLimit *= 2;
    ++round;
    low = target = proven;
    attempt = 0;
  }
  if (target >= best.arenaBytes || target < low) {
    target = midpoint();
    attempt = 0;
  }
  uint64_t seed = round == 0 ? 0 : rng() | 1;
  Outcome outcome =
      search->solve(target, kPreorders[attempt % 3], seed, nodeLimit);
  consider(outcome);
  if (outcome == Outcome::Aborted && ++attempt < 3)
    return;
  if (outcome == Outcome::Infeasible)
    proven = std::max(proven, target + unit);
  if (outcome != Outcome::Found)
    low = target + unit;
  attempt = 0;
  target = low < best.arenaBytes ? midpoint() : best.arenaBytes;
}

void GroupSearch::neighbourhoodStep() {
  // The neighbourhood search works on its own plan: the best one at first,
  // the start plan again when it has not improved for a tenth of the time
  // limit (a restart, which usually ends in another basin).
  double limit = deadline.elapsed() + deadline.remaining();
  bool stalled = neighbourhoodSeconds - currentSince > 0.1 * limit;
  if (current.empty() || stalled) {
    current = current.empty() ? best.offsets : startOffsets;
    currentArena = arenaOf(instance, current);
    currentSince = neighbourhoodSeconds;
    neighbourhoodLimit = std::max<int64_t>(2 * instance.placed.size(), 256);
    failures = 0;
  }
  std::uniform_real_distribution<double> fraction(0, 1);
  // Small kept parts (large neighbourhoods) are favoured: they are what
  // moves a plan out of a poor basin.
  double u = fraction(rng);
  double keep = 0.95 * u * u;
  int64_t gap = currentArena - proven;
  if (gap <= 0)
    return;
  int64_t cut = static_cast<int64_t>(gap * 0.2 * fraction(rng)) / unit * unit;
  int64_t capacity = std::max(proven, currentArena - std::max(unit, cut));
  uint64_t seed = rng() % 2 ? rng() | 1 : 0;
  // Half of the neighbourhoods keep the top of the plan instead: the plan
  // upside down is a plan too when no alignment is lost by turning it.
  bool mirrored = canMirror && rng() % 2;
  std::vector<int64_t> start =
      mirrored ? mirror(current, currentArena) : current;
  // Some neighbourhoods first move the buffers at the top of the arena to
  // the bottom (the rest of the kept part rising above them): a long-lived
  // buffer left on top is otherwise only moved by re-searching everything.
  if (!mirrored && fraction(rng) < 0.3)
    for (int32_t b : instance.placed)
      if (current[b] + instance.size[b] == currentArena)
        start[b] = -1;
  Outcome outcome = search->solveAbove(capacity, kPreorders[rng() % 3], seed,
                                       neighbourhoodLimit, start, keep);
  consider(outcome, mirrored);
  if (outcome == Outcome::Found) {
    std::vector<int64_t> offsets = search->offsets();
    int64_t arena = arenaOf(instance, offsets);
    current = mirrored ? mirror(offsets, arena) : offsets;
    currentArena = arena;
    currentSince = neighbourhoodSeconds;
    failures = 0;
  } else if (++failures % 20 == 0) {
    // Repeated failures mean the neighbourhoods need deeper searches.
    neighbourhoodLimit *= 2;
  }
}

void GroupSearch::topStep() {
  // The buffers that lie highest in the best plan are searched again, the
  // others fixed: each free buffer rests at least on the top of the fixed
  // buffers live with it. This is the neighbourhood search of the small
  // groups, on a sub-instance, so that the cost of a step does not grow
  // with the size of the group.
  std::vector<int32_t> byOffset = instance.placed;
  std::sort(byOffset.begin(), byOffset.end(), [&](int32_t a, int32_t b) {
    return best.offsets[a] > best.offsets[b];
  });
  size_t count = std::min(byOffset.size(), kMaxTopBuffers >> (rng() % 5));
  int64_t level = best.offsets[byOffset[count - 1]];
  std::vector<int32_t> free, fixed;
  for (int32_t b : instance.placed)
    (best.offsets[b] >= level ? free : fixed).push_back(b);
  if (free.size() > 2 * kMaxTopBuffers || free.size() < 2)
    return;
  std::vector<Buffer> freeBuffers;
  std::vector<int64_t> bases;
  for (int32_t b : free) {
    int64_t lowest = 0;
    for (int32_t f : fixed)
      if (instance.liveTogether(b, f))
        lowest = std::max(lowest, best.offsets[f] + instance.size[f]);
    freeBuffers.push_back(buffers[b]);
    bases.push_back(lowest);
  }
  // The sort and the scan of the fixed buffers above.
  int64_t n = static_cast<int64_t>(byOffset.size());
  chargeWork(n * (64 - __builtin_clzll(static_cast<uint64_t>(n) | 1)) + n +
             static_cast<int64_t>(free.size()) *
                 static_cast<int64_t>(fixed.size()));
  Instance subInstance(freeBuffers);
  CapacitySearch subSearch(subInstance, freeBuffers, deadline,
                           std::move(bases));
  std::uniform_real_distribution<double> fraction(0, 1);
  int64_t gap = best.arenaBytes - proven;
  int64_t cut = static_cast<int64_t>(gap * 0.2 * fraction(rng)) / unit * unit;
  int64_t capacity = std::max(proven, best.arenaBytes - std::max(unit, cut));
  Outcome outcome = subSearch.solve(capacity, kPreorders[rng() % 3],
                                    rng() % 2 ? rng() | 1 : 0, topLimit);
  if (outcome == Outcome::Found) {
    std::vector<int64_t> offsets = best.offsets;
    std::vector<int64_t> subOffsets = subSearch.offsets();
    for (size_t k = 0; k < free.size(); ++k)
      offsets[free[k]] = subOffsets[k];
    int64_t arena = arenaOf(instance, offsets);
    if (arena < best.arenaBytes) {
      best.arenaBytes = arena;
      best.offsets = std::move(offsets);
      found = true;
    }
    topFailures = 0;
  } else if (++topFailures % 20 == 0) {
    topLimit *= 2;
  }
}

/// Groups of buffer indices never live at the same time as another group's.
std::vector<std::vector<int32_t>>
timeDisjointGroups(const std::vector<Buffer> &buffers) {
  std::vector<int32_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return buffers[a].lower < buffers[b].lower;
  });
  std::vector<std::vector<int32_t>> groups;
  int64_t end = 0;
  for (int32_t b : order) {
    if (groups.empty() || buffers[b].lower >= end)
      groups.emplace_back();
    groups.back().push_back(b);
    end = groups.back().size() == 1 ? buffers[b].upper
                                    : std::max(end, buffers[b].upper);
  }
  return groups;
}

class SearchStrategy : public ImprovementStrategy {
public:
  std::string getName() const override { return "search"; }
  Plan improve(const std::vector<Buffer> &buffers, const Plan &start,
               const PlanOptions &options) const override;
};

Plan SearchStrategy::improve(const std::vector<Buffer> &buffers,
                             const Plan &start,
                             const PlanOptions &options) const {
  Deadline deadline(options.timeLimitSeconds);
  std::vector<std::unique_ptr<GroupSearch>> searches;
  std::vector<std::vector<int32_t>> groups = timeDisjointGroups(buffers);
  for (const std::vector<int32_t> &group : groups) {
    std::vector<Buffer> groupBuffers;
    std::vector<int64_t> offsets;
    for (int32_t b : group) {
      groupBuffers.push_back(buffers[b]);
      offsets.push_back(start.offsets[b]);
    }
    searches.push_back(std::make_unique<GroupSearch>(
        std::move(groupBuffers), std::move(offsets), deadline,
        options.seed + searches.size()));
  }
  // Only the group with the largest arena bounds the plan. A step that
  // cannot stop midway (the start of a large group's step) is not begun
  // when the last one would not fit in the time left.
  double lastStep = 0;
  while (!searches.empty() && deadline.remaining() > lastStep) {
    GroupSearch &worst = **std::max_element(
        searches.begin(), searches.end(),
        [](const auto &a, const auto &b) { return a->arena() < b->arena(); });
    if (worst.finished())
      break;
    double started = deadline.elapsed();
    worst.step();
    lastStep = worst.stopsAtDeadline() ? 0 : deadline.elapsed() - started;
  }
  bool improved = false;
  int64_t largest = 0;
  std::vector<int64_t> offsets(buffers.size(), 0);
  for (size_t g = 0; g < groups.size(); ++g) {
    improved |= searches[g]->improved();
    largest = std::max(largest, searches[g]->arena());
    for (size_t k = 0; k < groups[g].size(); ++k)
      offsets[groups[g][k]] = searches[g]->offsets()[k];
  }
  // The plan is optimal when a group with the largest arena is.
  bool optimal = start.optimal;
  for (const auto &search : searches)
    optimal |=
        search->arena() == largest && search->arena() <= search->provenBound();
  Plan plan = start;
  int64_t arena = arenaOf(buffers, offsets);
  if (improved && arena < start.arenaBytes) {
    plan.offsets = std::move(offsets);
    plan.arenaBytes = arena;
    plan.strategy = "search";
  }
  plan.optimal = optimal;
  plan.hitWallClockCap |= deadline.stoppedByWallClock();
  return plan;
}

} // namespace

std::unique_ptr<Strategy> detail::createSearchStrategy() {
  return std::make_unique<SearchStrategy>();
}
