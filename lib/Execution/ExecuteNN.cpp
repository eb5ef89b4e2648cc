//===- ExecuteNN.cpp - CPU execution of neural-network gc ops -------------===//
//
// Executors of matmul, reductions, layer_norm, softmax, dropout, embedding
// and cross-entropy and their gradients. Run-time errors of the kernels (an
// id or label out of range) become errors on the op.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcAttention.h"
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

LogicalResult check(Operation *op, const ::gc::rt::Status &status) {
  if (status.isOk())
    return success();
  return op->emitOpError() << status.message();
}

LogicalResult executeMatmul(MatmulOp op, ExecutionContext &ctx) {
  const HostTensor &lhs = ctx.get(op.getLhs());
  const HostTensor &rhs = ctx.get(op.getRhs());
  return computeFloatResult(op, ctx, lhs.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::matmul<T>(lhs.data<T>(), rhs.data<T>(), result, shapeOf(lhs),
                   shapeOf(rhs), op.getTransposeLhs(), op.getTransposeRhs());
  });
}

template <typename Op>
LogicalResult executeReduce(Op op, ExecutionContext &ctx, cpu::ReduceOp kind) {
  const HostTensor &input = ctx.get(op.getInput());
  ArrayRef<int64_t> dims = op.getDims();
  return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::reduce<T>(kind, input.data<T>(), result, shapeOf(input),
                   cpu::DimList(dims.data(), static_cast<int>(dims.size())));
  });
}

LogicalResult executeReduceSum(ReduceSumOp op, ExecutionContext &ctx) {
  return executeReduce(op, ctx, cpu::ReduceOp::Sum);
}
LogicalResult executeReduceMean(ReduceMeanOp op, ExecutionContext &ctx) {
  return executeReduce(op, ctx, cpu::ReduceOp::Mean);
}
LogicalResult executeReduceMax(ReduceMaxOp op, ExecutionContext &ctx) {
  return executeReduce(op, ctx, cpu::ReduceOp::Max);
}

LogicalResult executeLayerNorm(LayerNormOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  const HostTensor &gamma = ctx.get(op.getGamma());
  const HostTensor &beta = ctx.get(op.getBeta());
  FailureOr<HostTensor *> y = ctx.allocate(op.getResult());
  FailureOr<HostTensor *> mean = ctx.allocate(op.getMean());
  FailureOr<HostTensor *> rstd = ctx.allocate(op.getRstd());
  if (failed(y) || failed(mean) || failed(rstd))
    return failure();
  int64_t cols = input.shape.back();
  return dispatchFloat(op, input.kind, [&](auto tag) {
    using T = decltype(tag);
    cpu::layerNorm<T>(input.data<T>(), gamma.data<T>(), beta.data<T>(),
                      (*y)->data<T>(), (*mean)->data<cpu::AccumulationOf<T>>(),
                      (*rstd)->data<cpu::AccumulationOf<T>>(),
                      input.getNumElements() / cols, cols,
                      op.getEpsilon().convertToDouble());
    return success();
  });
}

LogicalResult executeLayerNormGrad(LayerNormGradOp op, ExecutionContext &ctx) {
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &input = ctx.get(op.getInput());
  const HostTensor &mean = ctx.get(op.getMean());
  const HostTensor &rstd = ctx.get(op.getRstd());
  const HostTensor &gamma = ctx.get(op.getGamma());
  FailureOr<HostTensor *> dx = ctx.allocate(op.getInputGrad());
  FailureOr<HostTensor *> dgamma = ctx.allocate(op.getGammaGrad());
  FailureOr<HostTensor *> dbeta = ctx.allocate(op.getBetaGrad());
  if (failed(dx) || failed(dgamma) || failed(dbeta))
    return failure();
  int64_t cols = input.shape.back();
  return dispatchFloat(op, input.kind, [&](auto tag) {
    using T = decltype(tag);
    cpu::layerNormGrad<T>(
        grad.data<T>(), input.data<T>(), mean.data<cpu::AccumulationOf<T>>(),
        rstd.data<cpu::AccumulationOf<T>>(), gamma.data<T>(), (*dx)->data<T>(),
        (*dgamma)->data<T>(), (*dbeta)->data<T>(),
        input.getNumElements() / cols, cols);
    return success();
  });
}

