// The same input gives the same artifacts on an idle and on a busy machine:
// the planner's and the solvers' searches are budgeted by counted work, not
// by the wall clock (the wall clock is only a reported safety cap).

// The memory planner, stopped by its budget mid-search.
// RUN: rm -rf %t && mkdir -p %t
// RUN: python3 %S/make-instance.py 3000 7 > %t/instance.csv
// RUN: gc-plan %t/instance.csv --time-limit 0.2 --out %t/idle.csv | FileCheck %s --check-prefix=PLAN
// RUN: python3 %S/run-busy.py gc-plan %t/instance.csv --time-limit 0.2 --out %t/busy.csv
// RUN: cmp %t/idle.csv %t/busy.csv
// PLAN: "optimal": false
// PLAN-SAME: "wall_clock_cap_hit": false

// The exact remat solver, stopped by its node budget, and the whole
// compile: step.mlir and step.cpp byte for byte.
// RUN: gc-compile --layers 4 --hidden 32 --heads 2 --intermediate 128 --vocab 64 --seq 64 --batch 4 --solver optimal --time-limit 0.05 --budget 0.7x --target cpu -o %t/idle > /dev/null 2>&1
// RUN: python3 %S/run-busy.py gc-compile --layers 4 --hidden 32 --heads 2 --intermediate 128 --vocab 64 --seq 64 --batch 4 --solver optimal --time-limit 0.05 --budget 0.7x --target cpu -o %t/busy > /dev/null 2>&1
// RUN: cmp %t/idle/step.mlir %t/busy/step.mlir
// RUN: cmp %t/idle/step.cpp %t/busy/step.cpp
// RUN: cmp %t/idle/step.h %t/busy/step.h
// RUN: FileCheck %s --check-prefix=REPORT < %t/idle/report.json
// REPORT: "optimality_gap": 0.{{[0-9]*[1-9]}}
// REPORT: "wall_clock_cap_hit": false
