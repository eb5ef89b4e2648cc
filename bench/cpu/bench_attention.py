#!/usr/bin/env python3
"""gc's fused attention on the CPU against PyTorch's SDPA, side by side.

    PYTHONPATH=python GC_BUILD_DIR=build $PY bench/cpu/bench_attention.py \\
        [--threads 1,2] [--rounds 7]

($PY: the gc_torch environment, `bash scripts/install-torch.sh | tail -1`.)

One training step of an attention-only model: q, k, v parameters of shape
[batch, heads, seq, head_dim], loss = sum(SDPA(q, k, v, padding mask,
dropout 0.1) * w), the backward and an SGD update. gc compiles it with
gc_torch (one gc.attention and gc.attention_grad: FlashAttention-2 style,
scores never stored); PyTorch runs the same module eagerly
(torch.nn.functional.scaled_dot_product_attention, which on the CPU picks
its fused flash kernel when it can, and the math path otherwise) with
torch.optim.SGD. Rounds alternate gc and PyTorch in one process, each round
timing --steps steps after a warm-up; reported: median and minimum
per-step time and the ratio (> 1: gc faster). Writes
bench/out/cpu/attention.csv.
"""

import argparse
import csv
import statistics
import time
from pathlib import Path

import torch
import torch.nn.functional as F

import gc_torch

SHAPES = {  # name: (batch, heads, seq, head_dim)
    "bert-base-seq512": (4, 12, 512, 64),
    "bert-large-seq512": (2, 16, 512, 64),
    "seq2048": (1, 8, 2048, 64),
}


class AttentionOnly(torch.nn.Module):
    def __init__(self, batch, heads, seq, dim):
        super().__init__()
        shape = (batch, heads, seq, dim)
        self.q = torch.nn.Parameter(torch.randn(shape) * 0.5)
        self.k = torch.nn.Parameter(torch.randn(shape) * 0.5)
        self.v = torch.nn.Parameter(torch.randn(shape))

    def forward(self, mask, weight):
        out = F.scaled_dot_product_attention(self.q, self.k, self.v,
                                             attn_mask=mask.bool()[:, None,
                                                                   None, :],
                                             dropout_p=0.1)
        return (out * weight).sum()


def time_steps(run, steps):
    run()  # warm-up
    started = time.perf_counter()
    for _ in range(steps):
        run()
    return (time.perf_counter() - started) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    rows = []
    for name in args.shapes.split(","):
        batch, heads, seq, dim = SHAPES[name]
        torch.manual_seed(0)
        model = AttentionOnly(batch, heads, seq, dim).train()
        mask = torch.ones(batch, seq, dtype=torch.long)
        mask[-1, seq - seq // 8:] = 0
        data = {"mask": mask, "weight": torch.randn(batch, heads, seq, dim)}
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

        def torch_step():
            optimizer.zero_grad(set_to_none=True)
            model(**data).backward()
            optimizer.step()

        for threads in [int(t) for t in args.threads.split(",")]:
            torch.set_num_threads(threads)
            step = gc_torch.compile_training_step(
                model, data, loss_fn=lambda out, b: out,
                optimizer=gc_torch.SGD(lr=1e-3), num_threads=threads)
            gc_times, torch_times = [], []
            for _ in range(args.rounds):
                gc_times.append(time_steps(lambda: step(data), args.steps))
                torch_times.append(time_steps(torch_step, args.steps))
            step.close()
            row = {"shape": name, "batch": batch, "heads": heads, "seq": seq,
                   "head_dim": dim, "threads": threads,
                   "gc_median_ms": round(1e3 * statistics.median(gc_times), 2),
                   "gc_min_ms": round(1e3 * min(gc_times), 2),
                   "torch_median_ms": round(
                       1e3 * statistics.median(torch_times), 2),
                   "torch_min_ms": round(1e3 * min(torch_times), 2)}
            row["speedup_median"] = round(
                row["torch_median_ms"] / row["gc_median_ms"], 3)
            row["speedup_min"] = round(row["torch_min_ms"] / row["gc_min_ms"],
                                       3)
            rows.append(row)
            print(", ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    out = Path(__file__).resolve().parents[1] / "out" / "cpu"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "attention.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out / 'attention.csv'}")


if __name__ == "__main__":
    main()
