//===- Solvers.h - Rematerialization solvers --------------------*- C++ -*-===//
//
// The solvers behind `gc-remat{solver=...}`. Each takes an IR-free Problem
// and a budget on the simulated peak (persistent memory included) and
// returns the plan it chose, evaluated by the simulator of RematProblem.h.
//
//===----------------------------------------------------------------------===//

#ifndef GC_REMAT_SOLVERS_H
#define GC_REMAT_SOLVERS_H

#include "gc/Remat/RematProblem.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gc::remat {

struct SolveOptions {
  /// Limit of the exact solver, in nominal seconds: a work budget of the
  /// branch and bound (kSearchWorkPerSecond), so that the plan does not
  /// depend on the machine's load, with a wall-clock safety cap of 10x plus
  /// 10 seconds. When it is reached the best plan found is returned with the
  /// proven optimality gap.
  double timeLimitSeconds = 10;
  /// Whether `auto` may run its exact search on small problems (it is what
  /// `optimal` runs; findMinimumPeak turns it off, as it cannot lower a
  /// peak below the budget it is given).
  bool exactSearch = true;
};

struct Solution {
  Plan plan;
  /// The simulator's measure of `plan`.
  MemoryProfile profile;
  /// Whether profile.peakBytes <= the budget.
  bool feasible = false;
  std::string solver;
  double solveSeconds = 0;
  /// For solvers that prove bounds: (cost - lower bound) / cost, 0 when the
  /// plan is proven optimal; unset when nothing is proven.
  std::optional<double> optimalityGap;
  /// Whether a wall-clock safety cap, rather than the solver's work budget,
  /// ended a search: only then may the plan differ between runs.
  bool hitWallClockCap = false;
};

class Solver {
public:
  virtual ~Solver() = default;
  virtual std::string getName() const = 0;
  /// The plan with the least recompute cost the solver finds whose simulated
  /// peak is at most `budgetBytes`. When it finds none, the plan with the
  /// lowest peak it found, with `feasible` false.
  virtual Solution solve(const Problem &problem, int64_t budgetBytes,
                         const SolveOptions &options) const = 0;
};

/// The solver called `name` (one of getSolverNames()), or null.
std::unique_ptr<Solver> createSolver(const std::string &name);

/// none, per-layer, sqrt, greedy, optimal, auto.
std::vector<std::string> getSolverNames();

/// The smallest budget gc's default solver meets on `problem` and a plan
/// that meets it (`profile.peakBytes` is the budget): the same for every
/// budget asked for and every device profile (MinimumPeak.cpp).
Solution findMinimumPeak(const Problem &problem, const SolveOptions &options);

} // namespace gc::remat

#endif // GC_REMAT_SOLVERS_H
