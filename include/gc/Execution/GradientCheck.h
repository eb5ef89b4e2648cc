//===- GradientCheck.h - Autodiff against finite differences ----*- C++ -*-===//
//
// Checks gc-autodiff's gradients of a loss function against central finite
// differences computed by executing the function itself.
//
//===----------------------------------------------------------------------===//

#ifndef GC_EXECUTION_GRADIENTCHECK_H
#define GC_EXECUTION_GRADIENTCHECK_H

#include "gc/Execution/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace mlir::gc::exec {

struct GradientCheckOptions {
  /// Finite-difference step h: df/dx ~ (f(x + h) - f(x - h)) / 2h.
  double step = 1e-6;
  /// Elements perturbed per parameter at most (evenly spread when the
  /// parameter has more).
  int64_t maxElements = 64;
  /// Seed of the generated inputs.
  uint64_t seed = 0;
};

/// The comparison for one parameter over the perturbed elements.
struct ParameterCheck {
  std::string name;
  int64_t elements = 0;
  /// ||autodiff - finite differences|| / max(||autodiff||, ||fd||), or 0
  /// when both norms are below 1e-12.
  double relativeError = 0;
  double maxAbsoluteError = 0;
};

/// Differentiates a copy of `function` with gc-autodiff, executes it, and
/// compares each parameter's gradient with finite differences. `function`
/// itself is not modified.
FailureOr<std::vector<ParameterCheck>>
checkGradients(func::FuncOp function, const GradientCheckOptions &options);

} // namespace mlir::gc::exec

#endif // GC_EXECUTION_GRADIENTCHECK_H
