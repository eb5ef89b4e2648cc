//===- EmitRuntimeCalls.cpp - Runtime kernels and library calls -----------===//
//
// Every op that is not part of a fused pointwise kernel becomes one call of
// the runtime's kernel library: gc::rt::cpu (runtime/include/gc_rt/cpu/
// Kernels.h, OpenBLAS for matmul) or gc::rt::cuda (gc_rt/cuda/Kernels.h,
// cuBLAS for matmul), whose functions take the same arguments in the same
// order. The CUDA ones add the stream last (matmul: the cuBLAS handle and
// the stream first, the TF32 switch last) and, for kernels that validate
// data, the device error word before the stream.
//
//===----------------------------------------------------------------------===//

#include "StepEmitter.h"

#include "gc/Dialect/GcAttention.h"
#include "gc/Dialect/GcOps.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::target;

namespace {
ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

int64_t elementsOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getNumElements();
}

int64_t elementBytesOf(Value value) {
  return (cast<RankedTensorType>(value.getType()).getElementTypeBitWidth() +
          7) /
         8;
}

/// Builds the argument list of one call.
class CallBuilder {
public:
  CallBuilder(StepEmitter &emitter, Operation *op) : emitter(emitter), op(op) {}

  /// Appends the pointer of `value`.
  CallBuilder &value(Value value) {
    FailureOr<std::string> pointer = emitter.getPointer(value);
    if (failed(pointer))
      failed_ = true;
    else
      args.push_back(*pointer);
    return *this;
  }
  CallBuilder &text(std::string text) {
    args.push_back(std::move(text));
    return *this;
  }
  /// Appends the pointer of `value`, or nullptr for an absent operand.
  CallBuilder &optional(Value value) {
    return value ? this->value(value) : text("nullptr");
  }
  CallBuilder &number(int64_t n) { return text(std::to_string(n)); }
  CallBuilder &real(double x) { return text(StepEmitter::formatDouble(x)); }
  CallBuilder &flag(bool b) { return text(b ? "true" : "false"); }
  CallBuilder &shape(ArrayRef<int64_t> dims) {
    return text(emitter.getShape(dims));
  }
  /// CUDA: the op's planned workspace (gc.workspace_offset), or a null
  /// pointer, typed as the kernel accumulates `value`'s elements (float for
  /// 16-bit ones).
  CallBuilder &workspace(Value value) {
    if (!emitter.isCuda())
      return *this;
    Type element = cast<RankedTensorType>(value.getType()).getElementType();
    FailureOr<std::string> type =
        element.isBF16() || element.isF16()
            ? FailureOr<std::string>(std::string("float"))
            : emitter.getElementTypeName(value);
    if (failed(type)) {
      failed_ = true;
      return *this;
    }
    auto offset =
        op->getAttrOfType<IntegerAttr>(GcDialect::getWorkspaceOffsetAttrName());
    args.push_back(offset ? "reinterpret_cast<" + *type + " *>(arena + " +
                                std::to_string(offset.getInt()) + ")"
                          : "static_cast<" + *type + " *>(nullptr)");
    return *this;
  }
  /// The op's device error word (CUDA kernels that validate data).
  CallBuilder &deviceError() {
    if (emitter.isCuda())
      args.push_back(emitter.getDeviceErrorWord(op));
    return *this;
  }

  /// The ::gc::rt::AttentionProblem of gc.attention(_grad), inline.
  template <typename AttentionLikeOp>
  CallBuilder &attentionProblem(AttentionLikeOp attention) {
    AttentionSizes sizes = getAttentionSizes(attention);
    std::vector<std::string> fields;
    for (int64_t n : {sizes.batch, sizes.heads, sizes.queries, sizes.keys,
                      sizes.headDim, sizes.valueDim})
      fields.push_back(std::to_string(n));
    fields.push_back(
        "{" +
        llvm::join(llvm::map_range(sizes.maskDims,
                                   [](int64_t n) { return std::to_string(n); }),
                   ", ") +
        "}");
    fields.push_back(
        StepEmitter::formatDouble(attention.getScale().convertToDouble()));
    fields.push_back(StepEmitter::formatDouble(
        attention.getProbability().convertToDouble()));
    fields.push_back(std::to_string(attention.getStream()));
    return text("::gc::rt::AttentionProblem{" + llvm::join(fields, ", ") + "}");
  }

