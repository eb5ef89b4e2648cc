//===- Gemm.h - One single-threaded BLAS GEMM -------------------*- C++ -*-===//
//
// The row-major GEMM C[M, N] = op(A) op(B) + beta C on cblas_sgemm /
// cblas_dgemm, where op(A) is [M, K] and op(B) is [K, N]; the transpose
// flags are passed to BLAS through the leading dimensions, so no operand is
// copied. The kernels that call it (matmul, attention) run it inside their
// own parallel tasks: the thread pool switches OpenBLAS's threads off, so
// one call is one single-threaded, deterministic product.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_SRC_CPU_GEMM_H
#define GC_RT_SRC_CPU_GEMM_H

#include <cblas.h>

#include <cstdint>

namespace gc::rt::cpu::detail {

struct GemmShape {
  int64_t m, n, k;
  int64_t lda, ldb, ldc;
  bool transposeA, transposeB;
};

inline CBLAS_TRANSPOSE toBlas(bool transpose) {
  return transpose ? CblasTrans : CblasNoTrans;
}

inline void gemm(const GemmShape &s, const float *a, const float *b, float *c,
                 float beta = 0.0f) {
  cblas_sgemm(CblasRowMajor, toBlas(s.transposeA), toBlas(s.transposeB),
              static_cast<int>(s.m), static_cast<int>(s.n),
              static_cast<int>(s.k), 1.0f, a, static_cast<int>(s.lda), b,
              static_cast<int>(s.ldb), beta, c, static_cast<int>(s.ldc));
}

inline void gemm(const GemmShape &s, const double *a, const double *b,
                 double *c, double beta = 0.0) {
  cblas_dgemm(CblasRowMajor, toBlas(s.transposeA), toBlas(s.transposeB),
              static_cast<int>(s.m), static_cast<int>(s.n),
              static_cast<int>(s.k), 1.0, a, static_cast<int>(s.lda), b,
              static_cast<int>(s.ldb), beta, c, static_cast<int>(s.ldc));
}

} // namespace gc::rt::cpu::detail

#endif // GC_RT_SRC_CPU_GEMM_H
