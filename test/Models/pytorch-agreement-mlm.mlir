// gc's BertForMaskedLM loss and gradients agree with PyTorch's. The golden
// files hold the weights and batch of a tiny configuration (padded rows,
// labels mixed with -100, dropout 0) and the loss and every parameter's
// gradient computed by Hugging Face transformers in train mode; see
// golden/README.md and scripts/make-bert-golden.py, which regenerates them.
// The key biases' gradients are exactly zero (softmax ignores a constant
// added to a row of scores), so they are checked as zero, not by relative
// error.
// RUN: gc-compile --model bert --emit forward --loss mlm --dtype f32 --layers 2 --hidden 32 --heads 4 --intermediate 64 --vocab 100 --seq 16 --batch 4 --max-position 32 --type-vocab 2 --pad-token-id 0 --dropout 0 --attention-dropout 0 --layer-norm-eps 1e-12 --hidden-act gelu -o %t.mlir
// RUN: gc-opt %t.mlir --gc-autodiff -o %t.grad.mlir
// RUN: gc-run %t.grad.mlir --inputs %S/golden/bert-mlm-inputs.safetensors --output %t.out.safetensors
// RUN: python3 %S/compare-safetensors.py %t.out.safetensors %S/golden/bert-mlm-expected.safetensors --loss-rtol 1e-5 --rtol 1e-4 --zero '*.attention.self.key.bias' | FileCheck %s

// CHECK: summary: 43 tensors compared, 0 failed; loss relative error {{.*}}: PASSED
