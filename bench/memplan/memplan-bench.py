#!/usr/bin/env python3
"""Runs gc-plan with every strategy on every instance and tabulates results.

Each CSV in the data directory is one problem (id,lower,upper,size). For
every strategy, gc-plan prints a JSON summary; this script collects the
arena, the lower bound and the planning time, computes arena / lower bound
and, for MiniMalloc's instances (named NAME.CAPACITY.csv), arena / capacity,
prints one table per measure and writes every run to results.csv.

With --repeat N each run is repeated with seeds 1..N (the search phases are
randomized and stop at a time limit, so their results vary a little); the
tables show the worst run. With --check the targets are checked for the
default strategy: arena <= 1.001 x bound on bert_large_somas.csv, <= 1.10 x
capacity on MiniMalloc's instances, and at most 1 s per instance.

Pure standard library, no third-party packages.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys

STRATEGIES = ["greedy-size", "greedy-lifetime", "greedy-breadth",
              "local-search", "search", "best"]
TARGET_STRATEGY = "best"
BERT_TARGET = 1.001
CAPACITY_TARGET = 1.10
SECONDS_TARGET = 1.0


def capacity_of(name):
    """The capacity in a MiniMalloc file name such as A.1048576.csv."""
    match = re.fullmatch(r".*\.(\d+)\.csv", name)
    return int(match.group(1)) if match else None


def run(gc_plan, path, strategy, time_limit, seed):
    command = [gc_plan, path, "--strategy", strategy, "--time-limit",
               str(time_limit), "--seed", str(seed)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("gc-plan failed on %s with %s:\n%s" %
                 (path, strategy, result.stderr))
    return json.loads(result.stdout)


def format_table(title, instances, strategies, cell):
    width = max(12, max(len(s) for s in strategies) + 2)
    first = max(len("instance"), max(len(i) for i in instances))
    lines = [title,
             "instance".ljust(first) + "".join(s.rjust(width)
                                               for s in strategies)]
    for instance in instances:
        lines.append(instance.ljust(first) +
                     "".join(cell(instance, s).rjust(width)
                             for s in strategies))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gc-plan", required=True, help="gc-plan binary")
    parser.add_argument("--data", required=True,
                        help="directory of the instance CSV files")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--strategies", default=",".join(STRATEGIES),
                        help="comma-separated strategies (default: all)")
    parser.add_argument("--time-limit", type=float, default=1.0,
                        help="gc-plan --time-limit (default 1 s)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per strategy and instance, seeds 1..N")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if `best` misses a target")
    args = parser.parse_args()

    if not os.path.isdir(args.data):
        sys.exit("no data directory %s (pass --data or set GC_MEMPLAN_DATA)"
                 % args.data)
    files = sorted(f for f in os.listdir(args.data) if f.endswith(".csv"))
    if not files:
        sys.exit("no CSV files in %s" % args.data)
    strategies = args.strategies.split(",")
    os.makedirs(args.out, exist_ok=True)

    rows = []
    worst = {}  # (instance, strategy) -> worst run
    for name in files:
        path = os.path.join(args.data, name)
        capacity = capacity_of(name)
        for strategy in strategies:
            for seed in range(1, args.repeat + 1):
                summary = run(args.gc_plan, path, strategy, args.time_limit,
                              seed)
                bound = summary["lower_bound_bytes"]
                arena = summary["arena_bytes"]
                row = {
                    "instance": name,
                    "buffers": summary["buffers"],
                    "strategy": strategy,
                    "seed": seed,
                    "arena_bytes": arena,
                    "lower_bound_bytes": bound,
                    "ratio_to_bound": arena / bound if bound else 1.0,
                    "capacity_bytes": capacity or "",
                    "ratio_to_capacity": arena / capacity if capacity else "",
                    "seconds": summary["seconds"],
                    "optimal": summary["optimal"],
                    "found_by": summary["found_by"],
                }
                rows.append(row)
                key = (name, strategy)
                previous = worst.get(key)
                if previous is None:
                    worst[key] = dict(row)
                else:
                    previous["ratio_to_bound"] = max(previous["ratio_to_bound"],
                                                     row["ratio_to_bound"])
                    if capacity:
                        previous["ratio_to_capacity"] = max(
                            previous["ratio_to_capacity"],
                            row["ratio_to_capacity"])
                    previous["seconds"] = max(previous["seconds"],
                                              row["seconds"])
            print("%-24s %-16s done" % (name, strategy), file=sys.stderr)

    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)

    suffix = " (worst of %d runs)" % args.repeat if args.repeat > 1 else ""
    print(format_table("arena / lower bound" + suffix, files, strategies,
                       lambda i, s: "%.4f" % worst[(i, s)]["ratio_to_bound"]))
    print()
    capacity_files = [f for f in files if capacity_of(f)]
    if capacity_files:
        print(format_table(
            "arena / capacity (MiniMalloc's instances)" + suffix,
            capacity_files, strategies,
            lambda i, s: "%.4f" % worst[(i, s)]["ratio_to_capacity"]))
        print()
    print(format_table("seconds" + suffix, files, strategies,
                       lambda i, s: "%.3f" % worst[(i, s)]["seconds"]))
    print()
    print("results: %s" % os.path.join(args.out, "results.csv"))

    if TARGET_STRATEGY not in strategies:
        return 0
    misses = []
    for name in files:
        result = worst[(name, TARGET_STRATEGY)]
        if name.startswith("bert") and result["ratio_to_bound"] > BERT_TARGET:
            misses.append("%s: %.5f x bound > %.3f" %
                          (name, result["ratio_to_bound"], BERT_TARGET))
        if capacity_of(name) and result["ratio_to_capacity"] > CAPACITY_TARGET:
            misses.append("%s: %.4f x capacity > %.2f" %
                          (name, result["ratio_to_capacity"], CAPACITY_TARGET))
        if result["seconds"] > SECONDS_TARGET:
            misses.append("%s: %.3f s > %.1f s" %
                          (name, result["seconds"], SECONDS_TARGET))
    print("targets (%s): %s" % (TARGET_STRATEGY,
                                "all met" if not misses else "MISSED"))
    for miss in misses:
        print("  " + miss)
    return 1 if misses and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
