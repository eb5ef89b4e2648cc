//===- gc-translate.cpp - Translations of gc steps to source --------------===//
//
// `mlir-translate` for gc: --gc-to-cpp / --gc-to-cuda turn a step lowered by
// gc-lower-to-kernels into step.cpp / step.cu, the -header variants into
// step.h. Its own small driver rather than mlirTranslateMain, so that a
// failed write of the output (a full disk) is an error, not a crash.
//
//===----------------------------------------------------------------------===//

#include "gc/Support/OutputFile.h"
#include "gc/Target/StepTranslation.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::opt<std::string>
    inputFilename(cl::Positional, cl::desc("<input file>"), cl::init("-"));
static cl::opt<std::string> outputFilename("o", cl::desc("Output filename"),
                                           cl::value_desc("filename"),
                                           cl::init("-"));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::gc::registerCppStepTranslations();
  mlir::gc::registerCudaStepTranslations();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerTranslationCLOptions();
  cl::opt<const mlir::Translation *, false, mlir::TranslationParser>
      translation(cl::desc("Translation to perform"), cl::Required);
  cl::ParseCommandLineOptions(argc, argv, "gc translation driver\n");

  auto error = [](const Twine &message) {
    WithColor::error(errs(), "gc-translate") << message << "\n";
    return 1;
  };
  std::string message;
  std::unique_ptr<MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &message);
  if (!input)
    return error(message);
  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &message);
  if (!output)
    return error(message);

  auto sourceMgr = std::make_shared<SourceMgr>();
  sourceMgr->AddNewSourceBuffer(std::move(input), SMLoc());
  mlir::MLIRContext context;
  mlir::SourceMgrDiagnosticHandler diagnostics(*sourceMgr, &context);
  LogicalResult result = (*translation)(sourceMgr, output->os(), &context);
  if (Error failure = mlir::gc::checkWritten(
          output->os(), "'" + outputFilename.getValue() + "'"))
    return error(toString(std::move(failure)));
  if (failed(result))
    return 1;
  output->keep();
  return 0;
}
