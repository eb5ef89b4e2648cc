//===- Inputs.h - Initial values of a function's arguments ------*- C++ -*-===//
//
// What the CPU executor feeds a function when no file provides an argument,
// and the per-step arguments a training driver updates before every step.
//
//===----------------------------------------------------------------------===//

#ifndef GC_EXECUTION_INPUTS_H
#define GC_EXECUTION_INPUTS_H

#include "gc/Execution/HostTensor.h"
#include "gc/Transforms/StepArguments.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace mlir::gc::exec {

// The names and rules of the step's arguments, shared with code generation.
using ::mlir::gc::ArgumentRole;
using ::mlir::gc::getArgumentName;
using ::mlir::gc::getArgumentRole;
using ::mlir::gc::getInitRule;
using ::mlir::gc::getResultName;
using ::mlir::gc::InitKind;
using ::mlir::gc::InitRule;
using ::mlir::gc::isCheckpointed;
using ::mlir::gc::ValueDomain;

/// A seeded initial value for argument `index` by getInitRule
/// (gc/Transforms/StepArguments.h). Each argument draws from its own stream (a
/// hash of `seed` and its name), so values do not depend on argument order.
FailureOr<HostTensor> generateInput(func::FuncOp function, unsigned index,
                                    uint64_t seed, MemoryTracker *tracker);

} // namespace mlir::gc::exec

#endif // GC_EXECUTION_INPUTS_H
