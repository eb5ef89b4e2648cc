//===- GcAttrs.h - Attributes of the gc dialect -----------------*- C++ -*-===//
//
// Enumerations generated from GcAttrs.td.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GC_IR_GCATTRS_H
#define GC_DIALECT_GC_IR_GCATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include "Gc/IR/GcEnums.h.inc"

#endif // GC_DIALECT_GC_IR_GCATTRS_H
