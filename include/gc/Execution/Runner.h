//===- Runner.h - Running a step function for several steps -----*- C++ -*-===//
//
// The driver behind `gc-run`: assembles a function's inputs from a
// safetensors file and seeded defaults, runs it for N steps feeding each
// result back into the argument of the same name (updated parameters and
// optimizer state), and writes the final results.
//
//===----------------------------------------------------------------------===//

#ifndef GC_EXECUTION_RUNNER_H
#define GC_EXECUTION_RUNNER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::gc::exec {

struct RunOptions {
  /// Safetensors file with (some of) the arguments, by gc.name; empty for
  /// none.
  std::string inputsPath;
  /// Safetensors file the final results are written to, by gc.name; empty
  /// for none.
  std::string outputPath;
  /// Seed of generated inputs; also the dropout seed of the first step
  /// (step k uses seed + k).
  uint64_t seed = 0;
  /// Dropout seed of the first step when it differs from `seed`.
  std::optional<int64_t> dropoutSeed;
  int64_t steps = 1;
};

/// Runs `function` as described above, printing one line per step (with
/// the loss when a result is named `loss`) and the peak bytes of live
/// tensors to `out`. Errors are emitted as diagnostics.
LogicalResult runSteps(func::FuncOp function, const RunOptions &options,
                       llvm::raw_ostream &out);

} // namespace mlir::gc::exec

#endif // GC_EXECUTION_RUNNER_H
