// gc-compile takes the forward function from an .mlir file as well as from
// --model: the file written by --emit forward compiles to a step whose
// results equal (exactly) those of the step built from the same flags.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --emit forward -o %t/forward.mlir
// RUN: gc-compile %t/forward.mlir --target cpu -o %t/from-file
// RUN: gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu -o %t/from-flags
// RUN: gc-run %t/from-file --steps 2 --seed 3 --output %t/from-file.safetensors | FileCheck %s
// RUN: gc-run %t/from-flags --steps 2 --seed 3 --output %t/from-flags.safetensors
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py --tol 0 %t/from-file.safetensors %t/from-flags.safetensors | FileCheck %s --check-prefix=COMPARE
// RUN: echo "not mlir" > %t/bad.mlir
// RUN: not gc-compile %t/bad.mlir --target cpu -o %t/bad 2>&1 | FileCheck %s --check-prefix=BAD
// CHECK: @bert_forward
// CHECK: step 2: loss =
// COMPARE: RESULT verdict=PASS tensors=80 failed=0
// BAD: bad.mlir:1:1: error:
