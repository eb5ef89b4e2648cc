//===- CapacitySearch.cpp - Depth-first search over canonical plans -------===//
//
// Decides whether all buffers fit below a capacity C by a depth-first search
// after MiniMalloc (Moffitt, ASPLOS 2023), sound and complete when given
// enough nodes.
//
// The search space is the *canonical* plans: every buffer sits at offset 0
// or directly on top of (at the aligned end of) a buffer live at the same
// time; any plan becomes one by letting its buffers fall as far as they
// can, in the order of their offsets. Buffers are placed in increasing order
// of (offset, static rank), and each unplaced buffer's lowest possible
// offset (the aligned top of the placed buffers live with it) is maintained
// incrementally, so a node only chooses which buffer goes next, at that
// offset. The rules of the paper prune the tree:
//  - canonical order: the next (offset, rank) must exceed the last one, so
//    each plan is enumerated once;
//  - dominance: no buffer may go at or above the top some unplaced buffer
//    could reach now, since that one would then be left above a gap it
//    could fall into;
//  - section inference: offsets only grow, so in each section (elementary
//    interval of time) the bytes still to place must fit between the floor
//    (the lowest offset an unplaced buffer there can take, and at least the
//    current offset) and C;
//  - "hatless" pruning (from the MiniMalloc sources): when the buffer just
//    placed overlaps no unplaced buffer, its placement constrains nothing,
//    so if the subtree fails no other choice at this node can succeed;
//  - dynamic decomposition: once no unplaced buffer spans the boundary
//    between two sections, the two sides are independent and are solved
//    one after the other rather than interleaved.
// Two implementation choices keep a node cheap: a candidate that would break
// the section inference through the current offset alone is rejected before
// it is placed, and section floors are updated exactly but lazily (in the
// placed buffer's sections by painting its overlaps' offsets, lowest first,
// elsewhere only when the last buffer at a floor is raised).
//
//===----------------------------------------------------------------------===//

#include "CapacitySearch.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <random>

using namespace gc::memplan;
using namespace gc::memplan::detail;

namespace {
constexpr int64_t kUnreachable = std::numeric_limits<int64_t>::max();
/// Pairwise overlaps and section memberships stored at most.
constexpr int64_t kMaxEntries = int64_t(1) << 24;
} // namespace

CapacitySearch::CapacitySearch(const Instance &instance,
                               const std::vector<Buffer> &buffers,
                               const Deadline &deadline,
                               std::vector<int64_t> bases)
    : instance(instance), deadline(deadline) {
  global = instance.placed;
  n = static_cast<int32_t>(global.size());
  numSections = instance.numSections;
  size.resize(n);
  alignment.resize(n);
  length.resize(n);
  first.resize(n);
  last.resize(n);
  base.assign(n, 0);
  int64_t memberships = 0;
  for (int32_t i = 0; i < n; ++i) {
    int32_t g = global[i];
    if (!bases.empty())
      base[i] = alignUp(bases[g], instance.alignment[g]);
    size[i] = instance.size[g];
    alignment[i] = instance.alignment[g];
    length[i] = buffers[g].upper - buffers[g].lower;
    first[i] = instance.start[g];
    last[i] = instance.end[g];
    memberships += last[i] - first[i];
  }
  if (memberships > kMaxEntries) {
    overlapsTooMany = true;
    return;
  }
  members.assign(numSections, {});
  initialTotal.assign(numSections, 0);
  initialFloor.assign(numSections, kUnreachable);
  initialFloorCount.assign(numSections, 0);
  initialCuts.assign(std::max(numSections, 1), 0);
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t s = first[i]; s < last[i]; ++s) {
      members[s].push_back(i);
      initialTotal[s] += size[i];
      if (base[i] < initialFloor[s]) {
        initialFloor[s] = base[i];
        initialFloorCount[s] = 0;
      }
      initialFloorCount[s] += base[i] == initialFloor[s];
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
  int64_t entries = 0;
  std::vector<int32_t> live;
  for (int32_t i : byStart) {
    live.erase(std::remove_if(live.begin(), live.end(),
                              [&](int32_t j) { return last[j] <= first[i]; }),
               live.end());
    entries += 2 * static_cast<int64_t>(live.size());
    if (entries > kMaxEntries) {
      overlapsTooMany = true;
      return;
    }
    for (int32_t j : live) {
      overlaps[i].push_back(j);
      overlaps[j].push_back(i);
    }
    live.push_back(i);
  }
  // Setting up: the memberships, the sweep, the overlaps and the arrays.
  chargeWork(2 * memberships + 2 * entries + 8 * (n + numSections));
  offset.assign(n, -1);
  minOffset.assign(n, 0);
  solution.assign(n, 0);
  rank.assign(n, 0);
  sectionStamp.assign(numSections, 0);
}

