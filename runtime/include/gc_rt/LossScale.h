//===- LossScale.h - The dynamic loss scaler's update -----------*- C++ -*-===//
//
// torch.cuda.amp.GradScaler.update() (its _amp_update_scale_) on one set of
// scalars, shared by the CPU kernel and the CUDA kernel of
// gc.update_loss_scale so that both compute the same bits.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_LOSSSCALE_H
#define GC_RT_LOSSSCALE_H

#include "gc_rt/HostDevice.h"

#include <cmath>
#include <cstdint>

namespace gc::rt {

/// The scaler's state after a step: with a nonzero `found` (an inf or NaN
/// gradient; the update was skipped) the scale is multiplied by
/// backoffFactor, the growth tracker reset and the optimizer step kept;
/// otherwise the step advances and the tracker counts the good step, and
/// after growthInterval of them in a row the scale is multiplied by
/// growthFactor (if that stays finite) and the tracker reset. Everything is
/// read before anything is written: results may alias the operands.
GC_RT_HOST_DEVICE inline void
updateLossScaleState(const float *scale, const int64_t *growthTracker,
                     const int64_t *step, const float *found, float *newScale,
                     int64_t *newGrowthTracker, int64_t *newStep,
                     double growthFactor, double backoffFactor,
                     int64_t growthInterval) {
  const float current = *scale;
  const int64_t tracker = *growthTracker, t = *step;
  if (*found != 0) {
    *newScale = static_cast<float>(current * backoffFactor);
    *newGrowthTracker = 0;
    *newStep = t;
    return;
  }
  *newStep = t + 1;
  const int64_t successful = tracker + 1;
  if (successful < growthInterval) {
    *newScale = current;
    *newGrowthTracker = successful;
    return;
  }
  const float grown = static_cast<float>(current * growthFactor);
#if defined(__CUDA_ARCH__)
  const bool finite = isfinite(grown);
#else
  const bool finite = std::isfinite(grown);
#endif
  *newScale = finite ? grown : current;
  *newGrowthTracker = 0;
}

} // namespace gc::rt

#endif // GC_RT_LOSSSCALE_H
