//===- RematReport.cpp - What gc-remat decided, for people ----------------===//

#include "gc/Transforms/RematReport.h"

#include "gc/Remat/Budget.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <map>

using namespace mlir;
using namespace mlir::gc;

void mlir::gc::writeRematReportJson(const RematReport &report,
                                    llvm::raw_ostream &os) {
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attribute("function", report.function);
    json.attribute("device", report.device);
    json.attribute("solver", report.solver);
    json.attribute("budget_bytes", report.budgetBytes);
    json.attribute("persistent_bytes", report.persistentBytes);
    json.attribute("no_remat_peak_bytes", report.noRematPeakBytes);
    json.attribute("peak_bytes", report.peakBytes);
    json.attribute("min_feasible_bytes", report.minFeasibleBytes);
    json.attribute("step_flops", report.stepFlops);
    json.attribute("recompute_flops", report.recomputeFlops);
    json.attribute("est_step_time_s", report.stepSeconds);
    json.attribute("est_recompute_time_s", report.recomputeSeconds);
    json.attribute("recompute_overhead",
                   report.stepSeconds > 0
                       ? report.recomputeSeconds / report.stepSeconds
                       : 0.0);
    json.attribute("solver_recompute_cost_s", report.solverRecomputeSeconds);
    json.attribute("solve_time_s", report.solveSeconds);
    json.attribute("wall_clock_cap_hit", report.wallClockCapHit);
    if (report.optimalityGap)
      json.attribute("optimality_gap", *report.optimalityGap);
    else
      json.attribute("optimality_gap", nullptr);
    json.attribute("num_clones", report.numClones);
    json.attributeArray("activations", [&] {
      for (const RematReport::Activation &activation : report.activations)
        json.object([&] {
          json.attribute("name", activation.name);
          json.attribute("bytes", activation.bytes);
          if (activation.block >= 0)
            json.attribute("block", activation.block);
          else
            json.attribute("block", nullptr);
          json.attribute("decision",
                         activation.recompute ? "RECOMPUTE" : "SAVE");
        });
    });
  });
  os << "\n";
}

void mlir::gc::writeRematSummary(const RematReport &report,
                                 llvm::raw_ostream &os) {
  using ::gc::remat::formatBytes;
  double overhead = report.stepSeconds > 0
                        ? 100.0 * report.recomputeSeconds / report.stepSeconds
                        : 0.0;
  os << "gc-remat @" << report.function << " (solver " << report.solver
     << ", device " << report.device << ")\n";
  os << "  budget             " << formatBytes(report.budgetBytes) << "\n";
  os << "  peak, no remat     " << formatBytes(report.noRematPeakBytes) << "\n";
  os << "  peak, this plan    " << formatBytes(report.peakBytes) << " ("
     << formatBytes(report.persistentBytes)
     << " persistent: parameters, inputs, optimizer state)\n";
  os << "  smallest feasible  " << formatBytes(report.minFeasibleBytes) << "\n";
  os << "  step estimate      "
     << llvm::format("%.3f s, %.3g FLOP", report.stepSeconds, report.stepFlops)
     << "\n";
  os << "  recomputation      "
     << llvm::format("%.4f s (%.2f%% of the step), %.3g FLOP",
                     report.recomputeSeconds, overhead, report.recomputeFlops)
     << ", " << report.numClones << " ops cloned\n";
  os << "  solve time         " << llvm::format("%.3f s", report.solveSeconds);
  if (report.optimalityGap)
    os << llvm::format(", optimality gap %.2f%%", 100 * *report.optimalityGap);
  os << "\n";

  // Decisions per block: how many activations and bytes are recomputed.
  struct Tally {
    int64_t saved = 0, recomputed = 0, savedBytes = 0, recomputedBytes = 0;
  };
  std::map<int64_t, Tally> blocks;
  for (const RematReport::Activation &activation : report.activations) {
    Tally &tally = blocks[activation.block];
    (activation.recompute ? tally.recomputed : tally.saved) += 1;
    (activation.recompute ? tally.recomputedBytes : tally.savedBytes) +=
        activation.bytes;
  }
  os << "  activations        " << report.activations.size()
     << " (per block: saved / recomputed)\n";
  // Consecutive blocks with the same decisions share one line.
  auto same = [](const Tally &a, const Tally &b) {
    return a.saved == b.saved && a.recomputed == b.recomputed &&
           a.savedBytes == b.savedBytes &&
           a.recomputedBytes == b.recomputedBytes;
  };
  for (auto it = blocks.begin(); it != blocks.end();) {
    auto last = it;
    while (std::next(last) != blocks.end() && it->first >= 0 &&
           std::next(last)->first == last->first + 1 &&
           same(std::next(last)->second, it->second))
      ++last;
    const Tally &tally = it->second;
    std::string label = it->first < 0 ? std::string("untagged")
                        : last == it  ? "block " + std::to_string(it->first)
                                      : "blocks " + std::to_string(it->first) +
                                            "-" + std::to_string(last->first);
    os << "    " << label << ": " << tally.saved << " saved ("
       << formatBytes(tally.savedBytes) << "), " << tally.recomputed
       << " recomputed (" << formatBytes(tally.recomputedBytes) << ")"
       << (last == it ? "" : " each") << "\n";
    it = std::next(last);
  }
}
