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

#include "LaunchReport.h"
#include "StepLibrary.h"

#include "gc/Conversion/Passes.h"
#include "gc/Models/Bert.h"
#include "gc/Pipelines/Pipelines.h"
#include "gc/Report/CompileReport.h"
#include "gc/Support/NestingDepth.h"
#include "gc/Support/OutputFile.h"
#include "gc/Transforms/Passes.h"

#include "Gc/IR/GcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassInstrumentation.h"
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
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

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
  Library, ///< The compiled step: source, header, libstep.so, reports.
};

/// The accepted spellings of an enumerated flag.
template <typename T>
using Choices = llvm::ArrayRef<std::pair<llvm::StringRef, T>>;

const std::pair<llvm::StringRef, EmitKind> emitChoices[] = {
    {"forward", EmitKind::Forward}, {"train", EmitKind::Train},
    {"remat", EmitKind::Remat},     {"plan", EmitKind::Plan},
    {"library", EmitKind::Library},
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

cl::OptionCategory codegenCategory("Code generation (--target)");
cl::opt<std::string> targetName(
    "target",
    cl::desc("Compile the training step ahead of time for cpu or cuda: "
             "writes step.{cpp,cu}, step.h, step.mlir, libstep.so, "
             "report.json and memory.svg into the -o directory"),
    cl::value_desc("cpu|cuda"), cl::init(""), cl::cat(codegenCategory));
cl::opt<std::string> cudaArch("arch", cl::desc("nvcc -arch (default sm_90)"),
                              cl::value_desc("sm_XX"), cl::init("sm_90"),
                              cl::cat(codegenCategory));
cl::opt<bool> allowTf32("tf32",
                        cl::desc("Let cuBLAS use TF32 tensor cores for f32 "
                                 "matmuls (default: exact FP32)"),
                        cl::init(false), cl::cat(codegenCategory));
cl::opt<std::string> nvccPath("nvcc", cl::desc("nvcc to use"),
                              cl::value_desc("path"), cl::init(""),
                              cl::cat(codegenCategory));
cl::opt<unsigned> printLaunches(
    "print-launches",
    cl::desc("--target cuda: print the N most expensive step units with "
             "their kernel launches (grid x block) from the launch report"),
    cl::value_desc("N"), cl::init(0), cl::cat(codegenCategory));
cl::opt<bool> cudaEmulation(
    "cuda-emulation",
    cl::desc("--target cuda: build libstep.so with the host compiler for the "
             "CUDA host emulator instead of nvcc (tests without a GPU; run it "
             "with gc-run under the emulator's libcudart, "
             "LD_LIBRARY_PATH=<build>/lib/cuda-emulation)"),
    cl::init(false), cl::cat(codegenCategory));
cl::opt<std::string> hostArch(
    "host-arch",
    cl::desc("--target cpu: the -march the step is compiled for (default: "
             "the one gc's CPU kernels were built for, normally 'native', "
             "the machine that compiles; name another, e.g. x86-64-v3, to "
             "run the step elsewhere)"),
    cl::value_desc("arch"), cl::init(GC_HOST_ARCH), cl::cat(codegenCategory));
cl::opt<std::string> cxxPath("cxx", cl::desc("C++ compiler for --target cpu"),
                             cl::value_desc("path"), cl::init(""),
                             cl::cat(codegenCategory));

cl::OptionCategory optimizerCategory("Optimizer (--emit train)");
cl::opt<gc::OptimizerKind> optimizerKind("optimizer", cl::desc("sgd or adamw"),
                                         cl::init(gc::OptimizerKind::AdamW),
                                         gc::choicesOf(gc::kOptimizers),
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

cl::opt<bool> keepGradients(
    "keep-gradients",
    cl::desc("Also return every parameter's gradient from the step"),
    cl::init(false), cl::cat(optimizerCategory));

cl::OptionCategory rematCategory("Rematerialization (--emit remat)");
cl::opt<std::string>
    budget("budget",
           cl::desc("Peak-memory budget: bytes with a KiB/MiB/GiB/TiB or "
                    "KB/MB/GB/TB suffix, or a fraction of the peak without "
                    "rematerialization such as 0.5x (default: the device's "
                    "memory)"),
           cl::value_desc("size"), cl::init(""), cl::cat(rematCategory));
cl::opt<gc::RematSolverKind>
    solverKind("solver",
               cl::desc("none, per-layer, sqrt, greedy, optimal or auto"),
               cl::init(gc::RematSolverKind::Auto),
               gc::choicesOf(gc::kRematSolvers), cl::cat(rematCategory));
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
  options.optimizer = optimizerKind;
  options.lr = learningRate;
  options.beta1 = beta1;
  options.beta2 = beta2;
  options.epsilon = adamEpsilon;
  options.weightDecay = weightDecay;
  options.keepGradients = keepGradients;
}

/// Sets the remat pipeline's options from the flags, its report going to
/// `report`.
void setRematOptions(gc::RematStepPipelineOptions &options,
                     const std::string &report) {
  setOptimizerOptions(options);
  options.budget = budget;
  options.solver = solverKind;
  options.device = deviceName;
  options.deviceProfile = deviceProfilePath;
  options.report = report;
  options.summary = printSummary;
  options.timeLimit = timeLimit;
}

/// Merges the remat and memory-plan reports and `extra` into --report and
/// draws the memory timeline next to it. With `times`, the report also gets
/// the time of every phase, this one (started at `start`) included.
LogicalResult writePlanReports(llvm::json::Object extra,
                               gc::tools::PhaseTimes *times,
                               std::chrono::steady_clock::time_point start) {
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
  if (llvm::Error error =
          mlir::gc::writeOutputFile(timeline, [&](llvm::raw_ostream &os) {
            return gc::writeMemoryTimelineSvg(*remat->getAsObject(),
                                              *plan->getAsObject(), os);
          }))
    return reportError(llvm::toString(std::move(error)));

  extra["memory_timeline_svg"] = timeline;
  if (times) {
    times->add("reports", std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - start)
                              .count());
    extra["compile_time_s"] = times->toJson();
  }
  llvm::json::Value merged =
      gc::mergeReports(std::move(*remat), std::move(*plan), std::move(extra));
  if (llvm::Error error =
          mlir::gc::writeOutputFile(reportPath, [&](llvm::raw_ostream &os) {
            os << llvm::formatv("{0:2}", merged) << "\n";
            return llvm::Error::success();
          }))
    return reportError(llvm::toString(std::move(error)));
  return success();
}

