//===- gc-opt.cpp - gc's optimizer driver ---------------------------------===//
//
// Like mlir-opt, for modules in the gc dialect: parses, verifies, runs a pass
// pipeline and prints. All gc dialects and passes are registered. Before
// parsing, the input's bracket nesting is bounded (gc/Support/NestingDepth.h)
// and after printing, a failed write (a full disk) is an error, not a crash.
//
//===----------------------------------------------------------------------===//

#include "gc/InitAllDialects.h"
#include "gc/InitAllPasses.h"
#include "gc/Support/NestingDepth.h"
#include "gc/Support/OutputFile.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  mlir::gc::registerAllDialects(registry);
  mlir::gc::registerAllPasses();
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "gc optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  // Listings read no input: mlir-opt's driver prints them.
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputFilename, outputFilename, registry));

  auto error = [](const llvm::Twine &message) {
    llvm::WithColor::error(llvm::errs(), "gc-opt") << message << "\n";
    return 1;
  };
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &message);
  if (!input)
    return error(message);
  {
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(input->getMemBufferRef(),
                                         /*RequiresNullTerminator=*/false),
        llvm::SMLoc());
    if (failed(mlir::gc::checkNestingDepth(sourceMgr)))
      return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &message);
  if (!output)
    return error(message);
  llvm::LogicalResult result =
      mlir::MlirOptMain(output->os(), std::move(input), registry, config);
  if (llvm::Error failure =
          mlir::gc::checkWritten(output->os(), "'" + outputFilename + "'"))
    return error(llvm::toString(std::move(failure)));
  if (failed(result))
    return 1;
  output->keep();
  return 0;
}
