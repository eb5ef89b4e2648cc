#!/usr/bin/env bash
#===- run-main.sh - The README's main job ---------------------------------===#
#
# Usage: scripts/run-main.sh [build-dir]
# Installs missing dependencies, builds gc, then:
#  1. runs gc-opt on the BERT-large encoder layer written in the gc dialect
#     (verify, number dropout streams, canonicalize, print op counts);
#  2. compiles the reference BERT-large training step (batch 64, seq 512,
#     fp32, AdamW) to gc IR with gc-compile and prints what it contains;
#  3. trains a tiny BERT for 20 AdamW steps on the CPU with gc-run.
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
STEP="$BUILD/bert-large-train.mlir"
"$BUILD/bin/gc-compile" --model bert --emit train --optimizer adamw --lr 1e-4 -o "$STEP"
echo "   written: $STEP ($(wc -c < "$STEP") bytes)"
params=$(grep -o 'gc.param' "$STEP" | wc -l)
# Each moment tensor is named once as an argument and once as a result.
moments=$(( $(grep -o 'gc.name = "optimizer.exp_avg' "$STEP" | wc -l) / 2 ))
echo "   arguments: $params parameter tensors, $moments AdamW moment tensors, the batch, the seed and the step"
echo "   operations:"
"$BUILD/bin/gc-opt" "$STEP" --print-op-stats -o /dev/null 2>&1 |
  sed -n 's/^ *\(gc\.[a-z_]*\) *, *\([0-9]*\)$/\1 \2/p' |
  awk '{ printf "     %-22s %5d%s", $1, $2, (NR % 3 ? "" : "\n") } END { if (NR % 3) print "" }'

echo
echo "== gc-run: a tiny BERT (2 layers, hidden 64, 4 heads, seq 16, batch 4, dropout 0.1) trained on the CPU"
TINY="$BUILD/bert-tiny-train.mlir"
"$BUILD/bin/gc-compile" --model bert --layers 2 --hidden 64 --heads 4 \
  --intermediate 256 --vocab 128 --max-position 64 --seq 16 --batch 4 \
  --emit train --optimizer adamw --lr 1e-3 -o "$TINY"
"$BUILD/bin/gc-run" "$TINY" --steps 20 --seed 7 | sed 's/^/   /'
