//===- Runner.cpp - Running a step function for several steps -------------===//

#include "gc/Execution/Runner.h"

#include "gc/Execution/Inputs.h"
#include "gc/Execution/Interpreter.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::exec;
namespace rt = ::gc::rt;

namespace {
/// Builds the first step's inputs: from the file where it has the argument,
/// generated otherwise.
FailureOr<std::vector<HostTensor>> loadInputs(func::FuncOp function,
                                              const RunOptions &options,
                                              MemoryTracker &tracker,
                                              llvm::raw_ostream &out) {
  std::vector<rt::NamedTensor> fileTensors;
  if (!options.inputsPath.empty()) {
    rt::Status status = rt::readSafetensors(options.inputsPath, fileTensors);
    if (!status.isOk())
      return function.emitError() << status.message();
  }

  llvm::StringMap<unsigned> argumentByName;
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    argumentByName[getArgumentName(function, i)] = i;
  for (const rt::NamedTensor &named : fileTensors)
    if (!argumentByName.count(named.name))
      return function.emitError()
             << "input file '" << options.inputsPath << "' has a tensor '"
             << named.name << "' that is not an argument of @"
             << function.getSymName();

  std::vector<HostTensor> inputs;
  unsigned generated = 0;
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i) {
    std::string name = getArgumentName(function, i);
    auto type = cast<RankedTensorType>(function.getArgumentTypes()[i]);
    if (const rt::NamedTensor *named = rt::findTensor(fileTensors, name)) {
      std::string error;
      FailureOr<HostTensor> tensor = fromNamedTensor(*named, &tracker, error);
      if (failed(tensor))
        return function.emitError()
               << "input file '" << options.inputsPath << "': " << error;
      if (!tensor->matches(type))
        return function.emitError()
               << "input file '" << options.inputsPath << "': tensor '" << name
               << "' is " << tensor->describe() << ", but argument #" << i
               << " of @" << function.getSymName() << " is " << type;
      inputs.push_back(std::move(*tensor));
      continue;
    }
    FailureOr<HostTensor> tensor =
        generateInput(function, i, options.seed, &tracker);
    if (failed(tensor))
      return failure();
    inputs.push_back(std::move(*tensor));
    ++generated;
  }
  out << "@" << function.getSymName() << ": " << inputs.size() << " arguments ("
      << (inputs.size() - generated) << " from file, " << generated
      << " generated from seed " << options.seed << "), "
      << function.getNumResults() << " results\n";
  return inputs;
}

/// Sets the per-step scalar `name` (when the function has it) to
/// `first + step`.
void setStepScalar(func::FuncOp function, std::vector<HostTensor> &inputs,
                   StringRef name, int64_t first, int64_t step) {
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    if (getArgumentName(function, i) == name &&
        inputs[i].kind == ElementKind::I64 && inputs[i].getNumElements() == 1)
      inputs[i].data<int64_t>()[0] = first + step;
}

int64_t getStepScalar(func::FuncOp function, ArrayRef<HostTensor> inputs,
                      StringRef name, int64_t fallback) {
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    if (getArgumentName(function, i) == name &&
        inputs[i].kind == ElementKind::I64 && inputs[i].getNumElements() == 1)
      return inputs[i].data<const int64_t>()[0];
  return fallback;
}
} // namespace

LogicalResult mlir::gc::exec::runSteps(func::FuncOp function,
                                       const RunOptions &options,
                                       llvm::raw_ostream &out) {
  MemoryTracker tracker;
  FailureOr<std::vector<HostTensor>> loaded =
      loadInputs(function, options, tracker, out);
  if (failed(loaded))
    return failure();
  std::vector<HostTensor> inputs = std::move(*loaded);

  // Results that feed an argument of the same name in the next step.
  llvm::StringMap<unsigned> argumentByName;
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    argumentByName[getArgumentName(function, i)] = i;
  std::optional<unsigned> lossIndex;
  for (unsigned r = 0, e = function.getNumResults(); r < e; ++r)
    if (getResultName(function, r) == "loss")
      lossIndex = r;

  int64_t firstSeed = options.dropoutSeed
                          ? *options.dropoutSeed
                          : getStepScalar(function, inputs, kSeedName,
                                          static_cast<int64_t>(options.seed));
  int64_t firstStep = getStepScalar(function, inputs, kStepName, 1);
  std::vector<HostTensor> results;
  int64_t peak = 0;
  ExecutionStats stats;
  for (int64_t step = 0; step < options.steps; ++step) {
    setStepScalar(function, inputs, kSeedName, firstSeed, step);
    setStepScalar(function, inputs, kStepName, firstStep, step);
    tracker.resetPeak();
    results.clear();
    FailureOr<std::vector<HostTensor>> outputs =
        execute(function, inputs, tracker, &stats);
    if (failed(outputs))
      return failure();
    results = std::move(*outputs);
    peak = std::max(peak, tracker.getPeakBytes());

    out << "step " << (step + 1);
    if (lossIndex)
      out << ": loss = "
          << llvm::format("%.9g", results[*lossIndex].getAsDouble(0));
    out << "\n";

    for (unsigned r = 0, e = results.size(); r < e; ++r) {
      auto it = argumentByName.find(getResultName(function, r));
      if (it != argumentByName.end() &&
          results[r].matches(
              cast<RankedTensorType>(function.getArgumentTypes()[it->second])))
        inputs[it->second] = results[r];
    }
  }
  out << "peak live tensors: " << peak << " bytes ("
      << llvm::format("%.2f", peak / 1048576.0) << " MiB)\n";
  if (stats.arenaBytes >= 0)
    out << "arena: planned " << stats.arenaBytes << " bytes, high-water "
        << stats.arenaHighWater << " bytes\n";

  if (!options.outputPath.empty()) {
    std::vector<rt::NamedTensor> named;
    llvm::StringSet<llvm::MallocAllocator> written;
    for (unsigned r = 0, e = results.size(); r < e; ++r) {
      std::string name = getResultName(function, r);
      if (written.insert(name).second)
        named.push_back(toNamedTensor(name, results[r]));
    }
    rt::Status status =
        rt::writeSafetensors(options.outputPath, named,
                             rt::getStepMetadata(function.getSymName().str()));
    if (!status.isOk())
      return function.emitError() << status.message();
    out << "wrote " << named.size() << " results to " << options.outputPath
        << "\n";
  }
  return success();
}
