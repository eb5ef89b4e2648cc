//===- InputGeneration.cpp - Initial values of a function's arguments -----===//
//
// Seeded, order-independent initial values (see Inputs.h for the rules),
// drawn from the streams of gc_rt/InitRandom.h that the runtime uses for
// compiled steps too.
//
//===----------------------------------------------------------------------===//

#include "gc/Execution/Inputs.h"

#include "Gc/IR/GcOps.h"

#include "gc_rt/InitRandom.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::exec;

using ::gc::rt::SplitMix64;

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
  SplitMix64 random(::gc::rt::initStreamKey(seed, name));
  InitRule rule = getInitRule(function, index);
  for (int64_t i = 0; i < n; ++i) {
    switch (rule.kind) {
    case InitKind::Zeros:
      tensor.setFromDouble(i, 0);
      break;
    case InitKind::Ones:
      tensor.setFromDouble(i, 1);
      break;
    case InitKind::Normal:
      tensor.setFromDouble(i, rule.scale * random.normal());
      break;
    case InitKind::Index:
      tensor.setFromDouble(
          i, static_cast<double>(random.next() %
                                 static_cast<uint64_t>(rule.bound)));
      break;
    case InitKind::Seed:
      tensor.data<int64_t>()[i] = static_cast<int64_t>(seed);
      break;
    }
  }
  return tensor;
}
