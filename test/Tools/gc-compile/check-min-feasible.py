#!/usr/bin/env python3
"""Check that gc-remat's smallest feasible budget is one number.

Usage: check-min-feasible.py GC_COMPILE [gc-compile model flags...]

Asks gc-compile --emit remat for an impossible budget and reads the smallest
feasible budget N from the error; then checks, for two devices (whose cost
models differ) and several budgets, that every report and every infeasible
diagnostic names the same N, that the default solver meets a budget of N
bytes and that it refuses N - 1. Prints one line per check and "ok" at the
end; exits 1 at the first failure.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

tool, flags = sys.argv[1], sys.argv[2:]
PATTERN = re.compile(r"smallest feasible budget, [^(]+\((\d+) bytes\)")


def compile_remat(budget, device, solver="auto"):
    """(exit status, stderr, min_feasible_bytes of the report or None)."""
    with tempfile.TemporaryDirectory() as work:
        report = os.path.join(work, "report.json")
        run = subprocess.run(
            [tool, *flags, "--emit", "remat", "--device", device, "--solver",
             solver, "--budget", str(budget), "-o", os.devnull, "--report",
             report], capture_output=True, text=True)
        minimum = None
        if run.returncode == 0:
            with open(report) as f:
                minimum = json.load(f)["min_feasible_bytes"]
        return run.returncode, run.stderr, minimum


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


status, stderr, _ = compile_remat("1KiB", "h100")
match = PATTERN.search(stderr)
if status == 0 or not match:
    fail("expected an infeasible-budget error, got: " + stderr)
smallest = int(match.group(1))
print("smallest feasible budget:", smallest)

for device in ["h100", "cpu"]:
    status, stderr, _ = compile_remat(smallest - 1, device)
    match = PATTERN.search(stderr)
    if status == 0 or not match or int(match.group(1)) != smallest:
        fail(f"{device}: budget {smallest - 1} should fail naming "
             f"{smallest}: {stderr}")
    print(f"{device}: {smallest - 1} bytes refused, naming {smallest}")
    for budget in [smallest, smallest + 4096, "1x"]:
        status, stderr, reported = compile_remat(budget, device)
        if status != 0 or reported != smallest:
            fail(f"{device}: budget {budget}: exit {status}, "
                 f"min_feasible_bytes {reported}: {stderr}")
        print(f"{device}: budget {budget} met, min_feasible_bytes {reported}")
    status, stderr, reported = compile_remat("1x", device, solver="greedy")
    if status != 0 or reported != smallest:
        fail(f"{device}: greedy: min_feasible_bytes {reported}: {stderr}")
    print(f"{device}: greedy reports min_feasible_bytes {reported}")
print("ok")
