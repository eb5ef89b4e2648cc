#!/usr/bin/env bash
#===- run.sh - Compile time of gc-compile --target, and CPU step time -----===#
#
# Usage: bench/codegen/run.sh [build-dir]
#
# 1. Compile time per phase of `gc-compile --target cuda|cpu` for BERT-base
#    (batch 32) and BERT-large (batch 64), seq 512, fp32, AdamW, rematerialized
#    under 75 GiB for an H100: the pipeline passes, emission, nvcc / the host
#    compiler (from each report.json's compile_time_s).
# 2. CPU step time of a small BERT (4 layers, hidden 256, 4 heads, seq 128,
#    batch 8) compiled for the CPU (gc-run on the library) against the same
#    step interpreted op by op (gc-run on its step.mlir), 6 steps each, first
#    step excluded; the two runs' results are compared byte for byte.
#
# Writes bench/out/codegen/compile-times.csv and cpu-step-time.csv and prints
# both as tables. Times are wall-clock on this machine; run it on an idle one.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
BIN="$BUILD/bin"
OUT="$ROOT/bench/out/codegen"
WORK="$OUT/work"
mkdir -p "$OUT" "$WORK"
[ -x "$BIN/gc-compile" ] || { echo "run.sh: build gc first (scripts/build.sh)" >&2; exit 1; }

TARGETS=(cpu)
if command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; then
  TARGETS=(cuda cpu)
fi

CSV="$OUT/compile-times.csv"
echo "model,target,phase,seconds" > "$CSV"
for model in base large; do
  if [ "$model" = base ]; then
    flags=(--layers 12 --hidden 768 --heads 12 --intermediate 3072 --batch 32)
  else
    flags=()
  fi
  for target in "${TARGETS[@]}"; do
    dir="$WORK/bert-$model-$target"
    rm -rf "$dir"
    echo "== gc-compile BERT-$model --target $target"
    "$BIN/gc-compile" --model bert "${flags[@]}" --budget 75GiB --solver auto \
      --device h100 --target "$target" -o "$dir" 2>&1 | grep "phases:" | sed 's/^/   /'
    python3 - "$dir/report.json" "$model" "$target" >> "$CSV" <<'PY'
import json, sys
report, model, target = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
for phase, seconds in report["compile_time_s"].items():
    print(f"{model},{target},{phase},{seconds:.4f}")
PY
  done
done

echo
echo "== CPU step time: compiled library against the interpreter (small BERT)"
SMALL="$WORK/bert-small-cpu"
rm -rf "$SMALL"
"$BIN/gc-compile" --model bert --layers 4 --hidden 256 --heads 4 \
  --intermediate 1024 --vocab 8192 --max-position 128 --seq 128 --batch 8 \
  --target cpu -o "$SMALL" 2>/dev/null
compiled=$("$BIN/gc-run" "$SMALL" --steps 6 --seed 1 --output "$WORK/compiled.safetensors" |
  sed -n 's/^step time: median \([0-9.]*\) ms.*/\1/p')
start=$(date +%s.%N)
"$BIN/gc-run" "$SMALL/step.mlir" --steps 1 --seed 1 > /dev/null
one=$(python3 -c "import time,sys; print((time.time() - float(sys.argv[1])) * 1e3)" "$start")
start=$(date +%s.%N)
"$BIN/gc-run" "$SMALL/step.mlir" --steps 6 --seed 1 --output "$WORK/interpreted.safetensors" > /dev/null
six=$(python3 -c "import time,sys; print((time.time() - float(sys.argv[1])) * 1e3)" "$start")
interpreted=$(python3 -c "import sys; print(f'{(float(sys.argv[2]) - float(sys.argv[1])) / 5:.3f}')" "$one" "$six")
same=no
cmp -s "$WORK/compiled.safetensors" "$WORK/interpreted.safetensors" && same=yes
echo "run,step_ms,bitwise_equal" > "$OUT/cpu-step-time.csv"
echo "compiled,$compiled,$same" >> "$OUT/cpu-step-time.csv"
echo "interpreted,$interpreted,$same" >> "$OUT/cpu-step-time.csv"

echo
python3 - "$CSV" "$OUT/cpu-step-time.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
runs = sorted({(r["model"], r["target"]) for r in rows})
phases = ["gc-remat", "gc-plan-memory", "gc-lower-to-kernels", "emit", "nvcc",
          "host compiler", "total"]
print("| step | " + " | ".join(phases) + " |")
print("|---" * (len(phases) + 1) + "|")
for model, target in runs:
    got = {r["phase"]: float(r["seconds"]) for r in rows
           if r["model"] == model and r["target"] == target}
    cells = [f"{got[p]:.2f}" if p in got else "-" for p in phases]
    print(f"| BERT-{model} {target} | " + " | ".join(cells) + " |")
print()
step = list(csv.DictReader(open(sys.argv[2])))
for r in step:
    print(f"small BERT on the CPU, {r['run']:11}: {float(r['step_ms']):9.1f} ms per step")
print(f"results bitwise equal: {step[0]['bitwise_equal']}")
PY
echo "wrote $CSV and $OUT/cpu-step-time.csv"
