// REQUIRES: cuda-execution
// On the cuda target, an op in bf16 or f16 that has no 16-bit CUDA kernel
// (the embedding) is refused by name, with its location, instead of
// compiling a kernel that does not exist. The cpu target runs it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not %gc-compile-cuda %s -o %t/cuda 2>&1 | FileCheck %s
// RUN: gc-compile %s --target cpu -o %t/cpu
// RUN: gc-run %t/cpu --steps 1 | FileCheck %s --check-prefix=CPU
// CHECK: no-16bit-kernel.mlir":[[@LINE+6]]:8): error: 'gc.embedding' op has no bf16/f16 CUDA kernel: on the cuda target, 16-bit tensors are supported by every op but gc.embedding and gc.embedding_grad; compute this op in f32 or use the cpu target
// CHECK: gc-compile: error: the cuda emitter failed
// CPU: step 1: loss =

func.func @loss(%table: tensor<10x4xf32> {gc.name = "table", gc.param, gc.role = #gc.role<parameter>, gc.init = #gc.init<normal, std = 1.0>}, %ids: tensor<3xi64> {gc.name = "ids", gc.init = #gc.init<index, bound = 10>}) -> tensor<f32> {
  %t = gc.cast %table : tensor<10x4xf32> -> tensor<10x4xbf16>
  %e = gc.embedding %t, %ids : (tensor<10x4xbf16>, tensor<3xi64>) -> tensor<3x4xbf16>
  %f = gc.cast %e : tensor<3x4xbf16> -> tensor<3x4xf32>
  %l = gc.reduce_sum %f dims = [0, 1] : tensor<3x4xf32> -> tensor<f32>
  return %l : tensor<f32>
}
