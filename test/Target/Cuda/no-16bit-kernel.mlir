// REQUIRES: cuda-execution
// On the cuda target, an op in bf16 or f16 that has no 16-bit CUDA kernel
// (here the loss) is refused by name, with its location, instead of
// compiling a kernel that does not exist. The cpu target runs it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not %gc-compile-cuda %s -o %t/cuda 2>&1 | FileCheck %s
// RUN: gc-compile %s --target cpu -o %t/cpu
// RUN: gc-run %t/cpu --steps 1 | FileCheck %s --check-prefix=CPU
// CHECK: no-16bit-kernel.mlir":[[@LINE+7]]:8): error: 'gc.cross_entropy' op has no bf16/f16 CUDA kernel: on the cuda target, 16-bit tensors are supported by gc.matmul, gc.attention, gc.softmax, gc.layer_norm and their gradients, the reductions, the optimizer updates, data movement and pointwise ops; compute this op in f32 or use the cpu target
// CHECK: gc-compile: error: the cuda emitter failed
// CPU: step 1: loss =

func.func @loss(%x: tensor<4x8xf32> {gc.name = "x", gc.param, gc.role = #gc.role<parameter>, gc.init = #gc.init<normal, std = 1.0>}, %labels: tensor<4xi64> {gc.name = "labels", gc.init = #gc.init<zeros>}) -> tensor<f32> {
  %h = gc.cast %x : tensor<4x8xf32> -> tensor<4x8xbf16>
  %s = gc.softmax %h dim = 1 : tensor<4x8xbf16>
  %l = gc.cross_entropy %s, %labels ignore_index = -100 : (tensor<4x8xbf16>, tensor<4xi64>) -> tensor<bf16>
  %f = gc.cast %l : tensor<bf16> -> tensor<f32>
  return %f : tensor<f32>
}
