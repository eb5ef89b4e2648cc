"""Checks that rematerialization changes memory, never results.

For a differentiated training step, runs gc-remat with each solver at each
of its budgets, executes the rewritten step with gc-run (same seeds, dropout
on), and checks that
  - the loss and every gradient are bitwise identical to the step without
    rematerialization (the safetensors files are compared byte for byte);
  - gc-run's measured peak of live tensors equals the report's peak_bytes.
Prints one line per run and a summary; exits non-zero on any mismatch.
"""

import argparse
import json
import os
import re
import subprocess
import sys


def run(command):
    """Runs a command, returning its standard output; fails loudly."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(command)}\n"
                 f"{result.stderr}")
    return result.stdout


def execute(args, mlir, output):
    """Runs a step with gc-run; returns its measured peak in bytes."""
    log = run([args.gc_run, mlir, "--seed", "5", "--dropout-seed", "9",
               "--output", output])
    match = re.search(r"^peak live tensors: (\d+) bytes", log, re.M)
    if not match:
        sys.exit(f"no peak in gc-run's output:\n{log}")
    return int(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gc-opt", required=True)
    parser.add_argument("--gc-run", required=True)
    parser.add_argument("--work", required=True, help="scratch directory")
    parser.add_argument("step", help="a differentiated, scheduled step")
    parser.add_argument("cases", nargs="+",
                        help="SOLVER:BUDGET[,BUDGET...] (gc-remat options)")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    reference = os.path.join(args.work, "reference.safetensors")
    execute(args, args.step, reference)
    with open(reference, "rb") as f:
        expected = f.read()

    runs = 0
    for case in args.cases:
        solver, budgets = case.split(":")
        for budget in budgets.split(","):
            name = f"{solver}-{budget}"
            mlir = os.path.join(args.work, name + ".mlir")
            report = os.path.join(args.work, name + ".json")
            output = os.path.join(args.work, name + ".safetensors")
            run([args.gc_opt, args.step, "-o", mlir,
                 f"--gc-remat=budget={budget} solver={solver} "
                 f"report={report} time-limit=2"])
            with open(report) as f:
                planned = json.load(f)
            measured = execute(args, mlir, output)
            with open(output, "rb") as f:
                identical = f.read() == expected
            print(f"{solver:9} budget {budget:6} peak {planned['peak_bytes']:9} "
                  f"measured {measured:9} recomputed "
                  f"{planned['num_clones']:3} ops, outputs "
                  f"{'identical' if identical else 'DIFFERENT'}")
            if not identical:
                sys.exit(f"{name}: results differ from the step without "
                         "rematerialization")
            if measured != planned["peak_bytes"]:
                sys.exit(f"{name}: measured peak {measured} != planned "
                         f"{planned['peak_bytes']}")
            runs += 1
    print(f"{runs} runs: outputs bitwise identical to the step without "
          "rematerialization, measured peak equal to the planned peak")


if __name__ == "__main__":
    main()
