//===- Runner.cpp - Running a step function for several steps -------------===//

#include "gc/Execution/Runner.h"

#include "gc/Execution/Inputs.h"
#include "gc/Execution/Interpreter.h"

#include "gc_rt/StateMatch.h"
#include "gc_rt/StepLoop.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"

#include <cstdint>
#include <cstring>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::exec;
namespace rt = ::gc::rt;

namespace {
/// An error about the inputs file, located at the file rather than at the
/// function (whose signature is one very long line).
InFlightDiagnostic emitFileError(func::FuncOp function, StringRef path) {
  return emitError(FileLineColLoc::get(function.getContext(), path, 0, 0));
}

/// The file dtype of an element type (U8 for one no step has).
rt::DType toDType(Type type) {
  if (type.isF32())
    return rt::DType::F32;
  if (type.isF64())
    return rt::DType::F64;
  if (type.isF16())
    return rt::DType::F16;
  if (type.isBF16())
    return rt::DType::BF16;
  if (type.isSignlessInteger(32))
    return rt::DType::I32;
  if (type.isSignlessInteger(64))
    return rt::DType::I64;
  return rt::DType::U8;
}

/// Whether argument `index` has role `role` and is one i64, as the step
/// loop's counters must be.
bool isCounter(func::FuncOp function, unsigned index, ArgumentRole role) {
  auto type = cast<RankedTensorType>(function.getArgumentTypes()[index]);
  return getArgumentRole(function, index) == role &&
         type.getElementType().isInteger(64) && type.getNumElements() == 1;
}

bool isStepCounter(func::FuncOp function, unsigned index) {
  return isCounter(function, index, ArgumentRole::StepCounter);
}

/// The step loop's plan of `function` (gc_rt/StepLoop.h): its seed, its
/// step counter and which result feeds which argument.
rt::StepLoopPlan getLoopPlan(func::FuncOp function) {
  rt::StepLoopPlan plan;
  if (std::optional<unsigned> seed = findArgument(function, ArgumentRole::Seed);
      seed && isCounter(function, *seed, ArgumentRole::Seed))
    plan.seedArgument = static_cast<int32_t>(*seed);
  if (std::optional<unsigned> counter =
          findArgument(function, ArgumentRole::StepCounter);
      counter && isStepCounter(function, *counter))
    plan.stepCounterArgument = static_cast<int32_t>(*counter);
  for (unsigned r = 0, e = function.getNumResults(); r < e; ++r)
    if (std::optional<unsigned> argument = getFedArgument(function, r))
      plan.feedback.push_back(
          {static_cast<int32_t>(r), static_cast<int32_t>(*argument)});
  return plan;
}

/// Builds the first step's inputs: from the file where it has the argument,
/// generated otherwise. Tensors of the file that are results of the
/// function but not arguments (a results file's loss) are skipped; the
/// file's step counter counts completed steps, the argument the next one.
FailureOr<std::vector<HostTensor>> loadInputs(func::FuncOp function,
                                              const RunOptions &options,
                                              MemoryTracker &tracker,
                                              llvm::raw_ostream &out) {
  const std::string &path = options.inputsPath;
  std::vector<rt::NamedTensor> fileTensors;
  if (!path.empty()) {
    rt::Status status = rt::readSafetensors(path, fileTensors);
    if (!status.isOk())
      return emitFileError(function, path) << status.message();
  }

  // The file's tensors go where gc_rt's loader would put them
  // (gc_rt/StateMatch.h); the others are generated from the seed.
  std::vector<rt::StateArgument> arguments(function.getNumArguments());
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i) {
    auto type = cast<RankedTensorType>(function.getArgumentTypes()[i]);
    arguments[i].name = getArgumentName(function, i);
    arguments[i].dtype = toDType(type.getElementType());
    arguments[i].shape.assign(type.getShape().begin(), type.getShape().end());
    arguments[i].mask = getInitRule(function, i).values == ValueDomain::ZeroOne;
    arguments[i].stepCounter = isStepCounter(function, i);
  }
  llvm::StringSet<> resultNames;
  for (unsigned r = 0, e = function.getNumResults(); r < e; ++r)
    resultNames.insert(getResultName(function, r));
  rt::StateAssignment assignment;
  std::string problem = rt::matchStateTensors(
      fileTensors, arguments,
      [&](const std::string &name) { return resultNames.contains(name); },
      /*allowUnknown=*/false, "@" + function.getSymName().str(), assignment);
  if (!problem.empty())
    return emitFileError(function, path) << problem;
  size_t skipped = assignment.skippedResults;
  std::vector<const rt::NamedTensor *> fromFile(function.getNumArguments());
  for (const auto &[tensorIndex, argument] : assignment.copies)
    fromFile[argument] = &fileTensors[tensorIndex];

