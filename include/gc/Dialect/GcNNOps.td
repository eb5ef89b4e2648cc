//===- GcNNOps.td - Neural-network gc operations ------------*- tablegen -*-===//
//
// Matmul, reductions, normalization, softmax, dropout, embeddings and the
// cross-entropy loss, each with the backward twin autodiff emits.
//
//===----------------------------------------------------------------------===//

#ifndef GC_DIALECT_GCNNOPS_TD
#define GC_DIALECT_GCNNOPS_TD

include "gc/Dialect/GcBase.td"

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

def Gc_MatmulOp : Gc_Op<"matmul", [Pure, Gc_Differentiable]> {
  let summary = "batched matrix multiplication with transpose flags";
  let description = [{
    Multiplies the trailing two dimensions: with `lhs` of shape
    `[b..., M, K]` (`[b..., K, M]` with `transpose_lhs`) and `rhs` of shape
    `[b..., K, N]` (`[b..., N, K]` with `transpose_rhs`), the result is
    `[b..., M, N]`. Both operands have rank >= 2 and the same element type.
    `rhs` either has the same leading batch dimensions as `lhs` or is a rank-2
    matrix shared by every batch (a linear layer's weight).

    Example: a linear layer `x W^T` (PyTorch's `nn.Linear` weight layout) and
    the attention scores `Q K^T`.

    ```mlir
    %y = gc.matmul %x, %w transpose_rhs
        : (tensor<64x512x1024xf32>, tensor<4096x1024xf32>) -> tensor<64x512x4096xf32>
    %s = gc.matmul %q, %k transpose_rhs
        : (tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>)
        -> tensor<64x16x512x512xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$lhs, Gc_FloatTensor:$rhs,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_lhs` $transpose_lhs^)?
    (`transpose_rhs` $transpose_rhs^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs,
                   CArg<"bool", "false">:$transposeLhs,
                   CArg<"bool", "false">:$transposeRhs)>
  ];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Gc_ReduceOp<string mnemonic, string what, list<Trait> traits = []>
    : Gc_Op<mnemonic, !listconcat(traits, [Pure])> {
  let summary = "the " # what # " over the given dimensions";
  let description = [{
    Reduces `input` over `dims` (non-empty, strictly increasing, each in
    `[0, rank)`) with the }] # what # [{. The reduced dimensions are dropped
    from the result, or kept with size 1 when `keep_dims` is set.

    Example:

    ```mlir
    %r = gc.}] # mnemonic # [{ %x dims = [0, 1]
        : tensor<64x512x1024xf32> -> tensor<1024xf32>
    %k = gc.}] # mnemonic # [{ %x dims = [2] keep_dims
        : tensor<64x512x1024xf32> -> tensor<64x512x1xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$input, DenseI64ArrayAttr:$dims,
                       UnitAttr:$keep_dims);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `dims` `=` $dims (`keep_dims` $keep_dims^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::llvm::ArrayRef<int64_t>":$dims,
                   CArg<"bool", "false">:$keepDims)>
  ];
  let hasVerifier = 1;
}

def Gc_ReduceSumOp : Gc_ReduceOp<"reduce_sum", "sum", [Gc_Differentiable]>;
def Gc_ReduceMeanOp
    : Gc_ReduceOp<"reduce_mean", "arithmetic mean", [Gc_Differentiable]>;
def Gc_ReduceMaxOp : Gc_ReduceOp<"reduce_max", "maximum">;

//===----------------------------------------------------------------------===//
// Layer normalization
//===----------------------------------------------------------------------===//

def Gc_LayerNormOp : Gc_Op<"layer_norm", [Pure, Gc_Differentiable]> {
  let summary = "layer normalization over the last dimension";
  let description = [{
    Normalizes every row of the last dimension `H` of `input`:
    `y = (x - mean) * rstd * gamma + beta` with
    `rstd = 1 / sqrt(var + epsilon)` (biased variance, as
    `torch.nn.LayerNorm`). `gamma` and `beta` have shape `[H]` and the element
    type of `input`. Besides `y` the op returns `mean` and `rstd`, of shape
    `input.shape[:-1]`, which `gc.layer_norm_grad` consumes; their element
    type is the accumulation type (f32 for f16/bf16/f32 inputs, f64 for f64).
    `epsilon` must be finite and positive.

    Example:

    ```mlir
    %y, %mean, %rstd = gc.layer_norm %x, %gamma, %beta epsilon = 9.999999e-13
        : (tensor<64x512x1024xf32>, tensor<1024xf32>, tensor<1024xf32>)
        -> (tensor<64x512x1024xf32>, tensor<64x512xf32>, tensor<64x512xf32>)
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$input, Gc_FloatTensor:$gamma,
                       Gc_FloatTensor:$beta, F64Attr:$epsilon);
  let results = (outs Gc_FloatTensor:$result, Gc_FloatTensor:$mean,
                      Gc_FloatTensor:$rstd);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `epsilon` `=` $epsilon attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$gamma,
                   "::mlir::Value":$beta, "double":$epsilon)>
  ];
  let hasVerifier = 1;
}

