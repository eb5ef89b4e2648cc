// RUN: not gc-opt %s --gc-plan-memory="strategy=magic" 2>&1 | FileCheck %s --check-prefix=STRATEGY
// STRATEGY: for the --strategy option: Cannot find option named 'magic'!
// RUN: not gc-opt %s --gc-plan-memory="alignment=24" 2>&1 | FileCheck %s --check-prefix=ALIGN
// ALIGN: error: gc-plan-memory: expected a power-of-two alignment, but found 24
// RUN: not gc-opt %s --gc-plan-memory="report=%t/no/such/dir/r.json" 2>&1 | FileCheck %s --check-prefix=REPORT
// REPORT: error: gc-plan-memory: cannot write the report:
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = gc.exp %x : tensor<4xf32>
  return %a : tensor<4xf32>
}
