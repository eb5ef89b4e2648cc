// A tiny BERT (2 layers, hidden 64, 4 heads, seq 16, batch 4, dropout 0.1)
// trained for 50 AdamW steps on one fixed synthetic batch through the whole
// pipeline: the model builder, gc-autodiff, gc-optimizer and the CPU
// executor. The loss must fall to at most half of its first value.
// RUN: gc-compile --model bert --layers 2 --hidden 64 --heads 4 --intermediate 256 --vocab 128 --max-position 64 --seq 16 --batch 4 --dropout 0.1 --attention-dropout 0.1 --emit train --optimizer adamw --lr 1e-3 -o %t.mlir
// RUN: gc-run %t.mlir --steps 50 --seed 7 | tee %t.log | FileCheck %s
// RUN: python3 %S/check-loss-decrease.py --steps 50 --max-ratio 0.5 < %t.log | FileCheck %s --check-prefix=DECREASE
// CHECK: @bert_train_step: {{[0-9]+}} arguments
// CHECK: step 1: loss =
// CHECK: step 50: loss =
// CHECK: peak live tensors: {{[0-9]+}} bytes
// DECREASE: loss decreased as required

// The same with SGD, the other optimizer.
// RUN: gc-compile --model bert --layers 2 --hidden 64 --heads 4 --intermediate 256 --vocab 128 --max-position 64 --seq 16 --batch 4 --emit train --optimizer sgd --lr 0.5 -o %t.sgd.mlir
// RUN: gc-run %t.sgd.mlir --steps 50 | python3 %S/check-loss-decrease.py --steps 50 --max-ratio 0.9 | FileCheck %s --check-prefix=DECREASE
