//===- Wmma.h - CUDA's warp matrix functions on the host --------*- C++ -*-===//
//
// nvcuda::wmma, the C++ interface to the tensor cores (CUDA C++ Programming
// Guide, "Warp Matrix Functions"), for sources compiled by the CUDA host
// emulator. A kernel includes it instead of <mma.h> when GC_CUDA_EMULATION
// is defined (runtime/src/cuda/TensorCore.h), so the tiled tensor-core
// kernels run in check-gc on a machine without a GPU.
//
// What is emulated: the 16x16x16 shape with __half or __nv_bfloat16 inputs
// and float accumulators, which is what gc's kernels use; another shape or
// type fails to compile. As on a GPU:
//  - a fragment holds the lane's share of the tile (8 elements of a 16x16
//    tile per lane; num_elements and x[] are the lane's share), in a lane
//    mapping of its own: CUDA leaves the mapping unspecified, so a kernel
//    that depends on it is wrong on both;
//  - load_matrix_sync, store_matrix_sync and mma_sync are warp-collective:
//    every lane of the warp must call them (the emulator's warp barrier
//    fails a launch where one lane does not, as a GPU would hang);
//  - mma_sync multiplies the exact products of the 16-bit inputs and
//    accumulates them in float, one rounding per addition in k order (the
//    hardware's order is unspecified; within float's rounding of it).
//
//===----------------------------------------------------------------------===//

#ifndef GC_CUDA_EMU_WMMA_H
#define GC_CUDA_EMU_WMMA_H

#include "gc_cuda_emu/Device.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <type_traits>

namespace nvcuda::wmma {

struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

namespace detail {
constexpr int kTileSide = 16;
constexpr int kElementsPerLane = kTileSide * kTileSide / 32;

inline float toFloat(__half value) { return __half2float(value); }
inline float toFloat(__nv_bfloat16 value) { return __bfloat162float(value); }

/// The logical (row, column) of element `e` of `lane`'s share: lanes hold
/// the 16x16 tile row-major, 8 consecutive elements each.
inline int rowOf(unsigned lane, int e) {
  return static_cast<int>(lane * kElementsPerLane + e) / kTileSide;
}
inline int columnOf(unsigned lane, int e) {
  return static_cast<int>(lane * kElementsPerLane + e) % kTileSide;
}

/// The lane and the element of its share that hold (row, column).
inline unsigned laneHolding(int row, int column) {
  return static_cast<unsigned>(row * kTileSide + column) / kElementsPerLane;
}
inline int elementHolding(int row, int column) {
  return (row * kTileSide + column) % kElementsPerLane;
}

/// The warp barrier of a warp-collective function: every lane arrives.
inline void convergeWarp() {
  uint64_t lanes[32];
  ::gc_cuda_emu::syncWarp(0xffffffffu, 0, lanes);
}
} // namespace detail

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
class fragment {
  static_assert(M == 16 && N == 16 && K == 16,
                "the CUDA emulator implements the 16x16x16 shape");
  static_assert(std::is_same_v<Use, accumulator>
                    ? std::is_same_v<T, float>
                    : (std::is_same_v<T, __half> ||
                       std::is_same_v<T, __nv_bfloat16>),
                "the CUDA emulator implements __half and __nv_bfloat16 "
                "inputs with float accumulators");

public:
  using element_type = T;
  static constexpr int num_elements = detail::kElementsPerLane;
  T x[num_elements];
};

template <typename Use, int M, int N, int K, typename T, typename Layout>
void fill_fragment(fragment<Use, M, N, K, T, Layout> &f, const T &value) {
  for (int e = 0; e < f.num_elements; ++e)
    f.x[e] = value;
}

/// Loads a matrix_a or matrix_b fragment; `ldm` counts elements between
/// rows (row_major) or columns (col_major) of the tile in memory.
template <typename Use, int M, int N, int K, typename T, typename Layout>
void load_matrix_sync(fragment<Use, M, N, K, T, Layout> &f, const T *pointer,
                      unsigned ldm) {
  static_assert(!std::is_same_v<Use, accumulator>,
                "an accumulator load names its memory layout");
  detail::convergeWarp();
  const unsigned lane = ::gc_cuda_emu::laneId();
  for (int e = 0; e < f.num_elements; ++e) {
    const int row = detail::rowOf(lane, e), column = detail::columnOf(lane, e);
    f.x[e] = std::is_same_v<Layout, row_major> ? pointer[row * ldm + column]
                                               : pointer[column * ldm + row];
  }
}

template <int M, int N, int K>
void load_matrix_sync(fragment<accumulator, M, N, K, float> &f,
                      const float *pointer, unsigned ldm, layout_t layout) {
  detail::convergeWarp();
  const unsigned lane = ::gc_cuda_emu::laneId();
  for (int e = 0; e < f.num_elements; ++e) {
    const int row = detail::rowOf(lane, e), column = detail::columnOf(lane, e);
    f.x[e] = layout == mem_row_major ? pointer[row * ldm + column]
                                     : pointer[column * ldm + row];
  }
}

template <int M, int N, int K>
void store_matrix_sync(float *pointer,
                       const fragment<accumulator, M, N, K, float> &f,
                       unsigned ldm, layout_t layout) {
  detail::convergeWarp();
  const unsigned lane = ::gc_cuda_emu::laneId();
  for (int e = 0; e < f.num_elements; ++e) {
    const int row = detail::rowOf(lane, e), column = detail::columnOf(lane, e);
    (layout == mem_row_major ? pointer[row * ldm + column]
                             : pointer[column * ldm + row]) = f.x[e];
  }
}

/// d = a * b + c over the warp. Each lane publishes where its fragments
/// are (the lanes are fibers of one OS thread, so a lane can read another's
/// registers, which live on its stack while it waits), computes its share
/// of d, and writes it only after every lane has read: d may be c.
template <int M, int N, int K, typename T, typename LayoutA, typename LayoutB>
void mma_sync(fragment<accumulator, M, N, K, float> &d,
              const fragment<matrix_a, M, N, K, T, LayoutA> &a,
              const fragment<matrix_b, M, N, K, T, LayoutB> &b,
              const fragment<accumulator, M, N, K, float> &c) {
  struct Operands {
    const fragment<matrix_a, M, N, K, T, LayoutA> *a;
    const fragment<matrix_b, M, N, K, T, LayoutB> *b;
  };
  const Operands mine = {&a, &b};
  uint64_t published[32];
  ::gc_cuda_emu::syncWarp(0xffffffffu, ::gc_cuda_emu::toWord(&mine), published);
  const unsigned lane = ::gc_cuda_emu::laneId();
  float result[detail::kElementsPerLane];
  for (int e = 0; e < detail::kElementsPerLane; ++e) {
    const int row = detail::rowOf(lane, e), column = detail::columnOf(lane, e);
    float sum = c.x[e];
    for (int k = 0; k < K; ++k) {
      const auto *aLane = ::gc_cuda_emu::fromWord<const Operands *>(
          published[detail::laneHolding(row, k)]);
      const auto *bLane = ::gc_cuda_emu::fromWord<const Operands *>(
          published[detail::laneHolding(k, column)]);
      const float product =
          detail::toFloat(aLane->a->x[detail::elementHolding(row, k)]) *
          detail::toFloat(bLane->b->x[detail::elementHolding(k, column)]);
      sum += product;
    }
    result[e] = sum;
  }
  detail::convergeWarp();
  for (int e = 0; e < detail::kElementsPerLane; ++e)
    d.x[e] = result[e];
}

} // namespace nvcuda::wmma

#endif // GC_CUDA_EMU_WMMA_H
