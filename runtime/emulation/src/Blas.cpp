//===- Blas.cpp - cuBLAS's GEMMs on the host's CBLAS ----------------------===//
//
// The subset of cuBLAS that gc calls (handles, stream and mode setters, the
// GEMMs in f32, f64, and bf16 / f16 with f32 compute), built with
// libcublas's soname and symbol version.
// Each GEMM checks its arguments as cuBLAS documents (non-negative sizes,
// leading dimensions at least the rows of the stored matrix, operands in
// device memory) and runs one column-major CBLAS call per batch entry on
// the calling thread, in stream order (the emulated streams are
// synchronous). TF32 compute types compute in full f32. A 16-bit GEMM
// (CUDA_R_16BF or CUDA_R_16F data, CUBLAS_COMPUTE_32F) widens its operands
// to f32, runs cblas_sgemm and rounds each result once to nearest even:
// f32 accumulation, as cuBLAS's tensor-core GEMMs (whose summation order
// differs).
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "gc_rt/HalfFloat.h"

#include <cublas_v2.h>

#include <cblas.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <vector>

struct cublasContext {
  cudaStream_t stream = nullptr;
  cublasPointerMode_t pointerMode = CUBLAS_POINTER_MODE_HOST;
  cublasMath_t mathMode = CUBLAS_DEFAULT_MATH;
};

using namespace gc_cuda_emu;

