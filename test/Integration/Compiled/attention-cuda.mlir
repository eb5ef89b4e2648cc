// REQUIRES: cuda-execution
// The fused-attention tiny BERT compiled for CUDA (on the GPU, or in the CUDA
// host emulator where there is none) agrees with the same step compiled for
// the CPU after three AdamW steps with dropout 0.1 (the same Philox draws on
// both), within the contract's tolerance between backends; a second run is
// bitwise the same, and so is a rematerialized plan (0.9x of the peak).
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %attention-bert --target cpu --attention=fused -o %t/cpu
// RUN: %gc-compile-cuda %attention-bert --attention=fused --solver none -o %t/cuda
// RUN: %gc-compile-cuda %attention-bert --attention=fused --budget 0.9x -o %t/cuda-remat
// RUN: gc-run %t/cpu --steps 3 --seed 7 --output %t/cpu.safetensors
// RUN: %gc-run-cuda %t/cuda --device cuda:0 --steps 3 --seed 7 --track-arena --output %t/cuda.safetensors | FileCheck %s
// RUN: %gc-run-cuda %t/cuda --device cuda:0 --steps 3 --seed 7 --output %t/cuda-again.safetensors
// RUN: %gc-run-cuda %t/cuda-remat --device cuda:0 --steps 3 --seed 7 --output %t/cuda-remat.safetensors
// RUN: cmp %t/cuda.safetensors %t/cuda-again.safetensors
// RUN: cmp %t/cuda.safetensors %t/cuda-remat.safetensors
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py %t/cuda.safetensors %t/cpu.safetensors | FileCheck %s --check-prefix=COMPARE
// CHECK: target cuda
// CHECK: arena: planned [[ARENA:[0-9]+]] bytes, high-water [[ARENA]] bytes
// COMPARE: RESULT verdict=PASS
