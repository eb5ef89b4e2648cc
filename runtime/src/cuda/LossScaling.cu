//===- LossScaling.cu - Dynamic loss scaling on CUDA ----------------------===//
//
// gc.any_nonfinite and gc.update_loss_scale (see cpu::anyNonFinite and
// cpu::updateLossScale): a fill of the flag with 0 and a grid-stride scan
// whose threads store 1 where they see an inf or a NaN -- every writer
// stores the same value, so the flag is the same whatever the schedule --
// and the scale update on one thread (gc_rt/LossScale.h, the CPU's code).
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "gc_rt/LossScale.h"

#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

template <typename T> __global__ void clearFlagKernel(T *flag) {
  *flag = toStorage<T>(0.0f);
}

template <typename T>
__global__ void anyNonFiniteKernel(const T *__restrict__ input, T *flag,
                                   int64_t n) {
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount())
    if (!isfinite(widen(input[i]))) {
      *flag = toStorage<T>(1.0f);
      return;
    }
}

__global__ void
updateLossScaleKernel(const float *scale, const int64_t *growthTracker,
                      const int64_t *step, const float *found, float *newScale,
                      int64_t *newGrowthTracker, int64_t *newStep,
                      double growthFactor, double backoffFactor,
                      int64_t growthInterval) {
  updateLossScaleState(scale, growthTracker, step, found, newScale,
                       newGrowthTracker, newStep, growthFactor, backoffFactor,
                       growthInterval);
}

} // namespace

template <typename T>
Status gc::rt::cuda::anyNonFinite(const T *input, T *result, int64_t n,
                                  cudaStream_t stream) {
  GC_CUDA_LAUNCH(clearFlagKernel<T>, 1, 1, 0, stream)(result);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("any_nonfinite");
  if (n == 0)
    return Status::ok();
  GC_CUDA_LAUNCH(anyNonFiniteKernel<T>, gridFor(n), kBlockSize, 0,
                 stream)(input, result, n);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("any_nonfinite");
  return Status::ok();
}

Status gc::rt::cuda::updateLossScale(
    const float *scale, const int64_t *growthTracker, const int64_t *step,
    const float *found, float *newScale, int64_t *newGrowthTracker,
    int64_t *newStep, double growthFactor, double backoffFactor,
    int64_t growthInterval, cudaStream_t stream) {
  GC_CUDA_LAUNCH(updateLossScaleKernel, 1, 1, 0, stream)(
      scale, growthTracker, step, found, newScale, newGrowthTracker, newStep,
      growthFactor, backoffFactor, growthInterval);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("update_loss_scale");
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::anyNonFinite<T>(const T *, T *, int64_t,       \
                                                cudaStream_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
