//===- LossScaling.cpp - Dynamic loss scaling on the CPU ------------------===//
//
// gc.any_nonfinite and gc.update_loss_scale: the two halves of
// torch.cuda.amp.GradScaler's step (its _amp_foreach_non_finite_check and
// _amp_update_scale_), which let an fp16 step skip an update whose gradients
// overflowed and adapt the loss scale.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "gc_rt/LossScale.h"
#include "gc_rt/cpu/Parallel.h"

#include <atomic>
#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cpu;

template <typename T>
void gc::rt::cpu::anyNonFinite(const T *input, T *result, int64_t n) {
  // Whether any element is non-finite does not depend on the order in
  // which the tasks look, so a shared flag keeps the result deterministic.
  std::atomic<bool> found{false};
  parallelForRange(n, kItemsPerTask, [&](int64_t begin, int64_t end) {
    if (found.load(std::memory_order_relaxed))
      return;
    for (int64_t i = begin; i < end; ++i)
      if (!std::isfinite(widen(input[i]))) {
        found.store(true, std::memory_order_relaxed);
        return;
      }
  });
  result[0] = toStorage<T>(found.load() ? 1.0f : 0.0f);
}

void gc::rt::cpu::updateLossScale(const float *scale,
                                  const int64_t *growthTracker,
                                  const int64_t *step, const float *found,
                                  float *newScale, int64_t *newGrowthTracker,
                                  int64_t *newStep, double growthFactor,
                                  double backoffFactor,
                                  int64_t growthInterval) {
  updateLossScaleState(scale, growthTracker, step, found, newScale,
                       newGrowthTracker, newStep, growthFactor, backoffFactor,
                       growthInterval);
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template void gc::rt::cpu::anyNonFinite<T>(const T *, T *, int64_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
