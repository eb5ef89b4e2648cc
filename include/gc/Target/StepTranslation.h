//===- StepTranslation.h - Emit C++ or CUDA for a lowered step --*- C++ -*-===//
//
// The translations behind `gc-translate --gc-to-cpp` and `--gc-to-cuda`: a
// function lowered by gc-lower-to-kernels becomes one source file (the step
// function, its fused kernels and its descriptor, see gc_rt/StepAbi.h) and
// a header declaring what the library exports.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TARGET_STEPTRANSLATION_H
#define GC_TARGET_STEPTRANSLATION_H

#include "gc/Transforms/PassEnums.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <vector>

namespace mlir::gc {

/// "cpu" or "cuda".
llvm::StringRef getStepTargetName(StepTarget target);

/// Figures of an emitted step.
struct StepEmission {
  int64_t runtimeKernels = 0; ///< Calls of runtime kernels / BLAS.
  int64_t fusedKernels = 0;   ///< Launches of generated pointwise kernels.
  int64_t distinctFusedKernels = 0; ///< Their distinct definitions.
  int64_t fusedOps = 0;             ///< gc ops inside them.
  int64_t views = 0;                ///< Reshapes (no code).
  int64_t resultCopies = 0;         ///< Returned values copied at the end.
  /// The step's units in order, each a runtime call (one op) or a fused
  /// kernel (its ops); a CUDA step marks unit k with GC_STEP_UNIT(k).
  std::vector<std::vector<Operation *>> units;
};

struct StepEmitOptions {
  StepTarget target = StepTarget::Cpu;
  /// CUDA: let cuBLAS round matmul inputs to TF32 on tensor cores (about
  /// 10 bits of mantissa); exact FP32 otherwise.
  bool allowTf32 = false;
};

/// Writes the step source for `function` to `source` and, when given, the
/// header to `header` (which `source` includes as "step.h"). Emits located
/// errors for what the emitters cannot translate (an element type other
/// than f32/f64/i32/i64, an op without a kernel, a function that was not
/// lowered).
FailureOr<StepEmission> emitStep(func::FuncOp function,
                                 const StepEmitOptions &options,
                                 llvm::raw_ostream &source,
                                 llvm::raw_ostream *header);

/// The only function of `module` (errors name what was found otherwise).
FailureOr<func::FuncOp> getStepFunction(ModuleOp module);

/// Registers `--gc-to-cpp` (step.cpp) and `--gc-to-cpp-header` (step.h).
void registerCppStepTranslations();
/// Registers `--gc-to-cuda` (step.cu) and `--gc-to-cuda-header` (step.h),
/// with `--gc-allow-tf32`.
void registerCudaStepTranslations();

/// Registers two translations: the source as `name`, the header as
/// `name`-header, emitted with the options `getOptions` returns when the
/// translation runs (after command-line parsing).
void registerStepTranslationsFor(llvm::StringRef name,
                                 std::function<StepEmitOptions()> getOptions);

} // namespace mlir::gc

#endif // GC_TARGET_STEPTRANSLATION_H
