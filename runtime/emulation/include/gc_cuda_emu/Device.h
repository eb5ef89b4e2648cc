//===- Device.h - CUDA device code on the host ------------------*- C++ -*-===//
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
//  - the atomic and the overloads of min and max that gc's CUDA sources use
//    (a source that needs another device function fails to compile here,
//    and the function is added);
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

namespace gc_cuda_emu {
/// A warp shuffle: exchanges `value` among the lanes of `mask` and returns
/// the value of lane sourceOf(lane, base), where base is the first lane of
/// the caller's segment of `width` lanes.
template <typename T, typename SourceOf>
T shuffle(unsigned mask, T value, int width, SourceOf sourceOf) {
  uint64_t lanes[32];
  syncWarp(mask, toWord(value), lanes);
  const int lane = static_cast<int>(laneId());
  return fromWord<T>(lanes[sourceOf(lane, lane - lane % width)]);
}
} // namespace gc_cuda_emu

template <typename T>
T __shfl_sync(unsigned mask, T value, int srcLane, int width = 32) {
  return ::gc_cuda_emu::shuffle(mask, value, width, [&](int, int base) {
    return base + srcLane % width;
  });
}
// A source lane outside the caller's segment reads the caller's own value.
template <typename T>
T __shfl_xor_sync(unsigned mask, T value, int laneMask, int width = 32) {
  return ::gc_cuda_emu::shuffle(mask, value, width, [&](int lane, int base) {
    const int source = lane ^ laneMask;
    return source - source % width == base ? source : lane;
  });
}
template <typename T>
T __shfl_down_sync(unsigned mask, T value, unsigned delta, int width = 32) {
  return ::gc_cuda_emu::shuffle(mask, value, width, [&](int lane, int base) {
    const int source = lane + static_cast<int>(delta);
    return source < base + width ? source : lane;
  });
}
template <typename T>
T __shfl_up_sync(unsigned mask, T value, unsigned delta, int width = 32) {
  return ::gc_cuda_emu::shuffle(mask, value, width, [&](int lane, int base) {
    const int source = lane - static_cast<int>(delta);
    return source >= base ? source : lane;
  });
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

// Atomics, as gc's sources use them. Threads of a grid never run at the
// same time, but streams of different host threads may, so this is a real
// atomic.
inline int atomicCAS(int *address, int compare, int value) {
  __atomic_compare_exchange_n(address, &compare, value, false, __ATOMIC_SEQ_CST,
                              __ATOMIC_SEQ_CST);
  return compare;
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