LogicalResult executeSoftmax(SoftmaxOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::softmax<T>(input.data<T>(), result, shapeOf(input), op.getDim());
  });
}

LogicalResult executeSoftmaxGrad(SoftmaxGradOp op, ExecutionContext &ctx) {
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &output = ctx.get(op.getOutput());
  return computeFloatResult(op, ctx, grad.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::softmaxGrad<T>(grad.data<T>(), output.data<T>(), result, shapeOf(grad),
                        op.getDim());
  });
}

/// The runtime's description of an attention op's problem.
template <typename AttentionLikeOp>
::gc::rt::AttentionProblem attentionProblem(AttentionLikeOp op) {
  AttentionSizes sizes = getAttentionSizes(op);
  return {sizes.batch,
          sizes.heads,
          sizes.queries,
          sizes.keys,
          sizes.headDim,
          sizes.valueDim,
          {sizes.maskDims[0], sizes.maskDims[1], sizes.maskDims[2],
           sizes.maskDims[3]},
          op.getScale().convertToDouble(),
          op.getProbability().convertToDouble(),
          static_cast<int64_t>(op.getStream())};
}

/// The data of an optional operand, or null.
template <typename T>
const T *optionalData(ExecutionContext &ctx, Value value) {
  return value ? ctx.get(value).template data<T>() : nullptr;
}

LogicalResult executeAttention(AttentionOp op, ExecutionContext &ctx) {
  const HostTensor &query = ctx.get(op.getQuery());
  const HostTensor &key = ctx.get(op.getKey());
  const HostTensor &value = ctx.get(op.getValue());
  FailureOr<HostTensor *> out = ctx.allocate(op.getResult());
  FailureOr<HostTensor *> lse = ctx.allocate(op.getLse());
  if (failed(out) || failed(lse))
    return failure();
  return dispatchFloat(op, query.kind, [&](auto tag) {
    using T = decltype(tag);
    cpu::attention<T>(query.data<T>(), key.data<T>(), value.data<T>(),
                      optionalData<T>(ctx, op.getMask()),
                      optionalData<int64_t>(ctx, op.getSeed()),
                      (*out)->data<T>(), (*lse)->data<cpu::AccumulationOf<T>>(),
                      attentionProblem(op));
    return success();
  });
}

LogicalResult executeAttentionGrad(AttentionGradOp op, ExecutionContext &ctx) {
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &query = ctx.get(op.getQuery());
  const HostTensor &key = ctx.get(op.getKey());
  const HostTensor &value = ctx.get(op.getValue());
  const HostTensor &output = ctx.get(op.getOutput());
  const HostTensor &lse = ctx.get(op.getLse());
  FailureOr<HostTensor *> dq = ctx.allocate(op.getQueryGrad());
  FailureOr<HostTensor *> dk = ctx.allocate(op.getKeyGrad());
  FailureOr<HostTensor *> dv = ctx.allocate(op.getValueGrad());
  if (failed(dq) || failed(dk) || failed(dv))
    return failure();
  return dispatchFloat(op, query.kind, [&](auto tag) {
    using T = decltype(tag);
    cpu::attentionGrad<T>(
        grad.data<T>(), query.data<T>(), key.data<T>(), value.data<T>(),
        output.data<T>(), lse.data<cpu::AccumulationOf<T>>(),
        optionalData<T>(ctx, op.getMask()),
        optionalData<int64_t>(ctx, op.getSeed()), (*dq)->data<T>(),
        (*dk)->data<T>(), (*dv)->data<T>(), attentionProblem(op));
    return success();
  });
}

LogicalResult executeDropout(DropoutOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  const HostTensor &seed = ctx.get(op.getSeed());
  return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::dropout<T>(input.data<T>(), seed.data<int64_t>(), result,
                    input.getNumElements(),
                    op.getProbability().convertToDouble(), op.getStream());
  });
}

