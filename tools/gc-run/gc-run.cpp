//===- gc-run.cpp - Execute gc functions on the CPU -----------------------===//
//
// Runs a function of a gc module op by op on the CPU (the numerics oracle),
// for one or several training steps, or checks its autodiff gradients
// against finite differences.
//
//===----------------------------------------------------------------------===//

#include "RunCompiled.h"

#include "gc/Execution/GradientCheck.h"
#include "gc/Execution/Runner.h"
#include "gc/InitAllDialects.h"
#include "gc/InitAllPasses.h"
#include "gc/Support/NestingDepth.h"
#include "gc_rt/cpu/Parallel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace llvm;
namespace exec = mlir::gc::exec;

static cl::opt<std::string>
    inputFile(cl::Positional,
              cl::desc("<file.mlir | compiled step directory | libstep.so>"),
              cl::Required);
static cl::opt<std::string>
    device("device", cl::desc("compiled steps: cpu or cuda:N (default cpu)"),
           cl::init("cpu"));
static cl::opt<std::string>
    savePath("save", cl::desc("save the parameters and optimizer state "
                              "after the last step to this safetensors "
                              "checkpoint (resume with --inputs)"));
static cl::opt<int64_t> saveEvery(
    "save-every",
    cl::desc("compiled steps: also save the --save checkpoint every N steps "
             "(replaced atomically; rank 0 of a data-parallel group)"),
    cl::init(0));
static cl::opt<double> collectiveTimeout(
    "collective-timeout",
    cl::desc("data-parallel steps: seconds a collective waits for the other "
             "ranks before every rank stops with an error (default: "
             "GC_RT_COLLECTIVE_TIMEOUT, else 300)"),
    cl::init(0));
static cl::opt<bool> trackArena(
    "track-arena",
    cl::desc("compiled steps: measure the arena's high-water mark with "
             "sentinel bytes (slower; for checks, not timing)"));
static cl::opt<std::string>
    functionName("function", cl::desc("function to run (default: the only "
                                      "function of the module)"));
static cl::opt<std::string>
    inputsPath("inputs", cl::desc("safetensors file with arguments, by "
                                  "gc.name (others are generated)"));
static cl::opt<std::string>
    outputPath("output", cl::desc("safetensors file for the final results"));
static cl::opt<std::string>
    jsonPath("json",
             cl::desc("compiled steps: also write the run's figures as JSON "
                      "(losses, step times, tokens/s, memory) to this file"));
static cl::opt<uint64_t>
    seed("seed",
         cl::desc("seed of generated inputs and of the first step's "
                  "dropout (step k uses seed + k)"),
         cl::init(0));
static cl::opt<int64_t> dropoutSeed(
    "dropout-seed",
    cl::desc("dropout seed of the first step, when it should differ from "
             "--seed (step k uses dropout-seed + k)"),
    cl::init(-1));
static cl::opt<int64_t>
    steps("steps",
          cl::desc("number of steps; each feeds its results into "
                   "the arguments of the same name"),
          cl::init(1));
static cl::opt<bool> checkGradients(
    "check-gradients",
    cl::desc("compare gc-autodiff's gradients of every function with "
             "gc.param arguments against central finite differences"));
static cl::opt<double> fdStep("fd-step", cl::desc("finite-difference step"),
                              cl::init(1e-6));
static cl::opt<double>
    tolerance("tolerance", cl::desc("largest relative gradient error accepted"),
              cl::init(1e-6));
static cl::opt<int64_t>
    maxElements("max-elements",
                cl::desc("elements checked per parameter at most"),
                cl::init(64));

