#!/usr/bin/env bash
#===- run-main.sh - The README's main job ---------------------------------===#
#
# Usage: scripts/run-main.sh [build-dir]
# Installs missing dependencies, builds gc, then:
#  1. runs gc-opt on the BERT-large encoder layer written in the gc dialect
#     (verify, number dropout streams, canonicalize, print op counts);
#  2. compiles the reference BERT-large training step (batch 64, seq 512,
#     fp32, AdamW) ahead of time for CUDA (the CPU where nvcc is missing),
#     rematerialized for an 80 GB H100 under a 75 GiB budget, into
#     <build>/bert-large/ (libstep.so, step.cu, step.h, report.json,
#     memory.svg), and prints the memory story: the peak without
#     rematerialization, gc's plan, what per-layer checkpointing would cost,
#     the static arena and the compile time;
#  3. runs that step on the GPU when one is present;
#  4. compiles a tiny BERT for the CPU and trains it for 20 AdamW steps with
#     gc-run on the compiled library;
#  5. the same scenario from PyTorch with gc_torch: Hugging Face BertModel
#     at BERT-large with the mean of last_hidden_state (examples/
#     bert_large_memory.py), and a tiny BertForMaskedLM trained on the CPU
#     (examples/train_tiny_bert.py). Installs the torch environment first
#     (scripts/install-torch.sh); GC_NO_TORCH=1 skips this part.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
LAYER="$ROOT/test/Dialect/Gc/bert-layer.mlir"
OUT="$BUILD/bert-layer.mlir"

bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh" "$BUILD" gc-compile gc-run gc_rt

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

# CUDA when nvcc is there (it compiles and links without a GPU); the C++
# twin otherwise.
TARGET=cuda SOURCE=step.cu
if ! command -v nvcc >/dev/null 2>&1 && [ ! -x /usr/local/cuda/bin/nvcc ]; then
  TARGET=cpu SOURCE=step.cpp
fi
HAVE_GPU=0
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q GPU; then
  HAVE_GPU=1
fi

echo
echo "== gc-compile: BERT-large training step (24 layers, hidden 1024, 16 heads, batch 64, seq 512, fp32, AdamW,"
echo "   eager attention: the reference scenario, whose stored attention scores overflow 80 GB)"
echo "   rematerialized for an 80 GB H100 under a budget of 75 GiB, compiled ahead of time for $TARGET"
OUT="$BUILD/bert-large"
rm -rf "$OUT"
"$BUILD/bin/gc-compile" --model bert --attention eager --target "$TARGET" \
  --optimizer adamw --lr 1e-4 --budget 75GiB --solver auto --device h100 \
  --summary -o "$OUT" 2>&1 | sed 's/^/   /'
"$BUILD/bin/gc-compile" --model bert --attention eager --emit remat \
  --budget 75GiB --solver per-layer --device h100 \
  --report "$BUILD/bert-large-per-layer.json" -o /dev/null
echo "   written: $OUT/{libstep.so, $SOURCE, step.h, step.mlir, report.json, memory.svg}"
python3 - "$OUT/report.json" "$BUILD/bert-large-per-layer.json" <<'PY'
import json, sys
auto, layer = (json.load(open(path)) for path in sys.argv[1:3])
gib = lambda b: b / 2**30
device = 80e9
print()
print("== the memory story: gc-remat's simulated peak of live memory (parameters and optimizer")
print("   state included, in-place writes counted), which the budget constrains")
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
planned = plan['persistent_bytes'] + plan['arena_bytes']
gap = planned - auto["peak_bytes"]
relation = (f"the simulated peak plus {gap} bytes of alignment padding" if gap >= 0
            else f"{-gap} bytes below the simulated peak")
print(f"   planned memory: {gib(planned):.2f} GiB = persistent + arena, what the step allocates"
      f" (memory.svg); {relation}")
