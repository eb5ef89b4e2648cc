// Bad input gives a located diagnostic and a non-zero exit, never a crash
// (`not` fails on a crash).
// RUN: split-file %s %t
// RUN: not gc-opt %t/syntax.mlir 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not gc-opt %t/shape.mlir 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not gc-opt %t/unknown.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not gc-opt %t/truncated.mlir 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not gc-opt %t/does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not gc-opt %t/binary.mlir 2>&1 | FileCheck %s --check-prefix=BINARY

// SYNTAX: syntax.mlir:2:17: error: expected ','
// SHAPE: shape.mlir:2:8: error: 'gc.matmul' op expected the contracted dimensions to agree, but lhs contracts 8 (dimension 1) and rhs contracts 6 (dimension 0)
// UNKNOWN: unknown.mlir:2:8: error: custom op 'gc.softplus' is unknown
// TRUNCATED: truncated.mlir:{{[0-9]+}}:{{[0-9]+}}: error:
// MISSING: cannot open input file '{{.*}}does-not-exist.mlir': No such file or directory
// BINARY: binary.mlir:1:2: error: @ identifier expected to start with letter or '_'

//--- syntax.mlir
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.add %a %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
//--- shape.mlir
func.func @f(%a: tensor<4x8xf32>, %b: tensor<6x16xf32>) -> tensor<4x16xf32> {
  %0 = gc.matmul %a, %b : (tensor<4x8xf32>, tensor<6x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
//--- unknown.mlir
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.softplus %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
//--- truncated.mlir
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = gc.exp %a : tensor<4x
//--- binary.mlir
@@@ garbage @@@
