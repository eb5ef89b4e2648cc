//===- StateMatch.h - Which tensor of a state file goes where ---*- C++ -*-===//
//
// The one loader rule of state files (parameters, optimizer state, a batch),
// for both readers: the runtime's gc_rt_step_load_state/load_tensors and
// gc-run's interpreter for an .mlir function. Each tensor of the file must
// name an argument of the step (or one of its results, which is skipped: a
// results file's loss), with the argument's dtype and shape; a mask's
// elements must be 0 or 1; the step counter's value counts completed steps
// and becomes the next step's number. Everything is checked before anything
// is copied, so an error leaves the step's arguments unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_STATEMATCH_H
#define GC_RT_STATEMATCH_H

#include "gc_rt/Safetensors.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gc::rt {

/// What the loader knows of one argument of a step.
struct StateArgument {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// Every element must be 0 or 1 (an attention mask).
  bool mask = false;
  /// The step counter: the file holds completed steps.
  bool stepCounter = false;
};

/// Where the tensors of a file go.
struct StateAssignment {
  /// (index of the file's tensor, index of the argument), in file order.
  std::vector<std::pair<size_t, size_t>> copies;
  /// The step counter's new value (completed steps + 1), when the file has
  /// the counter.
  std::optional<int64_t> nextStep;
  /// Tensors skipped because they are results of the step.
  size_t skippedResults = 0;
};

/// Matches `tensors` to `arguments` (see the file comment); `isResult` says
/// whether a name is a result of the step, `allowUnknown` skips any other
/// tensor too, and `stepName` names the step in messages ("step 'f'",
/// "@f"). Returns "" and fills `assignment`, or the first problem, to be
/// prefixed with the file's path.
std::string
matchStateTensors(const std::vector<NamedTensor> &tensors,
                  const std::vector<StateArgument> &arguments,
                  const std::function<bool(const std::string &)> &isResult,
                  bool allowUnknown, const std::string &stepName,
                  StateAssignment &assignment);

} // namespace gc::rt

#endif // GC_RT_STATEMATCH_H
