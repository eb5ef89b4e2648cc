//===- Device.h - The device abstraction behind a gc_rt session -*- C++ -*-===//
//
// What the step code of gc_rt needs from a device, and nothing more: memory
// (allocate, free, copies in every direction, byte fills), the arena
// tracker's scan, synchronization, a timer, memory figures, and the
// device-specific fields of a step call (stream, BLAS handle, error word).
// The CPU implementation is the reference (host memory, memcpy, a steady
// clock); the CUDA one (CudaDevice.cpp) exists only in builds with CUDA.
//
// Internal to the runtime: every operation returns a gc_rt_status_t (NULL
// on success) so that messages and codes flow unchanged to the C API.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CORE_DEVICE_H
#define GC_RT_CORE_DEVICE_H

#include "gc_rt/Runtime.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace gc::rt {

/// One device allocation: `data` is aligned as requested; `base` is what
/// the device's allocator returned (they differ when the alignment asked
/// for exceeds the allocator's own).
struct DeviceAllocation {
  void *base = nullptr;
  void *data = nullptr;
  size_t bytes = 0;
};

class Device {
public:
  virtual ~Device() = default;

  /// The target a step descriptor must name to run here: "cpu" or "cuda".
  virtual const char *getTarget() const = 0;
  /// What gc_rt_session_device_name returns.
  virtual const std::string &getName() const = 0;

  /// Allocates `bytes` (at least one byte is always reserved) aligned to
  /// `alignment`, a power of two. `purpose` names the allocation in an
  /// out-of-memory message ("the arena of step 'train_step'").
  virtual gc_rt_status_t allocate(size_t bytes, size_t alignment,
                                  const std::string &purpose,
                                  DeviceAllocation *out) = 0;
  virtual void deallocate(DeviceAllocation &allocation) = 0;

  /// Copies that involve host memory return once the host side may be
  /// reused (they synchronize); device-to-device copies and fills are
  /// ordered with the step's work and need not have finished.
  virtual gc_rt_status_t copyToDevice(void *deviceDst, const void *hostSrc,
                                      size_t bytes) = 0;
  virtual gc_rt_status_t copyToHost(void *hostDst, const void *deviceSrc,
                                    size_t bytes) = 0;
  virtual gc_rt_status_t copyOnDevice(void *deviceDst, const void *deviceSrc,
                                      size_t bytes) = 0;
  virtual gc_rt_status_t fill(void *deviceData, size_t bytes,
                              uint8_t value) = 0;
  /// Sets `*index` to the highest index in [0, bytes) whose byte differs
  /// from `sentinel`, or -1 when all equal it. Synchronizes.
  virtual gc_rt_status_t findHighestChangedByte(const void *deviceData,
                                                size_t bytes, uint8_t sentinel,
                                                int64_t *index) = 0;
  virtual gc_rt_status_t synchronize() = 0;
  /// synchronize() for at most `seconds`: sets *timedOut, instead of
  /// waiting on, when the work is not done by then (a CUDA step whose
  /// collectives wait for a peer that is gone). Work on the CPU is done
  /// when the step returns.
  virtual gc_rt_status_t synchronizeWithin(double seconds, bool *timedOut) {
    (void)seconds;
    *timedOut = false;
    return synchronize();
  }

  /// Brackets one step: startTimer before the step's work is enqueued,
  /// stopTimer after; stopTimer waits for the work and reports the seconds
  /// between the two.
  virtual gc_rt_status_t startTimer() = 0;
  virtual gc_rt_status_t stopTimer(double *seconds) = 0;

  /// Free and total device memory, or -1 for both where the device has no
  /// such figures (the CPU).
  virtual gc_rt_status_t getMemoryInfo(int64_t *freeBytes,
                                       int64_t *totalBytes) = 0;

  /// Fills the device's fields of a step call (stream, BLAS handle,
  /// `errorWords` device error words) and clears the error words for the
  /// coming step.
  virtual gc_rt_status_t prepareCall(gc_step_call_t *call,
                                     int32_t errorWords) = 0;
  /// After the step has been synchronized: the codes its kernels left in
  /// the `count` error words (none on the CPU).
  virtual gc_rt_status_t readErrorCodes(int32_t *codes, int32_t count) = 0;
};

/// The host device.
std::unique_ptr<Device> createCpuDevice();

/// The CUDA device `ordinal`, or GC_RT_UNAVAILABLE when there is none.
/// Defined in CudaDevice.cpp (builds with CUDA) and Session.cpp (without).
gc_rt_status_t createCudaDevice(int ordinal, std::unique_ptr<Device> *out);

} // namespace gc::rt

#endif // GC_RT_CORE_DEVICE_H
