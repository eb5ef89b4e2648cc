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
// Sums follow the numerics contract (Accumulate.h), in the element type:
// a reduction over the innermost group is a blocked pairwise sum per result
// element, one over an outer group (a [rows, cols] or [outer, rows, cols]
// view, as bias gradients) is a chunked column sum. Both run in parallel
// over results, with tasks fixed by the shape. Other layouts (several
// reduced groups) add every element into its slot in row-major order on one
// thread.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include "Accumulate.h"
#include "gc_rt/cpu/Parallel.h"

#include <cassert>
#include <cmath>
#include <limits>

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

/// Sums of the contiguous runs of a [rows, length] view: result[r].
template <typename T>
void sumRows(const T *input, T *result, int64_t rows, int64_t length) {
  parallelForRange(rows, rowsPerTask(length), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      result[r] = detail::sumOfArray(input + r * length, length);
  });
}

/// Column sums of `outer` [rows, cols] matrices: result[o * cols + c].
template <typename T>
void sumColumns(const T *input, T *result, int64_t outer, int64_t rows,
                int64_t cols) {
  const int64_t blocks = numTasksFor(cols, detail::kColumnBlock);
  parallelFor(outer * blocks, [&](int64_t task) {
    const int64_t o = task / blocks;
    const int64_t first = (task % blocks) * detail::kColumnBlock;
    const int64_t width = cols - first < detail::kColumnBlock
                              ? cols - first
                              : detail::kColumnBlock;
    const T *matrix = input + o * rows * cols + first;
    detail::columnSums<T>(rows, width, result + o * cols + first,
                          [&](int64_t r, T *acc) {
                            const T *row = matrix + r * cols;
                            for (int64_t c = 0; c < width; ++c)
                              acc[c] += row[c];
                          });
  });
}

/// Any other layout: every element added into its slot in row-major order.
template <typename T>
void sumSequential(const T *input, T *result, const ReductionLayout &layout,
                   int64_t resultCount) {
  for (int64_t i = 0; i < resultCount; ++i)
    result[i] = T(0);
  const int inner = layout.rank - 1;
  const int64_t runLength = layout.sizes[inner];
  const bool innerReduced = layout.reduced[inner];
  forEachRun(input, layout, [&](const T *run, int64_t slot) {
    if (innerReduced)
      result[slot] += detail::sumOfArray(run, runLength);
    else
      for (int64_t j = 0; j < runLength; ++j)
        result[slot + j] += run[j];
  });
}

template <typename T>
void sumInto(const T *input, T *result, const ReductionLayout &layout,
             int64_t resultCount) {
  const int rank = layout.rank;
  const int64_t *sizes = layout.sizes;
  const bool innerReduced = layout.reduced[rank - 1];
  if (rank == 1 && innerReduced)
    return sumRows(input, result, 1, sizes[0]);
  if (rank == 2 && innerReduced)
    return sumRows(input, result, sizes[0], sizes[1]);
  if (rank == 2 && !innerReduced)
    return sumColumns(input, result, 1, sizes[0], sizes[1]);
  if (rank == 3 && !innerReduced)
    return sumColumns(input, result, sizes[0], sizes[1], sizes[2]);
  sumSequential(input, result, layout, resultCount);
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

  sumInto(input, result, layout, resultCount);
  if (op == ReduceOp::Mean) {
    const T divisor = static_cast<T>(reducedCount);
    for (int64_t i = 0; i < resultCount; ++i)
      result[i] = result[i] / divisor;
  }
}

template void gc::rt::cpu::reduce<float>(ReduceOp, const float *, float *,
                                         Shape, DimList);
template void gc::rt::cpu::reduce<double>(ReduceOp, const double *, double *,
                                          Shape, DimList);