void CapacitySearch::rankBuffers(Preorder preorder, uint64_t noiseSeed) {
  std::vector<std::array<double, 3>> keys(n);
  std::mt19937_64 rng(noiseSeed);
  std::uniform_real_distribution<double> noise(0.8, 1.2);
  for (int32_t i = 0; i < n; ++i) {
    int64_t fullest = 0;
    for (int32_t s = first[i]; s < last[i]; ++s)
      fullest = std::max(fullest, initialTotal[s]);
    double w = static_cast<double>(length[i]);
    double a = static_cast<double>(size[i]) * w;
    double t = static_cast<double>(fullest);
    if (noiseSeed != 0) {
      w *= noise(rng);
      a *= noise(rng);
      t *= noise(rng);
    }
    switch (preorder) {
    case Preorder::WAT:
      keys[i] = {w, a, t};
      break;
    case Preorder::TAW:
      keys[i] = {t, a, w};
      break;
    case Preorder::TWA:
      keys[i] = {t, w, a};
      break;
    }
  }
  std::vector<int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return keys[a] != keys[b] ? keys[a] > keys[b] : a < b;
  });
  for (int32_t r = 0; r < n; ++r)
    rank[order[r]] = r;
}

void CapacitySearch::reset(int64_t capacityBytes, Preorder preorder,
                           uint64_t noiseSeed, int64_t nodeLimit) {
  capacity = capacityBytes;
  nodesLeft = nodeLimit;
  timedOut = false;
  std::fill(offset.begin(), offset.end(), -1);
  minOffset = base;
  total = initialTotal;
  floor = initialFloor;
  floorCount = initialFloorCount;
  cuts = initialCuts;
  minChanges.clear();
  floorChanges.clear();
  rankBuffers(preorder, noiseSeed);
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
                              uint64_t noiseSeed, int64_t nodeLimit) {
  reset(capacityBytes, preorder, noiseSeed, nodeLimit);
  std::vector<int32_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  return solveParts(splitAtCuts(all, 0, numSections));
}

Outcome CapacitySearch::solveAbove(int64_t capacityBytes, Preorder preorder,
                                   uint64_t noiseSeed, int64_t nodeLimit,
                                   const std::vector<int64_t> &plan,
                                   double keep) {
  reset(capacityBytes, preorder, noiseSeed, nodeLimit);
  std::vector<int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    int64_t x = plan[global[a]], y = plan[global[b]];
    return x != y ? x < y : rank[a] < rank[b];
  });
  size_t fixed = std::min<size_t>(static_cast<size_t>(keep * n), n);
  for (size_t p = 0; p < fixed; ++p) {
    // In this order every buffer falls to the top of the buffers placed
    // before it that are live with it, which is its lowest offset.
    int32_t b = order[p];
    int64_t at = minOffset[b];
    if (at + size[b] > capacity)
      return Outcome::Aborted;
    place(b, at);
    solution[b] = at;
    for (int32_t s = first[b]; s + 1 < last[b]; ++s)
      --cuts[s];
  }
  std::vector<int32_t> rest(order.begin() + fixed, order.end());
  std::vector<Part> parts = splitAtCuts(rest, 0, numSections);
  for (const Part &part : parts)
    if (!sectionsFit(part, 0))
      return Outcome::Aborted;
  return solveParts(parts) == Outcome::Found ? Outcome::Found
                                             : Outcome::Aborted;
}

std::vector<int64_t> CapacitySearch::offsets() const {
  std::vector<int64_t> result(instance.numBuffers(), 0);
  for (int32_t i = 0; i < n; ++i)
    result[global[i]] = solution[i];
  return result;
}

Outcome CapacitySearch::solveParts(const std::vector<Part> &parts) {
  for (const Part &part : parts) {
    Outcome outcome = search(part, -1, -1);
    if (outcome != Outcome::Found)
      return outcome;
  }
  return Outcome::Found;
}

