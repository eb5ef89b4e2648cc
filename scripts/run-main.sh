#!/usr/bin/env bash
#===- run-main.sh - The README's main job ---------------------------------===#
#
# Usage: scripts/run-main.sh [build-dir]
# Installs missing dependencies, builds gc, then:
#  1. runs gc-opt on the BERT-large encoder layer written in the gc dialect
#     (verify, number dropout streams, canonicalize, print op counts);
#  2. compiles the reference BERT-large training step (batch 64, seq 512,
#     fp32, AdamW) for an 80 GB H100 under a 75 GiB budget and prints the
#     memory story: the peak without rematerialization, gc's plan, and what
#     per-layer checkpointing would cost;
#  3. plans its memory statically (one arena; report.json and the memory
#     timeline memory.svg in <build>/bert-large/);
#  4. trains a tiny BERT for 20 AdamW steps on the CPU with gc-run.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
LAYER="$ROOT/test/Dialect/Gc/bert-layer.mlir"
OUT="$BUILD/bert-layer.mlir"

bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" "$BUILD" gc-compile gc-run

echo
echo "== gc-opt: BERT-large encoder layer (batch 64, seq 512, hidden 1024, 16 heads)"
echo "   input: ${LAYER#$ROOT/}"
"$BUILD/bin/gc-opt" "$LAYER" \
  --pass-pipeline="builtin.module(func.func(gc-assign-dropout-streams),canonicalize,cse)" \
  -o "$OUT"
echo "   verified, dropout streams numbered, canonicalized: $OUT"
echo
echo "== operations in the layer"
"$BUILD/bin/gc-opt" "$OUT" --print-op-stats -o /dev/null 2>&1 |
  sed -n 's/^ *\(gc\.[a-z_]*\) *, *\([0-9]*\)$/   \1 \2/p'
echo
echo "== round trip: printing and re-parsing gives the same module"
if "$BUILD/bin/gc-opt" "$OUT" | "$BUILD/bin/gc-opt" | cmp -s - <("$BUILD/bin/gc-opt" "$OUT"); then
  echo "   identical"
else
  echo "   round trip changed the module" >&2
  exit 1
fi

echo
echo "== gc-compile: BERT-large training step (24 layers, hidden 1024, batch 64, seq 512, fp32, AdamW)"
echo "   rematerialized for an 80 GB H100 under a budget of 75 GiB"
OUT="$BUILD/bert-large"
mkdir -p "$OUT"
STEP="$OUT/step.mlir"
"$BUILD/bin/gc-compile" --model bert --emit plan --optimizer adamw --lr 1e-4 \
  --budget 75GiB --solver auto --device h100 --report "$OUT/report.json" \
  --summary -o "$STEP" 2>&1 | sed 's/^/   /'
"$BUILD/bin/gc-compile" --model bert --emit remat --budget 75GiB \
  --solver per-layer --device h100 --report "$BUILD/bert-large-per-layer.json" \
  -o /dev/null
echo "   written: $STEP, $OUT/report.json, $OUT/memory.svg (memory timeline)"
python3 - "$OUT/report.json" "$BUILD/bert-large-per-layer.json" <<'PY'
import json, sys
auto, layer = (json.load(open(path)) for path in sys.argv[1:3])
gib = lambda b: b / 2**30
device = 80e9
print()
print("== the memory story (simulated peak of live memory, parameters and optimizer state included)")
print(f"   without rematerialization  {gib(auto['no_remat_peak_bytes']):7.2f} GiB"
      f"  {'fits' if auto['no_remat_peak_bytes'] <= device else 'does not fit in 80 GB'}")
for name, r in (("gc (auto solver)", auto), ("per-layer checkpointing", layer)):
    print(f"   {name:26} {gib(r['peak_bytes']):7.2f} GiB  recomputes"
          f" {r['est_recompute_time_s'] * 1e3:7.1f} ms = {100 * r['recompute_overhead']:5.2f}%"
          f" of the {r['est_step_time_s']:.2f} s step (estimated)")
plan = auto["memory_plan"]
print(f"   static memory plan: {len(plan['buffers'])} buffers in one arena of"
      f" {gib(plan['arena_bytes']):.2f} GiB (lower bound {gib(plan['lower_bound_bytes']):.2f} GiB,"
      f" {plan['strategy']}, {plan['plan_time_s'] * 1e3:.0f} ms) + {gib(plan['persistent_bytes']):.2f} GiB persistent")
PY
echo
echo "== gc-run: a tiny BERT (2 layers, hidden 64, 4 heads, seq 16, batch 4, dropout 0.1) trained on the CPU"
TINY="$BUILD/bert-tiny-train.mlir"
"$BUILD/bin/gc-compile" --model bert --layers 2 --hidden 64 --heads 4 \
  --intermediate 256 --vocab 128 --max-position 64 --seq 16 --batch 4 \
  --emit train --optimizer adamw --lr 1e-3 -o "$TINY"
"$BUILD/bin/gc-run" "$TINY" --steps 20 --seed 7 | sed 's/^/   /'
