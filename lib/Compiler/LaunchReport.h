//===- LaunchReport.h - Every kernel launch of a CUDA step ------*- C++ -*-===//
//
// gc-compile's launch report for --target cuda: the step, built once more
// for the CUDA host emulator, runs in its record-only mode, so the grid and
// block of every launch are what the runtime's own host code chooses; each
// is tagged with the step unit (runtime call or fused kernel) it belongs to
// and the cost model's time of that unit.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_COMPILER_LAUNCHREPORT_H
#define GC_LIB_COMPILER_LAUNCHREPORT_H

#include "StepLibrary.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::gc {

/// Whether this gc was built with the CUDA host emulator.
bool canRecordLaunches();

/// Where the launch report's costs come from and what it prints.
struct LaunchReportOptions {
  /// A built-in device profile, or a JSON profile file when set.
  std::string device = "h100";
  std::string deviceProfilePath;
  /// Print the `top` most expensive step units and their launches.
  unsigned top = 0;
};

/// Runs the lowered `module`'s step (`library`, built with `options`) once
/// in the emulator's record-only mode, built for the emulator in a scratch
/// directory unless `library` already is, and returns the report's
/// "launches" object: the device, the
/// estimated step time (also launch-limited), the under-filled launches and
/// every launch with its grid, block, unit, op and the unit's estimated
/// time. Prints a summary line (and the top units) to `os`.
llvm::Expected<llvm::json::Value>
buildLaunchReport(mlir::ModuleOp module, const StepLibraryOptions &options,
                  const StepLibrary &library, const LaunchReportOptions &report,
                  PhaseTimes &times, llvm::raw_ostream &os);

} // namespace mlir::gc

#endif // GC_LIB_COMPILER_LAUNCHREPORT_H
