//===- GcShapeInference.h - Result types of gc operations -------*- C++ -*-===//
//
// One function per op whose result type follows from its operands. The same
// function serves the op's builder (which needs the type) and its verifier
// (which needs the reason when there is none): given a diagnostic emitter it
// reports the first rule the operands break; without one it stays silent. A
// null type means the operands are inconsistent.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCSHAPEINFERENCE_H
#define GC_DIALECT_GCSHAPEINFERENCE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeRange.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>
#include <string>

namespace mlir::gc {

/// Produces the diagnostic an inference failure is reported through, usually
/// `[&] { return op->emitOpError(); }`. A null emitter keeps inference silent.
using DiagnosticEmitter = llvm::function_ref<InFlightDiagnostic()>;

/// Formats a shape as `[64, 512, 1024]` for diagnostics.
std::string formatShape(ArrayRef<int64_t> shape);

/// The element type normalization statistics are kept in: f32 for f16, bf16
/// and f32 inputs, f64 for f64 inputs.
Type getAccumulationType(Type elementType);

RankedTensorType inferMatmulType(RankedTensorType lhs, RankedTensorType rhs,
                                 bool transposeLhs, bool transposeRhs,
                                 DiagnosticEmitter emitError = nullptr);

RankedTensorType inferReduceType(RankedTensorType input, ArrayRef<int64_t> dims,
                                 bool keepDims,
                                 DiagnosticEmitter emitError = nullptr);

RankedTensorType inferTransposeType(RankedTensorType input,
                                    ArrayRef<int64_t> perm,
                                    DiagnosticEmitter emitError = nullptr);

RankedTensorType inferConcatType(TypeRange inputs, int64_t dim,
                                 DiagnosticEmitter emitError = nullptr);

RankedTensorType inferEmbeddingType(RankedTensorType table,
                                    RankedTensorType ids,
                                    DiagnosticEmitter emitError = nullptr);

RankedTensorType inferEmbeddingGradType(RankedTensorType grad,
                                        RankedTensorType ids,
                                        int64_t numEmbeddings,
                                        DiagnosticEmitter emitError = nullptr);

RankedTensorType inferCrossEntropyType(RankedTensorType logits,
                                       RankedTensorType labels,
                                       DiagnosticEmitter emitError = nullptr);

/// The three results of gc.layer_norm (y, mean, rstd) or of
/// gc.layer_norm_grad (input, gamma and beta gradients).
struct LayerNormTypes {
  RankedTensorType first, second, third;
};

std::optional<LayerNormTypes>
inferLayerNormTypes(RankedTensorType input, RankedTensorType gamma,
                    RankedTensorType beta,
                    DiagnosticEmitter emitError = nullptr);

std::optional<LayerNormTypes>
inferLayerNormGradTypes(RankedTensorType grad, RankedTensorType input,
                        RankedTensorType mean, RankedTensorType rstd,
                        RankedTensorType gamma,
                        DiagnosticEmitter emitError = nullptr);

} // namespace mlir::gc

#endif // GC_DIALECT_GCSHAPEINFERENCE_H
