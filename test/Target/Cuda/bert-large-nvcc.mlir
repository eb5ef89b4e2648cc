// REQUIRES: nvcc
// The reference training step — BERT-large (24 layers, hidden 1024, 16
// heads), batch 64, sequence 512, fp32, AdamW, eager attention (whose
// stored scores make it overflow 80 GB) — rematerialized under 75 GiB
// for an 80 GB H100, emitted as CUDA, compiled and linked by nvcc for sm_90.
// Compile-only: it runs where a GPU is (bench/gpu/run.sh). Without a GPU a
// CPU session refuses the CUDA library with a clear message.
// RUN: rm -rf %t
// RUN: gc-compile --model bert --attention eager --budget 75GiB --solver auto --device h100 --target cuda -o %t 2>&1 | FileCheck %s
// RUN: test -s %t/libstep.so
// RUN: nm -D %t/libstep.so | FileCheck %s --check-prefix=SYMBOLS
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.json
// RUN: not gc-run %t --device cpu 2>&1 | FileCheck %s --check-prefix=MISMATCH

// CHECK: gc-compile: solving rematerialization (solver auto, budget 75GiB, device h100)
// CHECK: gc-compile: nvcc step.cu -> {{.*}}libstep.so
// CHECK: gc-compile: cuda step: {{[0-9]+}} runtime kernel calls, {{[0-9]+}} fused kernel launches ({{[0-9]+}} gc ops, {{[0-9]+}} distinct kernels); arena {{[0-9]+}} bytes ({{6[0-9]|7[0-4]}}.{{[0-9]+}} GiB
// CHECK: gc-compile: phases: {{.*}} nvcc {{.*}} total

// SYMBOLS: T gc_step_get_descriptor

// REPORT: "arena_bytes":
// REPORT: "compile_time_s": {
// REPORT: "nvcc":
// REPORT: "kernels": {
// REPORT: "target": "cuda"

// MISMATCH: gc-run: error: {{.*}}cuda{{.*}}cpu
