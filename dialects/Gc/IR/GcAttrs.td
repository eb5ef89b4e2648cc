//===- GcAttrs.td - Attributes of the gc dialect ------------*- tablegen -*-===//
//
// Enumerations used by gc operations. They are stored as integer attributes
// and printed as keywords (`approximate(tanh)`).
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GC_IR_GCATTRS_TD
#define GC_DIALECT_GC_IR_GCATTRS_TD

include "Gc/IR/GcDialect.td"
include "mlir/IR/EnumAttr.td"

def Gc_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "how gc.gelu evaluates the Gaussian CDF", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"tanh", 1>
    ]> {
  let cppNamespace = "::mlir::gc";
}

#endif // GC_DIALECT_GC_IR_GCATTRS_TD
