// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-autocast | FileCheck %s
// RUN: gc-opt %s --split-input-file --verify-diagnostics --gc-autocast=precision=fp16-mixed | FileCheck %s --check-prefix=F16
// RUN: gc-opt %s --split-input-file --gc-autocast=precision=fp32 | FileCheck %s --check-prefix=FP32

// A linear layer (matmul + broadcast bias), GeLU, a residual add, layer
// norm and a sum: the product and the bias add are bf16 (the bias is cast
// before its broadcast, as torch's linear casts it), GeLU follows its
// operand, the residual add promotes to f32, layer norm and the sum are
// f32, the result keeps its type. One cast per value: the weight's working
// copy is made once for its two uses.
// CHECK-LABEL: func.func @linear_block
// CHECK-DAG: %[[XL:.*]] = gc.cast %arg0 : tensor<4x8xf32> -> tensor<4x8xbf16>
// CHECK-DAG: %[[WL:.*]] = gc.cast %arg1 : tensor<8x8xf32> -> tensor<8x8xbf16>
// CHECK-DAG: %[[BL:.*]] = gc.cast %arg2 : tensor<8xf32> -> tensor<8xbf16>
// CHECK: %[[P:.*]] = gc.matmul %[[XL]], %[[WL]] transpose_rhs : (tensor<4x8xbf16>, tensor<8x8xbf16>) -> tensor<4x8xbf16>
// CHECK: %[[B:.*]] = gc.broadcast %[[BL]] dims = [1] : tensor<8xbf16> -> tensor<4x8xbf16>
// CHECK: %[[Y:.*]] = gc.add %[[P]], %[[B]] : tensor<4x8xbf16>
// CHECK: %[[G:.*]] = gc.gelu %[[Y]] : tensor<4x8xbf16>
// CHECK: %[[GW:.*]] = gc.cast %[[G]] : tensor<4x8xbf16> -> tensor<4x8xf32>
// CHECK: %[[R:.*]] = gc.add %arg0, %[[GW]] : tensor<4x8xf32>
// CHECK: gc.layer_norm %[[R]], {{.*}} -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: gc.matmul %{{.*}}, %[[WL]] transpose_rhs : (tensor<4x8xbf16>, tensor<8x8xbf16>) -> tensor<4x8xbf16>
// CHECK: gc.cast %{{.*}} : tensor<4x8xbf16> -> tensor<4x8xf32>
// CHECK: gc.reduce_sum %{{.*}} : tensor<4x8xf32> -> tensor<f32>
// CHECK-NOT: gc.cast
// CHECK: return
// F16-LABEL: func.func @linear_block
// F16: gc.matmul {{.*}} -> tensor<4x8xf16>
// F16: gc.add {{.*}} : tensor<4x8xf16>
// FP32-LABEL: func.func @linear_block
// FP32-NOT: gc.cast
// FP32-NOT: bf16
func.func @linear_block(%x: tensor<4x8xf32>, %w: tensor<8x8xf32> {gc.param},
                        %b: tensor<8xf32> {gc.param},
                        %g: tensor<8xf32> {gc.param}) -> tensor<f32> {
  %p = gc.matmul %x, %w transpose_rhs : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %bb = gc.broadcast %b dims = [1] : tensor<8xf32> -> tensor<4x8xf32>
  %y = gc.add %p, %bb : tensor<4x8xf32>
  %a = gc.gelu %y : tensor<4x8xf32>
  %r = gc.add %x, %a : tensor<4x8xf32>
  %n, %mean, %rstd = gc.layer_norm %r, %g, %g epsilon = 1.0e-5
      : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>)
  %q = gc.matmul %n, %w transpose_rhs : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %s = gc.reduce_sum %q dims = [0, 1] : tensor<4x8xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// The attention is bf16 (its mask too); its log-sum-exp stays f32; a bf16
// function result is cast back to the declared f32.
// CHECK-LABEL: func.func @attention
// CHECK: gc.attention {{.*}} -> (tensor<1x2x4x8xbf16>, tensor<1x2x4xf32>)
// CHECK: %[[D:.*]] = gc.dropout %{{.*}} : tensor<1x2x4x8xbf16>
// CHECK: %[[C:.*]] = gc.cast %[[D]] : tensor<1x2x4x8xbf16> -> tensor<1x2x4x8xf32>
// CHECK: return %[[C]]
func.func @attention(%q: tensor<1x2x4x8xf32>, %mask: tensor<1x1x1x4xf32>,
                     %seed: tensor<i64>) -> tensor<1x2x4x8xf32> {
  %o, %lse = gc.attention %q, %q, %q mask %mask seed %seed scale = 0.25 probability = 0.1 stream = 0
      : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x1x4xf32>, tensor<i64>)
      -> (tensor<1x2x4x8xf32>, tensor<1x2x4xf32>)
  %d = gc.dropout %o, %seed probability = 0.1 stream = 1 : tensor<1x2x4x8xf32>
  return %d : tensor<1x2x4x8xf32>
}

// -----

// An add of a bias to something other than a matmul promotes as usual.
// CHECK-LABEL: func.func @not_a_linear
// CHECK: gc.add %arg0, %{{.*}} : tensor<4x8xf32>
// CHECK-NOT: bf16
func.func @not_a_linear(%x: tensor<4x8xf32>, %b: tensor<8xf32> {gc.param}) -> tensor<4x8xf32> {
  %bb = gc.broadcast %b dims = [1] : tensor<8xf32> -> tensor<4x8xf32>
  %y = gc.add %x, %bb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @differentiated(%x: tensor<4xf32>, %g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{gc-autocast expects a forward function, but found a differentiated or optimizer op}}
  %0 = gc.gelu_grad %g, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @double(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{gc-autocast expects an f32 function, but found 'tensor<4xf64>'}}
  %0 = gc.exp %x : tensor<4xf64>
  return %0 : tensor<4xf64>
}
