//===- GradientCheck.cpp - Autodiff against finite differences ------------===//
//
// For each parameter p and each checked element j, the central difference
// (f(p + h e_j) - f(p - h e_j)) / 2h approximates df/dp_j with an error of
// O(h^2) from truncation plus O(eps / h) from rounding; in f64 with
// h = 1e-6 both stay far below the 1e-6 relative error the tests require
// for smooth functions of moderate scale.
//
//===----------------------------------------------------------------------===//

#include "gc/Execution/GradientCheck.h"

#include "gc/Dialect/GcDialect.h"
#include "gc/Execution/Inputs.h"
#include "gc/Execution/Interpreter.h"
#include "gc/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::exec;

namespace {
/// Evaluates the scalar loss of `function` on `inputs`.
FailureOr<double> evaluateLoss(func::FuncOp function,
                               ArrayRef<HostTensor> inputs,
                               MemoryTracker &tracker) {
  FailureOr<std::vector<HostTensor>> results =
      execute(function, inputs, tracker);
  if (failed(results))
    return failure();
  return results->front().getAsDouble(0);
}
} // namespace

FailureOr<std::vector<ParameterCheck>>
mlir::gc::exec::checkGradients(func::FuncOp function,
                               const GradientCheckOptions &options) {
  MemoryTracker tracker;
  std::vector<HostTensor> inputs;
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i) {
    FailureOr<HostTensor> input =
        generateInput(function, i, options.seed, &tracker);
    if (failed(input))
      return failure();
    inputs.push_back(std::move(*input));
  }

  // Differentiate a copy, in a module of its own.
  OwningOpRef<ModuleOp> module = ModuleOp::create(function.getLoc());
  auto differentiated = cast<func::FuncOp>(function->clone());
  module->push_back(differentiated);
  PassManager pm(function.getContext(), ModuleOp::getOperationName());
  pm.addNestedPass<func::FuncOp>(createAutodiff());
  if (failed(pm.run(*module)))
    return failure();
  FailureOr<std::vector<HostTensor>> results =
      execute(differentiated, inputs, tracker);
  if (failed(results))
    return failure();

  std::vector<ParameterCheck> checks;
  unsigned gradientIndex = 1;
  for (unsigned arg = 0, e = function.getNumArguments(); arg < e; ++arg) {
    if (!function.getArgAttr(arg, GcDialect::getParamAttrName()))
      continue;
    const HostTensor &gradient = (*results)[gradientIndex++];
    ParameterCheck check;
    check.name = getArgumentName(function, arg);

    // Perturb a private copy so that no other value sees the changes.
    HostTensor original = inputs[arg];
    inputs[arg] = original.clone(&tracker);
    int64_t n = original.getNumElements();
    int64_t count = std::min(n, options.maxElements);
    double diffSquared = 0, adSquared = 0, fdSquared = 0;
    for (int64_t k = 0; k < count; ++k) {
      int64_t j = count == n ? k : k * n / count;
      double x = original.getAsDouble(j);
      inputs[arg].setFromDouble(j, x + options.step);
      FailureOr<double> plus = evaluateLoss(function, inputs, tracker);
      inputs[arg].setFromDouble(j, x - options.step);
      FailureOr<double> minus = evaluateLoss(function, inputs, tracker);
      inputs[arg].setFromDouble(j, x);
      if (failed(plus) || failed(minus))
        return failure();
      double fd = (*plus - *minus) / (2 * options.step);
      double ad = gradient.getAsDouble(j);
      diffSquared += (ad - fd) * (ad - fd);
      adSquared += ad * ad;
      fdSquared += fd * fd;
      check.maxAbsoluteError =
          std::max(check.maxAbsoluteError, std::abs(ad - fd));
    }
    inputs[arg] = original;
    double scale = std::sqrt(std::max(adSquared, fdSquared));
    check.elements = count;
    check.relativeError = scale < 1e-12 ? 0 : std::sqrt(diffSquared) / scale;
    checks.push_back(check);
  }
  return checks;
}
