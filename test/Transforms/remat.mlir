// gc-remat on small hand-written steps: decisions, the rewrite, the report.
// loss = sum(exp(tanh(exp(x)))) for x of 1024 f32 (4 KiB per tensor). The
// backward pass reads the three forward values. With elementwise ops
// writing in place into operands that die at them (as gc-plan-memory plans
// them), keeping them all peaks at 20488 bytes and recomputing the first
// exp (the cheapest to recompute, from the persistent x) at 16392 bytes;
// recomputing the last exp as well reaches the lowest, 16388 bytes.
// RUN: split-file %s %t

// Keep-all: nothing is cloned.
// RUN: gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=1x solver=none report=%t/none.json" | FileCheck %s --check-prefix=NONE --implicit-check-not=gc.recompute
// RUN: FileCheck %s --check-prefix=NONE-REPORT < %t/none.json
// NONE-LABEL: func.func @chain
// NONE-REPORT: "solver": "none"
// NONE-REPORT: "no_remat_peak_bytes": 20488
// NONE-REPORT: "peak_bytes": 20488
// NONE-REPORT: "min_feasible_bytes": 16388
// NONE-REPORT: "recompute_flops": 0
// NONE-REPORT: "num_clones": 0

// At 16392 bytes every exact or heuristic solver recomputes the first exp,
// cloned right before the backward op that reads it.
// RUN: gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=16392 solver=optimal report=%t/optimal.json" | FileCheck %s --check-prefix=PLAN
// RUN: FileCheck %s --check-prefix=REPORT < %t/optimal.json
// RUN: gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=16392 solver=auto" | FileCheck %s --check-prefix=PLAN
// RUN: gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=16392 solver=greedy" | FileCheck %s --check-prefix=PLAN
// A fraction of the no-remat peak: 0.85 x 20488 = 17414 bytes.
// RUN: gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=0.85x" | FileCheck %s --check-prefix=PLAN
// PLAN-LABEL: func.func @chain
// PLAN-SAME: (%[[X:.*]]: tensor<1024xf32>
// PLAN: %[[A:.*]] = gc.exp %[[X]] : tensor<1024xf32>
// PLAN: %[[B:.*]] = gc.tanh %[[A]]
// PLAN: %[[C:.*]] = gc.exp %[[B]]
// PLAN: gc.sub
// PLAN-NEXT: %[[D:.*]] = gc.mul %{{.*}}, %{{.*}} : tensor<1024xf32>
// PLAN-NEXT: %[[R:.*]] = gc.exp %[[X]] {gc.recompute} : tensor<1024xf32>
// PLAN-NEXT: %[[DX:.*]] = gc.mul %[[D]], %[[R]] : tensor<1024xf32>
// PLAN-NEXT: return %{{.*}}, %[[DX]]
// REPORT: "solver": "optimal"
// REPORT: "budget_bytes": 16392
// REPORT: "persistent_bytes": 4096
// REPORT: "no_remat_peak_bytes": 20488
// REPORT: "peak_bytes": 16392
// REPORT: "min_feasible_bytes": 16388
// REPORT: "optimality_gap": 0
// REPORT: "num_clones": 1
// REPORT: "activations": [
// REPORT: "name": "{{.*}}chain.mlir:2:8",
// REPORT-NEXT: "bytes": 4096,
// REPORT-NEXT: "block": null,
// REPORT-NEXT: "decision": "RECOMPUTE"
// REPORT: "name": "{{.*}}chain.mlir:3:8",
// REPORT: "decision": "SAVE"
// REPORT: "name": "{{.*}}chain.mlir:4:8",
// REPORT: "decision": "SAVE"

// The readable summary, as a remark.
// RUN: gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=16392 summary" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SUMMARY
// SUMMARY: remark: gc-remat @chain (solver auto, device h100)
// SUMMARY: budget             16.01 KiB
// SUMMARY: peak, no remat     20.01 KiB
// SUMMARY: peak, this plan    16.01 KiB (4.00 KiB persistent
// SUMMARY: recomputation {{.*}} 1 ops cloned
// SUMMARY: untagged: 2 saved (8.00 KiB), 1 recomputed (4.00 KiB)

