//===- GcInterfaces.h - Interfaces of the gc dialect ------------*- C++ -*-===//
//
// The adjoint op interface generated from GcInterfaces.td.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCINTERFACES_H
#define GC_DIALECT_GCINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#include "gc/Dialect/GcInterfaces.h.inc"

#endif // GC_DIALECT_GCINTERFACES_H
