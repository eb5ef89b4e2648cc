//===- Autocast.cpp - Mixed precision as torch.autocast casts -------------===//
//
// Rewrites an f32 forward function so that its matmuls and attention compute
// in bf16 or f16, its normalization, softmax, loss and reductions in f32,
// and every other op in the widest type of its operands. The rules and
// their source (torch.autocast's op lists and PyTorch's type promotion) are
// in Passes.td; docs/numerics.md says what a 16-bit op computes.
//
// The pass walks the ops in program order, so each op sees its operands'
// final types: it decides the op's compute type from its policy and its
// operands, casts the operands that differ (one gc.cast per value and
// type, shared by every use: the working copy of a parameter is made once),
// and retypes the op's float results.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"
#include "gc/Transforms/Passes.h"
#include "gc/Transforms/StepArguments.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#define DEBUG_TYPE "gc-autocast"

namespace mlir::gc {
#define GEN_PASS_DEF_AUTOCAST
#include "gc/Transforms/Passes.h.inc"
} // namespace mlir::gc

using namespace mlir;
using namespace mlir::gc;

namespace {

/// How an op chooses its compute type.
enum class Policy {
  Low,     ///< the 16-bit type (matmul, attention)
  F32,     ///< f32 (normalization, softmax, loss, reductions)
  Promote, ///< the widest of its float operands
};

Policy policyOf(Operation *op) {
  if (isa<MatmulOp, AttentionOp>(op))
    return Policy::Low;
  if (isa<LayerNormOp, SoftmaxOp, CrossEntropyOp, ReduceSumOp, ReduceMeanOp,
          ExpOp, LogOp, RsqrtOp>(op))
    return Policy::F32;
  return Policy::Promote;
}

bool isFloatTensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isa<FloatType>(type.getElementType());
}

Type elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

RankedTensorType withElementType(Value value, Type element) {
  return cast<RankedTensorType>(value.getType()).clone(element);
}

class Autocaster {
public:
  Autocaster(func::FuncOp function, Type low)
      : function(function), low(low),
        f32(Float32Type::get(function.getContext())) {}

