// gc-compile --target: bad flags, a missing compiler and an infeasible
// budget are reported with a message and a non-zero exit, and leave no
// library behind.

// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target tpu -o %t.tpu 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: gc-compile: error: unsupported --target value 'tpu'; expected one of: cpu, cuda

// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu --emit remat -o %t.remat 2>&1 | FileCheck %s --check-prefix=EMIT
// EMIT: gc-compile: error: --target compiles a library; it cannot be combined with --emit remat

// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --emit library -o %t.lib 2>&1 | FileCheck %s --check-prefix=LIBRARY
// LIBRARY: gc-compile: error: --emit library needs --target cpu or --target cuda

// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu 2>&1 | FileCheck %s --check-prefix=STDOUT
// STDOUT: gc-compile: error: --target writes a directory; name it with -o DIR

// RUN: rm -rf %t.nvcc
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cuda --nvcc %t.no-such-nvcc -o %t.nvcc 2>&1 | FileCheck %s --check-prefix=NVCC
// RUN: not test -e %t.nvcc/libstep.so
// NVCC: gc-compile: error: the compiler '{{.*}}no-such-nvcc' does not exist or is not executable

// Data-parallel flags: a bucket size or world size needs --data-parallel,
// and must be a positive size / a number of ranks.
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu --bucket-size 1MiB -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-BUCKET
// DP-BUCKET: gc-compile: error: --bucket-size applies to a data-parallel step; add --data-parallel
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu --data-parallel --bucket-size 0 -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-ZERO
// DP-ZERO: gc-compile: error: --bucket-size expects a positive size such as 25MiB, but got '0'
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu --data-parallel --bucket-size 0.5x -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-FRACTION
// DP-FRACTION: gc-compile: error: --bucket-size expects a positive size such as 25MiB, but got '0.5x'
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu --data-parallel --world-size -2 -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-WORLD
// DP-WORLD: gc-compile: error: --world-size expects a number of ranks (or 0 for any), but got -2
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --target cpu --data-parallel --global-batch 8 -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-GLOBAL-WORLD
// DP-GLOBAL-WORLD: gc-compile: error: --global-batch needs --world-size N: the batch of each rank is the global batch divided by N
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --target cpu --data-parallel --world-size 4 --global-batch 6 -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-GLOBAL-MULTIPLE
// DP-GLOBAL-MULTIPLE: gc-compile: error: --global-batch expects a positive multiple of --world-size (4), but got 6
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu --data-parallel --world-size 2 --global-batch 4 -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-GLOBAL-BOTH
// DP-GLOBAL-BOTH: gc-compile: error: give the per-rank --batch or the group's --global-batch, not both
// RUN: not gc-compile %s --target cpu --data-parallel --world-size 2 --global-batch 4 -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-GLOBAL-MLIR
// DP-GLOBAL-MLIR: gc-compile: error: --global-batch applies to a model built from flags (--model)
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --target cpu --global-batch 4 -o %t.dp 2>&1 | FileCheck %s --check-prefix=DP-GLOBAL-ALONE
// DP-GLOBAL-ALONE: gc-compile: error: --global-batch applies to a data-parallel step; add --data-parallel
// RUN: not test -e %t.dp/libstep.so

// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu --budget 1KiB -o %t.budget 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not test -e %t.budget/libstep.so
// BUDGET: error: gc-remat: the budget of 1.00 KiB (1024 bytes) is below the smallest feasible budget
// BUDGET: gc-compile: error: the compilation pipeline failed

// A compiler error is reported with the end of its log.
// RUN: rm -rf %t.cxx && mkdir -p %t.cxx
// RUN: printf '#!/bin/sh\necho "fake compiler: out of disk space" >&2\nexit 3\n' > %t.cxx/fail-cxx && chmod +x %t.cxx/fail-cxx
// RUN: not gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu --cxx %t.cxx/fail-cxx -o %t.cxx/out 2>&1 | FileCheck %s --check-prefix=CXX
// CXX: gc-compile: error: fail-cxx failed on {{.*}}step.cpp; the last lines of {{.*}}compile.log:
// CXX-NEXT: fake compiler: out of disk space
