//===- GcOpFolders.cpp - Folders and canonicalizations of gc ops ----------===//
//
// Local simplifications the canonicalizer applies: identities (scale by 1,
// dropout with probability 0, casts/reshapes/broadcasts to the same type,
// identity transposes, full slices, single-input concats), compositions
// (reshape of reshape, transpose of transpose, scale of scale, neg of neg)
// and `mul` by a splat constant rewritten to `scale`.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/Sequence.h"

using namespace mlir;
using namespace mlir::gc;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult NegOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return {};
}

/// scale(x, 1) is x; scale(scale(x, a), b) becomes scale(x, a * b) in place.
OpFoldResult ScaleOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<ScaleOp>()) {
    double combined =
        inner.getFactor().convertToDouble() * getFactor().convertToDouble();
    getInputMutable().assign(inner.getInput());
    setFactorAttr(FloatAttr::get(getFactorAttr().getType(), combined));
    if (combined != 1.0)
      return getResult();
  }
  if (getFactor().convertToDouble() == 1.0)
    return getInput();
  return {};
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}

OpFoldResult BroadcastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}

/// A reshape to the same type is the input; a reshape of a reshape reads the
/// innermost input; a reshape of a constant is a constant.
OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    if (inner.getInput().getType() == getResult().getType())
      return inner.getInput();
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(cast<ShapedType>(getResult().getType()));
  return {};
}

/// An identity permutation is the input; transpose(transpose(x, p), q) is
/// transpose(x, r) with r[i] = p[q[i]].
OpFoldResult TransposeOp::fold(FoldAdaptor) {
  bool composed = false;
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> perm;
    for (int64_t p : getPerm())
      perm.push_back(inner.getPerm()[p]);
    getInputMutable().assign(inner.getInput());
    setPerm(perm);
    composed = true;
  }
  if (llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())))
    return getInput();
  return composed ? OpFoldResult(getResult()) : OpFoldResult();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  return {};
}

OpFoldResult DropoutOp::fold(FoldAdaptor) {
  if (getProbability().isZero())
    return getInput();
  return {};
}

OpFoldResult DropoutGradOp::fold(FoldAdaptor) {
  if (getProbability().isZero())
    return getGrad();
  return {};
}

namespace {
/// mul(x, splat(c)) -> scale(x, c): one read instead of two, and the
/// constant tensor disappears. Multiplication by a constant converted to f64
/// and back is exact, so the result is bitwise unchanged.
struct MulBySplatToScale : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [constantSide, other] :
         {std::pair{op.getRhs(), op.getLhs()}, {op.getLhs(), op.getRhs()}}) {
      SplatElementsAttr splat;
      if (!matchPattern(constantSide, m_Constant(&splat)))
        continue;
      auto factor = dyn_cast<FloatAttr>(splat.getSplatValue<Attribute>());
      if (!factor)
        continue;
      rewriter.replaceOpWithNewOp<ScaleOp>(op, other,
                                           factor.getValueAsDouble());
      return success();
    }
    return failure();
  }
};
} // namespace

void MulOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<MulBySplatToScale>(context);
}
