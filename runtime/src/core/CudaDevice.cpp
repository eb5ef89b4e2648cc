//===- CudaDevice.cpp - A CUDA GPU as a gc_rt device ----------------------===//
//
// One device ordinal, one non-blocking stream that every operation of the
// session is ordered on, one cuBLAS handle bound to that stream (the
// compiled step's GEMMs go through it), a pair of events timing each step,
// and the int32 device word the step's kernels set on bad data.
//
// Every CUDA and cuBLAS call is checked, and a failure names the call, the
// device and the error string. The current device is set at the start of
// each operation, because the CUDA runtime's current device is per thread
// and an application may drive sessions on several GPUs from one thread.
//
// Compiled by the host compiler, with no device code: the runtime calls only
// the CUDA runtime and cuBLAS APIs, so the CUDA host emulator's libraries
// can stand in for them in the tests. The arena's sentinel fill is a
// cudaMemsetAsync and the high-water scan copies the arena back in chunks,
// from the top down.
//
//===----------------------------------------------------------------------===//

#include "Device.h"
#include "Internal.h"

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

using namespace gc::rt;

namespace {
class CudaDevice final : public Device {
public:
  explicit CudaDevice(int ordinal)
      : ordinal(ordinal), label("cuda:" + std::to_string(ordinal)) {}
  ~CudaDevice() override;

  /// Creates the stream, handle, events and device words.
  gc_rt_status_t initialize();

  const char *getTarget() const override { return "cuda"; }
  const std::string &getName() const override { return name; }

  gc_rt_status_t allocate(size_t bytes, size_t alignment,
                          const std::string &purpose,
                          DeviceAllocation *out) override;
  void deallocate(DeviceAllocation &allocation) override;
  gc_rt_status_t copyToDevice(void *deviceDst, const void *hostSrc,
                              size_t bytes) override;
  gc_rt_status_t copyToHost(void *hostDst, const void *deviceSrc,
                            size_t bytes) override;
  gc_rt_status_t copyOnDevice(void *deviceDst, const void *deviceSrc,
                              size_t bytes) override;
  gc_rt_status_t fill(void *deviceData, size_t bytes, uint8_t value) override;
  gc_rt_status_t findHighestChangedByte(const void *deviceData, size_t bytes,
                                        uint8_t sentinel,
                                        int64_t *index) override;
  gc_rt_status_t synchronize() override;
  gc_rt_status_t synchronizeWithin(double seconds, bool *timedOut) override;
  gc_rt_status_t startTimer() override;
  gc_rt_status_t stopTimer(double *seconds) override;
  gc_rt_status_t getMemoryInfo(int64_t *freeBytes,
                               int64_t *totalBytes) override;
  gc_rt_status_t prepareCall(gc_step_call_t *call, int32_t errorWords) override;
  gc_rt_status_t readErrorCodes(int32_t *codes, int32_t count) override;

private:
  /// NULL on cudaSuccess; otherwise GC_RT_INTERNAL naming `call`.
  gc_rt_status_t check(cudaError_t error, const char *call) const;
  gc_rt_status_t checkBlas(cublasStatus_t status, const char *call) const;
  gc_rt_status_t activate() const;

  int ordinal;
  /// "cuda:N", the prefix of every message.
  std::string label;
  /// "<GPU name> (cuda:N)".
  std::string name;
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  cudaEvent_t startEvent = nullptr;
  cudaEvent_t stopEvent = nullptr;
  /// The steps' device error words, grown to the largest count asked for.
  int32_t *errorWords = nullptr;
  int32_t errorWordCapacity = 0;
};
} // namespace

#define GC_RT_CUDA(call) GC_RT_RETURN_IF_ERROR(check((call), #call))

gc_rt_status_t CudaDevice::check(cudaError_t error, const char *call) const {
  if (error == cudaSuccess)
    return nullptr;
  // Clears a non-sticky error so that it is not reported again by the next
  // unrelated call; a sticky one (a kernel fault) stays and fails every
  // later call, which is then reported too.
  (void)cudaGetLastError();
  return makeStatus(GC_RT_INTERNAL, label + ": " + call +
                                        " failed: " + cudaGetErrorName(error) +
                                        ": " + cudaGetErrorString(error));
}

gc_rt_status_t CudaDevice::checkBlas(cublasStatus_t status,
                                     const char *call) const {
  if (status == CUBLAS_STATUS_SUCCESS)
    return nullptr;
  return makeStatus(GC_RT_INTERNAL, label + ": " + call + " failed: " +
                                        cublasGetStatusName(status) + ": " +
                                        cublasGetStatusString(status));
}

gc_rt_status_t CudaDevice::activate() const {
  return check(cudaSetDevice(ordinal), "cudaSetDevice");
}