namespace {
/// The functions to run: --function, or every function.
FailureOr<SmallVector<func::FuncOp>> selectFunctions(ModuleOp module) {
  SmallVector<func::FuncOp> functions;
  for (auto function : module.getOps<func::FuncOp>())
    if (functionName.empty() || function.getSymName() == functionName)
      functions.push_back(function);
  if (functions.empty()) {
    if (functionName.empty())
      return module.emitError() << "the module has no function to run";
    return module.emitError()
           << "the module has no function named '" << functionName << "'";
  }
  return functions;
}

LogicalResult runGradientChecks(ArrayRef<func::FuncOp> functions) {
  exec::GradientCheckOptions options;
  options.step = fdStep;
  options.maxElements = maxElements;
  options.seed = seed;
  double worst = 0;
  int checked = 0;
  for (func::FuncOp function : functions) {
    FailureOr<std::vector<exec::ParameterCheck>> checks =
        exec::checkGradients(function, options);
    if (failed(checks))
      return failure();
    for (const exec::ParameterCheck &check : *checks) {
      bool ok = check.relativeError <= tolerance;
      outs() << "@" << function.getSymName() << " " << check.name << " ("
             << check.elements << " elements): relative error "
             << format("%.3e", check.relativeError) << ", max abs error "
             << format("%.3e", check.maxAbsoluteError)
             << (ok ? "" : "  EXCEEDS TOLERANCE") << "\n";
      worst = std::max(worst, check.relativeError);
      ++checked;
    }
  }
  bool passed = worst <= tolerance;
  outs() << "gradient check: " << checked << " parameters, max relative error "
         << format("%.3e", worst) << (passed ? " <= " : " > ")
         << format("%.1e", tolerance.getValue())
         << (passed ? ": passed\n" : ": FAILED\n");
  return success(passed);
}
/// Takes --threads N (or --threads=N, one dash or two) out of the command
/// line: libLLVM already registers an unrelated option of that name, so
/// gc-run reads it itself. Returns 0 when absent, -1 after reporting a
/// value that is not a positive count.
int extractThreadsFlag(int &argc, char **argv) {
  int threads = 0;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    StringRef name = arg.starts_with("--")  ? arg.drop_front(2)
                     : arg.starts_with("-") ? arg.drop_front(1)
                                            : StringRef();
    std::optional<StringRef> value;
    if (name == "threads" && i + 1 == argc) {
      errs() << "gc-run: error: --threads expects a positive thread count\n";
      return -1;
    }
    if (name == "threads")
      value = StringRef(argv[++i]);
    else if (name.consume_front("threads="))
      value = name;
    if (!value) {
      argv[kept++] = argv[i];
      continue;
    }
    if (value->getAsInteger(10, threads) || threads < 1) {
      errs() << "gc-run: error: --threads expects a positive thread count, "
                "but got '"
             << *value << "'\n";
      return -1;
    }
  }
  argc = kept;
  argv[argc] = nullptr;
  return threads;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  const int threads = extractThreadsFlag(argc, argv);
  if (threads < 0)
    return 1;
  // libLLVM registers hundreds of backend options; --help lists gc-run's
  // own (the others still work and show in --help-hidden).
  const cl::Option *ownOptions[] = {
      &inputFile,        &device,       &savePath,    &saveEvery,
      &trackArena,       &functionName, &inputsPath,  &outputPath,
      &jsonPath,         &seed,         &dropoutSeed, &steps,
      &checkGradients,   &fdStep,       &tolerance,   &maxElements,
      &collectiveTimeout};
  for (auto &entry : cl::getRegisteredOptions())
    if (!llvm::is_contained(ownOptions, entry.second) &&
        entry.first != "help" && entry.first != "version")
      entry.second->setHiddenFlag(cl::Hidden);
  cl::ParseCommandLineOptions(
      argc, argv,
      "gc-run: execute gc functions on the CPU, or compiled steps\n\n"
      "With a directory written by gc-compile --target (or its libstep.so),\n"
      "loads the compiled step through the gc_rt runtime and runs it on\n"
      "--device for --steps steps, printing loss, step time, tokens/s and\n"
      "memory. A data-parallel step (gc-compile --data-parallel) runs on\n"
      "every rank of `mpirun -np N gc-run DIR`: rank r trains on rows\n"
      "[r*b, (r+1)*b) of a global batch of N*b rows (drawn from --seed, or\n"
      "the global-batch tensors of --inputs), starting from rank 0's state;\n"
      "rank 0 prints, saves and writes. With an .mlir file:\n"
      "Runs a function for --steps steps, feeding each result into the\n"
      "argument of the same gc.name, printing the loss of each step and the\n"
      "peak bytes of live tensors; or, with --check-gradients, compares the\n"
      "gradients gc-autodiff derives with finite differences.\n\n"
      "--threads N: CPU threads, the main thread included (default: the\n"
      "GC_NUM_THREADS environment variable, else every core); the results\n"
      "are bitwise the same for every count.\n");
  if (steps < 1) {
    errs() << "gc-run: error: --steps must be at least 1, but is " << steps
           << "\n";
    return 1;
  }
  ::gc::rt::cpu::setNumThreads(threads);
  if (saveEvery < 0 || (saveEvery > 0 && savePath.empty())) {
    errs() << "gc-run: error: --save-every expects a positive step count and "
              "a --save path\n";
    return 1;
  }
  if (collectiveTimeout < 0) {
    errs() << "gc-run: error: --collective-timeout expects a positive number "
              "of seconds, but is "
           << collectiveTimeout << "\n";
    return 1;
  }

