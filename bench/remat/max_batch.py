#!/usr/bin/env python3
"""The largest BERT-large batch that fits one GPU, by attention and remat.

    python3 bench/remat/max_batch.py [--build build] [--seqs 512,2048]
                                     [--budget 75GiB] [--device h100]
                                     [--max-overhead 0.03]
                                     [--precisions fp32,bf16-mixed]

For BERT-large (24 layers, hidden 1024, 16 heads, MLM loss, AdamW) at each
sequence length (max-position raised to it), each precision (fp32, or
bf16-mixed: gc-autocast, fp32 master weights) and each of

    eager   / no remat   eager attention, every activation kept
    eager   / remat      eager attention, gc-remat's auto solver
    fused   / no remat   one gc.attention per layer, every activation kept
    fused   / remat      fused attention and gc-remat's auto solver

finds the largest batch whose planned peak fits the budget (default 75 GiB,
what an 80 GB H100 leaves to a step) — with remat, at an estimated
recompute overhead of at most --max-overhead (3 %). Each point is one
`gc-compile --model bert --emit remat` (the plan, the cost model's
estimate; no GPU involved), found by doubling then bisection (the peak
grows with the batch). Prints a table and writes
bench/out/max-batch.csv.
"""

import argparse
import csv
import itertools
import json
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def plan(args, seq, batch, attention, remat, precision):
    """(fits, peak bytes, overhead) of one configuration."""
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "report.json"
        command = [
            str(Path(args.build) / "bin" / "gc-compile"), "--model", "bert",
            "--emit", "remat", "--optimizer", "adamw",
            f"--seq={seq}", f"--max-position={max(512, seq)}",
            f"--batch={batch}", f"--attention={attention}",
            f"--precision={precision}",
            f"--device={args.device}", f"--budget={args.budget}",
            f"--solver={'auto' if remat else 'none'}",
            f"--report={report}", "-o", str(Path(work) / "step.mlir")]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0 or not report.exists():
            return False, None, None
        r = json.loads(report.read_text())
    overhead = r.get("recompute_overhead", 0.0)
    fits = r["peak_bytes"] <= r["budget_bytes"] and \
        (not remat or overhead <= args.max_overhead)
    return fits, r["peak_bytes"], overhead


def largest_batch(args, seq, attention, remat, precision):
    def fits(batch):
        return plan(args, seq, batch, attention, remat, precision)

    low, high = 0, 1
    while fits(high)[0]:
        low, high = high, high * 2
        if high > 4096:
            break
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle)[0]:
            low = middle
        else:
            high = middle
    if low == 0:
        return 0, None, None
    _, peak, overhead = fits(low)
    return low, peak, overhead


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--seqs", default="512,2048")
    parser.add_argument("--budget", default="75GiB")
    parser.add_argument("--device", default="h100")
    parser.add_argument("--max-overhead", type=float, default=0.03)
    parser.add_argument("--precisions", default="fp32,bf16-mixed")
    args = parser.parse_args()
    rows = []
    print(f"BERT-large, AdamW, budget {args.budget} on {args.device}; "
          f"remat at <= {100 * args.max_overhead:.0f} % estimated overhead")
    print(f"{'seq':>5}  {'precision':<10} {'attention':<9} {'remat':<6} "
          f"{'batch':>6} {'peak GiB':>9} {'overhead':>9}")
    for seq, precision, attention, remat in itertools.product(
            [int(s) for s in args.seqs.split(",")],
            args.precisions.split(","), ("eager", "fused"), (False, True)):
        batch, peak, overhead = largest_batch(args, seq, attention,
                                              remat, precision)
        row = {"seq": seq, "precision": precision,
               "attention": attention,
               "remat": "auto" if remat else "none",
               "max_batch": batch,
               "peak_gib": round(peak / 2**30, 2) if peak else "",
               "recompute_overhead_percent":
                   round(100 * overhead, 2) if overhead is not None
                   else ""}
        rows.append(row)
        print(f"{seq:>5}  {precision:<10} {attention:<9} "
              f"{row['remat']:<6} "
              f"{batch:>6} {row['peak_gib']:>9} "
              f"{row['recompute_overhead_percent']:>8}%", flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    with open(out / "max-batch.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out / 'max-batch.csv'}")


if __name__ == "__main__":
    main()