namespace {

std::mutex handlesMutex;
std::set<cublasHandle_t> &handles() {
  static auto *live = new std::set<cublasHandle_t>();
  return *live;
}

bool isHandle(cublasHandle_t handle) {
  std::lock_guard<std::mutex> lock(handlesMutex);
  return handles().count(handle) != 0;
}

CBLAS_TRANSPOSE toCblas(cublasOperation_t op) {
  return op == CUBLAS_OP_N ? CblasNoTrans : CblasTrans;
}

bool isOperation(cublasOperation_t op) {
  return op == CUBLAS_OP_N || op == CUBLAS_OP_T || op == CUBLAS_OP_C;
}

/// Rows of the stored matrix of an operand with `op`: op(X) is rows x cols.
int storedRows(cublasOperation_t op, int rows, int cols) {
  return op == CUBLAS_OP_N ? rows : cols;
}

/// One column-major GEMM C = alpha op(A) op(B) + beta C of 16-bit storage
/// type T, computed in f32 (see the file comment).
template <typename T>
void gemmWidened(CBLAS_TRANSPOSE transa, CBLAS_TRANSPOSE transb, int m, int n,
                 int k, float alpha, const T *a, size_t aExtent, int lda,
                 const T *b, size_t bExtent, int ldb, float beta, T *c,
                 size_t cExtent, int ldc) {
  auto widened = [](const T *data, size_t count) {
    std::vector<float> values(count);
    for (size_t i = 0; i < count; ++i)
      values[i] = gc::rt::widen(data[i]);
    return values;
  };
  std::vector<float> aWide = widened(a, k > 0 ? aExtent : 0);
  std::vector<float> bWide = widened(b, k > 0 ? bExtent : 0);
  // With beta 0, C is not read (as BLAS specifies), so it is not widened.
  std::vector<float> cWide =
      beta != 0 ? widened(c, cExtent) : std::vector<float>(cExtent);
  cblas_sgemm(CblasColMajor, transa, transb, m, n, k, alpha, aWide.data(), lda,
              bWide.data(), ldb, beta, cWide.data(), ldc);
  // Only the m x n entries of C are results; the rest of each column of
  // the leading dimension keeps its bits.
  for (int column = 0; column < n; ++column)
    for (int row = 0; row < m; ++row) {
      size_t at = static_cast<size_t>(column) * ldc + row;
      c[at] = gc::rt::narrow<T>(cWide[at]);
    }
}

/// A strided batched GEMM on storage type T with scalars of type Scalar
/// (float for the 16-bit types).
template <typename T, typename Scalar = T>
cublasStatus_t gemmBatched(cublasHandle_t handle, cublasOperation_t transa,
                           cublasOperation_t transb, int m, int n, int k,
                           const void *alphaPointer, const void *a, int lda,
                           long long strideA, const void *b, int ldb,
                           long long strideB, const void *betaPointer, void *c,
                           int ldc, long long strideC, int batchCount) {
  if (!isHandle(handle))
    return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!isOperation(transa) || !isOperation(transb) || m < 0 || n < 0 || k < 0 ||
      batchCount < 0 || !alphaPointer || !betaPointer ||
      lda < std::max(1, storedRows(transa, m, k)) ||
      ldb < std::max(1, storedRows(transb, k, n)) || ldc < std::max(1, m))
    return CUBLAS_STATUS_INVALID_VALUE;
  if (m == 0 || n == 0 || batchCount == 0)
    return CUBLAS_STATUS_SUCCESS;
  if (isRecordOnly()) {
    recordLaunch("cublasGemmStridedBatchedEx", dim3(0, 0, 0), dim3(0, 0, 0));
    return CUBLAS_STATUS_SUCCESS;
  }
  if (cudaPeekAtLastError() == cudaErrorLaunchFailure)
    return CUBLAS_STATUS_EXECUTION_FAILED;
  // Both pointer modes read the scalars where they are: device memory is
  // host memory here.
  const Scalar alpha = *static_cast<const Scalar *>(alphaPointer);
  const Scalar beta = *static_cast<const Scalar *>(betaPointer);
  const T *aData = static_cast<const T *>(a);
  const T *bData = static_cast<const T *>(b);
  T *cData = static_cast<T *>(c);
  // The last column's extent of each operand, to check device memory.
  auto extent = [](int ld, int cols, int rows) {
    return (static_cast<size_t>(cols) - 1) * ld + rows;
  };
  for (int i = 0; i < batchCount; ++i) {
    const T *ai = aData + i * strideA;
    const T *bi = bData + i * strideB;
    T *ci = cData + i * strideC;
    const int aRows = storedRows(transa, m, k),
              aCols = transa == CUBLAS_OP_N ? k : m;
    const int bRows = storedRows(transb, k, n),
              bCols = transb == CUBLAS_OP_N ? n : k;
    if ((k > 0 &&
         (!isDeviceRange(ai, extent(lda, aCols, aRows) * sizeof(T)) ||
          !isDeviceRange(bi, extent(ldb, bCols, bRows) * sizeof(T)))) ||
        !isDeviceRange(ci, extent(ldc, n, m) * sizeof(T)))
      return CUBLAS_STATUS_INVALID_VALUE;
    if constexpr (gc::rt::kIsHalfType<T>)
      gemmWidened(toCblas(transa), toCblas(transb), m, n, k, alpha, ai,
                  extent(lda, aCols, aRows), lda, bi, extent(ldb, bCols, bRows),
                  ldb, beta, ci, extent(ldc, n, m), ldc);
    else if constexpr (std::is_same_v<T, float>)
      cblas_sgemm(CblasColMajor, toCblas(transa), toCblas(transb), m, n, k,
                  alpha, ai, lda, bi, ldb, beta, ci, ldc);
    else
      cblas_dgemm(CblasColMajor, toCblas(transa), toCblas(transb), m, n, k,
                  alpha, ai, lda, bi, ldb, beta, ci, ldc);
  }
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t gemmEx(cublasHandle_t handle, cublasOperation_t transa,
                      cublasOperation_t transb, int m, int n, int k,
                      const void *alpha, const void *a, cudaDataType aType,
                      int lda, long long strideA, const void *b,
                      cudaDataType bType, int ldb, long long strideB,
                      const void *beta, void *c, cudaDataType cType, int ldc,
                      long long strideC, int batchCount,
                      cublasComputeType_t computeType) {
  if (aType != bType || aType != cType)
    return CUBLAS_STATUS_NOT_SUPPORTED;
  if (aType == CUDA_R_32F && (computeType == CUBLAS_COMPUTE_32F ||
                              computeType == CUBLAS_COMPUTE_32F_PEDANTIC ||
                              computeType == CUBLAS_COMPUTE_32F_FAST_TF32))
    return gemmBatched<float>(handle, transa, transb, m, n, k, alpha, a, lda,
                              strideA, b, ldb, strideB, beta, c, ldc, strideC,
                              batchCount);
  if (aType == CUDA_R_16BF && computeType == CUBLAS_COMPUTE_32F)
    return gemmBatched<gc::rt::BFloat16, float>(
        handle, transa, transb, m, n, k, alpha, a, lda, strideA, b, ldb,
        strideB, beta, c, ldc, strideC, batchCount);
  if (aType == CUDA_R_16F && computeType == CUBLAS_COMPUTE_32F)
    return gemmBatched<gc::rt::Half, float>(
        handle, transa, transb, m, n, k, alpha, a, lda, strideA, b, ldb,
        strideB, beta, c, ldc, strideC, batchCount);
  if (aType == CUDA_R_64F && (computeType == CUBLAS_COMPUTE_64F ||
                              computeType == CUBLAS_COMPUTE_64F_PEDANTIC))
    return gemmBatched<double>(handle, transa, transb, m, n, k, alpha, a, lda,
                               strideA, b, ldb, strideB, beta, c, ldc, strideC,
                               batchCount);
  return CUBLAS_STATUS_NOT_SUPPORTED;
}

} // namespace

