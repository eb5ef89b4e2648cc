"""Compares the rematerialization solvers on one differentiated step.

For each budget, runs gc-remat with every solver and checks that
  - `auto`'s recompute cost (the solvers' objective, `solver_recompute_cost_s`:
    per-op costs) is within 1% of `optimal`'s wherever `optimal`
    proves optimality (gap 0);
  - `auto` costs no more than any baseline (`per-layer`, `sqrt`, `greedy`)
    that meets the budget;
  - `auto`'s smallest feasible peak is below `per-layer`'s.
Prints a table of recompute costs and exits non-zero on a violation.
"""

import argparse
import json
import os
import subprocess
import sys


def solve(args, budget, solver):
    """Runs gc-remat; returns its report, or None when it fails."""
    report = os.path.join(args.work, f"{solver}-{budget}.json")
    result = subprocess.run(
        [args.gc_opt, args.step, "-o", os.devnull,
         f"--gc-remat=budget={budget} solver={solver} report={report} "
         f"time-limit={args.time_limit}"],
        capture_output=True, text=True)
    if result.returncode != 0:
        return None
    with open(report) as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gc-opt", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--time-limit", default="10")
    parser.add_argument("--optimal-budgets", default="",
                        help="budgets at which to run the exact solver")
    parser.add_argument("step")
    parser.add_argument("budgets", help="comma-separated budgets")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    failures = []
    optimal_budgets = set(filter(None, args.optimal_budgets.split(",")))
    auto_lowest = per_layer_peak = None
    for budget in args.budgets.split(","):
        row = {}
        for solver in ("auto", "per-layer", "sqrt", "greedy", "optimal"):
            if solver == "optimal" and budget not in optimal_budgets:
                continue
            row[solver] = solve(args, budget, solver)
        auto = row["auto"]
        if auto is None:
            failures.append(f"auto found no plan at {budget}")
            continue
        auto_lowest = auto["min_feasible_bytes"]
        if row["per-layer"]:
            per_layer_peak = row["per-layer"]["peak_bytes"]
        cost = {s: (r["solver_recompute_cost_s"] if r else None)
                for s, r in row.items()}
        print(f"budget {budget:6}: " + ", ".join(
            f"{s} {'-' if c is None else f'{c * 1e6:.3f} us'}"
            for s, c in cost.items()))
        for baseline in ("per-layer", "sqrt", "greedy"):
            if cost.get(baseline) is not None and \
                    cost["auto"] > cost[baseline] * (1 + 1e-9):
                failures.append(f"auto costs more than {baseline} at {budget}")
        optimal = row.get("optimal")
        if optimal and optimal["optimality_gap"] == 0 and \
                cost["auto"] > 1.01 * cost["optimal"]:
            failures.append(f"auto is more than 1% above optimal at {budget}")
    if per_layer_peak is not None and auto_lowest is not None:
        print(f"smallest feasible peak: auto {auto_lowest}, "
              f"per-layer {per_layer_peak}")
        if auto_lowest >= per_layer_peak:
            failures.append("auto's smallest feasible peak is not below "
                            "per-layer's")
    if failures:
        sys.exit("\n".join(failures))
    print("auto: within 1% of optimal where proven, never above a feasible "
          "baseline, lower minimum peak than per-layer")


if __name__ == "__main__":
    main()
