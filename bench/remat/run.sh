#!/usr/bin/env bash
#===- run.sh - Build and run the rematerialization benchmark ---------------===#
#
# Usage: bench/remat/run.sh [build-dir] [gc-remat-bench flags...]
# Builds gc-remat-bench (scripts/build.sh into build-dir, default build/),
# sweeps every solver over the memory budgets of BERT-large and BERT-base,
# then draws the Pareto plots. The figures go to bench/out/remat/ (or
# $GC_BENCH_OUT): sweep.csv, reference.csv, speed.csv, report.txt (the
# printed tables) and pareto-<model>.svg. Flags after the build directory go
# to gc-remat-bench, e.g. --quick for a smoke run.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$ROOT/build"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  BUILD="$1"
  shift
fi
OUT="${GC_BENCH_OUT:-$ROOT/bench/out/remat}"

bash "$ROOT/scripts/build.sh" "$BUILD" gc-remat-bench

mkdir -p "$OUT"
# The tables go to the terminal and to report.txt; progress stays on stderr.
"$BUILD/bin/gc-remat-bench" --out "$OUT" "$@" | tee "$OUT/report.txt"
python3 "$ROOT/bench/remat/plot-pareto.py" "$OUT/sweep.csv" --out "$OUT" \
  > "$OUT/plots.txt"

echo
echo "== outputs in ${OUT#$ROOT/}"
echo "   sweep:     $OUT/sweep.csv"
echo "   reference: $OUT/reference.csv"
[ -f "$OUT/speed.csv" ] && echo "   speed:     $OUT/speed.csv"
echo "   tables:    $OUT/report.txt"
sed 's/^/   plot:      /' "$OUT/plots.txt"
rm -f "$OUT/plots.txt"
