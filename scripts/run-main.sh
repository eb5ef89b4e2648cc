#!/usr/bin/env bash
#===- run-main.sh - The README's main job ---------------------------------===#
#
# Usage: scripts/run-main.sh [build-dir]
# Installs missing dependencies, builds gc, then runs gc-opt on the BERT-large
# encoder layer written in the gc dialect: verifies it, canonicalizes it,
# prints its op counts and writes the result to <build>/bert-layer.mlir.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
LAYER="$ROOT/test/Dialect/Gc/bert-layer.mlir"
OUT="$BUILD/bert-layer.mlir"

bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" "$BUILD"

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
