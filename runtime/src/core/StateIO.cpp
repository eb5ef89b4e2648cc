//===- StateIO.cpp - Moving a step's tensors to and from the host ---------===//
//
// Checkpoints (safetensors files, through GcRuntimeIO) and single tensors
// (set_argument, read_tensor) in and out of a step's device memory.
//
// Loading is all or nothing: the whole file is read and every tensor in it
// checked against the step (name, dtype, shape) before the first byte is
// copied, so a wrong or damaged file leaves the arguments exactly as they
// were. Saving goes through writeSafetensors, which replaces the target
// only by renaming a synced temporary file over it.
//
//===----------------------------------------------------------------------===//

#include "Device.h"
#include "Internal.h"

#include "gc_rt/StateMatch.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/stat.h>

using namespace gc::rt;

namespace {
/// The names of the arguments, for messages that name a missing one.
std::string listArguments(const gc_rt_step_s &step) {
  std::string list;
  for (int32_t i = 0; i < step.descriptor->num_arguments; ++i) {
    if (i == 8) {
      list += ", ... (" + std::to_string(step.descriptor->num_arguments) +
              " in all)";
      break;
    }
    list += (i ? ", " : "") + quote(step.descriptor->arguments[i].name);
  }
  return list.empty() ? "none" : list;
}

/// Checks host data for `argument` against the values it may hold; `where`
/// starts the message (a file, or the API function).
gc_rt_status_t checkValues(const gc_rt_step_s &step,
                           const gc_step_tensor_t &argument, const void *data,
                           const std::string &where) {
  if (argument.values != GC_STEP_VALUES_ZERO_ONE)
    return nullptr;
  DType dtype = toSafetensorsDType(argument.dtype);
  std::string violation = findMaskViolation(
      dtype, data, argument.bytes / static_cast<int64_t>(getDTypeSize(dtype)),
      argument.name);
  if (violation.empty())
    return nullptr;
  return makeStatus(GC_RT_INVALID_ARGUMENT,
                    where + ": " + violation + ", but the argument of " +
                        step.describe() +
                        " is a mask: every element must be 0 (masked) or 1 "
                        "(attended)");
}

/// Copies `tensor` (bytes at `deviceData`) from the device into a
/// NamedTensor named `name`.
gc_rt_status_t readToHost(gc_rt_step_s &step, const gc_step_tensor_t &tensor,
                          const void *deviceData, NamedTensor &out) {
  out.name = tensor.name;
  out.dtype = toSafetensorsDType(tensor.dtype);
  out.shape = getShape(tensor);
  out.data.resize(static_cast<size_t>(tensor.bytes));
  return step.device->copyToHost(out.data.data(), deviceData, out.data.size());
}

/// Turns a copy of the step counter argument (the next step's number) into
/// what files hold: the count of completed steps.
void toCompletedSteps(NamedTensor &counter) {
  int64_t next;
  std::memcpy(&next, counter.data.data(), sizeof(next));
  int64_t completed = next - 1;
  std::memcpy(counter.data.data(), &completed, sizeof(completed));
}

gc_rt_status_t writeFile(const std::string &path,
                         const std::vector<NamedTensor> &tensors,
                         const std::map<std::string, std::string> &metadata) {
  Status status = writeSafetensors(path, tensors, metadata);
  if (!status.isOk())
    return makeStatus(GC_RT_INVALID_ARGUMENT, status.message());
  return nullptr;
}

/// In a data-parallel group, a batch tensor of the global shape (world
/// size times the argument's first dimension) is cut to this rank's rows,
/// as gc_rt_step_initialize draws them; other tensors are left to the
/// checks that follow.
void keepRankRows(const gc_rt_step_s &step, std::vector<NamedTensor> &tensors) {
  if (!step.group || step.collectives.world_size <= 1)
    return;
  const int64_t worldSize = step.collectives.world_size;
  const int64_t rank = step.collectives.rank;
  for (NamedTensor &tensor : tensors) {
    int32_t index = step.findArgument(tensor.name);
    if (index < 0)
      continue;
    const gc_step_tensor_t &argument = step.descriptor->arguments[index];
    std::vector<int64_t> shape = getShape(argument);
    if (argument.role != GC_STEP_ROLE_BATCH || shape.empty() ||
        tensor.shape.size() != shape.size() ||
        tensor.shape[0] != shape[0] * worldSize ||
        !std::equal(shape.begin() + 1, shape.end(), tensor.shape.begin() + 1) ||
        tensor.data.size() != static_cast<size_t>(argument.bytes) *
                                  static_cast<size_t>(worldSize))
      continue;
    const size_t rowBytes = static_cast<size_t>(argument.bytes);
    std::vector<uint8_t> rows(tensor.data.begin() + rowBytes * rank,
                              tensor.data.begin() + rowBytes * (rank + 1));
    tensor.data = std::move(rows);
    tensor.shape[0] = shape[0];
  }
}

gc_rt_status_t loadTensors(gc_rt_step_s &step, const std::string &path,
                           bool allowUnknown) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 && (errno == ENOENT || errno == ENOTDIR))
    return makeStatus(GC_RT_NOT_FOUND,
                      path + ": cannot load tensors: " + std::strerror(errno));
  std::vector<NamedTensor> tensors;
  Status status = readSafetensors(path, tensors);
  if (!status.isOk())
    return makeStatus(GC_RT_INVALID_ARGUMENT, status.message());

  // Check everything, then copy (gc_rt/StateMatch.h, the rule gc-run's
  // interpreter follows too): an error leaves every argument unchanged.
  const gc_step_descriptor_t &descriptor = *step.descriptor;
  keepRankRows(step, tensors);
  std::vector<StateArgument> arguments(descriptor.num_arguments);
  for (int32_t i = 0; i < descriptor.num_arguments; ++i) {
    const gc_step_tensor_t &argument = descriptor.arguments[i];
    arguments[i].name = argument.name;
    arguments[i].dtype = toSafetensorsDType(argument.dtype);
    arguments[i].shape = getShape(argument);
    arguments[i].mask = argument.values == GC_STEP_VALUES_ZERO_ONE;
    arguments[i].stepCounter = i == step.loopPlan.stepCounterArgument;
  }
  StateAssignment assignment;
  std::string problem = matchStateTensors(
      tensors, arguments,
      [&](const std::string &name) { return step.findResult(name) >= 0; },
      allowUnknown, step.describe(), assignment);
  if (!problem.empty())
    return makeStatus(GC_RT_INVALID_ARGUMENT, path + ": " + problem);
  for (const auto &[tensorIndex, index] : assignment.copies) {
    const NamedTensor &tensor = tensors[tensorIndex];
    const void *data = tensor.data.data();
    int64_t nextStep = assignment.nextStep.value_or(0);
    if (static_cast<int32_t>(index) == step.loopPlan.stepCounterArgument)
      data = &nextStep;
    GC_RT_RETURN_IF_ERROR(step.device->copyToDevice(step.argumentData[index],
                                                    data, tensor.data.size()));
  }
  return nullptr;
}

