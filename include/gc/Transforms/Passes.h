//===- Passes.h - gc transformation passes ----------------------*- C++ -*-===//

#ifndef GC_TRANSFORMS_PASSES_H
#define GC_TRANSFORMS_PASSES_H

#include "gc/Dialect/GcDialect.h"
#include "gc/Transforms/PassEnums.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::gc {

#define GEN_PASS_DECL
#include "gc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "gc/Transforms/Passes.h.inc"

} // namespace mlir::gc

#endif // GC_TRANSFORMS_PASSES_H