print(f"   compiled step: arena {gib(auto['arena_bytes']):.2f} GiB (updated parameters and optimizer"
      f" state written in place into their own buffers); {auto['kernels']['runtime_calls']} runtime kernel calls,"
      f" {auto['kernels']['fused_launches']} fused kernel launches ({auto['kernels']['distinct_fused_kernels']} distinct kernels)")
times = auto["compile_time_s"]
slow = ", ".join(f"{k} {v:.1f} s" for k, v in times.items() if k != "total" and v >= 0.05)
print(f"   compile time {times['total']:.1f} s ({slow})")
PY

echo
echo "== the same step with fused attention (gc-compile's default: one gc.attention per layer, no stored"
echo "   scores), and the largest batches that fit 75 GiB (bench/remat/max_batch.py measures them all)"
for spec in 64:none 128:auto; do
  batch="${spec%%:*}" solver="${spec##*:}"
  "$BUILD/bin/gc-compile" --model bert --batch "$batch" --emit remat \
    --budget 75GiB --solver "$solver" --device h100 \
    --report "$BUILD/bert-large-fused-$batch.json" -o /dev/null
  python3 - "$BUILD/bert-large-fused-$batch.json" "$batch" "$solver" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"   batch {sys.argv[2]:>3}, solver {sys.argv[3]:4}: without remat {r['no_remat_peak_bytes'] / 2**30:6.2f} GiB,"
      f" plan {r['peak_bytes'] / 2**30:6.2f} GiB, estimated recompute {100 * r['recompute_overhead']:.2f}%")
PY
done

if [ "$HAVE_GPU" = 1 ] && [ "$TARGET" = cuda ]; then
  echo
  echo "== gc-run: the BERT-large step on the GPU (5 steps, then 2 with the arena measured)"
  "$BUILD/bin/gc-run" "$OUT" --device cuda:0 --steps 5 --seed 7 | sed 's/^/   /'
  "$BUILD/bin/gc-run" "$OUT" --device cuda:0 --steps 2 --seed 7 --track-arena |
    grep -E "arena:|memory:" | sed 's/^/   /'
else
  echo
  echo "   (no GPU here: the CUDA step is compiled and linked, not run; bench/gpu/run.sh runs it where a GPU is)"
fi

echo
echo "== gc-compile + gc-run: a tiny BERT (2 layers, hidden 64, 4 heads, seq 16, batch 4, dropout 0.1)"
echo "   compiled for the CPU and trained for 20 AdamW steps"
TINY="$BUILD/bert-tiny"
rm -rf "$TINY"
"$BUILD/bin/gc-compile" --model bert --layers 2 --hidden 64 --heads 4 \
  --intermediate 256 --vocab 128 --max-position 64 --seq 16 --batch 4 \
  --optimizer adamw --lr 1e-3 --target cpu -o "$TINY" 2>&1 | grep -v "^gc-compile: wrote" | sed 's/^/   /'
"$BUILD/bin/gc-run" "$TINY" --steps 20 --seed 7 --track-arena \
  --save "$TINY/trained.safetensors" | sed 's/^/   /'

if [ -z "${GC_NO_TORCH:-}" ]; then
  PY="$(bash "$ROOT/scripts/install-torch.sh" | tail -1)"
  echo
  echo "== gc_torch: Hugging Face BertModel (BERT-large) + last_hidden_state.mean(), from PyTorch"
  PYTHONPATH="$ROOT/python" GC_BUILD_DIR="$BUILD" "$PY" \
    "$ROOT/examples/bert_large_memory.py" --target "$TARGET" \
    --workdir "$BUILD/bert-large-torch" 2>&1 | grep -v "^\[transformers\]" |
    sed 's/^/   /'
  echo
  echo "== gc_torch: a tiny Hugging Face BertForMaskedLM trained on the CPU"
  PYTHONPATH="$ROOT/python" GC_BUILD_DIR="$BUILD" "$PY" \
    "$ROOT/examples/train_tiny_bert.py" 2>&1 | grep -v "^\[transformers\]" |
    sed 's/^/   /'
fi
