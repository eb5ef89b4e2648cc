//===- OpCost.cpp - gc operations to cost-model descriptions --------------===//
//
// Maps every gc operation onto an OpKind, reads its operand and result
// tensors and, for gc.matmul, its batch/M/N/K dimensions. All counting and
// timing happens in the IR-free cost model.
//
//===----------------------------------------------------------------------===//

#include "gc/Analysis/OpCost.h"

#include "gc/Dialect/GcOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::gc;
using ::gc::cost::DataClass;
using ::gc::cost::OpKind;

namespace {

/// The cost-model family of a gc op; nullopt for ops of other dialects.
std::optional<OpKind> kindOf(Operation *op) {
  using Kind = std::optional<OpKind>;
  auto is = [](OpKind kind) {
    return [kind](Operation *) -> Kind { return kind; };
  };
  return llvm::TypeSwitch<Operation *, Kind>(op)
      .Case<AddOp, SubOp, MulOp, NegOp, ReluOp, ReluGradOp, ScaleOp>(
          is(OpKind::ElementwiseArithmetic))
      .Case<DivOp, SqrtOp, RsqrtOp>(is(OpKind::ElementwiseDivSqrt))
      .Case<ExpOp, LogOp, TanhOp, ErfOp>(is(OpKind::ElementwiseTranscendental))
      .Case<GeluOp>(is(OpKind::Gelu))
      .Case<GeluGradOp>(is(OpKind::GeluGrad))
      .Case<DropoutOp>(is(OpKind::Dropout))
      .Case<DropoutGradOp>(is(OpKind::DropoutGrad))
      .Case<CastOp>(is(OpKind::Cast))
      .Case<BroadcastOp>(is(OpKind::Broadcast))
      .Case<ReshapeOp>(is(OpKind::Reshape))
      .Case<TransposeOp>(is(OpKind::Transpose))
      .Case<SliceOp>(is(OpKind::Slice))
      .Case<ConcatOp>(is(OpKind::Concat))
      .Case<ConstantOp>(is(OpKind::Constant))
      .Case<MatmulOp>(is(OpKind::Matmul))
      .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, AnyNonFiniteOp>(
          is(OpKind::Reduction))
      .Case<UpdateLossScaleOp>(is(OpKind::ElementwiseArithmetic))
      .Case<LayerNormOp>(is(OpKind::LayerNorm))
      .Case<LayerNormGradOp>(is(OpKind::LayerNormGrad))
      .Case<AttentionOp>(is(OpKind::Attention))
      .Case<AttentionGradOp>(is(OpKind::AttentionGrad))
      .Case<SoftmaxOp>(is(OpKind::Softmax))
      .Case<SoftmaxGradOp>(is(OpKind::SoftmaxGrad))
      .Case<EmbeddingOp>(is(OpKind::Embedding))
      .Case<EmbeddingGradOp>(is(OpKind::EmbeddingGrad))
      .Case<CrossEntropyOp>(is(OpKind::CrossEntropy))
      .Case<CrossEntropyGradOp>(is(OpKind::CrossEntropyGrad))
      .Case<SgdUpdateOp>(is(OpKind::SgdUpdate))
      .Case<AdamWUpdateOp>(is(OpKind::AdamWUpdate))
      .Case<AllReduceOp>(is(OpKind::AllReduce))
      .Default([](Operation *) -> Kind { return std::nullopt; });
}

std::optional<::gc::cost::TensorDesc> describeTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() ||
      !tensor.getElementType().isIntOrFloat())
    return std::nullopt;
  ::gc::cost::TensorDesc desc;
  desc.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  desc.elementBytes = (tensor.getElementType().getIntOrFloatBitWidth() + 7) / 8;
  return desc;
}

std::optional<DataClass> classOf(Type elementType) {
  if (elementType.isF32())
    return DataClass::F32;
  if (elementType.isF16() || elementType.isBF16())
    return DataClass::F16;
  if (elementType.isF64())
    return DataClass::F64;
  return std::nullopt;
}

/// The class the op computes in: that of its first floating-point operand,
/// else of its first floating-point result (a cast from integers), else
/// integer.
DataClass computeClass(Operation *op) {
  auto firstFloat = [](TypeRange types) -> std::optional<DataClass> {
    for (Type type : types)
      if (auto shaped = dyn_cast<ShapedType>(type))
        if (std::optional<DataClass> dataClass =
                classOf(shaped.getElementType()))
          return dataClass;
    return std::nullopt;
  };
  if (std::optional<DataClass> dataClass = firstFloat(op->getOperandTypes()))
    return *dataClass;
  if (std::optional<DataClass> dataClass = firstFloat(op->getResultTypes()))
    return *dataClass;
  return DataClass::Integer;
}