// Errors.
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=16KiB" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// INFEASIBLE: chain.mlir:1:1: error: gc-remat: the budget of 16.00 KiB (16384 bytes) is below the smallest feasible budget, 16.00 KiB (16388 bytes): persistent memory (parameters, inputs, optimizer state) takes 4.00 KiB; the largest tensors live at the peak are
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=16392 solver=per-layer" 2>&1 | FileCheck %s --check-prefix=WEAK
// WEAK: error: gc-remat: solver 'per-layer' found no plan within the budget of 16.01 KiB (its plan peaks at 20.01 KiB), but solver 'auto' reaches 16.00 KiB
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="solver=magic" 2>&1 | FileCheck %s --check-prefix=SOLVER
// SOLVER: for the --solver option: Cannot find option named 'magic'!
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=75GiBs" 2>&1 | FileCheck %s --check-prefix=SUFFIX
// SUFFIX: error: gc-remat: invalid budget '75GiBs': unknown suffix 'GiBs'; expected bytes with an optional KiB/MiB/GiB/TiB or KB/MB/GB/TB suffix, or a fraction of the peak without rematerialization such as 0.5x
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=lots" 2>&1 | FileCheck %s --check-prefix=NUMBER
// NUMBER: error: gc-remat: invalid budget 'lots': it does not start with a number
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="budget=-1GiB" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: error: gc-remat: invalid budget '-1GiB': it is not positive
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="device=tpu" 2>&1 | FileCheck %s --check-prefix=DEVICE
// DEVICE: error: gc-remat: unknown device profile 'tpu' (known: h100, h200, a100, cpu)
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="device-profile=%t/missing.json" 2>&1 | FileCheck %s --check-prefix=PROFILE
// PROFILE: error: gc-remat: {{.*}}missing.json: cannot open the file
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="time-limit=0" 2>&1 | FileCheck %s --check-prefix=LIMIT
// LIMIT: error: gc-remat: expected a positive time-limit, but found 0
// RUN: not gc-opt %t/chain.mlir --gc-autodiff --gc-schedule --gc-remat="report=%t/no/such/dir/r.json" 2>&1 | FileCheck %s --check-prefix=REPORTPATH
// REPORTPATH: error: gc-remat: cannot write the report: {{.*}}
// RUN: not gc-opt %t/unscheduled.mlir --gc-remat 2>&1 | FileCheck %s --check-prefix=ORDER
// ORDER: error: gc-remat: the function is not a scheduled training step (forward op '{{.*}}unscheduled.mlir:4:8' comes after a backward op); run gc-schedule first
// RUN: not gc-opt %t/noloss.mlir --gc-remat 2>&1 | FileCheck %s --check-prefix=LOSS
// LOSS: error: expected a training step returning a loss

//--- chain.mlir
func.func @chain(%x: tensor<1024xf32> {gc.name = "x", gc.param}) -> (tensor<f32> {gc.name = "loss"}) {
  %a = gc.exp %x : tensor<1024xf32>
  %b = gc.tanh %a : tensor<1024xf32>
  %c = gc.exp %b : tensor<1024xf32>
  %l = gc.reduce_sum %c dims = [0] : tensor<1024xf32> -> tensor<f32>
  return %l : tensor<f32>
}
//--- unscheduled.mlir
func.func @f(%x: tensor<4xf32>) -> (tensor<f32> {gc.name = "loss"}, tensor<4xf32>) {
  %a = gc.exp %x : tensor<4xf32>
  %g = gc.neg %x : tensor<4xf32>
  %l = gc.reduce_sum %a dims = [0] : tensor<4xf32> -> tensor<f32>
  return %l, %g : tensor<f32>, tensor<4xf32>
}
//--- noloss.mlir
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = gc.exp %x : tensor<4xf32>
  return %a : tensor<4xf32>
}
