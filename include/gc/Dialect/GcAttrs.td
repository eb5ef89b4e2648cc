//===- GcAttrs.td - Attributes of the gc dialect ------------*- tablegen -*-===//
//
// Enumerations used by gc operations (stored as integer attributes and
// printed as keywords, `approximate(tanh)`), and the typed contracts of a
// step's arguments and results: `gc.role` (what a value is) and `gc.init`
// (how an argument is initialised when nobody provides it).
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCATTRS_TD
#define GC_DIALECT_GCATTRS_TD

include "gc/Dialect/GcDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Gc_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "how gc.gelu evaluates the Gaussian CDF", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"tanh", 1>
    ]> {
  let cppNamespace = "::mlir::gc";
}

def Gc_CollectiveReduction : I32EnumAttr<"CollectiveReduction",
    "how gc.all_reduce combines the ranks' values", [
      I32EnumAttrCase<"sum", 0>,
      I32EnumAttrCase<"mean", 1>
    ]> {
  let cppNamespace = "::mlir::gc";
}

def Gc_ArgumentRole : I32EnumAttr<"ArgumentRole",
    "what a step argument or result is", [
      I32EnumAttrCase<"Parameter", 0, "parameter">,
      I32EnumAttrCase<"Gradient", 1, "gradient">,
      I32EnumAttrCase<"OptimizerState", 2, "optimizer_state">,
      I32EnumAttrCase<"Batch", 3, "batch">,
      I32EnumAttrCase<"Seed", 4, "seed">,
      I32EnumAttrCase<"StepCounter", 5, "step_counter">
    ]> {
  let cppNamespace = "::mlir::gc";
  let genSpecializedAttr = 0;
}

def Gc_InitKind : I32EnumAttr<"InitKind",
    "how an argument is initialised when nobody provides it", [
      I32EnumAttrCase<"Zeros", 0, "zeros">,
      I32EnumAttrCase<"Ones", 1, "ones">,
      I32EnumAttrCase<"Normal", 2, "normal">,
      I32EnumAttrCase<"Index", 3, "index">,
      I32EnumAttrCase<"Seed", 4, "seed">,
      I32EnumAttrCase<"Full", 5, "full">
    ]> {
  let cppNamespace = "::mlir::gc";
  let genSpecializedAttr = 0;
}

class Gc_Attr<string name, string attrMnemonic> : AttrDef<Gc_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Gc_RoleAttr : Gc_Attr<"Role", "role"> {
  let summary = "what a step argument or result is";
  let description = [{
    Set by whoever creates the value (a model builder, gc-optimizer, an
    importer) as the argument or result attribute `gc.role`:

    ```mlir
    #gc.role<parameter>
    #gc.role<batch>
    #gc.role<seed>
    #gc.role<step_counter>
    #gc.role<optimizer_state, of = 3, moment = "exp_avg">
    #gc.role<gradient, of = 3>
    ```

    `of` is the argument index of the parameter an optimizer state or a
    gradient belongs to; `moment` names an optimizer state (`exp_avg`,
    `exp_avg_sq`). The dialect verifies the role against the value: a
    parameter is a float argument marked `gc.param`; a seed and a step
    counter are one-element i64 arguments; a state or gradient has its
    parameter's type; a gradient is a result.
  }];
  let parameters = (ins "ArgumentRole":$kind, "int64_t":$of,
                        "::mlir::StringAttr":$moment);
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "ArgumentRole":$kind, CArg<"int64_t", "-1">:$of,
                     CArg<"::llvm::StringRef", "\"\"">:$moment), [{
      return $_get($_ctxt, kind, of,
                   moment.empty() ? ::mlir::StringAttr()
                                  : ::mlir::StringAttr::get($_ctxt, moment));
    }]>
  ];
  let skipDefaultBuilders = 1;
  let hasCustomAssemblyFormat = 1;
}

def Gc_InitAttr : Gc_Attr<"Init", "init"> {
  let summary = "how an argument is initialised when nobody provides it";
  let description = [{
    The argument attribute `gc.init`, set with the role by whoever creates
    the argument; the interpreter and the runtime initialise an argument
    the caller did not provide from it (the runtime through the step ABI's
    gc_step_init_t):

    ```mlir
    #gc.init<zeros>
    #gc.init<ones>
    #gc.init<ones, binary>          // and only 0 and 1 are valid data
    #gc.init<normal, std = 2.000000e-02>
    #gc.init<index, bound = 30522>  // uniform integers in [0, bound)
    #gc.init<seed>
    #gc.init<full, value = 6.553600e+04>  // every element the value
    ```
  }];
  let parameters = (ins "InitKind":$kind,
                        APFloatParameter<"normal: standard deviation">:$std,
                        "int64_t":$bound, "bool":$binary);
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "InitKind":$kind, CArg<"double", "1.0">:$std,
                     CArg<"int64_t", "0">:$bound,
                     CArg<"bool", "false">:$binary), [{
      return $_get($_ctxt, kind, ::llvm::APFloat(std), bound, binary);
    }]>
  ];
  let extraClassDeclaration = [{
    /// The standard deviation of a normal initializer.
    double getStdDev() const { return getStd().convertToDouble(); }
    /// The value of a full initializer (kept in the `std` parameter).
    double getFullValue() const { return getStd().convertToDouble(); }
  }];
  let skipDefaultBuilders = 1;
  let hasCustomAssemblyFormat = 1;
}

def Gc_StorageKind : I32EnumAttr<"StorageKind",
    "where gc-lower-to-kernels puts a value", [
      I32EnumAttrCase<"Arena", 0, "arena">,
      I32EnumAttrCase<"View", 1, "view">,
      I32EnumAttrCase<"Fused", 2, "fused">,
      I32EnumAttrCase<"Result", 3, "result">,
      I32EnumAttrCase<"Argument", 4, "argument">
    ]> {
  let cppNamespace = "::mlir::gc";
  let genSpecializedAttr = 0;
}

def Gc_StorageAttr : Gc_Attr<"Storage", "storage"> {
  let summary = "where a lowered op's result lives";
  let description = [{
    One entry per result of `gc.storage`, written by gc-lower-to-kernels:

    ```mlir
    #gc.storage<arena, 4096>   // at byte 4096 of the arena
    #gc.storage<view>          // the storage of the reshape's operand
    #gc.storage<fused>         // computed inside a fused kernel, not stored
    #gc.storage<result, 2>     // the step's result buffer 2
    #gc.storage<argument, 7>   // argument 7's buffer (an in-place update)
    ```
  }];
  let parameters = (ins "StorageKind":$kind, "int64_t":$index);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif // GC_DIALECT_GCATTRS_TD
