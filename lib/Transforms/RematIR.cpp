//===- RematIR.cpp - Between gc IR and the remat problem ------------------===//

#include "gc/Transforms/RematIR.h"

#include "gc/Dialect/GcOps.h"
#include "gc/Transforms/TrainingStep.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::gc;
namespace remat = ::gc::remat;

std::string mlir::gc::describeLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string text = describeLocation(inner); !text.empty())
        return text;
  return "";
}

namespace {
/// Bytes of a statically shaped tensor, as the executor allocates it.
FailureOr<int64_t> tensorBytes(Value value) {
  std::optional<int64_t> bytes = getTensorByteSize(value.getType());
  if (!bytes)
    return failure();
  return *bytes;
}

/// Whether the remat rewrite may clone `op`.
bool isRecomputable(Operation *op) {
  return isa<GcDialect>(op->getDialect()) && isMemoryEffectFree(op) &&
         !isOptimizerUpdate(op) && !isCollective(op);
}
} // namespace

FailureOr<RematIR> mlir::gc::buildRematIR(func::FuncOp function,
                                          const OpEstimator &estimate) {
  FailureOr<Value> loss = findLoss(function);
  if (failed(loss))
    return failure();
  llvm::DenseSet<Operation *> forward = findForwardOps(function, *loss);

  RematIR ir;
  remat::Problem &problem = ir.problem;
  llvm::DenseMap<Value, int> ids;
  auto addValue = [&](Value value, std::string name, int producer,
                      int aliasOf) -> FailureOr<int> {
    FailureOr<int64_t> bytes = tensorBytes(value);
    if (failed(bytes))
      return emitError(value.getLoc())
             << "gc-remat: expected a statically shaped tensor whose size in "
                "bytes fits in 64 bits, but found "
             << value.getType();
    remat::Value entry;
    entry.name = std::move(name);
    entry.bytes = aliasOf >= 0 ? 0 : *bytes;
    entry.producer = producer;
    entry.aliasOf = aliasOf;
    entry.persistent = producer < 0;
    int id = static_cast<int>(problem.values.size());
    problem.values.push_back(std::move(entry));
    ir.values.push_back(value);
    ids[value] = id;
    return id;
  };

  Block &body = function.front();
  for (BlockArgument arg : body.getArguments()) {
    auto name = function.getArgAttrOfType<StringAttr>(
        arg.getArgNumber(), GcDialect::getNameAttrName());
    if (failed(addValue(
            arg, name ? name.str() : "arg" + std::to_string(arg.getArgNumber()),
            -1, -1)))
      return failure();
  }

  for (Operation &op : body.without_terminator()) {
    int index = static_cast<int>(problem.ops.size());
    remat::Op entry;
    entry.name = describeLocation(op.getLoc());
    if (entry.name.empty())
      entry.name = op.getName().getStringRef().str();
    for (Value operand : op.getOperands())
      entry.operands.push_back(ids.lookup(operand));
    for (OpResult result : op.getResults()) {
      // A reshape is a view: its result shares the operand's buffer.
      int aliasOf = isa<ReshapeOp>(op) ? problem.root(entry.operands[0]) : -1;
      std::string name = entry.name;
      if (op.getNumResults() > 1)
        name += "#" + std::to_string(result.getResultNumber());
      FailureOr<int> id = addValue(result, name, index, aliasOf);
      if (failed(id))
        return failure();
      entry.results.push_back(*id);
    }
    OpEstimate cost = estimate(&op);
    entry.cost = cost.seconds;
    entry.flops = cost.flops;
    entry.block = getBlockTag(&op).value_or(-1);
    entry.forward = forward.contains(&op);
    entry.recomputable = isRecomputable(&op);
    for (auto [k, operand] : llvm::enumerate(op.getOperands()))
      if (canWriteInPlace(&op, operand))
        entry.inPlaceOperands.push_back(static_cast<int>(k));
    problem.ops.push_back(std::move(entry));
    ir.ops.push_back(&op);
  }
  for (Value returned : body.getTerminator()->getOperands())
    problem.values[ids.lookup(returned)].returned = true;

  if (std::string problemError = problem.validate(); !problemError.empty())
    return function.emitError()
           << "gc-remat: the function is not a scheduled training step ("
           << problemError << "); run gc-schedule first";
  return ir;
}

bool mlir::gc::canWriteInPlace(Operation *op, Value operand) {
  if (op->getNumResults() != 1 ||
      operand.getType() != op->getResult(0).getType())
    return false;
  return op->hasTrait<OpTrait::gc::GcElementwise>() ||
         isa<DropoutOp, DropoutGradOp>(op);
}

int64_t mlir::gc::applySchedule(RematIR &ir, const remat::Schedule &schedule) {
  MLIRContext *context =
      ir.ops.empty() ? nullptr : ir.ops.front()->getContext();
  std::vector<Value> scheduled(schedule.valueOrigin.size());
  for (size_t v = 0; v < ir.values.size(); ++v)
    scheduled[v] = ir.values[v];

  int64_t clones = 0;
  // Clones are inserted before the next original op of the schedule (the
  // backward op that needs them).
  std::vector<const remat::Schedule::Entry *> pending;
  for (const remat::Schedule::Entry &entry : schedule.entries) {
    if (entry.clone) {
      pending.push_back(&entry);
      continue;
    }
    Operation *op = ir.ops[entry.op];
    OpBuilder builder(op);
    for (const remat::Schedule::Entry *clone : pending) {
      Operation *original = ir.ops[clone->op];
      IRMapping mapping;
      for (auto [operand, id] :
           llvm::zip_equal(original->getOperands(), clone->operands))
        mapping.map(operand, scheduled[id]);
      Operation *copy = builder.clone(*original, mapping);
      copy->setAttr(GcDialect::getRecomputeAttrName(), UnitAttr::get(context));
      for (auto [result, id] :
           llvm::zip_equal(copy->getResults(), clone->results))
        scheduled[id] = result;
      ++clones;
    }
    pending.clear();
    for (auto [index, id] : llvm::enumerate(entry.operands))
      if (op->getOperand(index) != scheduled[id])
        op->setOperand(index, scheduled[id]);
  }
  return clones;
}