Outcome CapacitySearch::search(const Part &part, int64_t lastOffset,
                               int32_t lastRank) {
  if (timedOut || --nodesLeft < 0)
    return Outcome::Aborted;
  // A node examines every buffer and section of its part (twice and more).
  chargeWork(2 * static_cast<int64_t>(part.buffers.size()) +
             2 * (part.last - part.first) + 1);
  if ((++nodes & 63) == 0 && deadline.expired()) {
    timedOut = true;
    return Outcome::Aborted;
  }
  // Dominance: nothing may go at or above the lowest top an unplaced buffer
  // can reach.
  int64_t minTop = kUnreachable;
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
  int64_t highestAt = 0;
  for (int32_t b : part.buffers) {
    if (offset[b] >= 0 || minOffset[b] >= minTop)
      continue;
    if (minOffset[b] < lastOffset ||
        (minOffset[b] == lastOffset && rank[b] < lastRank))
      continue;
    candidates.push_back(b);
    highestAt = std::max(highestAt, minOffset[b]);
  }
  std::sort(candidates.begin(), candidates.end(), [&](int32_t a, int32_t b) {
    if (minOffset[a] != minOffset[b])
      return minOffset[a] < minOffset[b];
    return rank[a] < rank[b];
  });
  // The sections where the bytes left do not fit above the highest
  // candidate offset, fullest first, for fitsAbove().
  std::vector<int32_t> fullest;
  for (int32_t s = part.first; s < part.last; ++s)
    if (total[s] > 0 && highestAt + total[s] > capacity)
      fullest.push_back(s);
  std::sort(fullest.begin(), fullest.end(),
            [&](int32_t x, int32_t y) { return total[x] > total[y]; });
  for (int32_t b : candidates) {
    int64_t at = minOffset[b];
    if (!fitsAbove(fullest, b, at))
      continue;
    size_t minMark = minChanges.size(), floorMark = floorChanges.size();
    bool hasHat = place(b, at);
    Outcome outcome = Outcome::Infeasible;
    if (sectionsFit(part, at))
      outcome = descend(part, b, at);
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
  Outcome outcome =
      split ? solveParts(splitAtCuts(part.buffers, part.first, part.last))
            : search(part, at, rank[b]);
  for (int32_t s = first[b]; s + 1 < last[b]; ++s)
    ++cuts[s];
  return outcome;
}

bool CapacitySearch::fitsAbove(const std::vector<int32_t> &fullest, int32_t b,
                               int64_t at) const {
  // Offsets only grow: once b is at `at`, every byte left in a section must
  // fit between `at` and the capacity, except in sections b empties.
  for (int32_t s : fullest) {
    if (at + total[s] <= capacity)
      return true;
    if (s < first[b] || s >= last[b] || total[s] > size[b])
      return false;
  }
  return true;
}

bool CapacitySearch::sectionsFit(const Part &part, int64_t at) const {
  for (int32_t s = part.first; s < part.last; ++s)
    if (total[s] > 0 && std::max(floor[s], at) + total[s] > capacity)
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
  // In b's sections every unplaced buffer overlaps b, so their floors are
  // painted from b's overlaps, lowest offset first. Elsewhere a floor
  // changes only when the last buffer at it is raised; only then is the
  // section rescanned.
  int32_t firstB = first[b], lastB = last[b], span = lastB - firstB;
  painted.clear();
  affected.clear();
  ++stamp;
  // Counted as it goes: the overlaps, the sections raised, b's sections
  // (twice) and the members of every section rescanned.
  int64_t work = static_cast<int64_t>(overlaps[b].size()) + 2 * span;
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
    painted.push_back(j);
    int64_t lowest = alignment[j] == 1 ? top : alignUp(top, alignment[j]);
    int64_t previous = minOffset[j];
    if (previous >= lowest)
      continue;
    minChanges.push_back({j, previous});
    minOffset[j] = lowest;
    work += (firstB - first[j]) + (last[j] - lastB) + 1;
    for (int32_t s = first[j]; s < firstB; ++s)
      raisedIn(s, previous);
    for (int32_t s = lastB; s < last[j]; ++s)
      raisedIn(s, previous);
  }
  bool hasHat = !painted.empty();
  std::sort(painted.begin(), painted.end(),
            [&](int32_t x, int32_t y) { return minOffset[x] < minOffset[y]; });
  // Union-find over b's sections: each is painted once, by the lowest
  // buffer covering it.
  nextUnpainted.resize(span + 1);
  std::iota(nextUnpainted.begin(), nextUnpainted.end(), 0);
  auto find = [&](int32_t k) {
    while (nextUnpainted[k] != k) {
      nextUnpainted[k] = nextUnpainted[nextUnpainted[k]];
      k = nextUnpainted[k];
    }
    return k;
  };
  newFloor.assign(span, kUnreachable);
  for (int32_t j : painted) {
    int32_t end = std::min(last[j], lastB) - firstB;
    for (int32_t k = find(std::max(first[j], firstB) - firstB); k < end;
         k = find(k + 1)) {
      newFloor[k] = minOffset[j];
      nextUnpainted[k] = k + 1;
    }
  }
  for (int32_t k = 0; k < span; ++k) {
    total[firstB + k] -= size[b];
    setFloor(firstB + k, newFloor[k], -1);
  }
  work += 4 * static_cast<int64_t>(painted.size());
  for (int32_t s : affected) {
    work += static_cast<int64_t>(members[s].size());
    int64_t lowest = kUnreachable;
    int32_t count = 0;
    for (int32_t j : members[s]) {
      if (offset[j] >= 0 || minOffset[j] > lowest)
        continue;
      count = minOffset[j] == lowest ? count + 1 : 1;
      lowest = minOffset[j];
    }
    setFloor(s, lowest, count);
  }
  chargeWork(work);
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