  bool hasFailed() const { return failed_; }
  /// `name(args)`, with the CUDA stream appended unless `streamFirst` put
  /// it at the front already (matmul).
  std::string call(StringRef name, bool streamFirst = false) {
    if (emitter.isCuda() && !streamFirst)
      args.push_back("stream");
    return name.str() + "(" + llvm::join(args, ", ") + ")";
  }

private:
  StepEmitter &emitter;
  Operation *op;
  std::vector<std::string> args;
  bool failed_ = false;
};

/// `name<T>` or `name<T, U>` with the element types of `values`.
FailureOr<std::string> instantiate(StepEmitter &emitter, StringRef name,
                                   ArrayRef<Value> values) {
  std::string text = name.str() + "<";
  for (auto [i, value] : llvm::enumerate(values)) {
    FailureOr<std::string> type = emitter.getElementTypeName(value);
    if (failed(type))
      return failure();
    text += (i ? ", " : "") + *type;
  }
  return text + ">";
}
} // namespace

/// Whether `op` has a 16-bit operand or result.
static bool has16BitTensor(Operation *op) {
  auto is16Bit = [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && (tensor.getElementType().isBF16() ||
                      tensor.getElementType().isF16());
  };
  return llvm::any_of(op->getOperandTypes(), is16Bit) ||
         llvm::any_of(op->getResultTypes(), is16Bit);
}

