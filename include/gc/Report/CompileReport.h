//===- CompileReport.h - gc-compile's report and memory picture -*- C++ -*-===//
//
// Merges the gc-remat and gc-plan-memory reports into the one report.json a
// user reads, and draws the memory timeline of the planned step as SVG.
//
//===----------------------------------------------------------------------===//

#ifndef GC_REPORT_COMPILEREPORT_H
#define GC_REPORT_COMPILEREPORT_H

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::gc {

/// Reads a JSON file.
llvm::Expected<llvm::json::Value> readJsonFile(llvm::StringRef path);

/// The remat report with the memory plan under "memory_plan" and extra
/// top-level fields (e.g. compile times) added.
llvm::json::Value mergeReports(llvm::json::Value remat,
                               llvm::json::Value memoryPlan,
                               llvm::json::Object extra);

/// Draws the planned step: x is the schedule position, y the address
/// (persistent memory at the bottom, then the arena), one rectangle per
/// buffer coloured by phase (forward, backward, recompute), and the budget
/// as a line. Fails when the reports lack the fields it needs.
llvm::Error writeMemoryTimelineSvg(const llvm::json::Object &remat,
                                   const llvm::json::Object &memoryPlan,
                                   llvm::raw_ostream &os);

} // namespace mlir::gc

#endif // GC_REPORT_COMPILEREPORT_H
