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
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"

#include <cblas.h>

#include <algorithm>
#include <cassert>
#include <climits>

using namespace gc::rt::cpu;

namespace {

/// The plain row-major GEMM C[M, N] = op(A) op(B), where op(A) is [M, K]
/// and op(B) is [K, N].
struct GemmShape {
  int64_t m, n, k;
  int64_t lda, ldb, ldc;
  bool transposeA, transposeB;
};

CBLAS_TRANSPOSE toBlas(bool transpose) {
  return transpose ? CblasTrans : CblasNoTrans;
}

void gemm(const GemmShape &s, const float *a, const float *b, float *c) {
  cblas_sgemm(CblasRowMajor, toBlas(s.transposeA), toBlas(s.transposeB),
              static_cast<int>(s.m), static_cast<int>(s.n),
              static_cast<int>(s.k), 1.0f, a, static_cast<int>(s.lda), b,
              static_cast<int>(s.ldb), 0.0f, c, static_cast<int>(s.ldc));
}

void gemm(const GemmShape &s, const double *a, const double *b, double *c) {
  cblas_dgemm(CblasRowMajor, toBlas(s.transposeA), toBlas(s.transposeB),
              static_cast<int>(s.m), static_cast<int>(s.n),
              static_cast<int>(s.k), 1.0, a, static_cast<int>(s.lda), b,
              static_cast<int>(s.ldb), 0.0, c, static_cast<int>(s.ldc));
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
    assert(fitsBlasInt(s.m) && fitsBlasInt(s.n) && fitsBlasInt(s.k));
    gemm(s, lhs, rhs, result);
    return;
  }
  assert(fitsBlasInt(s.m) && fitsBlasInt(s.n) && fitsBlasInt(s.k));
  const int64_t lhsStride = s.m * s.k, rhsStride = sharedRhs ? 0 : s.k * s.n,
                resultStride = s.m * s.n;
  for (int64_t b = 0; b < batch; ++b)
    gemm(s, lhs + b * lhsStride, rhs + b * rhsStride,
         result + b * resultStride);
}

template void gc::rt::cpu::matmul<float>(const float *, const float *, float *,
                                         Shape, Shape, bool, bool);
template void gc::rt::cpu::matmul<double>(const double *, const double *,
                                          double *, Shape, Shape, bool, bool);
