//===- Optimizer.cu - SGD and AdamW parameter updates on CUDA -------------===//
//
// gc.sgd_update and gc.adamw_update, elementwise grid-stride kernels with the
// CPU's formulas in the element type (torch.optim.AdamW's single-tensor
// form; the per-call scalars in double, rounded once): with FMA contraction
// off, every element rounds as on the CPU, so the updates are bitwise the
// CPU's. Each thread reads all operands of an element before writing its
// results, so results may alias operands exactly (an in-place update).
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
__global__ void sgdUpdateKernel(const T *param, const T *grad, T *result,
                                int64_t n, double lr, double weightDecay) {
  const T rate = static_cast<T>(lr), decay = static_cast<T>(weightDecay);
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount())
    result[i] = param[i] - rate * (grad[i] + decay * param[i]);
}

template <typename T>
__global__ void adamwUpdateKernel(const T *param, const T *grad, const T *m,
                                  const T *v, const int64_t *step, T *newParam,
                                  T *newM, T *newV, int64_t n, double lr,
                                  double beta1, double beta2, double epsilon,
                                  double weightDecay, int32_t *deviceError) {
  __shared__ T stepSize, correction2Sqrt;
  __shared__ bool badStep;
  if (threadIdx.x == 0) {
    const int64_t t = *step;
    badStep = t < 1;
    const double correction1 = 1.0 - pow(beta1, static_cast<double>(t));
    const double correction2 = 1.0 - pow(beta2, static_cast<double>(t));
    stepSize = static_cast<T>(lr / correction1);
    correction2Sqrt = static_cast<T>(sqrt(correction2));
    if (badStep && blockIdx.x == 0)
      reportError(deviceError, GC_STEP_ERROR_BAD_OPTIMIZER_STEP);
  }
  __syncthreads();
  if (badStep)
    return;
  // p' = p (1 - lr wd); m' = m + (1 - beta1)(g - m) (PyTorch's lerp);
  // v' = v beta2 + (1 - beta2) g g; p'' = p' - step m' / (sqrt(v') /
  // sqrt(correction2) + eps), step = lr / correction1.
  const T decay = static_cast<T>(1.0 - lr * weightDecay);
  const T mWeight = static_cast<T>(1.0 - beta1);
  const T vDecay = static_cast<T>(beta2), vWeight = static_cast<T>(1.0 - beta2);
  const T eps = static_cast<T>(epsilon);
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount()) {
    const T g = grad[i];
    const T mi = m[i] + mWeight * (g - m[i]);
    const T vi = v[i] * vDecay + vWeight * g * g;
    const T denominator = gc::rt::scalar::sqrt(vi) / correction2Sqrt + eps;
    newParam[i] = param[i] * decay - stepSize * (mi / denominator);
    newM[i] = mi;
    newV[i] = vi;
  }
}

} // namespace

template <typename T>
Status gc::rt::cuda::sgdUpdate(const T *param, const T *grad, T *result,
                               int64_t n, double lr, double weightDecay,
                               cudaStream_t stream) {
  if (n == 0)
    return Status::ok();
  GC_CUDA_LAUNCH(sgdUpdateKernel<T>, gridFor(n), kBlockSize, 0,
                 stream)(param, grad, result, n, lr, weightDecay);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("sgd_update");
  return Status::ok();
}

template <typename T>
Status gc::rt::cuda::adamwUpdate(const T *param, const T *grad, const T *m,
                                 const T *v, const int64_t *step, T *newParam,
                                 T *newM, T *newV, int64_t n, double lr,
                                 double beta1, double beta2, double epsilon,
                                 double weightDecay, int32_t *deviceError,
                                 cudaStream_t stream) {
  // Launched even for n == 0, so that a bad step is still reported as the
  // CPU reports it.
  GC_CUDA_LAUNCH(adamwUpdateKernel<T>, gridFor(n), kBlockSize, 0,
                 stream)(param, grad, m, v, step, newParam, newM, newV, n, lr,
                         beta1, beta2, epsilon, weightDecay, deviceError);
  GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED("adamw_update");
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template Status gc::rt::cuda::sgdUpdate<T>(                                  \
      const T *, const T *, T *, int64_t, double, double, cudaStream_t);       \
  template Status gc::rt::cuda::adamwUpdate<T>(                                \
      const T *, const T *, const T *, const T *, const int64_t *, T *, T *,   \
      T *, int64_t, double, double, double, double, double, int32_t *,         \
      cudaStream_t);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
#undef GC_RT_INSTANTIATE
