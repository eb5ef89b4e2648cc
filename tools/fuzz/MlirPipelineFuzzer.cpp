//===- MlirPipelineFuzzer.cpp - Fuzz parsing and the training pipeline ----===//
//
// Any text as a gc module: parsed (its nesting bounded first, as the tools
// do) and verified; a module that verifies goes through what
// gc-compile --target runs: the training step (autodiff, optimizer),
// scheduling, rematerialization under a budget, memory planning, lowering to
// kernels and C++ emission. Every stage may reject the module with a
// diagnostic; none may crash.
//
//===----------------------------------------------------------------------===//

#include "gc/Conversion/Passes.h"
#include "gc/InitAllDialects.h"
#include "gc/Pipelines/Pipelines.h"
#include "gc/Support/NestingDepth.h"
#include "gc/Target/StepTranslation.h"
#include "gc/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Larger inputs only slow the search down; the readers are the same.
  if (size > (1 << 16))
    return 0;
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  if (gc::findExcessiveNesting(text, gc::kMaxNestingDepth))
    return 0;
  static DialectRegistry *registry = [] {
    auto *result = new DialectRegistry;
    gc::registerAllDialects(*result);
    return result;
  }();
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  // GC_FUZZ_VERBOSE=1 shows why inputs are rejected (when triaging).
  static const bool verbose = std::getenv("GC_FUZZ_VERBOSE") != nullptr;
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &diagnostic) {
    if (verbose)
      llvm::errs() << diagnostic.getLocation() << ": " << diagnostic << "\n";
    return success();
  });

  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  sourceMgr->AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "fuzz.mlir"), llvm::SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return 0;

  // A budget that forces rematerialization, then (when no plan meets it)
  // one that every step meets, so that the later stages run too.
  OwningOpRef<ModuleOp> step;
  for (const char *budget : {"0.85x", "1x"}) {
    step = module->clone();
    PassManager pm(&context, ModuleOp::getOperationName());
    gc::CompileStepPipelineOptions options;
    options.budget = budget;
    options.device = "h100";
    options.timeLimit = 0.05;
    options.planTimeLimit = 0.01;
    gc::buildCompileStepPipeline(pm, options);
    if (succeeded(pm.run(*step)))
      break;
    step = nullptr;
  }
  if (!step)
    return 0;

  FailureOr<func::FuncOp> function = gc::getStepFunction(*step);
  if (failed(function))
    return 0;
  std::string source, header;
  llvm::raw_string_ostream sourceOs(source), headerOs(header);
  (void)gc::emitStep(*function, gc::StepEmitOptions(), sourceOs, &headerOs);
  return 0;
}
