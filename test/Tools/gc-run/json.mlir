// gc-run --json writes a compiled run's figures for scripts (the GPU
// benchmark driver): the loss and time of every step (the losses it prints),
// the median and minimum of the timed steps, tokens/s and the memory
// figures.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu -o %t/step
// RUN: gc-run %t/step --steps 3 --track-arena --json %t/run.json > %t/run.txt
// RUN: python3 %s.py %t/run.json %t/run.txt | FileCheck %s
// CHECK: json agrees with the printed run: 3 steps

// A file that cannot be written is an error, after the run.
// RUN: not gc-run %t/step --json /dev/full 2>&1 | FileCheck %s --check-prefix=FULL
// FULL: gc-run: error: cannot write '/dev/full'