LogicalResult executeDropoutGrad(DropoutGradOp op, ExecutionContext &ctx) {
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &seed = ctx.get(op.getSeed());
  return computeFloatResult(op, ctx, grad.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::dropoutGrad<T>(grad.data<T>(), seed.data<int64_t>(), result,
                        grad.getNumElements(),
                        op.getProbability().convertToDouble(), op.getStream());
  });
}

LogicalResult executeEmbedding(EmbeddingOp op, ExecutionContext &ctx) {
  const HostTensor &table = ctx.get(op.getTable());
  const HostTensor &ids = ctx.get(op.getIds());
  return computeFloatResult(op, ctx, table.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    return dispatchInteger(op, ids.kind, [&](auto idTag) {
      using Id = decltype(idTag);
      return check(op,
                   cpu::embedding<T, Id>(table.data<T>(), ids.data<Id>(),
                                         result, table.shape[0], table.shape[1],
                                         ids.getNumElements()));
    });
  });
}

LogicalResult executeEmbeddingGrad(EmbeddingGradOp op, ExecutionContext &ctx) {
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &ids = ctx.get(op.getIds());
  auto table = cast<RankedTensorType>(op.getResult().getType());
  return computeFloatResult(op, ctx, grad.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    return dispatchInteger(op, ids.kind, [&](auto idTag) {
      using Id = decltype(idTag);
      return check(op,
                   cpu::embeddingGrad<T, Id>(
                       grad.data<T>(), ids.data<Id>(), result,
                       table.getDimSize(0), table.getDimSize(1),
                       ids.getNumElements(), op.getPaddingIdx().value_or(-1)));
    });
  });
}

LogicalResult executeCrossEntropy(CrossEntropyOp op, ExecutionContext &ctx) {
  const HostTensor &logits = ctx.get(op.getLogits());
  const HostTensor &labels = ctx.get(op.getLabels());
  return computeFloatResult(op, ctx, logits.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    return dispatchInteger(op, labels.kind, [&](auto labelTag) {
      using Label = decltype(labelTag);
      return check(op,
                   cpu::crossEntropy<T, Label>(
                       logits.data<T>(), labels.data<Label>(), result,
                       logits.shape[0], logits.shape[1], op.getIgnoreIndex()));
    });
  });
}

LogicalResult executeCrossEntropyGrad(CrossEntropyGradOp op,
                                      ExecutionContext &ctx) {
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &logits = ctx.get(op.getLogits());
  const HostTensor &labels = ctx.get(op.getLabels());
  return computeFloatResult(op, ctx, logits.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    return dispatchInteger(op, labels.kind, [&](auto labelTag) {
      using Label = decltype(labelTag);
      return check(op, cpu::crossEntropyGrad<T, Label>(
                           grad.data<T>(), logits.data<T>(),
                           labels.data<Label>(), result, logits.shape[0],
                           logits.shape[1], op.getIgnoreIndex()));
    });
  });
}
} // namespace

void mlir::gc::exec::registerNNExecutors(OpExecutorRegistry &registry) {
  addExecutor<MatmulOp>(registry, executeMatmul);
  addExecutor<ReduceSumOp>(registry, executeReduceSum);
  addExecutor<ReduceMeanOp>(registry, executeReduceMean);
  addExecutor<ReduceMaxOp>(registry, executeReduceMax);
  addExecutor<LayerNormOp>(registry, executeLayerNorm);
  addExecutor<LayerNormGradOp>(registry, executeLayerNormGrad);
  addExecutor<SoftmaxOp>(registry, executeSoftmax);
  addExecutor<SoftmaxGradOp>(registry, executeSoftmaxGrad);
  addExecutor<AttentionOp>(registry, executeAttention);
  addExecutor<AttentionGradOp>(registry, executeAttentionGrad);
  addExecutor<DropoutOp>(registry, executeDropout);
  addExecutor<DropoutGradOp>(registry, executeDropoutGrad);
  addExecutor<EmbeddingOp>(registry, executeEmbedding);
  addExecutor<EmbeddingGradOp>(registry, executeEmbeddingGrad);
  addExecutor<CrossEntropyOp>(registry, executeCrossEntropy);
  addExecutor<CrossEntropyGradOp>(registry, executeCrossEntropyGrad);
}
