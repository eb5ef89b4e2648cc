//===- Workspace.cpp - Scratch memory of the CUDA kernels -----------------===//
//
// The compiler's side of gc_rt/cuda/Workspace.h: the bytes each op's CUDA
// kernel needs, from the runtime's own formulas.
//
//===----------------------------------------------------------------------===//

#include "gc/Transforms/Workspace.h"
#include "gc/Dialect/GcOps.h"

#include "gc_rt/Collectives.h"
#include "gc_rt/cuda/Workspace.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::gc;

int64_t mlir::gc::getCudaWorkspaceBytes(Operation *op) {
  // The bytes of the type the kernel accumulates `value`'s elements in:
  // float for bf16 and f16 (gc_rt's AccumulationOf), the element otherwise.
  auto bytesOf = [](Value value) {
    Type element = cast<RankedTensorType>(value.getType()).getElementType();
    if (element.isBF16() || element.isF16())
      return int64_t(4);
    return static_cast<int64_t>((element.getIntOrFloatBitWidth() + 7) / 8);
  };
  if (isa<ReduceSumOp, ReduceMeanOp>(op)) {
    auto dims = op->getAttrOfType<DenseI64ArrayAttr>("dims");
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(op->getOperand(0).getType()).getShape();
    if (!dims)
      return 0;
    return ::gc::rt::cuda::reduceWorkspaceBytes(
        shape.data(), static_cast<int>(shape.size()), dims.asArrayRef().data(),
        static_cast<int>(dims.size()), bytesOf(op->getOperand(0)));
  }
  if (auto grad = dyn_cast<EmbeddingGradOp>(op)) {
    ArrayRef<int64_t> table =
        cast<RankedTensorType>(grad.getResult().getType()).getShape();
    auto ids = cast<RankedTensorType>(grad.getIds().getType());
    if (table.size() != 2)
      return 0;
    return ::gc::rt::cuda::embeddingGradWorkspaceBytes(
        table[0], table[1], ids.getNumElements(), bytesOf(grad.getGrad()));
  }
  if (auto grad = dyn_cast<AttentionGradOp>(op))
    return ::gc::rt::cuda::attentionGradWorkspaceBytes(
        cast<RankedTensorType>(grad.getLse().getType()).getNumElements(),
        bytesOf(grad.getLse()));
  if (isa<CrossEntropyOp>(op))
    return ::gc::rt::cuda::crossEntropyWorkspaceBytes();
  if (isa<CrossEntropyGradOp>(op))
    return ::gc::rt::cuda::crossEntropyGradWorkspaceBytes();
  if (auto grad = dyn_cast<LayerNormGradOp>(op)) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(grad.getInput().getType()).getShape();
    if (shape.empty())
      return 0;
    int64_t rows = 1;
    for (int64_t size : shape.drop_back())
      if (llvm::MulOverflow(rows, size, rows))
        return -1;
    return ::gc::rt::cuda::layerNormGradWorkspaceBytes(
        rows, shape.back(), bytesOf(grad.getInput()));
  }
  return 0;
}

int64_t mlir::gc::getAllReduceBucketBytes(RankedTensorType type) {
  return type.getNumElements() *
         ::gc::rt::bucketElementBytes(
             (type.getElementType().getIntOrFloatBitWidth() + 7) / 8);
}

int64_t mlir::gc::getWorkspaceBytes(Operation *op, bool cuda) {
  if (auto reduce = dyn_cast<AllReduceOp>(op)) {
    int64_t total = 0;
    for (Value input : reduce.getInputs())
      if (llvm::AddOverflow(
              total,
              getAllReduceBucketBytes(cast<RankedTensorType>(input.getType())),
              total))
        return -1;
    return total;
  }
  return cuda ? getCudaWorkspaceBytes(op) : 0;
}
