//===- ReportSink.h - One report file for a function pass ------*- C++ -*-===//
//
// gc-remat and gc-plan-memory run on each function of a module, possibly in
// parallel, and each may be asked for a JSON report at one `report=` path.
// Written directly, the functions' reports would overwrite each other (or
// interleave). They go through this sink instead: it keeps every report of
// a path and module, and rewrites the file with all of them on each call
// (under a lock), so the last call leaves the complete report whatever the
// order. A driver that writes its own report (lib/Compiler) registers a
// ReportCollector for the module instead: the passes hand it their reports
// in memory, by kind ("remat", "plan") and function, and no file is
// written unless a path was asked for too.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_REPORTSINK_H
#define GC_TRANSFORMS_REPORTSINK_H

#include "mlir/IR/Operation.h"
#include "llvm/Support/Error.h"

#include <map>
#include <string>

namespace mlir::gc {

/// Records `report` (a JSON object's text) as function `function`'s report
/// at `path`, and writes the file (gc/Support/OutputFile.h): the report
/// itself when `module` holds one function with a body, else
/// {"functions": {"<name>": <report>, ...}} with every report recorded so
/// far for this path and module, by name.
llvm::Error writeFunctionReport(llvm::StringRef path, Operation *module,
                                llvm::StringRef function, std::string report);

/// While alive, receives the reports passes publish for the functions of
/// `module` (at most one collector per module).
class ReportCollector {
public:
  explicit ReportCollector(Operation *module);
  ~ReportCollector();
  ReportCollector(const ReportCollector &) = delete;
  ReportCollector &operator=(const ReportCollector &) = delete;

  /// The reports of `kind` received so far, by function name.
  std::map<std::string, std::string> get(llvm::StringRef kind) const;

private:
  Operation *module;
};

/// Whether a report published for `module` would go anywhere: `path` is
/// set or a collector listens (so that passes build reports only then).
bool isReportWanted(llvm::StringRef path, Operation *module);

/// Hands function `function`'s report of `kind` to the collector of
/// `module`, if any, and writes it to `path` when set (writeFunctionReport).
llvm::Error publishFunctionReport(llvm::StringRef kind, llvm::StringRef path,
                                  Operation *module, llvm::StringRef function,
                                  std::string report);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_REPORTSINK_H
