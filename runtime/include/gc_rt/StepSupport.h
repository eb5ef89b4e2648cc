//===- StepSupport.h - Helpers of generated step code -----------*- C++ -*-===//
//
// Included by the step.cpp / step.cu files that gc-compile generates: how a
// step reports a failed kernel (a message naming the op's location in
// call->error, a nonzero return) and, for CUDA, how launches are sized and
// every CUDA call is checked.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_STEPSUPPORT_H
#define GC_RT_STEPSUPPORT_H

#include "gc_rt/Status.h"
#include "gc_rt/StepAbi.h"

#include <cstdint>
#include <cstdio>

#define GC_STEP_EXPORT extern "C" __attribute__((visibility("default")))

namespace gc::rt {

/// Writes "<where>: <message>" to the call's error buffer; returns 1.
inline int failStep(const gc_step_call_t *call, const char *where,
                    const char *message) {
  if (call->error && call->error_capacity > 0)
    std::snprintf(call->error, call->error_capacity, "%s: %s", where, message);
  return 1;
}

} // namespace gc::rt

/// Returns from the step function when a runtime kernel fails (the call
/// comes last: template arguments contain commas).
#define GC_STEP_CHECK(where, ...)                                              \
  do {                                                                         \
    ::gc::rt::Status gcStatus = (__VA_ARGS__);                                 \
    if (!gcStatus.isOk())                                                      \
      return ::gc::rt::failStep(call, where, gcStatus.message().c_str());      \
  } while (0)

#include "gc_rt/cuda/Launch.h"

#if defined(GC_RT_CUDA_SOURCE)
#include "gc_rt/HalfFloat.h"

#include <cuda_runtime.h>

#include <type_traits>

/// Marks the start of the step's unit `index` (a runtime call or a fused
/// kernel, numbered by the emitter): the CUDA host emulator tags the
/// launches that follow with it for gc-compile's launch report. No code
/// under nvcc.
#if defined(GC_CUDA_EMULATION)
#define GC_STEP_UNIT(index) ::gc_cuda_emu::markStepUnit(index)
#else
#define GC_STEP_UNIT(index) ((void)0)
#endif

/// Returns from the step function when a CUDA call fails.
#define GC_STEP_CUDA_CHECK(where, ...)                                         \
  do {                                                                         \
    cudaError_t gcError = (__VA_ARGS__);                                       \
    if (gcError != cudaSuccess)                                                \
      return ::gc::rt::failStep(call, where, cudaGetErrorString(gcError));     \
  } while (0)

namespace gc::rt {
/// Element `lane` (0 to 3) of a 128-bit word of a generated kernel's group,
/// and the word of four elements (the kernels' vectorized loads and
/// stores).
__host__ __device__ inline float laneOf(float4 v, uint32_t lane) {
  return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}
__host__ __device__ inline int32_t laneOf(int4 v, uint32_t lane) {
  return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}
__host__ __device__ inline float4 packOf(const float (&v)[4]) {
  return make_float4(v[0], v[1], v[2], v[3]);
}
__host__ __device__ inline int4 packOf(const int32_t (&v)[4]) {
  return make_int4(v[0], v[1], v[2], v[3]);
}
/// Four 16-bit elements (BFloat16 or Half) of a group as one 64-bit word.
template <typename T> struct alignas(8) Quad {
  T lanes[4];
};
template <typename T>
__host__ __device__ inline T laneOf(const Quad<T> &v, uint32_t lane) {
  return v.lanes[lane];
}
template <typename T, typename = std::enable_if_t<kIsHalfType<T>>>
__host__ __device__ inline Quad<T> packOf(const T (&v)[4]) {
  return {{v[0], v[1], v[2], v[3]}};
}

/// Threads per block of generated pointwise kernels.
constexpr int kStepBlockSize = 256;
/// Blocks for n elements: one element per thread, capped (kernels loop
/// with a grid stride beyond it).
inline unsigned stepGridSize(int64_t n) {
  int64_t blocks = (n + kStepBlockSize - 1) / kStepBlockSize;
  const int64_t cap = int64_t(132) * 32;
  return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > cap ? cap : blocks));
}
} // namespace gc::rt
#endif

#endif // GC_RT_STEPSUPPORT_H
