//===- StepEmitter.cpp - Shared machinery of the step emitters ------------===//
//
// The walk over a lowered step: every op becomes a runtime call, part of a
// fused kernel, or nothing (a view); returned values that do not already
// live in their result buffer are copied there last; the descriptor that
// the runtime loads (gc_rt/StepAbi.h) lists every argument and result.
//
//===----------------------------------------------------------------------===//

#include "StepEmitter.h"

#include "gc/Dialect/GcOps.h"
#include "gc/Support/NestingDepth.h"
#include "gc/Transforms/RematIR.h"
#include "gc/Transforms/StepArguments.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>
#include <cstdio>
#include <map>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::target;

namespace {
/// C string literal of `text`.
std::string quote(StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

int64_t byteSize(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return tensor.getNumElements() * ((tensor.getElementTypeBitWidth() + 7) / 8);
}

const char *dtypeEnum(Type elementType) {
  if (elementType.isF32())
    return "GC_STEP_DTYPE_F32";
  if (elementType.isF64())
    return "GC_STEP_DTYPE_F64";
  if (elementType.isF16())
    return "GC_STEP_DTYPE_F16";
  if (elementType.isBF16())
    return "GC_STEP_DTYPE_BF16";
  if (elementType.isSignlessInteger(32))
    return "GC_STEP_DTYPE_I32";
  return "GC_STEP_DTYPE_I64";
}

const char *initEnum(InitKind kind) {
  switch (kind) {
  case InitKind::Zeros:
    return "GC_STEP_INIT_ZEROS";
  case InitKind::Ones:
    return "GC_STEP_INIT_ONES";
  case InitKind::Normal:
    return "GC_STEP_INIT_NORMAL";
  case InitKind::Index:
    return "GC_STEP_INIT_INDEX";
  case InitKind::Seed:
    return "GC_STEP_INIT_SEED";
  case InitKind::Full:
    return "GC_STEP_INIT_FULL";
  }
  return "GC_STEP_INIT_ZEROS";
}

/// The ABI role of argument `index` (its gc.role, StepArguments.h).
const char *argumentRole(func::FuncOp function, unsigned index) {
  switch (getArgumentRole(function, index)) {
  case ArgumentRole::Parameter:
    return "GC_STEP_ROLE_PARAMETER";
  case ArgumentRole::OptimizerState:
    return "GC_STEP_ROLE_OPTIMIZER_STATE";
  case ArgumentRole::StepCounter:
    return "GC_STEP_ROLE_STEP_COUNTER";
  case ArgumentRole::Seed:
    return "GC_STEP_ROLE_SEED";
  case ArgumentRole::Batch:
  case ArgumentRole::Gradient:
    break;
  }
  return "GC_STEP_ROLE_BATCH";
}

std::string shapeText(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << tensor.getElementType() << "[";
  llvm::interleaveComma(tensor.getShape(), os);
  os << "]";
  return text;
}
} // namespace

StringRef mlir::gc::getStepTargetName(StepTarget target) {
  return nameOf(kStepTargets, target);
}

FailureOr<std::string> StepEmitter::getElementTypeName(Type type,
                                                       Location loc) {
  if (type.isF32())
    return std::string("float");
  if (type.isF64())
    return std::string("double");
  // 16-bit storage types (gc_rt/HalfFloat.h); the kernels compute in float.
  if (type.isBF16())
    return std::string("::gc::rt::BFloat16");
  if (type.isF16())
    return std::string("::gc::rt::Half");
  if (type.isSignlessInteger(32))
    return std::string("int32_t");
  if (type.isSignlessInteger(64))
    return std::string("int64_t");
  return emitError(loc) << "the " << getStepTargetName(options.target)
                        << " emitter supports f32, f64, bf16, f16, i32 and "
                           "i64 tensors, but found "
                        << type;
}

FailureOr<std::string> StepEmitter::getElementTypeName(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return emitError(value.getLoc())
           << "expected a ranked tensor, but found " << value.getType();
  return getElementTypeName(type.getElementType(), value.getLoc());
}

FailureOr<std::string> StepEmitter::getPointer(Value value) {
  FailureOr<std::string> type = getElementTypeName(value);
  FailureOr<Storage> storage = getStorage(value);
  if (failed(type) || failed(storage))
    return failure();
  switch (storage->kind) {
  case Storage::Kind::Arena:
    return "reinterpret_cast<" + *type + " *>(arena + " +
           std::to_string(storage->index) + ")";
  case Storage::Kind::Argument:
    return "static_cast<" + *type + " *>(call->arguments[" +
           std::to_string(storage->index) + "])";
  case Storage::Kind::Result:
    return "static_cast<" + *type + " *>(call->results[" +
           std::to_string(storage->index) + "])";
  case Storage::Kind::View:
    return getPointer(value.getDefiningOp()->getOperand(0));
  case Storage::Kind::Fused:
    return value.getDefiningOp()->emitOpError()
           << "result is kept inside fused kernel "
           << getFusion(value.getDefiningOp()).value_or(-1)
           << " but read outside it";
  }
  return failure();
}

std::string StepEmitter::getInt64Table(ArrayRef<int64_t> values) {
  std::vector<int64_t> key(values.begin(), values.end());
  auto it = int64Tables.find(key);
  if (it != int64Tables.end())
    return it->second;
  std::string name = "kTable" + std::to_string(int64Tables.size());
  tablesOs << "const int64_t " << name << "[] = {";
  llvm::interleaveComma(values, tablesOs);
  tablesOs << "};\n";
  int64Tables.emplace(std::move(key), name);
  return name;
}

std::string StepEmitter::getShape(ArrayRef<int64_t> values) {
  if (values.empty())
    return "cpu::Shape()";
  return "cpu::Shape(" + getInt64Table(values) + ", " +
         std::to_string(values.size()) + ")";
}

std::string StepEmitter::getDeviceErrorWord(Operation *op) {
  errorSites.push_back(describe(op));
  return "deviceErrors + " + std::to_string(errorSites.size() - 1);
}

std::string StepEmitter::describe(Operation *op) {
  std::string where = op->getName().getStringRef().str();
  std::string location = describeLocation(op->getLoc());
  if (!location.empty())
    where += " at " + location;
  return quote(where);
}

std::string StepEmitter::formatDouble(double value) {
  if (std::isnan(value))
    return "NAN";
  if (std::isinf(value))
    return value < 0 ? "-INFINITY" : "INFINITY";
  char text[64];
  std::snprintf(text, sizeof(text), "%a", value);
  return text;
}

std::string StepEmitter::formatLiteral(Attribute value, StringRef typeName) {
  if (auto number = dyn_cast<FloatAttr>(value))
    return "static_cast<" + typeName.str() + ">(" +
           formatDouble(number.getValueAsDouble()) + ")";
  auto integer = cast<IntegerAttr>(value);
  int64_t n = integer.getValue().getSExtValue();
  if (n == std::numeric_limits<int64_t>::min())
    return "static_cast<" + typeName.str() + ">(-9223372036854775807LL - 1)";
  return "static_cast<" + typeName.str() + ">(" + std::to_string(n) + "LL)";
}

void StepEmitter::emitCall(Operation *op, StringRef call, bool returnsStatus) {
  const char *ns = isCuda() ? "cuda::" : "cpu::";
  bodyOs << "  // " << op->getName().getStringRef() << "\n";
  if (returnsStatus || isCuda())
    bodyOs << "  GC_STEP_CHECK(" << describe(op) << ",\n                " << ns
           << call << ");\n";
  else
    bodyOs << "  " << ns << call << ";\n";
}

LogicalResult StepEmitter::emitResultCopies(StepEmission &emission) {
  Operation *terminator = function.front().getTerminator();
  for (auto [index, value] : llvm::enumerate(terminator->getOperands())) {
    FailureOr<Storage> storage = getStorage(value);
    if (failed(storage))
      return failure();
    if (storage->kind == Storage::Kind::Result &&
        storage->index == static_cast<int64_t>(index))
      continue;
    // An in-place update: the runtime reads the result from the argument.
    if (storage->kind == Storage::Kind::Argument &&
        value.getDefiningOp() != nullptr)
      continue;
    FailureOr<std::string> source = getPointer(value);
    if (failed(source))
      return failure();
    int64_t bytes = byteSize(value.getType());
    bodyOs << "  // result #" << index << " (" << getResultName(function, index)
           << ") is stored elsewhere\n";
    if (isCuda())
      bodyOs << "  GC_STEP_CUDA_CHECK(\"result copy\", cudaMemcpyAsync("
             << "call->results[" << index << "], " << *source << ", " << bytes
             << ", cudaMemcpyDeviceToDevice, stream));\n";
    else
      bodyOs << "  std::memcpy(call->results[" << index << "], " << *source
             << ", " << bytes << ");\n";
    ++emission.resultCopies;
  }
  return success();
}

LogicalResult StepEmitter::emitDescriptor() {
  auto &os = descriptorOs;
  Block &entry = function.front();
  Operation *terminator = entry.getTerminator();
  auto shapeTable = [&](Type type) -> std::string {
    auto tensor = cast<RankedTensorType>(type);
    return tensor.getRank() == 0 ? "nullptr" : getInt64Table(tensor.getShape());
  };
  os << "const gc_step_tensor_t kArguments[] = {\n";
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i) {
    Type type = function.getArgumentTypes()[i];
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || failed(getElementTypeName(tensor.getElementType(),
                                             entry.getArgument(i).getLoc())))
      return emitError(entry.getArgument(i).getLoc())
             << "argument #" << i << " cannot be passed to a compiled step";
    InitRule rule = getInitRule(function, i);
    os << "    {" << quote(getArgumentName(function, i)) << ", "
       << dtypeEnum(tensor.getElementType()) << ", "
       << argumentRole(function, i) << ", " << tensor.getRank() << ", "
       << shapeTable(type) << ", " << byteSize(type) << ", "
       << initEnum(rule.kind) << ", " << formatDouble(rule.scale) << ", "
       << rule.bound << ", -1, 0, "
       << (rule.values == ValueDomain::ZeroOne ? "GC_STEP_VALUES_ZERO_ONE"
                                               : "GC_STEP_VALUES_ANY")
       << "},\n";
  }
  os << "};\n\n";

  std::optional<unsigned> loss = getLossResult(function);
  int lossResult = loss ? static_cast<int>(*loss) : -1;
  os << "const gc_step_tensor_t kResults[] = {\n";
  for (auto [index, value] : llvm::enumerate(terminator->getOperands())) {
    auto tensor = cast<RankedTensorType>(value.getType());
    if (failed(getElementTypeName(tensor.getElementType(), value.getLoc())))
      return failure();
    std::string name = getResultName(function, index);
    int feeds = -1;
    std::string role = "GC_STEP_ROLE_OUTPUT";
    if (std::optional<unsigned> fed = getFedArgument(function, index)) {
      feeds = static_cast<int>(*fed);
      role = argumentRole(function, *fed);
    }
    FailureOr<Storage> storage = getStorage(value);
    if (failed(storage))
      return failure();
    bool inPlace = storage->kind == Storage::Kind::Argument &&
                   value.getDefiningOp() != nullptr;
    if (inPlace && storage->index != feeds)
      return value.getDefiningOp()->emitOpError()
             << "writes result #" << index << " into argument #"
             << storage->index << ", which it does not replace";
    os << "    {" << quote(name) << ", " << dtypeEnum(tensor.getElementType())
       << ", " << role << ", " << tensor.getRank() << ", " << shapeTable(tensor)
       << ", " << byteSize(tensor) << ", GC_STEP_INIT_ZEROS, 0.0, 0, " << feeds
       << ", " << (inPlace ? 1 : 0) << ", GC_STEP_VALUES_ANY},\n";
  }
  os << "};\n\n";

  auto arenaBytes =
      function->getAttrOfType<IntegerAttr>(GcDialect::getArenaBytesAttrName());
  int64_t collectives = 0;
  function.walk([&](AllReduceOp) { ++collectives; });
  int64_t worldSize = 0;
  if (auto attr = function->getAttrOfType<IntegerAttr>(
          GcDialect::getWorldSizeAttrName()))
    worldSize = attr.getInt();
  os << "const char *const kErrorSites[] = {";
  for (const std::string &site : errorSites)
    os << "\n    " << site << ",";
  os << (errorSites.empty() ? "nullptr};\n\n" : "\n};\n\n");
  os << "const gc_step_descriptor_t kDescriptor = {\n"
     << "    GC_STEP_ABI_VERSION,\n"
     << "    " << quote(getStepTargetName(options.target)) << ",\n"
     << "    " << quote(function.getSymName()) << ",\n"
     << "    /*arena_bytes=*/" << arenaBytes.getInt() << ",\n"
     << "    /*arena_alignment=*/256,\n"
     << "    " << function.getNumArguments() << ", kArguments,\n"
     << "    " << terminator->getNumOperands() << ", kResults,\n"
     << "    /*loss_result=*/" << lossResult << ",\n"
     << "    &runStep,\n"
     << "    /*num_error_sites=*/" << errorSites.size() << ", kErrorSites,\n"
     << "    /*num_collectives=*/" << collectives << ",\n"
     << "    /*world_size=*/" << worldSize << ",\n"
     << "};\n";
  return success();
}

