//===- gc-compile.cpp - gc's ahead-of-time compiler driver ----------------===//
//
// Turns a model configuration into gc IR: the BERT forward function
// (`--emit forward`) or the training step after differentiation and the
// optimizer update (`--emit train`, the gc-train-step pipeline). The driver
// only parses flags into a BertConfig and prints what the model library builds:
// every rule about configurations lives in the library, so a bad flag is
// reported as `gc-compile: error: <message>` with exit code 1.
//
//===----------------------------------------------------------------------===//

#include "gc/Models/Bert.h"
#include "gc/Pipelines/Pipelines.h"
#include "gc/Report/CompileReport.h"
#include "gc/Transforms/Passes.h"

#include "Gc/IR/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <utility>

using namespace mlir;
namespace cl = llvm::cl;

namespace {
/// What the driver writes.
enum class EmitKind {
  Forward, ///< The forward function computing the loss.
  Train,   ///< The training step: loss, updated parameters and state.
  Remat,   ///< The training step, scheduled and rematerialized.
  Plan,    ///< The rematerialized step with its static memory plan.
};

/// The accepted spellings of an enumerated flag.
template <typename T>
using Choices = llvm::ArrayRef<std::pair<llvm::StringRef, T>>;

const std::pair<llvm::StringRef, EmitKind> emitChoices[] = {
    {"forward", EmitKind::Forward},
    {"train", EmitKind::Train},
    {"remat", EmitKind::Remat},
    {"plan", EmitKind::Plan},
};
const std::pair<llvm::StringRef, bool> modelChoices[] = {{"bert", true}};
const std::pair<llvm::StringRef, gc::BertActivation> activationChoices[] = {
    {gc::stringifyBertActivation(gc::BertActivation::Gelu),
     gc::BertActivation::Gelu},
    {gc::stringifyBertActivation(gc::BertActivation::GeluNew),
     gc::BertActivation::GeluNew},
};
const std::pair<llvm::StringRef, gc::BertLoss> lossChoices[] = {
    {gc::stringifyBertLoss(gc::BertLoss::MaskedLM), gc::BertLoss::MaskedLM},
    {gc::stringifyBertLoss(gc::BertLoss::Mean), gc::BertLoss::Mean},
};
const std::pair<llvm::StringRef, gc::BertElementType> dtypeChoices[] = {
    {gc::stringifyBertElementType(gc::BertElementType::F32),
     gc::BertElementType::F32},
    {gc::stringifyBertElementType(gc::BertElementType::F64),
     gc::BertElementType::F64},
};

/// Flag defaults come from the library's defaults (BERT-large, batch 64,
/// sequence 512) so the two cannot drift apart.
const gc::BertConfig defaults;

cl::OptionCategory driverCategory("gc-compile options");
cl::opt<std::string> outputFilename("o",
                                    cl::desc("Output file ('-' for stdout)"),
                                    cl::value_desc("filename"), cl::init("-"),
                                    cl::cat(driverCategory));
cl::opt<std::string> modelName("model", cl::desc("Model to build: bert"),
                               cl::value_desc("name"), cl::init("bert"),
                               cl::cat(driverCategory));
cl::opt<std::string>
    emitName("emit", cl::desc("What to emit: forward, train, remat or plan"),
             cl::value_desc("kind"), cl::init("forward"),
             cl::cat(driverCategory));

cl::OptionCategory optimizerCategory("Optimizer (--emit train)");
cl::opt<std::string> optimizerName("optimizer", cl::desc("sgd or adamw"),
                                   cl::value_desc("name"), cl::init("adamw"),
                                   cl::cat(optimizerCategory));
cl::opt<double> learningRate("lr", cl::desc("Learning rate"), cl::init(1e-4),
                             cl::cat(optimizerCategory));
cl::opt<double> beta1("beta1", cl::desc("AdamW beta1"), cl::init(0.9),
                      cl::cat(optimizerCategory));
cl::opt<double> beta2("beta2", cl::desc("AdamW beta2"), cl::init(0.999),
                      cl::cat(optimizerCategory));
cl::opt<double> adamEpsilon("adam-epsilon", cl::desc("AdamW epsilon"),
                            cl::init(1e-8), cl::cat(optimizerCategory));
cl::opt<double>
    weightDecay("weight-decay",
                cl::desc("Weight decay (default: 0.01 for AdamW, 0 for SGD)"),
                cl::init(-1), cl::cat(optimizerCategory));

cl::OptionCategory rematCategory("Rematerialization (--emit remat)");
cl::opt<std::string>
    budget("budget",
           cl::desc("Peak-memory budget: bytes with a KiB/MiB/GiB/TiB or "
                    "KB/MB/GB/TB suffix, or a fraction of the peak without "
                    "rematerialization such as 0.5x (default: the device's "
                    "memory)"),
           cl::value_desc("size"), cl::init(""), cl::cat(rematCategory));
cl::opt<std::string> solverName(
    "solver", cl::desc("none, per-layer, sqrt, greedy, optimal or auto"),
    cl::value_desc("name"), cl::init("auto"), cl::cat(rematCategory));
cl::opt<std::string> deviceName("device", cl::desc("h100, h200, a100 or cpu"),
                                cl::value_desc("name"), cl::init("h100"),
                                cl::cat(rematCategory));
cl::opt<std::string> deviceProfilePath(
    "device-profile", cl::desc("JSON file overriding the device profile"),
    cl::value_desc("path"), cl::init(""), cl::cat(rematCategory));
cl::opt<std::string> reportPath("report",
                                cl::desc("Write the gc-remat report (JSON)"),
                                cl::value_desc("path"), cl::init(""),
                                cl::cat(rematCategory));
cl::opt<std::string> timelinePath(
    "timeline",
    cl::desc("Write the memory timeline of the plan as SVG (--emit plan; "
             "default: memory.svg next to --report)"),
    cl::value_desc("path"), cl::init(""), cl::cat(rematCategory));
cl::opt<bool> printSummary("summary",
                           cl::desc("Print a readable summary of the plan"),
                           cl::init(false), cl::cat(rematCategory));
cl::opt<double> timeLimit("time-limit",
                          cl::desc("Time limit of the optimal solver (s)"),
                          cl::init(10), cl::cat(rematCategory));

cl::OptionCategory bertCategory("BERT configuration (Hugging Face BertConfig)");
cl::opt<int64_t> layers("layers", cl::desc("num_hidden_layers"),
                        cl::init(defaults.numHiddenLayers),
                        cl::cat(bertCategory));
cl::opt<int64_t> hidden("hidden", cl::desc("hidden_size"),
                        cl::init(defaults.hiddenSize), cl::cat(bertCategory));
cl::opt<int64_t> heads("heads", cl::desc("num_attention_heads"),
                       cl::init(defaults.numAttentionHeads),
                       cl::cat(bertCategory));
cl::opt<int64_t> intermediate("intermediate", cl::desc("intermediate_size"),
                              cl::init(defaults.intermediateSize),
                              cl::cat(bertCategory));
cl::opt<int64_t> vocab("vocab", cl::desc("vocab_size"),
                       cl::init(defaults.vocabSize), cl::cat(bertCategory));
cl::opt<int64_t> maxPosition("max-position",
                             cl::desc("max_position_embeddings"),
                             cl::init(defaults.maxPositionEmbeddings),
                             cl::cat(bertCategory));
cl::opt<int64_t> typeVocab("type-vocab", cl::desc("type_vocab_size"),
                           cl::init(defaults.typeVocabSize),
                           cl::cat(bertCategory));
cl::opt<int64_t> padTokenId(
    "pad-token-id",
    cl::desc("pad_token_id, the word embeddings' padding_idx (-1: none)"),
    cl::init(defaults.padTokenId.value_or(-1)), cl::cat(bertCategory));
cl::opt<double> dropout("dropout", cl::desc("hidden_dropout_prob"),
                        cl::init(defaults.hiddenDropoutProb),
                        cl::cat(bertCategory));
cl::opt<double> attentionDropout("attention-dropout",
                                 cl::desc("attention_probs_dropout_prob"),
                                 cl::init(defaults.attentionProbsDropoutProb),
                                 cl::cat(bertCategory));
cl::opt<double> layerNormEps("layer-norm-eps", cl::desc("layer_norm_eps"),
                             cl::init(defaults.layerNormEps),
                             cl::cat(bertCategory));
cl::opt<std::string>
    hiddenAct("hidden-act", cl::desc("hidden_act: gelu or gelu_new"),
              cl::value_desc("name"),
              cl::init(gc::stringifyBertActivation(defaults.hiddenAct).str()),
              cl::cat(bertCategory));
cl::opt<int64_t> seq("seq", cl::desc("Sequence length"),
                     cl::init(defaults.seqLength), cl::cat(bertCategory));
cl::opt<int64_t> batch("batch", cl::desc("Batch size"),
                       cl::init(defaults.batchSize), cl::cat(bertCategory));
cl::opt<std::string>
    loss("loss",
         cl::desc("Loss: mlm (BertForMaskedLM) or mean (mean of "
                  "BertModel's last hidden state)"),
         cl::value_desc("kind"),
         cl::init(gc::stringifyBertLoss(defaults.loss).str()),
         cl::cat(bertCategory));
cl::opt<std::string>
    dtype("dtype", cl::desc("Element type: f32 or f64"), cl::value_desc("type"),
          cl::init(gc::stringifyBertElementType(defaults.elementType).str()),
          cl::cat(bertCategory));

/// Reports `message` as gc-compile's error and returns failure.
LogicalResult reportError(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "gc-compile") << message << "\n";
  return failure();
}

/// Looks `value` of flag `flag` up in `choices`, reporting an error that
/// lists the accepted values when it is not there.
template <typename T>
std::optional<T> parseChoice(llvm::StringRef flag, llvm::StringRef value,
                             Choices<T> choices) {
  for (const auto &[name, choice] : choices)
    if (name == value)
      return choice;
  std::string accepted;
  llvm::raw_string_ostream os(accepted);
  llvm::interleaveComma(choices, os,
                        [&](const auto &choice) { os << choice.first; });
  (void)reportError("unsupported --" + flag + " value '" + value +
                    "'; expected one of: " + accepted);
  return std::nullopt;
}

/// Collects the BERT flags into a configuration; validation is the
/// library's.
std::optional<gc::BertConfig> readBertConfig() {
  auto activation = parseChoice<gc::BertActivation>("hidden-act", hiddenAct,
                                                    activationChoices);
  auto lossKind = parseChoice<gc::BertLoss>("loss", loss, lossChoices);
  auto elementType =
      parseChoice<gc::BertElementType>("dtype", dtype, dtypeChoices);
  if (!activation || !lossKind || !elementType)
    return std::nullopt;

  gc::BertConfig config;
  config.vocabSize = vocab;
  config.hiddenSize = hidden;
  config.numHiddenLayers = layers;
  config.numAttentionHeads = heads;
  config.intermediateSize = intermediate;
  config.maxPositionEmbeddings = maxPosition;
  config.typeVocabSize = typeVocab;
  config.padTokenId =
      padTokenId == -1 ? std::nullopt : std::optional<int64_t>(padTokenId);
  config.hiddenDropoutProb = dropout;
  config.attentionProbsDropoutProb = attentionDropout;
  config.layerNormEps = layerNormEps;
  config.hiddenAct = *activation;
  config.batchSize = batch;
  config.seqLength = seq;
  config.loss = *lossKind;
  config.elementType = *elementType;
  return config;
}

/// Copies the optimizer flags into either pipeline's options.
template <typename Options> void setOptimizerOptions(Options &options) {
  options.optimizer = optimizerName;
  options.lr = learningRate;
  options.beta1 = beta1;
  options.beta2 = beta2;
  options.epsilon = adamEpsilon;
  options.weightDecay = weightDecay;
}

/// Merges the remat and memory-plan reports into --report and draws the
/// memory timeline next to it.
LogicalResult writePlanReports() {
  if (reportPath.empty())
    return success();
  std::string rematPath = reportPath + ".remat.tmp";
  std::string planPath = reportPath + ".plan.tmp";
  auto cleanup = llvm::make_scope_exit([&] {
    llvm::sys::fs::remove(rematPath);
    llvm::sys::fs::remove(planPath);
  });
  llvm::Expected<llvm::json::Value> remat = gc::readJsonFile(rematPath);
  if (!remat)
    return reportError(llvm::toString(remat.takeError()));
  llvm::Expected<llvm::json::Value> plan = gc::readJsonFile(planPath);
  if (!plan)
    return reportError(llvm::toString(plan.takeError()));
  if (!remat->getAsObject() || !plan->getAsObject())
    return reportError("malformed pass reports");

  std::string timeline = timelinePath;
  if (timeline.empty()) {
    llvm::SmallString<256> path(reportPath);
    llvm::sys::path::remove_filename(path);
    llvm::sys::path::append(path, "memory.svg");
    timeline = std::string(path);
  }
  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> svg =
      openOutputFile(timeline, &errorMessage);
  if (!svg)
    return reportError(errorMessage);
  if (llvm::Error error = gc::writeMemoryTimelineSvg(
          *remat->getAsObject(), *plan->getAsObject(), svg->os()))
    return reportError(llvm::toString(std::move(error)));
  svg->keep();

  llvm::json::Object extra;
  extra["memory_timeline_svg"] = timeline;
  llvm::json::Value merged =
      gc::mergeReports(std::move(*remat), std::move(*plan), std::move(extra));
  std::unique_ptr<llvm::ToolOutputFile> report =
      openOutputFile(reportPath, &errorMessage);
  if (!report)
    return reportError(errorMessage);
  report->os() << llvm::formatv("{0:2}", merged) << "\n";
  report->keep();
  return success();
}

LogicalResult compile() {
  if (!parseChoice<bool>("model", modelName, modelChoices))
    return failure();
  std::optional<EmitKind> emit =
      parseChoice<EmitKind>("emit", emitName, emitChoices);
  if (!emit)
    return failure();
  std::optional<gc::BertConfig> config = readBertConfig();
  if (!config)
    return failure();

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
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  StringRef functionName =
      *emit == EmitKind::Forward ? "bert_forward" : "bert_train_step";
  if (llvm::Error error =
          gc::buildBertForward(*module, *config, functionName).takeError())
    return reportError(llvm::toString(std::move(error)));
  if (*emit != EmitKind::Forward) {
    PassManager pm(&context, ModuleOp::getOperationName());
    if (*emit == EmitKind::Train) {
      gc::TrainStepPipelineOptions options;
      setOptimizerOptions(options);
      gc::buildTrainStepPipeline(pm, options);
    } else {
      gc::RematStepPipelineOptions options;
      setOptimizerOptions(options);
      options.budget = budget;
      options.solver = solverName;
      options.device = deviceName;
      options.deviceProfile = deviceProfilePath;
      // With a memory plan, the two reports are merged afterwards.
      options.report = *emit == EmitKind::Plan && !reportPath.empty()
                           ? reportPath + ".remat.tmp"
                           : std::string(reportPath);
      options.summary = printSummary;
      options.timeLimit = timeLimit;
      gc::buildRematStepPipeline(pm, options);
      if (*emit == EmitKind::Plan) {
        gc::PlanMemoryOptions plan;
        if (!reportPath.empty())
          plan.report = reportPath + ".plan.tmp";
        pm.nest<func::FuncOp>().addPass(gc::createPlanMemory(plan));
      }
    }
    // The passes report their own located errors (e.g. a bad optimizer
    // option) through the context's diagnostic handler.
    if (failed(pm.run(*module)) ||
        (*emit == EmitKind::Plan && failed(writePlanReports())))
      return reportError(*emit == EmitKind::Train
                             ? "the gc-train-step pipeline failed"
                             : "the gc-remat-step pipeline failed");
  }

  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output)
    return reportError(errorMessage);
  module->print(output->os());
  output->keep();
  return success();
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // --mlir-print-debuginfo and friends, to see the locations naming
  // activations.
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  // libLLVM registers hundreds of backend options; --help lists the driver's
  // own (the others, --mlir-* included, still work and show in
  // --help-hidden).
  cl::HideUnrelatedOptions(
      {&driverCategory, &optimizerCategory, &rematCategory, &bertCategory});
  cl::ParseCommandLineOptions(argc, argv,
                              "gc ahead-of-time compiler for training steps\n");
  return failed(compile()) ? 1 : 0;
}
