//===- GcShapeOps.td - Data movement gc operations ----------*- tablegen -*-===//
//
// Constants and the ops that move data without arithmetic: broadcast,
// reshape, transpose, slice and concat.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCSHAPEOPS_TD
#define GC_DIALECT_GCSHAPEOPS_TD

include "gc/Dialect/GcBase.td"

def Gc_ConstantOp : Gc_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "result"]>, Gc_Differentiable]> {
  let summary = "a tensor known at compile time";
  let description = [{
    Materializes a dense (or splat) tensor constant of a supported element
    type. The result type is the type of `value`.

    Example:

    ```mlir
    %zero = gc.constant dense<0.0> : tensor<64x512x1024xf32>
    %ids = gc.constant dense<[1, 2, 3]> : tensor<3xi32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Gc_AnyTensor:$result);
  let assemblyFormat = "attr-dict $value";
  let builders = [
    OpBuilder<(ins "::mlir::ElementsAttr":$value), [{
      build($_builder, $_state, value.getType(), value);
    }]>
  ];
  let hasFolder = 1;
}

def Gc_BroadcastOp : Gc_Op<"broadcast", [Pure, Gc_Differentiable]> {
  let summary = "expand a tensor to a larger shape";
  let description = [{
    Expands `input` to the result shape. `dims[i]` is the result dimension that
    operand dimension `i` maps to; `dims` is strictly increasing and has one
    entry per operand dimension. An operand dimension either equals the size
    of its result dimension or is 1 (then it is repeated); result dimensions
    not named in `dims` are new and repeat the whole operand.

    Example: a per-feature bias added to every token, and an attention mask
    `[batch, 1, 1, seq]` expanded over heads and query positions.

    ```mlir
    %b = gc.broadcast %bias dims = [2]
        : tensor<1024xf32> -> tensor<64x512x1024xf32>
    %m = gc.broadcast %mask dims = [0, 1, 2, 3]
        : tensor<64x1x1x512xf32> -> tensor<64x16x512x512xf32>
    ```
  }];
  let arguments = (ins Gc_AnyTensor:$input, DenseI64ArrayAttr:$dims);
  let results = (outs Gc_AnyTensor:$result);
  let assemblyFormat = [{
    $input `dims` `=` $dims attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Gc_ReshapeOp : Gc_Op<"reshape", [Pure, Gc_Differentiable]> {
  let summary = "reinterpret a tensor with another shape";
  let description = [{
    Returns the elements of `input`, in row-major order, with the result's
    shape. The element count and element type are unchanged. A reshape of a
    reshape folds into one; a reshape to the operand's own type folds away.

    Example:

    ```mlir
    %heads = gc.reshape %q : tensor<64x512x1024xf32> -> tensor<64x512x16x64xf32>
    ```
  }];
  let arguments = (ins Gc_AnyTensor:$input);
  let results = (outs Gc_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Gc_TransposeOp : Gc_Op<"transpose", [Pure, Gc_Differentiable]> {
  let summary = "permute the dimensions of a tensor";
  let description = [{
    Result dimension `i` is operand dimension `perm[i]`. `perm` is a
    permutation of `[0, rank)`. The identity permutation folds away and a
    transpose of a transpose composes into one.

    Example:

    ```mlir
    %t = gc.transpose %x perm = [0, 2, 1, 3]
        : tensor<64x512x16x64xf32> -> tensor<64x16x512x64xf32>
    ```
  }];
  let arguments = (ins Gc_AnyTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Gc_AnyTensor:$result);
  let assemblyFormat = [{
    $input `perm` `=` $perm attr-dict `:` type($input) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input,
                   "::llvm::ArrayRef<int64_t>":$perm)>
  ];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Gc_SliceOp : Gc_Op<"slice", [Pure, Gc_Differentiable]> {
  let summary = "extract a contiguous box of a tensor";
  let description = [{
    Returns the box that starts at `offsets` and has the result's shape (unit
    strides). Every `offsets[i] + result.shape[i]` must be at most
    `input.shape[i]`. A slice that covers the whole operand folds away.

    Example: the position embeddings of the first 128 positions.

    ```mlir
    %pos = gc.slice %table offsets = [0, 0]
        : tensor<512x1024xf32> -> tensor<128x1024xf32>
    ```
  }];
  let arguments = (ins Gc_AnyTensor:$input, DenseI64ArrayAttr:$offsets);
  let results = (outs Gc_AnyTensor:$result);
  let assemblyFormat = [{
    $input `offsets` `=` $offsets attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Gc_ConcatOp : Gc_Op<"concat", [Pure, Gc_Differentiable]> {
  let summary = "join tensors along one dimension";
  let description = [{
    Concatenates one or more tensors of equal rank and element type along
    dimension `dim`; all other dimensions must agree. The result's size along
    `dim` is the sum of the operands'. A concat of a single tensor folds away.

    Example:

    ```mlir
    %qkv = gc.concat %q, %k, %v dim = 0
        : (tensor<1024x1024xf32>, tensor<1024x1024xf32>, tensor<1024x1024xf32>)
        -> tensor<3072x1024xf32>
    ```
  }];
  let arguments = (ins Variadic<Gc_AnyTensor>:$inputs, I64Attr:$dim);
  let results = (outs Gc_AnyTensor:$result);
  let assemblyFormat = [{
    $inputs `dim` `=` $dim attr-dict `:` functional-type($inputs, $result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::ValueRange":$inputs, "int64_t":$dim)>
  ];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // GC_DIALECT_GCSHAPEOPS_TD
