//===- InitAllPasses.h - Passes gc tools register ---------------*- C++ -*-===//

#ifndef GC_INITALLPASSES_H
#define GC_INITALLPASSES_H

#include "gc/Transforms/Passes.h"

#include "mlir/Transforms/Passes.h"

namespace mlir::gc {

/// Registers gc's passes and the upstream generic ones gc pipelines use
/// (canonicalize, cse, ...).
inline void registerAllPasses() {
  registerGcTransformsPasses();
  registerTransformsPasses();
}

} // namespace mlir::gc

#endif // GC_INITALLPASSES_H
