//===- InitValues.h - The one routine that initialises arguments -*- C++
//-*-===//
//
// Fills a tensor with its initial values under a step ABI init rule
// (StepAbi.h's gc_step_init_t, from the argument's #gc.init): the CPU
// interpreter's generated inputs (lib/Execution/InputGeneration.cpp) and the
// runtime's fresh arguments (runtime/src/core/Step.cpp) both call it, so an
// interpreted and a compiled step started from one seed see bit-identical
// parameters and batch. Values are drawn in double from the tensor's own
// stream (gc_rt/InitRandom.h) and converted to the element type with
// static_cast (f16 and bf16: round to nearest even, gc_rt/HalfFloat.h).
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_INITVALUES_H
#define GC_RT_INITVALUES_H

#include "gc_rt/HalfFloat.h"
#include "gc_rt/InitRandom.h"
#include "gc_rt/StepAbi.h"

#include <cstdint>
#include <string_view>

namespace gc::rt {

/// Stores `value` as element `i` of a `dtype` buffer.
inline void storeInitialValue(gc_step_dtype_t dtype, void *data, int64_t i,
                              double value) {
  switch (dtype) {
  case GC_STEP_DTYPE_F32:
    static_cast<float *>(data)[i] = static_cast<float>(value);
    return;
  case GC_STEP_DTYPE_F64:
    static_cast<double *>(data)[i] = value;
    return;
  case GC_STEP_DTYPE_I32:
    static_cast<int32_t *>(data)[i] = static_cast<int32_t>(value);
    return;
  case GC_STEP_DTYPE_I64:
    static_cast<int64_t *>(data)[i] = static_cast<int64_t>(value);
    return;
  case GC_STEP_DTYPE_F16:
    static_cast<uint16_t *>(data)[i] = floatToHalf(static_cast<float>(value));
    return;
  case GC_STEP_DTYPE_BF16:
    static_cast<uint16_t *>(data)[i] =
        floatToBFloat16(static_cast<float>(value));
    return;
  }
}

/// What one tensor starts as.
struct InitSpec {
  gc_step_init_t init = GC_STEP_INIT_ZEROS;
  /// NORMAL: the standard deviation; FULL: the value.
  double scale = 1.0;
  /// INDEX: values are uniform in [0, bound).
  int64_t bound = 0;
};

/// Writes the `count` initial values of tensor `name` (element type `dtype`)
/// under `seed` into `data`. SEED stores the seed itself (an i64 tensor).
inline void fillInitialValues(const InitSpec &spec, std::string_view name,
                              uint64_t seed, gc_step_dtype_t dtype, void *data,
                              int64_t count) {
  SplitMix64 random(initStreamKey(seed, name));
  for (int64_t i = 0; i < count; ++i) {
    switch (spec.init) {
    case GC_STEP_INIT_ZEROS:
      storeInitialValue(dtype, data, i, 0);
      break;
    case GC_STEP_INIT_ONES:
      storeInitialValue(dtype, data, i, 1);
      break;
    case GC_STEP_INIT_NORMAL:
      storeInitialValue(dtype, data, i, spec.scale * random.normal());
      break;
    case GC_STEP_INIT_INDEX:
      storeInitialValue(dtype, data, i,
                        static_cast<double>(random.next() %
                                            static_cast<uint64_t>(spec.bound)));
      break;
    case GC_STEP_INIT_FULL:
      storeInitialValue(dtype, data, i, spec.scale);
      break;
    case GC_STEP_INIT_SEED:
      static_cast<int64_t *>(data)[i] = static_cast<int64_t>(seed);
      break;
    }
  }
}

} // namespace gc::rt

#endif // GC_RT_INITVALUES_H
