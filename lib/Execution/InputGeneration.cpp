//===- InputGeneration.cpp - Initial values of a function's arguments -----===//
//
// Seeded, order-independent initial values (see Inputs.h for the rules).
// Random numbers come from SplitMix64 (Steele, Lea & Flood, OOPSLA 2014)
// keyed by a hash of the seed and the argument's name, and normal variates
// from the Box-Muller transform, so the values are the same on every
// platform and standard library.
//
//===----------------------------------------------------------------------===//

#include "gc/Execution/Inputs.h"

#include "Gc/IR/GcOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::exec;

namespace {
/// SplitMix64: a 64-bit generator with a one-word state.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t state) : state(state) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in (0, 1): 53 random bits, never 0 (Box-Muller takes a log).
  double uniform() { return ((next() >> 11) + 0.5) * 0x1.0p-53; }
  double normal() {
    double radius = std::sqrt(-2.0 * std::log(uniform()));
    return radius * std::cos(2.0 * M_PI * uniform());
  }

private:
  uint64_t state;
};

/// FNV-1a of `name`, mixed with the seed.
uint64_t streamKey(uint64_t seed, StringRef name) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (char c : name)
    hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001B3ull;
  return hash ^ (seed * 0x9E3779B97F4A7C15ull);
}

/// The number of distinct values an integer argument may take, when the
/// function uses it as embedding ids or cross-entropy labels.
std::optional<int64_t> findIndexBound(Value value) {
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (auto embedding = dyn_cast<EmbeddingOp>(user);
        embedding && use.get() == embedding.getIds())
      return cast<RankedTensorType>(embedding.getTable().getType())
          .getDimSize(0);
    if (auto loss = dyn_cast<CrossEntropyOp>(user);
        loss && use.get() == loss.getLabels())
      return cast<RankedTensorType>(loss.getLogits().getType()).getDimSize(1);
    if (auto reshape = dyn_cast<ReshapeOp>(user))
      if (std::optional<int64_t> bound = findIndexBound(reshape.getResult()))
        return bound;
  }
  return std::nullopt;
}

std::string getAttrName(DictionaryAttr attrs, const std::string &fallback) {
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>(GcDialect::getNameAttrName()))
      return name.str();
  return fallback;
}
} // namespace

std::string mlir::gc::exec::getArgumentName(func::FuncOp function,
                                            unsigned index) {
  return getAttrName(function.getArgAttrDict(index),
                     "arg" + std::to_string(index));
}

std::string mlir::gc::exec::getResultName(func::FuncOp function,
                                          unsigned index) {
  return getAttrName(function.getResultAttrDict(index),
                     "result" + std::to_string(index));
}

FailureOr<HostTensor> mlir::gc::exec::generateInput(func::FuncOp function,
                                                    unsigned index,
                                                    uint64_t seed,
                                                    MemoryTracker *tracker) {
  auto type = dyn_cast<RankedTensorType>(function.getArgumentTypes()[index]);
  std::optional<ElementKind> kind =
      type ? getElementKind(type.getElementType()) : std::nullopt;
  std::string name = getArgumentName(function, index);
  if (!kind)
    return function.emitError()
           << "argument '" << name << "' has type "
           << function.getArgumentTypes()[index]
           << ", which the CPU executor cannot generate (it computes with "
              "f32, f64, i32 and i64 tensors)";

  HostTensor tensor = HostTensor::allocate(*kind, type.getShape(), tracker);
  int64_t n = tensor.getNumElements();
  auto fill = [&](double value) {
    for (int64_t i = 0; i < n; ++i)
      tensor.setFromDouble(i, value);
  };
  SplitMix64 random(streamKey(seed, name));
  StringRef ref(name);
  bool isParam =
      function.getArgAttr(index, GcDialect::getParamAttrName()) != nullptr;

  if (name == kSeedName && *kind == ElementKind::I64 && n == 1) {
    tensor.data<int64_t>()[0] = static_cast<int64_t>(seed);
  } else if (name == kStepName) {
    fill(1);
  } else if (ref.starts_with("optimizer.")) {
    fill(0);
  } else if (isFloat(*kind)) {
    if (isParam && ref.ends_with("LayerNorm.weight"))
      fill(1);
    else if (isParam && ref.ends_with(".bias"))
      fill(0);
    else
      for (int64_t i = 0; i < n; ++i)
        tensor.setFromDouble(i, (isParam ? 0.02 : 1.0) * random.normal());
  } else if (std::optional<int64_t> bound =
                 findIndexBound(function.getArgument(index))) {
    for (int64_t i = 0; i < n; ++i)
      tensor.setFromDouble(i, static_cast<double>(random.next() % *bound));
  } else {
    fill(name == "attention_mask" ? 1 : 0);
  }
  return tensor;
}
