//===- StepLibrary.cpp - The compiled step's files ------------------------===//
//
// The last phases of compileStep: the emitted source and header,
// then one invocation of the host C++ compiler (CPU) or nvcc (CUDA) that
// compiles the step and links it with the runtime's kernel library into a
// shared object the runtime loads with gc_rt_step_load. The compilers and
// libraries default to what the build of gc found (CMake passes their paths
// as definitions); a missing compiler is a clear error, not a crash.
//
//===----------------------------------------------------------------------===//

#include "StepLibrary.h"

#include "gc/Support/OutputFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

using namespace mlir::gc;
using namespace mlir;

namespace {
double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// `preferred` when it is set, else the path CMake found, else PATH.
llvm::Expected<std::string> findCompiler(StringRef preferred,
                                         StringRef configured, StringRef name,
                                         StringRef hint) {
  for (StringRef candidate : {preferred, configured})
    if (!candidate.empty()) {
      if (llvm::sys::fs::can_execute(candidate))
        return candidate.str();
      if (candidate == preferred)
        return makeError("the compiler '" + candidate +
                         "' does not exist or is not executable");
    }
  if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(name))
    return *found;
  return makeError(name + " was not found: " + hint);
}

/// Writes `text` to `path`.
llvm::Error writeFile(StringRef path, StringRef text) {
  return mlir::gc::writeOutputFile(path, text);
}

/// The last `lines` lines of `path`.
std::string tail(StringRef path, int lines) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "";
  StringRef text = (*buffer)->getBuffer().rtrim();
  size_t position = text.size();
  for (int i = 0; i < lines && position != StringRef::npos && position > 0; ++i)
    position = text.rfind('\n', position - 1);
  return text.substr(position == StringRef::npos ? 0 : position + 1).str();
}
} // namespace

