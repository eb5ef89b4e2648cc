// gc-remat reads its options once per pipeline, before any function runs:
// a bad device, budget or time limit is one error for a module of two
// functions, and a device profile file is parsed once.
// RUN: not gc-opt %s --gc-remat="device=tpu" 2>&1 | FileCheck %s --check-prefix=DEVICE
// RUN: not gc-opt %s --gc-remat="device=tpu" 2>&1 | grep -c "error:" | FileCheck %s --check-prefix=ONCE
// RUN: not gc-opt %s --gc-remat="budget=lots" 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not gc-opt %s --gc-remat="time-limit=0" 2>&1 | FileCheck %s --check-prefix=LIMIT
// DEVICE: error: gc-remat: unknown device profile 'tpu' (known: h100, h200, a100, cpu)
// ONCE: 1
// BUDGET: error: gc-remat:
// LIMIT: error: gc-remat: expected a positive time-limit, but found 0

func.func @first(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = gc.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

func.func @second(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = gc.tanh %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
