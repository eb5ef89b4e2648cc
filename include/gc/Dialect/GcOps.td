//===- GcOps.td - Operations of the gc dialect --------------*- tablegen -*-===//
//
// Every gc operation, grouped by family in the included files. ODS is the
// single source of the op definitions and of their documentation.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCOPS_TD
#define GC_DIALECT_GCOPS_TD

include "gc/Dialect/GcBase.td"
include "gc/Dialect/GcElementwiseOps.td"
include "gc/Dialect/GcShapeOps.td"
include "gc/Dialect/GcNNOps.td"
include "gc/Dialect/GcOptimizerOps.td"
include "gc/Dialect/GcCollectiveOps.td"

#endif // GC_DIALECT_GCOPS_TD
