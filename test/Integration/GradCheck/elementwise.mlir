// Gradient check of the elementwise ops: gc-autodiff's gradients against central finite
// differences in f64 on seeded random inputs.
// RUN: gc-run --check-gradients %s | FileCheck %s
// The check fails, with a non-zero exit, when the error exceeds the
// tolerance (finite differences are never exact).
// RUN: not gc-run --check-gradients --tolerance 1e-30 --function=exp %s | FileCheck %s --check-prefix=STRICT
// STRICT: @exp x (15 elements): relative error {{.*}}  EXCEEDS TOLERANCE
// STRICT: gradient check: 1 parameters, max relative error {{.*}} > 1.0e-30: FAILED
// CHECK: gradient check: 20 parameters, max relative error {{.*}} <= 1.0e-06: passed

func.func @add(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %y: tensor<3x5xf64> {gc.name = "y", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %ys = gc.scale %y by 50.0 : tensor<3x5xf64>
  %r = gc.add %xs, %ys : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @sub(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %y: tensor<3x5xf64> {gc.name = "y", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %ys = gc.scale %y by 50.0 : tensor<3x5xf64>
  %r = gc.sub %xs, %ys : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @mul(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %y: tensor<3x5xf64> {gc.name = "y", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %ys = gc.scale %y by 50.0 : tensor<3x5xf64>
  %r = gc.mul %xs, %ys : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @div(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %y: tensor<3x5xf64> {gc.name = "y", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %ys = gc.scale %y by 50.0 : tensor<3x5xf64>
  %ye = gc.exp %ys : tensor<3x5xf64>
  %r = gc.div %xs, %ye : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @neg(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %r = gc.neg %xs : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @exp(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %r = gc.exp %xs : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @tanh(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %r = gc.tanh %xs : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @erf(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %r = gc.erf %xs : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @relu(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %r = gc.relu %xs : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @log(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %p = gc.exp %xs : tensor<3x5xf64>
  %r = gc.log %p : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @sqrt(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %p = gc.exp %xs : tensor<3x5xf64>
  %r = gc.sqrt %p : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @rsqrt(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %p = gc.exp %xs : tensor<3x5xf64>
  %r = gc.rsqrt %p : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @gelu_exact(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %r = gc.gelu %xs : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @gelu_tanh(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %r = gc.gelu %xs approximate(tanh) : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @scale(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %r = gc.scale %x by -3.5 : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @fan_out(%x: tensor<3x5xf64> {gc.name = "x", gc.param}, %w: tensor<3x5xf64> {gc.name = "w"})
    -> (tensor<f64> {gc.name = "loss"}) {
  %xs = gc.scale %x by 50.0 : tensor<3x5xf64>
  %a = gc.mul %xs, %xs : tensor<3x5xf64>
  %b = gc.tanh %xs : tensor<3x5xf64>
  %r = gc.mul %a, %b : tensor<3x5xf64>
  %lw = gc.mul %r, %w : tensor<3x5xf64>
  %l = gc.reduce_sum %lw dims = [0, 1] : tensor<3x5xf64> -> tensor<f64>
  return %l : tensor<f64>
}
