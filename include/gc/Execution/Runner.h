//===- Runner.h - Running a step function for several steps -----*- C++ -*-===//
//
// The driver behind `gc-run`: assembles a function's inputs from a
// safetensors file and seeded defaults, runs it for N steps feeding each
// result back into the argument of the same name (updated parameters and
// optimizer state), and writes the final results and a checkpoint.
//
// Files and the step counter (docs/runtime-abi.md, "Checkpoints"): in every
// file gc reads or writes, `optimizer.step` is the number of completed
// optimizer steps, as torch.optim's state["step"]; the function's argument
// of that name is the number of the step it computes, one more. Compiled
// steps (gc_rt) follow the same rule, so either path resumes the other's
// files.
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
  /// Safetensors file the final results are written to, by gc.name, with
  /// the step counter; empty for none.
  std::string outputPath;
  /// Safetensors checkpoint written after the last step: the parameters and
  /// the optimizer state with the step counter; empty for none.
  std::string savePath;
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
