//===- Interpreter.h - Op-by-op CPU execution of gc functions ---*- C++ -*-===//
//
// Executes a func.func of gc ops on the CPU, one op at a time, with the
// runtime's CPU kernels. It is the numerics oracle of the project: compiled
// steps are compared with it. Each value's buffer is released after its
// last use, so the peak of live bytes it reports is the peak of the
// function's own schedule.
//
//===----------------------------------------------------------------------===//

#ifndef GC_EXECUTION_INTERPRETER_H
#define GC_EXECUTION_INTERPRETER_H

#include "gc/Execution/HostTensor.h"
#include "gc_rt/HalfFloat.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>
#include <type_traits>

namespace mlir::gc::exec {

class ExecutionContext;

/// Executes one op: reads its operands from the context, writes its results.
/// Reports problems (unsupported element types, run-time errors such as an
/// embedding id out of range) as errors on the op.
using OpExecutor =
    std::function<LogicalResult(Operation *, ExecutionContext &)>;

/// The executors of every supported op, by op name.
class OpExecutorRegistry {
public:
  /// The registry with every gc op the CPU executor supports.
  static const OpExecutorRegistry &get();

  void add(StringRef opName, OpExecutor executor);
  const OpExecutor *lookup(StringRef opName) const;

private:
  llvm::StringMap<OpExecutor> executors;
};

/// Per-family registration (ExecuteElementwise.cpp, ExecuteDataMovement.cpp,
/// ExecuteNN.cpp).
void registerElementwiseExecutors(OpExecutorRegistry &registry);
void registerDataMovementExecutors(OpExecutorRegistry &registry);
void registerNNExecutors(OpExecutorRegistry &registry);

/// The values of one running function.
class ExecutionContext {
public:
  explicit ExecutionContext(MemoryTracker &tracker) : tracker(tracker) {}

  /// Places the results of ops carrying `gc.offsets` in `arena` at those
  /// offsets instead of allocating them (a function planned by
  /// gc-plan-memory).
  void setArena(std::shared_ptr<Buffer> buffer) { arena = std::move(buffer); }
  /// The highest arena byte a result occupied (0 without an arena).
  int64_t getArenaHighWater() const { return arenaHighWater; }

  const HostTensor &get(Value value) const;
  /// Binds `value` to `tensor`.
  void set(Value value, HostTensor tensor);
  /// Allocates a zero-filled tensor of `value`'s type and binds it.
  FailureOr<HostTensor *> allocate(Value value);
  /// Drops the context's reference to `value`'s buffer.
  void release(Value value) { values.erase(value); }
  /// The operands whose last use is the op about to run: an elementwise
  /// result may take over one of their buffers (in place, as gc-plan-memory
  /// plans and gc-remat's simulator counts it), so that the tracker's peak
  /// is the planned one.
  void setDyingOperands(SmallVector<Value> operands) {
    dyingOperands = std::move(operands);
  }
  MemoryTracker &getTracker() { return tracker; }

private:
  MemoryTracker &tracker;
  std::shared_ptr<Buffer> arena;
  int64_t arenaHighWater = 0;
  /// In place: the buffer of a dying operand `op` may write its result into,
  /// or null.
  std::shared_ptr<Buffer> findDonor(Operation *op, HostTensor *&donor);
  SmallVector<Value> dyingOperands;
  /// Boxed so that references handed out stay valid while other values are
  /// added.
  llvm::DenseMap<Value, std::unique_ptr<HostTensor>> values;
};

/// What a run measured besides the tracker's peak.
struct ExecutionStats {
  /// For a function planned by gc-plan-memory: the arena size it declares
  /// and the highest byte its results occupied; -1 otherwise.
  int64_t arenaBytes = -1;
  int64_t arenaHighWater = -1;
};

/// Runs `function` on `inputs` (one per argument, in order) and returns its
/// results. A function planned by gc-plan-memory runs in one arena of the
/// planned size: results live at their planned offsets (results returned
/// may therefore be views into the arena). Errors are emitted as
/// diagnostics on the offending op or on the function.
FailureOr<std::vector<HostTensor>> execute(func::FuncOp function,
                                           ArrayRef<HostTensor> inputs,
                                           MemoryTracker &tracker,
                                           ExecutionStats *stats = nullptr);

/// Registers an executor written for the concrete op class `Op`.
template <typename Op>
void addExecutor(OpExecutorRegistry &registry,
                 LogicalResult (*execute)(Op, ExecutionContext &)) {
  registry.add(Op::getOperationName(),
               [execute](Operation *op, ExecutionContext &context) {
                 return execute(llvm::cast<Op>(op), context);
               });
}

/// Helpers for executors: run `body` with a float or double tag for the
/// element kind of `value`, or report the unsupported kind on `op`.
template <typename Body>
LogicalResult dispatchFloat(Operation *op, ElementKind kind, Body &&body) {
  switch (kind) {
  case ElementKind::F32:
    return body(float());
  case ElementKind::F64:
    return body(double());
  case ElementKind::BF16:
    return body(::gc::rt::BFloat16());
  case ElementKind::F16:
    return body(::gc::rt::Half());
  default:
    return op->emitOpError()
           << "the CPU executor computes this op in f32, f64, bf16 or f16 "
              "only, but found "
           << getElementKindName(kind);
  }
}

/// The shape of most executors: allocates the single result of `op` and runs
/// `body(T *result)` with T the float type of `kind` (an operand's element
/// kind). `body` returns nothing, or a LogicalResult for kernels that can
/// fail on the data.
template <typename Body>
LogicalResult computeFloatResult(Operation *op, ExecutionContext &context,
                                 ElementKind kind, Body &&body) {
  FailureOr<HostTensor *> result = context.allocate(op->getResult(0));
  if (failed(result))
    return failure();
  return dispatchFloat(op, kind, [&](auto tag) -> LogicalResult {
    using T = decltype(tag);
    if constexpr (std::is_void_v<decltype(body((*result)->data<T>()))>) {
      body((*result)->data<T>());
      return success();
    } else {
      return body((*result)->data<T>());
    }
  });
}

/// Runs `body` with an int32_t or int64_t tag for an integer kind.
template <typename Body>
LogicalResult dispatchInteger(Operation *op, ElementKind kind, Body &&body) {
  switch (kind) {
  case ElementKind::I32:
    return body(int32_t());
  case ElementKind::I64:
    return body(int64_t());
  default:
    return op->emitOpError() << "expected integer ids or labels, but found "
                             << getElementKindName(kind);
  }
}

} // namespace mlir::gc::exec

#endif // GC_EXECUTION_INTERPRETER_H
