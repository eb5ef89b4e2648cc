//===- Device.h - CUDA device code compiled by the host compiler -*- C++
//-*-===//
//
// The CUDA host emulator lets check-gc execute gc's CUDA sources on a machine
// without a GPU: the kernel library (runtime/src/cuda/*.cu) and an emitted
// step.cu are compiled by the host C++ compiler with this header force-
// included (-include gc_cuda_emu/Device.h -DGC_CUDA_EMULATION) and linked
// against the emulated CUDA runtime and cuBLAS (libcudart/libcublas built
// from runtime/emulation/src). The source is the one nvcc compiles.
//
// What this header provides, on top of the CUDA toolkit's own headers in
// their host mode (types such as dim3 and float4, the runtime API):
//  - the execution-space qualifiers as no-ops, __shared__ as per-OS-thread
//    static storage (blocks run one after another, so a block's threads see
//    one copy, and the next block reuses it, as on a GPU);
//  - threadIdx, blockIdx, blockDim and gridDim, which the scheduler sets for
//    the thread it runs;
//  - __syncthreads, __syncwarp, the warp shuffles and votes, which suspend
//    the calling thread until its block or warp arrives (Scheduler.cpp);
//  - atomics, and the CUDA math functions the host library lacks;
//  - GC_CUDA_LAUNCH(kernel, grid, block, sharedBytes, stream)(args...), the
//    kernel launch every gc CUDA source spells instead of <<<...>>>.
//
// Device code takes the host branch of gc_rt's __CUDA_ARCH__ tests (they
// choose between equivalent intrinsics, e.g. __fsqrt_rn and sqrtf).
//
//===----------------------------------------------------------------------===//

#ifndef GC_CUDA_EMU_DEVICE_H
#define GC_CUDA_EMU_DEVICE_H

#ifndef GC_CUDA_EMULATION
#error "gc_cuda_emu/Device.h is for sources compiled with -DGC_CUDA_EMULATION"
#endif

#include "gc_cuda_emu/Recorder.h"

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

// Execution spaces: every function is a host function here.
#undef __global__
#undef __device__
#undef __host__
#undef __shared__
#undef __constant__
#undef __managed__
#undef __forceinline__
#undef __launch_bounds__
#define __global__
#define __device__
#define __host__
#define __constant__ static
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)
/// One copy per OS thread that runs blocks: the threads of a block, which
/// the scheduler runs as fibers of one OS thread, share it.
#define __shared__ static thread_local

namespace gc_cuda_emu {

/// The coordinates of the running thread. The scheduler writes them before
/// it resumes a thread.
struct ThreadCoordinates {
  uint3 thread;
  uint3 block;
  dim3 blockSize;
  dim3 gridSize;
};
extern thread_local ThreadCoordinates current;

/// Waits until every thread of the block arrives (__syncthreads).
void syncBlock();
/// Waits until the lanes of `mask` in the caller's warp arrive, publishing
/// `value` (up to 8 bytes); returns the lanes' published words through
/// `lanes` (32 entries, indexed by lane).
void syncWarp(unsigned mask, uint64_t value, uint64_t lanes[32]);
/// The caller's lane in its warp.
unsigned laneId();

/// A kernel launch: runs `body` for every thread of the grid, blocks one
/// after another. Returns cudaErrorInvalidConfiguration for an impossible
/// launch shape and cudaErrorLaunchFailure when the threads cannot complete
/// (a barrier some thread never reaches); the message says which.
cudaError_t launch(const char *kernelName, dim3 grid, dim3 block,
                   size_t sharedBytes, cudaStream_t stream,
                   void (*body)(void *), void *bodyContext);

/// Records the outcome of a launch for cudaGetLastError.
void setLaunchError(cudaError_t error);

/// Tags the launches that follow with `unit`, the index of the emitted unit
/// of a compiled step (GC_STEP_UNIT, gc_rt/StepSupport.h).
void markStepUnit(int64_t unit);

template <typename T> uint64_t toWord(T value) {
  static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>,
                "warp shuffles move at most 8 bytes");
  uint64_t word = 0;
  std::memcpy(&word, &value, sizeof(T));
  return word;
}
template <typename T> T fromWord(uint64_t word) {
  T value;
  std::memcpy(&value, &word, sizeof(T));
  return value;
}

