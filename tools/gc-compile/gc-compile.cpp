//===- gc-compile.cpp - gc's ahead-of-time compiler driver ----------------===//
//
// Flags in, compiler out: builds the model (the BERT flags, or a .mlir file
// whose one function computes the loss) and hands it to compileStep
// (gc/Compiler/Compiler.h), which runs the pipeline, writes the step's
// files and builds libstep.so (--target), or stops at the training step,
// the rematerialized or the planned step (--emit) for this driver to print.
// Every rule about configurations and options lives in the libraries; a
// bad flag is reported as `gc-compile: error: <message>` with exit code 1.
//
//===----------------------------------------------------------------------===//

#include "gc/Compiler/CompileCommandLine.h"
#include "gc/Compiler/Compiler.h"
#include "gc/Models/Bert.h"
#include "gc/Models/BertCommandLine.h"
#include "gc/Support/FlagChoices.h"
#include "gc/Support/NestingDepth.h"
#include "gc/Support/OutputFile.h"

#include "gc/Dialect/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

namespace {
/// What the driver writes: the forward function, or compileStep's stages.
enum class EmitKind { Forward, Train, Remat, Plan, Library };

cl::OptionCategory driverCategory("gc-compile options");
cl::opt<std::string> inputFilename(
    cl::Positional,
    cl::desc("[forward.mlir: a gc module whose single function computes the "
             "loss, instead of --model]"),
    cl::init(""), cl::cat(driverCategory));
cl::opt<std::string> outputFilename("o",
                                    cl::desc("Output file ('-' for stdout), "
                                             "or directory with --target"),
                                    cl::value_desc("filename"), cl::init("-"),
                                    cl::cat(driverCategory));
cl::opt<std::string> modelName("model", cl::desc("Model to build: bert"),
                               cl::value_desc("name"), cl::init("bert"),
                               cl::cat(driverCategory));
cl::opt<std::string>
    emitName("emit",
             cl::desc("What to emit: forward, train, remat, plan, or library "
                      "(implied by --target)"),
             cl::value_desc("kind"), cl::init("forward"),
             cl::cat(driverCategory));

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// --emit (and --target, which implies library).
llvm::Expected<EmitKind> readEmitKind() {
  const std::pair<StringRef, EmitKind> kinds[] = {
      {"forward", EmitKind::Forward},
      {"train", EmitKind::Train},
      {"remat", EmitKind::Remat},
      {"plan", EmitKind::Plan},
      {"library", EmitKind::Library}};
  llvm::Expected<EmitKind> kind =
      gc::lookupFlagChoice<EmitKind>("emit", emitName, kinds);
  if (!kind)
    return kind.takeError();
  const std::pair<StringRef, bool> models[] = {{"bert", true}};
  if (llvm::Expected<bool> model =
          gc::lookupFlagChoice<bool>("model", modelName, models);
      !model)
    return model.takeError();
  if (gc::isTargetSetOnCL()) {
    if (emitName.getNumOccurrences() && *kind != EmitKind::Library)
      return makeError("--target compiles a library; it cannot be combined "
                       "with --emit " +
                       emitName);
    if (outputFilename == "-")
      return makeError("--target writes a directory; name it with -o DIR");
    return EmitKind::Library;
  }
  if (*kind == EmitKind::Library)
    return makeError("--emit library needs --target cpu or --target cuda");
  return *kind;
}

/// The model: parsed from the positional .mlir file, or built from the
/// BERT flags.
llvm::Expected<OwningOpRef<ModuleOp>>
loadModel(MLIRContext &context, StringRef functionName,
          const gc::CompileOptions &options) {
  if (options.globalBatch > 0 && !inputFilename.empty())
    return makeError("--global-batch applies to a model built from flags "
                     "(--model); an .mlir model's batch is in its shapes "
                     "(export it with the per-rank batch)");
  if (options.globalBatch > 0 && gc::isBatchSetOnCL())
    return makeError("give the per-rank --batch or the group's "
                     "--global-batch, not both");
  if (!inputFilename.empty()) {
    llvm::SourceMgr sourceMgr;
    std::string error;
    std::unique_ptr<llvm::MemoryBuffer> file =
        openInputFile(inputFilename, &error);
    if (!file)
      return makeError(error);
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    if (failed(gc::checkNestingDepth(sourceMgr)))
      return makeError("the input nests too deeply");
    SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module)
      return makeError("cannot parse " + inputFilename);
    return module;
  }
  llvm::Expected<gc::BertConfig> config = gc::getBertConfigFromCL();
  if (!config)
    return config.takeError();
  if (options.globalBatch > 0)
    config->batchSize = options.globalBatch / options.pipeline.worldSize;
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  if (llvm::Error error =
          gc::buildBertForward(*module, *config, functionName).takeError())
    return std::move(error);
  return module;
}

llvm::Error compile() {
  auto start = std::chrono::steady_clock::now();
  gc::CompileOptions options;
  if (llvm::Error error = gc::applyCompileCLOptions(options))
    return error;
  llvm::Expected<EmitKind> emit = readEmitKind();
  if (!emit)
    return emit.takeError();

  MLIRContext context;
  context.loadDialect<gc::GcDialect, func::FuncDialect>();
  // Remarks carry readable reports (gc-remat's summary): print them as they
  // are; errors keep MLIR's located format.
  ScopedDiagnosticHandler remarks(&context, [](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() != DiagnosticSeverity::Remark)
      return failure();
    std::string text = diagnostic.str();
    llvm::errs() << text << (StringRef(text).ends_with("\n") ? "" : "\n");
    return success();
  });
  auto module = loadModel(
      context, *emit == EmitKind::Forward ? "bert_forward" : "bert_train_step",
      options);
  if (!module)
    return module.takeError();
  if (!*module)
    return makeError("no model was built");

  if (*emit != EmitKind::Forward) {
    options.priorPhases.add(
        "build model",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    options.stage = *emit == EmitKind::Train   ? gc::CompileStage::Train
                    : *emit == EmitKind::Remat ? gc::CompileStage::Remat
                    : *emit == EmitKind::Plan  ? gc::CompileStage::Plan
                                               : gc::CompileStage::Library;
    if (*emit == EmitKind::Library)
      options.directory = outputFilename;
    options.configurePassManager = [](PassManager &pm) {
      if (failed(applyPassManagerCLOptions(pm)))
        return failure();
      applyDefaultTimingPassManagerCLOptions(pm);
      return success();
    };
    llvm::Expected<gc::CompileResult> result =
        gc::compileStep(**module, options);
    if (!result)
      return result.takeError();
    if (*emit == EmitKind::Library)
      return llvm::Error::success();
  }
  return gc::writeOutputFile(outputFilename, [&](llvm::raw_ostream &os) {
    (*module)->print(os);
    return llvm::Error::success();
  });
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // --mlir-print-debuginfo and friends, to see the locations naming
  // activations; --mlir-timing and --mlir-print-ir-* for the pipeline.
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  gc::registerBertCLOptions();
  gc::registerCompileCLOptions();
  // libLLVM registers hundreds of backend options; --help lists the driver's
  // own (the others, --mlir-* included, still work and show in
  // --help-hidden).
  std::vector<const cl::OptionCategory *> categories =
      gc::getCompileCLCategories();
  categories.push_back(&driverCategory);
  categories.push_back(&gc::getBertCLCategory());
  cl::HideUnrelatedOptions(categories);
  cl::ParseCommandLineOptions(argc, argv,
                              "gc ahead-of-time compiler for training steps\n");
  if (llvm::Error error = compile()) {
    llvm::WithColor::error(llvm::errs(), "gc-compile")
        << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  return 0;
}