llvm::Expected<StepLibrary>
mlir::gc::writeStepLibrary(ModuleOp module, const StepLibraryOptions &options,
                           PhaseTimes &times, llvm::raw_ostream &progress) {
  bool cuda = options.emit.target == gc::StepTarget::Cuda;
  if (std::error_code error =
          llvm::sys::fs::create_directories(options.directory))
    return makeError("cannot create the output directory '" +
                     options.directory + "': " + error.message());
  auto path = [&](StringRef file) {
    llvm::SmallString<256> joined(options.directory);
    llvm::sys::path::append(joined, file);
    return std::string(joined);
  };

  auto start = std::chrono::steady_clock::now();
  FailureOr<func::FuncOp> function = gc::getStepFunction(module);
  if (failed(function))
    return makeError("the lowered module has no single step function");
  std::string source, header;
  llvm::raw_string_ostream sourceOs(source), headerOs(header);
  FailureOr<gc::StepEmission> emission =
      gc::emitStep(*function, options.emit, sourceOs, &headerOs);
  if (failed(emission))
    return makeError("the " + gc::getStepTargetName(options.emit.target) +
                     " emitter failed (see the errors above)");
  StepLibrary library;
  library.emission = *emission;
  library.sourcePath = path(cuda ? "step.cu" : "step.cpp");
  library.libraryPath = path("libstep.so");
  std::string ir;
  llvm::raw_string_ostream irOs(ir);
  module.print(irOs);
  for (auto [file, text] :
       {std::pair<std::string, StringRef>(library.sourcePath, source),
        {path("step.h"), header},
        {path("step.mlir"), ir}})
    if (llvm::Error error = writeFile(file, text))
      return std::move(error);
  times.add("emit", secondsSince(start));

  start = std::chrono::steady_clock::now();
  const bool emulated = cuda && options.cudaEmulation;
  llvm::Expected<std::string> compiler =
      cuda && !emulated
          ? findCompiler(options.nvcc, GC_NVCC_PATH, "nvcc",
                         "install the CUDA toolkit (nvcc), pass --nvcc PATH, "
                         "or compile for --target cpu")
          : findCompiler(options.cxx, GC_HOST_CXX, "c++",
                         "install a C++ compiler or pass --cxx PATH");
  if (!compiler)
    return compiler.takeError();
  std::string include = std::string("-I") + GC_RUNTIME_INCLUDE_DIR;
  std::string localInclude = "-I" + options.directory;
  std::vector<std::string> args = {*compiler};
  if (emulated) {
    if (StringRef(GC_RUNTIME_CUDA_EMU_LIBRARY).empty())
      return makeError("this gc was built without the CUDA host emulator "
                       "(no nvcc or CUDA toolkit when it was configured)");
    // The emulator's device header, force-included, turns the CUDA source
    // into C++ (runtime/emulation/include/gc_cuda_emu/Device.h); -O2 keeps
    // the emulated kernels quick. The library finds the emulated libcudart
    // and libcublas through its RUNPATH.
    std::string emuInclude = GC_CUDA_EMU_INCLUDE_DIR;
    std::string emuLibraries = GC_CUDA_EMU_LIBRARY_DIR;
    args.insert(args.end(), {"-std=c++17",
                             options.forLaunchRecording ? "-O0" : "-O2",
                             "-fPIC",
                             "-shared",
                             "-ffp-contract=off",
                             "-DGC_CUDA_EMULATION=1",
                             "-include",
                             emuInclude + "/gc_cuda_emu/Device.h",
                             "-I" + emuInclude,
                             std::string("-I") + GC_CUDA_INCLUDE_DIR,
                             include,
                             localInclude,
                             "-x",
                             "c++",
                             library.sourcePath,
                             "-x",
                             "none",
                             GC_RUNTIME_CUDA_EMU_LIBRARY,
                             "-L" + emuLibraries,
                             "-lcublas",
                             "-lcudart",
                             "-Wl,-rpath," + emuLibraries,
                             "-o",
                             library.libraryPath});
  } else if (cuda) {
    std::string runtimeCuda = GC_RUNTIME_CUDA_LIBRARY;
    if (runtimeCuda.empty())
      return makeError("this gc was built without CUDA support (no nvcc when "
                       "it was configured), so it has no CUDA runtime kernels "
                       "to link a --target cuda step with");
    // nvcc's -O is the host code's level; device code is optimized by cicc
    // and ptxas regardless. The host side of a step only sequences launches
    // and library calls, and g++ -O3 on BERT-large's 2000-call step function
    // takes 24 s of the 28 s nvcc needs (4 s at -O0, measured on 2 cores).
    // --fmad=false: no contraction of a * b + c into FMA, which rounds once
    // instead of twice, so fused kernels round like the CPU oracle.
    args.insert(args.end(),
                {"-std=c++17", "-O0", "-arch=" + options.arch, "--fmad=false",
                 "-shared", "-Xcompiler", "-fPIC", "-cudart", "shared", include,
                 localInclude, library.sourcePath, runtimeCuda, "-lcublas",
                 "-o", library.libraryPath});
  } else {
    // -O3 for the host's ISA: fused kernels are loops the compiler
    // vectorizes. -ffp-contract=off: no FMA the code did not write, so the
    // step rounds as the runtime kernels and the interpreter do.
    args.insert(args.end(),
                {"-std=c++17", "-O3", "-march=" + options.hostArch, "-fPIC",
                 "-shared", "-ffp-contract=off", "-pthread", include,
                 localInclude, library.sourcePath, GC_RUNTIME_CPU_LIBRARY});
    for (StringRef blas : llvm::split(StringRef(GC_BLAS_LIBRARIES), ';'))
      if (!blas.empty())
        args.push_back(blas.str());
    args.insert(args.end(), {"-o", library.libraryPath});
  }
  std::string log = path("compile.log");
  progress << "gc-compile: " << llvm::sys::path::filename(*compiler) << " "
           << llvm::sys::path::filename(library.sourcePath) << " -> "
           << library.libraryPath << "\n";
  progress.flush();
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  std::string executeError;
  int exitCode = llvm::sys::ExecuteAndWait(*compiler, argRefs, std::nullopt,
                                           redirects, 0, 0, &executeError);
  times.add(cuda && !emulated ? "nvcc" : "host compiler", secondsSince(start));
  if (exitCode != 0)
    return makeError(llvm::sys::path::filename(*compiler) + " failed" +
                     (executeError.empty() ? "" : " (" + executeError + ")") +
                     " on " + library.sourcePath + "; the last lines of " +
                     log + ":\n" + tail(log, 15) +
                     "\ncommand: " + llvm::join(args, " "));
  return library;
}
