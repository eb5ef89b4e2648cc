// A report file describes the module just run: with --split-input-file each
// chunk is a new module (often allocated where the last one was), and the
// report of a one-function chunk is that function's, not an earlier
// chunk's.
// RUN: gc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(gc-plan-memory{report=%t.json}))' -o /dev/null
// RUN: FileCheck %s < %t.json
// CHECK: "function": "second"
// CHECK-NOT: "function": "first"

func.func @first(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = gc.exp %x : tensor<4xf32>
  %z = gc.tanh %y : tensor<4xf32>
  return %z : tensor<4xf32>
}

// -----

func.func @second(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = gc.exp %x : tensor<4xf32>
  %z = gc.tanh %y : tensor<4xf32>
  return %z : tensor<4xf32>
}
