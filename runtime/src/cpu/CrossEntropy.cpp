//===- CrossEntropy.cpp - Softmax cross-entropy and its gradient ----------===//
//
// gc.cross_entropy and gc.cross_entropy_grad with an ignored label, as
// torch.nn.functional.cross_entropy(reduction="mean", ignore_index=...).
// Each row's log-sum-exp is computed stably in the element type (max +
// log(sum(exp(x - max))), gc's exp and log and the contract's blocked sums),
// and the loss is averaged over the rows whose label is not ignored (0 when
// none is): the per-row losses are summed in the contract's order too.
// Rows run in parallel. Labels are validated before anything is written.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "Accumulate.h"
#include "gc_rt/Scalar.h"
#include "gc_rt/cpu/Parallel.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace gc::rt;
using namespace gc::rt::cpu;
namespace scalar = gc::rt::scalar;

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

/// A row's maximum and sum(exp(x - max)); `exps`, when given, receives
/// exp(x - max).
template <typename T> struct RowExpSum {
  T max, sum;
};

template <typename T>
RowExpSum<T> rowExpSum(const T *row, int64_t classes, T *exps) {
  const T max = detail::maxOf<T>(classes, [&](int64_t j) { return row[j]; });
  T sum;
  if (exps) {
    for (int64_t j = 0; j < classes; ++j)
      exps[j] = scalar::exp(row[j] - max);
    sum = detail::sumOfArray(exps, classes);
  } else {
    sum = detail::sumOf<T>(
        classes, [&](int64_t j) { return scalar::exp(row[j] - max); });
  }
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
  std::vector<T> rowLoss(static_cast<size_t>(rows));
  parallelForRange(rows, rowsPerTask(classes), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const auto label = static_cast<int64_t>(labels[n]);
      if (label == ignoreIndex) {
        rowLoss[n] = T(0);
        continue;
      }
      const T *row = logits + n * classes;
      // (max - x[label]) + log(sum) rather than (max + log(sum)) - x[label]:
      // the first difference is exact for close values, so large logits
      // lose no digits (PyTorch's -log_softmax has the same form).
      RowExpSum<T> stats = rowExpSum(row, classes, static_cast<T *>(nullptr));
      rowLoss[n] = (stats.max - row[label]) + scalar::log(stats.sum);
    }
  });
  const T total = detail::sumOfArray(rowLoss.data(), rows);
  *loss = count == 0 ? T(0) : total / static_cast<T>(count);
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
  const T rowScale = count == 0 ? T(0) : *grad / static_cast<T>(count);
  parallelForRange(rows, rowsPerTask(classes), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const auto label = static_cast<int64_t>(labels[n]);
      T *out = result + n * classes;
      if (label == ignoreIndex) {
        std::fill(out, out + classes, T(0));
        continue;
      }
      // out holds exp(x - max) until the row's sum is known.
      const T sum = rowExpSum(logits + n * classes, classes, out).sum;
      const T probabilityOfLabel = out[label] / sum;
      for (int64_t j = 0; j < classes; ++j)
        out[j] = out[j] / sum * rowScale;
      out[label] = (probabilityOfLabel - T(1)) * rowScale;
    }
  });
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
