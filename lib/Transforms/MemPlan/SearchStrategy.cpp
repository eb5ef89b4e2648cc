//===- SearchStrategy.cpp - Exact search over canonical plans -------------===//
//
// `search` decides, for a capacity C, whether all buffers fit below C, by a
// depth-first search after MiniMalloc (Moffitt, "MiniMalloc: A Lightweight
// Memory Allocator for Hardware-Accelerated Machine Learning", ASPLOS 2023),
// and finds the smallest capacity it can by binary search between the lower
// bound and the arena of its starting plan. It improves that plan or returns
// it unchanged; a capacity is proven infeasible only when a search exhausts
// its tree.
//
// The search space is the *canonical* plans: every buffer sits at offset 0
// or directly on top of (at the aligned end of) a buffer live at the same
// time; any plan becomes one by letting buffers fall as far as they can.
// Buffers are placed in increasing order of (offset, static rank), and each
// unplaced buffer's lowest possible offset (the aligned top of the placed
// buffers it overlaps in time) is maintained incrementally, so a node just
// branches on which buffer to place next, at that offset. Rules from the
// paper prune the tree:
//  - canonical order: the next buffer's (offset, rank) must exceed the last
//    one's, so each plan is enumerated once;
//  - dominance: a buffer may not be placed at or above the top any unplaced
//    buffer could reach now, since that buffer would then end up above a gap
//    it could fall into;
//  - section inference: in each section (elementary interval of time), the
//    floor (the top of the placed buffers, and the lowest offset any
//    unplaced one can take, and the current offset since offsets only grow)
//    plus the bytes still to place there must fit below C;
//  - "hatless" pruning (from the MiniMalloc sources): when the buffer just
//    placed overlaps no unplaced buffer, no other choice at this node can do
//    better, so a failure below it fails the node;
//  - dynamic decomposition: when no unplaced buffer spans the boundary
//    between two sections any more, the two sides are independent problems
//    and are solved one after the other instead of interleaved.
// The static rank comes from MiniMalloc's preordering heuristics (by
// lifetime length, area and the fullest section a buffer is in, in three
// orders); they are tried in turn with a node limit that doubles each round,
// as MiniMalloc does, so that one unlucky order cannot stall the search.
//
//===----------------------------------------------------------------------===//

#include "PlannerSupport.h"
#include "Strategies.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <cstdio>
#include <cstdlib>

using namespace gc::memplan;
using namespace gc::memplan::detail;

namespace {

enum class Outcome { Found, Infeasible, Aborted };

/// MiniMalloc's default preorderings: keys compared in this order, each
/// larger first. W is the lifetime's length, A its area (size x length), T
/// the most bytes live in any section of the lifetime.
enum class Preorder { WAT, TAW, TWA };

/// The problem of one capacity search, in local indices 0..n-1 over the
/// nonzero buffers, with the state of the depth-first search.
class CapacitySearch {
public:
  CapacitySearch(const Instance &instance, const std::vector<Buffer> &buffers,
                 const Deadline &deadline);

  /// Whether the pairwise overlaps of the instance are too many to store
  /// (the search is meant for hundreds to a few thousand buffers).
  bool tooLarge() const { return overlapsTooMany; }

  /// Searches for a plan below `capacity` with the given static order and
  /// at most `nodeLimit` nodes. On Found, offsets() holds it.
  Outcome solve(int64_t capacity, Preorder preorder, int64_t nodeLimit);

  /// The offsets of the last plan found, indexed like the instance.
  std::vector<int64_t> offsets() const;

private:
  /// Buffers whose sections lie in [first, last), independent of the rest.
  struct Part {
    std::vector<int32_t> buffers;
    int32_t first;
    int32_t last;
  };

  Outcome solveParts(const std::vector<Part> &parts);
  Outcome search(const Part &part, int64_t lastOffset, int32_t lastRank);
  Outcome descend(const Part &part, int32_t b, int64_t offset);
  /// Places b at offset and records what it changes; returns whether b
  /// overlaps an unplaced buffer.
  bool place(int32_t b, int64_t offset);
  void unplace(int32_t b, size_t minMark, size_t floorMark);
  void setFloor(int32_t s, int64_t value, int32_t count);
  bool sectionsFit(const Part &part, int64_t offset) const;
  void rankBuffers(Preorder preorder);
  std::vector<Part> splitAtCuts(const std::vector<int32_t> &buffers,
                                int32_t first, int32_t last) const;