LogicalResult StepEmitter::emitRuntimeCall(Operation *op) {
  // Every CUDA kernel but the embedding's takes 16-bit tensors
  // (gc_rt/cuda/Kernels.h).
  if (isCuda() && isa<EmbeddingOp, EmbeddingGradOp>(op) && has16BitTensor(op))
    return op->emitOpError()
           << "has no bf16/f16 CUDA kernel: on the cuda target, 16-bit "
              "tensors are supported by every op but gc.embedding and "
              "gc.embedding_grad; compute this op in f32 or use the cpu "
              "target";
  CallBuilder args(*this, op);
  // Fills `args` for `op` and returns the templated kernel name and whether
  // the CPU kernel returns a Status.
  std::string name;
  bool returnsStatus = false;
  auto setName = [&](StringRef kernel, ArrayRef<Value> types) {
    FailureOr<std::string> text = instantiate(*this, kernel, types);
    if (failed(text))
      return false;
    name = *text;
    return true;
  };

  bool ok = true;
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    ok = setName("matmul", {matmul.getLhs()});
    if (isCuda())
      args.text("blas").text("stream");
    args.value(matmul.getLhs())
        .value(matmul.getRhs())
        .value(matmul.getResult())
        .shape(shapeOf(matmul.getLhs()))
        .shape(shapeOf(matmul.getRhs()))
        .flag(matmul.getTransposeLhs())
        .flag(matmul.getTransposeRhs());
    if (isCuda())
      args.flag(options.allowTf32);
  } else if (isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp>(op)) {
    Value input = op->getOperand(0);
    StringRef kind = isa<ReduceSumOp>(op)    ? "cpu::ReduceOp::Sum"
                     : isa<ReduceMeanOp>(op) ? "cpu::ReduceOp::Mean"
                                             : "cpu::ReduceOp::Max";
    auto dims = op->getAttrOfType<DenseI64ArrayAttr>("dims");
    if (!dims)
      return op->emitOpError() << "has no 'dims' to reduce over";
    ok = setName("reduce", {input});
    args.text(kind.str())
        .value(input)
        .value(op->getResult(0))
        .shape(shapeOf(input))
        .shape(dims.asArrayRef())
        .workspace(input);
  } else if (auto norm = dyn_cast<LayerNormOp>(op)) {
    int64_t cols = shapeOf(norm.getInput()).back();
    ok = setName("layerNorm", {norm.getInput()});
    args.value(norm.getInput())
        .value(norm.getGamma())
        .value(norm.getBeta())
        .value(norm.getResult())
        .value(norm.getMean())
        .value(norm.getRstd())
        .number(elementsOf(norm.getInput()) / cols)
        .number(cols)
        .real(norm.getEpsilon().convertToDouble());
  } else if (auto grad = dyn_cast<LayerNormGradOp>(op)) {
    int64_t cols = shapeOf(grad.getInput()).back();
    ok = setName("layerNormGrad", {grad.getInput()});
    args.value(grad.getGrad())
        .value(grad.getInput())
        .value(grad.getMean())
        .value(grad.getRstd())
        .value(grad.getGamma())
        .value(grad.getInputGrad())
        .value(grad.getGammaGrad())
        .value(grad.getBetaGrad())
        .number(elementsOf(grad.getInput()) / cols)
        .number(cols)
        .workspace(grad.getInput());
  } else if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    ok = setName("softmax", {softmax.getInput()});
    args.value(softmax.getInput())
        .value(softmax.getResult())
        .shape(shapeOf(softmax.getInput()))
        .number(softmax.getDim());
  } else if (auto grad = dyn_cast<SoftmaxGradOp>(op)) {
    ok = setName("softmaxGrad", {grad.getGrad()});
    args.value(grad.getGrad())
        .value(grad.getOutput())
        .value(grad.getResult())
        .shape(shapeOf(grad.getGrad()))
        .number(grad.getDim());
  } else if (auto attention = dyn_cast<AttentionOp>(op)) {
    ok = setName("attention", {attention.getQuery()});
    args.value(attention.getQuery())
        .value(attention.getKey())
        .value(attention.getValue())
        .optional(attention.getMask())
        .optional(attention.getSeed())
        .value(attention.getResult())
        .value(attention.getLse())
        .attentionProblem(attention);
  } else if (auto grad = dyn_cast<AttentionGradOp>(op)) {
    ok = setName("attentionGrad", {grad.getQuery()});
    args.value(grad.getGrad())
        .value(grad.getQuery())
        .value(grad.getKey())
        .value(grad.getValue())
        .value(grad.getOutput())
        .value(grad.getLse())
        .optional(grad.getMask())
        .optional(grad.getSeed())
        .value(grad.getQueryGrad())
        .value(grad.getKeyGrad())
        .value(grad.getValueGrad())
        .attentionProblem(grad)
        .workspace(grad.getLse());
  } else if (auto embedding = dyn_cast<EmbeddingOp>(op)) {
    ArrayRef<int64_t> table = shapeOf(embedding.getTable());
    ok = setName("embedding", {embedding.getTable(), embedding.getIds()});
    returnsStatus = true;
    args.value(embedding.getTable())
        .value(embedding.getIds())
        .value(embedding.getResult())
        .number(table[0])
        .number(table[1])
        .number(elementsOf(embedding.getIds()))
        .deviceError();
  } else if (auto grad = dyn_cast<EmbeddingGradOp>(op)) {
    ArrayRef<int64_t> table = shapeOf(grad.getResult());
    ok = setName("embeddingGrad", {grad.getGrad(), grad.getIds()});
    returnsStatus = true;
    args.value(grad.getGrad())
        .value(grad.getIds())
        .value(grad.getResult())
        .number(table[0])
        .number(table[1])
        .number(elementsOf(grad.getIds()))
        .number(grad.getPaddingIdx().value_or(-1))
        .workspace(grad.getGrad())
        .deviceError();
  } else if (auto loss = dyn_cast<CrossEntropyOp>(op)) {
    ArrayRef<int64_t> logits = shapeOf(loss.getLogits());
    ok = setName("crossEntropy", {loss.getLogits(), loss.getLabels()});
    returnsStatus = true;
    args.value(loss.getLogits())
        .value(loss.getLabels())
        .value(loss.getResult())
        .number(logits[0])
        .number(logits[1])
        .number(loss.getIgnoreIndex())
        .workspace(loss.getLogits())
        .deviceError();
  } else if (auto grad = dyn_cast<CrossEntropyGradOp>(op)) {
    ArrayRef<int64_t> logits = shapeOf(grad.getLogits());
    ok = setName("crossEntropyGrad", {grad.getLogits(), grad.getLabels()});
    returnsStatus = true;
    args.value(grad.getGrad())
        .value(grad.getLogits())
        .value(grad.getLabels())
        .value(grad.getResult())
        .number(logits[0])
        .number(logits[1])
        .number(grad.getIgnoreIndex())
        .workspace(grad.getLogits())
        .deviceError();
  } else if (auto sgd = dyn_cast<SgdUpdateOp>(op)) {
    ok = setName("sgdUpdate", {sgd.getParam()});
    args.value(sgd.getParam())
        .value(sgd.getGrad())
        .optional(sgd.getSkip())
        .value(sgd.getResult())
        .number(elementsOf(sgd.getParam()))
        .real(sgd.getLr().convertToDouble())
        .real(sgd.getWeightDecay().convertToDouble());
  } else if (auto adamw = dyn_cast<AdamWUpdateOp>(op)) {
    ok = setName("adamwUpdate", {adamw.getParam()});
    returnsStatus = true;
    args.value(adamw.getParam())
        .value(adamw.getGrad())
        .value(adamw.getM())
        .value(adamw.getV())
        .value(adamw.getStep())
        .optional(adamw.getSkip())
        .value(adamw.getNewParam())
        .value(adamw.getNewM())
        .value(adamw.getNewV())
        .number(elementsOf(adamw.getParam()))
        .real(adamw.getLr().convertToDouble())
        .real(adamw.getBeta1().convertToDouble())
        .real(adamw.getBeta2().convertToDouble())
        .real(adamw.getEpsilon().convertToDouble())
        .real(adamw.getWeightDecay().convertToDouble())
        .deviceError();
  } else if (auto check = dyn_cast<AnyNonFiniteOp>(op)) {
    ok = setName("anyNonFinite", {check.getInput()});
    args.value(check.getInput())
        .value(check.getResult())
        .number(elementsOf(check.getInput()));
  } else if (auto update = dyn_cast<UpdateLossScaleOp>(op)) {
    name = "updateLossScale";
    args.value(update.getScale())
        .value(update.getGrowthTracker())
        .value(update.getStep())
        .value(update.getFound())
        .value(update.getNewScale())
        .value(update.getNewGrowthTracker())
        .value(update.getNewStep())
        .real(update.getGrowthFactor().convertToDouble())
        .real(update.getBackoffFactor().convertToDouble())
        .number(update.getGrowthInterval());
  } else if (auto transpose = dyn_cast<TransposeOp>(op)) {
    name = "transpose";
    args.value(transpose.getInput())
        .value(transpose.getResult())
        .shape(shapeOf(transpose.getInput()))
        .shape(transpose.getPerm())
        .number(elementBytesOf(transpose.getInput()));
  } else if (auto slice = dyn_cast<SliceOp>(op)) {
    name = "slice";
    args.value(slice.getInput())
        .value(slice.getResult())
        .shape(shapeOf(slice.getInput()))
        .shape(shapeOf(slice.getResult()))
        .shape(slice.getOffsets())
        .number(elementBytesOf(slice.getInput()));
  } else if (auto concat = dyn_cast<ConcatOp>(op)) {
    // The input pointers and extents go into arrays local to the call.
    std::vector<std::string> pointers;
    std::vector<int64_t> sizes;
    int64_t dim = concat.getDim();
    for (Value input : concat.getInputs()) {
      FailureOr<std::string> pointer = getPointer(input);
      if (failed(pointer))
        return failure();
      pointers.push_back("static_cast<const void *>(" + *pointer + ")");
      sizes.push_back(shapeOf(input)[dim]);
    }
    getBody() << "  {\n    const void *const inputs[] = {"
              << llvm::join(pointers, ", ") << "};\n";
    name = "concat";
    args.text("inputs")
        .value(concat.getResult())
        .number(static_cast<int64_t>(pointers.size()))
        .text(getInt64Table(sizes))
        .shape(shapeOf(concat.getResult()))
        .number(dim)
        .number(elementBytesOf(concat.getResult()));
    if (args.hasFailed())
      return failure();
    emitCall(op, args.call(name), false);
    getBody() << "  }\n";
    return success();
  } else if (auto reduce = dyn_cast<AllReduceOp>(op)) {
    return emitAllReduce(reduce);
  } else if (auto constant = dyn_cast<ConstantOp>(op)) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    FailureOr<std::string> type = getElementTypeName(constant.getResult());
    FailureOr<std::string> pointer = getPointer(constant.getResult());
    if (!dense || failed(type) || failed(pointer))
      return dense ? failure()
                   : op->emitOpError() << "the emitters need a dense constant";
    std::string table = "kConstant" + std::to_string(nextConstantId());
    getTables() << "const " << *type << " " << table << "[] = {";
    bool first = true;
    for (Attribute element : dense.getValues<Attribute>()) {
      getTables() << (first ? "" : ", ") << formatLiteral(element, *type);
      first = false;
    }
    getTables() << "};\n";
    int64_t bytes =
        elementsOf(constant.getResult()) * elementBytesOf(constant.getResult());
    getBody() << "  // gc.constant\n";
    if (isCuda())
      getBody() << "  GC_STEP_CUDA_CHECK(" << describe(op)
                << ",\n                     cudaMemcpyAsync(" << *pointer
                << ", " << table << ", " << bytes
                << ", cudaMemcpyHostToDevice, stream));\n";
    else
      getBody() << "  std::memcpy(" << *pointer << ", " << table << ", "
                << bytes << ");\n";
    return success();
  } else {
    return op->emitOpError()
           << "has no " << getStepTargetName(options.target) << " kernel";
  }
  if (!ok || args.hasFailed())
    return failure();
  emitCall(op, args.call(name, /*streamFirst=*/isa<MatmulOp>(op)),
           returnsStatus);
  return success();
}

