//===- StepLibrary.h - The compiled step's files ----------------*- C++ -*-===//
//
// The last stage of compileStep: a lowered step becomes step.{cpp,cu} and
// step.h, and libstep.so built with the host compiler or nvcc against the
// runtime's kernel libraries.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_COMPILER_STEPLIBRARY_H
#define GC_LIB_COMPILER_STEPLIBRARY_H

#include "gc/Compiler/Compiler.h"
#include "gc/Target/StepTranslation.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir::gc {

struct StepLibraryOptions {
  mlir::gc::StepEmitOptions emit;
  /// Output directory (created when missing).
  std::string directory;
  /// nvcc's -arch, e.g. sm_90.
  std::string arch = "sm_90";
  /// Compilers; empty: the ones found when gc was built, then PATH.
  std::string nvcc;
  std::string cxx;
  /// A CUDA step for the CUDA host emulator: compiled by the host compiler
  /// against the emulated runtime (runtime/emulation) instead of nvcc.
  bool cudaEmulation = false;
  /// With cudaEmulation: a library only run in record-only mode (the
  /// launch report), compiled at -O0.
  bool forLaunchRecording = false;
  /// The host compiler's -march for a CPU step.
  std::string hostArch = "native";
};

/// What writeStepLibrary produced.
struct StepLibrary {
  std::string libraryPath;
  std::string sourcePath;
  mlir::gc::StepEmission emission;
};

/// Writes DIR/step.mlir (the lowered IR), DIR/step.{cpp,cu}, DIR/step.h and
/// builds DIR/libstep.so (the compiler's output in DIR/compile.log).
/// Progress lines go to `progress`; phase times are added to `times`.
llvm::Expected<StepLibrary> writeStepLibrary(mlir::ModuleOp module,
                                             const StepLibraryOptions &options,
                                             PhaseTimes &times,
                                             llvm::raw_ostream &progress);

} // namespace mlir::gc

#endif // GC_LIB_COMPILER_STEPLIBRARY_H
