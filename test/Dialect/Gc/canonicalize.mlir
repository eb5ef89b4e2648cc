// Folders and canonicalization patterns of the gc dialect.
// RUN: gc-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = gc.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = gc.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = gc.reshape %0 : tensor<24xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_round_trip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = gc.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = gc.reshape %0 : tensor<6xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<6xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_same_type(%x: tensor<6xf32>) -> tensor<6xf32> {
  %0 = gc.reshape %x : tensor<6xf32> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_of_constant
// CHECK-NEXT: %[[C:.*]] = gc.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_of_constant() -> tensor<2x2xf32> {
  %c = gc.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = gc.reshape %c : tensor<4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_of_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = gc.transpose %[[X]] perm = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = gc.transpose %x perm = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = gc.transpose %0 perm = [1, 2, 0] : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = gc.transpose %x perm = [0, 2, 1, 3] : tensor<2x3x4x5xf32> -> tensor<2x4x3x5xf32>
  %1 = gc.transpose %0 perm = [0, 2, 1, 3] : tensor<2x4x3x5xf32> -> tensor<2x3x4x5xf32>
  return %1 : tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = gc.transpose %x perm = [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @scale_by_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @scale_by_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.scale %x by 1.0 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @scale_of_scale
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[S:.*]] = gc.scale %[[X]] by 1.500000e+00 : tensor<4xf32>
// CHECK-NEXT: return %[[S]]
func.func @scale_of_scale(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.scale %x by 0.5 : tensor<4xf32>
  %1 = gc.scale %0 by 3.0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @scale_cancels
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @scale_cancels(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.scale %x by 0.25 : tensor<4xf32>
  %1 = gc.scale %0 by 4.0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @neg_of_neg
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @neg_of_neg(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.neg %x : tensor<4xf32>
  %1 = gc.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[SEED:.*]]: tensor<i64>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<2x3xf32>, %seed: tensor<i64>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = gc.cast %x : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = gc.broadcast %x dims = [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = gc.slice %x offsets = [0, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  %3 = gc.concat %x dim = 1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = gc.dropout %x, %seed probability = 0.0 stream = 1 : tensor<2x3xf32>
  %5 = gc.dropout_grad %x, %seed probability = 0.0 stream = 1 : tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Real work is kept: a dropout with p > 0, a cast that converts, a partial
// slice and a broadcast that expands.
// CHECK-LABEL: func.func @not_identities
// CHECK: gc.dropout
// CHECK: gc.cast
// CHECK: gc.slice
// CHECK: gc.broadcast
func.func @not_identities(%x: tensor<2x3xf32>, %seed: tensor<i64>)
    -> (tensor<2x3xf32>, tensor<2x3xbf16>, tensor<2x2xf32>, tensor<4x2x3xf32>) {
  %0 = gc.dropout %x, %seed probability = 0.1 stream = 1 : tensor<2x3xf32>
  %1 = gc.cast %x : tensor<2x3xf32> -> tensor<2x3xbf16>
  %2 = gc.slice %x offsets = [0, 1] : tensor<2x3xf32> -> tensor<2x2xf32>
  %3 = gc.broadcast %x dims = [1, 2] : tensor<2x3xf32> -> tensor<4x2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xbf16>, tensor<2x2xf32>, tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_by_splat
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[A:.*]] = gc.scale %[[X]] by 2.500000e-01 : tensor<4xf32>
// CHECK-NEXT: %[[B:.*]] = gc.scale %[[X]] by -3.000000e+00 : tensor<4xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @mul_by_splat(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %c = gc.constant dense<0.25> : tensor<4xf32>
  %d = gc.constant dense<-3.0> : tensor<4xf32>
  %0 = gc.mul %x, %c : tensor<4xf32>
  %1 = gc.mul %d, %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// A constant that is not a splat stays a multiplication.
// CHECK-LABEL: func.func @mul_by_dense
// CHECK: %[[C:.*]] = gc.constant dense<[1.000000e+00, 2.000000e+00]>
// CHECK: gc.mul %{{.*}}, %[[C]] : tensor<2xf32>
func.func @mul_by_dense(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = gc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = gc.mul %x, %c : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Unused pure ops disappear; the block tag does not keep them alive.
// CHECK-LABEL: func.func @dead_code
// CHECK-NOT: gc.
// CHECK: return
func.func @dead_code(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = gc.exp %x {gc.block = 0 : i64} : tensor<2x2xf32>
  %1 = gc.matmul %0, %0 : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %x : tensor<2x2xf32>
}