/// The model: parsed from the positional .mlir file, or built from the
/// BERT flags.
OwningOpRef<ModuleOp> loadModel(MLIRContext &context,
                                const gc::BertConfig &config,
                                StringRef functionName) {
  if (!inputFilename.empty()) {
    llvm::SourceMgr sourceMgr;
    std::string error;
    std::unique_ptr<llvm::MemoryBuffer> file =
        openInputFile(inputFilename, &error);
    if (!file) {
      (void)reportError(error);
      return nullptr;
    }
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    if (failed(mlir::gc::checkNestingDepth(sourceMgr)))
      return nullptr;
    SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    return parseSourceFile<ModuleOp>(sourceMgr, &context);
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  if (llvm::Error error =
          gc::buildBertForward(*module, config, functionName).takeError()) {
    (void)reportError(llvm::toString(std::move(error)));
    return nullptr;
  }
  return module;
}

/// Times every pass (by argument name, summed) and announces the slow ones.
class PassTimer : public PassInstrumentation {
public:
  explicit PassTimer(gc::tools::PhaseTimes &times) : times(times) {}
  void runBeforePass(Pass *pass, Operation *) override {
    if (pass->getArgument() == "gc-remat")
      llvm::errs() << "gc-compile: solving rematerialization (solver "
                   << gc::nameOf(gc::kRematSolvers, solverKind.getValue())
                   << ", budget "
                   << (budget.empty() ? std::string("device memory")
                                      : std::string(budget))
                   << ", device " << deviceName << ")\n";
    starts.push_back(std::chrono::steady_clock::now());
  }
  void runAfterPass(Pass *pass, Operation *) override { record(pass); }
  void runAfterPassFailed(Pass *pass, Operation *) override { record(pass); }

private:
  void record(Pass *pass) {
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - starts.back())
                         .count();
    starts.pop_back();
    // Adaptor passes (op-agnostic nesting) would count their children twice.
    if (!pass->getArgument().empty())
      times.add(pass->getArgument().str(), seconds);
  }
  gc::tools::PhaseTimes &times;
  std::vector<std::chrono::steady_clock::time_point> starts;
};