LogicalResult StepEmitter::emitAllReduce(AllReduceOp op) {
  // The tensors' pointers go into arrays that live until the wait; the
  // bucket buffer is the op's planned workspace.
  auto offset =
      op->getAttrOfType<IntegerAttr>(GcDialect::getWorkspaceOffsetAttrName());
  if (!offset)
    return op.emitOpError() << "has no planned bucket buffer ('"
                            << GcDialect::getWorkspaceOffsetAttrName()
                            << "'); run gc-plan-memory first";
  FailureOr<std::string> type = getElementTypeName(op.getInputs().front());
  if (failed(type))
    return failure();
  std::vector<std::string> inputs, results;
  std::vector<int64_t> sizes;
  for (auto [input, result] :
       llvm::zip_equal(op.getInputs(), op.getResults())) {
    FailureOr<std::string> in = getPointer(input);
    FailureOr<std::string> out = getPointer(result);
    if (failed(in) || failed(out))
      return failure();
    inputs.push_back(*in);
    results.push_back(*out);
    sizes.push_back(elementsOf(input));
  }
  StartedReduce started{op, *type, "arena + " + std::to_string(offset.getInt()),
                        getInt64Table(sizes)};
  const std::string id = std::to_string(startedReduces.size());
  getBody() << "  const " << *type << " *const reduceInputs" << id << "[] = {"
            << llvm::join(inputs, ", ") << "};\n  " << *type
            << " *const reduceResults" << id << "[] = {"
            << llvm::join(results, ", ") << "};\n  int64_t reduceTicket" << id
            << " = -1;\n";
  CallBuilder args(*this, op);
  args.text("call->collectives")
      .text("static_cast<void *>(" + started.bucket + ")")
      .text("reduceInputs" + id)
      .text(started.counts)
      .number(op.getNumOperands())
      .text("&reduceTicket" + id);
  emitCall(op, args.call("allReduceStart<" + *type + ">"),
           /*returnsStatus=*/true);
  for (Value result : op.getResults())
    reduceOfResult[result] = startedReduces.size();
  startedReduces.push_back(std::move(started));
  return success();
}

