//===- GcElementwiseOps.td - Elementwise gc operations ------*- tablegen -*-===//
//
// Arithmetic, activations and their gradients, scaling and casts. All of them
// map element i of their operands to element i of their result; operands have
// identical types (gc never broadcasts implicitly).
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCELEMENTWISEOPS_TD
#define GC_DIALECT_GCELEMENTWISEOPS_TD

include "gc/Dialect/GcBase.td"

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

class Gc_BinaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Gc_SameTypeOp<mnemonic,
                    !listconcat(traits, [Gc_Elementwise, Gc_Differentiable])> {
  let summary = "elementwise " # formula;
  let description = [{
    Computes `}] # formula # [{` element by element. Both operands and the
    result have the same static shape and element type; mismatched shapes are
    rejected (insert `gc.broadcast` to expand an operand first).

    Example:

    ```mlir
    %r = gc.}] # mnemonic # [{ %a, %b : tensor<8x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$lhs, Gc_FloatTensor:$rhs);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:`
    custom<SameTypes>(type($result), type($lhs), type($rhs))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state, lhs.getType(), lhs, rhs);
    }]>
  ];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::mlir::gc::detail::verifySameTypes(
          getOperation(), {{"lhs", getLhs()}, {"rhs", getRhs()}});
    }
  }];
}

def Gc_AddOp : Gc_BinaryOp<"add", "lhs + rhs", [Commutative]>;
def Gc_SubOp : Gc_BinaryOp<"sub", "lhs - rhs">;
def Gc_MulOp : Gc_BinaryOp<"mul", "lhs * rhs", [Commutative]> {
  let hasCanonicalizer = 1;
}
def Gc_DivOp : Gc_BinaryOp<"div", "lhs / rhs">;

//===----------------------------------------------------------------------===//
// Unary math and activations
//===----------------------------------------------------------------------===//

class Gc_UnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Gc_SameTypeOp<mnemonic,
                    !listconcat(traits, [Gc_Elementwise, Gc_Differentiable])> {
  let summary = "elementwise " # formula;
  let description = [{
    Computes `}] # formula # [{` for every element of `input`. The result has
    the type of `input`.

    Example:

    ```mlir
    %r = gc.}] # mnemonic # [{ %x : tensor<64x512x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$input);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` custom<SameTypes>(type($result), type($input))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input), [{
      build($_builder, $_state, input.getType(), input);
    }]>
  ];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::mlir::gc::detail::verifySameTypes(getOperation(),
                                                 {{"input", getInput()}});
    }
  }];
}

def Gc_NegOp : Gc_UnaryOp<"neg", "-x"> { let hasFolder = 1; }
def Gc_ExpOp : Gc_UnaryOp<"exp", "exp(x)">;
def Gc_LogOp : Gc_UnaryOp<"log", "log(x)">;
def Gc_TanhOp : Gc_UnaryOp<"tanh", "tanh(x)">;
def Gc_ErfOp : Gc_UnaryOp<"erf", "erf(x)">;
def Gc_SqrtOp : Gc_UnaryOp<"sqrt", "sqrt(x)">;
def Gc_RsqrtOp : Gc_UnaryOp<"rsqrt", "1 / sqrt(x)">;
def Gc_ReluOp : Gc_UnaryOp<"relu", "max(x, 0)">;

def Gc_GeluOp : Gc_SameTypeOp<"gelu", [Gc_Elementwise, Gc_Differentiable]> {
  let summary = "elementwise Gaussian error linear unit";
  let description = [{
    GeLU(x) = x * Phi(x), with Phi the standard normal CDF. With
    `approximate(none)` (the default) Phi is evaluated exactly through erf,
    as `torch.nn.functional.gelu(x)` does; with `approximate(tanh)` it uses
    `0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`, as
    `gelu(x, approximate="tanh")` and BERT's `gelu_new` do.

    Example:

    ```mlir
    %exact = gc.gelu %x : tensor<64x512x4096xf32>
    %fast = gc.gelu %x approximate(tanh) : tensor<64x512x4096xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$input,
      DefaultValuedAttr<Gc_GeluApproximation,
                        "::mlir::gc::GeluApproximation::none">:$approximate);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`approximate` `(` $approximate^ `)`)? attr-dict `:`
    custom<SameTypes>(type($result), type($input))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input,
                   "::mlir::gc::GeluApproximation":$approximate), [{
      build($_builder, $_state, input.getType(), input, approximate);
    }]>
  ];
}

def Gc_GeluGradOp : Gc_SameTypeOp<"gelu_grad", [Gc_Elementwise]> {
  let summary = "gradient of gc.gelu";
  let description = [{
    Given the upstream gradient `grad` of `gelu(input)` returns
    `grad * d gelu(input) / d input`, using the same approximation as the
    forward op. All three tensors have the same type.

    Example:

    ```mlir
    %dx = gc.gelu_grad %dy, %x approximate(tanh) : tensor<64x512x4096xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$grad, Gc_FloatTensor:$input,
      DefaultValuedAttr<Gc_GeluApproximation,
                        "::mlir::gc::GeluApproximation::none">:$approximate);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $input (`approximate` `(` $approximate^ `)`)? attr-dict `:`
    custom<SameTypes>(type($result), type($grad), type($input))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$grad, "::mlir::Value":$input,
                   "::mlir::gc::GeluApproximation":$approximate), [{
      build($_builder, $_state, grad.getType(), grad, input, approximate);
    }]>
  ];
}

def Gc_ReluGradOp : Gc_SameTypeOp<"relu_grad", [Gc_Elementwise]> {
  let summary = "gradient of gc.relu";
  let description = [{
    Returns `grad` where `input > 0` and zero elsewhere (the subgradient at 0
    is 0, as in PyTorch).

    Example:

    ```mlir
    %dx = gc.relu_grad %dy, %x : tensor<8x16xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$grad, Gc_FloatTensor:$input);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $input attr-dict `:`
    custom<SameTypes>(type($result), type($grad), type($input))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$grad, "::mlir::Value":$input), [{
      build($_builder, $_state, grad.getType(), grad, input);
    }]>
  ];
}

def Gc_ScaleOp : Gc_SameTypeOp<"scale", [Gc_Elementwise, Gc_Differentiable]> {
  let summary = "multiply every element by a compile-time constant";
  let description = [{
    Computes `input * factor` with `factor` a finite constant, as attention's
    `1/sqrt(head_dim)` scaling or the `1/N` of a mean's gradient need.
    `scale` by 1 folds away; nested scales fold into one.

    Example:

    ```mlir
    %s = gc.scale %scores by 1.250000e-01 : tensor<64x16x512x512xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$input, F64Attr:$factor);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `by` $factor attr-dict `:`
    custom<SameTypes>(type($result), type($input))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "double":$factor), [{
      build($_builder, $_state, input.getType(), input,
            $_builder.getF64FloatAttr(factor));
    }]>
  ];
  let hasFolder = 1;
}

def Gc_CastOp : Gc_Op<"cast", [Pure, Gc_Elementwise, Gc_Differentiable]> {
  let summary = "convert every element to another element type";
  let description = [{
    Converts between the element types gc supports. The shape is unchanged.
    Float-to-float conversions round to nearest even; float-to-integer
    conversions truncate toward zero; integer-to-float conversions round to
    nearest. A cast to the operand's own type folds away.

    Example:

    ```mlir
    %h = gc.cast %x : tensor<64x512xf32> -> tensor<64x512xbf16>
    ```
  }];
  let arguments = (ins Gc_AnyTensor:$input);
  let results = (outs Gc_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // GC_DIALECT_GCELEMENTWISEOPS_TD