gc_rt_status_t CudaDevice::initialize() {
  GC_RT_RETURN_IF_ERROR(activate());
  cudaDeviceProp properties;
  GC_RT_CUDA(cudaGetDeviceProperties(&properties, ordinal));
  name = std::string(properties.name) + " (" + label + ")";
  GC_RT_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  GC_RT_RETURN_IF_ERROR(checkBlas(cublasCreate(&blas), "cublasCreate"));
  GC_RT_RETURN_IF_ERROR(
      checkBlas(cublasSetStream(blas, stream), "cublasSetStream"));
  GC_RT_CUDA(cudaEventCreate(&startEvent));
  GC_RT_CUDA(cudaEventCreate(&stopEvent));
  return nullptr;
}

CudaDevice::~CudaDevice() {
  // Teardown errors have no caller to go to; the objects are released on a
  // best-effort basis.
  if (cudaSetDevice(ordinal) != cudaSuccess)
    return;
  if (stream)
    (void)cudaStreamSynchronize(stream);
  if (errorWords)
    (void)cudaFree(errorWords);
  if (stopEvent)
    (void)cudaEventDestroy(stopEvent);
  if (startEvent)
    (void)cudaEventDestroy(startEvent);
  if (blas)
    (void)cublasDestroy(blas);
  if (stream)
    (void)cudaStreamDestroy(stream);
}

gc_rt_status_t CudaDevice::allocate(size_t bytes, size_t alignment,
                                    const std::string &purpose,
                                    DeviceAllocation *out) {
  GC_RT_RETURN_IF_ERROR(activate());
  // cudaMalloc aligns to at least 256 bytes; a larger alignment is met by
  // over-allocating and rounding the pointer up.
  size_t extra = alignment > 256 ? alignment : 0;
  size_t request = std::max<size_t>(bytes, 1) + extra;
  void *base = nullptr;
  cudaError_t error = cudaMalloc(&base, request);
  if (error == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();
    size_t freeBytes = 0, totalBytes = 0;
    std::string figures = "free bytes unknown";
    if (cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess)
      figures = std::to_string(freeBytes) + " bytes free of " +
                std::to_string(totalBytes);
    return makeStatus(GC_RT_OUT_OF_MEMORY,
                      label + ": out of memory: requested " +
                          std::to_string(request) + " bytes (" +
                          std::to_string(request >> 20) + " MiB) for " +
                          purpose + ", " + figures);
  }
  GC_RT_RETURN_IF_ERROR(check(error, "cudaMalloc"));
  uintptr_t address = reinterpret_cast<uintptr_t>(base);
  if (extra)
    address = (address + alignment - 1) / alignment * alignment;
  out->base = base;
  out->data = reinterpret_cast<void *>(address);
  out->bytes = bytes;
  return nullptr;
}

void CudaDevice::deallocate(DeviceAllocation &allocation) {
  if (allocation.base && cudaSetDevice(ordinal) == cudaSuccess)
    (void)cudaFree(allocation.base);
  allocation = DeviceAllocation();
}

gc_rt_status_t CudaDevice::copyToDevice(void *deviceDst, const void *hostSrc,
                                        size_t bytes) {
  if (!bytes)
    return nullptr;
  GC_RT_RETURN_IF_ERROR(activate());
  GC_RT_CUDA(cudaMemcpyAsync(deviceDst, hostSrc, bytes, cudaMemcpyHostToDevice,
                             stream));
  // The host buffer belongs to the caller once we return.
  GC_RT_CUDA(cudaStreamSynchronize(stream));
  return nullptr;
}

gc_rt_status_t CudaDevice::copyToHost(void *hostDst, const void *deviceSrc,
                                      size_t bytes) {
  if (!bytes)
    return nullptr;
  GC_RT_RETURN_IF_ERROR(activate());
  GC_RT_CUDA(cudaMemcpyAsync(hostDst, deviceSrc, bytes, cudaMemcpyDeviceToHost,
                             stream));
  GC_RT_CUDA(cudaStreamSynchronize(stream));
  return nullptr;
}

gc_rt_status_t CudaDevice::copyOnDevice(void *deviceDst, const void *deviceSrc,
                                        size_t bytes) {
  if (!bytes)
    return nullptr;
  GC_RT_RETURN_IF_ERROR(activate());
  GC_RT_CUDA(cudaMemcpyAsync(deviceDst, deviceSrc, bytes,
                             cudaMemcpyDeviceToDevice, stream));
  return nullptr;
}

gc_rt_status_t CudaDevice::fill(void *deviceData, size_t bytes, uint8_t value) {
  if (!bytes)
    return nullptr;
  GC_RT_RETURN_IF_ERROR(activate());
  GC_RT_CUDA(cudaMemsetAsync(deviceData, value, bytes, stream));
  return nullptr;
}

