// Input that would crash a parser or a writer gets a located error and a
// non-zero exit from every tool that reads .mlir or writes files.

// Nesting far deeper than the bound: the parser's recursion never starts.
// RUN: python3 -c "print('func.func @f(%%a: ' + 'tensor<' * 50000 + 'f32' + '>' * 50000 + ')')" > %t.deep.mlir
// RUN: not gc-opt %t.deep.mlir 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: not gc-opt %t.deep.mlir --gc-remat-step 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: not gc-run %t.deep.mlir 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: not gc-compile %t.deep.mlir --emit train 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: not gc-translate --gc-to-cpp %t.deep.mlir 2>&1 | FileCheck %s --check-prefix=DEEP
// DEEP: .mlir:1:{{[0-9]+}}: error: brackets nest deeper than 256 levels, the most gc parses (expected at most 256 open '(', '[', '{' or '<' at once)

// Square brackets, parentheses and braces count alike; brackets inside
// strings and comments do not.
// RUN: python3 -c "print('%%x = \"gc.c\"() {v = ' + '[' * 300 + ']' * 300 + '} : () -> ()')" > %t.square.mlir
// RUN: not gc-opt %t.square.mlir 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: python3 -c "print('// ' + '(' * 300); print('func.func private @g() attributes {s = \"' + '{' * 300 + '\"}')" > %t.quoted.mlir
// RUN: gc-opt %t.quoted.mlir | FileCheck %s --check-prefix=QUOTED
// QUOTED: func.func private @g()

// At the bound itself everything parses (and fails later for its own reason
// where the IR is wrong).
// RUN: python3 -c "print('func.func private @h() attributes {v = ' + '[' * 255 + ']' * 255 + '}')" > %t.bound.mlir
// RUN: gc-opt %t.bound.mlir | FileCheck %s --check-prefix=BOUND
// BOUND: func.func private @h()

// A full device: the write fails with a message and no partial file.
// RUN: not gc-opt %s -o /dev/full 2>&1 | FileCheck %s --check-prefix=FULL-OPT
// FULL-OPT: gc-opt: error: cannot write '/dev/full': No space left on device
// RUN: not gc-compile --layers 1 --hidden 8 --heads 2 --intermediate 16 --vocab 16 --seq 4 --batch 1 --emit train -o /dev/full 2>&1 | FileCheck %s --check-prefix=FULL-COMPILE
// FULL-COMPILE: gc-compile: error: cannot write '/dev/full': No space left on device
// RUN: gc-compile --layers 1 --hidden 8 --heads 2 --intermediate 16 --vocab 16 --seq 4 --batch 1 --emit plan --budget 1x -o %t.plan.mlir
// RUN: gc-opt %t.plan.mlir --gc-lower-to-kernels -o %t.lowered.mlir
// RUN: not gc-translate --gc-to-cpp %t.lowered.mlir -o /dev/full 2>&1 | FileCheck %s --check-prefix=FULL-TRANSLATE
// FULL-TRANSLATE: gc-translate: error: cannot write '/dev/full': No space left on device
// RUN: not gc-opt %t.plan.mlir --gc-plan-memory=report=/dev/full -o /dev/null 2>&1 | FileCheck %s --check-prefix=FULL-REPORT
// FULL-REPORT: error: gc-plan-memory: cannot write the report: cannot write '/dev/full': No space left on device

func.func private @nothing()
