// The tiny BERT with fused attention (one gc.attention per layer) against
// the same BERT with eager attention, three AdamW steps with dropout 0.1 and
// 70 tokens per sequence (two of the CPU kernel's 64-row blocks):
//  - the fused forward rounds where the eager ops do, so the losses are
//    bitwise equal; the gradients come from FlashAttention's backward
//    formula, within the contract's tolerance (norm-wise 1e-4 per tensor);
//  - the fused step plans a smaller arena (no stored scores or
//    probabilities);
//  - rematerialization stays bitwise neutral: a plan under 0.9x of the
//    fused step's peak gives the results of the plan without it;
//  - the step is bitwise the same for 1 and 2 threads.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %attention-bert --target cpu --attention=eager --solver none -o %t/eager
// RUN: gc-compile %attention-bert --target cpu --attention=fused --solver none -o %t/fused
// RUN: gc-compile %attention-bert --target cpu --attention=fused --budget 0.9x -o %t/fused-remat
// RUN: gc-run %t/eager --steps 3 --seed 7 --output %t/eager.safetensors
// RUN: env GC_NUM_THREADS=1 gc-run %t/fused --steps 3 --seed 7 --output %t/fused.safetensors | FileCheck %s --check-prefix=FUSED
// RUN: env GC_NUM_THREADS=2 gc-run %t/fused --steps 3 --seed 7 --output %t/fused-2.safetensors
// RUN: gc-run %t/fused-remat --steps 3 --seed 7 --output %t/fused-remat.safetensors
// RUN: cmp %t/fused.safetensors %t/fused-2.safetensors
// RUN: cmp %t/fused.safetensors %t/fused-remat.safetensors
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py %t/fused.safetensors %t/eager.safetensors | FileCheck %s --check-prefix=COMPARE
// RUN: python3 -c "import json,sys; e=json.load(open('%t/eager/report.json')); f=json.load(open('%t/fused/report.json')); r=json.load(open('%t/fused-remat/report.json')); print('arena smaller:', f['arena_bytes'] < e['arena_bytes'], 'recomputed:', r['num_clones'] > 0)" | FileCheck %s --check-prefix=PLAN
// FUSED: target cpu
// COMPARE: {{^}}loss {{.*}} 0.000e+00  0.000e+00  0.000e+00  ok
// COMPARE: RESULT verdict=PASS
// PLAN: arena smaller: True recomputed: True