/// --target: the whole pipeline, the emitted source and libstep.so, and the
/// merged report with the time of every phase.
LogicalResult compileLibrary(ModuleOp module, gc::StepTarget target,
                             gc::tools::PhaseTimes &times) {
  if (outputFilename == "-")
    return reportError("--target writes a directory; name it with -o DIR");
  if (std::error_code error = llvm::sys::fs::create_directories(outputFilename))
    return reportError("cannot create the output directory '" + outputFilename +
                       "': " + error.message());
  llvm::SmallString<256> defaultReport(outputFilename);
  llvm::sys::path::append(defaultReport, "report.json");
  if (reportPath.empty())
    reportPath = std::string(defaultReport);

  // The pass reports are merged into --report at the end.
  auto cleanup = llvm::make_scope_exit([&] {
    llvm::sys::fs::remove(reportPath + ".remat.tmp");
    llvm::sys::fs::remove(reportPath + ".plan.tmp");
  });
  PassManager pm(module->getContext(), ModuleOp::getOperationName());
  pm.addInstrumentation(std::make_unique<PassTimer>(times));
  gc::RematStepPipelineOptions options;
  setRematOptions(options, reportPath + ".remat.tmp");
  gc::buildRematStepPipeline(pm, options);
  gc::PlanMemoryOptions plan;
  plan.report = reportPath + ".plan.tmp";
  plan.workspaces = target == gc::StepTarget::Cuda;
  pm.nest<func::FuncOp>().addPass(gc::createPlanMemory(plan));
  pm.nest<func::FuncOp>().addPass(gc::createLowerToKernels());
  if (failed(pm.run(module)))
    return reportError("the compilation pipeline failed");

  gc::tools::StepLibraryOptions libraryOptions;
  libraryOptions.emit.target = target;
  libraryOptions.emit.allowTf32 = allowTf32;
  libraryOptions.directory = outputFilename;
  libraryOptions.arch = cudaArch;
  libraryOptions.nvcc = nvccPath;
  libraryOptions.cudaEmulation = cudaEmulation;
  libraryOptions.cxx = cxxPath;
  libraryOptions.hostArch = hostArch;
  llvm::Expected<gc::tools::StepLibrary> library =
      gc::tools::writeStepLibrary(module, libraryOptions, times, llvm::errs());
  if (!library)
    return reportError(llvm::toString(library.takeError()));

  llvm::json::Value launchReport = nullptr;
  if (target == gc::StepTarget::Cuda && !gc::tools::canRecordLaunches()) {
    llvm::errs() << "gc-compile: note: no launch report (this gc was built "
                    "without the CUDA host emulator)\n";
    launchReport = nullptr;
  } else if (target == gc::StepTarget::Cuda) {
    gc::tools::LaunchReportOptions reportOptions;
    reportOptions.device = deviceName;
    reportOptions.deviceProfilePath = deviceProfilePath;
    reportOptions.top = printLaunches;
    llvm::Expected<llvm::json::Value> launches =
        gc::tools::buildLaunchReport(module, libraryOptions, library->emission,
                                     reportOptions, times, llvm::errs());
    if (!launches)
      return reportError("the launch report failed: " +
                         llvm::toString(launches.takeError()));
    launchReport = std::move(*launches);
  }

  auto start = std::chrono::steady_clock::now();
  auto function = *module.getOps<func::FuncOp>().begin();
  auto attr = [&](StringRef name) {
    auto value = function->getAttrOfType<IntegerAttr>(name);
    return value ? value.getInt() : int64_t(-1);
  };
  const gc::StepEmission &emission = library->emission;
  llvm::json::Object extra;
  extra["target"] = gc::getStepTargetName(target);
  extra["library"] = library->libraryPath;
  extra["source"] = library->sourcePath;
  extra["arena_bytes"] = attr(gc::GcDialect::getArenaBytesAttrName());
  extra["planned_arena_bytes"] =
      attr(gc::GcDialect::getPlannedArenaBytesAttrName());
  extra["kernels"] = llvm::json::Object{
      {"runtime_calls", emission.runtimeKernels},
      {"fused_launches", emission.fusedKernels},
      {"fused_ops", emission.fusedOps},
      {"distinct_fused_kernels", emission.distinctFusedKernels},
      {"views", emission.views},
      {"result_copies", emission.resultCopies}};
  if (target == gc::StepTarget::Cuda)
    extra["launches"] = std::move(launchReport);

  if (failed(writePlanReports(std::move(extra), &times, start)))
    return failure();

  llvm::errs() << llvm::formatv(
      "gc-compile: {0} step: {1} runtime kernel calls, {2} fused kernel "
      "launches ({3} gc ops, {4} distinct kernels); arena {5} bytes "
      "({6:f2} GiB; the planner's arena with the returned values: {7} "
      "bytes)\n",
      gc::getStepTargetName(target), emission.runtimeKernels,
      emission.fusedKernels, emission.fusedOps, emission.distinctFusedKernels,
      attr(gc::GcDialect::getArenaBytesAttrName()),
      attr(gc::GcDialect::getArenaBytesAttrName()) / 1073741824.0,
      attr(gc::GcDialect::getPlannedArenaBytesAttrName()));
  llvm::errs() << "gc-compile: phases:";
  for (const auto &[phase, seconds] : times.get())
    llvm::errs() << llvm::formatv(" {0} {1:f2} s;", phase, seconds);
  llvm::errs() << llvm::formatv(" total {0:f2} s\n", times.total());
  llvm::errs() << "gc-compile: wrote " << library->libraryPath << ", "
               << library->sourcePath << ", step.h, step.mlir, " << reportPath
               << "\n";
  return success();
}

