//===- InitAllPasses.h - Passes gc tools register ---------------*- C++ -*-===//

#ifndef GC_INITALLPASSES_H
#define GC_INITALLPASSES_H

#include "gc/Conversion/Passes.h"
#include "gc/Pipelines/Pipelines.h"
#include "gc/Transforms/Passes.h"

#include "mlir/Transforms/Passes.h"

namespace mlir::gc {

/// Registers gc's passes and the upstream generic ones gc pipelines use
/// (canonicalize, cse, ...), and gc's named pipelines.
inline void registerAllPasses() {
  registerGcTransformsPasses();
  registerGcConversionPasses();
  registerTransformsPasses();
  registerPipelines();
}

} // namespace mlir::gc

#endif // GC_INITALLPASSES_H
