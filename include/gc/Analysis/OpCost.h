//===- OpCost.h - The cost model applied to gc operations -------*- C++ -*-===//
//
// The thin layer between the IR and the IR-free cost model: it reads an
// operation's kind, static shapes, element types and matmul dimensions into
// a ::gc::cost::OpDesc and prices that. Keeping the counting rules in
// CostModel.h means solvers and tests can use them without building IR.
//
//===----------------------------------------------------------------------===//

#ifndef GC_ANALYSIS_OPCOST_H
#define GC_ANALYSIS_OPCOST_H

#include "gc/Analysis/CostModel.h"

#include <optional>

namespace mlir {
class Operation;
} // namespace mlir

namespace mlir::gc {

/// The cost-model description of a gc operation, or nullopt for operations
/// of other dialects and for operands or results that are not statically
/// shaped tensors.
std::optional<::gc::cost::OpDesc> describeOp(Operation *op);

/// The roofline cost of `op` on `device`. Operations the model does not
/// describe (func.return, arith, tensor, ...) cost nothing: they are either
/// bookkeeping or folded away before code generation, and an unknown op
/// costed at zero is visible in a report whereas a guess would not be.
::gc::cost::OpCost estimateOpCost(Operation *op,
                                  const ::gc::cost::DeviceProfile &device);

} // namespace mlir::gc

#endif // GC_ANALYSIS_OPCOST_H
