// The smallest feasible budget is one number per step: the same in the
// infeasible-budget error and in every report, whatever budget was asked for
// and whatever device profile prices the ops; auto meets it and refuses one
// byte less.
// RUN: python3 %S/check-min-feasible.py gc-compile --layers 3 --hidden 48 --heads 3 --intermediate 96 --vocab 100 --seq 24 --batch 3 | FileCheck %s
// RUN: python3 %S/check-min-feasible.py gc-compile --layers 2 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 16 --batch 2 --dropout 0 --attention-dropout 0 | FileCheck %s
// CHECK: smallest feasible budget: [[N:[0-9]+]]
// CHECK: h100: {{[0-9]+}} bytes refused, naming [[N]]
// CHECK: h100: budget [[N]] met, min_feasible_bytes [[N]]
// CHECK: cpu: greedy reports min_feasible_bytes [[N]]
// CHECK: ok

// The memory timeline names both figures: what the step allocates (planned:
// persistent + arena) and gc-remat's simulated peak.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile --layers 2 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 16 --batch 2 --emit plan --budget 1x -o /dev/null --report %t/report.json
// RUN: FileCheck %s --check-prefix=SVG < %t/memory.svg
// SVG: Memory of @bert_train_step — planned {{[0-9.]+}} GiB (persistent {{[0-9.]+}} GiB + arena {{[0-9.]+}} GiB)
// SVG: gc-remat, solver auto: simulated peak {{[0-9.]+}} GiB, budget {{[0-9.]+}} GiB, {{[0-9.]+}} GiB without remat
