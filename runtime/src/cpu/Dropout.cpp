//===- Dropout.cpp - Inverted dropout on the Philox stream ----------------===//
//
// gc.dropout and gc.dropout_grad. Both apply the mask that Philox.h defines
// as a pure function of (seed, stream, element index) and the inverted-
// dropout scale 1 / (1 - probability), so the gradient (and any recomputed
// forward) regenerates the forward mask exactly without storing it.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Parallel.h"
#include "gc_rt/cpu/Philox.h"

using namespace gc::rt::cpu;
namespace scalar = gc::rt::scalar;

namespace {

template <typename T>
void applyDropoutMask(const T *input, T *result, int64_t n, int64_t seed,
                      double probability, int64_t stream) {
  const T keptScale = scalar::dropoutScale<T>(probability);
  const uint32_t threshold = dropoutThreshold(probability);
  // Each element draws its own word (a Philox block per element, four
  // times the work of one block per four elements) because that loop
  // vectorizes, 16 elements per AVX-512 instruction, exactly as the fused
  // kernels gc generates do.
  parallelForRange(n, kItemsPerTask, [&](int64_t begin, int64_t end) {
    GC_RT_VECTORIZE_LOOP
    for (int64_t i = begin; i < end; ++i)
      result[i] = scalar::dropoutKeeps(seed, stream, static_cast<uint64_t>(i),
                                       threshold)
                      ? input[i] * keptScale
                      : T(0);
  });
}

} // namespace

template <typename T>
void gc::rt::cpu::dropout(const T *input, const int64_t *seed, T *result,
                          int64_t n, double probability, int64_t stream) {
  applyDropoutMask(input, result, n, *seed, probability, stream);
}

template <typename T>
void gc::rt::cpu::dropoutGrad(const T *grad, const int64_t *seed, T *result,
                              int64_t n, double probability, int64_t stream) {
  applyDropoutMask(grad, result, n, *seed, probability, stream);
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template void gc::rt::cpu::dropout<T>(const T *, const int64_t *, T *,       \
                                        int64_t, double, int64_t);             \
  template void gc::rt::cpu::dropoutGrad<T>(const T *, const int64_t *, T *,   \
                                            int64_t, double, int64_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
#undef GC_RT_INSTANTIATE
