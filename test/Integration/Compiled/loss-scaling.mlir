// Dynamic loss scaling of an fp16-mixed step (AdamW, then SGD), compiled for
// the CPU and interpreted, as torch.cuda.amp.GradScaler does it:
//  - normal steps: the scale stays at 2^16 and every update happens; the
//    compiled step equals the interpreted one bitwise;
//  - a scale far too large (2^40, set in a checkpoint) makes the f16
//    gradients overflow: both steps are skipped (parameters and moments
//    bitwise unchanged, the optimizer step not advanced), the scale is
//    halved each time, gc-run says so, and compiled == interpreted bitwise;
//  - with the scale back in range training resumes and the scale grows
//    after growth_interval good steps (here checked by the kernels' unit
//    tests and the op's semantics; 2000 steps are too many for a test).
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile %attention-bert --attention eager --precision fp16-mixed --target cpu -o %t/step 2>&1 | FileCheck %s --check-prefix=COMPILE --allow-empty
// RUN: gc-run %t/step --steps 3 --seed 7 --save %t/three.safetensors --output %t/compiled.safetensors | FileCheck %s --check-prefix=NORMAL
// RUN: gc-run %t/step/step.mlir --steps 3 --seed 7 --output %t/interpreted.safetensors | FileCheck %s --check-prefix=NORMAL
// RUN: cmp %t/compiled.safetensors %t/interpreted.safetensors
// RUN: %python %S/Inputs/loss_scaling.py set-scale %t/three.safetensors %t/huge.safetensors 1099511627776
// RUN: gc-run %t/step --steps 2 --seed 11 --inputs %t/huge.safetensors --save %t/skipped.safetensors | FileCheck %s --check-prefix=SKIPPED
// RUN: gc-run %t/step/step.mlir --steps 2 --seed 11 --inputs %t/huge.safetensors --save %t/skipped-interpreted.safetensors | FileCheck %s --check-prefix=SKIPPED
// RUN: cmp %t/skipped.safetensors %t/skipped-interpreted.safetensors
// RUN: %python %S/Inputs/loss_scaling.py skipped %t/huge.safetensors %t/skipped.safetensors 2 | FileCheck %s --check-prefix=STATE
// RUN: %python %S/Inputs/loss_scaling.py set-scale %t/skipped.safetensors %t/back.safetensors 65536
// RUN: gc-run %t/step --steps 1 --seed 13 --inputs %t/back.safetensors --save %t/resumed.safetensors | FileCheck %s --check-prefix=RESUMED
// RUN: %python %S/Inputs/loss_scaling.py skipped %t/back.safetensors %t/resumed.safetensors 0 | FileCheck %s --check-prefix=UPDATED
//
// SGD under the same scaler: two overflowing steps leave every parameter
// bitwise unchanged, compiled == interpreted, and the update count
// (optimizer.step, which SGD gains under the scaler) stays where it was.
// RUN: gc-compile --model bert --layers 2 --hidden 64 --heads 4 --intermediate 128 --vocab 100 --max-position 128 --seq 70 --batch 3 --dropout 0.1 --attention eager --precision fp16-mixed --optimizer sgd --lr 0.1 --target cpu -o %t/sgd 2>&1 | FileCheck %s --check-prefix=COMPILE --allow-empty
// RUN: gc-run %t/sgd --steps 2 --seed 7 --save %t/sgd-two.safetensors | FileCheck %s --check-prefix=SGD-NORMAL
// RUN: %python %S/Inputs/loss_scaling.py set-scale %t/sgd-two.safetensors %t/sgd-huge.safetensors 1099511627776
// RUN: gc-run %t/sgd --steps 2 --seed 11 --inputs %t/sgd-huge.safetensors --save %t/sgd-skipped.safetensors | FileCheck %s --check-prefix=SKIPPED
// RUN: gc-run %t/sgd/step.mlir --steps 2 --seed 11 --inputs %t/sgd-huge.safetensors --save %t/sgd-skipped-interpreted.safetensors | FileCheck %s --check-prefix=SKIPPED
// RUN: cmp %t/sgd-skipped.safetensors %t/sgd-skipped-interpreted.safetensors
// RUN: %python %S/Inputs/loss_scaling.py skipped %t/sgd-huge.safetensors %t/sgd-skipped.safetensors 2 | FileCheck %s --check-prefix=SGD-STATE

// COMPILE-NOT: warning
// NORMAL: step 1: loss = {{[0-9.]+}}, loss scale 65536
// NORMAL: step 3: loss = {{[0-9.]+}}, loss scale 65536
// SKIPPED: step 1: loss = {{[0-9.]+}}, skipped (an inf or NaN gradient), loss scale 5.49756e+11
// SKIPPED: step 2: loss = {{[0-9.]+}}, skipped (an inf or NaN gradient), loss scale 2.74878e+11
// STATE: unchanged state: True
// STATE: optimizer.step: 3 -> 3
// STATE: growth tracker: 0
// STATE: loss scale halved 2 times: True
// RESUMED: step 1: loss = {{[0-9.]+}}, loss scale 65536
// UPDATED: unchanged state: False
// UPDATED: optimizer.step: 3 -> 4
// UPDATED: growth tracker: 1
// SGD-NORMAL: step 2: loss = {{[0-9.]+}}, loss scale 65536
// SGD-STATE: unchanged state: True
// SGD-STATE: optimizer.step: 2 -> 2
// SGD-STATE: growth tracker: 0
// SGD-STATE: loss scale halved 2 times: True