  if (std::string library = ::gc::tools::findCompiledStep(inputFile);
      !library.empty()) {
    ::gc::tools::CompiledRunOptions options;
    options.library = library;
    options.device = device;
    options.inputsPath = inputsPath;
    options.outputPath = outputPath;
    options.savePath = savePath;
    options.jsonPath = jsonPath;
    options.seed = seed;
    if (dropoutSeed >= 0)
      options.dropoutSeed = dropoutSeed;
    options.steps = steps;
    options.trackArena = trackArena;
    options.numThreads = threads;
    options.saveEvery = saveEvery;
    options.collectiveTimeout = collectiveTimeout;
    return ::gc::tools::runCompiled(options, outs());
  }
  for (cl::Option *flag : std::initializer_list<cl::Option *>{
           &device, &trackArena, &saveEvery, &collectiveTimeout})
    if (flag->getNumOccurrences()) {
      errs() << "gc-run: error: --" << flag->ArgStr
             << " applies to compiled steps (a directory written by "
                "gc-compile --target), not to .mlir files\n";
      return 1;
    }

  DialectRegistry registry;
  mlir::gc::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics point at the source line; a dump of the op adds nothing.
  context.printOpOnDiagnostic(false);
  std::string error;
  std::unique_ptr<MemoryBuffer> file = openInputFile(inputFile, &error);
  if (!file) {
    errs() << "gc-run: error: " << error << "\n";
    return 1;
  }
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), SMLoc());
  if (failed(mlir::gc::checkNestingDepth(sourceMgr)))
    return 1;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  // Errors about a whole file (the --inputs file) are located at its line
  // 0: "FILE: error: ...", not a line of it.
  ScopedDiagnosticHandler fileErrors(&context, [](Diagnostic &diagnostic) {
    auto location = dyn_cast<FileLineColLoc>(diagnostic.getLocation());
    if (!location || location.getLine() != 0 ||
        diagnostic.getSeverity() != DiagnosticSeverity::Error)
      return failure();
    errs() << location.getFilename().getValue() << ": error: " << diagnostic
           << "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  FailureOr<SmallVector<func::FuncOp>> functions = selectFunctions(*module);
  if (failed(functions))
    return 1;
  if (checkGradients)
    return failed(runGradientChecks(*functions)) ? 1 : 0;

  if (functions->size() != 1) {
    module->emitError() << "the module has " << functions->size()
                        << " functions; choose one with --function";
    return 1;
  }
  exec::RunOptions options;
  options.inputsPath = inputsPath;
  options.outputPath = outputPath;
  options.savePath = savePath;
  options.seed = seed;
  if (dropoutSeed >= 0)
    options.dropoutSeed = dropoutSeed;
  options.steps = steps;
  return failed(exec::runSteps(functions->front(), options, outs())) ? 1 : 0;
}
