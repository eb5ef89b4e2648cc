//===- GcAttrs.h - Attributes of the gc dialect -----------------*- C++ -*-===//
//
// Enumerations and attributes generated from GcAttrs.td.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCATTRS_H
#define GC_DIALECT_GCATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include "gc/Dialect/GcEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "gc/Dialect/GcAttrDefs.h.inc"

#endif // GC_DIALECT_GCATTRS_H
