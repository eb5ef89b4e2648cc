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

    Example:

    ```mlir
    %new = gc.sgd_update %w, %dw lr = 1.000000e-02 : tensor<1024x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$param, Gc_FloatTensor:$grad,
                       F64Attr:$lr,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $param `,` $grad `lr` `=` $lr
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
                       DefaultValuedAttr<F64Attr, "0.01">:$weight_decay);
  let results = (outs Gc_FloatTensor:$new_param, Gc_FloatTensor:$new_m,
                      Gc_FloatTensor:$new_v);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v `,` $step `lr` `=` $lr
    (`beta1` `=` $beta1^)? (`beta2` `=` $beta2^)?
    (`epsilon` `=` $epsilon^)? (`weight_decay` `=` $weight_decay^)?
    attr-dict `:` custom<SameTypes>(type($new_param), type($new_m),
                                    type($new_v), type($param), type($grad),
                                    type($m), type($v))
  }];
  let hasVerifier = 1;
}

#endif // GC_DIALECT_GCOPTIMIZEROPS_TD