def Gc_LayerNormGradOp : Gc_Op<"layer_norm_grad", [Pure]> {
  let summary = "gradient of gc.layer_norm";
  let description = [{
    Given the upstream gradient `grad` of `y`, the forward `input`, the
    `mean` and `rstd` the forward op returned and `gamma`, returns the
    gradients of `input`, `gamma` and `beta`.

    Example:

    ```mlir
    %dx, %dgamma, %dbeta = gc.layer_norm_grad %dy, %x, %mean, %rstd, %gamma
        : (tensor<64x512x1024xf32>, tensor<64x512x1024xf32>, tensor<64x512xf32>,
           tensor<64x512xf32>, tensor<1024xf32>)
        -> (tensor<64x512x1024xf32>, tensor<1024xf32>, tensor<1024xf32>)
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$grad, Gc_FloatTensor:$input,
                       Gc_FloatTensor:$mean, Gc_FloatTensor:$rstd,
                       Gc_FloatTensor:$gamma);
  let results = (outs Gc_FloatTensor:$input_grad, Gc_FloatTensor:$gamma_grad,
                      Gc_FloatTensor:$beta_grad);
  let assemblyFormat = [{
    $grad `,` $input `,` $mean `,` $rstd `,` $gamma attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$grad, "::mlir::Value":$input,
                   "::mlir::Value":$mean, "::mlir::Value":$rstd,
                   "::mlir::Value":$gamma)>
  ];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

def Gc_SoftmaxOp : Gc_SameTypeOp<"softmax", [Gc_Differentiable]> {
  let summary = "softmax along one dimension";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along dimension `dim` (in
    `[0, rank)`), computed stably by subtracting the maximum. The result has
    the type of `input`.

    Example:

    ```mlir
    %p = gc.softmax %scores dim = 3 : tensor<64x16x512x512xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$input, I64Attr:$dim);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `dim` `=` $dim attr-dict `:`
    custom<SameTypes>(type($result), type($input))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "int64_t":$dim), [{
      build($_builder, $_state, input.getType(), input, dim);
    }]>
  ];
}

