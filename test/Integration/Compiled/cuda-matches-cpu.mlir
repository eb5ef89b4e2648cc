// REQUIRES: cuda-device
// The tiny BERT step compiled for CUDA agrees with the same step compiled
// for the CPU (three steps with dropout on, the same seed: the dropout masks
// are the same Philox draws on both), within 1e-4 norm-wise relative error
// per tensor, and its measured arena high-water mark equals the planned one.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %tiny-bert --keep-gradients --target cpu --budget 0.7x -o %t/cpu
// RUN: gc-compile %tiny-bert --keep-gradients --target cuda --budget 0.7x -o %t/cuda
// RUN: gc-run %t/cpu --steps 3 --seed 7 --output %t/cpu.safetensors
// RUN: gc-run %t/cuda --device cuda:0 --steps 3 --seed 7 --track-arena --output %t/cuda.safetensors | FileCheck %s
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py %t/cuda.safetensors %t/cpu.safetensors | FileCheck %s --check-prefix=COMPARE
// CHECK: target cuda
// CHECK: arena: planned [[ARENA:[0-9]+]] bytes, high-water [[ARENA]] bytes
// COMPARE: RESULT verdict=PASS
