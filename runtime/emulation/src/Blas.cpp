//===- Blas.cpp - cuBLAS's GEMMs on the host's CBLAS ----------------------===//
//
// The subset of cuBLAS that gc calls (handles, stream and mode setters, the
// GEMMs in f32 and f64), built with libcublas's soname and symbol version.
// Each GEMM checks its arguments as cuBLAS documents (non-negative sizes,
// leading dimensions at least the rows of the stored matrix, operands in
// device memory) and runs one column-major CBLAS call per batch entry on
// the calling thread, in stream order (the emulated streams are
// synchronous). TF32 compute types compute in full f32.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <cublas_v2.h>

#include <cblas.h>

#include <algorithm>
#include <mutex>
#include <set>

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

template <typename T>
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
  const T alpha = *static_cast<const T *>(alphaPointer);
  const T beta = *static_cast<const T *>(betaPointer);
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
    if constexpr (std::is_same_v<T, float>)
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