def Gc_SoftmaxGradOp : Gc_SameTypeOp<"softmax_grad"> {
  let summary = "gradient of gc.softmax";
  let description = [{
    Given the upstream gradient `grad` and the forward result `output`,
    returns `output * (grad - sum(grad * output, dim))`. All tensors have the
    same type.

    Example:

    ```mlir
    %ds = gc.softmax_grad %dp, %p dim = 3 : tensor<64x16x512x512xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$grad, Gc_FloatTensor:$output,
                       I64Attr:$dim);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $output `dim` `=` $dim attr-dict `:`
    custom<SameTypes>(type($result), type($grad), type($output))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$grad, "::mlir::Value":$output,
                   "int64_t":$dim), [{
      build($_builder, $_state, grad.getType(), grad, output, dim);
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// Fused attention
//===----------------------------------------------------------------------===//

def Gc_AttentionOp : Gc_Op<"attention",
    [Pure, Gc_Differentiable, AttrSizedOperandSegments]> {
  let summary = "scaled dot-product attention with mask and dropout, fused";
  let description = [{
    With `query` `[B, H, S, D]`, `key` `[B, H, T, D]` and `value`
    `[B, H, T, Dv]`, computes for every batch, head and query row `i`

        s[i, j] = scale * (query[i] . key[j]) + mask[i, j]
        p[i, :] = softmax(s[i, :])
        out[i]  = sum_j dropout(p)[i, j] * value[j]
        lse[i]  = log(sum_j exp(s[i, j]))

    `mask` (optional) is an additive float mask of rank 4 whose every
    dimension is 1 or that of `[B, H, S, T]` (a padding mask is
    `[B, 1, 1, T]`, a causal one `[1, 1, S, T]`). With `probability` > 0 the
    probabilities go through the inverted dropout of `gc.dropout` with
    `seed` and `stream`, element `((b * H + h) * S + i) * T + j` of the
    `[B, H, S, T]` probabilities drawing the same Philox word as
    `gc.dropout` on that tensor would: fused and unfused attention drop the
    same elements. The `[B, H, S, T]` scores and probabilities are never
    stored: the forward returns `out` and the per-row log-sum-exp `lse`
    (`[B, H, S]`, the accumulation type), from which `gc.attention_grad`
    recomputes the probabilities block by block (FlashAttention-2, Dao
    2023). Head dimensions are at most 256.

    Example (BERT-large's attention with its padding mask):

    ```mlir
    %out, %lse = gc.attention %q, %k, %v mask %m seed %seed scale = 0.125
        probability = 1.000000e-01 stream = 1
        : (tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>,
           tensor<64x16x512x64xf32>, tensor<64x1x1x512xf32>, tensor<i64>)
        -> (tensor<64x16x512x64xf32>, tensor<64x16x512xf32>)
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$query, Gc_FloatTensor:$key,
                       Gc_FloatTensor:$value, Optional<Gc_FloatTensor>:$mask,
                       Optional<Gc_ScalarI64Tensor>:$seed, F64Attr:$scale,
                       F64Attr:$probability, I64Attr:$stream);
  let results = (outs Gc_FloatTensor:$result, Gc_FloatTensor:$lse);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)? (`seed` $seed^)?
    `scale` `=` $scale `probability` `=` $probability `stream` `=` $stream
    attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$query, "::mlir::Value":$key,
                   "::mlir::Value":$value, "::mlir::Value":$mask,
                   "::mlir::Value":$seed, "double":$scale,
                   "double":$probability, "int64_t":$stream)>
  ];
  let hasVerifier = 1;
}