void StepEmitter::emitHeader(llvm::raw_ostream &os) {
  Operation *terminator = function.front().getTerminator();
  os << "// step.h - the compiled training step @" << function.getSymName()
     << " (target " << getStepTargetName(options.target)
     << "), generated by gc; do not edit.\n//\n"
     << "// The library exports gc_step_get_descriptor(), the step's\n"
     << "// description in the layout of gc_rt/StepAbi.h; load it with\n"
     << "// gc_rt_step_load (gc_rt/Runtime.h).\n//\n"
     << "// Arena: "
     << function->getAttrOfType<IntegerAttr>(GcDialect::getArenaBytesAttrName())
            .getInt()
     << " bytes.\n// Arguments:\n";
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    os << "//   " << i << "  " << getArgumentName(function, i) << "  "
       << shapeText(function.getArgumentTypes()[i]) << "\n";
  os << "// Results:\n";
  for (auto [index, value] : llvm::enumerate(terminator->getOperands()))
    os << "//   " << index << "  " << getResultName(function, index) << "  "
       << shapeText(value.getType()) << "\n";
  os << "\n#ifndef GC_COMPILED_STEP_H\n#define GC_COMPILED_STEP_H\n\n"
     << "#include \"gc_rt/StepAbi.h\"\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "const gc_step_descriptor_t *gc_step_get_descriptor(void);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif // GC_COMPILED_STEP_H\n";
}

