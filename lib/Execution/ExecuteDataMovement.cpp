//===- ExecuteDataMovement.cpp - CPU execution of data movement ops -------===//
//
// Executors of constants, broadcast, reshape, transpose, slice and concat.
// A reshape shares its operand's buffer (row-major data does not move).
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Execution/Interpreter.h"

#include "gc_rt/cpu/Kernels.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::exec;
namespace cpu = ::gc::rt::cpu;

namespace {
cpu::Shape shapeOf(const HostTensor &tensor) {
  return cpu::Shape(tensor.shape);
}

cpu::DimList listOf(ArrayRef<int64_t> values) {
  return cpu::DimList(values.data(), static_cast<int>(values.size()));
}

LogicalResult executeConstant(ConstantOp op, ExecutionContext &ctx) {
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (!dense)
    return op.emitOpError() << "the CPU executor needs a dense constant";
  FailureOr<HostTensor *> result = ctx.allocate(op.getResult());
  if (failed(result))
    return failure();
  HostTensor &out = **result;
  int64_t n = out.getNumElements();
  auto element = [&](int64_t i) {
    if (isFloat(out.kind))
      return dense.getValues<APFloat>()[i].convertToDouble();
    return static_cast<double>(dense.getValues<APInt>()[i].getSExtValue());
  };
  if (dense.isSplat()) {
    double value = element(0);
    for (int64_t i = 0; i < n; ++i)
      out.setFromDouble(i, value);
    return success();
  }
  for (int64_t i = 0; i < n; ++i)
    out.setFromDouble(i, element(i));
  return success();
}

LogicalResult executeBroadcast(BroadcastOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  FailureOr<HostTensor *> result = ctx.allocate(op.getResult());
  if (failed(result))
    return failure();
  cpu::broadcast(input.bytes(), (*result)->bytes(), shapeOf(input),
                 shapeOf(**result), listOf(op.getDims()),
                 getElementSize(input.kind));
  return success();
}

LogicalResult executeReshape(ReshapeOp op, ExecutionContext &ctx) {
  HostTensor view = ctx.get(op.getInput());
  auto type = cast<RankedTensorType>(op.getResult().getType());
  view.shape.assign(type.getShape().begin(), type.getShape().end());
  ctx.set(op.getResult(), std::move(view));
  return success();
}

LogicalResult executeTranspose(TransposeOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  FailureOr<HostTensor *> result = ctx.allocate(op.getResult());
  if (failed(result))
    return failure();
  cpu::transpose(input.bytes(), (*result)->bytes(), shapeOf(input),
                 listOf(op.getPerm()), getElementSize(input.kind));
  return success();
}

LogicalResult executeSlice(SliceOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  FailureOr<HostTensor *> result = ctx.allocate(op.getResult());
  if (failed(result))
    return failure();
  cpu::slice(input.bytes(), (*result)->bytes(), shapeOf(input),
             shapeOf(**result), listOf(op.getOffsets()),
             getElementSize(input.kind));
  return success();
}

LogicalResult executeConcat(ConcatOp op, ExecutionContext &ctx) {
  SmallVector<const void *> inputs;
  SmallVector<int64_t> sizes;
  int64_t dim = op.getDim();
  ElementKind kind = ctx.get(op.getInputs().front()).kind;
  for (Value value : op.getInputs()) {
    const HostTensor &input = ctx.get(value);
    inputs.push_back(input.bytes());
    sizes.push_back(input.shape[dim]);
  }
  FailureOr<HostTensor *> result = ctx.allocate(op.getResult());
  if (failed(result))
    return failure();
  cpu::concat(inputs.data(), (*result)->bytes(),
              static_cast<int>(inputs.size()), sizes.data(), shapeOf(**result),
              dim, getElementSize(kind));
  return success();
}
} // namespace

void mlir::gc::exec::registerDataMovementExecutors(
    OpExecutorRegistry &registry) {
  addExecutor<ConstantOp>(registry, executeConstant);
  addExecutor<BroadcastOp>(registry, executeBroadcast);
  addExecutor<ReshapeOp>(registry, executeReshape);
  addExecutor<TransposeOp>(registry, executeTranspose);
  addExecutor<SliceOp>(registry, executeSlice);
  addExecutor<ConcatOp>(registry, executeConcat);
}
