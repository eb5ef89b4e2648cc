// The planned step runs in one arena of the planned size: a tiny BERT
// training step (dropout on), rematerialized to 0.7x of its peak, then
// planned by gc-plan-memory. gc-run places every result at its planned
// offset: the arena's measured high-water mark equals the planned size, and
// three AdamW steps give bitwise the same loss, parameters and optimizer
// state as the unplanned execution.
// RUN: gc-compile --model bert --layers 2 --hidden 64 --heads 4 --intermediate 256 --vocab 128 --max-position 64 --seq 64 --batch 8 --dropout 0.1 --attention-dropout 0.1 --emit remat --budget 0.7x -o %t.step.mlir
// RUN: gc-opt %t.step.mlir --gc-plan-memory="report=%t.plan.json" -o %t.planned.mlir
// RUN: gc-run %t.step.mlir --steps 3 --output %t.unplanned.safetensors | FileCheck %s --check-prefix=UNPLANNED
// RUN: gc-run %t.planned.mlir --steps 3 --output %t.planned.safetensors | FileCheck %s
// RUN: cmp %t.unplanned.safetensors %t.planned.safetensors
// RUN: FileCheck %s --check-prefix=REPORT < %t.plan.json
// UNPLANNED-NOT: arena:
// CHECK: step 3: loss =
// CHECK: arena: planned [[ARENA:[0-9]+]] bytes, high-water [[ARENA]] bytes
// REPORT: "arena_bytes": [[ARENA:[0-9]+]]
// REPORT: "lower_bound_bytes":
// REPORT: "persistent_bytes": 1419536
// REPORT: "buffers": [
