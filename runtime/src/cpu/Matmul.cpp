//===- Matmul.cpp - Batched matrix multiplication on BLAS -----------------===//
//
// gc.matmul on cblas_sgemm / cblas_dgemm (OpenBLAS). Row-major GEMM handles
// the transpose flags directly through the leading dimensions, so no operand
// is copied. A batched product issues one GEMM per batch, except when the
// rhs is a rank-2 matrix shared by every batch and the lhs is not
// transposed: the lhs batches are then contiguous rows of one
// [batch * M, K] matrix and a single GEMM computes them all (the common
// shape of a linear layer, x W^T).
//
// Parallelism: each GEMM is cut into tasks along the larger of M and N
// (pieces of at least 128 rows or columns, about 16M multiply-adds each, at
// most 16 pieces: every piece packs its own copy of the other operand, so
// finer cuts cost more than they balance), and a batch gives one set of
// tasks per GEMM. The cut is a function of the shape only and every task is
// a single-threaded BLAS call on its own block of C, so the product is
// bitwise the same for every thread count (docs/numerics.md); OpenBLAS's
// own threads are switched off by the thread pool.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"
#include "gc_rt/cpu/Parallel.h"

#include "Gemm.h"

#include <algorithm>
#include <cassert>
#include <climits>

using namespace gc::rt::cpu;

namespace {

using detail::gemm;
using detail::GemmShape;

/// How one GEMM is cut into tasks: `pieces` blocks of `pieceSize` rows of
/// C (alongRows) or columns of C.
struct GemmSplit {
  bool alongRows;
  int64_t pieceSize, pieces;
};

GemmSplit splitGemm(const GemmShape &s) {
  constexpr double kMultiplyAddsPerPiece = double(1 << 24);
  constexpr int64_t kMinPieceSize = 128, kMaxPieces = 16;
  GemmSplit split;
  split.alongRows = s.m >= s.n;
  const int64_t extent = split.alongRows ? s.m : s.n;
  // In double: M * N * K may not fit in int64.
  const double multiplyAdds = double(s.m) * double(s.n) * double(s.k);
  const int64_t wanted =
      multiplyAdds < kMultiplyAddsPerPiece
          ? 1
          : static_cast<int64_t>(std::min(multiplyAdds / kMultiplyAddsPerPiece,
                                          static_cast<double>(kMaxPieces)));
  int64_t size = (extent + wanted - 1) / wanted;
  size = (size + 15) / 16 * 16;
  split.pieceSize = size < kMinPieceSize ? kMinPieceSize : size;
  split.pieces = (extent + split.pieceSize - 1) / split.pieceSize;
  return split;
}

/// Piece `piece` of the GEMM: the same product restricted to a block of
/// rows of C (rows of op(A)) or of columns of C (columns of op(B)).
template <typename T>
void gemmPiece(const GemmShape &s, const GemmSplit &split, int64_t piece,
               const T *a, const T *b, T *c) {
  GemmShape block = s;
  const int64_t first = piece * split.pieceSize;
  if (split.alongRows) {
    block.m = s.m - first < split.pieceSize ? s.m - first : split.pieceSize;
    a += s.transposeA ? first : first * s.lda;
    c += first * s.ldc;
  } else {
    block.n = s.n - first < split.pieceSize ? s.n - first : split.pieceSize;
    b += s.transposeB ? first * s.ldb : first;
    c += first;
  }
  gemm(block, a, b, c);
}

[[maybe_unused]] bool fitsBlasInt(int64_t value) {
  return value >= 0 && value <= INT_MAX;
}

} // namespace

template <typename T>
void gc::rt::cpu::matmul(const T *lhs, const T *rhs, T *result, Shape lhsShape,
                         Shape rhsShape, bool transposeLhs, bool transposeRhs) {
  const int lr = lhsShape.rank, rr = rhsShape.rank;
  assert(lr >= 2 && (rr == lr || rr == 2));
  int64_t batch = 1;
  for (int i = 0; i < lr - 2; ++i)
    batch *= lhsShape[i];
  const bool sharedRhs = rr == 2;
  for (int i = 0; !sharedRhs && i < lr - 2; ++i)
    assert(lhsShape[i] == rhsShape[i] && "batch dimensions must agree");

  GemmShape s;
  s.transposeA = transposeLhs;
  s.transposeB = transposeRhs;
  s.m = transposeLhs ? lhsShape[lr - 1] : lhsShape[lr - 2];
  s.k = transposeLhs ? lhsShape[lr - 2] : lhsShape[lr - 1];
  s.n = transposeRhs ? rhsShape[rr - 2] : rhsShape[rr - 1];
  assert(s.k == (transposeRhs ? rhsShape[rr - 1] : rhsShape[rr - 2]));
  // Leading dimensions are the row lengths of the matrices as stored.
  s.lda = transposeLhs ? s.m : s.k;
  s.ldb = transposeRhs ? s.k : s.n;
  s.ldc = s.n;

  if (batch == 0 || s.m == 0 || s.n == 0)
    return;
  if (s.k == 0) {
    // An empty sum; BLAS may not be called with K == 0 and lda < 1.
    std::fill(result, result + batch * s.m * s.n, T(0));
    return;
  }

  if (sharedRhs && !transposeLhs) {
    s.m *= batch;
    batch = 1;
  }
  assert(fitsBlasInt(s.m) && fitsBlasInt(s.n) && fitsBlasInt(s.k));
  const int64_t lhsStride = s.m * s.k, rhsStride = sharedRhs ? 0 : s.k * s.n,
                resultStride = s.m * s.n;
  const GemmSplit split = splitGemm(s);
  parallelFor(batch * split.pieces, [&](int64_t task) {
    const int64_t b = task / split.pieces;
    gemmPiece(s, split, task % split.pieces, lhs + b * lhsStride,
              rhs + b * rhsStride, result + b * resultStride);
  });
}

template void gc::rt::cpu::matmul<float>(const float *, const float *, float *,
                                         Shape, Shape, bool, bool);
template void gc::rt::cpu::matmul<double>(const double *, const double *,
                                          double *, Shape, Shape, bool, bool);
