//===- Solvers.cpp - The registry of remat solvers, and `none` ------------===//
//
// Maps the names accepted by `gc-remat{solver=...}` to solvers. `none`, the
// reference point of every comparison, keeps every activation: no
// recomputation, the step's natural peak.
//
//===----------------------------------------------------------------------===//

#include "SolverSupport.h"

using namespace gc::remat;
using namespace gc::remat::detail;

namespace {
class NoneSolver : public Solver {
public:
  std::string getName() const override { return "none"; }
  Solution solve(const Problem &problem, int64_t budgetBytes,
                 const SolveOptions &) const override {
    Clock::time_point start = Clock::now();
    return finishSolution(problem, Flags(problem.values.size(), 0), budgetBytes,
                          getName(), start);
  }
};
} // namespace

std::unique_ptr<Solver> detail::createNoneSolver() {
  return std::make_unique<NoneSolver>();
}

std::unique_ptr<Solver> gc::remat::createSolver(const std::string &name) {
  if (name == "none")
    return createNoneSolver();
  if (name == "per-layer")
    return createPerLayerSolver();
  if (name == "sqrt")
    return createSqrtSolver();
  if (name == "greedy")
    return createGreedySolver();
  if (name == "optimal")
    return createOptimalSolver();
  if (name == "auto")
    return createAutoSolver();
  return nullptr;
}

std::vector<std::string> gc::remat::getSolverNames() {
  return {"none", "per-layer", "sqrt", "greedy", "optimal", "auto"};
}
