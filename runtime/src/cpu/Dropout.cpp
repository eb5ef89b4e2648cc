//===- Dropout.cpp - Inverted dropout on the Philox stream ----------------===//
//
// gc.dropout and gc.dropout_grad. Both apply the mask that Philox.h defines
// as a pure function of (seed, stream, element index) and the inverted-
// dropout scale 1 / (1 - probability), so the gradient (and any recomputed
// forward) regenerates the forward mask exactly without storing it. One
// Philox block yields the draws of four consecutive elements.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"
#include "gc_rt/cpu/Parallel.h"
#include "gc_rt/cpu/Philox.h"

using namespace gc::rt::cpu;

namespace {

template <typename T>
void applyDropoutMask(const T *input, T *result, int64_t n, int64_t seed,
                      double probability, int64_t stream) {
  const T keptScale = static_cast<T>(1.0 / (1.0 - probability));
  const uint32_t threshold = dropoutThreshold(probability);
  const PhiloxKey key = dropoutKey(seed);
  // Chunks are a multiple of 4 elements: each block serves one chunk.
  parallelForRange(n, 16384, [&](int64_t begin, int64_t end) {
    for (int64_t base = begin; base < end; base += 4) {
      const PhiloxBlock block = philox4x32(
          dropoutCounter(static_cast<uint64_t>(base) / 4, stream), key);
      const int64_t count = end - base < 4 ? end - base : 4;
      for (int64_t k = 0; k < count; ++k) {
        bool keep = dropoutWordKeeps(block.words[k], threshold);
        result[base + k] = keep ? input[base + k] * keptScale : T(0);
      }
    }
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