  const Instance &instance;
  const Deadline &deadline;
  int32_t n = 0;
  int32_t numSections = 0;
  bool overlapsTooMany = false;
  // Static data, by local index.
  std::vector<int32_t> global;
  std::vector<int64_t> size, alignment, length;
  std::vector<int32_t> first, last;
  std::vector<std::vector<int32_t>> overlaps;
  std::vector<std::vector<int32_t>> members;
  std::vector<int64_t> initialTotal;
  std::vector<int32_t> initialCuts;
  // Search state.
  int64_t capacity = 0;
  int64_t nodesLeft = 0;
public:
  uint64_t noiseSeed = 0;
  double noiseLevel = 0.2;
  int64_t nodes = 0, placements = 0, fails = 0, prefails = 0;
private:
  bool timedOut = false;
  std::vector<int32_t> rank;
  std::vector<int64_t> offset, minOffset, solution;
  std::vector<int64_t> floor, total;
  std::vector<int32_t> cuts;
  std::vector<uint32_t> sectionStamp;
  uint32_t stamp = 0;
  struct FloorChange {
    int32_t section;
    int64_t floor;
    int32_t count;
  };
  std::vector<std::pair<int32_t, int64_t>> minChanges;
  std::vector<FloorChange> floorChanges;
  std::vector<int32_t> floorCount;
  std::vector<int32_t> affected, painted, nextUnpainted;
  std::vector<int64_t> newFloor;
};

CapacitySearch::CapacitySearch(const Instance &instance,
                               const std::vector<Buffer> &buffers,
                               const Deadline &deadline)
    : instance(instance), deadline(deadline) {
  global = instance.placed;
  n = static_cast<int32_t>(global.size());
  numSections = instance.numSections;
  size.resize(n);
  alignment.resize(n);
  length.resize(n);
  first.resize(n);
  last.resize(n);
  for (int32_t i = 0; i < n; ++i) {
    int32_t g = global[i];
    size[i] = instance.size[g];
    alignment[i] = instance.alignment[g];
    length[i] = buffers[g].upper - buffers[g].lower;
    first[i] = instance.start[g];
    last[i] = instance.end[g];
  }
  // Sections' members, totals and cuts (buffers spanning the boundary
  // between section s and s + 1).
  members.assign(numSections, {});
  initialTotal.assign(numSections, 0);
  initialCuts.assign(std::max(numSections, 1), 0);
  int64_t memberCount = 0;
  for (int32_t i = 0; i < n; ++i)
    memberCount += last[i] - first[i];
  const int64_t kMaxEntries = int64_t(1) << 24;
  if (memberCount > kMaxEntries) {
    overlapsTooMany = true;
    return;
  }
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t s = first[i]; s < last[i]; ++s) {
      members[s].push_back(i);
      initialTotal[s] += size[i];
    }
    for (int32_t s = first[i]; s + 1 < last[i]; ++s)
      ++initialCuts[s];
  }
  // Pairwise overlaps, by a sweep over starts.
  std::vector<int32_t> byStart(n);
  std::iota(byStart.begin(), byStart.end(), 0);
  std::sort(byStart.begin(), byStart.end(),
            [&](int32_t a, int32_t b) { return first[a] < first[b]; });
  overlaps.assign(n, {});
  int64_t pairs = 0;
  std::vector<int32_t> live;
  for (int32_t i : byStart) {
    live.erase(std::remove_if(live.begin(), live.end(),
                              [&](int32_t j) { return last[j] <= first[i]; }),
               live.end());
    pairs += static_cast<int64_t>(live.size());
    if (2 * pairs > kMaxEntries) {
      overlapsTooMany = true;
      return;
    }
    for (int32_t j : live) {
      overlaps[i].push_back(j);
      overlaps[j].push_back(i);
    }
    live.push_back(i);
  }
  offset.assign(n, -1);
  minOffset.assign(n, 0);
  solution.assign(n, 0);
  rank.assign(n, 0);
  sectionStamp.assign(numSections, 0);
}