gc_rt_status_t saveState(gc_rt_step_s &step, const std::string &path) {
  std::vector<NamedTensor> tensors;
  for (int32_t i = 0; i < step.descriptor->num_arguments; ++i) {
    const gc_step_tensor_t &argument = step.descriptor->arguments[i];
    if (argument.role != GC_STEP_ROLE_PARAMETER &&
        argument.role != GC_STEP_ROLE_OPTIMIZER_STATE &&
        argument.role != GC_STEP_ROLE_STEP_COUNTER)
      continue;
    tensors.emplace_back();
    GC_RT_RETURN_IF_ERROR(
        readToHost(step, argument, step.argumentData[i], tensors.back()));
    if (i == step.loopPlan.stepCounterArgument)
      toCompletedSteps(tensors.back());
  }
  return writeFile(path, tensors, getStepMetadata(step.functionName));
}

gc_rt_status_t saveResults(gc_rt_step_s &step, const std::string &path) {
  if (!step.hasRun)
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      path + ": cannot save the results of " + step.describe() +
                          ": no step has completed since it was loaded or "
                          "since the last failed run");
  std::vector<NamedTensor> tensors;
  for (int32_t i = 0; i < step.descriptor->num_results; ++i) {
    const gc_step_tensor_t &result = step.descriptor->results[i];
    // gc-run keeps the first of several results of one name; so do we.
    if (step.findResult(result.name) != i)
      continue;
    // A step counter the step returns (after the feedback, the argument
    // holds the same value) is written below as completed steps.
    if (result.feeds_argument >= 0 &&
        result.feeds_argument == step.loopPlan.stepCounterArgument)
      continue;
    tensors.emplace_back();
    GC_RT_RETURN_IF_ERROR(
        readToHost(step, result, step.getResultValue(i), tensors.back()));
  }
  // The step counter goes with the results (as completed steps), so that a
  // results file resumes training where it stopped.
  int32_t counter = step.loopPlan.stepCounterArgument;
  const int32_t sameName =
      counter >= 0 ? step.findResult(step.descriptor->arguments[counter].name)
                   : -1;
  if (counter >= 0 &&
      (sameName < 0 ||
       step.descriptor->results[sameName].feeds_argument == counter)) {
    tensors.emplace_back();
    GC_RT_RETURN_IF_ERROR(readToHost(step, step.descriptor->arguments[counter],
                                     step.argumentData[counter],
                                     tensors.back()));
    toCompletedSteps(tensors.back());
  }
  return writeFile(path, tensors, getStepMetadata(step.functionName));
}

