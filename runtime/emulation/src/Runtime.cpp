//===- Runtime.cpp - The CUDA runtime API on host memory ------------------===//
//
// The subset of libcudart that gc's runtime, kernel library and compiled
// steps call, with the signatures of the toolkit's cuda_runtime_api.h, built
// as a library with libcudart's soname and symbol version so that it stands
// in for it (LD_LIBRARY_PATH, or the RUNPATH of emulated test programs).
//
// One emulated device, "gc CUDA host emulator", with the limits of an H100
// (132 SMs, 1024 threads per block, 48 KiB static shared memory) and a
// memory size of GC_CUDA_EMU_MEMORY bytes (default 16 GiB; cudaMalloc fails
// beyond it). Device memory is host memory, 256-byte aligned as cudaMalloc
// guarantees, filled with 0xff bytes (NaN as floats) when allocated so that
// reads of memory nobody wrote do not pass for zeros. Copies and memsets
// check that their device side lies inside one allocation, as cuda-memcheck
// would. Streams execute every operation when it is issued, which is one of
// the orders a stream allows; events record the host clock.
//
// A kernel that cannot complete (a deadlock at a barrier) fails the launch
// and, as a kernel fault does on a GPU, every later call of the process.
//
// GC_CUDA_EMU_PROFILE=1 prints, at exit, each kernel's launches and host
// time, slowest first.
//
// Record-only mode (gcCudaEmuRecordOnly) executes nothing and records each
// launch's kernel, grid and block, tagged with the compiled step's unit:
// gc-compile runs a step once this way for its launch report, which thus
// lists the launches the runtime's own host code makes.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

struct CUstream_st {
  unsigned flags = 0;
};
struct CUevent_st {
  bool recorded = false;
  std::chrono::steady_clock::time_point time;
};

namespace gc_cuda_emu {
namespace {

constexpr size_t kAlignment = 256;
constexpr int kMaxThreadsPerBlock = 1024;
constexpr size_t kMaxSharedBytes = 48 << 10;

struct DeviceState {
  std::mutex mutex;
  /// Live allocations: start address -> size in bytes.
  std::map<uintptr_t, size_t> allocations;
  size_t allocatedBytes = 0;
  std::set<cudaStream_t> streams;
  std::set<cudaEvent_t> events;
  cudaError_t stickyError = cudaSuccess;
};

DeviceState &state() {
  static DeviceState *device = new DeviceState();
  return *device;
}

thread_local cudaError_t lastError = cudaSuccess;

/// Record-only mode and its records.
struct Recorder {
  std::mutex mutex;
  bool enabled = false;
  int64_t unit = -1;
  std::vector<GcCudaEmuLaunch> launches;

  static Recorder &get() {
    static Recorder *recorder = new Recorder();
    return *recorder;
  }
};

/// Launches and seconds per kernel name, when GC_CUDA_EMU_PROFILE is set.
struct KernelProfile {
  std::mutex mutex;
  std::map<std::string, std::pair<long, double>> kernels;

  static KernelProfile *get() {
    static KernelProfile *profile = [] {
      const char *flag = std::getenv("GC_CUDA_EMU_PROFILE");
      if (!flag || !*flag || std::string(flag) == "0")
        return static_cast<KernelProfile *>(nullptr);
      std::atexit([] { get()->print(); });
      return new KernelProfile();
    }();
    return profile;
  }

  void add(const char *name, double seconds) {
    std::lock_guard<std::mutex> lock(mutex);
    auto &entry = kernels[name];
    ++entry.first;
    entry.second += seconds;
  }