extern "C" {

cublasStatus_t cublasCreate_v2(cublasHandle_t *handle) {
  if (!handle)
    return CUBLAS_STATUS_INVALID_VALUE;
  *handle = new cublasContext();
  std::lock_guard<std::mutex> lock(handlesMutex);
  handles().insert(*handle);
  return CUBLAS_STATUS_SUCCESS;
}

int gcCudaEmuCreateBlasHandle(void **handle) {
  if (!handle)
    return CUBLAS_STATUS_INVALID_VALUE;
  cublasHandle_t created = nullptr;
  cublasStatus_t status = cublasCreate_v2(&created);
  *handle = created;
  return status;
}

cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
  std::lock_guard<std::mutex> lock(handlesMutex);
  if (!handles().erase(handle))
    return CUBLAS_STATUS_NOT_INITIALIZED;
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream) {
  if (!isHandle(handle))
    return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!isValidStream(stream))
    return CUBLAS_STATUS_INVALID_VALUE;
  handle->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetStream_v2(cublasHandle_t handle, cudaStream_t *stream) {
  if (!isHandle(handle))
    return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!stream)
    return CUBLAS_STATUS_INVALID_VALUE;
  *stream = handle->stream;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle,
                                       cublasPointerMode_t mode) {
  if (!isHandle(handle))
    return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode != CUBLAS_POINTER_MODE_HOST && mode != CUBLAS_POINTER_MODE_DEVICE)
    return CUBLAS_STATUS_INVALID_VALUE;
  handle->pointerMode = mode;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
  if (!isHandle(handle))
    return CUBLAS_STATUS_NOT_INITIALIZED;
  handle->mathMode = mode;
  return CUBLAS_STATUS_SUCCESS;
}

const char *cublasGetStatusName(cublasStatus_t status) {
  switch (status) {
  case CUBLAS_STATUS_SUCCESS:
    return "CUBLAS_STATUS_SUCCESS";
  case CUBLAS_STATUS_NOT_INITIALIZED:
    return "CUBLAS_STATUS_NOT_INITIALIZED";
  case CUBLAS_STATUS_INVALID_VALUE:
    return "CUBLAS_STATUS_INVALID_VALUE";
  case CUBLAS_STATUS_EXECUTION_FAILED:
    return "CUBLAS_STATUS_EXECUTION_FAILED";
  case CUBLAS_STATUS_NOT_SUPPORTED:
    return "CUBLAS_STATUS_NOT_SUPPORTED";
  default:
    return "CUBLAS_STATUS_UNKNOWN";
  }
}

const char *cublasGetStatusString(cublasStatus_t status) {
  switch (status) {
  case CUBLAS_STATUS_SUCCESS:
    return "success";
  case CUBLAS_STATUS_NOT_INITIALIZED:
    return "the library was not initialized";
  case CUBLAS_STATUS_INVALID_VALUE:
    return "an invalid numeric value was used as an argument";
  case CUBLAS_STATUS_EXECUTION_FAILED:
    return "the GPU program failed to execute";
  case CUBLAS_STATUS_NOT_SUPPORTED:
    return "the functionality requested is not supported";
  default:
    return "unknown error";
  }
}

cublasStatus_t cublasGemmStridedBatchedEx(
    cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
    int m, int n, int k, const void *alpha, const void *a, cudaDataType aType,
    int lda, long long strideA, const void *b, cudaDataType bType, int ldb,
    long long strideB, const void *beta, void *c, cudaDataType cType, int ldc,
    long long strideC, int batchCount, cublasComputeType_t computeType,
    cublasGemmAlgo_t) {
  return gemmEx(handle, transa, transb, m, n, k, alpha, a, aType, lda, strideA,
                b, bType, ldb, strideB, beta, c, cType, ldc, strideC,
                batchCount, computeType);
}

cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa,
                            cublasOperation_t transb, int m, int n, int k,
                            const void *alpha, const void *a,
                            cudaDataType aType, int lda, const void *b,
                            cudaDataType bType, int ldb, const void *beta,
                            void *c, cudaDataType cType, int ldc,
                            cublasComputeType_t computeType, cublasGemmAlgo_t) {
  return gemmEx(handle, transa, transb, m, n, k, alpha, a, aType, lda, 0, b,
                bType, ldb, 0, beta, c, cType, ldc, 0, 1, computeType);
}

cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
                              cublasOperation_t transb, int m, int n, int k,
                              const float *alpha, const float *a, int lda,
                              const float *b, int ldb, const float *beta,
                              float *c, int ldc) {
  return gemmBatched<float>(handle, transa, transb, m, n, k, alpha, a, lda, 0,
                            b, ldb, 0, beta, c, ldc, 0, 1);
}

cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
                              cublasOperation_t transb, int m, int n, int k,
                              const double *alpha, const double *a, int lda,
                              const double *b, int ldb, const double *beta,
                              double *c, int ldc) {
  return gemmBatched<double>(handle, transa, transb, m, n, k, alpha, a, lda, 0,
                             b, ldb, 0, beta, c, ldc, 0, 1);
}

} // extern "C"