void StepEmitter::markUnit(StepEmission &emission, ArrayRef<Operation *> ops) {
  if (isCuda())
    bodyOs << "  GC_STEP_UNIT(" << emission.units.size() << ");\n";
  emission.units.emplace_back(ops.begin(), ops.end());
}

FailureOr<StepEmission> StepEmitter::emit(llvm::raw_ostream &source,
                                          llvm::raw_ostream *header) {
  if (!function.getBody().hasOneBlock() ||
      !function->hasAttr(GcDialect::getPlannedArenaBytesAttrName()))
    return function.emitError()
           << "expected a step lowered by gc-lower-to-kernels";
  StepEmission emission;
  Block &entry = function.front();
  for (auto it = entry.begin(), end = std::prev(entry.end()); it != end;) {
    Operation *op = &*it;
    if (std::optional<int64_t> id = getFusion(op)) {
      SmallVector<Operation *> ops;
      while (it != end && getFusion(&*it) == id)
        ops.push_back(&*it++);
      if (failed(emitWaitsFor(ops)))
        return failure();
      markUnit(emission, ops);
      if (failed(emitFusedKernel(ops, *id)))
        return failure();
      ++emission.fusedKernels;
      emission.fusedOps += static_cast<int64_t>(ops.size());
      continue;
    }
    ++it;
    if (failed(emitWaitsFor({op})))
      return failure();
    if (isa<ReshapeOp>(op)) {
      ++emission.views;
      continue;
    }
    markUnit(emission, {op});
    if (failed(emitRuntimeCall(op)))
      return failure();
    ++emission.runtimeKernels;
  }
  if (failed(emitPendingWaits()) || failed(emitResultCopies(emission)) ||
      failed(emitDescriptor()))
    return failure();
  emission.distinctFusedKernels = static_cast<int64_t>(fusedKernelNames.size());

  bool cuda = isCuda();
  source << "// step." << (cuda ? "cu" : "cpp") << " - the compiled training "
         << "step @" << function.getSymName() << " for "
         << (cuda ? "CUDA" : "the CPU") << ", generated by gc; do not edit.\n"
         << "//\n// " << emission.runtimeKernels << " runtime kernels, "
         << emission.fusedKernels << " fused kernel launches ("
         << emission.fusedOps << " gc ops, " << emission.distinctFusedKernels
         << " distinct kernels), " << emission.views << " views, "
         << emission.resultCopies << " result copies.\n\n"
         << "#include \"step.h\"\n\n"
         << "#include \"gc_rt/Scalar.h\"\n"
         << "#include \"gc_rt/StepSupport.h\"\n"
         << "#include \"gc_rt/cpu/Kernels.h\"\n";
  if (!cuda)
    source << "#include \"gc_rt/cpu/Parallel.h\"\n";
  if (cuda)
    source << "#include \"gc_rt/cuda/Kernels.h\"\n\n"
           << "#include <cublas_v2.h>\n#include <cuda_runtime.h>\n";
  source << "\n#include <cmath>\n#include <cstdint>\n#include <cstring>\n\n"
         << "namespace {\n"
         << "namespace cpu = ::gc::rt::cpu;\n"
         << (cuda ? "namespace cuda = ::gc::rt::cuda;\n" : "")
         << "namespace scalar = ::gc::rt::scalar;\n\n"
         << tables << "\n"
         << kernels << "int runStep(const gc_step_call_t *call) {\n"
         << "  char *arena = static_cast<char *>(call->arena);\n"
         << "  (void)arena;\n";
  if (!cuda)
    source << "  cpu::setNumThreads(call->num_threads);\n";
  if (cuda)
    source << "  cudaStream_t stream = static_cast<cudaStream_t>(call->stream);"
              "\n"
           << "  cublasHandle_t blas = "
              "static_cast<cublasHandle_t>(call->blas_handle);\n"
           << "  int32_t *deviceErrors = call->device_errors;\n"
           << "  (void)blas;\n  (void)deviceErrors;\n";
  source << body << "  return 0;\n}\n\n"
         << descriptor << "} // namespace\n\n"
         << "GC_STEP_EXPORT const gc_step_descriptor_t *"
            "gc_step_get_descriptor(void) {\n"
         << "  return &kDescriptor;\n}\n";
  if (header)
    emitHeader(*header);
  return emission;
}

