#!/usr/bin/env bash
#===- gc-steps.sh - Benchmark the planner on gc's own BERT steps -----------===#
#
# Usage: bench/memplan/gc-steps.sh [build-dir] [memplan-bench.py flags...]
# Compiles the BERT-base and BERT-large training steps (batch 64, seq 512,
# fp32, AdamW) through gc-remat at a 75 GiB budget and gc-plan-memory
# (gc-compile --emit plan), turns each step's buffers (the memory-plan part of
# the report) into an id,lower,upper,size instance, and runs every planning
# strategy on them with memplan-bench.py. Outputs in bench/out/memplan/gc-steps/.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$ROOT/build"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  BUILD="$1"
  shift
fi
OUT="${GC_BENCH_OUT:-$ROOT/bench/out/memplan}/gc-steps"
mkdir -p "$OUT/data"
bash "$ROOT/scripts/build.sh" "$BUILD" gc-compile gc-plan

compile() { # compile <name> <gc-compile flags...>
  local name=$1
  shift
  "$BUILD/bin/gc-compile" --model bert "$@" --emit plan --budget 75GiB \
    --report "$OUT/$name.report.json" -o /dev/null
  python3 - "$OUT/$name.report.json" "$OUT/data/$name.csv" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))["memory_plan"]
with open(sys.argv[2], "w") as out:
    out.write("id,lower,upper,size\n")
    for i, b in enumerate(plan["buffers"]):
        out.write(f"{i},{b['first']},{b['last'] + 1},{b['bytes']}\n")
print(f"{sys.argv[2]}: {len(plan['buffers'])} buffers; gc-plan-memory's arena "
      f"{plan['arena_bytes']} bytes = {plan['arena_bytes'] / plan['lower_bound_bytes']:.4f}"
      f" x lower bound ({plan['strategy']}, {plan['plan_time_s']:.3f} s)")
PY
}
compile bert-base --layers 12 --hidden 768 --heads 12 --intermediate 3072
compile bert-large

python3 "$ROOT/bench/memplan/memplan-bench.py" --gc-plan "$BUILD/bin/gc-plan" \
  --data "$OUT/data" --out "$OUT" "$@" | tee "$OUT/report.txt"
