"""Asserts that a training run's loss fell by a given factor.

Reads gc-run's output (lines "step N: loss = X") from standard input and
exits non-zero unless every loss is finite and the last one is at most
--max-ratio times the first. Prints the first and last loss and the ratio.
"""

import argparse
import math
import re
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-ratio", type=float, required=True,
                        help="largest accepted last/first loss ratio")
    parser.add_argument("--steps", type=int, required=True,
                        help="number of steps the run must report")
    args = parser.parse_args()

    losses = [float(m.group(1)) for m in
              re.finditer(r"^step \d+: loss = (\S+)$", sys.stdin.read(), re.M)]
    if len(losses) != args.steps:
        sys.exit(f"expected {args.steps} steps, found {len(losses)}")
    if not all(math.isfinite(loss) for loss in losses):
        sys.exit(f"non-finite loss in {losses}")
    ratio = losses[-1] / losses[0]
    print(f"first loss {losses[0]:.6f}, last loss {losses[-1]:.6f}, "
          f"ratio {ratio:.4f}")
    if ratio > args.max_ratio:
        sys.exit(f"loss ratio {ratio:.4f} exceeds {args.max_ratio}")
    print("loss decreased as required")


if __name__ == "__main__":
    main()
