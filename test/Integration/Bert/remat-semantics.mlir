// Rematerialization changes memory, never results: a tiny BERT step with
// dropout on (2 layers, hidden 64, seq 64, batch 8), differentiated and
// scheduled, then rematerialized by every solver at 5 budgets each (the
// budget-independent per-layer and sqrt plans at budgets they meet). Every
// run's loss and gradients are bitwise identical to the step without
// rematerialization, and gc-run's measured peak equals the report's.
// RUN: gc-compile --model bert --attention eager --layers 2 --hidden 64 --heads 4 --intermediate 256 --vocab 128 --max-position 64 --seq 64 --batch 8 --dropout 0.1 --attention-dropout 0.1 --emit forward | gc-opt --gc-autodiff --gc-schedule -o %t.step.mlir
// RUN: python3 %S/check-remat-semantics.py --gc-opt gc-opt --gc-run gc-run --work %t.dir %t.step.mlir none:1x,1.1x,1.5x,2x,10x per-layer:1x,0.9x,0.8x,0.7x,0.6x sqrt:1x,0.99x,0.98x,0.975x,0.97x greedy:0.9x,0.8x,0.7x,0.6x,0.5x optimal:0.95x,0.9x,0.8x,0.7x,0.5x auto:0.9x,0.8x,0.7x,0.6x,0.5x | FileCheck %s
// CHECK-COUNT-30: outputs identical
// CHECK: 30 runs: outputs bitwise identical to the step without rematerialization, measured peak equal to the planned peak
