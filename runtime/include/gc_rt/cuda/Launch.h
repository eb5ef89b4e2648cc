//===- Launch.h - The kernel launch of gc's CUDA sources --------*- C++ -*-===//
//
// gc's CUDA sources launch kernels as
//   GC_CUDA_LAUNCH(kernel, grid, block, sharedBytes, stream)(args...);
// which is kernel<<<grid, block, sharedBytes, stream>>>(args...) under nvcc
// (a kernel template with several arguments is written in parentheses:
// GC_CUDA_LAUNCH((kernel<T, U>), ...)).
// The CUDA host emulator (runtime/emulation, used by the tests on machines
// without a GPU) compiles the same sources with the host compiler and
// defines the macro as a call of its scheduler before this header is read.
// GC_RT_CUDA_SOURCE is set in both cases: the code is CUDA source.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_CUDA_LAUNCH_H
#define GC_RT_CUDA_LAUNCH_H

#if defined(__CUDACC__) || defined(GC_CUDA_EMULATION)
#define GC_RT_CUDA_SOURCE 1
#endif

#ifndef GC_CUDA_LAUNCH
#define GC_CUDA_LAUNCH(kernel, grid, block, sharedBytes, stream)               \
  kernel<<<(grid), (block), (sharedBytes), (stream)>>>
#endif

#endif // GC_RT_CUDA_LAUNCH_H
