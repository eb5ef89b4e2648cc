// REQUIRES: cuda-execution
// Mixed precision on CUDA (on the GPU, or in the CUDA host emulator where
// there is none): the fused-attention tiny BERT in bf16-mixed and the eager
// one in fp16-mixed, three AdamW steps with dropout 0.1, against the same
// step compiled for the CPU.
//
// Both backends compute each 16-bit op in f32 and round its result once, so
// they differ by f32 summation orders, which a 16-bit rounding can turn into
// one step of the bf16 grid (2^-8 relative); CUDA's tensor-core attention
// also rounds its probabilities and score gradients to bf16 before their
// products, as FlashAttention-2 does. Tolerances:
//  - the loss and the gradients of the last step: 2e-2 norm-wise (measured
//    at most 1.1e-2 in bf16, the attention's query bias; a kernel that
//    skipped a rounding or read the wrong type would be off by far more);
//    tensors whose gradient is mathematically zero (the attention's key
//    bias) hold only rounding noise and pass the default absolute bound;
//  - parameters and AdamW moments after the three steps: 2e-2 norm-wise, or
//    an RMS difference below 1e-3 (the learning rate, one AdamW step): AdamW
//    normalizes the key bias's zero-mean noise into steps of about lr, on
//    either backend.
// Reruns are bitwise, and a rematerialized plan (fp16-mixed, 0.9x of the
// peak, with recomputation) is bitwise the same step; the arena's
// high-water mark is the planned size.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %attention-bert --precision bf16-mixed --target cpu -o %t/cpu-bf16
// RUN: %gc-compile-cuda %attention-bert --precision bf16-mixed --solver none -o %t/cuda-bf16
// RUN: gc-run %t/cpu-bf16 --steps 3 --seed 7 --output %t/cpu-bf16.safetensors
// RUN: %gc-run-cuda %t/cuda-bf16 --device cuda:0 --steps 3 --seed 7 --track-arena --output %t/cuda-bf16.safetensors | FileCheck %s
// RUN: %gc-run-cuda %t/cuda-bf16 --device cuda:0 --steps 3 --seed 7 --output %t/cuda-bf16-again.safetensors
// RUN: cmp %t/cuda-bf16.safetensors %t/cuda-bf16-again.safetensors
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py %t/cuda-bf16.safetensors %t/cpu-bf16.safetensors --include '^(loss$|grad[.])' --tol 2e-2 | FileCheck %s --check-prefix=COMPARE
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py %t/cuda-bf16.safetensors %t/cpu-bf16.safetensors --tol 2e-2 --atol 1e-3 | FileCheck %s --check-prefix=COMPARE
//
// fp16-mixed with eager attention: the scores' softmax in f32 between two
// f16 matmuls, and dynamic loss scaling (2^16), which keeps the attention's
// small query and key gradients (about 1e-6 unscaled) out of f16's
// subnormal range: the gradients agree as in bf16 (measured 1.1e-3).
// RUN: gc-compile %attention-bert --attention eager --precision fp16-mixed --target cpu -o %t/cpu-f16 2>/dev/null
// RUN: %gc-compile-cuda %attention-bert --attention eager --precision fp16-mixed --solver none -o %t/cuda-f16 2>/dev/null
// RUN: %gc-compile-cuda %attention-bert --attention eager --precision fp16-mixed --budget 0.9x -o %t/cuda-f16-remat 2>/dev/null
// RUN: FileCheck %s --check-prefix=REMAT < %t/cuda-f16-remat/report.json
// RUN: gc-run %t/cpu-f16 --steps 3 --seed 7 --output %t/cpu-f16.safetensors
// RUN: %gc-run-cuda %t/cuda-f16 --device cuda:0 --steps 3 --seed 7 --track-arena --output %t/cuda-f16.safetensors | FileCheck %s
// RUN: %gc-run-cuda %t/cuda-f16-remat --device cuda:0 --steps 3 --seed 7 --output %t/cuda-f16-remat.safetensors
// RUN: cmp %t/cuda-f16.safetensors %t/cuda-f16-remat.safetensors
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py %t/cuda-f16.safetensors %t/cpu-f16.safetensors --include '^(loss$|grad[.])' --tol 2e-2 | FileCheck %s --check-prefix=COMPARE
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py %t/cuda-f16.safetensors %t/cpu-f16.safetensors --tol 2e-2 --atol 1e-3 | FileCheck %s --check-prefix=COMPARE
//
// The emitted kernels take 16-bit storage and compute in float.
// RUN: FileCheck %s --check-prefix=SOURCE < %t/cuda-bf16/step.cu
//
// CHECK: target cuda
// CHECK: arena: planned [[ARENA:[0-9]+]] bytes, high-water [[ARENA]] bytes
// REMAT: "num_clones": {{[1-9][0-9]*}},
// COMPARE: RESULT verdict=PASS
// SOURCE-DAG: cuda::matmul<::gc::rt::BFloat16>(blas, stream
// SOURCE-DAG: cuda::attention<::gc::rt::BFloat16>(
// SOURCE-DAG: cuda::attentionGrad<::gc::rt::BFloat16>(
// SOURCE-DAG: cuda::reduce<::gc::rt::BFloat16>({{.*}}reinterpret_cast<float *>(arena +
// SOURCE-DAG: const float v{{[0-9]+}} = ::gc::rt::widen(in0[i]);
// SOURCE-DAG: out0[i] = ::gc::rt::narrow<::gc::rt::BFloat16>(
// With aligned pointers a group moves four bf16 elements as one 64-bit word.
// SOURCE-DAG: const ::gc::rt::Quad<::gc::rt::BFloat16> in{{[0-9]+}}v = reinterpret_cast<const ::gc::rt::Quad<::gc::rt::BFloat16> *>(in{{[0-9]+}})[g];
// SOURCE-DAG: reinterpret_cast<::gc::rt::Quad<::gc::rt::BFloat16> *>(out{{[0-9]+}})[g] = ::gc::rt::packOf(out{{[0-9]+}}v);