gc_rt_status_t CudaDevice::findHighestChangedByte(const void *deviceData,
                                                  size_t bytes,
                                                  uint8_t sentinel,
                                                  int64_t *index) {
  *index = -1;
  if (!bytes)
    return nullptr;
  GC_RT_RETURN_IF_ERROR(activate());
  // Copy down chunks from the top of the range, stopping at the first chunk
  // that holds a changed byte: a step that uses its whole arena costs one
  // chunk.
  constexpr size_t kChunk = size_t(64) << 20;
  std::vector<uint8_t> host(std::min(bytes, kChunk));
  const auto *data = static_cast<const uint8_t *>(deviceData);
  size_t end = bytes;
  while (end > 0) {
    size_t begin = end > kChunk ? end - kChunk : 0;
    GC_RT_RETURN_IF_ERROR(copyToHost(host.data(), data + begin, end - begin));
    for (size_t i = end - begin; i > 0; --i)
      if (host[i - 1] != sentinel) {
        *index = static_cast<int64_t>(begin + i - 1);
        return nullptr;
      }
    end = begin;
  }
  return nullptr;
}

gc_rt_status_t CudaDevice::synchronize() {
  GC_RT_RETURN_IF_ERROR(activate());
  GC_RT_CUDA(cudaStreamSynchronize(stream));
  return nullptr;
}

gc_rt_status_t CudaDevice::synchronizeWithin(double seconds, bool *timedOut) {
  GC_RT_RETURN_IF_ERROR(activate());
  *timedOut = false;
  // Polls the stream: cudaStreamSynchronize cannot give up. A short spin
  // first, then a sleep between polls, so that a long step leaves the CPU.
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    cudaError_t error = cudaStreamQuery(stream);
    if (error == cudaSuccess)
      return nullptr;
    if (error != cudaErrorNotReady)
      GC_RT_RETURN_IF_ERROR(check(error, "cudaStreamQuery"));
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited > std::chrono::duration<double>(seconds)) {
      *timedOut = true;
      return nullptr;
    }
    if (waited > std::chrono::milliseconds(1))
      std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

gc_rt_status_t CudaDevice::startTimer() {
  GC_RT_RETURN_IF_ERROR(activate());
  GC_RT_CUDA(cudaEventRecord(startEvent, stream));
  return nullptr;
}

gc_rt_status_t CudaDevice::stopTimer(double *seconds) {
  GC_RT_RETURN_IF_ERROR(activate());
  GC_RT_CUDA(cudaEventRecord(stopEvent, stream));
  GC_RT_CUDA(cudaEventSynchronize(stopEvent));
  float milliseconds = 0;
  GC_RT_CUDA(cudaEventElapsedTime(&milliseconds, startEvent, stopEvent));
  *seconds = milliseconds / 1000.0;
  return nullptr;
}

gc_rt_status_t CudaDevice::getMemoryInfo(int64_t *freeBytes,
                                         int64_t *totalBytes) {
  GC_RT_RETURN_IF_ERROR(activate());
  size_t freeMemory = 0, totalMemory = 0;
  GC_RT_CUDA(cudaMemGetInfo(&freeMemory, &totalMemory));
  *freeBytes = static_cast<int64_t>(freeMemory);
  *totalBytes = static_cast<int64_t>(totalMemory);
  return nullptr;
}

gc_rt_status_t CudaDevice::prepareCall(gc_step_call_t *call,
                                       int32_t errorWordCount) {
  GC_RT_RETURN_IF_ERROR(activate());
  if (errorWordCount > errorWordCapacity) {
    GC_RT_CUDA(cudaStreamSynchronize(stream));
    if (errorWords)
      GC_RT_CUDA(cudaFree(errorWords));
    errorWords = nullptr;
    errorWordCapacity = 0;
    GC_RT_CUDA(cudaMalloc(reinterpret_cast<void **>(&errorWords),
                          sizeof(int32_t) * errorWordCount));
    errorWordCapacity = errorWordCount;
  }
  if (errorWordCount > 0)
    GC_RT_CUDA(cudaMemsetAsync(errorWords, 0, sizeof(int32_t) * errorWordCount,
                               stream));
  call->device_errors = errorWordCount > 0 ? errorWords : nullptr;
  call->stream = stream;
  call->blas_handle = blas;
  return nullptr;
}

gc_rt_status_t CudaDevice::readErrorCodes(int32_t *codes, int32_t count) {
  if (count == 0)
    return nullptr;
  return copyToHost(codes, errorWords, sizeof(int32_t) * count);
}

gc_rt_status_t gc::rt::createCudaDevice(int ordinal,
                                        std::unique_ptr<Device> *out) {
  std::string label = "cuda:" + std::to_string(ordinal);
  int count = 0;
  cudaError_t error = cudaGetDeviceCount(&count);
  if (error != cudaSuccess) {
    (void)cudaGetLastError();
    return makeStatus(
        GC_RT_UNAVAILABLE,
        label + ": no CUDA device available (cudaGetDeviceCount: " +
            cudaGetErrorName(error) + ": " + cudaGetErrorString(error) + ")");
  }
  if (ordinal >= count)
    return makeStatus(GC_RT_UNAVAILABLE,
                      label + ": no such device (" + std::to_string(count) +
                          " CUDA device" + (count == 1 ? "" : "s") +
                          " present)");
  auto device = std::make_unique<CudaDevice>(ordinal);
  GC_RT_RETURN_IF_ERROR(device->initialize());
  *out = std::move(device);
  return nullptr;
}
