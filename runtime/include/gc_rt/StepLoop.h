//===- StepLoop.h - What every driver of a training step does ---*- C++ -*-===//
//
// One step, as both drivers of a step run it: gc_rt_step_run for a compiled
// step (runtime/src/core/Step.cpp) and gc-run's interpreter for an .mlir
// function (lib/Execution/Runner.cpp).
//
//  1. the seed and the step counter are read before the step;
//  2. the step runs;
//  3. every result that replaces an argument (a parameter, an optimizer
//     state) is fed into it, unless the step wrote it there in place;
//  4. the seed and the step counter are set to their pre-step values + 1,
//     after the feedback, so a result fed into the seed cannot shift it --
//     except a step counter that the step itself returns (a step with
//     dynamic loss scaling, which does not advance it when it skips its
//     update): that one is the step's to set.
//
// So step k of a run sees seed + k and, unless the step sets it, step
// counter first + k. A driver
// provides the storage (device buffers, host tensors) as a Backend:
//
//   using Error = ...;                    // its error type
//   bool failed(const Error &) const;     // whether an error is one
//   Error success();
//   Error readScalar(int32_t argument, int64_t *value);
//   Error writeScalar(int32_t argument, int64_t value);
//   Error call();                         // runs the step
//   Error feed(int32_t result, int32_t argument);
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_STEPLOOP_H
#define GC_RT_STEPLOOP_H

#include "gc_rt/StepAbi.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace gc::rt {

/// What the loop needs to know of a step.
struct StepLoopPlan {
  /// The arguments with roles SEED and STEP_COUNTER, or -1.
  int32_t seedArgument = -1;
  int32_t stepCounterArgument = -1;
  /// (result, argument) pairs copied after the step, in result order.
  std::vector<std::pair<int32_t, int32_t>> feedback;

  /// Whether a result of the step feeds the step counter.
  bool stepSetsCounter() const {
    for (const auto &[result, argument] : feedback)
      if (argument == stepCounterArgument)
        return true;
    return false;
  }
};

/// The plan of a compiled step: its descriptor's roles and feedback.
inline StepLoopPlan getStepLoopPlan(const gc_step_descriptor_t &descriptor) {
  StepLoopPlan plan;
  for (int32_t i = 0; i < descriptor.num_arguments; ++i) {
    if (descriptor.arguments[i].role == GC_STEP_ROLE_SEED)
      plan.seedArgument = i;
    if (descriptor.arguments[i].role == GC_STEP_ROLE_STEP_COUNTER)
      plan.stepCounterArgument = i;
  }
  for (int32_t i = 0; i < descriptor.num_results; ++i) {
    const gc_step_tensor_t &result = descriptor.results[i];
    if (result.feeds_argument >= 0 && !result.written_in_place)
      plan.feedback.push_back({i, result.feeds_argument});
  }
  return plan;
}

/// Runs one step under `plan` (steps 1 to 4 above).
template <typename Backend>
typename Backend::Error runOneStep(const StepLoopPlan &plan, Backend &backend) {
  int64_t seed = 0, stepCounter = 0;
  if (plan.seedArgument >= 0) {
    auto error = backend.readScalar(plan.seedArgument, &seed);
    if (backend.failed(error))
      return error;
  }
  if (plan.stepCounterArgument >= 0) {
    auto error = backend.readScalar(plan.stepCounterArgument, &stepCounter);
    if (backend.failed(error))
      return error;
  }
  {
    auto error = backend.call();
    if (backend.failed(error))
      return error;
  }
  for (const auto &[result, argument] : plan.feedback) {
    auto error = backend.feed(result, argument);
    if (backend.failed(error))
      return error;
  }
  if (plan.seedArgument >= 0) {
    auto error = backend.writeScalar(plan.seedArgument, seed + 1);
    if (backend.failed(error))
      return error;
  }
  if (plan.stepCounterArgument >= 0 && !plan.stepSetsCounter()) {
    auto error = backend.writeScalar(plan.stepCounterArgument, stepCounter + 1);
    if (backend.failed(error))
      return error;
  }
  return backend.success();
}

} // namespace gc::rt

#endif // GC_RT_STEPLOOP_H