/// Flags whose default is a sentinel or an empty string: given explicitly,
/// the sentinel or the empty string is a mistake, not a request for the
/// default.
LogicalResult checkExplicitFlags() {
  if (weightDecay.getNumOccurrences() &&
      !(std::isfinite(weightDecay) && weightDecay >= 0))
    return reportError("--weight-decay must be finite and non-negative, but "
                       "is " +
                       std::to_string(weightDecay.getValue()));
  if (budget.getNumOccurrences() && budget.empty())
    return reportError("--budget is empty; give a size such as 70GiB or a "
                       "fraction such as 0.8x, or leave the flag out for "
                       "the device's memory");
  return success();
}

LogicalResult compile() {
  auto start = std::chrono::steady_clock::now();
  if (failed(checkExplicitFlags()))
    return failure();
  if (!parseChoice<bool>("model", modelName, modelChoices))
    return failure();
  std::optional<EmitKind> emit =
      parseChoice<EmitKind>("emit", emitName, emitChoices);
  if (!emit)
    return failure();
  std::optional<gc::StepTarget> target;
  if (!targetName.empty()) {
    const std::pair<llvm::StringRef, gc::StepTarget> targets[] = {
        {"cpu", gc::StepTarget::Cpu}, {"cuda", gc::StepTarget::Cuda}};
    target = parseChoice<gc::StepTarget>("target", targetName, targets);
    if (!target)
      return failure();
    if (emitName.getNumOccurrences() && *emit != EmitKind::Library)
      return reportError("--target compiles a library; it cannot be combined "
                         "with --emit " +
                         emitName);
    emit = EmitKind::Library;
    // The CPU's own profile, unless a device was asked for.
    if (*target == gc::StepTarget::Cpu && !deviceName.getNumOccurrences())
      deviceName = "cpu";
  } else if (*emit == EmitKind::Library) {
    return reportError("--emit library needs --target cpu or --target cuda");
  }
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
  StringRef functionName =
      *emit == EmitKind::Forward ? "bert_forward" : "bert_train_step";
  OwningOpRef<ModuleOp> module = loadModel(context, *config, functionName);
  if (!module)
    return failure();
  gc::tools::PhaseTimes times;
  times.add("build model", std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - start)
                               .count());
  if (*emit == EmitKind::Library)
    return compileLibrary(*module, *target, times);

  if (*emit != EmitKind::Forward) {
    PassManager pm(&context, ModuleOp::getOperationName());
    if (*emit == EmitKind::Train) {
      gc::TrainStepPipelineOptions options;
      setOptimizerOptions(options);
      gc::buildTrainStepPipeline(pm, options);
    } else {
      // With a memory plan, the two reports are merged afterwards.
      gc::RematStepPipelineOptions options;
      setRematOptions(options, *emit == EmitKind::Plan && !reportPath.empty()
                                   ? reportPath + ".remat.tmp"
                                   : std::string(reportPath));
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
        (*emit == EmitKind::Plan && failed(writePlanReports({}, nullptr, {}))))
      return reportError(*emit == EmitKind::Train
                             ? "the gc-train-step pipeline failed"
                             : "the gc-remat-step pipeline failed");
  }

  if (llvm::Error error =
          mlir::gc::writeOutputFile(outputFilename, [&](llvm::raw_ostream &os) {
            module->print(os);
            return llvm::Error::success();
          }))
    return reportError(llvm::toString(std::move(error)));
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
  cl::HideUnrelatedOptions({&driverCategory, &codegenCategory,
                            &optimizerCategory, &rematCategory, &bertCategory});
  cl::ParseCommandLineOptions(argc, argv,
                              "gc ahead-of-time compiler for training steps\n");
  return failed(compile()) ? 1 : 0;
}