  std::vector<HostTensor> inputs;
  unsigned generated = 0;
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i) {
    if (const rt::NamedTensor *named = fromFile[i]) {
      std::string error;
      FailureOr<HostTensor> tensor = fromNamedTensor(*named, &tracker, error);
      if (failed(tensor))
        return emitFileError(function, path) << error;
      if (arguments[i].stepCounter && assignment.nextStep)
        tensor->data<int64_t>()[0] = *assignment.nextStep;
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
      << function.getNumResults() << " results";
  if (skipped)
    out << "; " << skipped << " results in the file skipped";
  out << "\n";
  return inputs;
}

/// The step counter as files hold it (completed steps: the argument names
/// the next step), named by the argument; nullopt when the function has
/// none.
std::optional<rt::NamedTensor> getCompletedSteps(func::FuncOp function,
                                                 ArrayRef<HostTensor> inputs) {
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    if (isStepCounter(function, i)) {
      rt::NamedTensor counter =
          toNamedTensor(getArgumentName(function, i), inputs[i]);
      const int64_t completed = inputs[i].data<const int64_t>()[0] - 1;
      std::memcpy(counter.data.data(), &completed, sizeof(completed));
      return counter;
    }
  return std::nullopt;
}

LogicalResult writeFile(func::FuncOp function, const std::string &path,
                        const std::vector<rt::NamedTensor> &tensors,
                        llvm::raw_ostream &out, StringRef what) {
  rt::Status status = rt::writeSafetensors(
      path, tensors, rt::getStepMetadata(function.getSymName().str()));
  if (!status.isOk())
    return emitFileError(function, path) << status.message();
  out << "wrote " << tensors.size() << " " << what << " to " << path << "\n";
  return success();
}

/// gc-run's storage for the step loop (gc_rt/StepLoop.h): the interpreter
/// runs the function on host tensors; feedback shares the result's buffer.
struct InterpretedStepBackend {
  using Error = LogicalResult;
  func::FuncOp function;
  std::vector<HostTensor> &inputs;
  std::vector<HostTensor> &results;
  MemoryTracker &tracker;
  ExecutionStats &stats;

  bool failed(LogicalResult result) const { return mlir::failed(result); }
  LogicalResult success() { return mlir::success(); }
  LogicalResult readScalar(int32_t argument, int64_t *value) {
    *value = inputs[argument].data<const int64_t>()[0];
    return mlir::success();
  }
  LogicalResult writeScalar(int32_t argument, int64_t value) {
    // Its own buffer: feedback may have made it share a result's.
    inputs[argument] = inputs[argument].clone(&tracker);
    inputs[argument].data<int64_t>()[0] = value;
    return mlir::success();
  }
  LogicalResult call() {
    tracker.resetPeak();
    results.clear();
    FailureOr<std::vector<HostTensor>> outputs =
        execute(function, inputs, tracker, &stats);
    if (mlir::failed(outputs))
      return mlir::failure();
    results = std::move(*outputs);
    return mlir::success();
  }
  LogicalResult feed(int32_t result, int32_t argument) {
    inputs[argument] = results[result];
    return mlir::success();
  }
};

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

  if (failed(checkSingleCounters(function)))
    return failure();
  std::optional<unsigned> lossIndex = getLossResult(function);

  // The step loop (gc_rt/StepLoop.h, the one gc_rt_step_run follows)
  // advances the seed and the counter from their values in `inputs`.
  rt::StepLoopPlan plan = getLoopPlan(function);
  if (plan.seedArgument >= 0 && options.dropoutSeed)
    inputs[plan.seedArgument].data<int64_t>()[0] = *options.dropoutSeed;

  auto findResult = [&](StringRef name) -> std::optional<unsigned> {
    for (unsigned r = 0, e = function.getNumResults(); r < e; ++r)
      if (getResultName(function, r) == name)
        return r;
    return std::nullopt;
  };
  std::optional<unsigned> foundResult = findResult("amp.found_inf");
  std::optional<unsigned> scaleResult = findResult("amp.loss_scale");

  std::vector<HostTensor> results;
  int64_t peak = 0;
  ExecutionStats stats;
  InterpretedStepBackend backend{function, inputs, results, tracker, stats};
  for (int64_t step = 0; step < options.steps; ++step) {
    if (failed(rt::runOneStep(plan, backend)))
      return failure();
    peak = std::max(peak, tracker.getPeakBytes());

    out << "step " << (step + 1);
    if (lossIndex)
      out << ": loss = "
          << llvm::format("%.9g", results[*lossIndex].getAsDouble(0));
    // A loss-scaled step (fp16-mixed) returns its skip flag and new scale.
    if (foundResult && scaleResult) {
      if (results[*foundResult].getAsDouble(0) != 0)
        out << ", skipped (an inf or NaN gradient)";
      out << ", loss scale "
          << llvm::format("%g", results[*scaleResult].getAsDouble(0));
    }
    out << "\n";
  }
  out << "peak live tensors: " << peak << " bytes ("
      << llvm::format("%.2f", peak / 1048576.0) << " MiB)\n";
  if (stats.arenaBytes >= 0)
    out << "arena: planned " << stats.arenaBytes << " bytes, high-water "
        << stats.arenaHighWater << " bytes\n";

  // The counter now names the next step (the loop advanced it, or the step
  // returned it: a loss-scaled step does not count a skipped update).
  std::optional<rt::NamedTensor> counter = getCompletedSteps(function, inputs);
  if (!options.outputPath.empty()) {
    std::vector<rt::NamedTensor> named;
    llvm::StringSet<llvm::MallocAllocator> written;
    for (unsigned r = 0, e = results.size(); r < e; ++r) {
      // A step counter the step returns is written as completed steps.
      if (std::optional<unsigned> fed = getFedArgument(function, r);
          fed && static_cast<int32_t>(*fed) == plan.stepCounterArgument)
        continue;
      std::string name = getResultName(function, r);
      if (written.insert(name).second)
        named.push_back(toNamedTensor(name, results[r]));
    }
    if (counter && written.insert(counter->name).second)
      named.push_back(*counter);
    if (failed(writeFile(function, options.outputPath, named, out, "results")))
      return failure();
  }
  if (!options.savePath.empty()) {
    // The arguments after the last step: every result has been fed back.
    std::vector<rt::NamedTensor> named;
    for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i) {
      if (!isCheckpointed(function, i))
        continue;
      named.push_back(
          isStepCounter(function, i)
              ? *counter
              : toNamedTensor(getArgumentName(function, i), inputs[i]));
    }
    if (failed(writeFile(function, options.savePath, named, out,
                         "parameters and optimizer state")))
      return failure();
  }
  return success();
}
