// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-assign-dropout-streams | FileCheck %s
// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-assign-dropout-streams="first-stream=10" | FileCheck %s --check-prefix=OFFSET

// Every dropout gets its own stream, in program order.
// CHECK-LABEL: func.func @forward
// CHECK: gc.dropout %{{.*}} stream = 0
// CHECK: gc.dropout %{{.*}} stream = 1
// CHECK: gc.dropout %{{.*}} stream = 2
// OFFSET-LABEL: func.func @forward
// OFFSET: gc.dropout %{{.*}} stream = 10
// OFFSET: gc.dropout %{{.*}} stream = 11
// OFFSET: gc.dropout %{{.*}} stream = 12
func.func @forward(%x: tensor<4xf32>, %seed: tensor<i64>) -> tensor<4xf32> {
  %0 = gc.dropout %x, %seed probability = 0.1 stream = 5 : tensor<4xf32>
  %1 = gc.dropout %0, %seed probability = 0.1 stream = 5 : tensor<4xf32>
  %2 = gc.exp %1 : tensor<4xf32>
  %3 = gc.dropout %2, %seed probability = 0.2 stream = 0 : tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// A fused attention with dropout takes its place in the numbering; one
// without dropout takes none.
// CHECK-LABEL: func.func @fused_attention
// CHECK: gc.dropout %{{.*}} stream = 0
// CHECK: gc.attention {{.*}} probability = 1.000000e-01 stream = 1
// CHECK: gc.attention {{.*}} probability = 0.000000e+00 stream = 0
// CHECK: gc.dropout %{{.*}} stream = 2
// OFFSET-LABEL: func.func @fused_attention
// OFFSET: gc.attention {{.*}} stream = 11
func.func @fused_attention(%x: tensor<1x1x4x8xf32>, %seed: tensor<i64>) -> tensor<1x1x4x8xf32> {
  %0 = gc.dropout %x, %seed probability = 0.1 stream = 7 : tensor<1x1x4x8xf32>
  %1, %l1 = gc.attention %0, %0, %0 seed %seed scale = 0.5 probability = 0.1 stream = 7
      : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<i64>)
      -> (tensor<1x1x4x8xf32>, tensor<1x1x4xf32>)
  %2, %l2 = gc.attention %1, %1, %1 scale = 0.5 probability = 0.0 stream = 0
      : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>)
      -> (tensor<1x1x4x8xf32>, tensor<1x1x4xf32>)
  %3 = gc.dropout %2, %seed probability = 0.1 stream = 7 : tensor<1x1x4x8xf32>
  return %3 : tensor<1x1x4x8xf32>
}

// -----

// A differentiated function pairs each dropout_grad with its forward stream;
// renumbering would break the pairing, so the pass refuses.
func.func @differentiated(%x: tensor<4xf32>, %seed: tensor<i64>) -> tensor<4xf32> {
  %0 = gc.dropout %x, %seed probability = 0.1 stream = 0 : tensor<4xf32>
  // expected-error @+1 {{cannot renumber dropout streams after differentiation: this gc.dropout_grad names stream 0 of its forward op; run gc-assign-dropout-streams before gc-autodiff}}
  %1 = gc.dropout_grad %0, %seed probability = 0.1 stream = 0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// A negative first stream is an option error, not a silent default.
// RUN: not gc-opt %s --split-input-file --gc-assign-dropout-streams="first-stream=-1" 2>&1 | FileCheck %s --check-prefix=NEG
// NEG: error: gc-assign-dropout-streams: expected a non-negative first-stream, but found -1
// A malformed option value is rejected by the option parser.
// RUN: not gc-opt %s --gc-assign-dropout-streams="first-stream=abc" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: for the --first-stream option: 'abc' value invalid for long argument!
