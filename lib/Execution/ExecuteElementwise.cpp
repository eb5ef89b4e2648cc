//===- ExecuteElementwise.cpp - CPU execution of elementwise gc ops -------===//
//
// Executors of the arithmetic, activation, cast and optimizer-update ops,
// each a thin adapter from the op's operands and attributes to the runtime
// kernel of the same semantics.
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
/// Registers `Op` as a unary kernel op.
template <typename Op>
void addUnary(OpExecutorRegistry &registry, cpu::UnaryOp kind) {
  registry.add(
      Op::getOperationName(), [kind](Operation *op, ExecutionContext &ctx) {
        const HostTensor &input = ctx.get(op->getOperand(0));
        return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
          using T = std::remove_pointer_t<decltype(result)>;
          cpu::unary<T>(kind, input.data<T>(), result, input.getNumElements());
        });
      });
}

template <typename Op>
void addBinary(OpExecutorRegistry &registry, cpu::BinaryOp kind) {
  registry.add(
      Op::getOperationName(), [kind](Operation *op, ExecutionContext &ctx) {
        const HostTensor &lhs = ctx.get(op->getOperand(0));
        const HostTensor &rhs = ctx.get(op->getOperand(1));
        return computeFloatResult(op, ctx, lhs.kind, [&](auto *result) {
          using T = std::remove_pointer_t<decltype(result)>;
          cpu::binary<T>(kind, lhs.data<T>(), rhs.data<T>(), result,
                         lhs.getNumElements());
        });
      });
}

cpu::GeluApproximation toKernel(GeluApproximation approximation) {
  return approximation == GeluApproximation::tanh
             ? cpu::GeluApproximation::Tanh
             : cpu::GeluApproximation::None;
}

LogicalResult executeGelu(GeluOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::gelu<T>(input.data<T>(), result, input.getNumElements(),
                 toKernel(op.getApproximate()));
  });
}

LogicalResult executeGeluGrad(GeluGradOp op, ExecutionContext &ctx) {
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &input = ctx.get(op.getInput());
  return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::geluGrad<T>(grad.data<T>(), input.data<T>(), result,
                     input.getNumElements(), toKernel(op.getApproximate()));
  });
}

LogicalResult executeReluGrad(ReluGradOp op, ExecutionContext &ctx) {
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &input = ctx.get(op.getInput());
  return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::reluGrad<T>(grad.data<T>(), input.data<T>(), result,
                     input.getNumElements());
  });
}

LogicalResult executeScale(ScaleOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::scale<T>(input.data<T>(), result, input.getNumElements(),
                  op.getFactor().convertToDouble());
  });
}

/// Runs `body` with a tag of the C++ type of `kind`.
template <typename Body>
LogicalResult dispatchAny(ElementKind kind, Body &&body) {
  switch (kind) {
  case ElementKind::F32:
    return body(float());
  case ElementKind::F64:
    return body(double());
  case ElementKind::BF16:
    return body(::gc::rt::BFloat16());
  case ElementKind::F16:
    return body(::gc::rt::Half());
  case ElementKind::I32:
    return body(int32_t());
  case ElementKind::I64:
    return body(int64_t());
  }
  return failure();
}

LogicalResult executeCast(CastOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  FailureOr<HostTensor *> result = ctx.allocate(op.getResult());
  if (failed(result))
    return failure();
  HostTensor &out = **result;
  return dispatchAny(input.kind, [&](auto fromTag) {
    using From = decltype(fromTag);
    return dispatchAny(out.kind, [&](auto toTag) {
      using To = decltype(toTag);
      cpu::cast<From, To>(input.data<From>(), out.data<To>(),
                          input.getNumElements());
      return success();
    });
  });
}

LogicalResult executeSgd(SgdUpdateOp op, ExecutionContext &ctx) {
  const HostTensor &param = ctx.get(op.getParam());
  const HostTensor &grad = ctx.get(op.getGrad());
  return computeFloatResult(op, ctx, param.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::sgdUpdate<T>(
        param.data<T>(), grad.data<T>(),
        op.getSkip() ? ctx.get(op.getSkip()).data<float>() : nullptr, result,
        param.getNumElements(), op.getLr().convertToDouble(),
        op.getWeightDecay().convertToDouble());
  });
}

LogicalResult executeAdamW(AdamWUpdateOp op, ExecutionContext &ctx) {
  const HostTensor &param = ctx.get(op.getParam());
  const HostTensor &grad = ctx.get(op.getGrad());
  const HostTensor &m = ctx.get(op.getM());
  const HostTensor &v = ctx.get(op.getV());
  const HostTensor &step = ctx.get(op.getStep());
  FailureOr<HostTensor *> newParam = ctx.allocate(op.getNewParam());
  FailureOr<HostTensor *> newM = ctx.allocate(op.getNewM());
  FailureOr<HostTensor *> newV = ctx.allocate(op.getNewV());
  if (failed(newParam) || failed(newM) || failed(newV))
    return failure();
  return dispatchFloat(op, param.kind, [&](auto tag) -> LogicalResult {
    using T = decltype(tag);
    ::gc::rt::Status status = cpu::adamwUpdate<T>(
        param.data<T>(), grad.data<T>(), m.data<T>(), v.data<T>(),
        step.data<int64_t>(),
        op.getSkip() ? ctx.get(op.getSkip()).data<float>() : nullptr,
        (*newParam)->data<T>(), (*newM)->data<T>(), (*newV)->data<T>(),
        param.getNumElements(), op.getLr().convertToDouble(),
        op.getBeta1().convertToDouble(), op.getBeta2().convertToDouble(),
        op.getEpsilon().convertToDouble(),
        op.getWeightDecay().convertToDouble());
    if (!status.isOk())
      return op.emitOpError() << status.message();
    return success();
  });
}