FailureOr<StepEmission> mlir::gc::emitStep(func::FuncOp function,
                                           const StepEmitOptions &options,
                                           llvm::raw_ostream &source,
                                           llvm::raw_ostream *header) {
  if (failed(checkSingleCounters(function)))
    return failure();
  return StepEmitter(function, options).emit(source, header);
}

FailureOr<func::FuncOp> mlir::gc::getStepFunction(ModuleOp module) {
  SmallVector<func::FuncOp> functions;
  for (auto function : module.getOps<func::FuncOp>())
    if (!function.isExternal())
      functions.push_back(function);
  if (functions.size() != 1)
    return module.emitError() << "expected exactly one function to emit, but "
                                 "the module has "
                              << functions.size();
  return functions.front();
}

void mlir::gc::registerStepTranslationsFor(
    StringRef name, std::function<StepEmitOptions()> getOptions) {
  // A raw translation rather than TranslateFromMLIRRegistration: the input's
  // nesting is bounded before the parser sees it.
  auto translate = [getOptions](bool header) {
    return
        [getOptions, header](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
                             llvm::raw_ostream &os, MLIRContext *context) {
          if (failed(mlir::gc::checkNestingDepth(*sourceMgr)))
            return failure();
          DialectRegistry registry;
          registry.insert<GcDialect, func::FuncDialect>();
          context->appendDialectRegistry(registry);
          context->loadAllAvailableDialects();
          OwningOpRef<ModuleOp> module =
              parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(context));
          if (!module)
            return failure();
          FailureOr<func::FuncOp> step = getStepFunction(*module);
          if (failed(step))
            return failure();
          std::string source;
          llvm::raw_string_ostream sourceOs(source);
          if (failed(emitStep(*step, getOptions(), sourceOs,
                              header ? &os : nullptr)))
            return failure();
          if (!header)
            os << source;
          return success();
        };
  };
  TranslateRegistration(name, "emit a lowered gc step as source",
                        translate(false));
  TranslateRegistration((name + "-header").str(),
                        "emit the header of a lowered gc step",
                        translate(true));
}
