// REQUIRES: cuda-emulation
// The launch report of a CUDA compile: every kernel launch of the step, as
// the runtime's own host code makes it (the step run once in the CUDA host
// emulator's record-only mode), with its grid, block, unit and the cost
// model's time; --print-launches N prints the N slowest units that launch
// kernels.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %gc-compile-cuda --model bert --layers 2 --hidden 64 --heads 4 --intermediate 256 --vocab 128 --max-position 64 --seq 64 --batch 8 --dropout 0.1 --attention-dropout 0.1 --budget 0.7x --print-launches 3 -o %t/step 2>&1 | FileCheck %s
// CHECK: gc-compile: the 3 slowest of {{[0-9]+}} kernel units on h100 (launch-limited ms, cost-model ms; grid x block = threads, * fewer than 67584 = 132 SMs x 2 x 256); library calls (cuBLAS) {{[0-9.]+}} ms:
// CHECK-NEXT: {{ +[0-9.]+ +[0-9.]+}} ms  gc.{{[a-z_]+}}
// CHECK-NEXT: {{ +[A-Za-z0-9_]+(<.*>)? [0-9]+x[0-9]+ = [0-9]+}}
// CHECK: gc-compile: {{[0-9]+}} kernel launches, {{[0-9]+}} with fewer threads than 132 SMs x 2 x 256; estimated step {{[0-9.]+}} ms on h100 ({{[0-9.]+}} ms launch-limited)

// The report lists the launches that the step makes when it runs: one step
// in the emulator launches exactly the kernels the report lists.
// RUN: env GC_CUDA_EMU_PROFILE=1 %gc-run-cuda %t/step --device cuda:0 --steps 1 2> %t/profile.txt
// RUN: python3 %s.py %t/step/report.json %t/profile.txt | FileCheck %s --check-prefix=SAME
// SAME: launches agree: [[N:[0-9]+]] kernel launches in the report, [[N]] run

// A CPU step has no launch report.
// RUN: gc-compile --model bert --layers 2 --hidden 64 --heads 4 --intermediate 256 --vocab 128 --max-position 64 --seq 64 --batch 8 --dropout 0.1 --attention-dropout 0.1 --target cpu -o %t/cpu 2>&1 | FileCheck %s --check-prefix=CPU
// CPU-NOT: with fewer threads than
