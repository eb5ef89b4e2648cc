// gc-opt behaves like mlir-opt: textual pipelines, IR printing, timing.
// RUN: gc-opt --help | FileCheck %s --check-prefix=HELP
// HELP: --gc-assign-dropout-streams
// HELP: --gc-strip-block-tags

// RUN: gc-opt %s --pass-pipeline="builtin.module(func.func(gc-assign-dropout-streams{first-stream=4}),gc-strip-block-tags,canonicalize)" | FileCheck %s --check-prefix=PIPE
// PIPE-LABEL: func.func @f
// PIPE: gc.dropout %{{.*}} stream = 4 : tensor<4xf32>
// PIPE-NOT: gc.block
// PIPE-NOT: gc.scale

// RUN: gc-opt %s --gc-strip-block-tags --mlir-print-ir-after-all 2>&1 | FileCheck %s --check-prefix=AFTER
// AFTER: IR Dump After StripBlockTags (gc-strip-block-tags)

// RUN: gc-opt %s --canonicalize --mlir-timing 2>&1 | FileCheck %s --check-prefix=TIMING
// TIMING: Execution time report
// TIMING: Canonicalizer

func.func @f(%x: tensor<4xf32>, %seed: tensor<i64>) -> tensor<4xf32> {
  %0 = gc.scale %x by 1.0 {gc.block = 2 : i64} : tensor<4xf32>
  %1 = gc.dropout %0, %seed probability = 0.1 stream = 9 {gc.block = 2 : i64} : tensor<4xf32>
  return %1 : tensor<4xf32>
}
