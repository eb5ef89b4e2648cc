//===- Reduction.cpp - reduce_sum, reduce_mean, reduce_max ----------------===//
//
// Reductions over any sorted set of dimensions. The input is read once, in
// row-major order (the cache-friendly order whatever dimensions are
// reduced), and each element is added into the result slot it maps to. To
// make that cheap the dimensions are first collapsed: size-1 dimensions are
// dropped and neighbouring dimensions that are both reduced or both kept are
// merged, leaving alternating groups; the innermost group is then one
// contiguous run of the input, reduced to a single slot or added
// elementwise into a contiguous run of the result.
//
// Sums are accumulated in double. For a double tensor the result buffer is
// the accumulator; for a float tensor a temporary double buffer with one
// entry per result element is allocated.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include <cassert>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

using namespace gc::rt::cpu;

namespace {

/// The input viewed as alternating groups of reduced and kept dimensions.
struct ReductionLayout {
  int rank = 0;
  int64_t sizes[kMaxRank];
  /// How far the result slot moves per step along the group (0 if reduced).
  int64_t resultStrides[kMaxRank];
  bool reduced[kMaxRank];
};

ReductionLayout collapse(Shape inputShape, DimList dims) {
  bool isReduced[kMaxRank] = {};
  for (int i = 0; i < dims.rank; ++i) {
    assert(dims[i] >= 0 && dims[i] < inputShape.rank);
    assert(i == 0 || dims[i] > dims[i - 1]);
    isReduced[dims[i]] = true;
  }
  ReductionLayout layout;
  for (int i = 0; i < inputShape.rank; ++i) {
    if (inputShape[i] == 1)
      continue;
    int last = layout.rank - 1;
    if (last >= 0 && layout.reduced[last] == isReduced[i]) {
      layout.sizes[last] *= inputShape[i];
      continue;
    }
    layout.sizes[layout.rank] = inputShape[i];
    layout.reduced[layout.rank] = isReduced[i];
    ++layout.rank;
  }
  if (layout.rank == 0) {
    layout.sizes[0] = 1;
    layout.reduced[0] = false;
    layout.rank = 1;
  }
  int64_t stride = 1;
  for (int i = layout.rank - 1; i >= 0; --i) {
    layout.resultStrides[i] = layout.reduced[i] ? 0 : stride;
    if (!layout.reduced[i])
      stride *= layout.sizes[i];
  }
  return layout;
}

/// Calls visit(run, resultOffset) for every innermost run of the input, in
/// row-major order; a run has layout.sizes[rank - 1] elements.
template <typename T, typename Visit>
void forEachRun(const T *input, const ReductionLayout &layout, Visit visit) {
  const int inner = layout.rank - 1;
  const int64_t runLength = layout.sizes[inner];
  int64_t index[kMaxRank] = {};
  int64_t resultOffset = 0;
  for (;;) {
    visit(input, resultOffset);
    input += runLength;
    int d = inner - 1;
    for (; d >= 0; --d) {
      if (++index[d] < layout.sizes[d]) {
        resultOffset += layout.resultStrides[d];
        break;
      }
      resultOffset -= (layout.sizes[d] - 1) * layout.resultStrides[d];
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

/// max that propagates NaN: once the accumulator is NaN it stays NaN.
template <typename T> T maxWithNan(T acc, T value) {
  if (std::isnan(acc))
    return acc;
  return (std::isnan(value) || value > acc) ? value : acc;
}

template <typename T>
void reduceMax(const T *input, T *result, const ReductionLayout &layout,
               int64_t resultCount) {
  for (int64_t i = 0; i < resultCount; ++i)
    result[i] = -std::numeric_limits<T>::infinity();
  const int inner = layout.rank - 1;
  const int64_t runLength = layout.sizes[inner];
  if (layout.reduced[inner]) {
    forEachRun(input, layout, [&](const T *run, int64_t slot) {
      T acc = result[slot];
      for (int64_t j = 0; j < runLength; ++j)
        acc = maxWithNan(acc, run[j]);
      result[slot] = acc;
    });
    return;
  }
  forEachRun(input, layout, [&](const T *run, int64_t slot) {
    for (int64_t j = 0; j < runLength; ++j)
      result[slot + j] = maxWithNan(result[slot + j], run[j]);
  });
}

/// Adds every input element into its slot of `acc` (zeroed here).
template <typename T>
void sumInto(const T *input, double *acc, const ReductionLayout &layout,
             int64_t resultCount) {
  for (int64_t i = 0; i < resultCount; ++i)
    acc[i] = 0.0;
  const int inner = layout.rank - 1;
  const int64_t runLength = layout.sizes[inner];
  if (layout.reduced[inner]) {
    forEachRun(input, layout, [&](const T *run, int64_t slot) {
      double sum = 0.0;
      for (int64_t j = 0; j < runLength; ++j)
        sum += static_cast<double>(run[j]);
      acc[slot] += sum;
    });
    return;
  }
  forEachRun(input, layout, [&](const T *run, int64_t slot) {
    for (int64_t j = 0; j < runLength; ++j)
      acc[slot + j] += static_cast<double>(run[j]);
  });
}

} // namespace

template <typename T>
void gc::rt::cpu::reduce(ReduceOp op, const T *input, T *result,
                         Shape inputShape, DimList dims) {
  assert(inputShape.rank <= kMaxRank && dims.rank >= 1);
  int64_t reducedCount = 1;
  for (int i = 0; i < dims.rank; ++i)
    reducedCount *= inputShape[dims[i]];
  const int64_t inputCount = inputShape.numElements();
  const int64_t resultCount =
      reducedCount == 0 ? -1 : inputCount / reducedCount;

  if (reducedCount == 0) {
    // An empty reduction: every result slot gets the identity (the mean of
    // nothing is NaN).
    int64_t count = 1;
    for (int i = 0, j = 0; i < inputShape.rank; ++i) {
      if (j < dims.rank && dims[j] == i) {
        ++j;
        continue;
      }
      count *= inputShape[i];
    }
    T identity = op == ReduceOp::Sum    ? T(0)
                 : op == ReduceOp::Mean ? std::numeric_limits<T>::quiet_NaN()
                                        : -std::numeric_limits<T>::infinity();
    for (int64_t i = 0; i < count; ++i)
      result[i] = identity;
    return;
  }
  if (resultCount == 0)
    return;

  ReductionLayout layout = collapse(inputShape, dims);
  if (op == ReduceOp::Max)
    return reduceMax(input, result, layout, resultCount);

  std::vector<double> buffer;
  double *acc;
  if constexpr (std::is_same_v<T, double>) {
    acc = result;
  } else {
    buffer.resize(static_cast<size_t>(resultCount));
    acc = buffer.data();
  }
  sumInto(input, acc, layout, resultCount);
  const double divisor =
      op == ReduceOp::Mean ? static_cast<double>(reducedCount) : 1.0;
  for (int64_t i = 0; i < resultCount; ++i)
    result[i] = static_cast<T>(acc[i] / divisor);
}

template void gc::rt::cpu::reduce<float>(ReduceOp, const float *, float *,
                                         Shape, DimList);
template void gc::rt::cpu::reduce<double>(ReduceOp, const double *, double *,
                                          Shape, DimList);
