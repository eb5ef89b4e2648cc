//===- CpuDevice.cpp - The host as a gc_rt device -------------------------===//
//
// The reference device: memory is host memory from posix_memalign, copies
// are memcpy, work runs synchronously inside the step's run function (so
// synchronize has nothing to wait for), and the timer is a steady clock. A
// CPU step gets NULL for stream, BLAS handle and error word; it reports bad
// data through its return value and message instead.
//
//===----------------------------------------------------------------------===//

#include "Device.h"
#include "Internal.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace gc::rt;

namespace {
class CpuDevice final : public Device {
public:
  const char *getTarget() const override { return "cpu"; }
  const std::string &getName() const override { return name; }

  gc_rt_status_t allocate(size_t bytes, size_t alignment,
                          const std::string &purpose,
                          DeviceAllocation *out) override {
    // posix_memalign needs a multiple of sizeof(void *); every caller asks
    // for at least 256.
    if (alignment < sizeof(void *))
      alignment = sizeof(void *);
    void *data = nullptr;
    int error = ::posix_memalign(&data, alignment, bytes ? bytes : 1);
    if (error == ENOMEM)
      return makeStatus(GC_RT_OUT_OF_MEMORY,
                        "cpu: out of host memory allocating " +
                            std::to_string(bytes) + " bytes for " + purpose);
    if (error != 0)
      return makeStatus(GC_RT_INTERNAL, "cpu: posix_memalign(alignment " +
                                            std::to_string(alignment) + ", " +
                                            std::to_string(bytes) +
                                            " bytes) for " + purpose +
                                            " failed: " + std::strerror(error));
    out->base = out->data = data;
    out->bytes = bytes;
    return nullptr;
  }

  void deallocate(DeviceAllocation &allocation) override {
    std::free(allocation.base);
    allocation = DeviceAllocation();
  }

  gc_rt_status_t copyToDevice(void *deviceDst, const void *hostSrc,
                              size_t bytes) override {
    if (bytes)
      std::memcpy(deviceDst, hostSrc, bytes);
    return nullptr;
  }
  gc_rt_status_t copyToHost(void *hostDst, const void *deviceSrc,
                            size_t bytes) override {
    if (bytes)
      std::memcpy(hostDst, deviceSrc, bytes);
    return nullptr;
  }
  gc_rt_status_t copyOnDevice(void *deviceDst, const void *deviceSrc,
                              size_t bytes) override {
    // A result may alias its argument only when written in place, which is
    // never copied; memmove costs nothing extra and stays correct anyway.
    if (bytes)
      std::memmove(deviceDst, deviceSrc, bytes);
    return nullptr;
  }
  gc_rt_status_t fill(void *deviceData, size_t bytes, uint8_t value) override {
    if (bytes)
      std::memset(deviceData, value, bytes);
    return nullptr;
  }

  gc_rt_status_t findHighestChangedByte(const void *deviceData, size_t bytes,
                                        uint8_t sentinel,
                                        int64_t *index) override {
    const auto *data = static_cast<const uint8_t *>(deviceData);
    size_t i = bytes;
    // Word-at-a-time from the top: the untouched tail of an arena is
    // usually long, and the answer is the first difference from the end.
    uint64_t pattern = 0x0101010101010101ull * sentinel;
    while (i >= 8) {
      uint64_t word;
      std::memcpy(&word, data + i - 8, 8);
      if (word != pattern)
        break;
      i -= 8;
    }
    while (i > 0 && data[i - 1] == sentinel)
      --i;
    *index = static_cast<int64_t>(i) - 1;
    return nullptr;
  }

  gc_rt_status_t synchronize() override { return nullptr; }

  gc_rt_status_t startTimer() override {
    start = std::chrono::steady_clock::now();
    return nullptr;
  }
  gc_rt_status_t stopTimer(double *seconds) override {
    *seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    return nullptr;
  }

  gc_rt_status_t getMemoryInfo(int64_t *freeBytes,
                               int64_t *totalBytes) override {
    *freeBytes = -1;
    *totalBytes = -1;
    return nullptr;
  }

  gc_rt_status_t prepareCall(gc_step_call_t *call, int32_t) override {
    call->device_errors = nullptr;
    call->stream = nullptr;
    call->blas_handle = nullptr;
    return nullptr;
  }
  gc_rt_status_t readErrorCodes(int32_t *codes, int32_t count) override {
    std::fill(codes, codes + count, GC_STEP_ERROR_NONE);
    return nullptr;
  }

private:
  std::string name = "cpu";
  std::chrono::steady_clock::time_point start;
};
} // namespace

std::unique_ptr<Device> gc::rt::createCpuDevice() {
  return std::make_unique<CpuDevice>();
}
