// The tiny BERT training step compiled to C++ (gc-compile --target cpu)
// computes bitwise what the interpreter computes on the same lowered IR:
// three steps with dropout on, from the same seed, at four solver/budget
// pairs (and both optimizers), with every gradient returned too. The
// loss, updated parameters, optimizer state and gradients written by the
// compiled run and by the interpreted run are byte-identical files, and the
// compiled step's measured arena high-water mark equals its planned size.
// The four solver/budget pairs build the eager-attention BERT (the budgets
// are fractions of its peak); the default, fused attention runs under auto
// at 0.9x of its own peak.

// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %tiny-bert --attention eager --keep-gradients --target cpu --solver auto --budget 0.7x -o %t/auto 2>&1 | FileCheck %s --check-prefix=COMPILE
// RUN: gc-run %t/auto --steps 3 --seed 7 --track-arena --output %t/auto.compiled.safetensors | FileCheck %s
// RUN: gc-run %t/auto/step.mlir --steps 3 --seed 7 --output %t/auto.interpreted.safetensors | FileCheck %s --check-prefix=INTERPRETED
// RUN: cmp %t/auto.compiled.safetensors %t/auto.interpreted.safetensors

// RUN: gc-compile %tiny-bert --attention eager --keep-gradients --target cpu --solver per-layer --budget 0.8x -o %t/per-layer
// RUN: gc-run %t/per-layer --steps 3 --seed 7 --track-arena --output %t/per-layer.compiled.safetensors | FileCheck %s
// RUN: gc-run %t/per-layer/step.mlir --steps 3 --seed 7 --output %t/per-layer.interpreted.safetensors
// RUN: cmp %t/per-layer.compiled.safetensors %t/per-layer.interpreted.safetensors

// RUN: gc-compile %tiny-bert --attention eager --keep-gradients --target cpu --solver greedy --budget 0.65x -o %t/greedy
// RUN: gc-run %t/greedy --steps 3 --seed 7 --track-arena --output %t/greedy.compiled.safetensors | FileCheck %s
// RUN: gc-run %t/greedy/step.mlir --steps 3 --seed 7 --output %t/greedy.interpreted.safetensors
// RUN: cmp %t/greedy.compiled.safetensors %t/greedy.interpreted.safetensors

// No rematerialization, SGD, another dropout seed.
// RUN: gc-compile %tiny-bert --attention eager --keep-gradients --optimizer sgd --lr 0.1 --target cpu --solver none -o %t/none
// RUN: gc-run %t/none --steps 3 --seed 7 --dropout-seed 11 --track-arena --output %t/none.compiled.safetensors | FileCheck %s
// RUN: gc-run %t/none/step.mlir --steps 3 --seed 7 --dropout-seed 11 --output %t/none.interpreted.safetensors
// RUN: cmp %t/none.compiled.safetensors %t/none.interpreted.safetensors

// RUN: gc-compile %tiny-bert --keep-gradients --target cpu --solver auto --budget 0.9x -o %t/fused
// RUN: gc-run %t/fused --steps 3 --seed 7 --track-arena --output %t/fused.compiled.safetensors | FileCheck %s
// RUN: gc-run %t/fused/step.mlir --steps 3 --seed 7 --output %t/fused.interpreted.safetensors
// RUN: cmp %t/fused.compiled.safetensors %t/fused.interpreted.safetensors

// COMPILE: gc-compile: cpu step: {{[0-9]+}} runtime kernel calls, {{[0-9]+}} fused kernel launches
// COMPILE: gc-compile: phases: build model {{.*}} gc-remat {{.*}} gc-plan-memory {{.*}} gc-lower-to-kernels {{.*}} emit {{.*}} host compiler {{.*}} total

// CHECK: target cpu, @bert_train_step
// CHECK: step 1: loss = [[L1:[0-9.]+]]
// CHECK: step 3: loss = [[L3:[0-9.]+]]
// CHECK: arena: planned [[ARENA:[0-9]+]] bytes, high-water [[ARENA]] bytes

// INTERPRETED: step 1: loss =
// INTERPRETED: step 3: loss =
