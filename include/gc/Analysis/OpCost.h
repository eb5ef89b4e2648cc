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

#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace mlir {
class Block;
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

/// The runs of consecutive pointwise ops with one iteration shape in a
/// block: what gc-lower-to-kernels fuses into one generated kernel each
/// (it also splits a run where fusing would race; the cost model ignores
/// that rare case).
class FusionRuns {
public:
  explicit FusionRuns(Block &block);
  /// The run `op` belongs to, or -1 for an op outside every run.
  int64_t getRun(Operation *op) const;
  /// Whether `op` opens its run (the run's kernel launch is counted there).
  bool opensRun(Operation *op) const;

private:
  llvm::DenseMap<Operation *, int64_t> runOf;
};

/// estimateOpCost for the code gc generates, where each run of `runs` is one
/// kernel: a pointwise op reads from memory only the operands produced
/// outside its run, writes its result only when an op outside its run uses
/// it (or it is returned), and only the first op of a run launches a
/// kernel. A fused chain thus costs one pass over its inputs and outputs
/// and one launch. Other ops cost what estimateOpCost says.
::gc::cost::OpCost estimateFusedOpCost(Operation *op, const FusionRuns &runs,
                                       const ::gc::cost::DeviceProfile &device);

} // namespace mlir::gc

#endif // GC_ANALYSIS_OPCOST_H
