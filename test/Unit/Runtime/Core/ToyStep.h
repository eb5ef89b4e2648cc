//===- ToyStep.h - What the tests know about the toy step -------*- C++ -*-===//
//
// ToyStep.cpp is a hand-written compiled step (StepAbi.h) small enough to
// check by hand; this header holds the facts about it that the tests
// assert: its tensors, its arena, and the update it applies.
//
// Arguments, in descriptor order:
//   w                      f32[5]   parameter        normal(0, 0.02)
//   optimizer.momentum.w   f32[5]   optimizer state  zeros
//   optimizer.step         i64[]    optimizer state  ones
//   norm.weight            f64[2,3] parameter        ones (never updated)
//   x                      f32[5]   batch            normal(0, 1)
//   ids                    i32[3]   batch            index in [0, 7)
//   seed                   i64[]    seed             the seed
// Results:
//   loss                   f32[]    mean(w * x)
//   w                      f32[5]   w - kLearningRate * momentum' (copied)
//   optimizer.momentum.w   f32[5]   kMomentum * m + x / 5 (in place)
//   seen_seed, seen_step   i64[]    the seed and optimizer.step it ran with
//   optimizer.step         i64[]    step + 100, deliberately not step + 1:
//                                   the runtime sets first + k regardless
//
//===----------------------------------------------------------------------===//

#ifndef GC_TEST_UNIT_RUNTIME_CORE_TOYSTEP_H
#define GC_TEST_UNIT_RUNTIME_CORE_TOYSTEP_H

#include <cstdint>

namespace toy {
constexpr int64_t kArenaBytes = 1000;
constexpr int64_t kArenaAlignment = 64;
/// The last arena byte the step writes holds this value: the first
/// sentinel of the tracker, so that one tracked run cannot see it.
constexpr uint8_t kLastArenaByte = 0xA5;
constexpr int kSize = 5;
constexpr int64_t kIdBound = 7;
constexpr float kMomentum = 0.9f;
constexpr float kLearningRate = 0.1f;
/// What the step adds to optimizer.step in its result, which sets the
/// counter (as a loss-scaled step's does).
constexpr int64_t kStepResultOffset = 1;
} // namespace toy

#endif // GC_TEST_UNIT_RUNTIME_CORE_TOYSTEP_H