  LogicalResult run() {
    if (failed(checkInput()))
      return failure();
    markParameterOnlyValues();
    Block &body = function.getBody().front();
    for (Operation &op : llvm::make_early_inc_range(body.without_terminator()))
      if (!isa<CastOp, ConstantOp>(op))
        castOp(&op);
    restoreResultTypes(body.getTerminator());
    return success();
  }

private:
  /// The input is an undifferentiated f32 forward function.
  LogicalResult checkInput() {
    WalkResult result = function.walk([&](Operation *op) {
      if (isa<GeluGradOp, ReluGradOp, LayerNormGradOp, SoftmaxGradOp,
              AttentionGradOp, DropoutGradOp, EmbeddingGradOp,
              CrossEntropyGradOp, SgdUpdateOp, AdamWUpdateOp>(op)) {
        op->emitError() << "gc-autocast expects a forward function, but "
                           "found a differentiated or optimizer op";
        return WalkResult::interrupt();
      }
      for (Value value : op->getResults())
        if (isFloatTensor(value) && !elementTypeOf(value).isF32() &&
            !isa<CastOp>(op)) {
          op->emitError() << "gc-autocast expects an f32 function, but found "
                          << value.getType();
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

  /// Values computed from parameters and constants only (what a bias is).
  void markParameterOnlyValues() {
    for (unsigned i = 0; i < function.getNumArguments(); ++i)
      if (getArgumentRole(function, i) == ArgumentRole::Parameter)
        parameterOnly.insert(function.getArgument(i));
    function.walk([&](Operation *op) {
      if (llvm::all_of(op->getOperands(),
                       [&](Value v) { return parameterOnly.contains(v); }))
        parameterOnly.insert(op->result_begin(), op->result_end());
    });
  }

  /// `value` as `element`: itself, or one shared gc.cast placed after its
  /// definition.
  Value castTo(Value value, Type element) {
    if (elementTypeOf(value) == element)
      return value;
    Value &cached = casts[{value, element}];
    if (cached)
      return cached;
    OpBuilder builder(function.getContext());
    if (Operation *def = value.getDefiningOp())
      builder.setInsertionPointAfter(def);
    else
      builder.setInsertionPointToStart(&function.getBody().front());
    cached = CastOp::create(builder, value.getLoc(),
                            withElementType(value, element), value);
    return cached;
  }

  /// torch's linear in 16 bits: when `op` is `matmul + broadcast(bias)`
  /// with the bias computed from parameters only, broadcasts the bias's
  /// 16-bit copy instead (the f32 broadcast goes if nothing else uses it)
  /// and returns true.
  bool castLinearBias(Operation *op) {
    if (!isa<AddOp>(op))
      return false;
    for (unsigned i : {0u, 1u}) {
      Value product = op->getOperand(i), bias = op->getOperand(1 - i);
      auto broadcast = bias.getDefiningOp<BroadcastOp>();
      if (!product.getDefiningOp<MatmulOp>() || elementTypeOf(product) != low ||
          !broadcast || !parameterOnly.contains(broadcast.getInput()))
        continue;
      OpBuilder builder(op);
      op->setOperand(
          1 - i, BroadcastOp::create(
                     builder, broadcast.getLoc(), withElementType(bias, low),
                     castTo(broadcast.getInput(), low), broadcast.getDims()));
      if (broadcast->use_empty()) {
        parameterOnly.erase(broadcast.getResult());
        broadcast->erase();
      }
      return true;
    }
    return false;
  }

  void castOp(Operation *op) {
    SmallVector<unsigned> floatOperands;
    for (OpOperand &operand : op->getOpOperands())
      if (isFloatTensor(operand.get()))
        floatOperands.push_back(operand.getOperandNumber());
    if (floatOperands.empty())
      return;

    Type compute;
    switch (policyOf(op)) {
    case Policy::Low:
      compute = low;
      break;
    case Policy::F32:
      compute = f32;
      break;
    case Policy::Promote:
      compute = low;
      if (castLinearBias(op))
        break;
      for (unsigned i : floatOperands)
        if (elementTypeOf(op->getOperand(i)) != low)
          compute = f32;
      break;
    }

    for (unsigned i : floatOperands)
      op->setOperand(i, castTo(op->getOperand(i), compute));
    for (Value result : op->getResults()) {
      if (!isFloatTensor(result) || !elementTypeOf(result).isF32())
        continue;
      // The attention's log-sum-exp is a statistic: it stays f32.
      if (isa<AttentionOp>(op) && result == op->getResult(1))
        continue;
      result.setType(withElementType(result, compute));
    }
  }

  /// Results keep the function's signature.
  void restoreResultTypes(Operation *terminator) {
    ArrayRef<Type> resultTypes = function.getResultTypes();
    for (OpOperand &operand : terminator->getOpOperands()) {
      Type expected = resultTypes[operand.getOperandNumber()];
      if (operand.get().getType() == expected)
        continue;
      operand.set(castTo(operand.get(),
                         cast<RankedTensorType>(expected).getElementType()));
    }
  }

  func::FuncOp function;
  Type low, f32;
  llvm::DenseSet<Value> parameterOnly;
  llvm::DenseMap<std::pair<Value, Type>, Value> casts;
};

struct AutocastPass : gc::impl::AutocastBase<AutocastPass> {
  using AutocastBase::AutocastBase;

  void runOnOperation() override {
    if (precision == PrecisionKind::Fp32)
      return;
    MLIRContext *context = &getContext();
    Type low = precision == PrecisionKind::Bf16Mixed
                   ? Type(BFloat16Type::get(context))
                   : Type(Float16Type::get(context));
    if (failed(Autocaster(getOperation(), low).run()))
      signalPassFailure();
  }
};

} // namespace
