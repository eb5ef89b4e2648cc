// gc-compile --target cuda is gc-opt's gc-compile-step{target=cuda}
// followed by gc-translate --gc-to-cuda: byte-identical step.cu and step.h
// (the CUDA step plans its kernels' workspaces, which target=cuda turns on).

// REQUIRES: cuda-execution
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile --model bert --layers 2 --hidden 32 --heads 2 --intermediate 64 --vocab 100 --max-position 32 --seq 16 --batch 2 --emit forward --mlir-print-debuginfo -o %t/forward.mlir
// RUN: %gc-compile-cuda %t/forward.mlir --device a100 --lr 0.003 -o %t/lib 2>&1 | FileCheck %s
// CHECK: gc-compile: solving rematerialization (solver auto, budget device memory, device a100)
// RUN: gc-opt %t/forward.mlir --pass-pipeline='builtin.module(gc-compile-step{target=cuda device=a100 lr=0.003})' --mlir-print-debuginfo -o %t/lowered.mlir
// RUN: gc-translate --gc-to-cuda %t/lowered.mlir -o %t/step.cu
// RUN: gc-translate --gc-to-cuda-header %t/lowered.mlir -o %t/step.h
// RUN: cmp %t/step.cu %t/lib/step.cu
// RUN: cmp %t/step.h %t/lib/step.h
// RUN: grep -q gc.workspace_offset %t/lowered.mlir
