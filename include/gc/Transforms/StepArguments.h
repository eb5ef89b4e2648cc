//===- StepArguments.h - Names and initial values of step arguments -*- C++
//-*-===//
//
// What a training step's arguments and results are called and how an
// argument is initialised when nobody provides it: the rules the CPU
// interpreter (lib/Execution) and the step emitters (lib/Target, into the
// step ABI's gc_step_init_t) share. Below code generation and the
// interpreter, so that neither links the other.
//
// The roles and initial values are read off names (`seed`,
// `optimizer.*`, `*LayerNorm.weight`, `*.bias`, `attention_mask`) and off
// how an integer argument is used; typed attributes set by whoever creates
// an argument are the planned replacement (docs/architecture.md).
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_STEPARGUMENTS_H
#define GC_TRANSFORMS_STEPARGUMENTS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <string>

namespace mlir::gc {

/// The argument's `gc.name`, or `arg<index>` when it has none.
std::string getArgumentName(func::FuncOp function, unsigned index);
/// The result's `gc.name`, or `result<index>` when it has none.
std::string getResultName(func::FuncOp function, unsigned index);

/// Name of the step-seed argument of every dropout.
constexpr const char *kSeedName = "seed";
/// Name of AdamW's step-counter argument.
constexpr const char *kStepName = "optimizer.step";

/// Whether argument `index` belongs in a checkpoint: a parameter
/// (`gc.param`) or optimizer state (`optimizer.*`, the step counter
/// included), as StepAbi.h's PARAMETER and OPTIMIZER_STATE roles.
bool isCheckpointed(func::FuncOp function, unsigned index);

/// How an argument is initialised (the rules below; the runtime applies
/// the same rules to compiled steps through StepAbi.h's gc_step_init_t).
enum class InitKind { Zeros, Ones, Normal, Index, Seed };
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

/// The rule for argument `index`, following Hugging Face's BERT
/// initialization where the name says what the argument is:
///  - `seed`: the seed; `optimizer.step`: 1; other `optimizer.*` state:
///    zeros;
///  - parameters (`gc.param`): `*LayerNorm.weight` ones, `*.bias` zeros,
///    others normal(0, 0.02) (BertConfig.initializer_range);
///  - other float inputs: normal(0, 1);
///  - integer inputs: uniform in [0, bound) when the function uses them as
///    embedding ids or cross-entropy labels (through reshapes), where bound
///    is the table's rows or the number of classes; `attention_mask`: ones,
///    and its values are restricted to 0 and 1; otherwise zeros.
InitRule getInitRule(func::FuncOp function, unsigned index);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_STEPARGUMENTS_H
