// gc-compile is gc-opt's gc-compile-step pipeline followed by gc-translate:
// from the same forward function and the same options (named alike on
// both), the two give byte-identical step.cpp, step.h and step.mlir. The
// non-default options check that each flag reaches the same pass option.

// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile --model bert --layers 2 --hidden 32 --heads 2 --intermediate 64 --vocab 100 --max-position 32 --seq 16 --batch 2 --dropout 0.1 --emit forward --mlir-print-debuginfo -o %t/forward.mlir

// The driver.
// RUN: gc-compile %t/forward.mlir --target cpu --optimizer sgd --lr 0.001 --weight-decay 0.02 --budget 0.9x --solver greedy --plan-strategy greedy-breadth -o %t/lib 2>&1 | FileCheck %s --check-prefix=DRIVER
// DRIVER: gc-compile: solving rematerialization (solver greedy, budget 0.9x, device cpu)
// DRIVER: gc-compile: wrote {{.*}}libstep.so

// The pipeline, then the translations.
// RUN: gc-opt %t/forward.mlir --pass-pipeline='builtin.module(gc-compile-step{target=cpu optimizer=sgd lr=0.001 weight-decay=0.02 budget=0.9x solver=greedy plan-strategy=greedy-breadth})' --mlir-print-debuginfo -o %t/lowered.mlir
// RUN: gc-translate --gc-to-cpp %t/lowered.mlir -o %t/step.cpp
// RUN: gc-translate --gc-to-cpp-header %t/lowered.mlir -o %t/step.h
// RUN: gc-opt %t/lowered.mlir -o %t/step.mlir
// RUN: cmp %t/step.cpp %t/lib/step.cpp
// RUN: cmp %t/step.h %t/lib/step.h
// RUN: diff -B %t/step.mlir %t/lib/step.mlir

// A different option gives a different step (the comparison can fail).
// RUN: gc-opt %t/forward.mlir --pass-pipeline='builtin.module(gc-compile-step{target=cpu optimizer=sgd lr=0.002 weight-decay=0.02 budget=0.9x solver=greedy plan-strategy=greedy-breadth})' --mlir-print-debuginfo | gc-translate --gc-to-cpp -o %t/other.cpp
// RUN: not cmp -s %t/other.cpp %t/lib/step.cpp

// A misspelled choice fails when the pipeline is parsed.
// RUN: not gc-opt %t/forward.mlir --pass-pipeline='builtin.module(gc-compile-step{target=tpu})' 2>&1 | FileCheck %s --check-prefix=BADTARGET
// BADTARGET: Cannot find option named 'tpu'!
