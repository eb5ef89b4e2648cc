// Dropout masks are a pure function of (seed, stream, element): two runs
// with the same seeds give bitwise-identical loss and gradients; another
// dropout seed gives other masks, hence other gradients. The parameters are
// the same in all runs (--seed 3); only --dropout-seed changes.
// RUN: gc-compile --model bert --layers 2 --hidden 32 --heads 4 --intermediate 64 --vocab 64 --max-position 32 --seq 8 --batch 2 --dropout 0.2 --attention-dropout 0.2 --emit forward -o %t.mlir
// RUN: gc-opt %t.mlir --gc-autodiff -o %t.grad.mlir
// RUN: gc-run %t.grad.mlir --seed 3 --dropout-seed 11 --output %t.a.safetensors | FileCheck %s
// RUN: gc-run %t.grad.mlir --seed 3 --dropout-seed 11 --output %t.b.safetensors
// RUN: cmp %t.a.safetensors %t.b.safetensors
// RUN: gc-run %t.grad.mlir --seed 3 --dropout-seed 12 --output %t.c.safetensors
// RUN: not cmp -s %t.a.safetensors %t.c.safetensors
// Without dropout the dropout seed does not matter.
// RUN: gc-compile --model bert --layers 2 --hidden 32 --heads 4 --intermediate 64 --vocab 64 --max-position 32 --seq 8 --batch 2 --dropout 0 --attention-dropout 0 --emit forward | gc-opt --gc-autodiff -o %t.nodrop.mlir
// RUN: gc-run %t.nodrop.mlir --seed 3 --dropout-seed 11 --output %t.d.safetensors
// RUN: gc-run %t.nodrop.mlir --seed 3 --dropout-seed 12 --output %t.e.safetensors
// RUN: cmp %t.d.safetensors %t.e.safetensors
// CHECK: wrote {{[0-9]+}} results to
