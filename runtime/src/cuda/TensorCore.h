//===- TensorCore.h - Warp matrix tiles for the CUDA kernels ----*- C++ -*-===//
//
// Private to runtime/src/cuda. The tensor cores through CUDA's warp matrix
// functions (nvcuda::wmma, 16x16x16 tiles of bf16 or f16 inputs with f32
// accumulation), which nvcc takes from <mma.h> and the CUDA host emulator
// from gc_cuda_emu/Wmma.h, so that a kernel written on them runs in
// check-gc on a machine without a GPU. Kernels keep their tiles in shared
// memory as gc's storage types (gc_rt/HalfFloat.h) and hand them to the
// warp matrix functions as the CUDA types of the same bits.
//
// Every helper here is warp-collective: all 32 lanes of a warp call it with
// the same arguments.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_SRC_CUDA_TENSORCORE_H
#define GC_RT_SRC_CUDA_TENSORCORE_H

#include "gc_rt/HalfFloat.h"
#include "gc_rt/cuda/Launch.h"

#ifdef GC_CUDA_EMULATION
#include "gc_cuda_emu/Wmma.h"
#else
#include <mma.h>
#endif
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <type_traits>

namespace gc::rt::cuda::detail {

namespace wmma = nvcuda::wmma;

/// The side of a warp matrix tile (m = n = k).
constexpr int kMatrixTile = 16;

/// The CUDA type with the bits of gc's 16-bit storage type T.
template <typename T> struct TensorCoreType;
template <> struct TensorCoreType<BFloat16> {
  using type = __nv_bfloat16;
};
template <> struct TensorCoreType<Half> {
  using type = __half;
};

using TileAccumulator = wmma::fragment<wmma::accumulator, kMatrixTile,
                                       kMatrixTile, kMatrixTile, float>;

#ifdef GC_RT_CUDA_SOURCE

template <typename T>
__device__ const typename TensorCoreType<T>::type *
asTensorCoreInput(const T *pointer) {
  return reinterpret_cast<const typename TensorCoreType<T>::type *>(pointer);
}

/// acc += A B over `depth` (a multiple of 16), A a 16 x depth row-major
/// tile at `a` (row stride lda). B is read in `BLayout`: wmma::row_major,
/// a depth x 16 row-major tile at `b`; wmma::col_major, the 16 rows of a
/// row-major tile at `b` (so that the product is A times their transpose).
template <typename BLayout, typename T>
__device__ void accumulateTileProduct(TileAccumulator &acc, const T *a, int lda,
                                      const T *b, int ldb, int depth) {
  using Input = typename TensorCoreType<T>::type;
  constexpr bool kRowMajorB = std::is_same_v<BLayout, wmma::row_major>;
  for (int k = 0; k < depth; k += kMatrixTile) {
    wmma::fragment<wmma::matrix_a, kMatrixTile, kMatrixTile, kMatrixTile, Input,
                   wmma::row_major>
        left;
    wmma::fragment<wmma::matrix_b, kMatrixTile, kMatrixTile, kMatrixTile, Input,
                   BLayout>
        right;
    wmma::load_matrix_sync(left, asTensorCoreInput(a + k), lda);
    wmma::load_matrix_sync(
        right, asTensorCoreInput(b + (kRowMajorB ? k * ldb : k)), ldb);
    wmma::mma_sync(acc, left, right, acc);
  }
}

/// acc += A B, B a depth x 16 row-major tile.
template <typename T>
__device__ void accumulateProduct(TileAccumulator &acc, const T *a, int lda,
                                  const T *b, int ldb, int depth) {
  accumulateTileProduct<wmma::row_major>(acc, a, lda, b, ldb, depth);
}

/// acc += A B^T, B's 16 rows a row-major tile.
template <typename T>
__device__ void accumulateProductTransposed(TileAccumulator &acc, const T *a,
                                            int lda, const T *b, int ldb,
                                            int depth) {
  accumulateTileProduct<wmma::col_major>(acc, a, lda, b, ldb, depth);
}

#endif // GC_RT_CUDA_SOURCE

} // namespace gc::rt::cuda::detail

#endif // GC_RT_SRC_CUDA_TENSORCORE_H
