//===- Interpreter.cpp - Op-by-op CPU execution of gc functions -----------===//
//
// Walks the function's single block in order, executes each op through the
// executor registered for its name, and releases every value right after its
// last use (a value returned by the function lives to the end).
//
//===----------------------------------------------------------------------===//

#include "gc/Execution/Interpreter.h"
#include "gc/Transforms/RematIR.h"

#include "gc/Dialect/GcDialect.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::gc::exec;

void OpExecutorRegistry::add(StringRef opName, OpExecutor executor) {
  executors[opName] = std::move(executor);
}

const OpExecutor *OpExecutorRegistry::lookup(StringRef opName) const {
  auto it = executors.find(opName);
  return it == executors.end() ? nullptr : &it->second;
}

const OpExecutorRegistry &OpExecutorRegistry::get() {
  static const OpExecutorRegistry registry = [] {
    OpExecutorRegistry r;
    registerElementwiseExecutors(r);
    registerDataMovementExecutors(r);
    registerNNExecutors(r);
    return r;
  }();
  return registry;
}

const HostTensor &ExecutionContext::get(Value value) const {
  auto it = values.find(value);
  assert(it != values.end() && "value used before it was computed");
  return *it->second;
}

void ExecutionContext::set(Value value, HostTensor tensor) {
  values[value] = std::make_unique<HostTensor>(std::move(tensor));
}

std::shared_ptr<Buffer> ExecutionContext::findDonor(Operation *op,
                                                    HostTensor *&donor) {
  for (Value operand : op->getOperands()) {
    if (!llvm::is_contained(dyingOperands, operand) ||
        !canWriteInPlace(op, operand))
      continue;
    auto it = values.find(operand);
    if (it == values.end() || !it->second->buffer)
      continue;
    // The buffer dies here when every tensor holding it is a dying operand.
    const std::shared_ptr<Buffer> &buffer = it->second->buffer;
    long holders = 0;
    for (Value dying : dyingOperands)
      if (auto found = values.find(dying);
          found != values.end() && found->second->buffer == buffer)
        ++holders;
    if (buffer.use_count() != holders)
      return nullptr;
    donor = it->second.get();
    return buffer;
  }
  return nullptr;
}

FailureOr<HostTensor *> ExecutionContext::allocate(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  std::optional<ElementKind> kind = getElementKind(type.getElementType());
  if (!kind) {
    if (Operation *op = value.getDefiningOp())
      op->emitOpError() << "the CPU executor supports f32, f64, i32 and i64 "
                           "tensors, but this result is "
                        << type;
    return failure();
  }
  auto &slot = values[value];
  Operation *op = value.getDefiningOp();
  auto offsets = arena && op ? op->getAttrOfType<DenseI64ArrayAttr>(
                                   GcDialect::getOffsetsAttrName())
                             : DenseI64ArrayAttr();
  if (!offsets) {
    HostTensor *donor = nullptr;
    if (std::shared_ptr<Buffer> buffer = op ? findDonor(op, donor) : nullptr) {
      auto tensor = std::make_unique<HostTensor>();
      tensor->kind = *kind;
      tensor->shape.assign(type.getShape().begin(), type.getShape().end());
      tensor->buffer = std::move(buffer);
      tensor->offset = donor->offset;
      slot = std::move(tensor);
      return slot.get();
    }
    slot = std::make_unique<HostTensor>(
        HostTensor::allocate(*kind, type.getShape(), &tracker));
    return slot.get();
  }
  auto tensor = std::make_unique<HostTensor>();
  tensor->kind = *kind;
  tensor->shape.assign(type.getShape().begin(), type.getShape().end());
  tensor->buffer = arena;
  tensor->offset = offsets[cast<OpResult>(value).getResultNumber()];
  int64_t end = static_cast<int64_t>(tensor->offset + tensor->getByteSize());
  if (end > static_cast<int64_t>(arena->size()))
    return op->emitOpError()
           << "result #" << cast<OpResult>(value).getResultNumber()
           << " ends at arena byte " << end << ", beyond the planned arena of "
           << arena->size() << " bytes";
  arenaHighWater = std::max(arenaHighWater, end);
  slot = std::move(tensor);
  return slot.get();
}

FailureOr<std::vector<HostTensor>>
mlir::gc::exec::execute(func::FuncOp function, ArrayRef<HostTensor> inputs,
                        MemoryTracker &tracker, ExecutionStats *stats) {
  if (!function.getBody().hasOneBlock())
    return function.emitError()
           << "the CPU executor runs functions with a single block";
  Block &body = function.front();
  if (inputs.size() != body.getNumArguments())
    return function.emitError()
           << "expected " << body.getNumArguments() << " inputs, but "
           << inputs.size() << " were given";

  ExecutionContext context(tracker);
  // A step lowered by gc-lower-to-kernels keeps the planner's offsets for
  // every value, and the planner's arena size beside its own.
  auto arenaBytes = function->getAttrOfType<IntegerAttr>(
      GcDialect::getPlannedArenaBytesAttrName());
  if (!arenaBytes)
    arenaBytes = function->getAttrOfType<IntegerAttr>(
        GcDialect::getArenaBytesAttrName());
  if (arenaBytes)
    context.setArena(std::make_shared<Buffer>(arenaBytes.getInt(), &tracker));
  for (auto [arg, input] : llvm::zip_equal(body.getArguments(), inputs)) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !input.matches(type))
      return function.emitError()
             << "argument #" << arg.getArgNumber() << " has type "
             << arg.getType() << ", but the input is " << input.describe();
    context.set(arg, input);
  }

  // Last use of every value, as the index of the op that reads it last.
  Operation *terminator = body.getTerminator();
  llvm::DenseMap<Value, Operation *> lastUse;
  for (Operation &op : body)
    for (Value operand : op.getOperands())
      lastUse[operand] = &op;

  const OpExecutorRegistry &registry = OpExecutorRegistry::get();
  for (Operation &op : body.without_terminator()) {
    const OpExecutor *executor = registry.lookup(op.getName().getStringRef());
    if (!executor)
      return op.emitOpError() << "is not supported by the CPU executor";
    SmallVector<Value> dying;
    for (Value operand : op.getOperands())
      if (lastUse.lookup(operand) == &op && !llvm::is_contained(dying, operand))
        dying.push_back(operand);
    context.setDyingOperands(std::move(dying));
    if (failed((*executor)(&op, context)))
      return failure();
    for (Value operand : op.getOperands())
      if (lastUse.lookup(operand) == &op)
        context.release(operand);
    for (Value result : op.getResults())
      if (!lastUse.count(result))
        context.release(result);
  }

  std::vector<HostTensor> results;
  for (Value value : terminator->getOperands())
    results.push_back(context.get(value));
  if (stats && arenaBytes) {
    stats->arenaBytes = arenaBytes.getInt();
    stats->arenaHighWater = context.getArenaHighWater();
  }
  return results;
}
