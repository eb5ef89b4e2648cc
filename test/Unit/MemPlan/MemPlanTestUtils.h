//===- MemPlanTestUtils.h - Instances for the planner tests -----*- C++ -*-===//
//
// Helpers shared by the planner's tests: terse construction of buffers and
// plans, seeded random instances in several shapes, and an exhaustive
// reference solver for tiny instances.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TEST_UNIT_MEMPLAN_MEMPLANTESTUTILS_H
#define GC_TEST_UNIT_MEMPLAN_MEMPLANTESTUTILS_H

#include "gc/MemPlan/MemoryPlanner.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace gc::memplan::testing {

/// {size, lower, upper} or {size, lower, upper, alignment}; ids count from 0.
struct Spec {
  int64_t size;
  int64_t lower;
  int64_t upper;
  int64_t alignment = 1;
};
std::vector<Buffer> makeBuffers(const std::vector<Spec> &specs);

/// A plan with the given offsets and its arena.
Plan planWith(const std::vector<Buffer> &buffers, std::vector<int64_t> offsets);

/// Shapes of random instances.
enum class Shape {
  /// Uniform starts, lengths and sizes.
  Uniform,
  /// Sizes spread over five orders of magnitude.
  HeavyTailedSizes,
  /// Lifetimes of one to three steps over a long schedule.
  ShortLived,
  /// Most buffers live for most of the schedule.
  LongLived,
  /// A training step: forward activations live until their backward use
  /// (nested lifetimes), plus short temporaries and a few persistent
  /// buffers.
  TrainingStep,
  /// Uniform, with alignments from 1 to 64 and sizes that ignore them.
  Aligned,
};
const std::vector<Shape> &allShapes();
std::string shapeName(Shape shape);

std::vector<Buffer> randomBuffers(Shape shape, int count, std::mt19937_64 &rng);

/// The optimal arena, by enumerating every canonical plan (buffers placed
/// in order of offset, each on top of the buffers below it). For a handful
/// of buffers only.
int64_t bruteForceOptimum(const std::vector<Buffer> &buffers);

} // namespace gc::memplan::testing

#endif // GC_TEST_UNIT_MEMPLAN_MEMPLANTESTUTILS_H