LogicalResult StepEmitter::emitWait(size_t index) {
  StartedReduce &started = startedReduces[index];
  if (started.waited)
    return success();
  started.waited = true;
  const std::string id = std::to_string(index);
  CallBuilder args(*this, started.op);
  args.text("call->collectives")
      .text("static_cast<const void *>(" + started.bucket + ")")
      .text("reduceResults" + id)
      .text(started.counts)
      .number(started.op.getNumOperands())
      .flag(started.op.getReduction() == CollectiveReduction::mean)
      .text("reduceTicket" + id);
  getBody() << "  // wait for the all-reduce started above\n";
  emitCall(started.op, args.call("allReduceWait<" + started.type + ">"),
           /*returnsStatus=*/true);
  return success();
}

LogicalResult StepEmitter::emitWaitsFor(ArrayRef<Operation *> ops) {
  for (Operation *op : ops)
    for (Value operand : op->getOperands()) {
      auto it = reduceOfResult.find(operand);
      if (it == reduceOfResult.end())
        continue;
      const size_t index = it->second;
      // A view of a result is read when the view is.
      if (isa<ReshapeOp>(op))
        reduceOfResult[op->getResult(0)] = index;
      else if (failed(emitWait(index)))
        return failure();
    }
  return success();
}

LogicalResult StepEmitter::emitPendingWaits() {
  for (size_t index = 0; index < startedReduces.size(); ++index)
    if (failed(emitWait(index)))
      return failure();
  return success();
}
