module {
  func.func @bert_forward(%arg0: tensor<20x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.word_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}, %arg1: tensor<8x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.position_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}, %arg2: tensor<2x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.embeddings.token_type_embeddings.weight", gc.param, gc.role = #gc.role<parameter>}, %arg3: tensor<8xf32> {gc.init = #gc.init<ones>, gc.name = "bert.embeddings.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}, %arg4: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.embeddings.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}, %arg5: tensor<8x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.attention.self.query.weight", gc.param, gc.role = #gc.role<parameter>}, %arg6: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.self.query.bias", gc.param, gc.role = #gc.role<parameter>}, %arg7: tensor<8x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.attention.self.key.weight", gc.param, gc.role = #gc.role<parameter>}, %arg8: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.self.key.bias", gc.param, gc.role = #gc.role<parameter>}, %arg9: tensor<8x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.attention.self.value.weight", gc.param, gc.role = #gc.role<parameter>}, %arg10: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.self.value.bias", gc.param, gc.role = #gc.role<parameter>}, %arg11: tensor<8x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.attention.output.dense.weight", gc.param, gc.role = #gc.role<parameter>}, %arg12: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.output.dense.bias", gc.param, gc.role = #gc.role<parameter>}, %arg13: tensor<8xf32> {gc.init = #gc.init<ones>, gc.name = "bert.encoder.layer.0.attention.output.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}, %arg14: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.attention.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}, %arg15: tensor<16x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.intermediate.dense.weight", gc.param, gc.role = #gc.role<parameter>}, %arg16: tensor<16xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.intermediate.dense.bias", gc.param, gc.role = #gc.role<parameter>}, %arg17: tensor<8x16xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "bert.encoder.layer.0.output.dense.weight", gc.param, gc.role = #gc.role<parameter>}, %arg18: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.output.dense.bias", gc.param, gc.role = #gc.role<parameter>}, %arg19: tensor<8xf32> {gc.init = #gc.init<ones>, gc.name = "bert.encoder.layer.0.output.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}, %arg20: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "bert.encoder.layer.0.output.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}, %arg21: tensor<20xf32> {gc.init = #gc.init<zeros>, gc.name = "cls.predictions.bias", gc.param, gc.role = #gc.role<parameter>}, %arg22: tensor<8x8xf32> {gc.init = #gc.init<normal, std = 2.000000e-02>, gc.name = "cls.predictions.transform.dense.weight", gc.param, gc.role = #gc.role<parameter>}, %arg23: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "cls.predictions.transform.dense.bias", gc.param, gc.role = #gc.role<parameter>}, %arg24: tensor<8xf32> {gc.init = #gc.init<ones>, gc.name = "cls.predictions.transform.LayerNorm.weight", gc.param, gc.role = #gc.role<parameter>}, %arg25: tensor<8xf32> {gc.init = #gc.init<zeros>, gc.name = "cls.predictions.transform.LayerNorm.bias", gc.param, gc.role = #gc.role<parameter>}, %arg26: tensor<2x4xi64> {gc.init = #gc.init<index, bound = 20>, gc.name = "input_ids", gc.role = #gc.role<batch>}, %arg27: tensor<2x4xi64> {gc.init = #gc.init<index, bound = 2>, gc.name = "token_type_ids", gc.role = #gc.role<batch>}, %arg28: tensor<2x4xi64> {gc.init = #gc.init<ones, binary>, gc.name = "attention_mask", gc.role = #gc.role<batch>}, %arg29: tensor<2x4xi64> {gc.init = #gc.init<index, bound = 20>, gc.name = "labels", gc.role = #gc.role<batch>}, %arg30: tensor<i64> {gc.init = #gc.init<seed>, gc.name = "seed", gc.role = #gc.role<seed>}) -> (tensor<f32> {gc.name = "loss"}) {
    %0 = gc.cast %arg28 : tensor<2x4xi64> -> tensor<2x4xf32>
    %1 = gc.reshape %0 : tensor<2x4xf32> -> tensor<2x1x1x4xf32>
    %2 = gc.constant dense<1.000000e+00> : tensor<2x1x1x4xf32>
    %3 = gc.sub %2, %1 : tensor<2x1x1x4xf32>
    %4 = gc.scale %3 by -3.4028234663852886E+38 : tensor<2x1x1x4xf32>
    %5 = gc.embedding %arg0, %arg26 padding_idx = 0 : (tensor<20x8xf32>, tensor<2x4xi64>) -> tensor<2x4x8xf32>
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
    %result_0, %lse = gc.attention %16, %21, %26 mask %4 seed %arg30 scale = 5.000000e-01 probability = 1.000000e-01 stream = 1 {gc.block = 0 : i64} : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>, tensor<2x1x1x4xf32>, tensor<i64>) -> (tensor<2x2x4x4xf32>, tensor<2x2x4xf32>)
    %27 = gc.transpose %result_0 perm = [0, 2, 1, 3] {gc.block = 0 : i64} : tensor<2x2x4x4xf32> -> tensor<2x4x2x4xf32>
    %28 = gc.reshape %27 {gc.block = 0 : i64} : tensor<2x4x2x4xf32> -> tensor<2x4x8xf32>
    %29 = gc.matmul %28, %arg11 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8xf32>
    %30 = gc.broadcast %arg12 dims = [2] {gc.block = 0 : i64} : tensor<8xf32> -> tensor<2x4x8xf32>
    %31 = gc.add %29, %30 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %32 = gc.dropout %31, %arg30 probability = 1.000000e-01 stream = 2 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %33 = gc.add %32, %11 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %result_1, %mean_2, %rstd_3 = gc.layer_norm %33, %arg13, %arg14 epsilon = 9.9999999999999998E-13 {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    %34 = gc.matmul %result_1, %arg15 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<16x8xf32>) -> tensor<2x4x16xf32>
    %35 = gc.broadcast %arg16 dims = [2] {gc.block = 0 : i64} : tensor<16xf32> -> tensor<2x4x16xf32>
    %36 = gc.add %34, %35 {gc.block = 0 : i64} : tensor<2x4x16xf32>
    %37 = gc.gelu %36 {gc.block = 0 : i64} : tensor<2x4x16xf32>
    %38 = gc.matmul %37, %arg17 transpose_rhs {gc.block = 0 : i64} : (tensor<2x4x16xf32>, tensor<8x16xf32>) -> tensor<2x4x8xf32>
    %39 = gc.broadcast %arg18 dims = [2] {gc.block = 0 : i64} : tensor<8xf32> -> tensor<2x4x8xf32>
    %40 = gc.add %38, %39 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %41 = gc.dropout %40, %arg30 probability = 1.000000e-01 stream = 3 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %42 = gc.add %41, %result_1 {gc.block = 0 : i64} : tensor<2x4x8xf32>
    %result_4, %mean_5, %rstd_6 = gc.layer_norm %42, %arg19, %arg20 epsilon = 9.9999999999999998E-13 {gc.block = 0 : i64} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    %43 = gc.matmul %result_4, %arg22 transpose_rhs : (tensor<2x4x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8xf32>
    %44 = gc.broadcast %arg23 dims = [2] : tensor<8xf32> -> tensor<2x4x8xf32>
    %45 = gc.add %43, %44 : tensor<2x4x8xf32>
    %46 = gc.gelu %45 : tensor<2x4x8xf32>
    %result_7, %mean_8, %rstd_9 = gc.layer_norm %46, %arg24, %arg25 epsilon = 9.9999999999999998E-13 : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    %47 = gc.matmul %result_7, %arg0 transpose_rhs : (tensor<2x4x8xf32>, tensor<20x8xf32>) -> tensor<2x4x20xf32>
    %48 = gc.broadcast %arg21 dims = [2] : tensor<20xf32> -> tensor<2x4x20xf32>
    %49 = gc.add %47, %48 : tensor<2x4x20xf32>
    %50 = gc.reshape %49 : tensor<2x4x20xf32> -> tensor<8x20xf32>
    %51 = gc.reshape %arg29 : tensor<2x4xi64> -> tensor<8xi64>
    %52 = gc.cross_entropy %50, %51 ignore_index = -100 : (tensor<8x20xf32>, tensor<8xi64>) -> tensor<f32>
    return %52 : tensor<f32>
  }
}
