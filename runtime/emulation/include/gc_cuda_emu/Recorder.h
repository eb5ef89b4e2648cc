/*===- Recorder.h - The CUDA host emulator's launch recorder -----*- C -*-===*
 *
 * Plain C, without CUDA types, so that programs which load an emulated step
 * library (gc-compile's launch report) can declare what they look up with
 * dlsym. In record-only mode the emulator executes nothing (kernels,
 * copies, memsets, GEMMs) and records every launch the host code makes,
 * tagged with the compiled step's unit (GC_STEP_UNIT); device pointers are
 * never dereferenced, so they may be fake.
 *
 *===----------------------------------------------------------------------===*/

#ifndef GC_CUDA_EMU_RECORDER_H
#define GC_CUDA_EMU_RECORDER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct GcCudaEmuLaunch {
  int64_t unit;       /* the step unit, -1 before the first */
  const char *kernel; /* the launch's kernel expression, or the BLAS call */
  unsigned grid[3];   /* all zero for a library call */
  unsigned block[3];
} GcCudaEmuLaunch;

/* Enters (1) or leaves (0) record-only mode; entering clears the records. */
void gcCudaEmuRecordOnly(int enable);
typedef void (*GcCudaEmuRecordOnlyFn)(int enable);

/* The launches recorded so far; valid until the next gcCudaEmuRecordOnly. */
int64_t gcCudaEmuRecordedLaunches(const GcCudaEmuLaunch **launches);
typedef int64_t (*GcCudaEmuRecordedLaunchesFn)(
    const GcCudaEmuLaunch **launches);

/* cublasCreate for a program that sees no cuBLAS header (the emulated
 * cuBLAS's own): 0 and the handle in *handle, or a cublasStatus_t. */
int gcCudaEmuCreateBlasHandle(void **handle);
typedef int (*GcCudaEmuCreateBlasHandleFn)(void **handle);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GC_CUDA_EMU_RECORDER_H */
