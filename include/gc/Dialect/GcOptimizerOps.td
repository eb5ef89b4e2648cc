//===- GcOptimizerOps.td - Optimizer update gc operations ---*- tablegen -*-===//
//
// Parameter updates appended to a training step after its backward pass.
// They are never recomputed by rematerialization.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCOPTIMIZEROPS_TD
#define GC_DIALECT_GCOPTIMIZEROPS_TD

include "gc/Dialect/GcBase.td"

def Gc_SgdUpdateOp : Gc_SameTypeOp<"sgd_update", [Gc_Elementwise]> {
  let summary = "one step of stochastic gradient descent";
  let description = [{
    Returns `param - lr * (grad + weight_decay * param)`, as
    `torch.optim.SGD` without momentum. `lr` is finite and positive;
    `weight_decay` is finite and non-negative (default 0).

    With the optional `skip` operand (a rank-0 `f32`, the flag of
    `gc.any_nonfinite` in a step with dynamic loss scaling), a nonzero flag
    skips the update: the result is `param`, as when
    `torch.cuda.amp.GradScaler` does not call `optimizer.step()`.

    Example:

    ```mlir
    %new = gc.sgd_update %w, %dw lr = 1.000000e-02 : tensor<1024x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$param, Gc_FloatTensor:$grad,
                       F64Attr:$lr,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       Optional<Gc_ScalarF32Tensor>:$skip);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $param `,` $grad (`skip` $skip^)? `lr` `=` $lr
    (`weight_decay` `=` $weight_decay^)? attr-dict `:`
    custom<SameTypes>(type($result), type($param), type($grad))
  }];
}

def Gc_AdamWUpdateOp : Gc_Op<"adamw_update", [Pure]> {
  let summary = "one step of AdamW (decoupled weight decay)";
  let description = [{
    With `t` the value of the rank-0 `i64` tensor `step` (1 for the first
    update), computes, as `torch.optim.AdamW`:

    ```
    param' = param - lr * weight_decay * param
    m'     = beta1 * m + (1 - beta1) * grad
    v'     = beta2 * v + (1 - beta2) * grad^2
    param''= param' - lr * (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + epsilon)
    ```

    and returns `(param'', m', v')`. `param`, `grad`, `m` and `v` have the
    same type. `lr` and `epsilon` are finite and positive, `beta1` and
    `beta2` lie in `[0, 1)`, `weight_decay` is finite and non-negative.

    With the optional `skip` operand (a rank-0 `f32`, the flag of
    `gc.any_nonfinite` in a step with dynamic loss scaling), a nonzero flag
    skips the update: the results are `param`, `m` and `v` unchanged, as when
    `torch.cuda.amp.GradScaler` does not call `optimizer.step()`.

    Example:

    ```mlir
    %w2, %m2, %v2 = gc.adamw_update %w, %dw, %m, %v, %step lr = 1.000000e-04
        beta1 = 9.000000e-01 beta2 = 9.990000e-01 epsilon = 1.000000e-08
        weight_decay = 0.01 : tensor<1024x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$param, Gc_FloatTensor:$grad,
                       Gc_FloatTensor:$m, Gc_FloatTensor:$v,
                       Gc_ScalarI64Tensor:$step, F64Attr:$lr,
                       DefaultValuedAttr<F64Attr, "0.9">:$beta1,
                       DefaultValuedAttr<F64Attr, "0.999">:$beta2,
                       DefaultValuedAttr<F64Attr, "1e-8">:$epsilon,
                       DefaultValuedAttr<F64Attr, "0.01">:$weight_decay,
                       Optional<Gc_ScalarF32Tensor>:$skip);
  let results = (outs Gc_FloatTensor:$new_param, Gc_FloatTensor:$new_m,
                      Gc_FloatTensor:$new_v);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v `,` $step (`skip` $skip^)? `lr` `=` $lr
    (`beta1` `=` $beta1^)? (`beta2` `=` $beta2^)?
    (`epsilon` `=` $epsilon^)? (`weight_decay` `=` $weight_decay^)?
    attr-dict `:` custom<SameTypes>(type($new_param), type($new_m),
                                    type($new_v), type($param), type($grad),
                                    type($m), type($v))
  }];
  let hasVerifier = 1;
}

def Gc_AnyNonFiniteOp : Gc_Op<"any_nonfinite", [Pure]> {
  let summary = "whether a tensor holds an infinity or a NaN";
  let description = [{
    Returns a rank-0 tensor of the operand's element type: 1 when some
    element of `input` is +inf, -inf or NaN, else 0. A step with dynamic
    loss scaling adds these flags over its gradients and skips its
    optimizer update when the sum is nonzero, as
    `torch.cuda.amp.GradScaler` does.

    Example:

    ```mlir
    %found = gc.any_nonfinite %dw : tensor<1024x1024xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$input);
  let results = (outs Gc_ScalarFloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Gc_UpdateLossScaleOp : Gc_Op<"update_loss_scale", [Pure]> {
  let summary = "the dynamic loss scaler's update after one step";
  let description = [{
    `torch.cuda.amp.GradScaler.update()` for a step whose gradients did
    (`found` nonzero) or did not overflow, on the scaler's state: the loss
    `scale` (rank-0 `f32`), its `growth_tracker` (rank-0 `i64`, good steps
    in a row) and the optimizer's `step` counter (rank-0 `i64`, the `t` of
    AdamW's bias correction, which a skipped update does not advance):

    ```
    found:  scale' = scale * backoff_factor, tracker' = 0, step' = step
    else:   step' = step + 1, tracker' = tracker + 1, and when tracker'
            reaches growth_interval: scale' = scale * growth_factor (unless
            that overflows), tracker' = 0
    ```

    `growth_factor` is above 1, `backoff_factor` in (0, 1),
    `growth_interval` at least 1 (GradScaler's defaults: 2, 0.5, 2000).

    Example:

    ```mlir
    %s2, %g2, %t2 = gc.update_loss_scale %s, %g, %t, %found
        growth_interval = 2000
    ```
  }];
  let arguments = (ins Gc_ScalarF32Tensor:$scale,
                       Gc_ScalarI64Tensor:$growth_tracker,
                       Gc_ScalarI64Tensor:$step, Gc_ScalarF32Tensor:$found,
                       DefaultValuedAttr<F64Attr, "2.0">:$growth_factor,
                       DefaultValuedAttr<F64Attr, "0.5">:$backoff_factor,
                       DefaultValuedAttr<I64Attr, "2000">:$growth_interval);
  let results = (outs Gc_ScalarF32Tensor:$new_scale,
                      Gc_ScalarI64Tensor:$new_growth_tracker,
                      Gc_ScalarI64Tensor:$new_step);
  let assemblyFormat = [{
    $scale `,` $growth_tracker `,` $step `,` $found
    (`growth_factor` `=` $growth_factor^)?
    (`backoff_factor` `=` $backoff_factor^)?
    (`growth_interval` `=` $growth_interval^)? attr-dict
  }];
  let hasVerifier = 1;
}

#endif // GC_DIALECT_GCOPTIMIZEROPS_TD
