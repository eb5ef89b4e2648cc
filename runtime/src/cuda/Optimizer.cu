//===- Optimizer.cu - SGD and AdamW parameter updates on CUDA -------------===//
//
// gc.sgd_update and gc.adamw_update, elementwise grid-stride kernels with the
// CPU's formulas in the element type (torch.optim.AdamW's single-tensor
// form; the per-call scalars in double, rounded once): with FMA contraction
// off, every element rounds as on the CPU, so the updates are bitwise the
// CPU's. Each thread reads all operands of an element before writing its
// results, so results may alias operands exactly (an in-place update).
//
// bf16 and f16 tensors compute in float and round each result once, as the
// CPU's widened kernels do (so they are bitwise the CPU's too).
//
// AdamW's step is a device scalar. Every block's first thread reads it and
// computes the per-call scalars once for the block (pow is the expensive
// part); a step below 1 makes every block return without writing, and
// block 0 reports GC_STEP_ERROR_BAD_OPTIMIZER_STEP.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "gc_rt/Scalar.h"
#include "gc_rt/StepAbi.h"

#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

template <typename T>
__global__ void sgdUpdateKernel(const T *param, const T *grad,
                                const float *skip, T *result, int64_t n,
                                double lr, double weightDecay) {
  using A = AccumulationOf<T>;
  if (skip && *skip != 0) {
    // The loss scaler found an inf or NaN gradient: the parameter passes
    // through (nothing to do for a result written in place).
    if (result != param)
      for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount())
        result[i] = param[i];
    return;
  }
  const A rate = static_cast<A>(lr), decay = static_cast<A>(weightDecay);
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount()) {
    const A p = widen(param[i]);
    result[i] = toStorage<T>(p - rate * (widen(grad[i]) + decay * p));
  }
}

template <typename T>
__global__ void
adamwUpdateKernel(const T *param, const T *grad, const T *m, const T *v,
                  const int64_t *step, const float *skip, T *newParam, T *newM,
                  T *newV, int64_t n, double lr, double beta1, double beta2,
                  double epsilon, double weightDecay, int32_t *deviceError) {
  using A = AccumulationOf<T>;
  __shared__ A stepSize, correction2Sqrt;
  __shared__ bool badStep, skipped;
  if (threadIdx.x == 0) {
    const int64_t t = *step;
    skipped = skip && *skip != 0;
    badStep = !skipped && t < 1;
    const double correction1 = 1.0 - pow(beta1, static_cast<double>(t));
    const double correction2 = 1.0 - pow(beta2, static_cast<double>(t));
    stepSize = static_cast<A>(lr / correction1);
    correction2Sqrt = static_cast<A>(sqrt(correction2));
    if (badStep && blockIdx.x == 0)
      reportError(deviceError, GC_STEP_ERROR_BAD_OPTIMIZER_STEP);
  }
  __syncthreads();
  if (badStep)
    return;
  if (skipped) {
    // The loss scaler found an inf or NaN gradient: the state passes through
    // (nothing to do for a result written in place).
    for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount()) {
      if (newParam != param)
        newParam[i] = param[i];
      if (newM != m)
        newM[i] = m[i];
      if (newV != v)
        newV[i] = v[i];
    }
    return;
  }
  // p' = p (1 - lr wd); m' = m + (1 - beta1)(g - m) (PyTorch's lerp);
  // v' = v beta2 + (1 - beta2) g g; p'' = p' - step m' / (sqrt(v') /
  // sqrt(correction2) + eps), step = lr / correction1.
  const A decay = static_cast<A>(1.0 - lr * weightDecay);
  const A mWeight = static_cast<A>(1.0 - beta1);
  const A vDecay = static_cast<A>(beta2), vWeight = static_cast<A>(1.0 - beta2);
  const A eps = static_cast<A>(epsilon);
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount()) {
    const A g = widen(grad[i]), m0 = widen(m[i]);
    const A mi = m0 + mWeight * (g - m0);
    const A vi = widen(v[i]) * vDecay + vWeight * g * g;
    const A denominator = gc::rt::scalar::sqrt(vi) / correction2Sqrt + eps;
    newParam[i] =
        toStorage<T>(widen(param[i]) * decay - stepSize * (mi / denominator));
    newM[i] = toStorage<T>(mi);
    newV[i] = toStorage<T>(vi);
  }
}

} // namespace

template <typename T>
Status gc::rt::cuda::sgdUpdate(const T *param, const T *grad, const float *skip,
                               T *result, int64_t n, double lr,
                               double weightDecay, cudaStream_t stream) {
  if (n == 0)
    return Status::ok();
  GC_CUDA_LAUNCH(sgdUpdateKernel<T>, gridFor(n), kBlockSize, 0,
                 stream)(param, grad, skip, result, n, lr, weightDecay);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("sgd_update");
  return Status::ok();
}

template <typename T>
Status
gc::rt::cuda::adamwUpdate(const T *param, const T *grad, const T *m, const T *v,
                          const int64_t *step, const float *skip, T *newParam,
                          T *newM, T *newV, int64_t n, double lr, double beta1,
                          double beta2, double epsilon, double weightDecay,
                          int32_t *deviceError, cudaStream_t stream) {
  // Launched even for n == 0, so that a bad step is still reported as the
  // CPU reports it.
  GC_CUDA_LAUNCH(adamwUpdateKernel<T>, gridFor(n), kBlockSize, 0,
                 stream)(param, grad, m, v, step, skip, newParam, newM, newV, n,
                         lr, beta1, beta2, epsilon, weightDecay, deviceError);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("adamw_update");
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::sgdUpdate<T>(const T *, const T *,             \
                                             const float *, T *, int64_t,      \
                                             double, double, cudaStream_t);    \
  template Status gc::rt::cuda::adamwUpdate<T>(                                \
      const T *, const T *, const T *, const T *, const int64_t *,             \
      const float *, T *, T *, T *, int64_t, double, double, double, double,   \
      double, int32_t *, cudaStream_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
GC_RT_INSTANTIATE(BFloat16)
GC_RT_INSTANTIATE(Half)
#undef GC_RT_INSTANTIATE
