//===- MemPlanTestUtils.cpp - Instances for the memory planner tests ------===//
//
// Random instance shapes and the exhaustive reference solver. The shapes
// cover what the strategies must cope with: uniform noise, sizes spanning
// orders of magnitude, long schedules of short-lived temporaries, heavy
// overlap, the nested lifetimes of a training step, and alignments.
//
//===----------------------------------------------------------------------===//

#include "MemPlanTestUtils.h"

#include <algorithm>
#include <functional>
#include <limits>

using namespace gc::memplan;
using namespace gc::memplan::testing;

std::vector<Buffer>
gc::memplan::testing::makeBuffers(const std::vector<Spec> &specs) {
  std::vector<Buffer> buffers;
  for (size_t i = 0; i < specs.size(); ++i) {
    Buffer b;
    b.id = static_cast<int64_t>(i);
    b.size = specs[i].size;
    b.lower = specs[i].lower;
    b.upper = specs[i].upper;
    b.alignment = specs[i].alignment;
    buffers.push_back(b);
  }
  return buffers;
}

Plan gc::memplan::testing::planWith(const std::vector<Buffer> &buffers,
                                    std::vector<int64_t> offsets) {
  Plan plan;
  plan.arenaBytes = arenaOf(buffers, offsets);
  plan.offsets = std::move(offsets);
  plan.strategy = "test";
  return plan;
}

const std::vector<Shape> &gc::memplan::testing::allShapes() {
  static const std::vector<Shape> shapes = {
      Shape::Uniform,   Shape::HeavyTailedSizes, Shape::ShortLived,
      Shape::LongLived, Shape::TrainingStep,     Shape::Aligned};
  return shapes;
}

std::string gc::memplan::testing::shapeName(Shape shape) {
  switch (shape) {
  case Shape::Uniform:
    return "uniform";
  case Shape::HeavyTailedSizes:
    return "heavy-tailed-sizes";
  case Shape::ShortLived:
    return "short-lived";
  case Shape::LongLived:
    return "long-lived";
  case Shape::TrainingStep:
    return "training-step";
  case Shape::Aligned:
    return "aligned";
  }
  return "?";
}

std::vector<Buffer> gc::memplan::testing::randomBuffers(Shape shape, int count,
                                                        std::mt19937_64 &rng) {
  auto uniform = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(rng);
  };
  std::vector<Buffer> buffers(count);
  int64_t horizon = 2 * count + 2;
  for (int i = 0; i < count; ++i) {
    Buffer &b = buffers[i];
    b.id = 1000 + 7 * i;
    switch (shape) {
    case Shape::Uniform:
      b.lower = uniform(0, horizon - 1);
      b.upper = b.lower + uniform(1, horizon / 2);
      b.size = uniform(1, 100);
      break;
    case Shape::HeavyTailedSizes:
      b.lower = uniform(0, horizon - 1);
      b.upper = b.lower + uniform(1, horizon / 3);
      b.size = int64_t(1) << uniform(0, 16);
      b.size += uniform(0, b.size / 2);
      break;
    case Shape::ShortLived:
      b.lower = uniform(0, 4 * horizon);
      b.upper = b.lower + uniform(1, 3);
      b.size = uniform(1, 64);
      break;
    case Shape::LongLived:
      b.lower = uniform(0, horizon / 4);
      b.upper = horizon - uniform(0, horizon / 4);
      b.size = uniform(1, 50);
      break;
    case Shape::TrainingStep: {
      // Forward activation i lives from step i to its backward use at
      // 2 * count - i; every fourth buffer is a temporary of one or two
      // steps, every tenth lives throughout (a parameter).
      int64_t step = i;
      if (i % 10 == 9) {
        b.lower = 0;
        b.upper = 2 * count + 1;
      } else if (i % 4 == 3) {
        b.lower = uniform(0, 2 * count - 1);
        b.upper = b.lower + uniform(1, 2);
      } else {
        b.lower = step;
        b.upper = 2 * count - step + uniform(0, 2);
      }
      b.size = 16 * uniform(1, 32);
      break;
    }
    case Shape::Aligned: {
      const int64_t alignments[] = {1, 2, 4, 8, 16, 64};
      b.lower = uniform(0, horizon - 1);
      b.upper = b.lower + uniform(1, horizon / 2);
      b.size = uniform(0, 200);
      b.alignment = alignments[uniform(0, 5)];
      break;
    }
    }
  }
  return buffers;
}

int64_t
gc::memplan::testing::bruteForceOptimum(const std::vector<Buffer> &buffers) {
  size_t n = buffers.size();
  std::vector<int64_t> offset(n, -1);
  int64_t best = std::numeric_limits<int64_t>::max();
  std::function<void(size_t, int64_t, int64_t)> extend =
      [&](size_t placed, int64_t last, int64_t arena) {
        if (arena >= best)
          return;
        if (placed == n) {
          best = arena;
          return;
        }
        for (size_t i = 0; i < n; ++i) {
          if (offset[i] >= 0)
            continue;
          int64_t lowest = 0;
          for (size_t j = 0; j < n; ++j)
            if (offset[j] >= 0 && buffers[j].size > 0 &&
                buffers[i].lower < buffers[j].upper &&
                buffers[j].lower < buffers[i].upper)
              lowest = std::max(lowest, offset[j] + buffers[j].size);
          int64_t a = buffers[i].alignment;
          lowest = (lowest + a - 1) / a * a;
          if (lowest < last)
            continue;
          offset[i] = lowest;
          extend(placed + 1, lowest, std::max(arena, lowest + buffers[i].size));
          offset[i] = -1;
        }
      };
  extend(0, 0, 0);
  return n == 0 ? 0 : best;
}
