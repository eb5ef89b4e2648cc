// The numerics contract (docs/numerics.md) on a compiled step: a BERT step
// large enough that every parallel kernel is cut into several tasks (1024
// tokens, hidden 128, vocab 2000: GEMMs in up to 16 pieces, rows and
// element chunks in 8 or more tasks) gives byte-identical losses,
// parameters, optimizer state and gradients after three steps with 1, 2
// and 3 threads, set by --threads or by GC_NUM_THREADS. Rematerialization
// stays neutral in the compiled step too: the same step rematerialized
// under 0.7x of its peak writes the same bytes.

// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %bert-flags --keep-gradients --target cpu --solver none -o %t/none
// RUN: gc-run %t/none --steps 3 --seed 5 --threads 1 --output %t/threads1.safetensors | FileCheck %s
// RUN: gc-run %t/none --steps 3 --seed 5 --threads 2 --output %t/threads2.safetensors | FileCheck %s
// RUN: env GC_NUM_THREADS=3 gc-run %t/none --steps 3 --seed 5 --output %t/threads3.safetensors | FileCheck %s
// RUN: cmp %t/threads1.safetensors %t/threads2.safetensors
// RUN: cmp %t/threads1.safetensors %t/threads3.safetensors

// RUN: gc-compile %bert-flags --keep-gradients --target cpu --solver auto --budget 0.7x -o %t/remat
// RUN: gc-run %t/remat --steps 3 --seed 5 --threads 2 --output %t/remat.safetensors | FileCheck %s
// RUN: cmp %t/threads1.safetensors %t/remat.safetensors

// A thread count that is not a positive number is refused.
// RUN: not gc-run %t/none --threads 0 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not gc-run %t/none --threads=two 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not gc-run %t/none --threads 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK: step 3: loss =
// BAD: gc-run: error: --threads expects a positive thread count
