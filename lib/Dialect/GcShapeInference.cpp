//===- GcShapeInference.cpp - Result types of gc operations ---------------===//
//
// Shape and element-type rules of the ops whose result follows from their
// operands. See GcShapeInference.h for how builders and verifiers share them.
//
//===----------------------------------------------------------------------===//

#include "gc/Dialect/GcShapeInference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::gc;

namespace {
/// Reports `args` through `emitError` when it is set. Always returns a null
/// type so that a rule check reads `return fail(emitError, ...)`.
template <typename... Args>
RankedTensorType fail(DiagnosticEmitter emitError, const Args &...args) {
  if (emitError) {
    InFlightDiagnostic diag = emitError();
    (diag << ... << args);
  }
  return {};
}

/// Checks that `actual` has the element type `expected`; `what` names it.
bool checkElementType(RankedTensorType actual, Type expected, StringRef what,
                      StringRef reference, DiagnosticEmitter emitError) {
  if (actual.getElementType() == expected)
    return true;
  fail(emitError, "expected ", what, " to have the element type of ", reference,
       " (", expected, "), but found ", actual.getElementType());
  return false;
}
} // namespace

std::string mlir::gc::formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << ']';
  return text;
}

Type mlir::gc::getAccumulationType(Type elementType) {
  if (elementType.isF64())
    return elementType;
  return Float32Type::get(elementType.getContext());
}

RankedTensorType mlir::gc::inferMatmulType(RankedTensorType lhs,
                                           RankedTensorType rhs,
                                           bool transposeLhs, bool transposeRhs,
                                           DiagnosticEmitter emitError) {
  int64_t lhsRank = lhs.getRank(), rhsRank = rhs.getRank();
  if (lhsRank < 2)
    return fail(emitError, "expected lhs of rank >= 2, but found rank ",
                lhsRank, " (", lhs, ")");
  if (rhsRank < 2)
    return fail(emitError, "expected rhs of rank >= 2, but found rank ",
                rhsRank, " (", rhs, ")");
  if (rhsRank != 2 && rhsRank != lhsRank)
    return fail(emitError,
                "expected rhs of rank 2 (shared by every batch) "
                "or of the rank of lhs (",
                lhsRank, "), but found rank ", rhsRank);
  if (!checkElementType(rhs, lhs.getElementType(), "rhs", "lhs", emitError))
    return {};

  ArrayRef<int64_t> lhsShape = lhs.getShape(), rhsShape = rhs.getShape();
  if (rhsRank == lhsRank) {
    for (int64_t i = 0; i < lhsRank - 2; ++i)
      if (lhsShape[i] != rhsShape[i])
        return fail(emitError, "expected equal batch dimensions, but lhs has ",
                    formatShape(lhsShape.drop_back(2)), " and rhs has ",
                    formatShape(rhsShape.drop_back(2)));
  }

  int64_t m = lhsShape[lhsRank - (transposeLhs ? 1 : 2)];
  int64_t lhsK = lhsShape[lhsRank - (transposeLhs ? 2 : 1)];
  int64_t rhsK = rhsShape[rhsRank - (transposeRhs ? 1 : 2)];
  int64_t n = rhsShape[rhsRank - (transposeRhs ? 2 : 1)];
  if (lhsK != rhsK)
    return fail(emitError,
                "expected the contracted dimensions to agree, but "
                "lhs contracts ",
                lhsK, " (dimension ", lhsRank - (transposeLhs ? 2 : 1),
                transposeLhs ? ", transposed" : "", ") and rhs contracts ",
                rhsK, " (dimension ", rhsRank - (transposeRhs ? 1 : 2),
                transposeRhs ? ", transposed" : "", ")");

  SmallVector<int64_t> shape(lhsShape.drop_back(2));
  shape.push_back(m);
  shape.push_back(n);
  return RankedTensorType::get(shape, lhs.getElementType());
}

RankedTensorType mlir::gc::inferReduceType(RankedTensorType input,
                                           ArrayRef<int64_t> dims,
                                           bool keepDims,
                                           DiagnosticEmitter emitError) {
  int64_t rank = input.getRank();
  if (dims.empty())
    return fail(emitError, "expected at least one dimension to reduce");
  for (auto [i, dim] : llvm::enumerate(dims)) {
    if (dim < 0 || dim >= rank)
      return fail(emitError, "expected reduced dimension ", dim,
                  " to be in [0, ", rank, ") for an input of rank ", rank);
    if (i > 0 && dim <= dims[i - 1])
      return fail(emitError, "expected strictly increasing dims, but found ",
                  formatShape(dims));
  }
  SmallVector<int64_t> shape;
  for (auto [i, size] : llvm::enumerate(input.getShape())) {
    if (!llvm::is_contained(dims, static_cast<int64_t>(i)))
      shape.push_back(size);
    else if (keepDims)
      shape.push_back(1);
  }
  return RankedTensorType::get(shape, input.getElementType());
}

RankedTensorType mlir::gc::inferTransposeType(RankedTensorType input,
                                              ArrayRef<int64_t> perm,
                                              DiagnosticEmitter emitError) {
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return fail(emitError,
                "expected perm to have one entry per input "
                "dimension (",
                rank, "), but found ", perm.size());
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return fail(emitError, "expected perm to be a permutation of [0, ", rank,
                  "), but found ", formatShape(perm));
    seen[p] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(input.getDimSize(p));
  return RankedTensorType::get(shape, input.getElementType());
}

