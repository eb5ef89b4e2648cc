//===- Support.h - Shared helpers of the CUDA kernels -----------*- C++ -*-===//
//
// Private to runtime/src/cuda. Host side: turning CUDA and cuBLAS error codes
// into a Status that names the kernel (the GC_RT_*_RETURN_IF_ERROR macros)
// and launch configuration. Device side: deterministic warp and block
// reductions (butterfly shuffles within a warp, then the warps' partials in
// warp order) and the warp-per-row helpers of the row-wise kernels; for a
// given shape they combine the same values in the same order on every run.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_SRC_CUDA_SUPPORT_H
#define GC_RT_SRC_CUDA_SUPPORT_H

#include "gc_rt/Status.h"
#include "gc_rt/cuda/Kernels.h"
#include "gc_rt/cuda/Launch.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

namespace gc::rt::cuda::detail {

/// "<kernel>: <what> failed: cudaErrorX (description)".
Status cudaFailure(const char *kernel, const char *what, cudaError_t error);

/// "<kernel>: <what> failed: CUBLAS_STATUS_X (description)".
Status cublasFailure(const char *kernel, const char *what,
                     cublasStatus_t status);

/// "<kernel>: <message>", for arguments the kernels cannot launch with.
Status invalidArgument(const char *kernel, const char *message);

/// Threads per block of the grid-stride and row-wise kernels.
constexpr int kBlockSize = 256;
/// An upper bound on the blocks of a grid-stride launch: enough to fill any
/// current GPU many times over; larger problems loop.
constexpr int64_t kMaxGridBlocks = 65535;

/// The number of blocks of `blockSize` threads for `work` items, one item
/// per thread, capped at kMaxGridBlocks (kernels loop over the rest).
inline unsigned gridFor(int64_t work, int blockSize = kBlockSize) {
  int64_t blocks = (work + blockSize - 1) / blockSize;
  return static_cast<unsigned>(std::clamp<int64_t>(blocks, 1, kMaxGridBlocks));
}

/// The number of blocks for `work` independent rows, one block per row,
/// capped at kMaxGridBlocks.
inline unsigned gridForRows(int64_t work) {
  return static_cast<unsigned>(std::clamp<int64_t>(work, 1, kMaxGridBlocks));
}

/// Rows per block of the warp-per-row kernels (one warp per row, kBlockSize
/// threads per block).
constexpr int kRowsPerWarpBlock = kBlockSize / 32;

/// The number of blocks for `rows` rows, one warp per row.
inline unsigned gridForWarpRows(int64_t rows) {
  return gridFor(rows, kRowsPerWarpBlock);
}

#ifdef GC_RT_CUDA_SOURCE

/// The global index of this thread and the stride of a grid-stride loop.
__device__ inline int64_t globalThreadIndex() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ inline int64_t globalThreadCount() {
  return static_cast<int64_t>(gridDim.x) * blockDim.x;
}

/// Combines `value` across the 32 lanes of a full warp with a butterfly;
/// every lane gets the result.
template <typename T, typename Combine>
__device__ T warpAllReduce(T value, Combine combine) {
  for (int offset = 16; offset > 0; offset /= 2)
    value = combine(value, __shfl_xor_sync(0xffffffffu, value, offset));
  return value;
}

/// The row of this warp in a warp-per-row kernel, its lane, and the stride
/// of the row loop. Every lane of a warp runs the same rows, so the warp's
/// shuffles are convergent.
__device__ inline int64_t warpRowIndex() {
  return static_cast<int64_t>(blockIdx.x) * (blockDim.x / 32) +
         threadIdx.x / 32;
}
__device__ inline int64_t warpRowCount() {
  return static_cast<int64_t>(gridDim.x) * (blockDim.x / 32);
}
__device__ inline int laneIndex() { return threadIdx.x % 32; }

/// Keeps a parameter out of template argument deduction.
template <typename T> struct TypeIdentity {
  using type = T;
};

/// Combines `value` across the block; every thread gets the result. Must be
/// called by every thread of the block (it synchronizes), with blockDim.x a
/// multiple of 32. The warps' partials are combined in warp order by warp 0,
/// so the result is reproducible for a given block size.
template <typename T, typename Combine>
__device__ T blockAllReduce(T value, Combine combine,
                            typename TypeIdentity<T>::type identity) {
  __shared__ T partials[32];
  __shared__ T total;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int numWarps = blockDim.x / 32;
  value = warpAllReduce(value, combine);
  // The previous call's readers of `partials` and `total` are done.
  __syncthreads();
  if (lane == 0)
    partials[warp] = value;
  __syncthreads();
  if (warp == 0) {
    T partial = lane < numWarps ? partials[lane] : identity;
    partial = warpAllReduce(partial, combine);
    if (lane == 0)
      total = partial;
  }
  __syncthreads();
  return total;
}

/// The sum over a full warp, every lane getting it. Each lane has summed
/// the row's elements lane, lane + 32, ... in order; the butterfly combines
/// the lanes in a fixed order, so a row's sum depends on its length only,
/// not on the launch shape.
template <typename T> __device__ T warpSum(T value);

struct SumOp {
  template <typename T> __device__ T operator()(T a, T b) const {
    return a + b;
  }
};

template <typename T> __device__ T warpSum(T value) {
  return warpAllReduce(value, SumOp());
}

/// max that propagates NaN (once NaN, always NaN), as the CPU's reduce_max.
struct MaxWithNanOp {
  template <typename T> __device__ T operator()(T acc, T value) const {
    if (isnan(acc))
      return acc;
    return (isnan(value) || value > acc) ? value : acc;
  }
};

/// Records a data error: the first nonzero code of a step wins.
__device__ inline void reportError(int32_t *deviceError, int32_t code) {
  if (deviceError)
    atomicCAS(reinterpret_cast<int *>(deviceError), 0, code);
}

#endif // GC_RT_CUDA_SOURCE

} // namespace gc::rt::cuda::detail

