//===- GcTypes.td - Type constraints of the gc dialect ------*- tablegen -*-===//
//
// gc uses the builtin ranked tensor type; this file names the element types
// and tensor shapes each operand family accepts.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCTYPES_TD
#define GC_DIALECT_GCTYPES_TD

include "mlir/IR/CommonTypeConstraints.td"

/// Element types of differentiable values.
defvar Gc_FloatElementTypes = [F16, BF16, F32, F64];
/// Element types of ids, labels, seeds and step counters.
defvar Gc_IntegerElementTypes = [I32, I64];

/// The largest rank of a gc value: the kernels keep per-dimension state in
/// fixed arrays of this size (gc_rt/cpu/Kernels.h's kMaxRank), so the
/// verifier refuses more instead of the kernels overrunning them.
defvar Gc_MaxRank = "16";

/// A statically shaped tensor of `types` of rank at most Gc_MaxRank.
class Gc_TensorOf<list<Type> types>
    : ConfinedType<StaticShapeTensorOf<types>,
                   [CPred<!strconcat("::llvm::cast<::mlir::ShapedType>($_self)"
                                     ".getRank() <= ", Gc_MaxRank)>],
                   !strconcat(StaticShapeTensorOf<types>.summary,
                              " of rank at most ", Gc_MaxRank),
                   "::mlir::TensorType">;

def Gc_FloatTensor : Gc_TensorOf<Gc_FloatElementTypes>;
def Gc_IntegerTensor : Gc_TensorOf<Gc_IntegerElementTypes>;
def Gc_AnyTensor
    : Gc_TensorOf<!listconcat(Gc_FloatElementTypes, Gc_IntegerElementTypes)>;

/// A scalar held in a rank-0 tensor: the step seed of the random streams and
/// the optimizer step counter. Its type is always `tensor<i64>`, so the
/// assembly format never spells it.
def Gc_ScalarI64Tensor : 0DTensorOf<[I64]> {
  let builderCall =
      "::mlir::RankedTensorType::get({}, $_builder.getIntegerType(64))";
}
/// The scalar value of a loss.
def Gc_ScalarFloatTensor : 0DTensorOf<Gc_FloatElementTypes>;

def Gc_ScalarF32Tensor : 0DTensorOf<[F32]> {
  let builderCall = "::mlir::RankedTensorType::get({}, $_builder.getF32Type())";
}

#endif // GC_DIALECT_GCTYPES_TD
