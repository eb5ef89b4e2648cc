//===- CompileCommandLine.h - gc-compile's compiler flags -------*- C++ -*-===//
//
// The flags that fill CompileOptions (gc/Compiler/Compiler.h): code
// generation (--target, --arch, ...), the optimizer (--optimizer, --lr,
// ...), rematerialization (--budget, --solver, ...) and memory planning
// (--plan-strategy, ...). Each flag carries the name of the pipeline option
// it sets (Pipelines.h), so `gc-compile --lr 1e-3` and
// `gc-opt --pass-pipeline='...gc-compile-step{lr=1e-3}'` mean one thing.
// In the style of MLIR's registerAsmPrinterCLOptions.
//
//===----------------------------------------------------------------------===//

#ifndef GC_COMPILER_COMPILECOMMANDLINE_H
#define GC_COMPILER_COMPILECOMMANDLINE_H

#include "gc/Compiler/Compiler.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace mlir::gc {

/// Registers the compiler's flags.
void registerCompileCLOptions();

/// Their categories, for llvm::cl::HideUnrelatedOptions.
std::vector<const llvm::cl::OptionCategory *> getCompileCLCategories();

/// Fills `options` from the flags (stage and directory excepted); an
/// unknown --target or a misused flag is an error saying which.
llvm::Error applyCompileCLOptions(CompileOptions &options);

/// Whether --target was given (a compiled library is asked for).
bool isTargetSetOnCL();

} // namespace mlir::gc

#endif // GC_COMPILER_COMPILECOMMANDLINE_H
