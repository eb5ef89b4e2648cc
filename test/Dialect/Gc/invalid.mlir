// Every verifier rule of the gc dialect, each with the exact diagnostic it
// must produce.
// RUN: gc-opt %s --split-input-file --verify-diagnostics

func.func @add_rhs_type(%a: tensor<4xf32>, %b: tensor<5xf32>) {
// expected-error @+1 {{'gc.add' op expected rhs to have the type of lhs ('tensor<4xf32>'), but found 'tensor<5xf32>'; gc ops never broadcast implicitly}}
  %0 = "gc.add"(%a, %b) : (tensor<4xf32>, tensor<5xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @add_result_type(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.add' op expected result #0 to have the type of lhs ('tensor<4xf32>'), but found 'tensor<4xf64>'}}
  %0 = "gc.add"(%a, %a) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf64>
  return
}

// -----

func.func @add_integer(%a: tensor<4xi32>) {
// expected-error @+1 {{'gc.add' op operand #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values of rank at most 16, but got 'tensor<4xi32>'}}
  %0 = gc.add %a, %a : tensor<4xi32>
  return
}

// -----

func.func @add_dynamic(%a: tensor<?xf32>) {
// expected-error @+1 {{'gc.add' op operand #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values of rank at most 16, but got 'tensor<?xf32>'}}
  %0 = gc.add %a, %a : tensor<?xf32>
  return
}

// -----

func.func @exp_unranked(%a: tensor<*xf32>) {
// expected-error @+1 {{'gc.exp' op operand #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values of rank at most 16, but got 'tensor<*xf32>'}}
  %0 = gc.exp %a : tensor<*xf32>
  return
}

// -----

func.func @neg_result_type(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.neg' op expected result #0 to have the type of input ('tensor<4xf32>'), but found 'tensor<4xf16>'}}
  %0 = "gc.neg"(%a) : (tensor<4xf32>) -> tensor<4xf16>
  return
}

// -----

func.func @gelu_bad_approximation(%a: tensor<4xf32>) {
// expected-error @+1 {{custom op 'gc.gelu' expected string or keyword containing one of the following enum values for attribute 'approximate' [none, tanh]}}
  %0 = gc.gelu %a approximate(sigmoid) : tensor<4xf32>
  return
}

// -----

func.func @gelu_result_type(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.gelu' op expected result #0 to have the type of input ('tensor<4xf32>'), but found 'tensor<2x2xf32>'}}
  %0 = "gc.gelu"(%a) : (tensor<4xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @gelu_grad_types(%dy: tensor<4xf32>, %x: tensor<4xf16>) {
// expected-error @+1 {{'gc.gelu_grad' op expected input to have the type of grad ('tensor<4xf32>'), but found 'tensor<4xf16>'; gc ops never broadcast implicitly}}
  %0 = "gc.gelu_grad"(%dy, %x) : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @relu_grad_types(%dy: tensor<4xf32>, %x: tensor<8xf32>) {
// expected-error @+1 {{'gc.relu_grad' op expected input to have the type of grad ('tensor<4xf32>'), but found 'tensor<8xf32>'; gc ops never broadcast implicitly}}
  %0 = "gc.relu_grad"(%dy, %x) : (tensor<4xf32>, tensor<8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @scale_infinite(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.scale' op expected a finite factor, but found INF}}
  %0 = "gc.scale"(%a) {factor = 0x7FF0000000000000 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @scale_result_type(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.scale' op expected result #0 to have the type of input ('tensor<4xf32>'), but found 'tensor<4xbf16>'}}
  %0 = "gc.scale"(%a) {factor = 2.0 : f64} : (tensor<4xf32>) -> tensor<4xbf16>
  return
}

// -----

func.func @scale_missing_factor(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.scale' op requires attribute 'factor'}}
  %0 = "gc.scale"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @cast_shape(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.cast' op expected the result to have the input's shape [4] (a cast changes only the element type), but found [5]}}
  %0 = gc.cast %a : tensor<4xf32> -> tensor<5xf16>
  return
}

// -----

func.func @cast_unsupported_element(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.cast' op result #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float or 32-bit signless integer or 64-bit signless integer values of rank at most 16, but got 'tensor<4xi8>'}}
  %0 = gc.cast %a : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @constant_unsupported_element() {
// expected-error @+1 {{'gc.constant' op result #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float or 32-bit signless integer or 64-bit signless integer values of rank at most 16, but got 'tensor<4xi8>'}}
  %0 = gc.constant dense<1> : tensor<4xi8>
  return
}

// -----

func.func @constant_type_mismatch() {
// expected-error @+1 {{'gc.constant' op failed to verify that all of {value, result} have same type}}
  %0 = "gc.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf64>
  return
}

// -----

func.func @broadcast_element_type(%a: tensor<3xf32>) {
// expected-error @+1 {{'gc.broadcast' op expected the result to keep the input's element type ('f32'), but found 'f16'; use gc.cast to convert}}
  %0 = gc.broadcast %a dims = [1] : tensor<3xf32> -> tensor<2x3xf16>
  return
}

// -----

func.func @broadcast_dims_count(%a: tensor<3xf32>) {
// expected-error @+1 {{'gc.broadcast' op expected dims to have one entry per input dimension (1), but found 2}}
  %0 = gc.broadcast %a dims = [0, 1] : tensor<3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_dims_range(%a: tensor<3xf32>) {
// expected-error @+1 {{'gc.broadcast' op expected dims[0] to be a result dimension in [0, 2), but found 2}}
  %0 = gc.broadcast %a dims = [2] : tensor<3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_dims_order(%a: tensor<3x3xf32>) {
// expected-error @+1 {{'gc.broadcast' op expected strictly increasing dims, but found [2, 1]}}
  %0 = gc.broadcast %a dims = [2, 1] : tensor<3x3xf32> -> tensor<2x3x3xf32>
  return
}

// -----

func.func @broadcast_size(%a: tensor<4xf32>) {
// expected-error @+1 {{'gc.broadcast' op expected input dimension 0 (size 4) to be 1 or equal to result dimension 1 (size 3)}}
  %0 = gc.broadcast %a dims = [1] : tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
// expected-error @+1 {{'gc.reshape' op expected the result to have the input's 6 elements [2, 3], but found 7 [7]}}
  %0 = gc.reshape %a : tensor<2x3xf32> -> tensor<7xf32>
  return
}

// -----

func.func @reshape_element_type(%a: tensor<2x3xf32>) {
// expected-error @+1 {{'gc.reshape' op expected the result to keep the input's element type ('f32'), but found 'i32'; use gc.cast to convert}}
  %0 = gc.reshape %a : tensor<2x3xf32> -> tensor<6xi32>
  return
}

// -----

func.func @transpose_perm_size(%a: tensor<2x3xf32>) {
// expected-error @+1 {{'gc.transpose' op expected perm to have one entry per input dimension (2), but found 1}}
  %0 = gc.transpose %a perm = [0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_not_permutation(%a: tensor<2x3xf32>) {
// expected-error @+1 {{'gc.transpose' op expected perm to be a permutation of [0, 2), but found [1, 1]}}
  %0 = gc.transpose %a perm = [1, 1] : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_result(%a: tensor<2x3xf32>) {
// expected-error @+1 {{'gc.transpose' op expected result of type 'tensor<3x2xf32>' (inferred from the operands), but found 'tensor<2x3xf32>'}}
  %0 = gc.transpose %a perm = [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_rank(%a: tensor<4x4xf32>) {
// expected-error @+1 {{'gc.slice' op expected a result of the input's rank (2), but found rank 1}}
  %0 = gc.slice %a offsets = [0, 0] : tensor<4x4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @slice_offsets_count(%a: tensor<4x4xf32>) {
// expected-error @+1 {{'gc.slice' op expected offsets to have one entry per input dimension (2), but found 1}}
  %0 = gc.slice %a offsets = [0] : tensor<4x4xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_out_of_bounds(%a: tensor<4x4xf32>) {
// expected-error @+1 {{'gc.slice' op expected dimension 1 of the slice, [3, 5), to lie within [0, 4)}}
  %0 = gc.slice %a offsets = [0, 3] : tensor<4x4xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_negative_offset(%a: tensor<4x4xf32>) {
// expected-error @+1 {{'gc.slice' op expected dimension 0 of the slice, [-1, 1), to lie within [0, 4)}}
  %0 = gc.slice %a offsets = [-1, 0] : tensor<4x4xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_element_type(%a: tensor<4x4xf32>) {
// expected-error @+1 {{'gc.slice' op expected the result to keep the input's element type ('f32'), but found 'f64'; use gc.cast to convert}}
  %0 = gc.slice %a offsets = [0, 0] : tensor<4x4xf32> -> tensor<2x2xf64>
  return
}

// -----

func.func @concat_empty() {
// expected-error @+1 {{'gc.concat' op expected at least one input}}
  %0 = "gc.concat"() {dim = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_dim(%a: tensor<2x3xf32>) {
// expected-error @+1 {{'gc.concat' op expected dim to be in [0, 2) for inputs of rank 2, but found 2}}
  %0 = gc.concat %a, %a dim = 2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<6xf32>) {
// expected-error @+1 {{'gc.concat' op expected input #1 to have rank 2 like input #0, but found rank 1}}
  %0 = gc.concat %a, %b dim = 0 : (tensor<2x3xf32>, tensor<6xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) {
// expected-error @+1 {{'gc.concat' op expected input #1 to have the element type of input #0 ('f32'), but found 'f16'}}
  %0 = gc.concat %a, %b dim = 0 : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_other_dims(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
// expected-error @+1 {{'gc.concat' op expected input #1 to match input #0 in every dimension but 0, but dimension 1 is 4 instead of 3}}
  %0 = gc.concat %a, %b dim = 0 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_result(%a: tensor<2x3xf32>) {
// expected-error @+1 {{'gc.concat' op expected result of type 'tensor<4x3xf32>' (inferred from the operands), but found 'tensor<2x6xf32>'}}
  %0 = gc.concat %a, %a dim = 0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @matmul_lhs_rank(%a: tensor<8xf32>, %b: tensor<8x4xf32>) {
// expected-error @+1 {{'gc.matmul' op expected lhs of rank >= 2, but found rank 1 ('tensor<8xf32>')}}
  %0 = gc.matmul %a, %b : (tensor<8xf32>, tensor<8x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @matmul_rhs_rank(%a: tensor<2x8xf32>, %b: tensor<8xf32>) {
// expected-error @+1 {{'gc.matmul' op expected rhs of rank >= 2, but found rank 1 ('tensor<8xf32>')}}
  %0 = gc.matmul %a, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @matmul_rhs_batch_rank(%a: tensor<2x3x4x8xf32>, %b: tensor<3x8x5xf32>) {
// expected-error @+1 {{'gc.matmul' op expected rhs of rank 2 (shared by every batch) or of the rank of lhs (4), but found rank 3}}
  %0 = gc.matmul %a, %b : (tensor<2x3x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return
}

// -----

func.func @matmul_element_type(%a: tensor<4x8xf32>, %b: tensor<8x4xbf16>) {
// expected-error @+1 {{'gc.matmul' op expected rhs to have the element type of lhs ('f32'), but found 'bf16'}}
  %0 = gc.matmul %a, %b : (tensor<4x8xf32>, tensor<8x4xbf16>) -> tensor<4x4xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x4xf32>) {
// expected-error @+1 {{'gc.matmul' op expected equal batch dimensions, but lhs has [2] and rhs has [3]}}
  %0 = gc.matmul %a, %b : (tensor<2x4x8xf32>, tensor<3x8x4xf32>) -> tensor<2x4x4xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<4x8xf32>, %b: tensor<6x4xf32>) {
// expected-error @+1 {{'gc.matmul' op expected the contracted dimensions to agree, but lhs contracts 8 (dimension 1) and rhs contracts 6 (dimension 0)}}
  %0 = gc.matmul %a, %b : (tensor<4x8xf32>, tensor<6x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @matmul_transposed_contraction(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) {
// expected-error @+1 {{'gc.matmul' op expected the contracted dimensions to agree, but lhs contracts 4 (dimension 0, transposed) and rhs contracts 8 (dimension 1, transposed)}}
  %0 = gc.matmul %a, %b transpose_lhs transpose_rhs : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) {
// expected-error @+1 {{'gc.matmul' op expected result of type 'tensor<4x16xf32>' (inferred from the operands), but found 'tensor<16x4xf32>'}}
  %0 = gc.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<16x4xf32>
  return
}

// -----

func.func @reduce_empty_dims(%a: tensor<4x8xf32>) {
// expected-error @+1 {{'gc.reduce_sum' op expected at least one dimension to reduce}}
  %0 = gc.reduce_sum %a dims = [] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_dim_range(%a: tensor<4x8xf32>) {
// expected-error @+1 {{'gc.reduce_mean' op expected reduced dimension 2 to be in [0, 2) for an input of rank 2}}
  %0 = gc.reduce_mean %a dims = [2] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @reduce_dim_order(%a: tensor<4x8x2xf32>) {
// expected-error @+1 {{'gc.reduce_max' op expected strictly increasing dims, but found [1, 0]}}
  %0 = gc.reduce_max %a dims = [1, 0] : tensor<4x8x2xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_result(%a: tensor<4x8xf32>) {
// expected-error @+1 {{'gc.reduce_sum' op expected result of type 'tensor<4xf32>' (inferred from the operands), but found 'tensor<4x1xf32>'}}
  %0 = gc.reduce_sum %a dims = [1] : tensor<4x8xf32> -> tensor<4x1xf32>
  return
}

// -----

func.func @layer_norm_scalar(%a: tensor<f32>, %g: tensor<1xf32>) {
// expected-error @+1 {{'gc.layer_norm' op expected an input of rank >= 1, but found a scalar}}
  %0:3 = gc.layer_norm %a, %g, %g epsilon = 1.0e-5 : (tensor<f32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<f32>, tensor<f32>, tensor<f32>)
  return
}

// -----

func.func @layer_norm_gamma_shape(%a: tensor<4x8xf32>, %g: tensor<4xf32>, %b: tensor<8xf32>) {
// expected-error @+1 {{'gc.layer_norm' op expected gamma of shape [8] (the input's last dimension), but found [4]}}
  %0:3 = gc.layer_norm %a, %g, %b epsilon = 1.0e-5 : (tensor<4x8xf32>, tensor<4xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @layer_norm_beta_shape(%a: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<1x8xf32>) {
// expected-error @+1 {{'gc.layer_norm' op expected beta of shape [8] (the input's last dimension), but found [1, 8]}}
  %0:3 = gc.layer_norm %a, %g, %b epsilon = 1.0e-5 : (tensor<4x8xf32>, tensor<8xf32>, tensor<1x8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @layer_norm_gamma_element(%a: tensor<4x8xf32>, %g: tensor<8xf16>, %b: tensor<8xf32>) {
// expected-error @+1 {{'gc.layer_norm' op expected gamma to have the element type of the input ('f32'), but found 'f16'}}
  %0:3 = gc.layer_norm %a, %g, %b epsilon = 1.0e-5 : (tensor<4x8xf32>, tensor<8xf16>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @layer_norm_epsilon(%a: tensor<4x8xf32>, %g: tensor<8xf32>) {
// expected-error @+1 {{'gc.layer_norm' op expected epsilon to be finite and positive, but found 0.000000e+00}}
  %0:3 = gc.layer_norm %a, %g, %g epsilon = 0.0 : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @layer_norm_stats_type(%a: tensor<4x8xf16>, %g: tensor<8xf16>) {
// expected-error @+1 {{'gc.layer_norm' op expected mean of type 'tensor<4xf32>' (inferred from the operands), but found 'tensor<4xf16>'}}
  %0:3 = gc.layer_norm %a, %g, %g epsilon = 1.0e-5 : (tensor<4x8xf16>, tensor<8xf16>, tensor<8xf16>) -> (tensor<4x8xf16>, tensor<4xf16>, tensor<4xf32>)
  return
}

// -----

func.func @layer_norm_result(%a: tensor<4x8xf32>, %g: tensor<8xf32>) {
// expected-error @+1 {{'gc.layer_norm' op expected result of type 'tensor<4x8xf32>' (inferred from the operands), but found 'tensor<8x4xf32>'}}
  %0:3 = gc.layer_norm %a, %g, %g epsilon = 1.0e-5 : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<8x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @layer_norm_grad_grad(%dy: tensor<4x4xf32>, %x: tensor<4x8xf32>, %m: tensor<4xf32>, %g: tensor<8xf32>) {
// expected-error @+1 {{'gc.layer_norm_grad' op expected grad to have the input's type ('tensor<4x8xf32>'), but found 'tensor<4x4xf32>'}}
  %0:3 = gc.layer_norm_grad %dy, %x, %m, %m, %g : (tensor<4x4xf32>, tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @layer_norm_grad_mean(%x: tensor<4x8xf32>, %m: tensor<8xf32>, %r: tensor<4xf32>, %g: tensor<8xf32>) {
// expected-error @+1 {{'gc.layer_norm_grad' op expected mean of type 'tensor<4xf32>' (the statistics gc.layer_norm returns for this input), but found 'tensor<8xf32>'}}
  %0:3 = gc.layer_norm_grad %x, %x, %m, %r, %g : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @layer_norm_grad_rstd(%x: tensor<4x8xf32>, %m: tensor<4xf32>, %r: tensor<4xf64>, %g: tensor<8xf32>) {
// expected-error @+1 {{'gc.layer_norm_grad' op expected rstd of type 'tensor<4xf32>' (the statistics gc.layer_norm returns for this input), but found 'tensor<4xf64>'}}
  %0:3 = gc.layer_norm_grad %x, %x, %m, %r, %g : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4xf32>, tensor<4xf64>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @layer_norm_grad_gamma(%x: tensor<4x8xf32>, %m: tensor<4xf32>, %g: tensor<4xf32>) {
// expected-error @+1 {{'gc.layer_norm_grad' op expected gamma of shape [8] (the input's last dimension), but found [4]}}
  %0:3 = gc.layer_norm_grad %x, %x, %m, %m, %g : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @layer_norm_grad_result(%x: tensor<4x8xf32>, %m: tensor<4xf32>, %g: tensor<8xf32>) {
// expected-error @+1 {{'gc.layer_norm_grad' op expected beta_grad of type 'tensor<8xf32>' (inferred from the operands), but found 'tensor<4xf32>'}}
  %0:3 = gc.layer_norm_grad %x, %x, %m, %m, %g : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<4xf32>)
  return
}

// -----

func.func @softmax_dim(%a: tensor<4x8xf32>) {
// expected-error @+1 {{'gc.softmax' op expected dim to be in [0, 2) for an operand of rank 2, but found 2}}
  %0 = gc.softmax %a dim = 2 : tensor<4x8xf32>
  return
}

// -----

func.func @softmax_negative_dim(%a: tensor<4x8xf32>) {
// expected-error @+1 {{'gc.softmax' op expected dim to be in [0, 2) for an operand of rank 2, but found -1}}
  %0 = gc.softmax %a dim = -1 : tensor<4x8xf32>
  return
}

// -----

func.func @softmax_result(%a: tensor<4x8xf32>) {
// expected-error @+1 {{'gc.softmax' op expected result #0 to have the type of input ('tensor<4x8xf32>'), but found 'tensor<4x8xf16>'}}
  %0 = "gc.softmax"(%a) {dim = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf16>
  return
}

// -----

func.func @softmax_grad_dim(%a: tensor<4x8xf32>) {
// expected-error @+1 {{'gc.softmax_grad' op expected dim to be in [0, 2) for an operand of rank 2, but found 5}}
  %0 = gc.softmax_grad %a, %a dim = 5 : tensor<4x8xf32>
  return
}

// -----

func.func @softmax_grad_types(%dy: tensor<4x8xf32>, %y: tensor<4x4xf32>) {
// expected-error @+1 {{'gc.softmax_grad' op expected output to have the type of grad ('tensor<4x8xf32>'), but found 'tensor<4x4xf32>'; gc ops never broadcast implicitly}}
  %0 = "gc.softmax_grad"(%dy, %y) {dim = 1 : i64} : (tensor<4x8xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dropout_probability_one(%a: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.dropout' op expected probability to be in [0, 1), but found 1.000000e+00}}
  %0 = gc.dropout %a, %s probability = 1.0 stream = 0 : tensor<4xf32>
  return
}

// -----

func.func @dropout_probability_negative(%a: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.dropout' op expected probability to be in [0, 1), but found -1.000000e-01}}
  %0 = gc.dropout %a, %s probability = -0.1 stream = 0 : tensor<4xf32>
  return
}

// -----

func.func @dropout_stream(%a: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.dropout' op expected a non-negative stream id, but found -3}}
  %0 = gc.dropout %a, %s probability = 0.1 stream = -3 : tensor<4xf32>
  return
}

// -----

func.func @dropout_seed_type(%a: tensor<4xf32>, %s: tensor<1xi64>) {
// expected-error @+1 {{'gc.dropout' op operand #1 must be 0D tensor of 64-bit signless integer values, but got 'tensor<1xi64>'}}
  %0 = "gc.dropout"(%a, %s) {probability = 0.1 : f64, stream = 0 : i64} : (tensor<4xf32>, tensor<1xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @dropout_result(%a: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.dropout' op expected result #0 to have the type of input ('tensor<4xf32>'), but found 'tensor<8xf32>'}}
  %0 = "gc.dropout"(%a, %s) {probability = 0.1 : f64, stream = 0 : i64} : (tensor<4xf32>, tensor<i64>) -> tensor<8xf32>
  return
}

// -----

func.func @dropout_grad_probability(%a: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.dropout_grad' op expected probability to be in [0, 1), but found 1.500000e+00}}
  %0 = gc.dropout_grad %a, %s probability = 1.5 stream = 0 : tensor<4xf32>
  return
}

// -----

func.func @dropout_grad_stream(%a: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.dropout_grad' op expected a non-negative stream id, but found -1}}
  %0 = gc.dropout_grad %a, %s probability = 0.5 stream = -1 : tensor<4xf32>
  return
}

// -----

func.func @dropout_grad_result(%a: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.dropout_grad' op expected result #0 to have the type of grad ('tensor<4xf32>'), but found 'tensor<4xf64>'}}
  %0 = "gc.dropout_grad"(%a, %s) {probability = 0.1 : f64, stream = 0 : i64} : (tensor<4xf32>, tensor<i64>) -> tensor<4xf64>
  return
}

// -----

func.func @embedding_table_rank(%t: tensor<10xf32>, %ids: tensor<4xi32>) {
// expected-error @+1 {{'gc.embedding' op expected a table of rank 2 [rows, features], but found rank 1}}
  %0 = gc.embedding %t, %ids : (tensor<10xf32>, tensor<4xi32>) -> tensor<4xf32>
  return
}

// -----

func.func @embedding_float_ids(%t: tensor<10x4xf32>, %ids: tensor<4xf32>) {
// expected-error @+1 {{'gc.embedding' op operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values of rank at most 16, but got 'tensor<4xf32>'}}
  %0 = gc.embedding %t, %ids : (tensor<10x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @embedding_result(%t: tensor<10x4xf32>, %ids: tensor<2x3xi64>) {
// expected-error @+1 {{'gc.embedding' op expected result of type 'tensor<2x3x4xf32>' (inferred from the operands), but found 'tensor<6x4xf32>'}}
  %0 = gc.embedding %t, %ids : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<6x4xf32>
  return
}

// -----

func.func @embedding_grad_result_rank(%g: tensor<3x4xf32>, %ids: tensor<3xi32>) {
// expected-error @+1 {{'gc.embedding_grad' op expected a result table of rank 2 [rows, features], but found rank 1}}
  %0 = gc.embedding_grad %g, %ids : (tensor<3x4xf32>, tensor<3xi32>) -> tensor<40xf32>
  return
}

// -----

func.func @embedding_grad_rows(%g: tensor<3x4xf32>, %ids: tensor<3xi32>) {
// expected-error @+1 {{'gc.embedding_grad' op expected a positive number of table rows, but found 0}}
  %0 = gc.embedding_grad %g, %ids : (tensor<3x4xf32>, tensor<3xi32>) -> tensor<0x4xf32>
  return
}

// -----

func.func @embedding_grad_rank(%g: tensor<3x4xf32>, %ids: tensor<2x3xi32>) {
// expected-error @+1 {{'gc.embedding_grad' op expected grad of rank 3 (the ids' rank plus the feature dimension), but found rank 2}}
  %0 = gc.embedding_grad %g, %ids : (tensor<3x4xf32>, tensor<2x3xi32>) -> tensor<10x4xf32>
  return
}

// -----

func.func @embedding_grad_leading(%g: tensor<5x4xf32>, %ids: tensor<3xi32>) {
// expected-error @+1 {{'gc.embedding_grad' op expected grad's leading dimensions [5] to equal the ids' shape [3]}}
  %0 = gc.embedding_grad %g, %ids : (tensor<5x4xf32>, tensor<3xi32>) -> tensor<10x4xf32>
  return
}

// -----

func.func @embedding_grad_features(%g: tensor<3x4xf32>, %ids: tensor<3xi32>) {
// expected-error @+1 {{'gc.embedding_grad' op expected result of type 'tensor<10x4xf32>' (inferred from the operands), but found 'tensor<10x8xf32>'}}
  %0 = gc.embedding_grad %g, %ids : (tensor<3x4xf32>, tensor<3xi32>) -> tensor<10x8xf32>
  return
}

// -----

func.func @cross_entropy_logits_rank(%l: tensor<2x3x4xf32>, %y: tensor<2xi64>) {
// expected-error @+1 {{'gc.cross_entropy' op expected logits of rank 2 [rows, classes], but found rank 3}}
  %0 = gc.cross_entropy %l, %y ignore_index = -100 : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_labels_rank(%l: tensor<6x4xf32>, %y: tensor<2x3xi64>) {
// expected-error @+1 {{'gc.cross_entropy' op expected labels of rank 1 [rows], but found rank 2}}
  %0 = gc.cross_entropy %l, %y ignore_index = -100 : (tensor<6x4xf32>, tensor<2x3xi64>) -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_rows(%l: tensor<6x4xf32>, %y: tensor<5xi64>) {
// expected-error @+1 {{'gc.cross_entropy' op expected one label per logits row (6), but found 5}}
  %0 = gc.cross_entropy %l, %y ignore_index = -100 : (tensor<6x4xf32>, tensor<5xi64>) -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_result(%l: tensor<6x4xf32>, %y: tensor<6xi64>) {
// expected-error @+1 {{'gc.cross_entropy' op expected result of type 'tensor<f32>' (inferred from the operands), but found 'tensor<f64>'}}
  %0 = gc.cross_entropy %l, %y ignore_index = -100 : (tensor<6x4xf32>, tensor<6xi64>) -> tensor<f64>
  return
}

// -----

func.func @cross_entropy_result_rank(%l: tensor<6x4xf32>, %y: tensor<6xi64>) {
// expected-error @+1 {{'gc.cross_entropy' op result #0 must be 0D tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<1xf32>'}}
  %0 = gc.cross_entropy %l, %y ignore_index = -100 : (tensor<6x4xf32>, tensor<6xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @cross_entropy_grad_grad(%d: tensor<f64>, %l: tensor<6x4xf32>, %y: tensor<6xi64>) {
// expected-error @+1 {{'gc.cross_entropy_grad' op expected grad of type 'tensor<f32>' (inferred from the operands), but found 'tensor<f64>'}}
  %0 = gc.cross_entropy_grad %d, %l, %y ignore_index = -100 : (tensor<f64>, tensor<6x4xf32>, tensor<6xi64>) -> tensor<6x4xf32>
  return
}

// -----

func.func @cross_entropy_grad_labels(%d: tensor<f32>, %l: tensor<6x4xf32>, %y: tensor<4xi64>) {
// expected-error @+1 {{'gc.cross_entropy_grad' op expected one label per logits row (6), but found 4}}
  %0 = gc.cross_entropy_grad %d, %l, %y ignore_index = -100 : (tensor<f32>, tensor<6x4xf32>, tensor<4xi64>) -> tensor<6x4xf32>
  return
}

// -----

func.func @cross_entropy_grad_result(%d: tensor<f32>, %l: tensor<6x4xf32>, %y: tensor<6xi64>) {
// expected-error @+1 {{'gc.cross_entropy_grad' op expected result of type 'tensor<6x4xf32>' (inferred from the operands), but found 'tensor<4x6xf32>'}}
  %0 = gc.cross_entropy_grad %d, %l, %y ignore_index = -100 : (tensor<f32>, tensor<6x4xf32>, tensor<6xi64>) -> tensor<4x6xf32>
  return
}

// -----

func.func @sgd_lr(%w: tensor<4xf32>) {
// expected-error @+1 {{'gc.sgd_update' op expected lr to be finite and positive, but found 0.000000e+00}}
  %0 = gc.sgd_update %w, %w lr = 0.0 : tensor<4xf32>
  return
}

// -----

func.func @sgd_lr_nan(%w: tensor<4xf32>) {
// expected-error @+1 {{'gc.sgd_update' op expected lr to be finite and positive, but found nan}}
  %0 = "gc.sgd_update"(%w, %w) {lr = 0x7FF8000000000000 : f64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_weight_decay(%w: tensor<4xf32>) {
// expected-error @+1 {{'gc.sgd_update' op expected weight_decay to be finite and non-negative, but found -5.000000e-01}}
  %0 = gc.sgd_update %w, %w lr = 0.1 weight_decay = -0.5 : tensor<4xf32>
  return
}

// -----

func.func @sgd_skip_type(%w: tensor<4xf32>, %s: tensor<2xf32>) {
// expected-error @+1 {{'gc.sgd_update' op operand #2 must be 0D tensor of 32-bit float values, but got 'tensor<2xf32>'}}
  %0 = "gc.sgd_update"(%w, %w, %s) {lr = 0.1 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<2xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_types(%w: tensor<4xf32>, %g: tensor<4xf16>) {
// expected-error @+1 {{'gc.sgd_update' op expected grad to have the type of param ('tensor<4xf32>'), but found 'tensor<4xf16>'; gc ops never broadcast implicitly}}
  %0 = "gc.sgd_update"(%w, %g) {lr = 0.1 : f64} : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @adamw_lr(%w: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.adamw_update' op expected lr to be finite and positive, but found -1.000000e+00}}
  %0:3 = gc.adamw_update %w, %w, %w, %w, %s lr = -1.0 : tensor<4xf32>
  return
}

// -----

func.func @adamw_beta1(%w: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.adamw_update' op expected beta1 to be in [0, 1), but found 1.000000e+00}}
  %0:3 = gc.adamw_update %w, %w, %w, %w, %s lr = 1.0e-3 beta1 = 1.0 : tensor<4xf32>
  return
}

// -----

func.func @adamw_beta2(%w: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.adamw_update' op expected beta2 to be in [0, 1), but found -9.000000e-01}}
  %0:3 = gc.adamw_update %w, %w, %w, %w, %s lr = 1.0e-3 beta2 = -0.9 : tensor<4xf32>
  return
}

// -----

func.func @adamw_epsilon(%w: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.adamw_update' op expected epsilon to be finite and positive, but found 0.000000e+00}}
  %0:3 = gc.adamw_update %w, %w, %w, %w, %s lr = 1.0e-3 epsilon = 0.0 : tensor<4xf32>
  return
}

// -----

func.func @adamw_weight_decay(%w: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.adamw_update' op expected weight_decay to be finite and non-negative, but found -1.000000e+00}}
  %0:3 = gc.adamw_update %w, %w, %w, %w, %s lr = 1.0e-3 weight_decay = -1.0 : tensor<4xf32>
  return
}

// -----

func.func @adamw_state_type(%w: tensor<4xf32>, %v: tensor<4xf16>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.adamw_update' op expected v to have the type of param ('tensor<4xf32>'), but found 'tensor<4xf16>'; gc ops never broadcast implicitly}}
  %0:3 = "gc.adamw_update"(%w, %w, %w, %v, %s) {lr = 1.0e-3 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf16>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adamw_step_type(%w: tensor<4xf32>, %s: tensor<i32>) {
// expected-error @+1 {{'gc.adamw_update' op operand #4 must be 0D tensor of 64-bit signless integer values, but got 'tensor<i32>'}}
  %0:3 = "gc.adamw_update"(%w, %w, %w, %w, %s) {lr = 1.0e-3 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adamw_result(%w: tensor<4xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.adamw_update' op expected result #1 to have the type of param ('tensor<4xf32>'), but found 'tensor<8xf32>'}}
  %0:3 = "gc.adamw_update"(%w, %w, %w, %w, %s) {lr = 1.0e-3 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>) -> (tensor<4xf32>, tensor<8xf32>, tensor<4xf32>)
  return
}

// -----

func.func @block_tag_negative(%a: tensor<4xf32>) {
// expected-error @+1 {{expected 'gc.block' to be non-negative, but found -2}}
  %0 = gc.exp %a {gc.block = -2 : i64} : tensor<4xf32>
  return
}

// -----

func.func @block_tag_not_integer(%a: tensor<4xf32>) {
// expected-error @+1 {{expected 'gc.block' to be an i64 integer, but found "layer0"}}
  %0 = gc.exp %a {gc.block = "layer0"} : tensor<4xf32>
  return
}

// -----

func.func @block_tag_width(%a: tensor<4xf32>) {
// expected-error @+1 {{expected 'gc.block' to be an i64 integer, but found 1 : i32}}
  %0 = gc.exp %a {gc.block = 1 : i32} : tensor<4xf32>
  return
}

// -----

func.func @unknown_dialect_attribute(%a: tensor<4xf32>) {
// expected-error @+1 {{unknown gc dialect attribute 'gc.layer'; expected 'gc.block', 'gc.recompute', an arena attribute of gc-plan-memory or a kernel attribute of gc-lower-to-kernels}}
  %0 = gc.exp %a {gc.layer = 1 : i64} : tensor<4xf32>
  return
}

// -----

func.func @fusion_negative(%a: tensor<4xf32>) {
// expected-error @+1 {{expected 'gc.fusion' to be non-negative, but found -2}}
  %0 = gc.exp %a {gc.fusion = -2 : i64} : tensor<4xf32>
  return
}

// -----

func.func @storage_negative_offset(%a: tensor<4xf32>) {
  // expected-error @+1 {{expected a non-negative storage index, but found -8}}
  %0 = gc.exp %a {gc.storage = [#gc.storage<arena, -8>]} : tensor<4xf32>
  return
}

// -----

func.func @storage_unknown_kind(%a: tensor<4xf32>) {
  // expected-error @+1 {{expected a storage (arena, view, fused, result, argument), but found 'heap'}}
  %0 = gc.exp %a {gc.storage = [#gc.storage<heap, 0>]} : tensor<4xf32>
  return
}

// -----

func.func @storage_per_result(%a: tensor<4xf32>) {
// expected-error @+1 {{expected 'gc.storage' to be an array of 1 #gc.storage attributes, one per result, but found [#gc.storage<arena, 0>, #gc.storage<fused>]}}
  %0 = gc.exp %a {gc.storage = [#gc.storage<arena, 0>, #gc.storage<fused>]} : tensor<4xf32>
  return
}

// -----

func.func @planned_arena_bytes(%a: tensor<4xf32>) attributes {gc.planned_arena_bytes = -1 : i64} {
// expected-error @-1 {{expected 'gc.planned_arena_bytes' to be a non-negative integer, but found -1 : i64}}
  return
}

// -----

func.func @unknown_op(%a: tensor<4xf32>) {
// expected-error @+1 {{custom op 'gc.swish' is unknown}}
  %0 = gc.swish %a : tensor<4xf32>
  return
}

// -----

// expected-error @+1 {{expected 'gc.name' of argument #0 to be a non-empty string, but found 3 : i64}}
func.func @arg_name_not_string(%w: tensor<4xf32> {gc.name = 3}) {
  return
}

// -----

// expected-error @+1 {{expected 'gc.name' of argument #0 to be a non-empty string, but found ""}}
func.func @arg_name_empty(%w: tensor<4xf32> {gc.name = ""}) {
  return
}

// -----

// expected-error @+1 {{expected 'gc.param' of argument #0 to be a unit attribute, but found true}}
func.func @param_not_unit(%w: tensor<4xf32> {gc.param = true}) {
  return
}

// -----

// expected-error @+1 {{unknown gc attribute 'gc.trainable' on argument #0; expected 'gc.name', 'gc.role', 'gc.init' or 'gc.param'}}
func.func @unknown_arg_attribute(%w: tensor<4xf32> {gc.trainable}) {
  return
}

// -----

// expected-error @+1 {{unknown gc attribute 'gc.param' on result #0; expected 'gc.name', 'gc.role'}}
func.func @param_on_result(%w: tensor<4xf32>) -> (tensor<4xf32> {gc.param}) {
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{expected 'gc.name' of result #0 to be a non-empty string, but found 1.000000e+00 : f64}}
func.func @result_name_not_string(%w: tensor<4xf32>) -> (tensor<4xf32> {gc.name = 1.0}) {
  return %w : tensor<4xf32>
}

// -----

// The contracts of arguments and results (#gc.role, #gc.init) are checked
// against the values they describe.

// expected-error @+1 {{'gc.role' of argument #0: a parameter must also be marked 'gc.param'}}
func.func @role_parameter_unmarked(%w: tensor<4xf32> {gc.role = #gc.role<parameter>}) {
  return
}

// -----

// expected-error @+1 {{'gc.role' of argument #0: a parameter has float elements, but the type is 'tensor<4xi64>'}}
func.func @role_parameter_integer(%w: tensor<4xi64> {gc.param, gc.role = #gc.role<parameter>}) {
  return
}

// -----

// expected-error @+1 {{'gc.role' of argument #0: a step_counter is one i64 element, but the type is 'tensor<2xi64>'}}
func.func @role_step_counter_shape(%t: tensor<2xi64> {gc.role = #gc.role<step_counter>}) {
  return
}

// -----

// expected-error @+1 {{'gc.role' of argument #1: 'of = 1' is not the index of an argument marked 'gc.param'}}
func.func @role_state_of_non_parameter(%w: tensor<4xf32> {gc.param}, %m: tensor<4xf32> {gc.role = #gc.role<optimizer_state, of = 1, moment = "exp_avg">}) {
  return
}

// -----

// expected-error @+1 {{'gc.role' of argument #1: the type 'tensor<3xf32>' is not that of parameter #0, 'tensor<4xf32>'}}
func.func @role_state_type(%w: tensor<4xf32> {gc.param}, %m: tensor<3xf32> {gc.role = #gc.role<optimizer_state, of = 0>}) {
  return
}

// -----

// expected-error @+1 {{'gc.role' of argument #0: a gradient is a result, not an argument}}
func.func @role_gradient_argument(%w: tensor<4xf32> {gc.param, gc.role = #gc.role<gradient, of = 0>}) {
  return
}

// -----

// expected-error @+1 {{'gc.role' of result #0: a result's role can only be gradient, not batch}}
func.func @role_result_batch(%w: tensor<4xf32>) -> (tensor<4xf32> {gc.role = #gc.role<batch>}) {
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{'gc.role' of argument #0: 'moment' is only for an optimizer state, not role batch}}
func.func @role_moment_on_batch(%w: tensor<4xf32> {gc.role = #gc.role<batch, moment = "exp_avg">}) {
  return
}

// -----

// expected-error @+1 {{expected a role (parameter, gradient, optimizer_state, batch, seed, step_counter), but found 'weights'}}
func.func @role_unknown(%w: tensor<4xf32> {gc.role = #gc.role<weights>}) {
  return
}

// -----

// expected-error @+1 {{'gc.init' of argument #0: normal initializes float elements, but the type is 'tensor<4xi64>'}}
func.func @init_normal_integer(%w: tensor<4xi64> {gc.init = #gc.init<normal, std = 1.0>}) {
  return
}

// -----

// expected-error @+1 {{'gc.init' of argument #0: expected a positive finite std, but found -1}}
func.func @init_normal_negative(%w: tensor<4xf32> {gc.init = #gc.init<normal, std = -1.0>}) {
  return
}

// -----

// expected-error @+1 {{'gc.init' of argument #0: expected a positive bound, but found 0}}
func.func @init_index_bound(%w: tensor<4xi64> {gc.init = #gc.init<index, bound = 0>}) {
  return
}

// -----

// expected-error @+1 {{'gc.init' of argument #0: 'binary' data starts as zeros or ones, not normal}}
func.func @init_binary_normal(%w: tensor<4xf32> {gc.init = #gc.init<normal, binary, std = 1.0>}) {
  return
}

// -----

// expected-error @+1 {{'gc.role' of argument #0: an argument marked 'gc.param' is a parameter, not batch}}
func.func @role_param_marked_batch(%w: tensor<4xf32> {gc.param, gc.role = #gc.role<batch>}) {
  return
}

// -----

// expected-error @+1 {{expected 'of' to be an argument index, but found -5}}
func.func @role_negative_of(%w: tensor<4xf32> {gc.role = #gc.role<batch, of = -5>}) {
  return
}

// -----

// expected-error @+1 {{'bound' is only for an index initializer, not zeros}}
func.func @init_bound_on_zeros(%w: tensor<4xi64> {gc.init = #gc.init<zeros, bound = 5>}) {
  return
}

// -----

// expected-error @+1 {{'std' is only for a normal initializer, not ones}}
func.func @init_std_on_ones(%w: tensor<4xf32> {gc.init = #gc.init<ones, std = 2.0>}) {
  return
}

// -----

// expected-error @+1 {{unknown gc attribute 'gc.init' on result #0; expected 'gc.name', 'gc.role'}}
func.func @init_on_result(%w: tensor<4xf32>) -> (tensor<4xf32> {gc.init = #gc.init<zeros>}) {
  return %w : tensor<4xf32>
}

// -----

func.func @embedding_padding_idx(%t: tensor<10x4xf32>, %ids: tensor<3xi32>) {
  // expected-error @+1 {{'gc.embedding' op expected padding_idx to be a row of the table, in [0, 10), but found 10}}
  %0 = gc.embedding %t, %ids padding_idx = 10 : (tensor<10x4xf32>, tensor<3xi32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @embedding_grad_padding_idx(%g: tensor<3x4xf32>, %ids: tensor<3xi32>) {
  // expected-error @+1 {{'gc.embedding_grad' op expected padding_idx to be a row of the table, in [0, 10), but found -1}}
  %0 = gc.embedding_grad %g, %ids padding_idx = -1 : (tensor<3x4xf32>, tensor<3xi32>) -> tensor<10x4xf32>
  return
}

// -----

func.func @recompute_not_unit(%a: tensor<4xf32>) {
  // expected-error @+1 {{expected 'gc.recompute' to be a unit attribute, but found 1 : i64}}
  %0 = gc.exp %a {gc.recompute = 1} : tensor<4xf32>
  return
}

// -----

func.func @offsets_count(%a: tensor<4xf32>) {
  // expected-error @+1 {{expected 'gc.offsets' to hold one non-negative offset per result (1), but found array<i64: 0, 16>}}
  %0 = gc.exp %a {gc.offsets = array<i64: 0, 16>} : tensor<4xf32>
  return
}

// -----

func.func @offsets_negative(%a: tensor<4xf32>) {
  // expected-error @+1 {{expected 'gc.offsets' to hold one non-negative offset per result (1), but found array<i64: -8>}}
  %0 = gc.exp %a {gc.offsets = array<i64: -8>} : tensor<4xf32>
  return
}

// -----

// expected-error @+1 {{expected 'gc.arena_bytes' to be a non-negative integer, but found "big"}}
func.func @arena_bytes(%a: tensor<4xf32>) attributes {gc.arena_bytes = "big"} {
  return
}

// -----

// The kernels keep per-dimension state in fixed arrays of 16 entries: a
// rank-17 value is refused, not overrun.
func.func @rank_above_kernel_limit(%x: tensor<1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x2x3xf32>) {
  // expected-error @+1 {{'gc.exp' op operand #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values of rank at most 16, but got 'tensor<1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x2x3xf32>'}}
  %y = gc.exp %x : tensor<1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x2x3xf32>
  return
}

// -----

func.func @attention_rank(%q: tensor<2x16x8xf32>, %k: tensor<2x4x16x8xf32>) {
// expected-error @+1 {{'gc.attention' op expected query of rank 4 [batch, heads, queries, head_dim], but found 'tensor<2x16x8xf32>'}}
  %o, %l = gc.attention %q, %k, %k scale = 0.5 probability = 0.0 stream = 0 : (tensor<2x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>) -> (tensor<2x16x8xf32>, tensor<2x16xf32>)
  return
}

// -----

func.func @attention_key_head_dim(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x16x4xf32>) {
// expected-error @+1 {{'gc.attention' op expected key with the head dimension of query (8), but found 'tensor<2x4x16x4xf32>'}}
  %o, %l = gc.attention %q, %k, %k scale = 0.5 probability = 0.0 stream = 0 : (tensor<2x4x16x8xf32>, tensor<2x4x16x4xf32>, tensor<2x4x16x4xf32>) -> (tensor<2x4x16x4xf32>, tensor<2x4x16xf32>)
  return
}

// -----

func.func @attention_value_rows(%q: tensor<2x4x16x8xf32>, %v: tensor<2x4x9x8xf32>) {
// expected-error @+1 {{'gc.attention' op expected value with as many rows as key (16), but found 'tensor<2x4x9x8xf32>'}}
  %o, %l = gc.attention %q, %q, %v scale = 0.5 probability = 0.0 stream = 0 : (tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x9x8xf32>) -> (tensor<2x4x16x8xf32>, tensor<2x4x16xf32>)
  return
}

// -----

func.func @attention_head_dim_limit(%q: tensor<1x1x4x300xf32>) {
// expected-error @+1 {{'gc.attention' op expected a head dimension of query and key in [1, 256], but found 300}}
  %o, %l = gc.attention %q, %q, %q scale = 0.5 probability = 0.0 stream = 0 : (tensor<1x1x4x300xf32>, tensor<1x1x4x300xf32>, tensor<1x1x4x300xf32>) -> (tensor<1x1x4x300xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @attention_mask_shape(%q: tensor<2x4x16x8xf32>, %m: tensor<2x1x3x16xf32>) {
// expected-error @+1 {{'gc.attention' op expected a mask of element type 'f32' whose dimensions are 1 or those of [2, 4, 16, 16], but found 'tensor<2x1x3x16xf32>'}}
  %o, %l = gc.attention %q, %q, %q mask %m scale = 0.5 probability = 0.0 stream = 0 : (tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x1x3x16xf32>) -> (tensor<2x4x16x8xf32>, tensor<2x4x16xf32>)
  return
}

// -----

func.func @attention_dropout_without_seed(%q: tensor<1x1x4x8xf32>) {
// expected-error @+1 {{'gc.attention' op expected a seed operand for dropout probability 1.000000e-01}}
  %o, %l = gc.attention %q, %q, %q scale = 0.5 probability = 0.1 stream = 0 : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> (tensor<1x1x4x8xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @attention_probability(%q: tensor<1x1x4x8xf32>, %s: tensor<i64>) {
// expected-error @+1 {{'gc.attention' op expected probability to be in [0, 1), but found 1}}
  %o, %l = gc.attention %q, %q, %q seed %s scale = 0.5 probability = 1.0 stream = 0 : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<i64>) -> (tensor<1x1x4x8xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @attention_scale(%q: tensor<1x1x4x8xf32>) {
// expected-error @+1 {{'gc.attention' op expected a finite, non-zero scale, but found 0}}
  %o, %l = gc.attention %q, %q, %q scale = 0.0 probability = 0.0 stream = 0 : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> (tensor<1x1x4x8xf32>, tensor<1x1x4xf32>)
  return
}

// -----

func.func @attention_lse_type(%q: tensor<1x1x4x8xf32>) {
// expected-error @+1 {{'gc.attention' op expected lse}}
  %o, %l = gc.attention %q, %q, %q scale = 0.5 probability = 0.0 stream = 0 : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> (tensor<1x1x4x8xf32>, tensor<1x1x4xf16>)
  return
}

// -----

func.func @attention_grad_output(%q: tensor<1x1x4x8xf32>, %o: tensor<1x1x4x6xf32>, %l: tensor<1x1x4xf32>) {
// expected-error @+1 {{'gc.attention_grad' op expected output}}
  %dq, %dk, %dv = gc.attention_grad %q, %q, %q, %q, %o, %l scale = 0.5 probability = 0.0 stream = 0 : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x6xf32>, tensor<1x1x4xf32>) -> (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>)
  return
}

// -----

func.func @attention_no_keys(%q: tensor<1x1x5x4xf32>, %k: tensor<1x1x0x4xf32>) {
// expected-error @+1 {{'gc.attention' op expected at least one query and one key, but found 5 queries and 0 keys}}
  %o, %l = gc.attention %q, %k, %k scale = 0.5 probability = 0.0 stream = 0 : (tensor<1x1x5x4xf32>, tensor<1x1x0x4xf32>, tensor<1x1x0x4xf32>) -> (tensor<1x1x5x4xf32>, tensor<1x1x5xf32>)
  return
}

// -----

func.func @any_nonfinite_type(%x: tensor<4xf32>) {
// expected-error @+1 {{'gc.any_nonfinite' op expected the result's element type to be the input's, 'f32', but found 'bf16'}}
  %0 = gc.any_nonfinite %x : tensor<4xf32> -> tensor<bf16>
  return
}

// -----

func.func @loss_scale_growth(%s: tensor<f32>, %t: tensor<i64>) {
// expected-error @+1 {{'gc.update_loss_scale' op expected growth_factor to be finite and above 1, but found 1}}
  %0:3 = gc.update_loss_scale %s, %t, %t, %s growth_factor = 1.0
  return
}

// -----

func.func @loss_scale_backoff(%s: tensor<f32>, %t: tensor<i64>) {
// expected-error @+1 {{'gc.update_loss_scale' op expected backoff_factor in (0, 1), but found 1.5}}
  %0:3 = gc.update_loss_scale %s, %t, %t, %s backoff_factor = 1.5
  return
}

// -----

func.func @loss_scale_interval(%s: tensor<f32>, %t: tensor<i64>) {
// expected-error @+1 {{'gc.update_loss_scale' op expected growth_interval to be at least 1, but found 0}}
  %0:3 = gc.update_loss_scale %s, %t, %t, %s growth_interval = 0
  return
}

// -----

// expected-error @+1 {{'value' is only for a full initializer, not normal}}
func.func @init_value_of_normal(%w: tensor<4xf32> {gc.init = #gc.init<normal, value = 2.0>}) {
  return
}

// -----

// expected-error @+1 {{full initializes float elements, but the type is 'tensor<i64>'}}
func.func @init_full_integer(%w: tensor<i64> {gc.init = #gc.init<full, value = 2.0>}) {
  return
}

// -----

func.func @all_reduce_mixed_types(%w: tensor<4xf32>, %h: tensor<4xbf16>) {
// expected-error @+1 {{'gc.all_reduce' op expected every operand to have the element type of operand #0, 'f32', but operand #1 has 'bf16'}}
  %0:2 = gc.all_reduce mean %w, %h : tensor<4xf32>, tensor<4xbf16>
  return
}

// -----

func.func @all_reduce_nothing() {
// expected-error @+1 {{'gc.all_reduce' op expected at least one tensor to reduce}}
  "gc.all_reduce"() <{reduction = 0 : i32}> : () -> ()
  return
}

// -----

func.func @all_reduce_integer(%x: tensor<4xi32>) {
// expected-error @+1 {{'gc.all_reduce' op operand #0 must be variadic of}}
  %0 = gc.all_reduce sum %x : tensor<4xi32>
  return
}

// -----

func.func @all_reduce_bad_kind(%x: tensor<4xf32>) {
// expected-error @+1 {{custom op 'gc.all_reduce' expected string or keyword containing one of the following enum values for attribute 'reduction' [sum, mean]}}
  %0 = gc.all_reduce max %x : tensor<4xf32>
  return
}
