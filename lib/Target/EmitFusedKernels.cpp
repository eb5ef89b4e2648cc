//===- EmitFusedKernels.cpp - Generated pointwise kernels -----------------===//
//
// A fused kernel computes a run of pointwise ops element by element: for
// element i of the iteration shape it loads its inputs (element i, element
// 0 of a scalar such as the dropout seed, or the element a broadcast maps i
// to), evaluates each op with the per-element functions of gc_rt/Scalar.h
// in registers, and stores the results that leave the kernel.
//
// The CPU version takes a range [begin, end) of elements and walks it as
// rows of the iteration shape's last dimension: the address of each
// broadcast operand's row is computed once per row (the only divisions),
// and the inner loop over the row is contiguous, free of divisions, and
// marked for vectorization. The step runs it over fixed chunks of elements
// on the thread pool. The CUDA version is a grid-stride loop over groups
// of four consecutive elements launched on the step's stream: a dropout
// computes one Philox4x32-10 block per group and gives its four words to
// the group's four elements (element i always takes word i % 4 of block
// i / 4, on both backends, so the masks are the same), and the index math
// is 32-bit where the kernel has fewer than 2^31 elements. The op
// expressions are otherwise the same text.
//
// Each op's expression is exactly the arithmetic its op-by-op kernel does
// (same functions, same rounding to the element type after every op, no
// contraction into FMAs), so a fused kernel produces bitwise the results of
// the unfused ops, vectorized or not. A 16-bit value lives in a float
// register holding a value of the 16-bit grid: loads widen, each op
// computes in float and rounds its result to the grid, stores narrow (exact)
// -- what the 16-bit runtime kernels compute, on both backends. On CUDA a
// group moves each contiguous operand as one word: 128 bits of 4-byte
// elements, 64 bits of 16-bit ones.
//
//===----------------------------------------------------------------------===//

#include "StepEmitter.h"

#include "gc/Dialect/GcOps.h"
#include "gc_rt/cpu/Philox.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

#include <map>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::target;

namespace {
/// The broadcast operand's element stride along each result dimension:
/// result dimension dims[k] walks operand dimension k, except where that
/// has size 1; dimensions the operand does not walk have stride 0.
SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> operandShape,
                                      size_t resultRank,
                                      ArrayRef<int64_t> dims) {
  SmallVector<int64_t> strides(resultRank, 0);
  int64_t operandStride = 1;
  for (int64_t k = static_cast<int64_t>(operandShape.size()) - 1; k >= 0; --k) {
    if (operandShape[k] != 1)
      strides[dims[k]] = operandStride;
    operandStride *= operandShape[k];
  }
  return strides;
}

/// The expression of sum over d of coordinate_d(index) * strides[d], where
/// coordinate_d is dimension d's coordinate of `index`, the row-major flat
/// index over `shape` (a variable of the generated code).
std::string offsetExpression(StringRef index, ArrayRef<int64_t> shape,
                             ArrayRef<int64_t> strides) {
  std::vector<std::string> terms;
  int64_t indexStride = 1; // how far `index` moves per step along d
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    if (strides[d] != 0) {
      std::string coordinate = index.str();
      if (indexStride != 1)
        coordinate =
            "(" + coordinate + " / " + std::to_string(indexStride) + ")";
      if (d != 0)
        coordinate = "(" + coordinate + " % " + std::to_string(shape[d]) + ")";
      if (strides[d] != 1)
        coordinate += " * " + std::to_string(strides[d]);
      terms.push_back(coordinate);
    }
    indexStride *= shape[d];
  }
  if (terms.empty())
    return "0";
  std::reverse(terms.begin(), terms.end());
  return llvm::join(terms, " + ");
}

/// The 16-bit storage type of `value`'s elements, or null.
const char *halfStorageOf(Value value) {
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  return element.isBF16()  ? "::gc::rt::BFloat16"
         : element.isF16() ? "::gc::rt::Half"
                           : nullptr;
}

