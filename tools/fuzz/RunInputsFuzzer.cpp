//===- RunInputsFuzzer.cpp - Fuzz gc-run's input binding ------------------===//
//
// Any byte string as the --inputs file of `gc-run STEP.mlir`: the inputs are
// read, matched to the arguments of a tiny BERT training step by name,
// dtype, shape and value (ids, labels and the attention mask), and one step
// runs on what was accepted. Everything the file gets wrong must be a
// diagnostic; a step that runs must report its loss.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "gc/Execution/Runner.h"
#include "gc/InitAllDialects.h"
#include "gc/Models/Bert.h"
#include "gc/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;
namespace compiler = mlir::gc;

namespace {
/// The training step of a BERT small enough to run thousands of times a
/// second: 1 layer, hidden 8, sequence 4, batch 2, vocabulary 16.
func::FuncOp getTinyTrainingStep() {
  static MLIRContext *context = [] {
    DialectRegistry registry;
    compiler::registerAllDialects(registry);
    auto *result = new MLIRContext(registry, MLIRContext::Threading::DISABLED);
    result->loadAllAvailableDialects();
    result->printOpOnDiagnostic(false);
    return result;
  }();
  static ModuleOp module = [] {
    ModuleOp result = ModuleOp::create(UnknownLoc::get(context));
    compiler::BertConfig config;
    config.vocabSize = 16;
    config.hiddenSize = 8;
    config.numHiddenLayers = 1;
    config.numAttentionHeads = 2;
    config.intermediateSize = 16;
    config.maxPositionEmbeddings = 8;
    config.batchSize = 2;
    config.seqLength = 4;
    PassManager pm(context, ModuleOp::getOperationName());
    compiler::buildTrainStepPipeline(pm, compiler::TrainStepPipelineOptions());
    if (!compiler::buildBertForward(result, config, "step") ||
        failed(pm.run(result)))
      std::abort();
    return result;
  }();
  return *module.getOps<func::FuncOp>().begin();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  func::FuncOp step = getTinyTrainingStep();
  ScopedDiagnosticHandler quiet(step.getContext(),
                                [](Diagnostic &) { return success(); });
  compiler::exec::RunOptions options;
  options.inputsPath = ::gc::fuzz::writeScratchFile(data, size);
  std::string log;
  llvm::raw_string_ostream out(log);
  if (failed(compiler::exec::runSteps(step, options, out)))
    return 0;
  // A step that ran reports its loss. (Its value may be anything: the
  // file may hold non-finite or huge parameters.)
  if (log.find("step 1: loss = ") == std::string::npos)
    std::abort();
  return 0;
}
