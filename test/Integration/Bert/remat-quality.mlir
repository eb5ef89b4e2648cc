// Solver quality on a real step: a 4-layer BERT (hidden 64, seq 64, batch
// 8), differentiated and scheduled. At each budget auto must cost no more
// than per-layer, sqrt or greedy when they fit, stay within 1% of optimal
// where optimal proves its result, and reach a lower minimum peak than
// per-layer checkpointing.
// RUN: gc-compile --model bert --layers 4 --hidden 64 --heads 4 --intermediate 256 --vocab 128 --max-position 64 --seq 64 --batch 8 --emit forward | gc-opt --gc-autodiff --gc-schedule -o %t.step.mlir
// RUN: python3 %S/check-remat-quality.py --gc-opt gc-opt --work %t.dir --optimal-budgets 0.9x,0.8x %t.step.mlir 1x,0.9x,0.8x,0.7x,0.6x,0.5x,0.45x,0.4x | FileCheck %s
// CHECK: budget 0.9x  : auto {{.*}}, optimal
// CHECK: auto: within 1% of optimal where proven, never above a feasible baseline, lower minimum peak than per-layer