RankedTensorType mlir::gc::inferConcatType(TypeRange inputs, int64_t dim,
                                           DiagnosticEmitter emitError) {
  if (inputs.empty())
    return fail(emitError, "expected at least one input");
  auto first = cast<RankedTensorType>(inputs.front());
  int64_t rank = first.getRank();
  if (dim < 0 || dim >= rank)
    return fail(emitError, "expected dim to be in [0, ", rank,
                ") for inputs of rank ", rank, ", but found ", dim);
  SmallVector<int64_t> shape(first.getShape());
  for (auto [i, type] : llvm::enumerate(inputs.drop_front())) {
    auto input = cast<RankedTensorType>(type);
    if (input.getRank() != rank)
      return fail(emitError, "expected input #", i + 1, " to have rank ", rank,
                  " like input #0, but found rank ", input.getRank());
    if (input.getElementType() != first.getElementType())
      return fail(emitError, "expected input #", i + 1,
                  " to have the element type of input #0 (",
                  first.getElementType(), "), but found ",
                  input.getElementType());
    for (int64_t d = 0; d < rank; ++d) {
      if (d == dim)
        continue;
      if (input.getDimSize(d) != first.getDimSize(d))
        return fail(emitError, "expected input #", i + 1,
                    " to match input #0 in every dimension but ", dim,
                    ", but dimension ", d, " is ", input.getDimSize(d),
                    " instead of ", first.getDimSize(d));
    }
    shape[dim] += input.getDimSize(dim);
  }
  return RankedTensorType::get(shape, first.getElementType());
}

RankedTensorType mlir::gc::inferEmbeddingType(RankedTensorType table,
                                              RankedTensorType ids,
                                              DiagnosticEmitter emitError) {
  if (table.getRank() != 2)
    return fail(emitError,
                "expected a table of rank 2 [rows, features], "
                "but found rank ",
                table.getRank());
  SmallVector<int64_t> shape(ids.getShape());
  shape.push_back(table.getDimSize(1));
  return RankedTensorType::get(shape, table.getElementType());
}

RankedTensorType mlir::gc::inferEmbeddingGradType(RankedTensorType grad,
                                                  RankedTensorType ids,
                                                  int64_t numEmbeddings,
                                                  DiagnosticEmitter emitError) {
  if (numEmbeddings <= 0)
    return fail(emitError,
                "expected a positive number of table rows, but "
                "found ",
                numEmbeddings);
  if (grad.getRank() != ids.getRank() + 1)
    return fail(emitError, "expected grad of rank ", ids.getRank() + 1,
                " (the ids' rank plus the feature dimension), but found rank ",
                grad.getRank());
  if (grad.getShape().drop_back() != ids.getShape())
    return fail(emitError, "expected grad's leading dimensions ",
                formatShape(grad.getShape().drop_back()),
                " to equal the ids' shape ", formatShape(ids.getShape()));
  return RankedTensorType::get({numEmbeddings, grad.getShape().back()},
                               grad.getElementType());
}

RankedTensorType mlir::gc::inferCrossEntropyType(RankedTensorType logits,
                                                 RankedTensorType labels,
                                                 DiagnosticEmitter emitError) {
  if (logits.getRank() != 2)
    return fail(emitError,
                "expected logits of rank 2 [rows, classes], but "
                "found rank ",
                logits.getRank());
  if (labels.getRank() != 1)
    return fail(emitError, "expected labels of rank 1 [rows], but found rank ",
                labels.getRank());
  if (labels.getDimSize(0) != logits.getDimSize(0))
    return fail(emitError, "expected one label per logits row (",
                logits.getDimSize(0), "), but found ", labels.getDimSize(0));
  return RankedTensorType::get({}, logits.getElementType());
}

std::optional<LayerNormTypes>
mlir::gc::inferLayerNormTypes(RankedTensorType input, RankedTensorType gamma,
                              RankedTensorType beta,
                              DiagnosticEmitter emitError) {
  if (input.getRank() < 1) {
    fail(emitError, "expected an input of rank >= 1, but found a scalar");
    return std::nullopt;
  }
  int64_t features = input.getShape().back();
  for (auto [name, param] : {std::pair{"gamma", gamma}, {"beta", beta}}) {
    if (param.getShape() != ArrayRef<int64_t>{features}) {
      fail(emitError, "expected ", name, " of shape [", features,
           "] (the input's last dimension), but found ",
           formatShape(param.getShape()));
      return std::nullopt;
    }
    if (!checkElementType(param, input.getElementType(), name, "the input",
                          emitError))
      return std::nullopt;
  }
  auto stats =
      RankedTensorType::get(input.getShape().drop_back(),
                            getAccumulationType(input.getElementType()));
  return LayerNormTypes{input, stats, stats};
}

std::optional<LayerNormTypes>
mlir::gc::inferLayerNormGradTypes(RankedTensorType grad, RankedTensorType input,
                                  RankedTensorType mean, RankedTensorType rstd,
                                  RankedTensorType gamma,
                                  DiagnosticEmitter emitError) {
  if (grad != input) {
    fail(emitError, "expected grad to have the input's type (", input,
         "), but found ", grad);
    return std::nullopt;
  }
  std::optional<LayerNormTypes> forward =
      inferLayerNormTypes(input, gamma, gamma, emitError);
  if (!forward)
    return std::nullopt;
  for (auto [name, stat] : {std::pair{"mean", mean}, {"rstd", rstd}}) {
    if (stat != forward->second) {
      fail(emitError, "expected ", name, " of type ", forward->second,
           " (the statistics gc.layer_norm returns for this input), but "
           "found ",
           stat);
      return std::nullopt;
    }
  }
  return LayerNormTypes{input, gamma, gamma};
}
