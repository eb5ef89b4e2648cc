//===- StateMatch.cpp - Which tensor of a state file goes where -----------===//
//
// See gc_rt/StateMatch.h.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/StateMatch.h"

#include <cstring>
#include <unordered_map>

using namespace gc::rt;

namespace {
std::string quote(const std::string &text) { return "'" + text + "'"; }

std::string describe(DType dtype, const std::vector<int64_t> &shape) {
  std::string text = std::string(getDTypeName(dtype)) + " [";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

/// Up to 8 argument names, for messages.
std::string listArguments(const std::vector<StateArgument> &arguments) {
  std::string list;
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (i == 8) {
      list += ", ... (" + std::to_string(arguments.size()) + " in all)";
      break;
    }
    list += (i ? ", " : "") + quote(arguments[i].name);
  }
  return list.empty() ? "none" : list;
}
} // namespace

std::string gc::rt::matchStateTensors(
    const std::vector<NamedTensor> &tensors,
    const std::vector<StateArgument> &arguments,
    const std::function<bool(const std::string &)> &isResult, bool allowUnknown,
    const std::string &stepName, StateAssignment &assignment) {
  assignment = StateAssignment();
  std::unordered_map<std::string, size_t> byName;
  for (size_t i = arguments.size(); i-- > 0;)
    byName[arguments[i].name] = i;
  for (size_t t = 0; t < tensors.size(); ++t) {
    const NamedTensor &tensor = tensors[t];
    auto found = byName.find(tensor.name);
    if (found == byName.end()) {
      if (isResult(tensor.name)) {
        ++assignment.skippedResults;
        continue;
      }
      if (allowUnknown)
        continue;
      return "tensor " + quote(tensor.name) +
             " is neither an argument nor a result of " + stepName +
             " (arguments: " + listArguments(arguments) + ")";
    }
    const StateArgument &argument = arguments[found->second];
    if (tensor.dtype != argument.dtype || tensor.shape != argument.shape)
      return "tensor " + quote(tensor.name) + " is " +
             describe(tensor.dtype, tensor.shape) + ", but the argument of " +
             stepName + " is " + describe(argument.dtype, argument.shape);
    size_t bytes = static_cast<size_t>(tensor.getNumElements()) *
                   getDTypeSize(tensor.dtype);
    if (tensor.data.size() != bytes)
      return "tensor " + quote(tensor.name) + " holds " +
             std::to_string(tensor.data.size()) + " bytes, but " +
             describe(tensor.dtype, tensor.shape) + " takes " +
             std::to_string(bytes);
    if (argument.mask) {
      std::string violation =
          findMaskViolation(tensor.dtype, tensor.data.data(),
                            tensor.getNumElements(), tensor.name);
      if (!violation.empty())
        return violation + ", but the argument of " + stepName +
               " is a mask: every element must be 0 (masked) or 1 "
               "(attended)";
    }
    if (argument.stepCounter) {
      if (tensor.data.size() != sizeof(int64_t))
        return "tensor " + quote(tensor.name) +
               " is the step counter, one i64, but holds " +
               std::to_string(tensor.data.size()) + " bytes";
      int64_t completed = 0;
      std::memcpy(&completed, tensor.data.data(), sizeof(completed));
      std::string problem = checkCompletedSteps(completed, tensor.name);
      if (!problem.empty())
        return problem;
      assignment.nextStep = completed + 1;
    }
    assignment.copies.push_back({t, found->second});
  }
  return "";
}
