//===- LowerToKernels.cpp - Kernels and storage of a planned step ---------===//
//
// Decides, for a step planned by gc-plan-memory, which ops run as one fused
// pointwise kernel and where every tensor lives (see Passes.td). Three
// steps over the step's final order:
//
//  1. Fusion. A greedy scan groups maximal runs of consecutive pointwise ops
//     of one iteration shape, the same "loop fusion of producer-consumer
//     elementwise chains" XLA and TVM do first, restricted to runs that are
//     already adjacent in the schedule so that the plan's live ranges stay
//     valid: executing the run as one kernel at its position reads nothing
//     that the run did not already read there. An op joins the run only if
//     the run stays race-free under the plan's memory reuse (see
//     isRaceFree).
//  2. Storage. Returned values move to the step's result buffers, or into
//     the argument they replace when an optimizer update is the last reader
//     of that argument; values that fused kernels keep in registers are not
//     stored; everything else keeps its planned arena offset.
//  3. The arena shrinks to the highest byte still stored in it.
//
//===----------------------------------------------------------------------===//

#include "gc/Conversion/KernelPlan.h"
#include "gc/Conversion/Passes.h"

#include "gc/Dialect/GcOps.h"
#include "gc/Transforms/StepArguments.h"
#include "gc/Transforms/Workspace.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <functional>

#define DEBUG_TYPE "gc-lower-to-kernels"

namespace mlir::gc {
#define GEN_PASS_DEF_LOWERTOKERNELS
#include "gc/Conversion/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;

namespace {
/// Bytes of one element of a tensor value.
int64_t elementBytes(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return (type.getElementTypeBitWidth() + 7) / 8;
}

int64_t tensorBytes(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getNumElements() * elementBytes(value);
}

/// The planned arena bytes [begin, end) of `value`, if it is in the arena:
/// the offset of its op's result, through reshapes (views).
std::optional<std::pair<int64_t, int64_t>> plannedRange(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (auto reshape = dyn_cast<ReshapeOp>(op))
    return plannedRange(reshape.getInput());
  auto offsets =
      op->getAttrOfType<DenseI64ArrayAttr>(GcDialect::getOffsetsAttrName());
  if (!offsets)
    return std::nullopt;
  int64_t begin = offsets[cast<OpResult>(value).getResultNumber()];
  return std::make_pair(begin, begin + tensorBytes(value));
}

/// How a fused kernel reads one of its inputs.
enum class ReadKind {
  Element,   ///< Element i for output element i.
  Broadcast, ///< Through a broadcast's index map.
  Scalar,    ///< Element 0 (a dropout seed).
};

/// A run of consecutive pointwise ops that becomes one kernel.
struct FusionGroup {
  SmallVector<Operation *> ops;
  llvm::DenseSet<Operation *> members;
  ArrayRef<int64_t> shape;
};

/// Whether executing `group` as one kernel that computes every element
/// independently is race-free under the plan: a stored result may share
/// arena bytes with an input only as the very same element (an in-place
/// write the planner chose), never with an input read at another index.
/// Values used only inside the group are not stored and do not count.
bool isRaceFree(const FusionGroup &group, Operation *terminator) {
  SmallVector<std::pair<Value, ReadKind>> reads;
  SmallVector<Value> writes;
  for (Operation *op : group.ops) {
    for (Value operand : op->getOperands()) {
      Operation *producer = operand.getDefiningOp();
      if (producer && group.members.contains(producer))
        continue;
      ReadKind kind = ReadKind::Element;
      if (isa<BroadcastOp>(op))
        kind = ReadKind::Broadcast;
      else if (isa<DropoutOp, DropoutGradOp>(op) &&
               operand == op->getOperand(1))
        kind = ReadKind::Scalar;
      reads.push_back({operand, kind});
    }
    for (Value result : op->getResults())
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            return user == terminator || !group.members.contains(user);
          }))
        writes.push_back(result);
  }
  for (Value write : writes) {
    auto written = plannedRange(write);
    if (!written)
      continue;
    for (auto [read, kind] : reads) {
      auto source = plannedRange(read);
      if (!source || source->second <= written->first ||
          written->second <= source->first)
        continue;
      if (kind != ReadKind::Element || source->first != written->first ||
          elementBytes(read) != elementBytes(write))
        return false;
    }
  }
  return true;
}

