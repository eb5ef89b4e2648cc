// RUN: gc-opt %S/../Inputs/step.mlir --gc-lower-to-kernels | gc-translate --gc-to-cpp | FileCheck %s
// RUN: gc-opt %S/../Inputs/step.mlir --gc-lower-to-kernels | gc-translate --gc-to-cpp-header | FileCheck %s --check-prefix=HEADER
// RUN: gc-opt %S/../Inputs/step.mlir --gc-lower-to-kernels -o %t.mlir
// RUN: not gc-translate --gc-to-cpp %S/../Inputs/step.mlir 2>&1 | FileCheck %s --check-prefix=UNLOWERED

// CHECK: 4 runtime kernels, 1 fused kernel launches (4 gc ops, 1 distinct kernels), 1 views, 1 result copies.
// CHECK: #include "step.h"
// CHECK: #include "gc_rt/cpu/Kernels.h"
// CHECK-NOT: cuda

// The fused kernel walks a range of elements as rows of the last dimension:
// the bias's row pointer is set once per row and read contiguously, the
// input element by element and the seed as a scalar, in a loop free of
// divisions that the compiler vectorizes; only the dropout's result is
// stored. Dropout keeps an element when its draw's top 24 bits reach
// ceil(0.1 * 2^24) = 1677722.
// CHECK: void fused0(const float *in0, const float *in1, const int64_t *in2, float *out0, int64_t begin, int64_t end) {
// CHECK-NEXT: for (int64_t row = begin / 8; row * 8 < end; ++row) {
// CHECK-NEXT: const int64_t base = row * 8;
// CHECK-NEXT: const int64_t first = begin > base ? begin - base : 0;
// CHECK-NEXT: const int64_t last = end - base < 8 ? end - base : 8;
// CHECK-NEXT: const float *b0 = in0;
// CHECK-NEXT: GC_RT_VECTORIZE_LOOP
// CHECK-NEXT: for (int64_t j = first; j < last; ++j) {
// CHECK-NEXT: const int64_t i = base + j;
// CHECK-NEXT: (void)i;
// CHECK-NEXT: const float v0 = b0[j];
// CHECK-NEXT: const float v1 = in1[i];
// CHECK-NEXT: const float v2 = v1 + v0;
// CHECK-NEXT: const float v3 = scalar::tanh(v2);
// CHECK-NEXT: const float v4 = scalar::dropoutKeeps(in2[0], 3LL, static_cast<uint64_t>(i), 1677722u) ? v3 * scalar::dropoutScale<float>(0x1.999999999999ap-4) : static_cast<float>(0);
// CHECK-NEXT: out0[i] = v4;

// The step runs the kernel over fixed chunks of the 32 elements on the
// thread pool, with the thread count the runtime passes.
// CHECK: int runStep(const gc_step_call_t *call) {
// CHECK: cpu::setNumThreads(call->num_threads);
// CHECK: cpu::parallelForRange(32, cpu::kItemsPerTask, [&](int64_t begin, int64_t end) {
// CHECK-NEXT: fused0(static_cast<float *>(call->arguments[1]),
// CHECK-NEXT: static_cast<float *>(call->arguments[0]),
// CHECK-NEXT: static_cast<int64_t *>(call->arguments[3]),
// CHECK-NEXT: reinterpret_cast<float *>(arena + 128),
// CHECK-NEXT: begin, end);
// CHECK: cpu::matmul<float>(reinterpret_cast<float *>(arena + 128), static_cast<float *>(call->arguments[2]), reinterpret_cast<float *>(arena + 256), cpu::Shape(kTable0, 2), cpu::Shape(kTable1, 2), false, false);
// CHECK: cpu::reduce<float>(cpu::ReduceOp::Sum, reinterpret_cast<float *>(arena + 256), static_cast<float *>(call->results[0])
// CHECK: cpu::matmul<float>({{.*}}, true, false);
// The update is written into the weight's own buffer.
// CHECK: cpu::sgdUpdate<float>(static_cast<float *>(call->arguments[2]), reinterpret_cast<float *>(arena + 512), nullptr, static_cast<float *>(call->arguments[2]), 64, 0x1.999999999999ap-4, 0x0p+0);
// The reshape is a view of the matmul's result, copied out as result #2.
// CHECK: std::memcpy(call->results[2], reinterpret_cast<float *>(arena + 256), 128);
// CHECK: return 0;

// CHECK: {"x", GC_STEP_DTYPE_F32, GC_STEP_ROLE_BATCH, 2, kTable0, 128, GC_STEP_INIT_NORMAL, 0x1p+0, 0, -1, 0, GC_STEP_VALUES_ANY},
// CHECK: {"b", GC_STEP_DTYPE_F32, GC_STEP_ROLE_PARAMETER, 1, kTable3, 32, GC_STEP_INIT_NORMAL, 0x1.47ae147ae147bp-6, 0, -1, 0, GC_STEP_VALUES_ANY},
// CHECK: {"seed", GC_STEP_DTYPE_I64, GC_STEP_ROLE_SEED, 0, nullptr, 8, GC_STEP_INIT_SEED,
// CHECK: {"loss", GC_STEP_DTYPE_F32, GC_STEP_ROLE_OUTPUT, 0, nullptr, 4, GC_STEP_INIT_ZEROS, 0.0, 0, -1, 0, GC_STEP_VALUES_ANY},
// CHECK: {"w", GC_STEP_DTYPE_F32, GC_STEP_ROLE_PARAMETER, 2, kTable1, 256, GC_STEP_INIT_ZEROS, 0.0, 0, 2, 1, GC_STEP_VALUES_ANY},
// CHECK: {"activation", GC_STEP_DTYPE_F32, GC_STEP_ROLE_OUTPUT, 2, kTable0, 128, GC_STEP_INIT_ZEROS, 0.0, 0, -1, 0, GC_STEP_VALUES_ANY},
// CHECK: "cpu",
// CHECK-NEXT: "step",
// CHECK-NEXT: /*arena_bytes=*/768,
// CHECK: /*loss_result=*/0,
// CHECK: GC_STEP_EXPORT const gc_step_descriptor_t *gc_step_get_descriptor(void) {

// HEADER: // step.h - the compiled training step @step (target cpu)
// HEADER: // Arena: 768 bytes.
// HEADER: //   2  w  f32[8, 8]
// HEADER: //   2  activation  f32[4, 8]
// HEADER: const gc_step_descriptor_t *gc_step_get_descriptor(void);

// UNLOWERED: error: expected a step lowered by gc-lower-to-kernels
