// RUN: gc-opt %S/../Inputs/step.mlir --gc-lower-to-kernels | gc-translate --gc-to-cuda | FileCheck %s
// RUN: gc-opt %S/../Inputs/step.mlir --gc-lower-to-kernels | gc-translate --gc-to-cuda --gc-allow-tf32 | FileCheck %s --check-prefix=TF32

// CHECK: #include "gc_rt/cuda/Kernels.h"
// Fused kernels take four elements per iteration, with 32-bit indices where
// they fit; a dropout computes one Philox block per four elements; with
// 16-byte aligned pointers, contiguous loads and stores move 128-bit words.
// CHECK: __global__ void fused0(const float *in0, const float *in1, const int64_t *in2, float *out0, int32_t n) {
// CHECK-NEXT: const int32_t groups = (n + 3) / 4;
// CHECK-NEXT: const bool vectors = ((reinterpret_cast<uintptr_t>(in1) | reinterpret_cast<uintptr_t>(out0)) % 16) == 0;
// CHECK-NEXT: for (int32_t g = blockIdx.x * int32_t(blockDim.x) + threadIdx.x; g < groups;
// CHECK-NEXT: g += int32_t(gridDim.x) * blockDim.x) {
// CHECK-NEXT: const ::gc::rt::cpu::PhiloxBlock r0 = ::gc::rt::cpu::philox4x32(::gc::rt::cpu::dropoutCounter(static_cast<uint64_t>(g), 3LL), ::gc::rt::cpu::dropoutKey(in2[0]));
// CHECK-NEXT: if (vectors) {
// CHECK-NEXT: const float4 in1v = reinterpret_cast<const float4 *>(in1)[g];
// CHECK-NEXT: float out0v[4];
// CHECK: ::gc::rt::laneOf(in1v, lane)
// CHECK: out0v[lane] =
// CHECK: reinterpret_cast<float4 *>(out0)[g] = ::gc::rt::packOf(out0v);
// CHECK: for (uint32_t lane = 0; lane < 4; ++lane) {
// CHECK-NEXT: const int32_t i = 4 * g + int32_t(lane);
// CHECK-NEXT: if (i >= n)
// CHECK: ::gc::rt::cpu::dropoutWordKeeps(::gc::rt::cpu::wordOf(r0, lane), 

// CHECK: int runStep(const gc_step_call_t *call) {
// CHECK: cudaStream_t stream = static_cast<cudaStream_t>(call->stream);
// CHECK: GC_STEP_UNIT(0);
// CHECK: GC_CUDA_LAUNCH(fused0, ::gc::rt::stepGridSize(8), ::gc::rt::kStepBlockSize, 0, stream)(
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
