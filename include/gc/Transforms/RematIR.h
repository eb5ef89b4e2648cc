//===- RematIR.h - Between gc IR and the remat problem ----------*- C++ -*-===//
//
// Translates a scheduled training-step function into the IR-free
// rematerialization problem (RematProblem.h) and materializes a plan's
// schedule back into the function.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_REMATIR_H
#define GC_TRANSFORMS_REMATIR_H

#include "gc/Remat/RematProblem.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <functional>
#include <vector>

namespace mlir::gc {

/// A problem and the IR it was built from: problem op i is `ops[i]`,
/// problem value v is `values[v]`.
struct RematIR {
  ::gc::remat::Problem problem;
  std::vector<Operation *> ops;
  std::vector<Value> values;
};

/// Estimated seconds and FLOPs of one op.
struct OpEstimate {
  double seconds = 0;
  double flops = 0;
};
using OpEstimator = std::function<OpEstimate(Operation *)>;

/// Builds the problem of `function` (single block, forward pass first, as
/// gc-schedule orders it). Emits an error on the function and fails when the
/// function is not in that form or has values that are not statically shaped
/// tensors.
FailureOr<RematIR> buildRematIR(func::FuncOp function,
                                const OpEstimator &estimate);

/// Rewrites the function to execute `schedule`: inserts the clones (marked
/// gc.recompute) and redirects the backward uses to them. Returns the number
/// of clones.
int64_t applySchedule(RematIR &ir, const ::gc::remat::Schedule &schedule);

/// A readable name for an op's location: its NameLoc, or file:line:col.
std::string describeLocation(Location loc);

/// Whether `op` may write its result into operand `operand`'s buffer when
/// that buffer dies at `op`: the runtime's elementwise kernels accept a
/// result aliasing an operand of its type. gc-plan-memory plans such writes
/// and gc-remat's simulator counts them (remat::Op::inPlaceOperands), so
/// that the peak the solver budgets is the one the arena has.
bool canWriteInPlace(Operation *op, Value operand);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_REMATIR_H