/// Batch, M, N and K of a verified gc.matmul: the result is
/// [b..., M, N] and K is lhs's contracted dimension.
::gc::cost::MatmulDims matmulDims(MatmulOp matmul) {
  ArrayRef<int64_t> lhs =
      cast<ShapedType>(matmul.getLhs().getType()).getShape();
  ArrayRef<int64_t> result =
      cast<ShapedType>(matmul.getResult().getType()).getShape();
  ::gc::cost::MatmulDims dims;
  size_t rank = result.size();
  for (size_t i = 0; i + 2 < rank; ++i)
    dims.batch *= result[i];
  dims.m = result[rank - 2];
  dims.n = result[rank - 1];
  dims.k = matmul.getTransposeLhs() ? lhs[lhs.size() - 2] : lhs.back();
  return dims;
}

} // namespace

std::optional<::gc::cost::OpDesc> mlir::gc::describeOp(Operation *op) {
  std::optional<OpKind> kind = kindOf(op);
  if (!kind)
    return std::nullopt;
  ::gc::cost::OpDesc desc;
  desc.kind = *kind;
  desc.dataClass = computeClass(op);
  for (Type type : op->getOperandTypes()) {
    std::optional<::gc::cost::TensorDesc> tensor = describeTensor(type);
    if (!tensor)
      return std::nullopt;
    desc.operands.push_back(std::move(*tensor));
  }
  for (Type type : op->getResultTypes()) {
    std::optional<::gc::cost::TensorDesc> tensor = describeTensor(type);
    if (!tensor)
      return std::nullopt;
    desc.results.push_back(std::move(*tensor));
  }
  if (auto matmul = dyn_cast<MatmulOp>(op))
    desc.matmul = matmulDims(matmul);
  if (auto attention = dyn_cast<AttentionOp>(op))
    desc.attentionDropout = attention.getProbability().convertToDouble() > 0;
  if (auto grad = dyn_cast<AttentionGradOp>(op))
    desc.attentionDropout = grad.getProbability().convertToDouble() > 0;
  return desc;
}

::gc::cost::OpCost
mlir::gc::estimateOpCost(Operation *op,
                         const ::gc::cost::DeviceProfile &device) {
  std::optional<::gc::cost::OpDesc> desc = describeOp(op);
  if (!desc)
    return ::gc::cost::OpCost();
  return ::gc::cost::estimateCost(*desc, device);
}

namespace {
/// The iteration shape of a pointwise op with one ranked result.
std::optional<ArrayRef<int64_t>> pointwiseShape(Operation &op) {
  if (!isPointwise(&op) || op.getNumResults() != 1)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(op.getResult(0).getType());
  if (!type)
    return std::nullopt;
  return type.getShape();
}
} // namespace

FusionRuns::FusionRuns(Block &block) {
  int64_t run = -1;
  std::optional<ArrayRef<int64_t>> runShape;
  for (Operation &op : block) {
    std::optional<ArrayRef<int64_t>> shape = pointwiseShape(op);
    if (!shape) {
      runShape.reset();
      continue;
    }
    if (!runShape || *runShape != *shape) {
      ++run;
      runShape = shape;
    }
    runOf[&op] = run;
  }
}

int64_t FusionRuns::getRun(Operation *op) const {
  auto it = runOf.find(op);
  return it == runOf.end() ? -1 : it->second;
}

bool FusionRuns::opensRun(Operation *op) const {
  Operation *previous = op->getPrevNode();
  return getRun(op) >= 0 && (!previous || getRun(previous) != getRun(op));
}

::gc::cost::OpCost
mlir::gc::estimateFusedOpCost(Operation *op, const FusionRuns &runs,
                              const ::gc::cost::DeviceProfile &device) {
  std::optional<::gc::cost::OpDesc> desc = describeOp(op);
  if (!desc)
    return ::gc::cost::OpCost();
  const int64_t run = runs.getRun(op);
  if (run < 0)
    return ::gc::cost::estimateCost(*desc, device);
  ::gc::cost::OpWork work = ::gc::cost::countWork(*desc);
  for (Value operand : op->getOperands())
    if (Operation *producer = operand.getDefiningOp();
        producer && runs.getRun(producer) == run)
      work.bytesRead = std::max<int64_t>(
          0, work.bytesRead - getTensorByteSize(operand.getType()).value_or(0));
  Value result = op->getResult(0);
  bool stored = llvm::any_of(result.getUsers(), [&](Operation *user) {
    return runs.getRun(user) != run;
  });
  if (!stored)
    work.bytesWritten = 0;
  if (!runs.opensRun(op))
    work.kernels = 0;
  return ::gc::cost::rooflineCost(
      work, ::gc::cost::achievedFlopRate(*desc, device), device);
}
