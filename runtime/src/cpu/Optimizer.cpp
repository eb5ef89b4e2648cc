//===- Optimizer.cpp - SGD and AdamW parameter updates --------------------===//
//
// gc.sgd_update (torch.optim.SGD without momentum) and gc.adamw_update
// (torch.optim.AdamW: Loshchilov and Hutter, "Decoupled Weight Decay
// Regularization", ICLR 2019, with Adam's bias correction from Kingma and
// Ba, 2015). Elements are computed in the element type in the order of
// torch.optim.AdamW's single-tensor implementation (the one PyTorch uses for
// CPU tensors); the per-step scalars (bias corrections 1 - beta^t from the
// int64 step, step size, decay factor) are computed in double and rounded
// once to the element type. Elements run in parallel chunks.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Parallel.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

using namespace gc::rt;
using namespace gc::rt::cpu;
namespace scalar = gc::rt::scalar;

template <typename T>
void gc::rt::cpu::sgdUpdate(const T *param, const T *grad, const float *skip,
                            T *result, int64_t n, double lr,
                            double weightDecay) {
  if (skip && *skip != 0) {
    // Skipped (NaN counts as nonzero): the parameter passes through.
    if (param != result)
      std::copy(param, param + n, result);
    return;
  }
  const T rate = static_cast<T>(lr), decay = static_cast<T>(weightDecay);
  parallelForRange(n, kItemsPerTask, [&](int64_t begin, int64_t end) {
    GC_RT_VECTORIZE_LOOP
    for (int64_t i = begin; i < end; ++i)
      result[i] = param[i] - rate * (grad[i] + decay * param[i]);
  });
}

template <typename T>
Status
gc::rt::cpu::adamwUpdate(const T *param, const T *grad, const T *m, const T *v,
                         const int64_t *step, const float *skip, T *newParam,
                         T *newM, T *newV, int64_t n, double lr, double beta1,
                         double beta2, double epsilon, double weightDecay) {
  if (skip && *skip != 0) {
    // Skipped (NaN counts as nonzero): the state passes through unchanged.
    for (auto [from, to] :
         {std::pair(param, newParam), std::pair(m, newM), std::pair(v, newV)})
      if (from != to)
        std::copy(from, from + n, to);
    return Status::ok();
  }
  const int64_t t = *step;
  if (t < 1)
    return Status::error("adamw_update: step " + std::to_string(t) +
                         " is below 1 (the first update is step 1)");
  const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(t));
  const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(t));
  // p' = p * (1 - lr wd); m' = m + (1 - beta1) (g - m) (PyTorch's lerp);
  // v' = v beta2 + (1 - beta2) g g; p'' = p' - step * m' / (sqrt(v') /
  // sqrt(correction2) + eps) with step = lr / correction1.
  const T decay = static_cast<T>(1.0 - lr * weightDecay);
  const T mWeight = static_cast<T>(1.0 - beta1);
  const T vDecay = static_cast<T>(beta2), vWeight = static_cast<T>(1.0 - beta2);
  const T stepSize = static_cast<T>(lr / correction1);
  const T correction2Sqrt = static_cast<T>(std::sqrt(correction2));
  const T eps = static_cast<T>(epsilon);
  parallelForRange(n, kItemsPerTask, [&](int64_t begin, int64_t end) {
    GC_RT_VECTORIZE_LOOP
    for (int64_t i = begin; i < end; ++i) {
      const T g = grad[i];
      const T mi = m[i] + mWeight * (g - m[i]);
      const T vi = v[i] * vDecay + vWeight * g * g;
      const T denominator = scalar::sqrt(vi) / correction2Sqrt + eps;
      newParam[i] = param[i] * decay - stepSize * (mi / denominator);
      newM[i] = mi;
      newV[i] = vi;
    }
  });
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template void gc::rt::cpu::sgdUpdate<T>(const T *, const T *, const float *, \
                                          T *, int64_t, double, double);       \
  template Status gc::rt::cpu::adamwUpdate<T>(                                 \
      const T *, const T *, const T *, const T *, const int64_t *,             \
      const float *, T *, T *, T *, int64_t, double, double, double, double,   \
      double);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
#undef GC_RT_INSTANTIATE
