// The tiny BERT (seq 64, batch 8) compiled with --precision bf16-mixed and fp16-mixed
// (gc-autocast: matmuls and attention in 16 bits, master weights, gradients
// and AdamW state in f32), three AdamW steps with dropout 0.1:
//  - the compiled step computes bitwise what the interpreter computes on
//    the same lowered IR, for 1 and 2 threads;
//  - rematerialization stays bitwise neutral in every precision (a plan
//    under 0.9x of the peak gives the results of the plan without it);
//  - the loss stays within 1% of the fp32 step's after three steps;
//  - the memory plan reports its bytes by element type: 16-bit activations
//    in the arena, only f32 (and integer) persistent state.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %tiny-bert --keep-gradients --lr 1e-3 --target cpu --solver none -o %t/fp32
// RUN: gc-run %t/fp32 --steps 3 --seed 7 --output %t/fp32.safetensors

// RUN: gc-compile %tiny-bert --keep-gradients --lr 1e-3 --target cpu --precision bf16-mixed --solver none -o %t/bf16
// RUN: gc-compile %tiny-bert --keep-gradients --lr 1e-3 --target cpu --precision bf16-mixed --budget 0.9x -o %t/bf16-remat
// RUN: env GC_NUM_THREADS=1 gc-run %t/bf16 --steps 3 --seed 7 --track-arena --output %t/bf16.safetensors | FileCheck %s
// RUN: env GC_NUM_THREADS=2 gc-run %t/bf16 --steps 3 --seed 7 --output %t/bf16-2.safetensors
// RUN: gc-run %t/bf16-remat --steps 3 --seed 7 --output %t/bf16-remat.safetensors
// RUN: gc-run %t/bf16/step.mlir --steps 3 --seed 7 --output %t/bf16-interpreted.safetensors
// RUN: cmp %t/bf16.safetensors %t/bf16-2.safetensors
// RUN: cmp %t/bf16.safetensors %t/bf16-remat.safetensors
// RUN: cmp %t/bf16.safetensors %t/bf16-interpreted.safetensors

// RUN: gc-compile %tiny-bert --keep-gradients --lr 1e-3 --target cpu --precision fp16-mixed --attention eager --solver none -o %t/f16
// RUN: gc-compile %tiny-bert --keep-gradients --lr 1e-3 --target cpu --precision fp16-mixed --attention eager --budget 0.9x -o %t/f16-remat
// RUN: gc-run %t/f16 --steps 3 --seed 7 --track-arena --output %t/f16.safetensors | FileCheck %s
// RUN: gc-run %t/f16-remat --steps 3 --seed 7 --output %t/f16-remat.safetensors
// RUN: gc-run %t/f16/step.mlir --steps 3 --seed 7 --output %t/f16-interpreted.safetensors
// RUN: cmp %t/f16.safetensors %t/f16-remat.safetensors
// RUN: cmp %t/f16.safetensors %t/f16-interpreted.safetensors

// RUN: %python %S/Inputs/precision_report.py %t | FileCheck %s --check-prefix=REPORT
// CHECK: arena: planned [[ARENA:[0-9]+]] bytes, high-water [[ARENA]] bytes
// REPORT: bf16: recomputed True, 16-bit at the peak True, persistent f32,i64, loss within 1% of fp32 True
// REPORT: f16: recomputed True, 16-bit at the peak True, persistent f32,i64, loss within 1% of fp32 True

