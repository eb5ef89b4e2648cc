// gc-run rejects bad input with a clear message and a non-zero exit.
// RUN: split-file %s %t
// Files the tests feed: tensors named x (2x2 f32), z, and out-of-range ids.
// RUN: gc-run %t/producer.mlir --function=x --output %t/x.safetensors
// RUN: gc-run %t/producer.mlir --function=z --output %t/z.safetensors
// RUN: gc-run %t/producer.mlir --function=ids --output %t/ids.safetensors
// RUN: head -c 40 %t/x.safetensors > %t/truncated.safetensors

// RUN: not gc-run %t/consumer.mlir --function=square --inputs %t/x.safetensors 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: {{^.*}}x.safetensors: error: tensor 'x' is F32 [2, 2], but the argument of @square is F32 [3, 3]

// RUN: not gc-run %t/consumer.mlir --function=square --inputs %t/z.safetensors 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: z.safetensors: error: tensor 'z' is neither an argument nor a result of @square (arguments: 'x')

// RUN: not gc-run %t/consumer.mlir --function=square --inputs %t/truncated.safetensors 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: error: {{.*}}truncated.safetensors: header length {{[0-9]+}} is larger than the 32 bytes that follow the length prefix

// RUN: not gc-run %t/consumer.mlir --function=square --inputs %t/missing.safetensors 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: {{.*}}missing.safetensors: cannot open file: No such file or directory

// RUN: not gc-run %t/consumer.mlir --function=lookup --inputs %t/ids.safetensors 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: consumer.mlir:{{[0-9]+}}:8: error: 'gc.embedding' op embedding: id 200 at flat position 1 is outside the table's [0, 10)
// RANGE-NOT: see current operation

// RUN: not gc-run %t/consumer.mlir 2>&1 | FileCheck %s --check-prefix=WHICH
// WHICH: error: the module has 3 functions; choose one with --function

// RUN: not gc-run %t/consumer.mlir --function=nope 2>&1 | FileCheck %s --check-prefix=NOPE
// NOPE: error: the module has no function named 'nope'

// RUN: not gc-run %t/consumer.mlir --function=bytes 2>&1 | FileCheck %s --check-prefix=BYTES
// BYTES: error: argument 'b' has type 'tensor<4xi8>', which the CPU executor cannot generate (it computes with f32, f64, bf16, f16, i32 and i64 tensors)

// 16-bit floats are generated and computed (in f32, rounded once).
// RUN: gc-run %t/half.mlir 2>&1 | FileCheck %s --check-prefix=HALF
// HALF: @half: 1 arguments (0 from file, 1 generated from seed 0), 1 results

// Two dropout seeds: the step loop advances one seed per step, so a step
// has at most one (the compiled step's loader refuses two as well).
// RUN: not gc-run %t/seeds.mlir 2>&1 | FileCheck %s --check-prefix=SEEDS
// RUN: not gc-translate --gc-to-cpp %t/seeds.mlir 2>&1 | FileCheck %s --check-prefix=SEEDS
// SEEDS: error: @two_seeds has two seed arguments, 's1' and 's2'; a step has at most one, which the runtime advances

// RUN: not gc-run %t/consumer.mlir --function=square --steps 0 2>&1 | FileCheck %s --check-prefix=STEPS
// STEPS: gc-run: error: --steps must be at least 1, but is 0

//--- producer.mlir
func.func @x() -> (tensor<2x2xf32> {gc.name = "x"}) {
  %c = gc.constant dense<1.0> : tensor<2x2xf32>
  return %c : tensor<2x2xf32>
}
func.func @z() -> (tensor<3x3xf32> {gc.name = "z"}) {
  %c = gc.constant dense<1.0> : tensor<3x3xf32>
  return %c : tensor<3x3xf32>
}
func.func @ids() -> (tensor<2xi64> {gc.name = "ids"}) {
  %c = gc.constant dense<[7, 200]> : tensor<2xi64>
  return %c : tensor<2xi64>
}
//--- consumer.mlir
func.func @square(%x: tensor<3x3xf32> {gc.name = "x"}) -> (tensor<3x3xf32> {gc.name = "y"}) {
  %y = gc.mul %x, %x : tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}
func.func @lookup(%ids: tensor<2xi64> {gc.name = "ids"}, %table: tensor<10x4xf32> {gc.name = "table"}) -> tensor<2x4xf32> {
  %e = gc.embedding %table, %ids : (tensor<10x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %e : tensor<2x4xf32>
}
func.func @bytes(%b: tensor<4xi8> {gc.name = "b"}) -> tensor<4xi8> {
  return %b : tensor<4xi8>
}
//--- half.mlir
func.func @half(%h: tensor<4xf16> {gc.name = "h"}) -> tensor<4xf16> {
  %e = gc.exp %h : tensor<4xf16>
  return %e : tensor<4xf16>
}
//--- seeds.mlir
func.func @two_seeds(%x: tensor<4xf32> {gc.name = "x"}, %s1: tensor<i64> {gc.name = "s1"}, %s2: tensor<i64> {gc.name = "s2"}) -> tensor<4xf32> {
  %a = gc.dropout %x, %s1 probability = 1.000000e-01 stream = 0 : tensor<4xf32>
  %b = gc.dropout %a, %s2 probability = 1.000000e-01 stream = 1 : tensor<4xf32>
  return %b : tensor<4xf32>
}