def Gc_AttentionGradOp : Gc_Op<"attention_grad",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "gradient of gc.attention";
  let description = [{
    Given the upstream gradient `grad` of `gc.attention`'s `out`, its
    operands and attributes, and the `out` and `lse` it returned, returns
    the gradients of `query`, `key` and `value`. The probabilities are
    recomputed from `lse` (and the dropout mask regenerated), never loaded;
    with `D[i] = grad[i] . out[i]`, `dP = grad value^T` (dropped and scaled
    like the forward), `dS = P * (dP - D)`, `dquery = scale dS key`,
    `dkey = scale dS^T query` and `dvalue = dropout(P)^T grad`
    (FlashAttention-2's backward pass).

    Example:

    ```mlir
    %dq, %dk, %dv = gc.attention_grad %dout, %q, %k, %v, %out, %lse mask %m
        seed %seed scale = 0.125 probability = 1.000000e-01 stream = 1
        : (tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>,
           tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>,
           tensor<64x16x512x64xf32>, tensor<64x16x512xf32>,
           tensor<64x1x1x512xf32>, tensor<i64>)
        -> (tensor<64x16x512x64xf32>, tensor<64x16x512x64xf32>,
            tensor<64x16x512x64xf32>)
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$grad, Gc_FloatTensor:$query,
                       Gc_FloatTensor:$key, Gc_FloatTensor:$value,
                       Gc_FloatTensor:$output, Gc_FloatTensor:$lse,
                       Optional<Gc_FloatTensor>:$mask,
                       Optional<Gc_ScalarI64Tensor>:$seed, F64Attr:$scale,
                       F64Attr:$probability, I64Attr:$stream);
  let results = (outs Gc_FloatTensor:$query_grad, Gc_FloatTensor:$key_grad,
                      Gc_FloatTensor:$value_grad);
  let assemblyFormat = [{
    $grad `,` $query `,` $key `,` $value `,` $output `,` $lse
    (`mask` $mask^)? (`seed` $seed^)?
    `scale` `=` $scale `probability` `=` $probability `stream` `=` $stream
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

def Gc_DropoutOp : Gc_SameTypeOp<"dropout", [Gc_Differentiable]> {
  let summary = "inverted dropout driven by a counter-based random stream";
  let description = [{
    Zeroes each element with probability `probability` and scales the kept
    ones by `1 / (1 - probability)`. Element `i` is kept when the Philox4x32-10
    draw for counter `i` under the key `(seed, stream)` is at least
    `probability`, so the mask is a pure function of the step seed (a rank-0
    `i64` tensor), the stream id and the element index: recomputing the op or
    running `gc.dropout_grad` with the same seed and stream regenerates the
    identical mask, and no mask is ever stored. `probability` is in `[0, 1)`;
    at 0 the op folds away. Each dropout site of a model uses its own `stream`.

    Example:

    ```mlir
    %y = gc.dropout %x, %seed probability = 1.000000e-01 stream = 3
        : tensor<64x512x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$input, Gc_ScalarI64Tensor:$seed,
                       F64Attr:$probability, I64Attr:$stream);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $seed `probability` `=` $probability `stream` `=` $stream
    attr-dict `:` custom<SameTypes>(type($result), type($input))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$seed,
                   "double":$probability, "int64_t":$stream), [{
      build($_builder, $_state, input.getType(), input, seed,
            $_builder.getF64FloatAttr(probability),
            $_builder.getI64IntegerAttr(stream));
    }]>
  ];
  let hasFolder = 1;
}

def Gc_DropoutGradOp : Gc_SameTypeOp<"dropout_grad"> {
  let summary = "gradient of gc.dropout, regenerating its mask";
  let description = [{
    Applies to `grad` the mask and scale of the `gc.dropout` with the same
    `seed`, `stream` and `probability`; the mask is regenerated from the
    random stream, never loaded. At probability 0 it folds to `grad`.

    Example:

    ```mlir
    %dx = gc.dropout_grad %dy, %seed probability = 1.000000e-01 stream = 3
        : tensor<64x512x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$grad, Gc_ScalarI64Tensor:$seed,
                       F64Attr:$probability, I64Attr:$stream);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $seed `probability` `=` $probability `stream` `=` $stream
    attr-dict `:` custom<SameTypes>(type($result), type($grad))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$grad, "::mlir::Value":$seed,
                   "double":$probability, "int64_t":$stream), [{
      build($_builder, $_state, grad.getType(), grad, seed,
            $_builder.getF64FloatAttr(probability),
            $_builder.getI64IntegerAttr(stream));
    }]>
  ];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Embeddings
//===----------------------------------------------------------------------===//

def Gc_EmbeddingOp : Gc_Op<"embedding", [Pure, Gc_Differentiable]> {
  let summary = "gather rows of an embedding table";
  let description = [{
    With `table` of shape `[V, D]` and integer `ids` of shape `S`, returns
    the rows `table[ids]`, of shape `S x [D]`. An id outside `[0, V)` is a
    run-time error reported by the executor. The optional `padding_idx` (in
    `[0, V)`) does not change the lookup; as in PyTorch's
    `nn.Embedding(padding_idx=...)`, positions holding that id send no
    gradient to the table, so its row is never trained.

    Example:

    ```mlir
    %e = gc.embedding %table, %ids padding_idx = 0
        : (tensor<30522x1024xf32>, tensor<64x512xi32>) -> tensor<64x512x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$table, Gc_IntegerTensor:$ids,
                       OptionalAttr<I64Attr>:$padding_idx);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $table `,` $ids (`padding_idx` `=` $padding_idx^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$table, "::mlir::Value":$ids,
                   CArg<"std::optional<int64_t>", "std::nullopt">:$paddingIdx)>
  ];
  let hasVerifier = 1;
}