  void print() {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<std::pair<std::string, std::pair<long, double>>> sorted(
        kernels.begin(), kernels.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
      return a.second.second > b.second.second;
    });
    std::fprintf(stderr, "gc CUDA emulator: kernel profile (host time)\n");
    for (const auto &[name, entry] : sorted)
      std::fprintf(stderr, "  %10.3f s %8ld launches  %s\n", entry.second,
                   entry.first, name.c_str());
  }
};

size_t memorySize() {
  static const size_t bytes = [] {
    if (const char *text = std::getenv("GC_CUDA_EMU_MEMORY")) {
      char *end = nullptr;
      unsigned long long value = std::strtoull(text, &end, 10);
      if (end != text && *end == '\0' && value > 0)
        return static_cast<size_t>(value);
      std::fprintf(stderr,
                   "gc CUDA emulator: GC_CUDA_EMU_MEMORY='%s' is not "
                   "a byte count; using 16 GiB\n",
                   text);
    }
    return static_cast<size_t>(16) << 30;
  }();
  return bytes;
}

/// Returns `error`, remembering it for cudaGetLastError.
cudaError_t fail(cudaError_t error) {
  lastError = error;
  return error;
}

/// The sticky error of a failed kernel, or cudaSuccess.
cudaError_t sticky() {
  std::lock_guard<std::mutex> lock(state().mutex);
  return state().stickyError;
}

bool isDeviceRangeLocked(const void *pointer, size_t bytes) {
  const auto &allocations = state().allocations;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(pointer);
  auto it = allocations.upper_bound(begin);
  if (it == allocations.begin())
    return false;
  --it;
  return begin >= it->first && begin - it->first <= it->second &&
         bytes <= it->second - (begin - it->first);
}

/// Checks the device sides of a copy of `kind`.
cudaError_t checkCopy(void *dst, const void *src, size_t bytes,
                      cudaMemcpyKind kind) {
  if (bytes == 0)
    return cudaSuccess;
  if (!dst || !src)
    return cudaErrorInvalidValue;
  const bool dstDevice = isDeviceRange(dst, bytes);
  const bool srcDevice = isDeviceRange(src, bytes);
  switch (kind) {
  case cudaMemcpyHostToHost:
    return cudaSuccess;
  case cudaMemcpyHostToDevice:
    return dstDevice ? cudaSuccess : cudaErrorInvalidValue;
  case cudaMemcpyDeviceToHost:
    return srcDevice ? cudaSuccess : cudaErrorInvalidValue;
  case cudaMemcpyDeviceToDevice:
    return dstDevice && srcDevice ? cudaSuccess : cudaErrorInvalidValue;
  case cudaMemcpyDefault:
    return cudaSuccess;
  }
  return cudaErrorInvalidMemcpyDirection;
}

} // namespace

bool isRecordOnly() {
  Recorder &recorder = Recorder::get();
  std::lock_guard<std::mutex> lock(recorder.mutex);
  return recorder.enabled;
}

void recordLaunch(const char *kernel, dim3 grid, dim3 block) {
  Recorder &recorder = Recorder::get();
  std::lock_guard<std::mutex> lock(recorder.mutex);
  recorder.launches.push_back({recorder.unit,
                               kernel,
                               {grid.x, grid.y, grid.z},
                               {block.x, block.y, block.z}});
}

void markStepUnit(int64_t unit) {
  Recorder &recorder = Recorder::get();
  std::lock_guard<std::mutex> lock(recorder.mutex);
  recorder.unit = unit;
}

void recordFailure(const std::string &message) {
  std::fprintf(stderr, "gc CUDA emulator: %s\n", message.c_str());
  std::lock_guard<std::mutex> lock(state().mutex);
  if (state().stickyError == cudaSuccess)
    state().stickyError = cudaErrorLaunchFailure;
}

bool isValidStream(cudaStream_t stream) {
  if (stream == nullptr || stream == cudaStreamLegacy ||
      stream == cudaStreamPerThread)
    return true;
  std::lock_guard<std::mutex> lock(state().mutex);
  return state().streams.count(stream) != 0;
}

bool isDeviceRange(const void *pointer, size_t bytes) {
  std::lock_guard<std::mutex> lock(state().mutex);
  return isDeviceRangeLocked(pointer, bytes);
}

void setLaunchError(cudaError_t error) {
  if (error != cudaSuccess)
    lastError = error;
}

cudaError_t launch(const char *kernelName, dim3 grid, dim3 block,
                   size_t sharedBytes, cudaStream_t stream,
                   void (*body)(void *), void *bodyContext) {
  if (cudaError_t error = sticky())
    return error;
  const unsigned long long threads =
      static_cast<unsigned long long>(block.x) * block.y * block.z;
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.x > 0x7fffffffu ||
      grid.y > 65535 || grid.z > 65535 || threads == 0 ||
      threads > kMaxThreadsPerBlock || block.z > 64 ||
      sharedBytes > kMaxSharedBytes)
    return cudaErrorInvalidConfiguration;
  if (!isValidStream(stream))
    return cudaErrorInvalidResourceHandle;
  if (isRecordOnly()) {
    recordLaunch(kernelName, grid, block);
    return cudaSuccess;
  }
  KernelProfile *profile = KernelProfile::get();
  if (!profile)
    return runGrid(kernelName, grid, block, body, bodyContext);
  const auto start = std::chrono::steady_clock::now();
  cudaError_t error = runGrid(kernelName, grid, block, body, bodyContext);
  profile->add(kernelName, std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - start)
                               .count());
  return error;
}

} // namespace gc_cuda_emu

using namespace gc_cuda_emu;