/// The launch object behind GC_CUDA_LAUNCH: copies the arguments, as a
/// launch does, and runs the kernel on them.
template <typename Kernel> class Launch {
public:
  Launch(const char *name, Kernel *kernel, dim3 grid, dim3 block,
         size_t sharedBytes, cudaStream_t stream)
      : name(name), kernel(kernel), grid(grid), block(block),
        sharedBytes(sharedBytes), stream(stream) {}

  template <typename... Args> void operator()(Args &&...args) const {
    auto call = [&, copies = std::make_tuple(args...)]() {
      std::apply([&](const auto &...a) { kernel(a...); }, copies);
    };
    using Call = decltype(call);
    setLaunchError(launch(
        name, grid, block, sharedBytes, stream,
        [](void *context) { (*static_cast<Call *>(context))(); }, &call));
  }

private:
  const char *name;
  Kernel *kernel;
  dim3 grid, block;
  size_t sharedBytes;
  cudaStream_t stream;
};

template <typename Kernel>
Launch<Kernel> makeLaunch(const char *name, Kernel *kernel, dim3 grid,
                          dim3 block, size_t sharedBytes, cudaStream_t stream) {
  return Launch<Kernel>(name, kernel, grid, block, sharedBytes, stream);
}

} // namespace gc_cuda_emu

#define GC_CUDA_LAUNCH(kernel, grid, block, sharedBytes, stream)               \
  ::gc_cuda_emu::makeLaunch(#kernel, &kernel, dim3(grid), dim3(block),         \
                            sharedBytes, stream)

#define threadIdx (::gc_cuda_emu::current.thread)
#define blockIdx (::gc_cuda_emu::current.block)
#define blockDim (::gc_cuda_emu::current.blockSize)
#define gridDim (::gc_cuda_emu::current.gridSize)

constexpr int warpSize = 32;

