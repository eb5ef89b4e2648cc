//===- Passes.h - gc conversion passes --------------------------*- C++ -*-===//

#ifndef GC_CONVERSION_PASSES_H
#define GC_CONVERSION_PASSES_H

#include "gc/Dialect/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::gc {

#define GEN_PASS_DECL
#include "gc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "gc/Conversion/Passes.h.inc"

} // namespace mlir::gc

#endif // GC_CONVERSION_PASSES_H
