module {
  func.func @bert_forward(%arg0: tensor<16x8xf32> {gc.name = "bert.embeddings.word_embeddings.weight", gc.param}, %arg1: tensor<8x8xf32> {gc.name = "bert.embeddings.position_embeddings.weight", gc.param}, %arg2: tensor<2x8xf32> {gc.name = "bert.embeddings.token_type_embeddings.weight", gc.param}, %arg3: tensor<8xf32> {gc.name = "bert.embeddings.LayerNorm.weight", gc.param}, %arg4: tensor<8xf32> {gc.name = "bert.embeddings.LayerNorm.bias", gc.param}, %arg5: tensor<8x8xf32> {gc.name = "bert.encoder.layer.0.attention.self.query.weight", gc.param}, %arg6: tensor<8xf32> {gc.name = "bert.encoder.layer.0.attention.self.query.bias", gc.param}, %arg7: tensor<8x8xf32> {gc.name = "bert.encoder.layer.0.attention.self.key.weight", gc.param}, %arg8: tensor<8xf32> {gc.name = "bert.encoder.layer.0.attention.self.key.bias", gc.param}, %arg9: tensor<8x8xf32> {gc.name = "bert.encoder.layer.0.attention.self.value.weight", gc.param}, %arg10: tensor<8xf32> {gc.name = "bert.encoder.layer.0.attention.self.value.bias", gc.param}, %arg11: tensor<8x8xf32> {gc.name = "bert.encoder.layer.0.attention.output.dense.weight", gc.param}, %arg12: tensor<8xf32> {gc.name = "bert.encoder.layer.0.attention.output.dense.bias", gc.param}, %arg13: tensor<8xf32> {gc.name = "bert.encoder.layer.0.attention.output.LayerNorm.weight", gc.param}, %arg14: tensor<8xf32> {gc.name = "bert.encoder.layer.0.attention.output.LayerNorm.bias", gc.param}, %arg15: tensor<16x8xf32> {gc.name = "bert.encoder.layer.0.intermediate.dense.weight", gc.param}, %arg16: tensor<16xf32> {gc.name = "bert.encoder.layer.0.intermediate.dense.bias", gc.param}, %arg17: tensor<8x16xf32> {gc.name = "bert.encoder.layer.0.output.dense.weight", gc.param}, %arg18: tensor<8xf32> {gc.name = "bert.encoder.layer.0.output.dense.bias", gc.param}, %arg19: tensor<8xf32> {gc.name = "bert.encoder.layer.0.output.LayerNorm.weight", gc.param}, %arg20: tensor<8xf32> {gc.name = "bert.encoder.layer.0.output.LayerNorm.bias", gc.param}, %arg21: tensor<16xf32> {gc.name = "cls.predictions.bias", gc.param}, %arg22: tensor<8x8xf32> {gc.name = "cls.predictions.transform.dense.weight", gc.param}, %arg23: tensor<8xf32> {gc.name = "cls.predictions.transform.dense.bias", gc.param}, %arg24: tensor<8xf32> {gc.name = "cls.predictions.transform.LayerNorm.weight", gc.param}, %arg25: tensor<8xf32> {gc.name = "cls.predictions.transform.LayerNorm.bias", gc.param}, %arg26: tensor<2x4xi64> {gc.name = "input_ids"}, %arg27: tensor<2x4xi64> {gc.name = "token_type_ids"}, %arg28: tensor<2x4xi64> {gc.name = "attention_mask"}, %arg29: tensor<2x4xi64> {gc.name = "labels"}, %arg30: tensor<i64> {gc.name = "seed"}) -> (tensor<f32> {gc.name = "loss"}) {
    %0 = gc.cast %arg28 : tensor<2x4xi64> -> tensor<2x4xf32>
    %1 = gc.reshape %0 : tensor<2x4xf32> -> tensor<2x1x1x4xf32>
    %2 = gc.constant dense<1.000000e+00> : tensor<2x1x1x4xf32>
    %3 = gc.sub %2, %1 : tensor<2x1x1x4xf32>
    %4 = gc.scale %3 by -3.4028234663852886E+38 : tensor<2x1x1x4xf32>
    %5 = gc.embedding %arg0, %arg26 padding_idx = 0 : (tensor<16x8xf32>, tensor<2x4xi64>) -> tensor<2x4x8xf32>
    %6 = gc.embedding %arg2, %arg27 : (tensor<2x8xf32>, tensor<2x4xi64>) -> tensor<2x4x8xf32>
    %7 = gc.add %5, %6 : tensor<2x4x8xf32>
    %8 = gc.slice %arg1 offsets = [0, 0] : tensor<8x8xf32> -> tensor<4x8xf32>
    %9 = gc.broadcast %8 dims = [1, 2] : tensor<4x8xf32> -> tensor<2x4x8xf32>
    %10 = gc.add %7, %9 : tensor<2x4x8xf32>
    %result, %mean, %rstd = gc.layer_norm %10, %arg3, %arg4 epsilon = 9.9999999999999998E-13 : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    %11 = gc.dropout %result, %arg30 probability = 1.000000e-01 stream = 0 : tensor<2x4x8xf32>
    %12 = gc.matmul %11, %arg5 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8xf32>
    %13 = gc.broadcast %arg6 dims = [2] {gc.block = 0 : i64} : tensor<8xf32> -> tensor<2x4x8xf32>
    %14 = gc.add %12, %13 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %15 = gc.reshape %14 {gc.block = 0 : i64} : tensor<2x4x8xf32> -> tensor<2x4x2x4xf32>
    %16 = gc.transpose %15 perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<2x4x2x4xf32> -> tensor<2x2x4x4xf32>
    %17 = gc.matmul %11, %arg7 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8xf32>
    %18 = gc.broadcast %arg8 dims = [2] {gc.block = 0 : i64} : tensor<8xf32> -> tensor<2x4x8xf32>
    %19 = gc.add %17, %18 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %20 = gc.reshape %19 {gc.block = 0 : i64} : tensor<2x4x8xf32> -> tensor<2x4x2x4xf32>
    %21 = gc.transpose %20 perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<2x4x2x4xf32> -> tensor<2x2x4x4xf32>
    %22 = gc.matmul %11, %arg9 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8xf32>
    %23 = gc.broadcast %arg10 dims = [2] {gc.block = 0 : i64} : tensor<8xf32> -> tensor<2x4x8xf32>
    %24 = gc.add %22, %23 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %25 = gc.reshape %24 {gc.block = 0 : i64} : tensor<2x4x8xf32> -> tensor<2x4x2x4xf32>
    %26 = gc.transpose %25 perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<2x4x2x4xf32> -> tensor<2x2x4x4xf32>
    %27 = gc.matmul %16, %21 transpose_rhs {gc.block = 0 : i64} : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
    %28 = gc.scale %27 by 5.000000e-01 {gc.block = 0 : i64} : tensor<2x2x4x4xf32>
    %29 = gc.broadcast %4 dims = [0, 1, 2, 3] {gc.block = 0 : i64} : tensor<2x1x1x4xf32> -> tensor<2x2x4x4xf32>
    %30 = gc.add %28, %29 {gc.block = 0 : i64} : tensor<2x2x4x4xf32>
    %31 = gc.softmax %30 dim = 3 {gc.block = 0 : i64} : tensor<2x2x4x4xf32>
    %32 = gc.dropout %31, %arg30 probability = 1.000000e-01 stream = 1 {gc.block = 0 : i64} : tensor<2x2x4x4xf32>
    %33 = gc.matmul %32, %26 {gc.block = 0 : i64} : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
    %34 = gc.transpose %33 perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<2x2x4x4xf32> -> tensor<2x4x2x4xf32>
    %35 = gc.reshape %34 {gc.block = 0 : i64} : tensor<2x4x2x4xf32> -> tensor<2x4x8xf32>
    %36 = gc.matmul %35, %arg11 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8xf32>
    %37 = gc.broadcast %arg12 dims = [2] {gc.block = 0 : i64} : tensor<8xf32> -> tensor<2x4x8xf32>
    %38 = gc.add %36, %37 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %39 = gc.dropout %38, %arg30 probability = 1.000000e-01 stream = 2 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %40 = gc.add %39, %11 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %result_0, %mean_1, %rstd_2 = gc.layer_norm %40, %arg13, %arg14 epsilon = 9.9999999999999998E-13 {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    %41 = gc.matmul %result_0, %arg15 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
    %42 = gc.broadcast %arg16 dims = [2] {gc.block = 0 : i64} : tensor<16xf32> -> tensor<2x4x16xf32>
    %43 = gc.add %41, %42 {gc.block = 0 : i64} : tensor<2x4x16xf32>
    %44 = gc.gelu %43 {gc.block = 0 : i64} : tensor<2x4x16xf32>
    %45 = gc.matmul %44, %arg17 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x16xf32>, tensor<8x16xf32>) -> tensor<2x4x8xf32>
    %46 = gc.broadcast %arg18 dims = [2] {gc.block = 0 : i64} : tensor<8xf32> -> tensor<2x4x8xf32>
    %47 = gc.add %45, %46 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %48 = gc.dropout %47, %arg30 probability = 1.000000e-01 stream = 3 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %49 = gc.add %48, %result_0 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %result_3, %mean_4, %rstd_5 = gc.layer_norm %49, %arg19, %arg20 epsilon = 9.9999999999999998E-13 {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    %50 = gc.matmul %result_3, %arg22 transpose_rhs : (tensor<2x4x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8xf32>
    %51 = gc.broadcast %arg23 dims = [2] : tensor<8xf32> -> tensor<2x4x8xf32>
    %52 = gc.add %50, %51 : tensor<2x4x8xf32>
    %53 = gc.gelu %52 : tensor<2x4x8xf32>
    %result_6, %mean_7, %rstd_8 = gc.layer_norm %53, %arg24, %arg25 epsilon = 9.9999999999999998E-13 : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    %54 = gc.matmul %result_6, %arg0 transpose_rhs : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
    %55 = gc.broadcast %arg21 dims = [2] : tensor<16xf32> -> tensor<2x4x16xf32>
    %56 = gc.add %54, %55 : tensor<2x4x16xf32>
    %57 = gc.reshape %56 : tensor<2x4x16xf32> -> tensor<8x16xf32>
    %58 = gc.reshape %arg29 : tensor<2x4xi64> -> tensor<8xi64>
    %59 = gc.cross_entropy %57, %58 ignore_index = -100 : (tensor<8x16xf32>, tensor<8xi64>) -> tensor<f32>
    return %59 : tensor<f32>
  }
}
