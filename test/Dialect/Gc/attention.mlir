// gc.attention and gc.attention_grad: the printed form round-trips, the
// result types follow the operands (lse in the accumulation type), and
// gc-autodiff differentiates through the fused op with gc.attention_grad.
// RUN: gc-opt %s | gc-opt | FileCheck %s
// RUN: gc-opt %s --gc-autodiff | FileCheck %s --check-prefix=GRAD

// CHECK-LABEL: func.func @padding_mask_dropout
// CHECK: %{{.*}}, %{{.*}} = gc.attention %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} seed %{{.*}} scale = 1.250000e-01 probability = 1.000000e-01 stream = 1 : (tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x1x1x16xf32>, tensor<i64>) -> (tensor<2x4x16x8xf32>, tensor<2x4x16xf32>)
func.func @padding_mask_dropout(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x16x8xf32>,
                                %v: tensor<2x4x16x8xf32>, %m: tensor<2x1x1x16xf32>,
                                %seed: tensor<i64>) -> tensor<2x4x16x8xf32> {
  %o, %lse = gc.attention %q, %k, %v mask %m seed %seed scale = 0.125 probability = 0.1 stream = 1
      : (tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x1x1x16xf32>, tensor<i64>)
      -> (tensor<2x4x16x8xf32>, tensor<2x4x16xf32>)
  return %o : tensor<2x4x16x8xf32>
}

// Cross attention without a mask or dropout: 5 queries over 7 keys, values
// of another width; f16 keeps its lse in f32.
// CHECK-LABEL: func.func @cross_f16
// CHECK: gc.attention %{{.*}}, %{{.*}}, %{{.*}} scale = 5.000000e-01 probability = 0.000000e+00 stream = 0 : (tensor<1x2x5x4xf16>, tensor<1x2x7x4xf16>, tensor<1x2x7x6xf16>) -> (tensor<1x2x5x6xf16>, tensor<1x2x5xf32>)
func.func @cross_f16(%q: tensor<1x2x5x4xf16>, %k: tensor<1x2x7x4xf16>,
                     %v: tensor<1x2x7x6xf16>) -> tensor<1x2x5x6xf16> {
  %o, %lse = gc.attention %q, %k, %v scale = 0.5 probability = 0.0 stream = 0
      : (tensor<1x2x5x4xf16>, tensor<1x2x7x4xf16>, tensor<1x2x7x6xf16>)
      -> (tensor<1x2x5x6xf16>, tensor<1x2x5xf32>)
  return %o : tensor<1x2x5x6xf16>
}

// GRAD-LABEL: func.func @loss
// GRAD: %[[O:.*]], %[[LSE:.*]] = gc.attention %arg0, %arg1, %arg2 mask %arg3 scale
// GRAD: gc.attention_grad %{{.*}}, %arg0, %arg1, %arg2, %[[O]], %[[LSE]] mask %arg3 scale = 3.500000e-01 probability = 0.000000e+00 stream = 0
func.func @loss(%q: tensor<1x2x3x4xf32> {gc.param}, %k: tensor<1x2x5x4xf32> {gc.param},
                %v: tensor<1x2x5x4xf32> {gc.param}, %m: tensor<1x1x3x5xf32>) -> tensor<f32> {
  %o, %lse = gc.attention %q, %k, %v mask %m scale = 0.35 probability = 0.0 stream = 0
      : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x1x3x5xf32>)
      -> (tensor<1x2x3x4xf32>, tensor<1x2x3xf32>)
  %s = gc.reduce_sum %o dims = [0, 1, 2, 3] : tensor<1x2x3x4xf32> -> tensor<f32>
  return %s : tensor<f32>
}
