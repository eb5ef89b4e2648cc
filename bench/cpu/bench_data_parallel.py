#!/usr/bin/env python3
"""Data-parallel training on the CPU: tokens/s for 1 and 2 ranks.

    python3 bench/cpu/bench_data_parallel.py [--build build] [--rounds 5]

Compiles one BERT step with --data-parallel (per-rank batch --batch) and
runs it, rounds alternating, as
  1r x 1t  one rank, one thread (the collectives reduce over a group of one);
  2r x 1t  `mpirun -np 2`, one thread per rank: twice the tokens per step;
  1r x 2t  one rank of the batch 2 x --batch on two threads (the step
           compiled without --data-parallel): what the same two cores do
           without communication.
Each run times --steps steps (gc-run --json; the first step excluded); per
configuration the median and minimum of the runs' median step times and
tokens/s are reported. The communication that is not hidden behind compute
is the 2-rank step time minus the 1-rank one at the same per-rank batch and
thread count: the CPU backend's all-reduce is synchronous (MPI on the
calling thread), so it is all exposed, as this figure shows. Writes
bench/out/cpu/data_parallel.csv.
"""

import argparse
import csv
import json
import shlex
import statistics
import subprocess
import tempfile
from pathlib import Path

MPIRUN = ("mpirun --oversubscribe --allow-run-as-root --bind-to none "
          "--mca btl self,vader --mca btl_vader_single_copy_mechanism none "
          "--mca plm_rsh_agent false")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument(
        "--model", default="--model bert --layers 4 --hidden 256 --heads 4 "
        "--intermediate 1024 --vocab 8000 --max-position 128 --seq 128")
    args = parser.parse_args()
    bin_dir = Path(args.build) / "bin"
    work = Path(tempfile.mkdtemp(prefix="gc-dp-bench-"))
    model = shlex.split(args.model)

    def compile_step(name, batch, extra):
        subprocess.run([str(bin_dir / "gc-compile"), *model, "--batch",
                        str(batch), "--target", "cpu", "-o",
                        str(work / name), *extra], check=True,
                       capture_output=True)

    compile_step("dp", args.batch, ["--data-parallel"])
    compile_step("plain2b", 2 * args.batch, [])

    configs = {
        "1r x 1t": ([], "dp", 1),
        "2r x 1t": (shlex.split(MPIRUN) + ["-np", "2"], "dp", 1),
        "1r x 2t": ([], "plain2b", 2),
    }
    runs = {name: [] for name in configs}
    reductions = []
    for _ in range(args.rounds):
        for name, (launcher, step, threads) in configs.items():
            report = work / "run.json"
            subprocess.run(
                launcher + [str(bin_dir / "gc-run"), str(work / step),
                            "--steps", str(args.steps), "--threads",
                            str(threads), "--json", str(report)],
                check=True, capture_output=True)
            data = json.loads(report.read_text())
            runs[name].append((data["median_step_s"], data["tokens_per_s"]))
            if data.get("all_reduce_median_s") is not None:
                reductions.append((data["all_reduce_median_s"],
                                   data["all_reduce_waited_median_s"]))

    rows = []
    for name, results in runs.items():
        seconds = [s for s, _ in results]
        tokens = [t for _, t in results]
        rows.append({
            "config": name,
            "median_step_ms": round(statistics.median(seconds) * 1e3, 3),
            "min_step_ms": round(min(seconds) * 1e3, 3),
            "median_tokens_per_s": round(statistics.median(tokens)),
            "max_tokens_per_s": round(max(tokens)),
        })
    for row in rows:
        print(f"{row['config']}: step median {row['median_step_ms']} ms "
              f"(min {row['min_step_ms']}), tokens/s median "
              f"{row['median_tokens_per_s']} (max {row['max_tokens_per_s']})")
    one, two = rows[0], rows[1]
    exposed = two["median_step_ms"] - one["median_step_ms"]
    print(f"exposed communication (2r x 1t - 1r x 1t, same per-rank batch): "
          f"{exposed:.3f} ms per step, "
          f"{100 * exposed / two['median_step_ms']:.1f} % of the 2-rank step")
    reduce_ms = statistics.median(r for r, _ in reductions) * 1e3
    waited_ms = statistics.median(w for _, w in reductions) * 1e3
    print(f"2 ranks: all-reduce in flight {reduce_ms:.3f} ms per step "
          f"(rank 0, median), waited for {waited_ms:.3f} ms: "
          f"{100 * (1 - waited_ms / reduce_ms):.0f} % hidden behind the "
          "backward pass")
    for row in rows:
        row["all_reduce_ms"] = round(reduce_ms, 3) if row is two else ""
        row["all_reduce_waited_ms"] = round(waited_ms, 3) if row is two \
            else ""
    out = Path(__file__).resolve().parent.parent / "out" / "cpu"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "data_parallel.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out / 'data_parallel.csv'}")


if __name__ == "__main__":
    main()
