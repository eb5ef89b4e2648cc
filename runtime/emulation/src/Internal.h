//===- Internal.h - Shared by the emulated CUDA runtime's files -*- C++ -*-===//
//
// Private to runtime/emulation/src.
//
//===----------------------------------------------------------------------===//

#ifndef GC_CUDA_EMU_SRC_INTERNAL_H
#define GC_CUDA_EMU_SRC_INTERNAL_H

#include "gc_cuda_emu/Device.h"

#include <string>

namespace gc_cuda_emu {

/// Runs every block of a launch whose shape has been validated.
cudaError_t runGrid(const char *kernelName, dim3 grid, dim3 block,
                    void (*body)(void *), void *bodyContext);

/// Makes the emulated device fail from now on, as a kernel fault does on a
/// GPU (cudaErrorLaunchFailure is sticky): `message` goes to stderr once.
void recordFailure(const std::string &message);

/// Whether `stream` is the default stream or a live created one.
bool isValidStream(cudaStream_t stream);

/// Whether the emulator is in record-only mode (gcCudaEmuRecordOnly).
bool isRecordOnly();
/// In record-only mode: notes a launch of the current step unit.
void recordLaunch(const char *kernel, dim3 grid, dim3 block);

/// Whether [pointer, pointer + bytes) lies in one live device allocation.
bool isDeviceRange(const void *pointer, size_t bytes);

} // namespace gc_cuda_emu

#endif // GC_CUDA_EMU_SRC_INTERNAL_H
