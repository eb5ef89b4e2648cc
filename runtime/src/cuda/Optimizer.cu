//===- Optimizer.cu - SGD and AdamW parameter updates on CUDA -------------===//
//
// gc.sgd_update and gc.adamw_update, elementwise grid-stride kernels with the
// CPU's formulas: every element is computed in double and rounded once per
// stored value (with FMA contraction off, the same roundings as the CPU).
// Each thread reads all operands of an element before writing its results,
// so results may alias operands exactly (an in-place update).
//
// AdamW's step is a device scalar. Every block's first thread reads it and
// computes the bias corrections 1 - beta^t once for the block (pow is the
// expensive part of the formula); a step below 1 makes every block return
// without writing, and block 0 reports GC_STEP_ERROR_BAD_OPTIMIZER_STEP.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "gc_rt/StepAbi.h"

#include <cmath>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

template <typename T>
__global__ void sgdUpdateKernel(const T *param, const T *grad, T *result,
                                int64_t n, double lr, double weightDecay) {
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount()) {
    const double p = static_cast<double>(param[i]);
    const double g = static_cast<double>(grad[i]);
    result[i] = static_cast<T>(p - lr * (g + weightDecay * p));
  }
}

template <typename T>
__global__ void adamwUpdateKernel(const T *param, const T *grad, const T *m,
                                  const T *v, const int64_t *step, T *newParam,
                                  T *newM, T *newV, int64_t n, double lr,
                                  double beta1, double beta2, double epsilon,
                                  double weightDecay, int32_t *deviceError) {
  __shared__ double correction1, correction2;
  __shared__ bool badStep;
  if (threadIdx.x == 0) {
    const int64_t t = *step;
    badStep = t < 1;
    correction1 = 1.0 - pow(beta1, static_cast<double>(t));
    correction2 = 1.0 - pow(beta2, static_cast<double>(t));
    if (badStep && blockIdx.x == 0)
      reportError(deviceError, GC_STEP_ERROR_BAD_OPTIMIZER_STEP);
  }
  __syncthreads();
  if (badStep)
    return;
  for (int64_t i = globalThreadIndex(); i < n; i += globalThreadCount()) {
    const double g = static_cast<double>(grad[i]);
    double p = static_cast<double>(param[i]);
    p -= lr * weightDecay * p;
    const double mi = beta1 * static_cast<double>(m[i]) + (1.0 - beta1) * g;
    const double vi = beta2 * static_cast<double>(v[i]) + (1.0 - beta2) * g * g;
    p -= lr * (mi / correction1) / (sqrt(vi / correction2) + epsilon);
    newParam[i] = static_cast<T>(p);
    newM[i] = static_cast<T>(mi);
    newV[i] = static_cast<T>(vi);
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
