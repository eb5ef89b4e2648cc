//===- Compiler.h - gc's compiler as a library ------------------*- C++ -*-===//
//
// compileStep takes a module whose function computes a loss (built by
// lib/Models, parsed from a file, or imported) and runs the whole compiler:
// the gc-compile-step pipeline (lib/Pipelines), the emitter, the host
// compiler or nvcc, the launch report of a CUDA step, and one report.json
// written from what the passes hand to their report collector. gc-compile
// is this function behind flags; C++ and Python callers use it directly.
//
// The same options can stop earlier (CompileStage): the training step, the
// rematerialized step or the memory-planned step stay in the module for the
// caller to print, as gc-compile's --emit does.
//
//===----------------------------------------------------------------------===//

#ifndef GC_COMPILER_COMPILER_H
#define GC_COMPILER_COMPILER_H

#include "gc/Pipelines/Pipelines.h"
#include "gc/Target/StepTranslation.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mlir::gc {

/// Wall time of each phase of a compilation, in order (the report's
/// compile_time_s).
class PhaseTimes {
public:
  void add(std::string phase, double seconds);
  double total() const;
  llvm::json::Object toJson() const;
  const std::vector<std::pair<std::string, double>> &get() const {
    return phases;
  }

private:
  std::vector<std::pair<std::string, double>> phases;
};

/// Where compileStep stops.
enum class CompileStage {
  Train,   ///< gc-train-step: the differentiated step with its optimizer.
  Remat,   ///< gc-remat-step: scheduled and rematerialized.
  Plan,    ///< ... and memory-planned (gc-plan-memory).
  Library, ///< gc-compile-step, emitted and built: DIR/libstep.so.
};

struct CompileOptions {
  CompileStage stage = CompileStage::Library;
  /// Every pass option, declared once in gc/Pipelines/Pipelines.h
  /// (`pipeline.target` chooses the backend of a Library compile).
  CompileStepPipelineOptions pipeline;

  /// Library: the output directory (created when missing) for step.{cpp,cu},
  /// step.h, step.mlir, libstep.so, report.json and memory.svg.
  std::string directory;
  /// The merged report (remat, memory plan, kernels, launches, compile
  /// times). Library: default DIR/report.json. Remat: gc-remat's own
  /// report; Plan: the merged report; empty there: none.
  std::string reportPath;
  /// The memory timeline (SVG); default memory.svg next to the report.
  std::string timelinePath;

  /// CUDA: let cuBLAS round matmul inputs to TF32.
  bool allowTf32 = false;
  /// nvcc's -arch.
  std::string cudaArch = "sm_90";
  /// Compilers; empty: the ones found when gc was built, then PATH.
  std::string nvcc;
  std::string cxx;
  /// The -march of a CPU step (default: what gc's CPU kernels were built
  /// for).
  std::string hostArch = GC_HOST_ARCH;
  /// CUDA: build for the CUDA host emulator instead of nvcc.
  bool cudaEmulation = false;
  /// CUDA: print the N most expensive step units and their launches.
  unsigned printLaunches = 0;
  /// Data parallel: the global batch (gc-compile --global-batch), which a
  /// model builder divides by pipeline.worldSize; 0 when not given.
  int64_t globalBatch = 0;

  /// Phases the caller spent before (building the model), counted in the
  /// report's compile times.
  PhaseTimes priorPhases;
  /// Progress lines (phases, the compiler invoked, the summary).
  llvm::raw_ostream *progress = &llvm::errs();
  /// Called on the pass manager before it runs (gc-compile applies the
  /// --mlir-timing, --mlir-print-ir-* and crash-reproducer flags there).
  std::function<LogicalResult(PassManager &)> configurePassManager;
};

/// What a Library compile produced.
struct CompileResult {
  std::string libraryPath;
  std::string sourcePath;
  std::string reportPath;
  StepEmission emission;
  int64_t arenaBytes = -1;
  int64_t plannedArenaBytes = -1;
  PhaseTimes times;
};

/// Compiles `module` in place up to `options.stage`. The passes report
/// their errors as located diagnostics (through the context's handler);
/// the returned error says which stage failed, or what went wrong outside
/// the passes (a compiler not found, a file not written).
llvm::Expected<CompileResult> compileStep(ModuleOp module,
                                          const CompileOptions &options);

} // namespace mlir::gc

#endif // GC_COMPILER_COMPILER_H
