//===- StepEmitter.h - Shared machinery of the step emitters ----*- C++ -*-===//
//
// The C++ and CUDA emitters share everything but the spelling of a kernel
// launch and of a runtime call: this class walks a lowered step, names every
// tensor by the storage gc-lower-to-kernels gave it, and writes the three
// sections of the generated file (fused kernels, static tables, the step
// function).
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_TARGET_STEPEMITTER_H
#define GC_LIB_TARGET_STEPEMITTER_H

#include "gc/Conversion/KernelPlan.h"
#include "gc/Dialect/GcOps.h"
#include "gc/Target/StepTranslation.h"

#include <map>
#include <string>
#include <vector>

namespace mlir::gc::target {

class StepEmitter {
public:
  StepEmitter(func::FuncOp function, const StepEmitOptions &options)
      : function(function), options(options) {}

  /// Emits the whole file; see emitStep.
  FailureOr<StepEmission> emit(llvm::raw_ostream &source,
                               llvm::raw_ostream *header);

  bool isCuda() const { return options.target == StepTarget::Cuda; }

  //===--- Names (StepEmitter.cpp)
  //-----------------------------------------===//

  /// The C++ element type of a tensor: float, double, int32_t or int64_t;
  /// emits an error at `loc` for others.
  FailureOr<std::string> getElementTypeName(Type type, Location loc);
  /// The element type name of a tensor value.
  FailureOr<std::string> getElementTypeName(Value value);
  /// An expression of type `T *` (T the element type) addressing `value`'s
  /// storage.
  FailureOr<std::string> getPointer(Value value);
  /// The name of a static int64_t table holding `values` (emitted once).
  std::string getInt64Table(ArrayRef<int64_t> values);
  /// `Shape(kTableN, rank)` (or `Shape()` for rank 0) in the kernel
  /// namespace.
  std::string getShape(ArrayRef<int64_t> values);
  /// A C string literal naming `op` and its location, for errors.
  std::string describe(Operation *op);
  /// CUDA: the expression of `op`'s own device error word, one per op that
  /// checks its data; the descriptor lists the ops in this order.
  std::string getDeviceErrorWord(Operation *op);

  /// A double literal that reads back exactly (hexadecimal).
  static std::string formatDouble(double value);
  /// A literal of element type `typeName` holding `value`.
  static std::string formatLiteral(Attribute value, StringRef typeName);

  //===--- Ops (EmitRuntimeCalls.cpp, EmitFusedKernels.cpp)
  //----------------===//

  /// One runtime kernel or library call for `op`, into the step body.
  LogicalResult emitRuntimeCall(Operation *op);
  /// gc.all_reduce: the start of its reduction (allReduceStart) here; the
  /// wait and unpack (allReduceWait) come before the first op that reads a
  /// result, so that the communication overlaps what runs in between.
  LogicalResult emitAllReduce(AllReduceOp op);
  /// Emits the waits of the all-reduces whose results `ops` read.
  LogicalResult emitWaitsFor(ArrayRef<Operation *> ops);
  /// Emits the waits still pending (before the results are copied out).
  LogicalResult emitPendingWaits();
  /// The fused kernel `ops` (consecutive, one gc.fusion id): its
  /// definition and its launch.
  LogicalResult emitFusedKernel(ArrayRef<Operation *> ops, int64_t id);

private:
  /// Writes `call` (a kernel-namespace function call without namespace) as
  /// a statement; `returnsStatus` for CPU kernels that can fail on data
  /// (every CUDA kernel returns a Status).
  void emitCall(Operation *op, llvm::StringRef call, bool returnsStatus);
  LogicalResult emitResultCopies(StepEmission &emission);
  /// Starts the next unit of the step (see StepEmission::units).
  void markUnit(StepEmission &emission, ArrayRef<Operation *> ops);
  LogicalResult emitDescriptor();
  void emitHeader(llvm::raw_ostream &os);

  func::FuncOp function;
  StepEmitOptions options;

  /// The sections of the file.
  std::string kernels, tables, body, descriptor;
  llvm::raw_string_ostream kernelsOs{kernels}, tablesOs{tables}, bodyOs{body},
      descriptorOs{descriptor};
  /// Static int64 tables, by content.
  std::map<std::vector<int64_t>, std::string> int64Tables;
  int64_t numConstants = 0;
  /// describe() of each op with a device error word, by word index.
  std::vector<std::string> errorSites;
  /// Generated fused kernels, by definition (with the name left open).
  std::map<std::string, std::string> fusedKernelNames;
  /// An all-reduce started by the step body: what its wait repeats of the
  /// start (the element type, the bucket, the counts table), by start order.
  struct StartedReduce {
    AllReduceOp op;
    std::string type, bucket, counts;
    bool waited = false;
  };
  std::vector<StartedReduce> startedReduces;
  /// The started all-reduce each result (or view of one) belongs to.
  llvm::DenseMap<Value, size_t> reduceOfResult;
  LogicalResult emitWait(size_t index);

public:
  llvm::raw_ostream &getKernels() { return kernelsOs; }
  llvm::raw_ostream &getTables() { return tablesOs; }
  llvm::raw_ostream &getBody() { return bodyOs; }
  /// The next index for a static constant table.
  int64_t nextConstantId() { return numConstants++; }
};

} // namespace mlir::gc::target

#endif // GC_LIB_TARGET_STEPEMITTER_H