void CapacitySearch::rankBuffers(Preorder preorder) {
  std::vector<double> fullest(n, 0), lengthKey(n), areaKey(n);
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t s = first[i]; s < last[i]; ++s)
      fullest[i] = std::max<double>(fullest[i], initialTotal[s]);
    lengthKey[i] = static_cast<double>(length[i]);
    areaKey[i] = static_cast<double>(size[i]) * static_cast<double>(length[i]);
  }
  if (noiseSeed != 0) {
    std::mt19937_64 rng(noiseSeed);
    std::uniform_real_distribution<double> noise(1.0 - noiseLevel, 1.0 + noiseLevel);
    for (int32_t i = 0; i < n; ++i) {
      fullest[i] *= noise(rng);
      lengthKey[i] *= noise(rng);
      areaKey[i] *= noise(rng);
    }
  }
  const char *keys = preorder == Preorder::WAT   ? "WAT"
                     : preorder == Preorder::TAW ? "TAW"
                                                 : "TWA";
  std::vector<int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    for (const char *k = keys; *k; ++k) {
      const std::vector<double> &key =
          *k == 'W' ? lengthKey : *k == 'A' ? areaKey : fullest;
      if (key[a] != key[b])
        return key[a] > key[b];
    }
    return a < b;
  });
  for (int32_t r = 0; r < n; ++r)
    rank[order[r]] = r;
}

std::vector<CapacitySearch::Part>
CapacitySearch::splitAtCuts(const std::vector<int32_t> &buffers,
                            int32_t firstSection, int32_t lastSection) const {
  // Boundaries no unplaced buffer spans split [firstSection, lastSection).
  std::vector<int32_t> bounds = {firstSection};
  for (int32_t s = firstSection; s + 1 < lastSection; ++s)
    if (cuts[s] == 0)
      bounds.push_back(s + 1);
  bounds.push_back(lastSection);
  std::vector<Part> parts(bounds.size() - 1);
  for (size_t p = 0; p + 1 < bounds.size(); ++p) {
    parts[p].first = bounds[p];
    parts[p].last = bounds[p + 1];
  }
  for (int32_t b : buffers) {
    if (offset[b] >= 0)
      continue;
    size_t p = std::upper_bound(bounds.begin(), bounds.end(), first[b]) -
               bounds.begin() - 1;
    parts[p].buffers.push_back(b);
  }
  parts.erase(std::remove_if(parts.begin(), parts.end(),
                             [](const Part &p) { return p.buffers.empty(); }),
              parts.end());
  return parts;
}

Outcome CapacitySearch::solve(int64_t capacityBytes, Preorder preorder,
                              int64_t nodeLimit) {
  capacity = capacityBytes;
  nodesLeft = nodeLimit;
  timedOut = false;
  std::fill(offset.begin(), offset.end(), -1);
  std::fill(minOffset.begin(), minOffset.end(), 0);
  floor.assign(numSections, 0);
  floorCount.assign(numSections, -1);
  total = initialTotal;
  cuts = initialCuts;
  minChanges.clear();
  floorChanges.clear();
  rankBuffers(preorder);
  std::vector<int32_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  return solveParts(splitAtCuts(all, 0, numSections));
}

Outcome CapacitySearch::solveParts(const std::vector<Part> &parts) {
  for (const Part &part : parts) {
    Outcome outcome = search(part, -1, -1);
    if (outcome != Outcome::Found)
      return outcome;
  }
  return Outcome::Found;
}

__attribute__((noinline)) bool CapacitySearch::sectionsFit(const Part &part, int64_t atOffset) const {
  for (int32_t s = part.first; s < part.last; ++s)
    if (total[s] > 0 && std::max(floor[s], atOffset) + total[s] > capacity)
      return false;
  return true;
}

void CapacitySearch::setFloor(int32_t s, int64_t value, int32_t count) {
  if (floor[s] == value && floorCount[s] == count)
    return;
  floorChanges.push_back({s, floor[s], floorCount[s]});
  floor[s] = value;
  floorCount[s] = count;
}

