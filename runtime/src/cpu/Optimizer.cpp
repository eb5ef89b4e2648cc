//===- Optimizer.cpp - SGD and AdamW parameter updates --------------------===//
//
// gc.sgd_update (torch.optim.SGD without momentum) and gc.adamw_update
// (torch.optim.AdamW: Loshchilov and Hutter, "Decoupled Weight Decay
// Regularization", ICLR 2019, with Adam's bias correction from Kingma and
// Ba, 2015). Every element is computed in double and rounded once per
// stored value; the bias corrections 1 - beta^t are computed in double from
// the int64 step.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include <cmath>
#include <string>

using namespace gc::rt;
using namespace gc::rt::cpu;

template <typename T>
void gc::rt::cpu::sgdUpdate(const T *param, const T *grad, T *result, int64_t n,
                            double lr, double weightDecay) {
  for (int64_t i = 0; i < n; ++i) {
    const double p = static_cast<double>(param[i]);
    const double g = static_cast<double>(grad[i]);
    result[i] = static_cast<T>(p - lr * (g + weightDecay * p));
  }
}

template <typename T>
Status gc::rt::cpu::adamwUpdate(const T *param, const T *grad, const T *m,
                                const T *v, const int64_t *step, T *newParam,
                                T *newM, T *newV, int64_t n, double lr,
                                double beta1, double beta2, double epsilon,
                                double weightDecay) {
  const int64_t t = *step;
  if (t < 1)
    return Status::error("adamw_update: step " + std::to_string(t) +
                         " is below 1 (the first update is step 1)");
  const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(t));
  const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(t));
  for (int64_t i = 0; i < n; ++i) {
    const double g = static_cast<double>(grad[i]);
    double p = static_cast<double>(param[i]);
    p -= lr * weightDecay * p;
    const double mi = beta1 * static_cast<double>(m[i]) + (1.0 - beta1) * g;
    const double vi = beta2 * static_cast<double>(v[i]) + (1.0 - beta2) * g * g;
    p -= lr * (mi / correction1) / (std::sqrt(vi / correction2) + epsilon);
    newParam[i] = static_cast<T>(p);
    newM[i] = static_cast<T>(mi);
    newV[i] = static_cast<T>(vi);
  }
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T)                                                   \
  template void gc::rt::cpu::sgdUpdate<T>(const T *, const T *, T *, int64_t,  \
                                          double, double);                     \
  template Status gc::rt::cpu::adamwUpdate<T>(                                 \
      const T *, const T *, const T *, const T *, const int64_t *, T *, T *,   \
      T *, int64_t, double, double, double, double, double);
GC_RT_INSTANTIATE(float)
GC_RT_INSTANTIATE(double)
#undef GC_RT_INSTANTIATE