struct LowerToKernelsPass
    : mlir::gc::impl::LowerToKernelsBase<LowerToKernelsPass> {
  using LowerToKernelsBase::LowerToKernelsBase;
  void runOnOperation() override;

private:
  /// Step 1: tags the fused kernels with gc.fusion; returns them.
  std::vector<FusionGroup> formFusions(Block &body);
};
} // namespace

std::vector<FusionGroup> LowerToKernelsPass::formFusions(Block &body) {
  Operation *terminator = body.getTerminator();
  std::vector<FusionGroup> groups;
  FusionGroup current;
  auto close = [&] {
    if (!current.ops.empty())
      groups.push_back(std::move(current));
    current = FusionGroup();
  };
  for (Operation &op : body.without_terminator()) {
    if (!isPointwise(&op)) {
      close();
      continue;
    }
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(op.getResult(0).getType()).getShape();
    if (fuse && !current.ops.empty() && shape == current.shape) {
      FusionGroup extended = current;
      extended.ops.push_back(&op);
      extended.members.insert(&op);
      if (isRaceFree(extended, terminator)) {
        current = std::move(extended);
        continue;
      }
    }
    close();
    current.ops.push_back(&op);
    current.members.insert(&op);
    current.shape = shape;
  }
  close();

  Builder builder(&getContext());
  for (auto [index, group] : llvm::enumerate(groups))
    for (Operation *op : group.ops)
      op->setAttr(GcDialect::getFusionAttrName(),
                  builder.getI64IntegerAttr(static_cast<int64_t>(index)));
  return groups;
}

