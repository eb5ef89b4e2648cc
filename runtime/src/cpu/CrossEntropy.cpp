//===- CrossEntropy.cpp - Softmax cross-entropy and its gradient ----------===//
//
// gc.cross_entropy and gc.cross_entropy_grad with an ignored label, as
// torch.nn.functional.cross_entropy(reduction="mean", ignore_index=...).
// Each row's log-sum-exp is computed stably in double (max + log(sum(exp(x
// - max)))), and the loss is averaged over the rows whose label is not
// ignored (0 when none is). Labels are validated before anything is
// written.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace gc::rt;
using namespace gc::rt::cpu;

namespace {

/// Checks every label and counts the rows that are not ignored.
template <typename Label>
Status checkLabels(const char *opName, const Label *labels, int64_t rows,
                   int64_t classes, int64_t ignoreIndex, int64_t &count) {
  count = 0;
  for (int64_t n = 0; n < rows; ++n) {
    const auto label = static_cast<int64_t>(labels[n]);
    if (label == ignoreIndex)
      continue;
    if (label < 0 || label >= classes)
      return Status::error(
          std::string(opName) + ": label " + std::to_string(label) +
          " of row " + std::to_string(n) + " is outside [0, " +
          std::to_string(classes) + ") and is not the ignore_index " +
          std::to_string(ignoreIndex));
    ++count;
  }
  return Status::ok();
}

/// The maximum of a row and the sum of exp(x - max) over it.
struct RowExpSum {
  double max;
  double sum;
};

template <typename T> RowExpSum rowExpSum(const T *row, int64_t classes) {
  double max = -INFINITY;
  for (int64_t j = 0; j < classes; ++j)
    max = std::fmax(max, static_cast<double>(row[j]));
  double sum = 0.0;
  for (int64_t j = 0; j < classes; ++j)
    sum += std::exp(static_cast<double>(row[j]) - max);
  return {max, sum};
}

} // namespace

template <typename T, typename Label>
Status gc::rt::cpu::crossEntropy(const T *logits, const Label *labels, T *loss,
                                 int64_t rows, int64_t classes,
                                 int64_t ignoreIndex) {
  int64_t count = 0;
  Status status =
      checkLabels("cross_entropy", labels, rows, classes, ignoreIndex, count);
  if (!status.isOk())
    return status;
  double total = 0.0;
  for (int64_t n = 0; n < rows; ++n) {
    const auto label = static_cast<int64_t>(labels[n]);
    if (label == ignoreIndex)
      continue;
    const T *row = logits + n * classes;
    RowExpSum stats = rowExpSum(row, classes);
    total += stats.max + std::log(stats.sum) - static_cast<double>(row[label]);
  }
  *loss =
      count == 0 ? T(0) : static_cast<T>(total / static_cast<double>(count));
  return Status::ok();
}

template <typename T, typename Label>
Status gc::rt::cpu::crossEntropyGrad(const T *grad, const T *logits,
                                     const Label *labels, T *result,
                                     int64_t rows, int64_t classes,
                                     int64_t ignoreIndex) {
  int64_t count = 0;
  Status status = checkLabels("cross_entropy_grad", labels, rows, classes,
                              ignoreIndex, count);
  if (!status.isOk())
    return status;
  const double rowScale =
      count == 0 ? 0.0
                 : static_cast<double>(*grad) / static_cast<double>(count);
  for (int64_t n = 0; n < rows; ++n) {
    const auto label = static_cast<int64_t>(labels[n]);
    T *out = result + n * classes;
    if (label == ignoreIndex) {
      std::fill(out, out + classes, T(0));
      continue;
    }
    const T *row = logits + n * classes;
    RowExpSum stats = rowExpSum(row, classes);
    for (int64_t j = 0; j < classes; ++j) {
      double p = std::exp(static_cast<double>(row[j]) - stats.max) / stats.sum;
      out[j] = static_cast<T>(rowScale * (j == label ? p - 1.0 : p));
    }
  }
  return Status::ok();
}

#define GC_RT_INSTANTIATE(T, Label)                                            \
  template Status gc::rt::cpu::crossEntropy<T, Label>(                         \
      const T *, const Label *, T *, int64_t, int64_t, int64_t);               \
  template Status gc::rt::cpu::crossEntropyGrad<T, Label>(                     \
      const T *, const T *, const Label *, T *, int64_t, int64_t, int64_t);
GC_RT_INSTANTIATE(float, int32_t)
GC_RT_INSTANTIATE(float, int64_t)
GC_RT_INSTANTIATE(double, int32_t)
GC_RT_INSTANTIATE(double, int64_t)
#undef GC_RT_INSTANTIATE
