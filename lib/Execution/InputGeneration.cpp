//===- InputGeneration.cpp - Initial values of a function's arguments -----===//
//
// Seeded, order-independent initial values (see Inputs.h for the rules),
// written by the runtime's own routine (gc_rt/InitValues.h), so compiled
// steps start from the same values.
//
//===----------------------------------------------------------------------===//

#include "gc/Execution/Inputs.h"

#include "gc/Dialect/GcOps.h"

#include "gc_rt/InitValues.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gc;
using namespace mlir::gc::exec;

namespace {
/// The step ABI's spelling of an initializer and an element type, for the
/// runtime's initialisation routine.
gc_step_init_t toStepInit(InitKind kind) {
  switch (kind) {
  case InitKind::Zeros:
    return GC_STEP_INIT_ZEROS;
  case InitKind::Ones:
    return GC_STEP_INIT_ONES;
  case InitKind::Normal:
    return GC_STEP_INIT_NORMAL;
  case InitKind::Index:
    return GC_STEP_INIT_INDEX;
  case InitKind::Seed:
    return GC_STEP_INIT_SEED;
  case InitKind::Full:
    return GC_STEP_INIT_FULL;
  }
  return GC_STEP_INIT_ZEROS;
}

gc_step_dtype_t toStepDType(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return GC_STEP_DTYPE_F32;
  case ElementKind::F64:
    return GC_STEP_DTYPE_F64;
  case ElementKind::BF16:
    return GC_STEP_DTYPE_BF16;
  case ElementKind::F16:
    return GC_STEP_DTYPE_F16;
  case ElementKind::I32:
    return GC_STEP_DTYPE_I32;
  case ElementKind::I64:
    return GC_STEP_DTYPE_I64;
  }
  return GC_STEP_DTYPE_F32;
}
} // namespace

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
              "f32, f64, bf16, f16, i32 and i64 tensors)";

  HostTensor tensor = HostTensor::allocate(*kind, type.getShape(), tracker);
  InitRule rule = getInitRule(function, index);
  ::gc::rt::InitSpec spec;
  spec.init = toStepInit(rule.kind);
  spec.scale = rule.scale;
  spec.bound = rule.bound;
  ::gc::rt::fillInitialValues(spec, name, seed, toStepDType(*kind),
                              tensor.bytes(), tensor.getNumElements());
  return tensor;
}
