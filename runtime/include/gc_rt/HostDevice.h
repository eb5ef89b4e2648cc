//===- HostDevice.h - Functions for both the host and the GPU ---*- C++ -*-===//
//
// GC_RT_HOST_DEVICE marks the runtime's header-only functions that the CPU
// kernels, the CUDA kernels and generated steps all call (Philox, the 16-bit
// conversions, the loss scaler's update): __host__ __device__ under nvcc,
// nothing for a host compiler (the CUDA host emulator included).
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_HOSTDEVICE_H
#define GC_RT_HOSTDEVICE_H

#if defined(__CUDACC__)
#define GC_RT_HOST_DEVICE __host__ __device__
#else
#define GC_RT_HOST_DEVICE
#endif

#endif // GC_RT_HOSTDEVICE_H
