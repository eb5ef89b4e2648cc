//===- GcOps.td - Operations of the gc dialect --------------*- tablegen -*-===//
//
// Every gc operation, grouped by family in the included files. ODS is the
// single source of the op definitions and of their documentation.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GC_IR_GCOPS_TD
#define GC_DIALECT_GC_IR_GCOPS_TD

include "Gc/IR/GcBase.td"
include "Gc/IR/GcElementwiseOps.td"
include "Gc/IR/GcShapeOps.td"
include "Gc/IR/GcNNOps.td"
include "Gc/IR/GcOptimizerOps.td"

#endif // GC_DIALECT_GC_IR_GCOPS_TD
