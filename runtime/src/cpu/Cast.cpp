//===- Cast.cpp - Element type conversion (gc.cast) -----------------------===//
//
// Conversions between float, double, bf16, f16, int32_t and int64_t (16-bit
// values go through float, gc_rt/HalfFloat.h). Float-to-float and
// integer-to-float conversions are the C++ ones (round to nearest even under
// the default floating-point environment). Float-to-integer conversions
// truncate toward zero; where C++ leaves the result undefined (NaN, values
// outside the integer range) they saturate and map NaN to 0, which is what
// CUDA's __float2int_rz family does, so both backends agree on every input.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/HalfFloat.h"
#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Kernels.h"

#include <cmath>
#include <limits>
#include <type_traits>

using namespace gc::rt::cpu;

namespace {
/// One element: gc_rt/Scalar.h's conversion, with a 16-bit operand widened
/// to float first and a 16-bit result rounded from float.
template <typename From, typename To> To convert(From x) {
  if constexpr (gc::rt::kIsHalfType<From>)
    return convert<float, To>(gc::rt::widen(x));
  else if constexpr (gc::rt::kIsHalfType<To>)
    return gc::rt::narrow<To>(gc::rt::scalar::cast<From, float>(x));
  else
    return gc::rt::scalar::cast<From, To>(x);
}
} // namespace

template <typename From, typename To>
void gc::rt::cpu::cast(const From *input, To *result, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    result[i] = convert<From, To>(input[i]);
}

#define GC_RT_INSTANTIATE_TO(From)                                             \
  template void gc::rt::cpu::cast<From, float>(const From *, float *,          \
                                               int64_t);                       \
  template void gc::rt::cpu::cast<From, double>(const From *, double *,        \
                                                int64_t);                      \
  template void gc::rt::cpu::cast<From, int32_t>(const From *, int32_t *,      \
                                                 int64_t);                     \
  template void gc::rt::cpu::cast<From, int64_t>(const From *, int64_t *,      \
                                                 int64_t);                     \
  template void gc::rt::cpu::cast<From, gc::rt::BFloat16>(                     \
      const From *, gc::rt::BFloat16 *, int64_t);                              \
  template void gc::rt::cpu::cast<From, gc::rt::Half>(                         \
      const From *, gc::rt::Half *, int64_t);
GC_RT_INSTANTIATE_TO(float)
GC_RT_INSTANTIATE_TO(double)
GC_RT_INSTANTIATE_TO(int32_t)
GC_RT_INSTANTIATE_TO(int64_t)
GC_RT_INSTANTIATE_TO(gc::rt::BFloat16)
GC_RT_INSTANTIATE_TO(gc::rt::Half)
#undef GC_RT_INSTANTIATE_TO
