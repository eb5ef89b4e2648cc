//===- CapacitySearch.h - Does every buffer fit below C? --------*- C++ -*-===//
//
// The depth-first search behind the `search` strategy (SearchStrategy.cpp):
// given a capacity C, find offsets that keep every buffer below C, after
// MiniMalloc (Moffitt, "MiniMalloc: A Lightweight Memory Allocator for
// Hardware-Accelerated Machine Learning", ASPLOS 2023). CapacitySearch.cpp
// describes the algorithm.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_MEMPLAN_CAPACITYSEARCH_H
#define GC_LIB_MEMPLAN_CAPACITYSEARCH_H

#include "PlannerSupport.h"

#include <cstdint>
#include <vector>

namespace gc::memplan::detail {

enum class Outcome {
  /// A plan below the capacity was found.
  Found,
  /// The search tree was exhausted: no plan fits below the capacity.
  Infeasible,
  /// The node limit or the deadline was reached first.
  Aborted,
};

/// MiniMalloc's static preorderings: keys compared in this order, larger
/// first. W is the lifetime's length, A its area (size x length), T the most
/// bytes live in any section of the lifetime.
enum class Preorder { WAT, TAW, TWA };

/// The nonzero buffers of an instance (local indices 0..n-1) with the data
/// and the state of the depth-first search.
class CapacitySearch {
public:
  /// `base`, when given (indexed like the instance), is the lowest offset
  /// of each buffer: the top of fixed buffers below it.
  CapacitySearch(const Instance &instance, const std::vector<Buffer> &buffers,
                 const Deadline &deadline, std::vector<int64_t> base = {});

  /// Whether the instance has too many pairwise overlaps to store; the
  /// search is meant for hundreds to a few thousand buffers.
  bool tooLarge() const { return overlapsTooMany; }

  /// Searches for a plan below `capacity` with the given preorder (whose
  /// keys are perturbed by up to +-20% when `noiseSeed` is nonzero) and at
  /// most `nodeLimit` nodes. On Found, offsets() holds the plan.
  Outcome solve(int64_t capacity, Preorder preorder, uint64_t noiseSeed,
                int64_t nodeLimit);

  /// Searches the completions of part of a plan: the buffers of `plan`
  /// (indexed like the instance) are let fall as far as they can in the
  /// order of their offsets, the lowest `keep` fraction of them stays there,
  /// and the others are searched as solve() does. This proves nothing: any
  /// outcome but Found is Aborted.
  Outcome solveAbove(int64_t capacity, Preorder preorder, uint64_t noiseSeed,
                     int64_t nodeLimit, const std::vector<int64_t> &plan,
                     double keep);

  /// The offsets of the last plan found, indexed like the instance.
  std::vector<int64_t> offsets() const;

private:
  /// Buffers whose sections lie in [first, last), independent of the rest.
  struct Part {
    std::vector<int32_t> buffers;
    int32_t first;
    int32_t last;
  };
  struct FloorChange {
    int32_t section;
    int64_t floor;
    int32_t count;
  };

  void reset(int64_t capacity, Preorder preorder, uint64_t noiseSeed,
             int64_t nodeLimit);
  void rankBuffers(Preorder preorder, uint64_t noiseSeed);
  std::vector<Part> splitAtCuts(const std::vector<int32_t> &buffers,
                                int32_t first, int32_t last) const;
  Outcome solveParts(const std::vector<Part> &parts);
  Outcome search(const Part &part, int64_t lastOffset, int32_t lastRank);
  Outcome descend(const Part &part, int32_t b, int64_t at);
  bool fitsAbove(const std::vector<int32_t> &fullest, int32_t b,
                 int64_t at) const;
  bool sectionsFit(const Part &part, int64_t at) const;
  /// Places b at `at` and records what changes; returns whether b overlaps
  /// an unplaced buffer.
  bool place(int32_t b, int64_t at);
  void unplace(int32_t b, size_t minMark, size_t floorMark);
  void setFloor(int32_t s, int64_t value, int32_t count);

  const Instance &instance;
  const Deadline &deadline;
  int32_t n = 0;
  int32_t numSections = 0;
  bool overlapsTooMany = false;

  // Static data, by local index and by section.
  std::vector<int32_t> global;
  std::vector<int64_t> size, alignment, length;
  std::vector<int32_t> first, last;
  std::vector<std::vector<int32_t>> overlaps;
  std::vector<std::vector<int32_t>> members;
  std::vector<int64_t> initialTotal, initialFloor, base;
  std::vector<int32_t> initialCuts, initialFloorCount;

  // The state of one search.
  int64_t capacity = 0;
  int64_t nodesLeft = 0;
  int64_t nodes = 0;
  bool timedOut = false;
  std::vector<int32_t> rank;
  std::vector<int64_t> offset, minOffset, solution;
  /// Per section: bytes of unplaced buffers; the lowest offset one of them
  /// can take, and how many can take it (-1: unknown); unplaced buffers
  /// spanning the boundary with the next section.
  std::vector<int64_t> total, floor;
  std::vector<int32_t> floorCount, cuts;
  /// Undo logs of minOffset and floor changes.
  std::vector<std::pair<int32_t, int64_t>> minChanges;
  std::vector<FloorChange> floorChanges;
  // Scratch space of place().
  std::vector<uint32_t> sectionStamp;
  uint32_t stamp = 0;
  std::vector<int32_t> affected, painted, nextUnpainted;
  std::vector<int64_t> newFloor;
};

} // namespace gc::memplan::detail

#endif // GC_LIB_MEMPLAN_CAPACITYSEARCH_H
