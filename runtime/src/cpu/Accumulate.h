//===- Accumulate.h - Fixed-order sums of the CPU kernels -------*- C++ -*-===//
//
// The summation orders of the numerics contract (docs/numerics.md), shared
// by every CPU kernel that adds more than two numbers:
//
//  - sumOf(n, load): the sum of load(0) .. load(n - 1) in the element type.
//    Blocks of kSumBlock items are summed in kLanes interleaved partial sums
//    (item j goes to lane j % kLanes), the lanes are combined by a pairwise
//    tree, and blocks are combined pairwise (a block-level cascade). The
//    order depends on n only, so the result is the same however the loop is
//    vectorized (one vector register holds the lanes) and whatever thread
//    runs it. The error is at most about (ceil(log2(n / kSumBlock)) +
//    min(n, kSumBlock) / kLanes + log2(kLanes)) * eps * sum |x_i| (Higham,
//    "Accuracy and Stability of Numerical Algorithms", 2nd ed., section
//    4.2): 52 eps sum |x_i| for a row of 768, against (n - 1) eps sum |x_i|
//    for a sequential sum.
//
//  - Column sums (sum over rows of a [rows, cols] matrix, as for bias and
//    layer-norm parameter gradients): rows are cut into chunks of
//    kRowChunk; each chunk is summed sequentially, row after row, and the
//    chunk partials are combined pairwise with a binary-counter cascade.
//    Parallel kernels split the columns into blocks, never the row order.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CPU_ACCUMULATE_H
#define GC_RT_CPU_ACCUMULATE_H

#include <cstdint>
#include <cstring>

namespace gc::rt::cpu::detail {

/// Interleaved partial sums per block: one AVX-512 register of floats.
constexpr int kLanes = 16;
/// Items per block of sumOf.
constexpr int64_t kSumBlock = 2048;
/// Rows per chunk of a column sum.
constexpr int64_t kRowChunk = 32;
/// Columns per parallel task of a column sum (a multiple of kLanes).
constexpr int64_t kColumnBlock = 256;

/// The sum of one block of at most kSumBlock items.
template <typename T, typename Load>
inline T sumBlock(int64_t begin, int64_t end, Load &load) {
  T lanes[kLanes] = {};
  int64_t j = begin;
  for (; j + kLanes <= end; j += kLanes)
    for (int l = 0; l < kLanes; ++l)
      lanes[l] += load(j + l);
  for (int l = 0; j + l < end; ++l)
    lanes[l] += load(j + l);
  for (int width = kLanes / 2; width >= 1; width /= 2)
    for (int l = 0; l < width; ++l)
      lanes[l] += lanes[l + width];
  return lanes[0];
}

/// The sum of blocks [firstBlock, lastBlock) of [0, n), pairwise.
template <typename T, typename Load>
T sumBlocks(int64_t firstBlock, int64_t lastBlock, int64_t n, Load &load) {
  if (lastBlock - firstBlock == 1) {
    int64_t begin = firstBlock * kSumBlock;
    int64_t end = begin + kSumBlock < n ? begin + kSumBlock : n;
    return sumBlock<T>(begin, end, load);
  }
  int64_t middle = firstBlock + (lastBlock - firstBlock) / 2;
  T left = sumBlocks<T>(firstBlock, middle, n, load);
  return left + sumBlocks<T>(middle, lastBlock, n, load);
}

/// The sum of load(j) for j in [0, n), in the contract's order (0 for n <=
/// 0).
template <typename T, typename Load> inline T sumOf(int64_t n, Load load) {
  if (n <= 0)
    return T(0);
  if (n <= kSumBlock)
    return sumBlock<T>(0, n, load);
  return sumBlocks<T>(0, (n + kSumBlock - 1) / kSumBlock, n, load);
}

/// The sum of a contiguous array.
template <typename T> inline T sumOfArray(const T *x, int64_t n) {
  return sumOf<T>(n, [x](int64_t j) { return x[j]; });
}

/// The maximum of load(0) .. load(n - 1) (n >= 1), NaN if any is NaN. A
/// maximum is exact, so the lanes only serve vectorization.
template <typename T, typename Load> inline T maxOf(int64_t n, Load load) {
  auto maxWithNan = [](T a, T b) { return (a != a || a > b) ? a : b; };
  T lanes[kLanes];
  for (int l = 0; l < kLanes; ++l)
    lanes[l] = load(0);
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int l = 0; l < kLanes; ++l)
      lanes[l] = maxWithNan(lanes[l], load(j + l));
  for (int l = 0; j + l < n; ++l)
    lanes[l] = maxWithNan(lanes[l], load(j + l));
  for (int width = kLanes / 2; width >= 1; width /= 2)
    for (int l = 0; l < width; ++l)
      lanes[l] = maxWithNan(lanes[l], lanes[l + width]);
  return lanes[0];
}

/// Column sums of `width` (at most kColumnBlock) columns in the contract's
/// order: sum[c] = the sum over rows r of row r's value c, where
/// rowInto(r, acc) adds row r's `width` values into acc[0, width).
template <typename T, typename RowInto>
void columnSums(int64_t rows, int64_t width, T *sum, RowInto rowInto) {
  // levels[k] holds a partial over 2^k chunks while bit k of the number of
  // finished chunks is set (a binary-counter pairwise cascade).
  constexpr int kMaxLevels = 40; // 2^40 chunks
  T levels[kMaxLevels][kColumnBlock];
  T chunk[kColumnBlock];
  int64_t finished = 0;
  int top = 0;
  for (int64_t first = 0; first < rows; first += kRowChunk) {
    std::memset(chunk, 0, sizeof(T) * width);
    int64_t last = first + kRowChunk < rows ? first + kRowChunk : rows;
    for (int64_t r = first; r < last; ++r)
      rowInto(r, chunk);
    // Merge equal-sized partials, as adding one to a binary counter.
    int level = 0;
    for (int64_t count = finished; count & 1; count >>= 1, ++level)
      for (int64_t c = 0; c < width; ++c)
        chunk[c] = levels[level][c] + chunk[c];
    std::memcpy(levels[level], chunk, sizeof(T) * width);
    top = level + 1 > top ? level + 1 : top;
    ++finished;
  }
  // The remaining partials, from the smallest (latest) to the largest.
  bool any = false;
  for (int level = 0; level < top; ++level) {
    if (!((finished >> level) & 1))
      continue;
    if (!any) {
      std::memcpy(sum, levels[level], sizeof(T) * width);
      any = true;
    } else {
      for (int64_t c = 0; c < width; ++c)
        sum[c] = levels[level][c] + sum[c];
    }
  }
  if (!any)
    std::memset(sum, 0, sizeof(T) * width);
}

} // namespace gc::rt::cpu::detail

#endif // GC_RT_CPU_ACCUMULATE_H
