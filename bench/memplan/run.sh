#!/usr/bin/env bash
#===- run.sh - Build gc-plan and benchmark the memory planner -------------===#
#
# Usage: bench/memplan/run.sh [build-dir] [memplan-bench.py flags...]
# Builds gc-plan (scripts/build.sh into build-dir, default build/), then runs
# every planning strategy on every CSV of the public instances (by default
# ../shared/data/memplan relative to the repository root; --data DIR or
# $GC_MEMPLAN_DATA to change it) and prints a table of arena / lower bound,
# arena / capacity (for MiniMalloc's instances, whose names give the
# capacity) and seconds per strategy. The results go to bench/out/memplan/
# (or $GC_BENCH_OUT): results.csv and report.txt. Flags after the build
# directory go to memplan-bench.py, e.g. --repeat 5 or --check.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$ROOT/build"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  BUILD="$1"
  shift
fi
OUT="${GC_BENCH_OUT:-$ROOT/bench/out/memplan}"
DATA="${GC_MEMPLAN_DATA:-$ROOT/../shared/data/memplan}"

if [ -z "${GC_PLAN:-}" ]; then
  bash "$ROOT/scripts/build.sh" "$BUILD" gc-plan
  GC_PLAN="$BUILD/bin/gc-plan"
fi

mkdir -p "$OUT"
python3 "$ROOT/bench/memplan/memplan-bench.py" --gc-plan "$GC_PLAN" \
  --data "$DATA" --out "$OUT" "$@" | tee "$OUT/report.txt"