bool CapacitySearch::place(int32_t b, int64_t at) {
  offset[b] = at;
  int64_t top = at + size[b];
  // floor[s] is the lowest offset of the unplaced buffers of section s, and
  // floorCount[s] how many have it (-1: unknown). In b's sections every
  // unplaced buffer overlaps b, so their new floors are painted from b's
  // overlap list, lowest offset first. Elsewhere a floor changes only when
  // the last buffer at it is raised; only then is the section rescanned.
  int32_t firstB = first[b], lastB = last[b], span = lastB - firstB;
  painted.clear();
  ++stamp;
  affected.clear();
  auto raisedIn = [&](int32_t s, int64_t previous) {
    if (floor[s] != previous || sectionStamp[s] == stamp)
      return;
    if (floorCount[s] > 1) {
      setFloor(s, floor[s], floorCount[s] - 1);
      return;
    }
    sectionStamp[s] = stamp;
    affected.push_back(s);
  };
  for (int32_t j : overlaps[b]) {
    if (offset[j] >= 0)
      continue;
    int64_t lowest = alignment[j] == 1 ? top : alignUp(top, alignment[j]);
    int64_t previous = minOffset[j];
    if (previous < lowest) {
      minChanges.push_back({j, previous});
      minOffset[j] = lowest;
      for (int32_t s = first[j]; s < firstB; ++s)
        raisedIn(s, previous);
      for (int32_t s = lastB; s < last[j]; ++s)
        raisedIn(s, previous);
    }
    painted.push_back(j);
  }
  bool hasHat = !painted.empty();
  std::sort(painted.begin(), painted.end(), [&](int32_t x, int32_t y) {
    return minOffset[x] < minOffset[y];
  });
  nextUnpainted.resize(span + 1);
  for (int32_t k = 0; k <= span; ++k)
    nextUnpainted[k] = k;
  auto find = [&](int32_t k) {
    while (nextUnpainted[k] != k) {
      nextUnpainted[k] = nextUnpainted[nextUnpainted[k]];
      k = nextUnpainted[k];
    }
    return k;
  };
  newFloor.assign(span, std::numeric_limits<int64_t>::max());
  for (int32_t j : painted) {
    int32_t hi = std::min(last[j], lastB) - firstB;
    for (int32_t k = find(std::max(first[j], firstB) - firstB); k < hi;
         k = find(k + 1)) {
      newFloor[k] = minOffset[j];
      nextUnpainted[k] = k + 1;
    }
  }
  for (int32_t k = 0; k < span; ++k) {
    total[firstB + k] -= size[b];
    setFloor(firstB + k, newFloor[k], -1);
  }
  for (int32_t s : affected) {
    int64_t lowest = std::numeric_limits<int64_t>::max();
    int32_t count = 0;
    for (int32_t j : members[s]) {
      if (offset[j] >= 0 || minOffset[j] > lowest)
        continue;
      count = minOffset[j] == lowest ? count + 1 : 1;
      lowest = minOffset[j];
    }
    setFloor(s, lowest, count);
  }
  return hasHat;
}

void CapacitySearch::unplace(int32_t b, size_t minMark, size_t floorMark) {
  while (floorChanges.size() > floorMark) {
    const FloorChange &change = floorChanges.back();
    floor[change.section] = change.floor;
    floorCount[change.section] = change.count;
    floorChanges.pop_back();
  }
  while (minChanges.size() > minMark) {
    minOffset[minChanges.back().first] = minChanges.back().second;
    minChanges.pop_back();
  }
  for (int32_t s = first[b]; s < last[b]; ++s)
    total[s] += size[b];
  offset[b] = -1;
}

Outcome CapacitySearch::search(const Part &part, int64_t lastOffset,
                               int32_t lastRank) {
  if (timedOut || --nodesLeft < 0)
    return Outcome::Aborted;
  if ((++nodes & 63) == 0 && deadline.expired()) {
    timedOut = true;
    return Outcome::Aborted;
  }
  // The lowest top any unplaced buffer can reach bounds where the next one
  // may go (dominance).
  int64_t minTop = std::numeric_limits<int64_t>::max();
  bool anyLeft = false;
  for (int32_t b : part.buffers) {
    if (offset[b] >= 0)
      continue;
    anyLeft = true;
    if (minOffset[b] + size[b] > capacity)
      return Outcome::Infeasible;
    minTop = std::min(minTop, minOffset[b] + size[b]);
  }
  if (!anyLeft)
    return Outcome::Found;
  std::vector<int32_t> candidates;
  for (int32_t b : part.buffers) {
    if (offset[b] >= 0 || minOffset[b] >= minTop)
      continue;
    if (minOffset[b] < lastOffset ||
        (minOffset[b] == lastOffset && rank[b] < lastRank))
      continue;
    if (minOffset[b] + size[b] > capacity)
      continue;
    candidates.push_back(b);
  }
  std::sort(candidates.begin(), candidates.end(), [&](int32_t a, int32_t b) {
    if (minOffset[a] != minOffset[b])
      return minOffset[a] < minOffset[b];
    return rank[a] < rank[b];
  });
  // Offsets only grow, so every byte still to place in a section must fit
  // between `at` and the capacity: a necessary test that costs no update.
  // It fails in the sections with the most bytes left first.
  std::vector<int32_t> fullest;
  for (int32_t s = part.first; s < part.last; ++s)
    if (total[s] > 0)
      fullest.push_back(s);
  std::sort(fullest.begin(), fullest.end(),
            [&](int32_t x, int32_t y) { return total[x] > total[y]; });
  for (int32_t b : candidates) {
    int64_t at = minOffset[b];
    bool fits = true;
    for (int32_t s : fullest) {
      if (at + total[s] <= capacity)
        break;
      if (s < first[b] || s >= last[b] || total[s] > size[b]) {
        fits = false;
        break;
      }
    }
    if (!fits) {
      ++prefails;
      continue;
    }
    size_t minMark = minChanges.size(), floorMark = floorChanges.size();
    bool hasHat = place(b, at);
    ++placements;
    Outcome outcome = Outcome::Infeasible;
    if (sectionsFit(part, at))
      outcome = descend(part, b, at);
    else ++fails;
    unplace(b, minMark, floorMark);
    if (outcome == Outcome::Found)
      solution[b] = at;
    if (outcome != Outcome::Infeasible)
      return outcome;
    if (!hasHat)
      break;
  }
  return Outcome::Infeasible;
}