/// The register type of `value`: float for 16-bit values, else `type`.
std::string registerTypeOf(Value value, StringRef type) {
  return halfStorageOf(value) ? "float" : type.str();
}

/// The rounding to `value`'s 16-bit grid, or "" for other types.
StringRef roundingOf(Value value) {
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  return element.isBF16()  ? "::gc::rt::roundToBFloat16"
         : element.isF16() ? "::gc::rt::roundToHalf"
                           : "";
}

/// `element` (an element of `value`'s buffer) as a register value.
std::string widened(Value value, const std::string &element) {
  return halfStorageOf(value) ? "::gc::rt::widen(" + element + ")" : element;
}

/// A register value of `value` as an element of its buffer.
std::string narrowed(Value value, const std::string &registerValue) {
  if (const char *storage = halfStorageOf(value))
    return "::gc::rt::narrow<" + std::string(storage) + ">(" + registerValue +
           ")";
  return registerValue;
}

} // namespace

LogicalResult StepEmitter::emitFusedKernel(ArrayRef<Operation *> ops,
                                           int64_t id) {
  llvm::DenseSet<Operation *> members(ops.begin(), ops.end());
  Operation *terminator = function.front().getTerminator();
  auto iterationType =
      cast<RankedTensorType>(ops.front()->getResult(0).getType());
  int64_t n = iterationType.getNumElements();

  // Inputs (external values, each loaded once per element) and outputs.
  llvm::DenseMap<Value, std::string> valueNames;
  std::vector<std::string> parameters, launchArguments, statements, stores;
  std::vector<std::string> rowPointers; // CPU: per-row broadcast pointers
  // CUDA: the Philox block of each dropout (seed, stream) per group.
  std::vector<std::string> groupStatements;
  // CUDA: the contiguous loads (`in[i]`) and stores (`out[i] = v`) as
  // (pointer, element type, value), which a group may move as one 128-bit
  // word; the statements spell the loads @LOAD<pointer>@.
  struct ContiguousAccess {
    std::string pointer, type, value;
  };
  std::vector<ContiguousAccess> contiguousLoads, contiguousStores;
  std::map<std::pair<std::string, int64_t>, std::string> philoxBlocks;
  llvm::DenseMap<Value, std::string> inputParameter;
  auto inputOf = [&](Value value) -> FailureOr<std::string> {
    auto it = inputParameter.find(value);
    if (it != inputParameter.end())
      return it->second;
    FailureOr<std::string> type = getElementTypeName(value);
    FailureOr<std::string> pointer = getPointer(value);
    if (failed(type) || failed(pointer))
      return failure();
    std::string name = "in" + std::to_string(inputParameter.size());
    parameters.push_back("const " + *type + " *" + name);
    launchArguments.push_back(*pointer);
    inputParameter[value] = name;
    return name;
  };
  // `rounded`: an op's result, rounded to a 16-bit value's grid (a load is
  // on it already).
  auto define = [&](Value value, StringRef type, std::string expression,
                    bool rounded = true) {
    std::string name = "v" + std::to_string(valueNames.size());
    if (StringRef rounding = roundingOf(value); rounded && !rounding.empty())
      expression = rounding.str() + "(" + expression + ")";
    statements.push_back("const " + type.str() + " " + name + " = " +
                         expression + ";");
    valueNames[value] = name;
  };
  // The register holding `value` at element i.
  auto read = [&](Value value) -> FailureOr<std::string> {
    if (auto it = valueNames.find(value); it != valueNames.end())
      return it->second;
    FailureOr<std::string> input = inputOf(value);
    FailureOr<std::string> type = getElementTypeName(value);
    if (failed(input) || failed(type))
      return failure();
    std::string element = isCuda() ? "@LOAD" + *input + "@" : *input + "[i]";
    if (isCuda())
      contiguousLoads.push_back({*input, *type, ""});
    define(value, registerTypeOf(value, *type), widened(value, element),
           /*rounded=*/false);
    return valueNames[value];
  };

  std::vector<std::string> opNames;
  for (Operation *op : ops) {
    opNames.push_back(op->getName().getStringRef().str());
    Value result = op->getResult(0);
    FailureOr<std::string> typeOr = getElementTypeName(result);
    if (failed(typeOr))
      return failure();
    // The type the op computes in: float for a 16-bit result.
    const std::string type = registerTypeOf(result, *typeOr);
    auto operand = [&](unsigned i) { return read(op->getOperand(i)); };

    FailureOr<std::string> expression = failure();
    if (isa<AddOp, SubOp, MulOp, DivOp>(op)) {
      FailureOr<std::string> lhs = operand(0), rhs = operand(1);
      if (failed(lhs) || failed(rhs))
        return failure();
      StringRef symbol = isa<AddOp>(op)   ? "+"
                         : isa<SubOp>(op) ? "-"
                         : isa<MulOp>(op) ? "*"
                                          : "/";
      expression = *lhs + " " + symbol.str() + " " + *rhs;
    } else if (isa<NegOp, ReluOp, ExpOp, LogOp, TanhOp, ErfOp, SqrtOp, RsqrtOp>(
                   op)) {
      FailureOr<std::string> x = operand(0);
      if (failed(x))
        return failure();
      if (isa<NegOp>(op))
        expression = "-" + *x;
      else
        expression =
            "scalar::" + op->getName().getStringRef().drop_front(3).str() +
            "(" + *x + ")";
    } else if (auto gelu = dyn_cast<GeluOp>(op)) {
      FailureOr<std::string> x = operand(0);
      if (failed(x))
        return failure();
      bool tanhForm = gelu.getApproximate() == GeluApproximation::tanh;
      expression = "scalar::gelu(" + *x + (tanhForm ? ", true)" : ", false)");
    } else if (auto grad = dyn_cast<GeluGradOp>(op)) {
      FailureOr<std::string> g = read(grad.getGrad()),
                             x = read(grad.getInput());
      if (failed(g) || failed(x))
        return failure();
      bool tanhForm = grad.getApproximate() == GeluApproximation::tanh;
      expression = "scalar::geluGrad(" + *g + ", " + *x +
                   (tanhForm ? ", true)" : ", false)");
    } else if (auto grad = dyn_cast<ReluGradOp>(op)) {
      FailureOr<std::string> g = read(grad.getGrad()),
                             x = read(grad.getInput());
      if (failed(g) || failed(x))
        return failure();
      expression = "scalar::reluGrad(" + *g + ", " + *x + ")";
    } else if (auto scale = dyn_cast<ScaleOp>(op)) {
      FailureOr<std::string> x = operand(0);
      if (failed(x))
        return failure();
      expression = *x + " * static_cast<" + type + ">(" +
                   formatDouble(scale.getFactor().convertToDouble()) + ")";
    } else if (auto castOp = dyn_cast<CastOp>(op)) {
      FailureOr<std::string> x = operand(0);
      FailureOr<std::string> from = getElementTypeName(castOp.getInput());
      if (failed(x) || failed(from))
        return failure();
      expression = "scalar::cast<" + registerTypeOf(castOp.getInput(), *from) +
                   ", " + type + ">(" + *x + ")";
    } else if (isa<DropoutOp, DropoutGradOp>(op)) {
      // Operand 0 is the input (or upstream gradient), operand 1 the seed.
      FailureOr<std::string> x = operand(0);
      FailureOr<std::string> seed = inputOf(op->getOperand(1));
      if (failed(x) || failed(seed))
        return failure();
      double probability;
      int64_t stream;
      if (auto dropout = dyn_cast<DropoutOp>(op)) {
        probability = dropout.getProbability().convertToDouble();
        stream = dropout.getStream();
      } else {
        auto grad = cast<DropoutGradOp>(op);
        probability = grad.getProbability().convertToDouble();
        stream = grad.getStream();
      }
      std::string p = formatDouble(probability);
      std::string threshold =
          std::to_string(::gc::rt::cpu::dropoutThreshold(probability)) + "u";
      std::string keeps;
      if (isCuda()) {
        auto [entry, inserted] = philoxBlocks.try_emplace(
            {*seed, stream}, "r" + std::to_string(philoxBlocks.size()));
        if (inserted)
          groupStatements.push_back(
              "const ::gc::rt::cpu::PhiloxBlock " + entry->second +
              " = ::gc::rt::cpu::philox4x32(::gc::rt::cpu::dropoutCounter("
              "static_cast<uint64_t>(g), " +
              std::to_string(stream) + "LL), ::gc::rt::cpu::dropoutKey(" +
              *seed + "[0]));");
        keeps = "::gc::rt::cpu::dropoutWordKeeps(::gc::rt::cpu::wordOf(" +
                entry->second + ", lane), " + threshold + ")";
      } else {
        keeps = "scalar::dropoutKeeps(" + *seed + "[0], " +
                std::to_string(stream) + "LL, static_cast<uint64_t>(i), " +
                threshold + ")";
      }
      expression = keeps + " ? " + *x + " * scalar::dropoutScale<" + type +
                   ">(" + p + ") : static_cast<" + type + ">(0)";
    } else if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
      Value input = broadcast.getInput();
      if (auto it = valueNames.find(input); it != valueNames.end()) {
        expression = it->second; // An identity broadcast inside the kernel.
      } else {
        FailureOr<std::string> pointer = inputOf(input);
        FailureOr<std::string> inputType = getElementTypeName(input);
        if (failed(pointer) || failed(inputType))
          return failure();
        ArrayRef<int64_t> inputShape =
            cast<RankedTensorType>(input.getType()).getShape();
        SmallVector<int64_t> strides = broadcastStrides(
            inputShape, iterationType.getRank(), broadcast.getDims());
        if (isCuda()) {
          expression =
              widened(input, *pointer + "[" +
                                 offsetExpression("i", iterationType.getShape(),
                                                  strides) +
                                 "]");
        } else {
          // The row's operand pointer is set once per row (the divisions
          // stay out of the inner loop), then read along the row.
          std::string rowPointer = "b" + std::to_string(rowPointers.size());
          ArrayRef<int64_t> shape = iterationType.getShape();
          std::string rowOffset =
              shape.empty()
                  ? "0"
                  : offsetExpression("row", shape.drop_back(),
                                     ArrayRef<int64_t>(strides).drop_back());
          rowPointers.push_back(
              "const " + *inputType + " *" + rowPointer + " = " + *pointer +
              (rowOffset == "0" ? "" : " + " + rowOffset) + ";");
          int64_t innerStride = strides.empty() ? 0 : strides.back();
          if (innerStride == 0)
            expression = rowPointer + "[0]";
          else if (innerStride == 1)
            expression = rowPointer + "[j]";
          else
            expression =
                rowPointer + "[j * " + std::to_string(innerStride) + "]";
          expression = widened(input, *expression);
        }
      }
    } else if (auto constant = dyn_cast<ConstantOp>(op)) {
      auto splat = cast<SplatElementsAttr>(constant.getValue());
      expression = formatLiteral(splat.getSplatValue<Attribute>(), type);
    } else {
      return op->emitOpError() << "cannot be part of a fused kernel";
    }
    define(result, type, *expression);
  }

  // Stores of the values used after the kernel.
  for (Operation *op : ops) {
    for (Value result : op->getResults()) {
      bool escapes = llvm::any_of(result.getUsers(), [&](Operation *user) {
        return user == terminator || !members.contains(user);
      });
      if (!escapes)
        continue;
      FailureOr<std::string> type = getElementTypeName(result);
      FailureOr<std::string> pointer = getPointer(result);
      if (failed(type) || failed(pointer))
        return failure();
      std::string name = "out" + std::to_string(stores.size());
      parameters.push_back(*type + " *" + name);
      launchArguments.push_back(*pointer);
      stores.push_back(name + "[i] = " + narrowed(result, valueNames[result]) +
                       ";");
      contiguousStores.push_back(
          {name, *type, narrowed(result, valueNames[result])});
    }
  }
  // The definition, with the name left open: identical kernels (the same
  // ops on the same shapes, as in every encoder layer) are emitted once.
  std::string definition;
  llvm::raw_string_ostream os(definition);
  ArrayRef<int64_t> shape = iterationType.getShape();
  // CPU rows: the last dimension when a broadcast needs per-row pointers,
  // else the whole range as one row.
  const int64_t rowLength =
      rowPointers.empty()
          ? std::max<int64_t>(n, 1)
          : (shape.empty() ? 1 : std::max<int64_t>(shape.back(), 1));
  if (isCuda()) {
    // Group g holds elements [4g, 4g + 4); `index` is the narrowest integer
    // type that holds every element index.
    const char *index = n < (int64_t(1) << 31) - 4 ? "int32_t" : "int64_t";
    parameters.push_back(std::string(index) + " n");
    launchArguments.push_back(std::to_string(n));
    // With whole groups and only 4-byte or 16-bit elements in the
    // contiguous accesses, a group loads and stores each as one word (128
    // bits of 4-byte elements, 64 of 16-bit ones) when every pointer is
    // 16-byte aligned (the arena's are; the kernel checks).
    auto vectorType = [](StringRef type) -> std::string {
      if (type == "float")
        return "float4";
      if (type == "int32_t")
        return "int4";
      if (type == "::gc::rt::BFloat16" || type == "::gc::rt::Half")
        return ("::gc::rt::Quad<" + type + ">").str();
      return "";
    };
    bool vectorize =
        n % 4 == 0 && !(contiguousLoads.empty() && contiguousStores.empty());
    for (const auto *accesses : {&contiguousLoads, &contiguousStores})
      for (const ContiguousAccess &access : *accesses)
        vectorize &= !vectorType(access.type).empty();
    auto laneStatements = [&](bool vector) {
      std::vector<std::string> lines;
      for (std::string line : statements) {
        for (const ContiguousAccess &load : contiguousLoads) {
          std::string token = "@LOAD" + load.pointer + "@";
          std::string replacement =
              vector ? "::gc::rt::laneOf(" + load.pointer + "v, lane)"
                     : load.pointer + "[i]";
          for (size_t at = line.find(token); at != std::string::npos;
               at = line.find(token))
            line.replace(at, token.size(), replacement);
        }
        lines.push_back(line);
      }
      if (vector)
        for (const ContiguousAccess &store : contiguousStores)
          lines.push_back(store.pointer + "v[lane] = " + store.value + ";");
      else
        lines.insert(lines.end(), stores.begin(), stores.end());
      return lines;
    };
    auto laneLoop = [&](llvm::raw_ostream &os, bool vector, StringRef indent) {
      os << "#pragma unroll\n"
         << indent << "for (uint32_t lane = 0; lane < 4; ++lane) {\n"
         << indent << "  const " << index << " i = 4 * g + " << index
         << "(lane);\n";
      if (vector)
        os << indent << "  (void)i;\n";
      else
        os << indent << "  if (i >= n)\n" << indent << "    break;\n";
      for (const std::string &line : laneStatements(vector))
        os << indent << "  " << line << "\n";
      os << indent << "}\n";
    };
    os << "__global__ void @KERNEL@(" << llvm::join(parameters, ", ") << ") {\n"
       << "  const " << index << " groups = (n + 3) / 4;\n";
    if (vectorize) {
      std::vector<std::string> pointers;
      for (const auto *accesses : {&contiguousLoads, &contiguousStores})
        for (const ContiguousAccess &access : *accesses)
          pointers.push_back("reinterpret_cast<uintptr_t>(" + access.pointer +
                             ")");
      os << "  const bool vectors = ((" << llvm::join(pointers, " | ")
         << ") % 16) == 0;\n";
    }
    os << "  for (" << index << " g = blockIdx.x * " << index
       << "(blockDim.x) + threadIdx.x; g < groups;\n       g += " << index
       << "(gridDim.x) * blockDim.x) {\n";
    for (const std::string &line : groupStatements)
      os << "    " << line << "\n";
    if (vectorize) {
      os << "    if (vectors) {\n";
      for (const ContiguousAccess &load : contiguousLoads)
        os << "      const " << vectorType(load.type) << " " << load.pointer
           << "v = reinterpret_cast<const " << vectorType(load.type) << " *>("
           << load.pointer << ")[g];\n";
      for (const ContiguousAccess &store : contiguousStores)
        os << "      " << store.type << " " << store.pointer << "v[4];\n";
      laneLoop(os, /*vector=*/true, "      ");
      for (const ContiguousAccess &store : contiguousStores)
        os << "      reinterpret_cast<" << vectorType(store.type) << " *>("
           << store.pointer << ")[g] = ::gc::rt::packOf(" << store.pointer
           << "v);\n";
      os << "      continue;\n    }\n";
    }
    laneLoop(os, /*vector=*/false, "    ");
    os << "  }\n}\n\n";
  } else {
    parameters.push_back("int64_t begin");
    parameters.push_back("int64_t end");
    std::string length = std::to_string(rowLength);
    os << "void @KERNEL@(" << llvm::join(parameters, ", ") << ") {\n"
       << "  for (int64_t row = begin / " << length << "; row * " << length
       << " < end; ++row) {\n"
       << "    const int64_t base = row * " << length << ";\n"
       << "    const int64_t first = begin > base ? begin - base : 0;\n"
       << "    const int64_t last = end - base < " << length
       << " ? end - base : " << length << ";\n";
    for (const std::string &line : rowPointers)
      os << "    " << line << "\n";
    os << "    GC_RT_VECTORIZE_LOOP\n"
       << "    for (int64_t j = first; j < last; ++j) {\n"
       << "      const int64_t i = base + j;\n"
       << "      (void)i;\n";
    for (const std::string &line : statements)
      os << "      " << line << "\n";
    for (const std::string &line : stores)
      os << "      " << line << "\n";
    os << "    }\n  }\n}\n\n";
  }
  auto [entry, inserted] = fusedKernelNames.try_emplace(
      definition, "fused" + std::to_string(fusedKernelNames.size()));
  std::string kernelName = entry->second;
  if (inserted) {
    std::string text = definition;
    text.replace(text.find("@KERNEL@"), 8, kernelName);
    getKernels() << "// " << llvm::join(opNames, ", ") << " ("
                 << describe(ops.front()) << ")\n"
                 << text;
  }

  auto &body = getBody();
  body << "  // fused kernel " << id << ": " << llvm::join(opNames, ", ")
       << "\n";
  if (isCuda())
    body << "  GC_CUDA_LAUNCH(" << kernelName << ", ::gc::rt::stepGridSize("
         << (n + 3) / 4 << "), ::gc::rt::kStepBlockSize, 0, stream)(\n      "
         << llvm::join(launchArguments, ",\n      ") << ");\n"
         << "  GC_STEP_CUDA_CHECK(" << describe(ops.front())
         << ", cudaGetLastError());\n";
  else
    body << "  cpu::parallelForRange(" << n
         << ", cpu::kItemsPerTask, [&](int64_t begin, int64_t end) {\n"
         << "    " << kernelName << "("
         << llvm::join(launchArguments, ",\n        ")
         << (launchArguments.empty() ? "" : ",\n        ")
         << "begin, end);\n  });\n";
  return success();
}