def Gc_EmbeddingGradOp : Gc_Op<"embedding_grad", [Pure]> {
  let summary = "gradient of gc.embedding: scatter-add into a zero table";
  let description = [{
    Returns a `[V, D]` table, zero except that row `ids[i]` accumulates
    `grad[i]` for every position `i` (repeated ids add up), skipping the
    positions whose id is `padding_idx` when it is set. `grad` has shape
    `ids.shape x [D]`; `V` comes from the result type.

    Example:

    ```mlir
    %dtable = gc.embedding_grad %de, %ids padding_idx = 0
        : (tensor<64x512x1024xf32>, tensor<64x512xi32>) -> tensor<30522x1024xf32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$grad, Gc_IntegerTensor:$ids,
                       OptionalAttr<I64Attr>:$padding_idx);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $ids (`padding_idx` `=` $padding_idx^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$grad, "::mlir::Value":$ids,
                   "int64_t":$numEmbeddings,
                   CArg<"std::optional<int64_t>", "std::nullopt">:$paddingIdx)>
  ];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Cross-entropy loss
//===----------------------------------------------------------------------===//

def Gc_CrossEntropyOp : Gc_Op<"cross_entropy", [Pure, Gc_Differentiable]> {
  let summary = "mean softmax cross-entropy with an ignored label";
  let description = [{
    With `logits` of shape `[N, C]` and integer `labels` of shape `[N]`,
    returns the rank-0 mean over the rows whose label is not `ignore_index`
    of `logsumexp(logits[n]) - logits[n, labels[n]]`, as
    `torch.nn.functional.cross_entropy(..., ignore_index=-100)`. The result
    has the element type of `logits`. When every label is ignored the loss is
    0. A label outside `[0, C)` that is not `ignore_index` is a run-time
    error reported by the executor.

    Example:

    ```mlir
    %loss = gc.cross_entropy %logits, %labels ignore_index = -100
        : (tensor<32768x30522xf32>, tensor<32768xi64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Gc_FloatTensor:$logits, Gc_IntegerTensor:$labels,
                       DefaultValuedAttr<I64Attr, "-100">:$ignore_index);
  let results = (outs Gc_ScalarFloatTensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels `ignore_index` `=` $ignore_index attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$logits, "::mlir::Value":$labels,
                   CArg<"int64_t", "-100">:$ignoreIndex)>
  ];
  let hasVerifier = 1;
}

def Gc_CrossEntropyGradOp : Gc_Op<"cross_entropy_grad", [Pure]> {
  let summary = "gradient of gc.cross_entropy with respect to the logits";
  let description = [{
    Given the upstream rank-0 gradient `grad` of the loss, returns
    `grad * (softmax(logits[n]) - onehot(labels[n])) / count` for every row
    whose label is not `ignore_index` (and zero rows for the ignored ones),
    `count` being the number of rows that are not ignored.

    Example:

    ```mlir
    %dlogits = gc.cross_entropy_grad %dloss, %logits, %labels ignore_index = -100
        : (tensor<f32>, tensor<32768x30522xf32>, tensor<32768xi64>)
        -> tensor<32768x30522xf32>
    ```
  }];
  let arguments = (ins Gc_ScalarFloatTensor:$grad, Gc_FloatTensor:$logits,
                       Gc_IntegerTensor:$labels,
                       DefaultValuedAttr<I64Attr, "-100">:$ignore_index);
  let results = (outs Gc_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $logits `,` $labels `ignore_index` `=` $ignore_index attr-dict
    `:` functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$grad, "::mlir::Value":$logits,
                   "::mlir::Value":$labels,
                   CArg<"int64_t", "-100">:$ignoreIndex), [{
      build($_builder, $_state, logits.getType(), grad, logits, labels,
            ignoreIndex);
    }]>
  ];
  let hasVerifier = 1;
}

#endif // GC_DIALECT_GCNNOPS_TD