LogicalResult executeAnyNonFinite(AnyNonFiniteOp op, ExecutionContext &ctx) {
  const HostTensor &input = ctx.get(op.getInput());
  return computeFloatResult(op, ctx, input.kind, [&](auto *result) {
    using T = std::remove_pointer_t<decltype(result)>;
    cpu::anyNonFinite<T>(input.data<T>(), result, input.getNumElements());
  });
}

LogicalResult executeUpdateLossScale(UpdateLossScaleOp op,
                                     ExecutionContext &ctx) {
  const HostTensor &scale = ctx.get(op.getScale());
  const HostTensor &tracker = ctx.get(op.getGrowthTracker());
  const HostTensor &step = ctx.get(op.getStep());
  const HostTensor &found = ctx.get(op.getFound());
  FailureOr<HostTensor *> newScale = ctx.allocate(op.getNewScale());
  FailureOr<HostTensor *> newTracker = ctx.allocate(op.getNewGrowthTracker());
  FailureOr<HostTensor *> newStep = ctx.allocate(op.getNewStep());
  if (failed(newScale) || failed(newTracker) || failed(newStep))
    return failure();
  cpu::updateLossScale(
      scale.data<float>(), tracker.data<int64_t>(), step.data<int64_t>(),
      found.data<float>(), (*newScale)->data<float>(),
      (*newTracker)->data<int64_t>(), (*newStep)->data<int64_t>(),
      op.getGrowthFactor().convertToDouble(),
      op.getBackoffFactor().convertToDouble(), op.getGrowthInterval());
  return success();
}

/// gc.all_reduce in the interpreter, which runs one process: a group of one
/// rank, through the CPU kernel's pack and unpack.
LogicalResult executeAllReduce(AllReduceOp op, ExecutionContext &ctx) {
  SmallVector<const HostTensor *> inputs;
  SmallVector<HostTensor *> results;
  for (auto [input, result] :
       llvm::zip_equal(op.getInputs(), op.getResults())) {
    inputs.push_back(&ctx.get(input));
    FailureOr<HostTensor *> allocated = ctx.allocate(result);
    if (failed(allocated))
      return failure();
    results.push_back(*allocated);
  }
  return dispatchFloat(
      op, inputs.front()->kind, [&](auto tag) -> LogicalResult {
        using T = decltype(tag);
        std::vector<const T *> from;
        std::vector<T *> to;
        std::vector<int64_t> counts;
        int64_t total = 0;
        for (auto [input, result] : llvm::zip_equal(inputs, results)) {
          from.push_back(input->data<T>());
          to.push_back(result->data<T>());
          counts.push_back(input->getNumElements());
          total += counts.back();
        }
        std::vector<::gc::rt::AccumulationOf<T>> bucket(total);
        ::gc::rt::Status status = cpu::allReduce<T>(
            nullptr, bucket.data(), from.data(), to.data(), counts.data(),
            static_cast<int64_t>(counts.size()),
            op.getReduction() == CollectiveReduction::mean);
        if (!status.isOk())
          return op.emitOpError() << status.message();
        return success();
      });
}

} // namespace

void mlir::gc::exec::registerElementwiseExecutors(
    OpExecutorRegistry &registry) {
  addUnary<NegOp>(registry, cpu::UnaryOp::Neg);
  addUnary<ExpOp>(registry, cpu::UnaryOp::Exp);
  addUnary<LogOp>(registry, cpu::UnaryOp::Log);
  addUnary<TanhOp>(registry, cpu::UnaryOp::Tanh);
  addUnary<ErfOp>(registry, cpu::UnaryOp::Erf);
  addUnary<SqrtOp>(registry, cpu::UnaryOp::Sqrt);
  addUnary<RsqrtOp>(registry, cpu::UnaryOp::Rsqrt);
  addUnary<ReluOp>(registry, cpu::UnaryOp::Relu);
  addBinary<AddOp>(registry, cpu::BinaryOp::Add);
  addBinary<SubOp>(registry, cpu::BinaryOp::Sub);
  addBinary<MulOp>(registry, cpu::BinaryOp::Mul);
  addBinary<DivOp>(registry, cpu::BinaryOp::Div);
  addExecutor<GeluOp>(registry, executeGelu);
  addExecutor<GeluGradOp>(registry, executeGeluGrad);
  addExecutor<ReluGradOp>(registry, executeReluGrad);
  addExecutor<ScaleOp>(registry, executeScale);
  addExecutor<CastOp>(registry, executeCast);
  addExecutor<SgdUpdateOp>(registry, executeSgd);
  addExecutor<AdamWUpdateOp>(registry, executeAdamW);
  addExecutor<AnyNonFiniteOp>(registry, executeAnyNonFinite);
  addExecutor<UpdateLossScaleOp>(registry, executeUpdateLossScale);
  addExecutor<AllReduceOp>(registry, executeAllReduce);
}