void LowerToKernelsPass::runOnOperation() {
  func::FuncOp function = getOperation();
  if (function.isExternal())
    return;
  auto arenaBytes =
      function->getAttrOfType<IntegerAttr>(GcDialect::getArenaBytesAttrName());
  if (!arenaBytes || !function.getBody().hasOneBlock()) {
    function.emitError() << "gc-lower-to-kernels: expected a step planned by "
                            "gc-plan-memory (a single block and '"
                         << GcDialect::getArenaBytesAttrName()
                         << "' on the function)";
    return signalPassFailure();
  }
  // Lowering twice would take the shrunk arena for the planner's.
  if (function->hasAttr(GcDialect::getPlannedArenaBytesAttrName())) {
    function.emitError() << "gc-lower-to-kernels: the step is already lowered";
    return signalPassFailure();
  }
  Block &body = function.front();
  Operation *terminator = body.getTerminator();

  for (Operation &op : body.without_terminator()) {
    if (op.getNumRegions() != 0) {
      op.emitOpError() << "has regions, which gc-lower-to-kernels does not "
                          "lower";
      return signalPassFailure();
    }
    // Reshapes are views; every other op needs the planner's offsets.
    if (!isa<ReshapeOp>(op) && !op.hasAttr(GcDialect::getOffsetsAttrName())) {
      op.emitOpError() << "has no planned offset ('"
                       << GcDialect::getOffsetsAttrName()
                       << "'); run gc-plan-memory on the final step first";
      return signalPassFailure();
    }
  }

  std::vector<FusionGroup> groups = formFusions(body);
  llvm::DenseMap<Operation *, const FusionGroup *> groupOf;
  for (const FusionGroup &group : groups)
    for (Operation *op : group.ops)
      groupOf[op] = &group;

  // Position of every op, for "no later reader" questions.
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t next = 0;
  for (Operation &op : body)
    position[&op] = next++;

  // Which argument a result replaces for the next step: the argument of
  // the same gc.name and type.
  llvm::StringMap<unsigned> argumentByName;
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    argumentByName[::mlir::gc::getArgumentName(function, i)] = i;
  llvm::DenseMap<Value, unsigned> resultIndex;
  llvm::DenseMap<Value, unsigned> inPlaceArgument;
  for (auto [index, value] : llvm::enumerate(terminator->getOperands())) {
    if (resultIndex.count(value))
      continue;
    resultIndex[value] = static_cast<unsigned>(index);
    Operation *producer = value.getDefiningOp();
    if (!inPlaceUpdates || !producer ||
        !isa<SgdUpdateOp, AdamWUpdateOp>(producer))
      continue;
    auto it = argumentByName.find(
        ::mlir::gc::getResultName(function, static_cast<unsigned>(index)));
    if (it == argumentByName.end())
      continue;
    BlockArgument argument = function.getArgument(it->second);
    // The update reads the argument element by element, as the operand in
    // the same position, and nothing after it reads the old value.
    unsigned resultNumber = cast<OpResult>(value).getResultNumber();
    if (argument.getType() != value.getType() ||
        producer->getOperand(resultNumber == 0 ? 0 : resultNumber + 1) !=
            argument)
      continue;
    // Reads through reshapes (views of the argument) count as reads of it.
    std::function<bool(Value)> readLater = [&](Value value) {
      return llvm::any_of(value.getUsers(), [&](Operation *user) {
        if (user != producer && position[user] >= position[producer])
          return true;
        return isa<ReshapeOp>(user) && readLater(user->getResult(0));
      });
    };
    if (!readLater(argument))
      inPlaceArgument[value] = it->second;
  }

  // Step 2: storage of every result.
  Builder builder(&getContext());
  int64_t arenaHighest = 0;
  for (Operation &op : body.without_terminator()) {
    auto offsets =
        op.getAttrOfType<DenseI64ArrayAttr>(GcDialect::getOffsetsAttrName());
    SmallVector<Attribute> entries;
    for (OpResult result : op.getResults()) {
      Storage storage;
      const FusionGroup *group = groupOf.lookup(&op);
      bool usedOutside = llvm::any_of(result.getUsers(), [&](Operation *user) {
        return user == terminator || !group || !group->members.contains(user);
      });
      // A returned reshape stays a view; the emitter copies it out.
      if (isa<ReshapeOp>(op)) {
        storage = {Storage::Kind::View, 0};
      } else if (auto it = inPlaceArgument.find(result);
                 it != inPlaceArgument.end()) {
        storage = {Storage::Kind::Argument, it->second};
      } else if (auto it = resultIndex.find(result); it != resultIndex.end()) {
        storage = {Storage::Kind::Result, it->second};
      } else if (group && !usedOutside) {
        storage = {Storage::Kind::Fused, 0};
      } else {
        int64_t offset = offsets[result.getResultNumber()];
        storage = {Storage::Kind::Arena, offset};
        arenaHighest = std::max(arenaHighest, offset + tensorBytes(result));
      }
      entries.push_back(storage.toAttr(builder.getContext()));
    }
    op.setAttr(GcDialect::getStorageAttrName(), builder.getArrayAttr(entries));
    // A kernel's workspace (a bucket buffer) is in the arena too.
    if (auto workspace = op.getAttrOfType<IntegerAttr>(
            GcDialect::getWorkspaceOffsetAttrName()))
      arenaHighest =
          std::max(arenaHighest,
                   workspace.getInt() + getWorkspaceBytes(&op, /*cuda=*/true));
  }

  // Step 3: the arena the emitted code allocates.
  function->setAttr(GcDialect::getPlannedArenaBytesAttrName(), arenaBytes);
  function->setAttr(GcDialect::getArenaBytesAttrName(),
                    builder.getI64IntegerAttr(arenaHighest));
}
