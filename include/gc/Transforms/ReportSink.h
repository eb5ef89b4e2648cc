//===- ReportSink.h - One report file for a function pass ------*- C++ -*-===//
//
// gc-remat and gc-plan-memory run on each function of a module, possibly in
// parallel, and each may be asked for a JSON report at one `report=` path.
// Written directly, the functions' reports would overwrite each other (or
// interleave). They go through this sink instead: it keeps every report of
// a path and module, and rewrites the file with all of them on each call
// (under a lock), so the last call leaves the complete report whatever the
// order.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_REPORTSINK_H
#define GC_TRANSFORMS_REPORTSINK_H

#include "mlir/IR/Operation.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir::gc {

/// Records `report` (a JSON object's text) as function `function`'s report
/// at `path`, and writes the file (gc/Support/OutputFile.h): the report
/// itself when `module` holds one function with a body, else
/// {"functions": {"<name>": <report>, ...}} with every report recorded so
/// far for this path and module, by name.
llvm::Error writeFunctionReport(llvm::StringRef path, Operation *module,
                                llvm::StringRef function, std::string report);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_REPORTSINK_H
