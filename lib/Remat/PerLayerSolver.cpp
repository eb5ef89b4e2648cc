//===- PerLayerSolver.cpp - Checkpoint every block's boundary -------------===//
//
// The `per-layer` baseline reproduces Hugging Face's
// `model.gradient_checkpointing_enable()`, itself torch.utils.checkpoint
// applied per encoder layer: each block keeps only what leaves it (the
// values read by ops of other blocks, untagged ops, or returned), and every
// other value produced by its recomputable forward ops is recomputed during
// its backward. Untagged values are kept. The plan does not depend on the
// budget; the solution just reports whether it fits.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

using namespace gc::remat;
using namespace gc::remat::detail;

Flags detail::perLayerFlags(const ProblemInfo &info) {
  Flags flags(info.problem.values.size(), 0);
  for (size_t v = 0; v < flags.size(); ++v) {
    int value = static_cast<int>(v);
    flags[v] = info.recomputable[v] && info.blockOfValue(value) >= 0 &&
               !info.isBlockOutput(value);
  }
  return flags;
}

namespace {
class PerLayerSolver : public Solver {
public:
  std::string getName() const override { return "per-layer"; }
  Solution solve(const Problem &problem, int64_t budgetBytes,
                 const SolveOptions &) const override {
    Clock::time_point start = Clock::now();
    ProblemInfo info(problem);
    return finishSolution(problem, perLayerFlags(info), budgetBytes, getName(),
                          start);
  }
};
} // namespace

std::unique_ptr<Solver> detail::createPerLayerSolver() {
  return std::make_unique<PerLayerSolver>();
}
