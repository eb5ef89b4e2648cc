//===- PassEnums.h - The enumerated options of gc's passes -----*- C++ -*-===//
//
// The choices of gc-optimizer's `optimizer`, gc-remat's `solver` and
// gc-plan-memory's `strategy`, declared once: the passes' options
// (Passes.td), the pipelines' options (Pipelines.h) and gc-compile's flags
// take their values from these lists, so a misspelled choice is rejected
// when the pipeline or the command line is parsed, with the list of valid
// names, before any function is compiled.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_PASSENUMS_H
#define GC_TRANSFORMS_PASSENUMS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

namespace mlir::gc {

enum class OptimizerKind { Sgd, AdamW };

inline auto optimizerValues() {
  return llvm::cl::values(
      clEnumValN(OptimizerKind::Sgd, "sgd", "SGD with L2 weight decay"),
      clEnumValN(OptimizerKind::AdamW, "adamw", "AdamW (torch.optim.AdamW)"));
}

inline llvm::StringRef stringifyOptimizer(OptimizerKind kind) {
  return kind == OptimizerKind::Sgd ? "sgd" : "adamw";
}

/// gc-remat's solvers (lib/Transforms/Remat/Solvers.h, by name).
enum class RematSolverKind { None, PerLayer, Sqrt, Greedy, Optimal, Auto };

inline auto rematSolverValues() {
  return llvm::cl::values(
      clEnumValN(RematSolverKind::None, "none", "keep every activation"),
      clEnumValN(RematSolverKind::PerLayer, "per-layer",
                 "keep each block's outputs (gradient checkpointing)"),
      clEnumValN(RematSolverKind::Sqrt, "sqrt",
                 "keep every ceil(sqrt(L))-th block's outputs"),
      clEnumValN(RematSolverKind::Greedy, "greedy",
                 "recompute the best bytes per cost at the peak"),
      clEnumValN(RematSolverKind::Optimal, "optimal",
                 "branch and bound to the cheapest plan"),
      clEnumValN(RematSolverKind::Auto, "auto",
                 "per-block Pareto fronts combined along the chain"));
}

inline llvm::StringRef stringifyRematSolver(RematSolverKind kind) {
  switch (kind) {
  case RematSolverKind::None:
    return "none";
  case RematSolverKind::PerLayer:
    return "per-layer";
  case RematSolverKind::Sqrt:
    return "sqrt";
  case RematSolverKind::Greedy:
    return "greedy";
  case RematSolverKind::Optimal:
    return "optimal";
  case RematSolverKind::Auto:
    return "auto";
  }
  return "auto";
}

/// gc-plan-memory's strategies (lib/Transforms/MemPlan, by name).
enum class PlanStrategyKind {
  GreedySize,
  GreedyLifetime,
  GreedyBreadth,
  LocalSearch,
  Search,
  Best
};

inline auto planStrategyValues() {
  return llvm::cl::values(
      clEnumValN(PlanStrategyKind::GreedySize, "greedy-size",
                 "largest buffer first, best fit"),
      clEnumValN(PlanStrategyKind::GreedyLifetime, "greedy-lifetime",
                 "earliest first use first, first fit"),
      clEnumValN(PlanStrategyKind::GreedyBreadth, "greedy-breadth",
                 "the buffers of the busiest moment first"),
      clEnumValN(PlanStrategyKind::LocalSearch, "local-search",
                 "a search over the greedy placement orders"),
      clEnumValN(PlanStrategyKind::Search, "search",
                 "a capacity search towards the lower bound"),
      clEnumValN(PlanStrategyKind::Best, "best",
                 "the smallest arena of the strategies"));
}

inline llvm::StringRef stringifyPlanStrategy(PlanStrategyKind kind) {
  switch (kind) {
  case PlanStrategyKind::GreedySize:
    return "greedy-size";
  case PlanStrategyKind::GreedyLifetime:
    return "greedy-lifetime";
  case PlanStrategyKind::GreedyBreadth:
    return "greedy-breadth";
  case PlanStrategyKind::LocalSearch:
    return "local-search";
  case PlanStrategyKind::Search:
    return "search";
  case PlanStrategyKind::Best:
    return "best";
  }
  return "best";
}

} // namespace mlir::gc

#endif // GC_TRANSFORMS_PASSENUMS_H
