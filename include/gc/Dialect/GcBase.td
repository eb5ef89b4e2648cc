//===- GcBase.td - Base class of gc operations --------------*- tablegen -*-===//
//
// The op base class shared by every op family file.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCBASE_TD
#define GC_DIALECT_GCBASE_TD

include "gc/Dialect/GcDialect.td"
include "gc/Dialect/GcAttrs.td"
include "gc/Dialect/GcInterfaces.td"
include "gc/Dialect/GcTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

/// Marks ops that map element i of their tensor operands to element i of
/// their results (fusion groups them). Unlike upstream `Elementwise` it has
/// no verifier of its own: each op's verifier reports mismatched types with
/// the operand names.
def Gc_Elementwise : NativeOpTrait<"GcElementwise"> {
  let cppNamespace = "::mlir::OpTrait::gc";
}

class Gc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Gc_Dialect, mnemonic, traits>;

/// An op whose result has exactly the type of its first operand; the other
/// listed operands must have it too. The printed form names the type once.
class Gc_SameTypeOp<string mnemonic, list<Trait> traits = []>
    : Gc_Op<mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
}

#endif // GC_DIALECT_GCBASE_TD
