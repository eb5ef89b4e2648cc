//===- InitAllDialects.h - Dialects gc tools register -----------*- C++ -*-===//

#ifndef GC_INITALLDIALECTS_H
#define GC_INITALLDIALECTS_H

#include "gc/Dialect/GcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

namespace mlir::gc {

/// Registers the dialects a gc training-step module may contain.
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<GcDialect, func::FuncDialect, arith::ArithDialect,
                  tensor::TensorDialect>();
}

} // namespace mlir::gc

#endif // GC_INITALLDIALECTS_H
