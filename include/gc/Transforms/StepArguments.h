//===- StepArguments.h - The contracts of step arguments --------*- C++ -*-===//
//
// What a training step's arguments and results are (gc.role) and how an
// argument is initialised when nobody provides it (gc.init): the typed
// contracts that whoever creates an argument sets (a model builder,
// gc-optimizer, an importer), read here for the CPU interpreter
// (lib/Execution) and the step emitters (lib/Target, into the step ABI's
// gc_step_role_t and gc_step_init_t). Below code generation and the
// interpreter, so that neither links the other.
//
// An argument without the attributes (a hand-written function) gets a
// default derived from its type and uses, never from its name: a `gc.param`
// argument is a parameter initialised normal(0, 0.02), an i64 scalar used
// as a dropout seed is the seed, AdamW's step operand the step counter
// (ones) and its moments optimizer state (zeros), an integer argument used as
// embedding ids or cross-entropy labels is drawn uniformly below the table's
// rows or the number of classes, other float inputs are normal(0, 1), the rest
// zeros.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_STEPARGUMENTS_H
#define GC_TRANSFORMS_STEPARGUMENTS_H

#include "gc/Dialect/GcAttrs.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::gc {

/// The argument's `gc.name`, or `arg<index>` when it has none.
std::string getArgumentName(func::FuncOp function, unsigned index);
/// The result's `gc.name`, or `result<index>` when it has none.
std::string getResultName(func::FuncOp function, unsigned index);

/// The role of argument `index`: its `gc.role`, else the default above
/// (parameter, seed or batch).
ArgumentRole getArgumentRole(func::FuncOp function, unsigned index);

/// The argument result `index` replaces for the next step (the step ABI's
/// feeds_argument): the one of the same `gc.name` and type, if any.
std::optional<unsigned> getFedArgument(func::FuncOp function, unsigned index);

/// The result that is the step's loss: the rank-0 floating-point result
/// named `loss`, else a rank-0 floating-point result #0 (a hand-written
/// forward function's unnamed loss), if any.
std::optional<unsigned> getLossResult(func::FuncOp function);

/// Fails, with an error naming both, when two arguments are the seed or
/// two the step counter (the runtime advances one of each).
LogicalResult checkSingleCounters(func::FuncOp function);

/// The first argument of `role`, if any.
std::optional<unsigned> findArgument(func::FuncOp function, ArgumentRole role);

/// Whether argument `index` belongs in a checkpoint: a parameter, an
/// optimizer state or the step counter (StepAbi.h's PARAMETER,
/// OPTIMIZER_STATE and STEP_COUNTER roles).
bool isCheckpointed(func::FuncOp function, unsigned index);

/// The values an argument may hold (StepAbi.h's gc_step_values_t); data
/// given for it is checked.
enum class ValueDomain { Any, ZeroOne };
struct InitRule {
  InitKind kind = InitKind::Zeros;
  ValueDomain values = ValueDomain::Any;
  /// Normal: the standard deviation.
  double scale = 1.0;
  /// Index: values are uniform in [0, bound).
  int64_t bound = 0;
};

/// The initializer of argument `index`: its `gc.init`, else the default
/// above.
InitRule getInitRule(func::FuncOp function, unsigned index);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_STEPARGUMENTS_H
