// RUN: gc-opt %S/../Inputs/step.mlir --gc-lower-to-kernels | gc-translate --gc-to-cuda | FileCheck %s
// RUN: gc-opt %S/../Inputs/step.mlir --gc-lower-to-kernels | gc-translate --gc-to-cuda --gc-allow-tf32 | FileCheck %s --check-prefix=TF32

// CHECK: #include "gc_rt/cuda/Kernels.h"
// CHECK: __global__ void fused0(const float *in0, const float *in1, const int64_t *in2, float *out0, int64_t n) {
// CHECK-NEXT: for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
// CHECK-NEXT: i += int64_t(gridDim.x) * blockDim.x) {
// CHECK: scalar::dropoutKeeps(in2[0], 3LL,

// CHECK: int runStep(const gc_step_call_t *call) {
// CHECK: cudaStream_t stream = static_cast<cudaStream_t>(call->stream);
// CHECK: GC_CUDA_LAUNCH(fused0, ::gc::rt::stepGridSize(32), ::gc::rt::kStepBlockSize, 0, stream)(
// Every launch and call is checked, with the op's location in the message.
// CHECK: GC_STEP_CUDA_CHECK("gc.broadcast at {{.*}}", cudaGetLastError());
// CHECK: GC_STEP_CHECK("gc.matmul at
// CHECK-NEXT: cuda::matmul<float>(blas, stream, reinterpret_cast<float *>(arena + 128), {{.*}}, false, false, false));
// CHECK: cuda::reduce<float>({{.*}}, stream));
// CHECK: cuda::sgdUpdate<float>(static_cast<float *>(call->arguments[2]), {{.*}}, stream));
// CHECK: GC_STEP_CUDA_CHECK("result copy", cudaMemcpyAsync(call->results[2], reinterpret_cast<float *>(arena + 256), 128, cudaMemcpyDeviceToDevice, stream));
// CHECK: "cuda",

// Exact FP32 unless TF32 is allowed.
// TF32: cuda::matmul<float>({{.*}}, false, false, true));
