// A checkpoint counts completed optimizer steps (torch.optim's
// state["step"]); both gc-run paths save and resume the same files, and a
// resumed run is bitwise the uninterrupted one.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile --layers 1 --hidden 8 --heads 2 --intermediate 16 --vocab 16 --seq 4 --batch 2 --max-position 8 --emit train -o %t/step.mlir
// RUN: gc-compile --layers 1 --hidden 8 --heads 2 --intermediate 16 --vocab 16 --seq 4 --batch 2 --max-position 8 --target cpu -o %t/lib > /dev/null 2>&1

// Interpreted: 4 steps, or 2 + 2 from the checkpoint (the dropout seed of
// step k is seed + k: the resumed run names its first).
// RUN: gc-run %t/step.mlir --steps 4 --save %t/four.safetensors --output %t/four-results.safetensors | FileCheck %s --check-prefix=SAVE
// SAVE: wrote 80 results to {{.*}}four-results.safetensors
// SAVE: wrote 79 parameters and optimizer state to {{.*}}four.safetensors
// RUN: gc-run %t/step.mlir --steps 2 --save %t/two.safetensors --output %t/two-results.safetensors
// RUN: python3 %S/read-scalar.py %t/two.safetensors optimizer.step | FileCheck %s --check-prefix=TWO
// RUN: python3 %S/read-scalar.py %t/two-results.safetensors optimizer.step | FileCheck %s --check-prefix=TWO
// TWO: 2
// RUN: gc-run %t/step.mlir --steps 2 --dropout-seed 2 --inputs %t/two.safetensors --save %t/resumed.safetensors
// RUN: cmp %t/four.safetensors %t/resumed.safetensors
// A results file resumes too: its loss is skipped, its counter counts.
// RUN: gc-run %t/step.mlir --steps 2 --dropout-seed 2 --inputs %t/two-results.safetensors --save %t/resumed-from-results.safetensors | FileCheck %s --check-prefix=SKIP
// SKIP: 1 results in the file skipped
// RUN: cmp %t/four.safetensors %t/resumed-from-results.safetensors

// Compiled: the same, and the files are interchangeable with the
// interpreter's (equal within the numerics contract's tolerance).
// RUN: gc-run %t/lib --steps 4 --save %t/c-four.safetensors
// RUN: gc-run %t/lib --steps 2 --save %t/c-two.safetensors
// RUN: python3 %S/read-scalar.py %t/c-two.safetensors optimizer.step | FileCheck %s --check-prefix=TWO
// RUN: gc-run %t/lib --steps 2 --dropout-seed 2 --inputs %t/c-two.safetensors --save %t/c-resumed.safetensors
// RUN: cmp %t/c-four.safetensors %t/c-resumed.safetensors
// RUN: gc-run %t/lib --steps 2 --dropout-seed 2 --inputs %t/two-results.safetensors --save %t/c-from-interpreted.safetensors
// RUN: python3 %S/../../Models/compare-safetensors.py %t/c-from-interpreted.safetensors %t/four.safetensors --rtol 1e-5 | FileCheck %s --check-prefix=CLOSE
// RUN: gc-run %t/step.mlir --steps 2 --dropout-seed 2 --inputs %t/c-two.safetensors --save %t/i-from-compiled.safetensors
// RUN: python3 %S/../../Models/compare-safetensors.py %t/i-from-compiled.safetensors %t/c-four.safetensors --rtol 1e-5 | FileCheck %s --check-prefix=CLOSE
// CLOSE: PASSED

// A count of completed steps is never negative.
// RUN: python3 %S/write-scalar.py %t/negative.safetensors optimizer.step -1
// RUN: not gc-run %t/step.mlir --inputs %t/negative.safetensors 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not gc-run %t/lib --inputs %t/negative.safetensors 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: negative.safetensors{{.*}}'optimizer.step' counts completed optimizer steps, so it must be between 0 and 2^63 - 2, but it is -1

// An attention mask holds 0 or 1: 2, -1 and -2^63 are refused by both paths.
// RUN: python3 %S/write-scalar.py %t/mask2.safetensors attention_mask 2 --shape 2,4
// RUN: not gc-run %t/step.mlir --inputs %t/mask2.safetensors 2>&1 | FileCheck %s --check-prefix=MASK2
// RUN: not gc-run %t/lib --inputs %t/mask2.safetensors 2>&1 | FileCheck %s --check-prefix=MASK2
// MASK2: mask2.safetensors{{.*}}element 0 of 'attention_mask' is 2, but {{.*}} is a mask: every element must be 0 (masked) or 1 (attended)
// RUN: python3 %S/write-scalar.py %t/mask-min.safetensors attention_mask -9223372036854775808 --shape 2,4
// RUN: not gc-run %t/step.mlir --inputs %t/mask-min.safetensors 2>&1 | FileCheck %s --check-prefix=MASKMIN
// RUN: not gc-run %t/lib --inputs %t/mask-min.safetensors 2>&1 | FileCheck %s --check-prefix=MASKMIN
// MASKMIN: element 0 of 'attention_mask' is -9.2233720368547758e+18
