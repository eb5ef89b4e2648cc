//===- RematReport.h - What gc-remat decided, for people --------*- C++ -*-===//

#ifndef GC_TRANSFORMS_REMATREPORT_H
#define GC_TRANSFORMS_REMATREPORT_H

#include "gc/Remat/Solvers.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace mlir::gc {

/// Everything the report states. Peaks are the simulator's.
struct RematReport {
  std::string function;
  std::string device;
  std::string solver;
  int64_t budgetBytes = 0;
  int64_t persistentBytes = 0;
  int64_t noRematPeakBytes = 0;
  int64_t peakBytes = 0;
  int64_t minFeasibleBytes = 0;
  double stepFlops = 0;
  double recomputeFlops = 0;
  double stepSeconds = 0;
  double recomputeSeconds = 0;
  /// The solver's objective: the recomputed ops' per-op (unfused) costs.
  double solverRecomputeSeconds = 0;
  double solveSeconds = 0;
  std::optional<double> optimalityGap;
  /// Whether a wall-clock safety cap ended a solver's search.
  bool wallClockCapHit = false;
  int64_t numClones = 0;
  /// Name, bytes, block and decision of every activation.
  struct Activation {
    std::string name;
    int64_t bytes = 0;
    int64_t block = -1;
    bool recompute = false;
  };
  std::vector<Activation> activations;
};

/// Writes the report as JSON.
void writeRematReportJson(const RematReport &report, llvm::raw_ostream &os);

/// A readable summary: budget, peaks, overhead, and the decisions grouped by
/// block.
void writeRematSummary(const RematReport &report, llvm::raw_ostream &os);

} // namespace mlir::gc

#endif // GC_TRANSFORMS_REMATREPORT_H
