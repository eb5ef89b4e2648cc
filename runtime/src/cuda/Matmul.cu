//===- Matmul.cu - Batched matrix multiplication on cuBLAS ----------------===//
//
// gc.matmul on cublasGemmStridedBatchedEx. cuBLAS is column-major, our
// tensors are row-major: a row-major [M, N] matrix is, in memory, the
// column-major [N, M] matrix C^T, and C^T = op(B)^T op(A)^T. So every GEMM
// is issued with the operands swapped (rhs as cuBLAS's A, lhs as its B),
// m = N and n = M, and each operand keeps its own transpose flag and the
// row length of its storage as leading dimension; nothing is copied.
//
// Batches are strided: lhs batch b starts M*K elements after batch b - 1,
// and so on; a rank-2 rhs shared by every batch has stride 0. When the rhs
// is shared and the lhs is not transposed, the lhs batches are the rows of
// one [batch * M, K] matrix and a single GEMM computes them all (a linear
// layer's x W^T), as on the CPU.
//
// Precision: float computes with CUBLAS_COMPUTE_32F (exact FP32, no TF32)
// under the default math mode, unless the caller allows TF32
// (CUBLAS_COMPUTE_32F_FAST_TF32); double uses CUBLAS_COMPUTE_64F. bf16 and
// f16 operands (CUDA_R_16BF, CUDA_R_16F) compute with CUBLAS_COMPUTE_32F
// (tensor cores, f32 accumulation) and round each result once, as
// torch.autocast's GEMMs do.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <climits>
#include <type_traits>

using namespace gc::rt;
using namespace gc::rt::cuda;
using namespace gc::rt::cuda::detail;

namespace {

bool fitsInt(int64_t value) { return value >= 0 && value <= INT_MAX; }

cublasOperation_t toCublas(bool transpose) {
  return transpose ? CUBLAS_OP_T : CUBLAS_OP_N;
}

} // namespace

template <typename T>
Status gc::rt::cuda::matmul(cublasHandle_t handle, cudaStream_t stream,
                            const T *lhs, const T *rhs, T *result,
                            Shape lhsShape, Shape rhsShape, bool transposeLhs,
                            bool transposeRhs, bool allowTf32) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> ||
                kIsHalfType<T>);
  const char *kernel = "matmul";
  const int lr = lhsShape.rank, rr = rhsShape.rank;
  if (lr < 2 || (rr != lr && rr != 2))
    return invalidArgument(kernel, "operands must be rank >= 2 with equal "
                                   "ranks or a rank-2 rhs");
  int64_t batch = 1;
  for (int i = 0; i < lr - 2; ++i)
    batch *= lhsShape[i];
  const bool sharedRhs = rr == 2;

  int64_t m = transposeLhs ? lhsShape[lr - 1] : lhsShape[lr - 2];
  const int64_t k = transposeLhs ? lhsShape[lr - 2] : lhsShape[lr - 1];
  const int64_t n = transposeRhs ? rhsShape[rr - 2] : rhsShape[rr - 1];
  if (k != (transposeRhs ? rhsShape[rr - 1] : rhsShape[rr - 2]))
    return invalidArgument(kernel, "contraction sizes differ");

  if (batch == 0 || m == 0 || n == 0)
    return Status::ok();
  if (k == 0) {
    // An empty sum; cuBLAS rejects a leading dimension of 0. All-zero bytes
    // are +0.0 in IEEE float and double.
    GC_RT_CUDA_RETURN_IF_ERROR(
        kernel, cudaMemsetAsync(result, 0,
                                static_cast<size_t>(batch * m * n) * sizeof(T),
                                stream));
    return Status::ok();
  }

  // Row lengths of the matrices as stored.
  const int64_t ldLhs = transposeLhs ? m : k;
  const int64_t ldRhs = transposeRhs ? k : n;
  long long strideLhs = m * k, strideRhs = sharedRhs ? 0 : k * n,
            strideResult = m * n;
  if (sharedRhs && !transposeLhs) {
    m *= batch;
    batch = 1;
  }
  if (!fitsInt(m) || !fitsInt(n) || !fitsInt(k) || !fitsInt(batch))
    return invalidArgument(kernel, "a GEMM size exceeds cuBLAS's int range");

  GC_RT_CUBLAS_RETURN_IF_ERROR(kernel, cublasSetStream(handle, stream));
  GC_RT_CUBLAS_RETURN_IF_ERROR(
      kernel, cublasSetPointerMode(handle, CUBLAS_POINTER_MODE_HOST));
  // 16-bit GEMMs: no reduced-precision (16-bit) reduction of split-K
  // partial sums, which cuBLAS would otherwise allow; the whole sum is f32.
  const cublasMath_t mathMode =
      kIsHalfType<T> ? static_cast<cublasMath_t>(
                           CUBLAS_DEFAULT_MATH |
                           CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION)
                     : CUBLAS_DEFAULT_MATH;
  GC_RT_CUBLAS_RETURN_IF_ERROR(kernel, cublasSetMathMode(handle, mathMode));

  // The scalars have the compute type's precision: float for 16-bit data.
  using Scalar = AccumulationOf<T>;
  const Scalar alpha = 1, beta = 0;
  cudaDataType_t dataType;
  cublasComputeType_t computeType;
  if constexpr (std::is_same_v<T, float>) {
    dataType = CUDA_R_32F;
    computeType = allowTf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
  } else if constexpr (kIsHalfType<T>) {
    dataType = std::is_same_v<T, BFloat16> ? CUDA_R_16BF : CUDA_R_16F;
    computeType = CUBLAS_COMPUTE_32F;
  } else {
    dataType = CUDA_R_64F;
    computeType = CUBLAS_COMPUTE_64F;
  }
  // Column-major C^T[N, M] = op(rhs)^T[N, K] op(lhs)^T[K, M].
  GC_RT_CUBLAS_RETURN_IF_ERROR(
      kernel, cublasGemmStridedBatchedEx(
                  handle, toCublas(transposeRhs), toCublas(transposeLhs),
                  static_cast<int>(n), static_cast<int>(m), static_cast<int>(k),
                  &alpha, rhs, dataType, static_cast<int>(ldRhs), strideRhs,
                  lhs, dataType, static_cast<int>(ldLhs), strideLhs, &beta,
                  result, dataType, static_cast<int>(n), strideResult,
                  static_cast<int>(batch), computeType, CUBLAS_GEMM_DEFAULT));
  return Status::ok();
}

template Status gc::rt::cuda::matmul<float>(cublasHandle_t, cudaStream_t,
                                            const float *, const float *,
                                            float *, Shape, Shape, bool, bool,
                                            bool);
template Status gc::rt::cuda::matmul<double>(cublasHandle_t, cudaStream_t,
                                             const double *, const double *,
                                             double *, Shape, Shape, bool, bool,
                                             bool);
template Status gc::rt::cuda::matmul<BFloat16>(cublasHandle_t, cudaStream_t,
                                               const BFloat16 *,
                                               const BFloat16 *, BFloat16 *,
                                               Shape, Shape, bool, bool, bool);
template Status gc::rt::cuda::matmul<Half>(cublasHandle_t, cudaStream_t,
                                           const Half *, const Half *, Half *,
                                           Shape, Shape, bool, bool, bool);