inline void __syncthreads() { ::gc_cuda_emu::syncBlock(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) {
  uint64_t lanes[32];
  ::gc_cuda_emu::syncWarp(mask, 0, lanes);
}
/// Memory fences order nothing here: threads never run at the same time.
inline void __threadfence() {}
inline void __threadfence_block() {}

template <typename T>
T __shfl_sync(unsigned mask, T value, int srcLane, int width = 32) {
  uint64_t lanes[32];
  ::gc_cuda_emu::syncWarp(mask, ::gc_cuda_emu::toWord(value), lanes);
  const int lane = static_cast<int>(::gc_cuda_emu::laneId());
  const int base = lane - lane % width;
  return ::gc_cuda_emu::fromWord<T>(lanes[base + (srcLane % width)]);
}
template <typename T>
T __shfl_xor_sync(unsigned mask, T value, int laneMask, int width = 32) {
  uint64_t lanes[32];
  ::gc_cuda_emu::syncWarp(mask, ::gc_cuda_emu::toWord(value), lanes);
  const int lane = static_cast<int>(::gc_cuda_emu::laneId());
  const int base = lane - lane % width;
  const int source = lane ^ laneMask;
  // A source outside the caller's segment of `width` lanes reads the caller.
  return ::gc_cuda_emu::fromWord<T>(
      lanes[source - source % width == base ? source : lane]);
}
template <typename T>
T __shfl_down_sync(unsigned mask, T value, unsigned delta, int width = 32) {
  uint64_t lanes[32];
  ::gc_cuda_emu::syncWarp(mask, ::gc_cuda_emu::toWord(value), lanes);
  const int lane = static_cast<int>(::gc_cuda_emu::laneId());
  const int base = lane - lane % width;
  const int source = lane + static_cast<int>(delta);
  return ::gc_cuda_emu::fromWord<T>(
      lanes[source < base + width ? source : lane]);
}
template <typename T>
T __shfl_up_sync(unsigned mask, T value, unsigned delta, int width = 32) {
  uint64_t lanes[32];
  ::gc_cuda_emu::syncWarp(mask, ::gc_cuda_emu::toWord(value), lanes);
  const int lane = static_cast<int>(::gc_cuda_emu::laneId());
  const int source = lane - static_cast<int>(delta);
  return ::gc_cuda_emu::fromWord<T>(
      lanes[source >= lane - lane % width ? source : lane]);
}
inline unsigned __ballot_sync(unsigned mask, int predicate) {
  uint64_t lanes[32];
  ::gc_cuda_emu::syncWarp(mask, predicate != 0, lanes);
  unsigned ballot = 0;
  for (unsigned lane = 0; lane < 32; ++lane)
    if ((mask >> lane & 1u) && lanes[lane])
      ballot |= 1u << lane;
  return ballot;
}
inline int __any_sync(unsigned mask, int predicate) {
  return __ballot_sync(mask, predicate) != 0;
}
inline int __all_sync(unsigned mask, int predicate) {
  return __ballot_sync(mask, predicate) == mask;
}

// Atomics. Threads of a grid never run at the same time, but streams of
// different host threads may, so these are real atomics.
template <typename T> T __gc_emu_atomic_add(T *address, T value) {
  return __atomic_fetch_add(address, value, __ATOMIC_SEQ_CST);
}
inline int atomicAdd(int *a, int v) { return __gc_emu_atomic_add(a, v); }
inline unsigned atomicAdd(unsigned *a, unsigned v) {
  return __gc_emu_atomic_add(a, v);
}
inline unsigned long long atomicAdd(unsigned long long *a,
                                    unsigned long long v) {
  return __gc_emu_atomic_add(a, v);
}
template <typename T> T __gc_emu_atomic_cas(T *address, T compare, T value) {
  __atomic_compare_exchange_n(address, &compare, value, false, __ATOMIC_SEQ_CST,
                              __ATOMIC_SEQ_CST);
  return compare;
}
inline int atomicCAS(int *a, int c, int v) {
  return __gc_emu_atomic_cas(a, c, v);
}
inline unsigned atomicCAS(unsigned *a, unsigned c, unsigned v) {
  return __gc_emu_atomic_cas(a, c, v);
}
inline unsigned long long atomicCAS(unsigned long long *a, unsigned long long c,
                                    unsigned long long v) {
  return __gc_emu_atomic_cas(a, c, v);
}
template <typename T> T __gc_emu_atomic_max(T *address, T value) {
  T old = __atomic_load_n(address, __ATOMIC_SEQ_CST);
  while (old < value &&
         !__atomic_compare_exchange_n(address, &old, value, false,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  return old;
}
template <typename T> T __gc_emu_atomic_min(T *address, T value) {
  T old = __atomic_load_n(address, __ATOMIC_SEQ_CST);
  while (value < old &&
         !__atomic_compare_exchange_n(address, &old, value, false,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  return old;
}
inline int atomicMax(int *a, int v) { return __gc_emu_atomic_max(a, v); }
inline long long atomicMax(long long *a, long long v) {
  return __gc_emu_atomic_max(a, v);
}
inline unsigned long long atomicMax(unsigned long long *a,
                                    unsigned long long v) {
  return __gc_emu_atomic_max(a, v);
}
inline int atomicMin(int *a, int v) { return __gc_emu_atomic_min(a, v); }
inline long long atomicMin(long long *a, long long v) {
  return __gc_emu_atomic_min(a, v);
}

// Integer and float intrinsics of CUDA's device library.
inline int __clz(int x) {
  return x == 0 ? 32 : __builtin_clz(static_cast<unsigned>(x));
}
inline int __clzll(long long x) {
  return x == 0 ? 64 : __builtin_clzll(static_cast<unsigned long long>(x));
}
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline unsigned __umulhi(unsigned a, unsigned b) {
  return static_cast<unsigned>((static_cast<uint64_t>(a) * b) >> 32);
}
inline unsigned long long __umul64hi(unsigned long long a,
                                     unsigned long long b) {
  return static_cast<unsigned long long>(
      (static_cast<unsigned __int128>(a) * b) >> 64);
}
inline float __int_as_float(int x) {
  float f;
  std::memcpy(&f, &x, sizeof f);
  return f;
}
inline int __float_as_int(float x) {
  int i;
  std::memcpy(&i, &x, sizeof i);
  return i;
}
inline float __uint_as_float(unsigned x) {
  float f;
  std::memcpy(&f, &x, sizeof f);
  return f;
}
inline unsigned __float_as_uint(float x) {
  unsigned i;
  std::memcpy(&i, &x, sizeof i);
  return i;
}
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return std::sqrt(x); }
inline double __dsqrt_rn(double x) { return std::sqrt(x); }
inline float __saturatef(float x) {
  return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x);
}

// CUDA's overloads of min and max in the global namespace.
#define GC_CUDA_EMU_MIN_MAX(T)                                                 \
  inline T min(T a, T b) { return b < a ? b : a; }                             \
  inline T max(T a, T b) { return a < b ? b : a; }
GC_CUDA_EMU_MIN_MAX(int)
GC_CUDA_EMU_MIN_MAX(unsigned)
GC_CUDA_EMU_MIN_MAX(long)
GC_CUDA_EMU_MIN_MAX(unsigned long)
GC_CUDA_EMU_MIN_MAX(long long)
GC_CUDA_EMU_MIN_MAX(unsigned long long)
#undef GC_CUDA_EMU_MIN_MAX
inline float min(float a, float b) { return std::fmin(a, b); }
inline float max(float a, float b) { return std::fmax(a, b); }
inline double min(double a, double b) { return std::fmin(a, b); }
inline double max(double a, double b) { return std::fmax(a, b); }

using std::erf;
using std::exp;
using std::fmax;
using std::fmin;
using std::isinf;
using std::isnan;
using std::log;
using std::sqrt;
using std::tanh;

#endif // GC_CUDA_EMU_DEVICE_H