/// Returns a Status naming `kernel` when the cudaError_t expression fails.
#define GC_RT_CUDA_RETURN_IF_ERROR(kernel, expr)                               \
  do {                                                                         \
    cudaError_t gcRtCudaError = (expr);                                        \
    if (gcRtCudaError != cudaSuccess)                                          \
      return ::gc::rt::cuda::detail::cudaFailure(kernel, #expr,                \
                                                 gcRtCudaError);               \
  } while (false)

/// Checks the launch just made (cudaGetLastError) on behalf of `kernel`.
#define GC_RT_CUDA_RETURN_IF_LAUNCH_FAILED(kernel)                             \
  do {                                                                         \
    cudaError_t gcRtCudaError = cudaGetLastError();                            \
    if (gcRtCudaError != cudaSuccess)                                          \
      return ::gc::rt::cuda::detail::cudaFailure(kernel, "kernel launch",      \
                                                 gcRtCudaError);               \
  } while (false)

/// Returns a Status naming `kernel` when the cublasStatus_t expression fails.
#define GC_RT_CUBLAS_RETURN_IF_ERROR(kernel, expr)                             \
  do {                                                                         \
    cublasStatus_t gcRtCublasStatus = (expr);                                  \
    if (gcRtCublasStatus != CUBLAS_STATUS_SUCCESS)                             \
      return ::gc::rt::cuda::detail::cublasFailure(kernel, #expr,              \
                                                   gcRtCublasStatus);          \
  } while (false)

/// Propagates a failed Status.
#define GC_RT_RETURN_IF_ERROR(expr)                                            \
  do {                                                                         \
    ::gc::rt::Status gcRtStatus = (expr);                                      \
    if (!gcRtStatus.isOk())                                                    \
      return gcRtStatus;                                                       \
  } while (false)

#endif // GC_RT_SRC_CUDA_SUPPORT_H