/// Checks that a host buffer of `bytes` bytes matches `tensor`.
gc_rt_status_t checkHostBuffer(const char *function, const gc_rt_step_s &step,
                               const std::string &what,
                               const gc_step_tensor_t &tensor, const void *data,
                               size_t bytes) {
  if (bytes != static_cast<size_t>(tensor.bytes))
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      std::string(function) + ": " + what + " " +
                          quote(tensor.name) + " of " + step.describe() +
                          " is " + describeTensor(tensor) + ", " +
                          std::to_string(tensor.bytes) + " bytes, but " +
                          std::to_string(bytes) + " bytes were given");
  if (!data && bytes)
    return makeStatus(GC_RT_INVALID_ARGUMENT,
                      std::string(function) + ": data is NULL");
  return nullptr;
}
} // namespace

extern "C" {

gc_rt_status_t gc_rt_step_load_tensors(gc_rt_step_t *step, const char *path,
                                       int allow_unknown) {
  return guardApiCall("gc_rt_step_load_tensors", [&]() -> gc_rt_status_t {
    if (!step || !path)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        std::string("gc_rt_step_load_tensors: ") +
                            (step ? "path" : "step") + " is NULL");
    return loadTensors(*step, path, allow_unknown != 0);
  });
}

gc_rt_status_t gc_rt_step_save_state(gc_rt_step_t *step, const char *path) {
  return guardApiCall("gc_rt_step_save_state", [&]() -> gc_rt_status_t {
    if (!step || !path)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        std::string("gc_rt_step_save_state: ") +
                            (step ? "path" : "step") + " is NULL");
    return saveState(*step, path);
  });
}

gc_rt_status_t gc_rt_step_save_results(gc_rt_step_t *step, const char *path) {
  return guardApiCall("gc_rt_step_save_results", [&]() -> gc_rt_status_t {
    if (!step || !path)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        std::string("gc_rt_step_save_results: ") +
                            (step ? "path" : "step") + " is NULL");
    return saveResults(*step, path);
  });
}

gc_rt_status_t gc_rt_step_set_argument(gc_rt_step_t *step, const char *name,
                                       const void *data, size_t bytes) {
  return guardApiCall("gc_rt_step_set_argument", [&]() -> gc_rt_status_t {
    if (!step || !name)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        std::string("gc_rt_step_set_argument: ") +
                            (step ? "name" : "step") + " is NULL");
    int32_t index = step->findArgument(name);
    if (index < 0)
      return makeStatus(GC_RT_NOT_FOUND,
                        "gc_rt_step_set_argument: " + step->describe() +
                            " has no argument " + quote(name) +
                            " (arguments: " + listArguments(*step) + ")");
    const gc_step_tensor_t &argument = step->descriptor->arguments[index];
    GC_RT_RETURN_IF_ERROR(checkHostBuffer("gc_rt_step_set_argument", *step,
                                          "argument", argument, data, bytes));
    GC_RT_RETURN_IF_ERROR(
        checkValues(*step, argument, data, "gc_rt_step_set_argument"));
    return step->device->copyToDevice(step->argumentData[index], data, bytes);
  });
}

gc_rt_status_t gc_rt_step_read_tensor(gc_rt_step_t *step, const char *name,
                                      void *data, size_t bytes) {
  return guardApiCall("gc_rt_step_read_tensor", [&]() -> gc_rt_status_t {
    if (!step || !name)
      return makeStatus(GC_RT_INVALID_ARGUMENT,
                        std::string("gc_rt_step_read_tensor: ") +
                            (step ? "name" : "step") + " is NULL");
    int32_t result = step->findResult(name);
    int32_t argument = step->findArgument(name);
    // A result has a value only once a step has completed; before that an
    // argument of the same name is what the caller can mean.
    if (result >= 0 && (step->hasRun || argument < 0)) {
      if (!step->hasRun)
        return makeStatus(GC_RT_INVALID_ARGUMENT,
                          "gc_rt_step_read_tensor: result " + quote(name) +
                              " of " + step->describe() +
                              " has no value: no step has completed since "
                              "it was loaded or since the last failed run");
      const gc_step_tensor_t &tensor = step->descriptor->results[result];
      GC_RT_RETURN_IF_ERROR(checkHostBuffer("gc_rt_step_read_tensor", *step,
                                            "result", tensor, data, bytes));
      return step->device->copyToHost(data, step->getResultValue(result),
                                      bytes);
    }
    if (argument < 0)
      return makeStatus(GC_RT_NOT_FOUND,
                        "gc_rt_step_read_tensor: " + step->describe() +
                            " has no argument or result " + quote(name));
    const gc_step_tensor_t &tensor = step->descriptor->arguments[argument];
    GC_RT_RETURN_IF_ERROR(checkHostBuffer("gc_rt_step_read_tensor", *step,
                                          "argument", tensor, data, bytes));
    return step->device->copyToHost(data, step->argumentData[argument], bytes);
  });
}

} // extern "C"
