//===- GcInterfaces.td - Interfaces of the gc dialect -------*- tablegen -*-===//
//
// The adjoint interface: each differentiable op states its own reverse-mode
// derivative, next to its definition, instead of a switch in the autodiff
// pass.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCINTERFACES_TD
#define GC_DIALECT_GCINTERFACES_TD

include "mlir/IR/OpBase.td"

def Gc_AdjointOpInterface : OpInterface<"AdjointOpInterface"> {
  let cppNamespace = "::mlir::gc";
  let description = [{
    An op that reverse-mode differentiation can go through. Given the
    gradients of the loss with respect to the op's results, the op builds
    the gradients with respect to its operands.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at the builder's insertion point, the gradient of the loss
        with respect to each operand. `resultGrads` has one entry per result:
        the result's gradient, or a null value when the loss does not depend
        on that result. `operandGrads` arrives with one null entry per
        operand; the method sets the entries of the operands that have a
        gradient and leaves non-differentiable operands (ids, labels, seeds)
        null. Returns failure, after emitting an error on the op, when the
        gradient cannot be formed (e.g. a gradient arrives for a result the
        op cannot differentiate through).
      }],
      "::llvm::LogicalResult", "buildAdjoint",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

/// Trait list entry for ops that implement their adjoint in C++.
defvar Gc_Differentiable = DeclareOpInterfaceMethods<Gc_AdjointOpInterface>;

#endif // GC_DIALECT_GCINTERFACES_TD
