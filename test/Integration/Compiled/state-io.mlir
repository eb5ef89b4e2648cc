// A compiled step saves its parameters and optimizer state and starts again
// from them: two steps, save, then one step from the saved state with the
// third step's seed gives the same state as three steps in a row. A
// truncated checkpoint is rejected with a message and changes nothing.

// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %tiny-bert --target cpu --budget 0.7x -o %t/step
// RUN: gc-run %t/step --steps 3 --seed 7 --save %t/three.safetensors | FileCheck %s --check-prefix=THREE
// RUN: gc-run %t/step --steps 2 --seed 7 --save %t/two.safetensors
// RUN: gc-run %t/step --steps 1 --seed 7 --dropout-seed 9 --inputs %t/two.safetensors --save %t/resumed.safetensors | FileCheck %s --check-prefix=RESUMED
// RUN: cmp %t/three.safetensors %t/resumed.safetensors

// RUN: head -c 1000 %t/two.safetensors > %t/truncated.safetensors
// RUN: not gc-run %t/step --inputs %t/truncated.safetensors 2>&1 | FileCheck %s --check-prefix=TRUNCATED

// THREE: step 3: loss =
// RESUMED: step 1: loss =
// TRUNCATED: gc-run: error: {{.*}}truncated.safetensors
