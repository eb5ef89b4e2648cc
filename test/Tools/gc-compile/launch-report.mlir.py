"""Compares the launch report of report.json with the kernels the emulator
ran for one step (GC_CUDA_EMU_PROFILE's table): the same count per kernel."""
import collections
import json
import re
import sys

report = json.load(open(sys.argv[1]))["launches"]
listed = collections.Counter(
    entry["kernel"] for entry in report["list"] if entry["grid"][0] > 0)
for entry in report["list"]:
    for key in ("unit", "op", "kernel", "grid", "block", "threads",
                "under_filled", "unit_estimated_s"):
        assert key in entry, key
ran = collections.Counter()
for line in open(sys.argv[2]):
    match = re.match(r"\s+[0-9.]+ s\s+([0-9]+) launches\s+(.*)$", line)
    if match:
        kernel = match.group(2)
        if kernel.startswith("(") and kernel.endswith(")"):
            kernel = kernel[1:-1]
        ran[kernel] += int(match.group(1))
if listed != ran:
    print("launches differ:", dict(listed - ran), dict(ran - listed))
    sys.exit(1)
print("launches agree: %d kernel launches in the report, %d run" %
      (sum(listed.values()), sum(ran.values())))
