//===- CheckerTest.cpp - Validation, the lower bound and the checker ------===//
//
// Every other test trusts checkPlan, so it is tested first: it accepts the
// boundary cases of valid plans (lifetimes that only touch, buffers that
// only touch in memory, zero-size buffers anywhere) and reports each kind of
// violation. The lower bound is checked on hand-computed cases, alignment
// included.
//
//===----------------------------------------------------------------------===//

#include "MemPlanTestUtils.h"

#include <gtest/gtest.h>

using namespace gc::memplan;
using namespace gc::memplan::testing;

namespace {

TEST(MemPlanValidate, AcceptsWellFormedBuffers) {
  EXPECT_EQ(validateBuffers({}), "");
  EXPECT_EQ(validateBuffers(makeBuffers({{0, 0, 1}, {8, 3, 9, 8}})), "");
}

TEST(MemPlanValidate, RejectsMalformedBuffers) {
  EXPECT_EQ(validateBuffers(makeBuffers({{4, 0, 1}, {-1, 0, 1}})),
            "buffer #1 (id 1) has a negative size -1");
  EXPECT_EQ(validateBuffers(makeBuffers({{4, 0, 1, 0}})),
            "buffer #0 (id 0) has alignment 0, which is not positive");
  EXPECT_EQ(validateBuffers(makeBuffers({{4, 5, 5}})),
            "buffer #0 (id 0) has an empty lifetime [5, 5)");
}

TEST(MemPlanLowerBound, MaximumOfLiveBytes) {
  EXPECT_EQ(lowerBound({}), 0);
  EXPECT_EQ(lowerBound(makeBuffers({{10, 0, 1}})), 10);
  // Touching lifetimes do not overlap: [0, 2) and [2, 4).
  EXPECT_EQ(lowerBound(makeBuffers({{10, 0, 2}, {20, 2, 4}})), 20);
  EXPECT_EQ(lowerBound(makeBuffers({{10, 0, 3}, {20, 2, 4}, {5, 1, 2}})), 30);
  EXPECT_EQ(lowerBound(makeBuffers({{0, 0, 3}, {0, 0, 3}})), 0);
}

TEST(MemPlanLowerBound, RoundsToTheCommonAlignment) {
  // Two 3-byte buffers aligned to 4: the lower one occupies 4 bytes, the
  // upper one 3, so no plan is smaller than 7 (offsets 0 and 4).
  EXPECT_EQ(lowerBound(makeBuffers({{3, 0, 1, 4}, {3, 0, 1, 4}})), 7);
  // With a byte-aligned buffer the common alignment is 1: 3 + 5.
  EXPECT_EQ(lowerBound(makeBuffers({{3, 0, 1, 1}, {5, 0, 1, 4}})), 8);
  // Alignments 4 and 8 round to 4: 4 + 8 + 8 - (4 - 1).
  EXPECT_EQ(lowerBound(makeBuffers({{1, 0, 1, 4}, {8, 0, 1, 8}, {5, 0, 1, 8}})),
            17);
}

TEST(MemPlanChecker, AcceptsValidPlans) {
  std::vector<Buffer> buffers =
      makeBuffers({{8, 0, 2}, {8, 2, 4}, {4, 0, 4}, {0, 1, 3}, {2, 1, 2, 2}});
  // Buffers 0 and 1 share offsets (their lifetimes only touch), 2 sits
  // right above them, the empty buffer 3 sits inside buffer 2, 4 is above.
  Plan plan = planWith(buffers, {0, 0, 8, 9, 12});
  EXPECT_EQ(plan.arenaBytes, 14);
  EXPECT_EQ(checkPlan(buffers, plan), "");
  EXPECT_EQ(checkPlan({}, planWith({}, {})), "");
  // A larger arena than needed is wasteful but valid.
  plan.arenaBytes = 100;
  EXPECT_EQ(checkPlan(buffers, plan), "");
}

TEST(MemPlanChecker, ReportsAMissingOffset) {
  std::vector<Buffer> buffers = makeBuffers({{8, 0, 2}, {8, 2, 4}});
  EXPECT_EQ(checkPlan(buffers, planWith(buffers, {0})),
            "the plan has 1 offsets for 2 buffers");
}

TEST(MemPlanChecker, ReportsANegativeOffset) {
  std::vector<Buffer> buffers = makeBuffers({{8, 0, 2}, {8, 2, 4}});
  EXPECT_EQ(checkPlan(buffers, planWith(buffers, {0, -8})),
            "buffer #1 (id 1) has a negative offset -8");
}

TEST(MemPlanChecker, ReportsAMisalignedOffset) {
  std::vector<Buffer> buffers = makeBuffers({{8, 0, 2}, {8, 0, 2, 16}});
  EXPECT_EQ(checkPlan(buffers, planWith(buffers, {0, 8})),
            "buffer #1 (id 1) has offset 8, which is not a multiple of its "
            "alignment 16");
}

TEST(MemPlanChecker, ReportsOverlapOfBuffersLiveTogether) {
  std::vector<Buffer> buffers = makeBuffers({{8, 0, 2}, {4, 5, 6}, {8, 1, 3}});
  EXPECT_EQ(checkPlan(buffers, planWith(buffers, {0, 0, 7})),
            "buffer #0 (id 0) and buffer #2 (id 2) are live at the same time "
            "(at 1) and overlap in memory: [0, 8) and [7, 15)");
  // The same overlap, seen from the buffer below.
  EXPECT_EQ(checkPlan(buffers, planWith(buffers, {7, 0, 0})),
            "buffer #0 (id 0) and buffer #2 (id 2) are live at the same time "
            "(at 1) and overlap in memory: [7, 15) and [0, 8)");
  // Equal offsets.
  EXPECT_EQ(checkPlan(buffers, planWith(buffers, {4, 0, 4})),
            "buffer #0 (id 0) and buffer #2 (id 2) are live at the same time "
            "(at 1) and overlap in memory: [4, 12) and [4, 12)");
  // One inside the other.
  std::vector<Buffer> nested = makeBuffers({{16, 0, 4}, {2, 1, 2}});
  EXPECT_EQ(checkPlan(nested, planWith(nested, {0, 6})),
            "buffer #0 (id 0) and buffer #1 (id 1) are live at the same time "
            "(at 1) and overlap in memory: [0, 16) and [6, 8)");
}

TEST(MemPlanChecker, ReportsAnArenaSmallerThanABuffer) {
  std::vector<Buffer> buffers = makeBuffers({{8, 0, 2}, {8, 2, 4}});
  Plan plan = planWith(buffers, {0, 4});
  plan.arenaBytes = 8;
  EXPECT_EQ(checkPlan(buffers, plan),
            "buffer #1 (id 1) ends at 12, past the arena of 8 bytes");
}

TEST(MemPlanChecker, FindsTheOverlapAmongManyBuffers) {
  // 2000 buffers stacked without overlap, then one moved onto another.
  std::vector<Spec> specs;
  std::vector<int64_t> offsets;
  for (int i = 0; i < 2000; ++i) {
    specs.push_back({4, i % 7, i % 7 + 100});
    offsets.push_back(4 * i);
  }
  std::vector<Buffer> buffers = makeBuffers(specs);
  EXPECT_EQ(checkPlan(buffers, planWith(buffers, offsets)), "");
  offsets[1500] = 4 * 700 + 2;
  EXPECT_NE(checkPlan(buffers, planWith(buffers, offsets)), "");
}

} // namespace