extern "C" {

void gcCudaEmuRecordOnly(int enable) {
  Recorder &recorder = Recorder::get();
  std::lock_guard<std::mutex> lock(recorder.mutex);
  recorder.enabled = enable != 0;
  if (recorder.enabled) {
    recorder.launches.clear();
    recorder.unit = -1;
  }
}

int64_t gcCudaEmuRecordedLaunches(const GcCudaEmuLaunch **launches) {
  Recorder &recorder = Recorder::get();
  std::lock_guard<std::mutex> lock(recorder.mutex);
  *launches = recorder.launches.data();
  return static_cast<int64_t>(recorder.launches.size());
}

cudaError_t cudaGetLastError() {
  cudaError_t error = lastError;
  lastError = cudaSuccess;
  if (error == cudaSuccess)
    error = sticky();
  return error;
}

cudaError_t cudaPeekAtLastError() {
  return lastError != cudaSuccess ? lastError : sticky();
}

const char *cudaGetErrorName(cudaError_t error) {
  switch (error) {
  case cudaSuccess:
    return "cudaSuccess";
  case cudaErrorInvalidValue:
    return "cudaErrorInvalidValue";
  case cudaErrorMemoryAllocation:
    return "cudaErrorMemoryAllocation";
  case cudaErrorInvalidConfiguration:
    return "cudaErrorInvalidConfiguration";
  case cudaErrorInvalidDevice:
    return "cudaErrorInvalidDevice";
  case cudaErrorInvalidMemcpyDirection:
    return "cudaErrorInvalidMemcpyDirection";
  case cudaErrorInvalidResourceHandle:
    return "cudaErrorInvalidResourceHandle";
  case cudaErrorNotReady:
    return "cudaErrorNotReady";
  case cudaErrorLaunchFailure:
    return "cudaErrorLaunchFailure";
  case cudaErrorNoDevice:
    return "cudaErrorNoDevice";
  default:
    return "cudaErrorUnknown";
  }
}

const char *cudaGetErrorString(cudaError_t error) {
  switch (error) {
  case cudaSuccess:
    return "no error";
  case cudaErrorInvalidValue:
    return "invalid argument";
  case cudaErrorMemoryAllocation:
    return "out of memory";
  case cudaErrorInvalidConfiguration:
    return "invalid configuration argument";
  case cudaErrorInvalidDevice:
    return "invalid device ordinal";
  case cudaErrorInvalidMemcpyDirection:
    return "invalid copy direction for memcpy";
  case cudaErrorInvalidResourceHandle:
    return "invalid resource handle";
  case cudaErrorNotReady:
    return "device not ready";
  case cudaErrorLaunchFailure:
    return "unspecified launch failure";
  case cudaErrorNoDevice:
    return "no CUDA-capable device is detected";
  default:
    return "unknown error";
  }
}

cudaError_t cudaGetDeviceCount(int *count) {
  if (!count)
    return fail(cudaErrorInvalidValue);
  *count = 1;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  return device == 0 ? sticky() : fail(cudaErrorInvalidDevice);
}

cudaError_t cudaGetDevice(int *device) {
  if (!device)
    return fail(cudaErrorInvalidValue);
  *device = 0;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp *prop, int device) {
  if (!prop)
    return fail(cudaErrorInvalidValue);
  if (device != 0)
    return fail(cudaErrorInvalidDevice);
  std::memset(prop, 0, sizeof *prop);
  std::snprintf(prop->name, sizeof prop->name, "gc CUDA host emulator");
  prop->totalGlobalMem = memorySize();
  prop->sharedMemPerBlock = kMaxSharedBytes;
  prop->regsPerBlock = 65536;
  prop->warpSize = 32;
  prop->maxThreadsPerBlock = kMaxThreadsPerBlock;
  prop->maxThreadsDim[0] = 1024;
  prop->maxThreadsDim[1] = 1024;
  prop->maxThreadsDim[2] = 64;
  prop->maxGridSize[0] = 0x7fffffff;
  prop->maxGridSize[1] = 65535;
  prop->maxGridSize[2] = 65535;
  prop->major = 9;
  prop->minor = 0;
  prop->multiProcessorCount = 132;
  prop->maxThreadsPerMultiProcessor = 2048;
  prop->textureAlignment = 512;
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() { return sticky(); }

cudaError_t cudaMalloc(void **pointer, size_t bytes) {
  if (!pointer)
    return fail(cudaErrorInvalidValue);
  *pointer = nullptr;
  if (cudaError_t error = sticky())
    return fail(error);
  if (bytes == 0)
    return cudaSuccess;
  const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  {
    std::lock_guard<std::mutex> lock(state().mutex);
    if (rounded < bytes || rounded > memorySize() - state().allocatedBytes)
      return fail(cudaErrorMemoryAllocation);
  }
  void *memory = std::aligned_alloc(kAlignment, rounded);
  if (!memory)
    return fail(cudaErrorMemoryAllocation);
  std::memset(memory, 0xff, rounded);
  std::lock_guard<std::mutex> lock(state().mutex);
  state().allocations[reinterpret_cast<uintptr_t>(memory)] = bytes;
  state().allocatedBytes += rounded;
  *pointer = memory;
  return cudaSuccess;
}

cudaError_t cudaFree(void *pointer) {
  if (!pointer)
    return cudaSuccess;
  {
    std::lock_guard<std::mutex> lock(state().mutex);
    auto it = state().allocations.find(reinterpret_cast<uintptr_t>(pointer));
    if (it == state().allocations.end())
      return fail(cudaErrorInvalidValue);
    state().allocatedBytes -=
        (it->second + kAlignment - 1) / kAlignment * kAlignment;
    state().allocations.erase(it);
  }
  std::free(pointer);
  return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t *freeBytes, size_t *totalBytes) {
  if (!freeBytes || !totalBytes)
    return fail(cudaErrorInvalidValue);
  std::lock_guard<std::mutex> lock(state().mutex);
  *totalBytes = memorySize();
  *freeBytes = memorySize() - state().allocatedBytes;
  return state().stickyError;
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes,
                            cudaMemcpyKind kind, cudaStream_t stream) {
  if (cudaError_t error = sticky())
    return fail(error);
  if (!isValidStream(stream))
    return fail(cudaErrorInvalidResourceHandle);
  if (isRecordOnly())
    return cudaSuccess;
  if (cudaError_t error = checkCopy(dst, src, bytes, kind))
    return fail(error);
  if (bytes)
    std::memmove(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes,
                       cudaMemcpyKind kind) {
  return cudaMemcpyAsync(dst, src, bytes, kind, nullptr);
}

cudaError_t cudaMemsetAsync(void *pointer, int value, size_t bytes,
                            cudaStream_t stream) {
  if (cudaError_t error = sticky())
    return fail(error);
  if (!isValidStream(stream))
    return fail(cudaErrorInvalidResourceHandle);
  if (bytes == 0 || isRecordOnly())
    return cudaSuccess;
  if (!isDeviceRange(pointer, bytes))
    return fail(cudaErrorInvalidValue);
  std::memset(pointer, value, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemset(void *pointer, int value, size_t bytes) {
  return cudaMemsetAsync(pointer, value, bytes, nullptr);
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *stream, unsigned flags) {
  if (!stream)
    return fail(cudaErrorInvalidValue);
  cudaStream_t created = new CUstream_st{flags};
  std::lock_guard<std::mutex> lock(state().mutex);
  state().streams.insert(created);
  *stream = created;
  return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t *stream) {
  return cudaStreamCreateWithFlags(stream, cudaStreamDefault);
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().streams.erase(stream))
    return fail(cudaErrorInvalidResourceHandle);
  delete stream;
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (!isValidStream(stream))
    return fail(cudaErrorInvalidResourceHandle);
  return sticky();
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned) {
  if (!event)
    return fail(cudaErrorInvalidValue);
  cudaEvent_t created = new CUevent_st();
  std::lock_guard<std::mutex> lock(state().mutex);
  state().events.insert(created);
  *event = created;
  return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t *event) {
  return cudaEventCreateWithFlags(event, cudaEventDefault);
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().events.erase(event))
    return fail(cudaErrorInvalidResourceHandle);
  delete event;
  return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  if (!isValidStream(stream))
    return fail(cudaErrorInvalidResourceHandle);
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().events.count(event))
    return fail(cudaErrorInvalidResourceHandle);
  event->recorded = true;
  event->time = std::chrono::steady_clock::now();
  return state().stickyError;
}

cudaError_t cudaStreamQuery(cudaStream_t stream) {
  // Work runs when it is launched: a valid stream is always idle.
  if (!isValidStream(stream))
    return fail(cudaErrorInvalidResourceHandle);
  return sticky();
}

cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event,
                                unsigned flags) {
  // Work runs when it is launched: what the event marks is done already.
  if (!isValidStream(stream))
    return fail(cudaErrorInvalidResourceHandle);
  if (flags != 0)
    return fail(cudaErrorInvalidValue);
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().events.count(event))
    return fail(cudaErrorInvalidResourceHandle);
  return state().stickyError;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().events.count(event))
    return fail(cudaErrorInvalidResourceHandle);
  return state().stickyError;
}

cudaError_t cudaEventElapsedTime(float *milliseconds, cudaEvent_t start,
                                 cudaEvent_t end) {
  if (!milliseconds)
    return fail(cudaErrorInvalidValue);
  std::lock_guard<std::mutex> lock(state().mutex);
  if (!state().events.count(start) || !state().events.count(end))
    return fail(cudaErrorInvalidResourceHandle);
  if (!start->recorded || !end->recorded)
    return fail(cudaErrorInvalidResourceHandle);
  *milliseconds =
      std::chrono::duration<float, std::milli>(end->time - start->time).count();
  return cudaSuccess;
}

} // extern "C"
