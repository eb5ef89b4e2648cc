// REQUIRES: cuda-execution
// The tiny BERT step compiled for CUDA runs (on the GPU, or in the CUDA host
// emulator where there is none) and agrees with the same step compiled for
// the CPU: three AdamW steps with dropout on and the same seed (the dropout
// masks are the same Philox draws on both), within the numerics contract's
// tolerance between backends (norm-wise relative 1e-4 per tensor, absolute
// 1e-7 per element for tensors that are rounding noise). Its measured arena
// high-water mark equals the planned one.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %tiny-bert --keep-gradients --target cpu --budget 0.7x -o %t/cpu
// RUN: %gc-compile-cuda %tiny-bert --keep-gradients --budget 0.7x -o %t/cuda
// RUN: gc-run %t/cpu --steps 3 --seed 7 --output %t/cpu.safetensors
// RUN: %gc-run-cuda %t/cuda --device cuda:0 --steps 3 --seed 7 --track-arena --output %t/cuda.safetensors | FileCheck %s
// RUN: python3 %gc_src_root/bench/gpu/compare_results.py %t/cuda.safetensors %t/cpu.safetensors | FileCheck %s --check-prefix=COMPARE
// CHECK: target cuda
// CHECK: arena: planned [[ARENA:[0-9]+]] bytes, high-water [[ARENA]] bytes
// COMPARE: RESULT verdict=PASS

// The same CUDA step run again gives bitwise the same results.
// RUN: %gc-run-cuda %t/cuda --device cuda:0 --steps 3 --seed 7 --output %t/cuda-again.safetensors
// RUN: cmp %t/cuda.safetensors %t/cuda-again.safetensors

// Without rematerialization the CUDA step gives bitwise the same results:
// recomputation runs the same kernels.
// RUN: %gc-compile-cuda %tiny-bert --keep-gradients --solver none -o %t/cuda-noremat
// RUN: %gc-run-cuda %t/cuda-noremat --device cuda:0 --steps 3 --seed 7 --output %t/cuda-noremat.safetensors
// RUN: cmp %t/cuda.safetensors %t/cuda-noremat.safetensors

// An embedding id outside the vocabulary stops the CUDA step with the op.
// RUN: python3 -c "import json,struct,sys; d=struct.pack('<512q',*([1000]*512)); h=json.dumps({'input_ids':{'dtype':'I64','shape':[8,64],'data_offsets':[0,len(d)]}}).encode(); sys.stdout.buffer.write(struct.pack('<Q',len(h))+h+d)" > %t/bad-ids.safetensors
// RUN: not %gc-run-cuda %t/cuda --device cuda:0 --inputs %t/bad-ids.safetensors 2>&1 | FileCheck %s --check-prefix=IDS
// IDS: gc-run: error: step 'bert_train_step' ({{.*}}libstep.so) failed on {{.*}}(cuda:0): gc.embedding at bert.embeddings.word_embeddings: invalid data: an embedding id is out of range
