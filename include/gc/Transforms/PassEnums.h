//===- PassEnums.h - The enumerated options of gc's passes -----*- C++ -*-===//
//
// The choices of gc-optimizer's `optimizer`, gc-autocast's `precision`,
// gc-remat's `solver`, gc-plan-memory's `strategy` and gc-compile-step's
// `target`, each a table of (value, name, help) declared once: the passes'
// options (Passes.td), the pipelines' options (Pipelines.h) and gc-compile's
// flags take their values from the tables (choicesOf), so a misspelled choice
// is rejected when the pipeline or the command line is parsed, before any
// function is compiled, and nameOf gives the name the libraries know a choice
// by.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TRANSFORMS_PASSENUMS_H
#define GC_TRANSFORMS_PASSENUMS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

#include <cstddef>

namespace mlir::gc {

/// One choice of an enumerated option.
template <typename Kind> struct Choice {
  Kind value;
  const char *name;
  const char *help;
};

/// A command-line modifier adding every choice of `table` to an option's
/// parser (as llvm::cl::values does), for llvm::cl::opt and MLIR's pass
/// options alike.
template <typename Kind, size_t N> struct ChoiceList {
  const Choice<Kind> (&table)[N];
  template <typename Opt> void apply(Opt &option) const {
    for (const Choice<Kind> &choice : table)
      option.getParser().addLiteralOption(choice.name, choice.value,
                                          choice.help);
  }
};
template <typename Kind, size_t N>
ChoiceList<Kind, N> choicesOf(const Choice<Kind> (&table)[N]) {
  return {table};
}

/// The name of `value` in `table`.
template <typename Kind, size_t N>
llvm::StringRef nameOf(const Choice<Kind> (&table)[N], Kind value) {
  for (const Choice<Kind> &choice : table)
    if (choice.value == value)
      return choice.name;
  return "";
}

enum class OptimizerKind { Sgd, AdamW };
inline constexpr Choice<OptimizerKind> kOptimizers[] = {
    {OptimizerKind::Sgd, "sgd", "SGD with L2 weight decay"},
    {OptimizerKind::AdamW, "adamw", "AdamW (torch.optim.AdamW)"},
};

/// gc-remat's solvers (lib/Remat/Solvers.h, by name).
enum class RematSolverKind { None, PerLayer, Sqrt, Greedy, Optimal, Auto };
inline constexpr Choice<RematSolverKind> kRematSolvers[] = {
    {RematSolverKind::None, "none", "keep every activation"},
    {RematSolverKind::PerLayer, "per-layer",
     "keep each block's outputs (gradient checkpointing)"},
    {RematSolverKind::Sqrt, "sqrt",
     "keep every ceil(sqrt(L))-th block's outputs"},
    {RematSolverKind::Greedy, "greedy",
     "recompute the best bytes per cost at the peak"},
    {RematSolverKind::Optimal, "optimal",
     "branch and bound to the cheapest plan"},
    {RematSolverKind::Auto, "auto",
     "per-block Pareto fronts combined along the chain"},
};

/// gc-plan-memory's strategies (lib/MemPlan, by name).
enum class PlanStrategyKind {
  GreedySize,
  GreedyLifetime,
  GreedyBreadth,
  LocalSearch,
  Search,
  Best
};
inline constexpr Choice<PlanStrategyKind> kPlanStrategies[] = {
    {PlanStrategyKind::GreedySize, "greedy-size",
     "largest buffer first, best fit"},
    {PlanStrategyKind::GreedyLifetime, "greedy-lifetime",
     "earliest first use first, first fit"},
    {PlanStrategyKind::GreedyBreadth, "greedy-breadth",
     "the buffers of the busiest moment first"},
    {PlanStrategyKind::LocalSearch, "local-search",
     "a search over the greedy placement orders"},
    {PlanStrategyKind::Search, "search",
     "a capacity search towards the lower bound"},
    {PlanStrategyKind::Best, "best", "the smallest arena of the strategies"},
};

/// What a step is compiled for (gc-compile-step's `target`, the emitters).
/// The training step's precision (gc-autocast; fp32 runs no cast).
enum class PrecisionKind { Fp32, Bf16Mixed, Fp16Mixed };
inline constexpr Choice<PrecisionKind> kPrecisions[] = {
    {PrecisionKind::Fp32, "fp32", "every float in f32"},
    {PrecisionKind::Bf16Mixed, "bf16-mixed",
     "matmuls and attention in bf16, fp32 master weights (torch.autocast)"},
    {PrecisionKind::Fp16Mixed, "fp16-mixed",
     "matmuls and attention in f16, fp32 master weights (torch.autocast)"},
};

enum class StepTarget { Cpu, Cuda };
inline constexpr Choice<StepTarget> kStepTargets[] = {
    {StepTarget::Cpu, "cpu", "C++ for the host, CPU kernels"},
    {StepTarget::Cuda, "cuda", "CUDA, cuBLAS and gc's CUDA kernels"},
};

} // namespace mlir::gc

#endif // GC_TRANSFORMS_PASSENUMS_H
