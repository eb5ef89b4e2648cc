//===- RunCompiled.h - gc-run on a compiled step ----------------*- C++ -*-===//
//
// `gc-run DIR` (or `gc-run DIR/libstep.so`): runs a step compiled by
// `gc-compile --target` through the gc_rt C API, with the same input,
// seed and feedback rules as the interpreter runs an .mlir file.
//
//===----------------------------------------------------------------------===//

#ifndef GC_TOOLS_GC_RUN_RUNCOMPILED_H
#define GC_TOOLS_GC_RUN_RUNCOMPILED_H

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>

namespace gc::tools {

struct CompiledRunOptions {
  std::string library; ///< libstep.so
  std::string device = "cpu";
  std::string inputsPath; ///< safetensors overriding generated arguments
  std::string outputPath; ///< results of the last step
  std::string savePath;   ///< parameters and optimizer state at the end
  std::string jsonPath;   ///< the run's figures as JSON
  uint64_t seed = 0;
  std::optional<int64_t> dropoutSeed;
  int64_t steps = 1;
  bool trackArena = false;
  int numThreads = 0; ///< CPU threads; 0: the runtime's default
  /// Seconds a collective waits for the other ranks; 0: the runtime's.
  double collectiveTimeout = 0;
  /// Save the state every N steps too (rank 0), not only at the end.
  int64_t saveEvery = 0;
};

/// The library a gc-run argument names: DIR/libstep.so for a directory,
/// the path itself for a .so file; empty when it names neither.
std::string findCompiledStep(const std::string &path);

/// Runs the compiled step; prints per-step losses and times, the median
/// step time, tokens per second, memory figures. Returns the exit code.
int runCompiled(const CompiledRunOptions &options, llvm::raw_ostream &out);

} // namespace gc::tools

#endif // GC_TOOLS_GC_RUN_RUNCOMPILED_H