Outcome CapacitySearch::descend(const Part &part, int32_t b, int64_t at) {
  bool split = false;
  for (int32_t s = first[b]; s + 1 < last[b]; ++s)
    split |= --cuts[s] == 0;
  Outcome outcome = split ? solveParts(splitAtCuts(part.buffers, part.first,
                                                   part.last))
                          : search(part, at, rank[b]);
  for (int32_t s = first[b]; s + 1 < last[b]; ++s)
    ++cuts[s];
  return outcome;
}

std::vector<int64_t> CapacitySearch::offsets() const {
  std::vector<int64_t> result(instance.numBuffers(), 0);
  for (int32_t i = 0; i < n; ++i)
    result[global[i]] = solution[i];
  return result;
}

class SearchStrategy : public Strategy {
public:
  std::string getName() const override { return "search"; }
  bool isImprovement() const override { return true; }
  Plan plan(const std::vector<Buffer> &buffers,
            const PlanOptions &options) const override {
    Deadline clock(0);
    Plan plan = improve(buffers, bestGreedyPlan(buffers), options);
    plan.seconds = clock.elapsed();
    return plan;
  }
  Plan improve(const std::vector<Buffer> &buffers, const Plan &start,
               const PlanOptions &options) const override;
};

Plan SearchStrategy::improve(const std::vector<Buffer> &buffers,
                             const Plan &start,
                             const PlanOptions &options) const {
  Deadline deadline(options.timeLimitSeconds);
  Instance instance(buffers);
  Plan best = start;
  // Every arena is a multiple of the common divisor of all sizes and
  // alignments, so only such capacities are probed.
  int64_t unit = 0;
  for (int32_t b : instance.placed)
    unit = std::gcd(unit, std::gcd(instance.size[b], instance.alignment[b]));
  unit = std::max<int64_t>(unit, 1);
  int64_t proven = (instance.lowerBound + unit - 1) / unit * unit;
  if (best.arenaBytes <= proven)
    return best;
  CapacitySearch search(instance, buffers, deadline);
  if (search.tooLarge())
    return best;

  if (getenv("MPCAP")) {
    const Preorder pres[] = {Preorder::WAT, Preorder::TAW, Preorder::TWA};
    for (Preorder preorder : pres) {
      if (getenv("MPPRE") && atoi(getenv("MPPRE")) != (int)preorder) continue;
      Deadline t(0);
      Outcome outcome = search.solve(atoll(getenv("MPCAP")), preorder, 1LL << 40);
      fprintf(stderr, "exact pre=%d -> %d  t=%.3f nodes=%ld \n", (int)preorder, (int)outcome, t.elapsed(), (long)search.nodes);
    }
    return best;
  }
  if (getenv("MPLUBY")) {
    int64_t base = atoll(getenv("MPLUBY"));
    if (getenv("MPNOISE")) search.noiseLevel = atof(getenv("MPNOISE"));
    auto luby = [](int64_t i) { // 1-based
      int64_t k = 1;
      while (true) {
        if (i == (int64_t(1) << k) - 1) return int64_t(1) << (k - 1);
        if (i < (int64_t(1) << k) - 1) { i = i - (int64_t(1) << (k - 1)) + 1; k = 1; continue; }
        ++k;
      }
    };
    for (int64_t r = 1; !deadline.expired(); ++r) {
      search.noiseSeed = r <= 3 ? 0 : r;
      Outcome outcome = search.solve(atoll(getenv("MPCAP")), Preorder(r % 3), base * luby(r));
      if (outcome == Outcome::Found) {
        fprintf(stderr, "luby found after %ld restarts t=%.3f nodes=%ld\n", (long)r, deadline.elapsed(), (long)search.nodes);
        return best;
      }
    }
    fprintf(stderr, "luby failed t=%.3f nodes=%ld\n", deadline.elapsed(), (long)search.nodes);
    return best;
  }
  // Several bisections run side by side, each a sequence of rounds that
  // bisect [proven, best) with a node limit doubling from round to round;
  // they differ in their first limit. Short searches find good plans fast,
  // long ones the hard capacities near the bound; the one that has used the
  // least time runs next, so none starves. A capacity is probed with each
  // of MiniMalloc's three preorders, then with randomly perturbed ones.
  struct Bisection {
    int64_t nodeLimit;
    int64_t low = 0;
    int64_t target = 0;
    int attempt = 0;
    int round = 0;
    double seconds = 0;
  };
  int64_t n = static_cast<int64_t>(instance.placed.size());
  std::vector<Bisection> bisections;
  std::string factors = getenv("MPFACT") ? getenv("MPFACT") : "2";
  for (char c : factors)
    bisections.push_back({std::max<int64_t>((int64_t(1) << (2 * (c - '0'))) * n, 256)});
  for (Bisection &bisection : bisections)
    bisection.low = bisection.target = proven;
  const Preorder preorders[] = {Preorder::WAT, Preorder::TAW, Preorder::TWA};
  const int kAttempts = getenv("MPATT") ? atoi(getenv("MPATT")) : 3;
  uint64_t seed = options.seed;
  auto midpoint = [&](int64_t low) {
    int64_t middle = low + (best.arenaBytes - unit - low) / 2;
    return std::max(low, middle / unit * unit);
  };
  while (proven < best.arenaBytes && !deadline.expired()) {
    Bisection &bisection = *std::min_element(
        bisections.begin(), bisections.end(),
        [](const Bisection &a, const Bisection &b) {
          return a.seconds < b.seconds;
        });
    if (bisection.low < proven)
      bisection.low = proven;
    if (bisection.low >= best.arenaBytes) {
      // Round over: again from the bound, with twice the nodes.
      bisection.nodeLimit *= 2;
      ++bisection.round;
      bisection.low = bisection.target = proven;
      bisection.attempt = 0;
    }
    if (bisection.target >= best.arenaBytes || bisection.target < bisection.low) {
      bisection.target = midpoint(bisection.low);
      bisection.attempt = 0;
    }
    double before = deadline.elapsed();
    search.noiseSeed = bisection.round == 0 ? 0 : ++seed;
    Outcome outcome = search.solve(bisection.target,
                                   preorders[bisection.attempt % 3],
                                   bisection.nodeLimit);
    bisection.seconds += deadline.elapsed() - before;
    if (getenv("MPDBG"))
      fprintf(stderr, "bisection %ld round %d target %ld attempt %d -> %d  t=%.3f\n", (long)(&bisection - bisections.data()), bisection.round, (long)bisection.target, bisection.attempt, (int)outcome, deadline.elapsed());
    if (outcome == Outcome::Found) {
      std::vector<int64_t> offsets = search.offsets();
      int64_t arena = arenaOf(instance, offsets);
      if (arena < best.arenaBytes)
        best = makePlan(instance, std::move(offsets), "search", 0);
    } else if (outcome == Outcome::Infeasible) {
      proven = std::max(proven, bisection.target + unit);
    } else if (!deadline.expired() && ++bisection.attempt < kAttempts) {
      continue;
    }
    if (outcome != Outcome::Found)
      bisection.low = bisection.target + unit;
    bisection.attempt = 0;
    bisection.target = bisection.low < best.arenaBytes
                           ? midpoint(bisection.low)
                           : best.arenaBytes;
  }
  return best;
}

} // namespace

std::unique_ptr<Strategy> detail::createSearchStrategy() {
  return std::make_unique<SearchStrategy>();
}
