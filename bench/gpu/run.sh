#!/usr/bin/env bash
#===- run.sh - The one-command GPU check of gc -------------------------------===#
#
# Usage: bash bench/gpu/run.sh [--no-build] [--skip-torch] [--skip-large]
#                              [--budget-s SECONDS] [--steps N] [--strict]
#
# Builds (or unpacks) gc, then on the GPU:
#   1. the CUDA kernel test test/Unit/Runtime/Cuda/KernelsTest.cu (PASS/FAIL counts),
#   2. a tiny BERT step compiled for the CPU and for CUDA, run 3 steps with the
#      same seed, results compared tensor by tensor (compare_results.py,
#      norm-wise relative error <= 1e-4),
#   3. planned vs measured arena bytes (gc-run --track-arena),
#   4. step time, tokens/s and memory of BERT-base (batch 32) and BERT-large
#      (batch 64), seq 512, fp32, compiled by gc for CUDA under a memory budget,
#      against PyTorch eager with and without gradient checkpointing
#      (torch_bert.py).
# Prints a markdown table last and writes, under ${OUT:-bench/out/gpu}:
#   summary.md (the tables), gpu.csv (the same rows), logs.txt (every phase's
#   log, appended as it finishes), run.log (this script's own output).
# Every phase runs under `timeout` inside an overall time budget
# (GC_GPU_BUDGET_S, default 540 s); a failing or skipped phase is recorded in
# the table with its reason and the run goes on. The files are rewritten after
# every phase, so a run killed from outside still leaves partial results.
#
# Where gc comes from, first match wins:
#   $GC_BIN_DIR (gc-compile and gc-run in it);
#   bench/gpu/carry/gc-bundle.tar.xz, made by bench/gpu/pack.sh on a machine
#     with LLVM/MLIR 22 (the GPU machine has none and no network);
#   a build with scripts/build.sh when LLVM/MLIR 22 is installed
#     ($LLVM_PREFIX, default /usr/lib/llvm-22);
#   build/bin as it is, when its tools start.
# Without any of them the gc phases are skipped with a clear message, the
# other phases still run, and the script exits 2 (--strict: exits 2 at once).
#
# Exit status: 0 all checks passed or were skipped for a reason that is not a
# failure (no GPU, no torch); 1 a check failed (kernels, CUDA vs CPU, arena,
# a gc phase); 2 no gc tools and no LLVM/MLIR 22 toolchain to build them.
#
# Environment: OUT, GC_GPU_WORK (scratch, default /tmp/gc-gpu-work),
# GC_GPU_BUDGET_S, GC_BIN_DIR, GC_GPU_BUNDLE, LLVM_PREFIX, GC_GPU_PROFILE
# (h100|h200: overrides the nvidia-smi detection), GC_GPU_BIG_BUDGET (H200's
# larger budget, default 130GiB), GC_COMPILE_EXTRA (flags added to every
# gc-compile), GC_GPU_STEPS (gc-run timed steps, 6), GC_TORCH_STEPS (5),
# PYTHON (python3), GC_KERNELS_SRC (the kernel check's source).
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/gpu"
T0=$SECONDS
# Paths given relative to the caller's directory, made absolute before the cd.
abspath() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s' "$PWD/$1" ;; esac; }
OUTDIR="$(abspath "${OUT:-$ROOT/bench/out/gpu}")"
W="$(abspath "${GC_GPU_WORK:-${TMPDIR:-/tmp}/gc-gpu-work}")"
[ -n "${GC_BIN_DIR:-}" ] && GC_BIN_DIR="$(abspath "$GC_BIN_DIR")"
[ -n "${GC_GPU_BUNDLE:-}" ] && GC_GPU_BUNDLE="$(abspath "$GC_GPU_BUNDLE")"
[ -n "${GC_KERNELS_SRC:-}" ] && GC_KERNELS_SRC="$(abspath "$GC_KERNELS_SRC")"
cd "$ROOT"

NO_BUILD=0
SKIP_TORCH=0
SKIP_LARGE=0
STRICT=0
BUDGET_S="${GC_GPU_BUDGET_S:-540}"
GC_STEPS="${GC_GPU_STEPS:-6}"
TORCH_STEPS="${GC_TORCH_STEPS:-5}"
PYTHON="${PYTHON:-python3}"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) NO_BUILD=1 ;;
    --skip-torch) SKIP_TORCH=1 ;;
    --skip-large) SKIP_LARGE=1 ;;
    --strict) STRICT=1 ;;
    --budget-s) BUDGET_S="$2"; shift ;;
    --steps) GC_STEPS="$2"; shift ;;
    -h|--help) sed -n '3,/^#===-\{10,\}===#$/{/^#===/d;p;}' "$HERE/run.sh" | sed 's/^# \{0,1\}//'
               exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 64 ;;
  esac
  shift
done

LOGS="$W/logs"
RESERVE_S=10   # kept for writing the table at the end
case "$W" in
  /|"$ROOT"|"$ROOT"/|"${HOME:-/}"|"${HOME:-/}"/)
    echo "run.sh: refusing GC_GPU_WORK=$W (it is emptied first)" >&2; exit 64 ;;
esac
mkdir -p "$OUTDIR"
rm -rf "$W"
mkdir -p "$W" "$LOGS"
: > "$OUTDIR/run.log"
: > "$OUTDIR/logs.txt"

#===-------------------------------------------------------------------------===#
# Output helpers
#===-------------------------------------------------------------------------===#

say() { printf '%s\n' "$*" | tee -a "$OUTDIR/run.log"; }
elapsed() { echo $((SECONDS - T0)); }
note() { say "[$(printf '%4d' "$(elapsed)")s] $*"; }

# Seconds a phase may take: min(cap, what is left of the budget); 0 when too
# little is left to start it.
tlimit() {
  local cap=$1 min=${2:-15} left
  left=$((BUDGET_S - (SECONDS - T0) - RESERVE_S))
  if [ "$left" -lt "$min" ]; then echo 0
  elif [ "$cap" -lt "$left" ]; then echo "$cap"
  else echo "$left"; fi
}

# The last informative line of a log, for a table cell.
reason_of() {
  local log=$1 rc=${2:-}
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "timed out"
    return
  fi
  local line=""
  if [ -f "$log" ]; then
    line=$(grep -aiE 'error|unknown|not found|failed|fatal|cannot|unable|invalid' "$log" \
             2>/dev/null | grep -av '^\$ ' | tail -1 || true)
    [ -n "$line" ] || line=$(grep -av '^\$ ' "$log" | sed '/^[[:space:]]*$/d' | tail -1 || true)
  fi
  line=$(printf '%s' "$line" | tr -d '\r' | tr '|' '/' | cut -c1-160)
  if [ -n "$rc" ] && [ "$rc" != 0 ]; then
    echo "exit $rc: ${line:-no output}"
  else
    echo "${line:-no output}"
  fi
}

# Appends a phase's log to logs.txt (the file that comes back from the GPU
# machine): at most the last 400 kB of each.
collect_log() {
  local name=$1 rc=$2 secs=${3:-?} log="$LOGS/$1.log"
  {
    printf '\n===== %s (exit %s, %ss) =====\n' "$name" "$rc" "$secs"
    if [ -f "$log" ]; then tail -c 400000 "$log"; else echo "(no log)"; fi
  } >> "$OUTDIR/logs.txt"
}

# run_logged NAME TIMEOUT CMD...: runs CMD under timeout, output to
# $LOGS/NAME.log; returns CMD's status (124 on timeout).
run_logged() {
  local name=$1 t=$2 rc=0 start=$SECONDS
  shift 2
  printf '$ %s\n' "$*" > "$LOGS/$name.log"
  timeout -k 10 "$t" "$@" >> "$LOGS/$name.log" 2>&1 < /dev/null || rc=$?
  collect_log "$name" "$rc" $((SECONDS - start))
  return "$rc"
}

# Background jobs (the gc-compile runs, CPU-bound, overlap the GPU phases).
declare -A BG_PID=() BG_START=()
start_bg() {
  local name=$1 t=$2
  shift 2
  printf '$ %s\n' "$*" > "$LOGS/$name.log"
  (
    rc=0
    timeout -k 10 "$t" "$@" >> "$LOGS/$name.log" 2>&1 < /dev/null &
    echo $! > "$W/$name.tpid"
    wait $! || rc=$?
    echo "$SECONDS" > "$W/$name.end"
    echo "$rc" > "$W/$name.rc"
  ) &
  BG_PID[$name]=$!
  BG_START[$name]=$SECONDS
}
# wait_bg NAME: waits for the job (never from a subshell: only this shell
# can wait for it) and sets BG_RC to its exit status.
BG_RC=""
wait_bg() {
  local name=$1
  if [ -n "${BG_PID[$name]:-}" ]; then
    wait "${BG_PID[$name]}" 2>/dev/null || true
  fi
  BG_RC=$(cat "$W/$name.rc" 2>/dev/null || echo 255)
  if [ -n "${BG_PID[$name]:-}" ] && [ ! -f "$W/$name.collected" ]; then
    collect_log "$name" "$BG_RC" \
      $(($(cat "$W/$name.end" 2>/dev/null || echo "$SECONDS") - ${BG_START[$name]}))
    : > "$W/$name.collected"
  fi
  return 0
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local name pid
  for name in "${!BG_PID[@]}"; do
    if [ -f "$W/$name.tpid" ] && [ ! -f "$W/$name.rc" ]; then
      pid=$(cat "$W/$name.tpid")
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

# Table rows: ROWS lists the keys in order; RV[key.field] holds the cells.
FIELDS=(kind name model system budget status value step_ms tokens_per_s
        peak_mem_bytes planned_arena_bytes measured_arena_bytes detail)
declare -a ROWS=()
declare -A RV=()
row() {
  local key=$1 kv
  shift
  if [ -z "${RV[$key.kind]+x}" ]; then
    ROWS+=("$key")
    local f
    for f in "${FIELDS[@]}"; do RV[$key.$f]=""; done
  fi
  for kv in "$@"; do RV[$key.${kv%%=*}]="${kv#*=}"; done
}
get() { printf '%s' "${RV[$1.$2]-}"; }

csv_field() {
  local s=${1//\"/\"\"}
  case $s in
    *[,\"]*) printf '"%s"' "$s" ;;
    *) printf '%s' "$s" ;;
  esac
}
md() { local s=${1:--}; printf '%s' "${s//|//}"; }
gib() {
  case ${1:-} in
    ''|*[!0-9]*) printf '%s' "${1:--}" ;;
    *) awk -v b="$1" 'BEGIN { printf "%.2f", b / 1073741824 }' ;;
  esac
}
num() {
  case ${1:-} in
    ''|nan) printf '%s' "-" ;;
    *) awk -v x="$1" 'BEGIN { if (x + 0 >= 100) printf "%.0f", x; else printf "%.2f", x }' ;;
  esac
}

ENV_LINE=""
write_outputs() {
  local key f first
  {
    first=1
    for f in "${FIELDS[@]}"; do
      if [ $first = 1 ]; then first=0; else printf ','; fi
      printf '%s' "$f"
    done
    printf '\n'
    for key in "${ROWS[@]}"; do
      first=1
      for f in "${FIELDS[@]}"; do
        if [ $first = 1 ]; then first=0; else printf ','; fi
        csv_field "$(get "$key" "$f")"
      done
      printf '\n'
    done
  } > "$OUTDIR/gpu.csv.tmp"
  mv -f "$OUTDIR/gpu.csv.tmp" "$OUTDIR/gpu.csv"
  {
    echo "## gc GPU check"
    echo
    echo "$ENV_LINE"
    echo
    echo "| check | status | value | detail |"
    echo "|-------|--------|-------|--------|"
    for key in "${ROWS[@]}"; do
      [ "$(get "$key" kind)" = check ] || continue
      printf '| %s | %s | %s | %s |\n' "$(md "$(get "$key" name)")" \
        "$(md "$(get "$key" status)")" "$(md "$(get "$key" value)")" \
        "$(md "$(get "$key" detail)")"
    done
    echo
    echo "| model | system | memory budget | status | step (ms) | tokens/s | peak memory (GiB) | planned arena (GiB) | note |"
    echo "|-------|--------|---------------|--------|-----------|----------|-------------------|---------------------|------|"
    for key in "${ROWS[@]}"; do
      [ "$(get "$key" kind)" = perf ] || continue
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$(md "$(get "$key" model)")" "$(md "$(get "$key" system)")" \
        "$(md "$(get "$key" budget)")" "$(md "$(get "$key" status)")" \
        "$(num "$(get "$key" step_ms)")" "$(num "$(get "$key" tokens_per_s)")" \
        "$(gib "$(get "$key" peak_mem_bytes)")" \
        "$(gib "$(get "$key" planned_arena_bytes)")" \
        "$(md "$(get "$key" detail)")"
    done
  } > "$OUTDIR/summary.md.tmp"
  mv -f "$OUTDIR/summary.md.tmp" "$OUTDIR/summary.md"
}

# gc-run's fixed output lines.
last_match() { sed -n "$1" "$2" 2>/dev/null | tail -1; }
parse_step_ms() { last_match 's/^[[:space:]]*step time: median \([0-9.eE+-]*\) ms.*/\1/p' "$1"; }
parse_tps() { last_match 's/^[[:space:]]*tokens\/s: \([0-9.eE+-]*\).*/\1/p' "$1"; }
parse_arena() {  # -> "PLANNED HIGHWATER"
  last_match 's/^[[:space:]]*arena: planned \([0-9]*\) bytes, high-water \([0-9]*\) bytes.*/\1 \2/p' "$1"
}
parse_memory() {  # -> "ARENA STATE FREE TOTAL" (the device part may be absent)
  local line a s f t
  line=$(last_match '/^[[:space:]]*memory: arena [0-9]* bytes/p' "$1")
  [ -n "$line" ] || return 0
  a=$(printf '%s' "$line" | sed -n 's/.*arena \([0-9]*\) bytes.*/\1/p')
  s=$(printf '%s' "$line" | sed -n 's/.*state \([0-9]*\) bytes.*/\1/p')
  f=$(printf '%s' "$line" | sed -n 's/.*device free \([0-9]*\) bytes.*/\1/p')
  t=$(printf '%s' "$line" | sed -n 's/.*device free [0-9]* bytes of \([0-9]*\) bytes.*/\1/p')
  echo "${a:-0} ${s:-0} ${f:--} ${t:--}"
}
parse_losses() {
  sed -n 's/^[[:space:]]*step \([0-9]*\): loss = \([^ ]*\).*/\2/p' "$1" 2>/dev/null \
    | tr '\n' ' ' | sed 's/ $//'
}
result_field() {  # result_field LOG KEY: KEY=value from the last RESULT line
  { sed -n 's/^RESULT //p' "$1" 2>/dev/null | tail -1 | tr ' ' '\n' \
      | sed -n "s/^$2=//p" | sed -n 1p; } || true
}

EXIT_FAIL=0
fail() { EXIT_FAIL=1; }

#===-------------------------------------------------------------------------===#
# 0. The machine
#===-------------------------------------------------------------------------===#

GPU_NAME="" GPU_MEM_MIB="" GPU_DRIVER=""
if command -v nvidia-smi > /dev/null 2>&1; then
  smi=$(timeout 30 nvidia-smi --query-gpu=name,memory.total,driver_version \
          --format=csv,noheader,nounits 2>/dev/null) || smi=""
  smi=$(printf '%s\n' "$smi" | sed -n 1p)
  case $smi in *"No devices"*|*[Ff]ailed*|*[Ee]rror*) smi="" ;; esac
  GPU_NAME=$(printf '%s' "$smi" | cut -d, -f1 | sed 's/^ *//;s/ *$//')
  GPU_MEM_MIB=$(printf '%s' "$smi" | cut -d, -f2 | tr -dc '0-9')
  GPU_DRIVER=$(printf '%s' "$smi" | cut -d, -f3 | tr -d ' ')
fi
HAVE_GPU=0
[ -n "$GPU_NAME" ] && HAVE_GPU=1
case "${GC_GPU_PROFILE:-$GPU_NAME}" in
  *h200*|*H200*) PROF=h200 ;;
  *a100*|*A100*) PROF=a100 ;;
  *) PROF=h100 ;;
esac
BIG_BUDGET=""
NVCC=$(command -v nvcc 2>/dev/null || true)
[ -n "$NVCC" ] || { [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc; } || true
NVCC_VER=""
if [ -n "$NVCC" ]; then
  NVCC_VER=$("$NVCC" --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p' | sed -n 1p) ||
    NVCC_VER="(nvcc --version failed)"
fi
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
ENV_LINE="GPU: ${GPU_NAME:-none}${GPU_MEM_MIB:+ (${GPU_MEM_MIB} MiB}${GPU_DRIVER:+, driver $GPU_DRIVER}${GPU_MEM_MIB:+)}; cost-model profile $PROF; nvcc ${NVCC_VER:-none}; $(nproc) cores; gc $GIT_REV; $(date -u '+%Y-%m-%d %H:%M UTC')"
note "$ENV_LINE"
note "outputs: $OUTDIR   scratch: $W   budget: ${BUDGET_S}s"

# Every row of the final table, pending until its phase runs, so that a run
# killed from outside shows what was not reached.
row build kind=check name="gc tools" status=pending
row kernels kind=check name="CUDA kernels (KernelsTest.cu)" status=pending
row tiny_cpu kind=check name="tiny BERT: compile + 3 steps, CPU" status=pending
row tiny_cuda kind=check name="tiny BERT: compile + 3 steps, CUDA" status=pending
row agree kind=check name="tiny BERT: CUDA vs CPU (norm-wise rel. error <= 1e-4)" status=pending
row arena kind=check name="tiny BERT: planned vs measured arena (CUDA)" status=pending
# TINY_FLAGS, TINY_REMAT, BASE_FLAGS, LARGE_FLAGS, REF_BUDGET, BIG_BUDGET_DEFAULT
# shellcheck source=configs.sh source-path=SCRIPTDIR
source "$HERE/configs.sh"
EXTRA=()
[ -n "${GC_COMPILE_EXTRA:-}" ] && read -ra EXTRA <<< "$GC_COMPILE_EXTRA"

# The gc configurations timed (name, model, profile, budget) and PyTorch's.
[ "$PROF" = h200 ] && BIG_BUDGET="${GC_GPU_BIG_BUDGET:-$BIG_BUDGET_DEFAULT}"
BASE_BUDGET=$REF_BUDGET
[ -n "$BIG_BUDGET" ] && BASE_BUDGET=$BIG_BUDGET
PERF=("base-$PROF-$BASE_BUDGET")
declare -A P_MODEL=() P_PROF=() P_BUDGET=()
P_MODEL[base-$PROF-$BASE_BUDGET]=base P_PROF[base-$PROF-$BASE_BUDGET]=$PROF
P_BUDGET[base-$PROF-$BASE_BUDGET]=$BASE_BUDGET
if [ $SKIP_LARGE = 0 ]; then
  PERF+=("large-h100-$REF_BUDGET")
  P_MODEL[large-h100-$REF_BUDGET]=large P_PROF[large-h100-$REF_BUDGET]=h100
  P_BUDGET[large-h100-$REF_BUDGET]=$REF_BUDGET
  if [ -n "$BIG_BUDGET" ]; then
    PERF+=("large-$PROF-$BIG_BUDGET")
    P_MODEL[large-$PROF-$BIG_BUDGET]=large P_PROF[large-$PROF-$BIG_BUDGET]=$PROF
    P_BUDGET[large-$PROF-$BIG_BUDGET]=$BIG_BUDGET
  fi
fi
model_label() {
  case $1 in
    base) echo "BERT-base b32 s512" ;;
    large) echo "BERT-large b64 s512" ;;
  esac
}
tokens_of() { case $1 in base) echo $((32 * 512)) ;; large) echo $((64 * 512)) ;; esac; }
for p in "${PERF[@]}"; do
  row "gc-$p" kind=perf name="gc $p" model="$(model_label "${P_MODEL[$p]}")" system="gc (CUDA)" \
    budget="${P_BUDGET[$p]} (--device ${P_PROF[$p]})" status=pending
done
TORCH_RUNS=()
for m in base large; do
  [ $m = large ] && [ $SKIP_LARGE = 1 ] && continue
  for mode in eager ckpt; do
    TORCH_RUNS+=("$m-$mode")
    if [ $mode = eager ]; then sys="PyTorch eager"; else sys="PyTorch + gradient checkpointing"; fi
    row "torch-$m-$mode" kind=perf name="torch $m $mode" model="$(model_label $m)" system="$sys" \
      budget="-" status=pending
  done
done
write_outputs

#===-------------------------------------------------------------------------===#
# 1. gc: bundle, build or prebuilt tools
#===-------------------------------------------------------------------------===#

# gc's tools run with GC_LD in front of LD_LIBRARY_PATH: the bundle's
# libraries (LLVM, MLIR, OpenBLAS, ...) and CUDA's.
GC_BIN="" GC_HOW="" GC_LD="" BUNDLE_DIR=""
BUNDLE_ENV=()
for d in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib; do
  [ -d "$d" ] && GC_LD="${GC_LD:+$GC_LD:}$d"
done
ldpath() { printf '%s' "${GC_LD}${GC_LD:+${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}"; }
tools_work() {
  [ -x "$1/gc-compile" ] && [ -x "$1/gc-run" ] &&
    env LD_LIBRARY_PATH="$(ldpath)" timeout 30 "$1/gc-compile" --version > /dev/null 2>&1 &&
    env LD_LIBRARY_PATH="$(ldpath)" timeout 30 "$1/gc-run" --version > /dev/null 2>&1
}
missing_libs() {
  { env LD_LIBRARY_PATH="$(ldpath)" ldd "$1/gc-compile" "$1/gc-run" 2>/dev/null \
      | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | sort -u | tr '\n' ' ' \
      | sed 's/ $//'; } || true
}

find_toolchain() {
  local p
  for p in "${LLVM_PREFIX:-}" /usr/lib/llvm-22 /usr/local/llvm-22 /opt/llvm-22; do
    [ -n "$p" ] && [ -f "$p/lib/cmake/mlir/MLIRConfig.cmake" ] && { echo "$p"; return 0; }
  done
  if command -v llvm-config-22 > /dev/null 2>&1; then
    p=$(llvm-config-22 --prefix 2>/dev/null || true)
    [ -n "$p" ] && [ -f "$p/lib/cmake/mlir/MLIRConfig.cmake" ] && { echo "$p"; return 0; }
  fi
  return 1
}

# A carried bundle: bin/, lib/, build/ (runtime libraries at the build
# directory's relative paths), steps/ (precompiled steps, the CPU reference)
# and manifest.env (where it was built). Paths baked in at build time are made
# to resolve here with symbolic links when they do not exist.
unpack_bundle() {
  local tarball=$1 t
  t=$(tlimit 120)
  [ "$t" -gt 0 ] || return 1
  mkdir -p "$W/bundle"
  if ! run_logged unpack "$t" tar -xJf "$tarball" -C "$W/bundle"; then
    # No xz program: Python's tarfile reads .tar.xz with its own lzma.
    t=$(tlimit 120)
    [ "$t" -gt 0 ] || return 1
    run_logged unpack-py "$t" "$PYTHON" -c 'import sys, tarfile
tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$tarball" "$W/bundle" || return 1
  fi
  BUNDLE_DIR="$W/bundle"
  local SRC_ROOT="" BUILD_DIR=""
  if [ -f "$BUNDLE_DIR/manifest.env" ]; then
    SRC_ROOT=$(sed -n 's/^SRC_ROOT=//p' "$BUNDLE_DIR/manifest.env")
    BUILD_DIR=$(sed -n 's/^BUILD_DIR=//p' "$BUNDLE_DIR/manifest.env")
    sed 's/^/    /' "$BUNDLE_DIR/manifest.env" | tee -a "$OUTDIR/run.log"
  fi
  if [ -n "$SRC_ROOT" ] && [ "$SRC_ROOT" != "$ROOT" ] && [ ! -e "$SRC_ROOT" ]; then
    if mkdir -p "$(dirname "$SRC_ROOT")" 2>/dev/null && ln -s "$ROOT" "$SRC_ROOT" 2>/dev/null; then
      note "linked $SRC_ROOT -> $ROOT (the bundle's source root)"
    fi
  fi
  if [ -n "$BUILD_DIR" ] && [ -d "$BUNDLE_DIR/build" ] && [ ! -e "$BUILD_DIR" ]; then
    if mkdir -p "$(dirname "$BUILD_DIR")" 2>/dev/null && ln -s "$BUNDLE_DIR/build" "$BUILD_DIR" 2>/dev/null; then
      note "linked $BUILD_DIR -> the bundle's build tree"
    fi
  fi
  GC_LD="$BUNDLE_DIR/lib${GC_LD:+:$GC_LD}"
  # The bundle's OpenBLAS headers and link library, for what the host
  # compiler builds (gcc reads CPATH and LIBRARY_PATH; nvcc passes through).
  BUNDLE_ENV=("CPATH=$BUNDLE_DIR/include${CPATH:+:$CPATH}"
              "LIBRARY_PATH=$BUNDLE_DIR/lib${LIBRARY_PATH:+:$LIBRARY_PATH}")
  return 0
}

note "== 1. gc tools"
BUNDLE_TAR="${GC_GPU_BUNDLE:-$HERE/carry/gc-bundle.tar.xz}"
TOOLCHAIN=$(find_toolchain || true)
build_reason=""
if [ -n "${GC_BIN_DIR:-}" ]; then
  if tools_work "$GC_BIN_DIR"; then GC_BIN=$GC_BIN_DIR GC_HOW="GC_BIN_DIR=$GC_BIN_DIR"
  else build_reason="GC_BIN_DIR=$GC_BIN_DIR: tools do not start (missing: $(missing_libs "$GC_BIN_DIR"))"; fi
fi
if [ -z "$GC_BIN" ] && [ -f "$BUNDLE_TAR" ]; then
  if unpack_bundle "$BUNDLE_TAR"; then
    if tools_work "$BUNDLE_DIR/bin"; then
      GC_BIN="$BUNDLE_DIR/bin"
      GC_HOW="bundle $(sed -n 's/^GIT_REV=//p' "$BUNDLE_DIR/manifest.env" 2>/dev/null) built $(sed -n 's/^BUILT=//p' "$BUNDLE_DIR/manifest.env" 2>/dev/null)"
    else
      build_reason="bundle's tools do not start (missing libraries: $(missing_libs "$BUNDLE_DIR/bin"))"
      GC_LD=${GC_LD#"$BUNDLE_DIR/lib"}
      GC_LD=${GC_LD#:}
    fi
  else
    build_reason="could not unpack $BUNDLE_TAR: $(reason_of "$LOGS/unpack.log")"
  fi
fi
if [ -z "$GC_BIN" ] && [ $NO_BUILD = 0 ] && [ -n "$TOOLCHAIN" ] &&
   command -v cmake > /dev/null 2>&1 && command -v ninja > /dev/null 2>&1; then
  # A build directory carried from another checkout path, or configured with
  # a compiler this machine lacks, cannot be reused: build next to it.
  BUILD="$ROOT/build"
  if [ -f "$BUILD/CMakeCache.txt" ]; then
    cache_dir=$(sed -n 's/^CMAKE_CACHEFILE_DIR:INTERNAL=//p' "$BUILD/CMakeCache.txt")
    cache_cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
    if [ "$cache_dir" != "$BUILD" ] || { [ -n "$cache_cxx" ] && [ ! -x "$cache_cxx" ] &&
         ! command -v "$cache_cxx" > /dev/null 2>&1; }; then
      note "build/ was configured elsewhere ($cache_dir, $cache_cxx): building in build-gpu/"
      BUILD="$ROOT/build-gpu"
    fi
  fi
  t=$(tlimit 300 60)
  if [ "$t" -gt 0 ]; then
    note "building gc in ${BUILD#"$ROOT"/} with $TOOLCHAIN (timeout ${t}s)"
    rc=0
    GC_BUILD_JOBS=$(nproc) LLVM_PREFIX="$TOOLCHAIN" \
      run_logged build "$t" bash scripts/build.sh "$BUILD" all || rc=$?
    if [ $rc != 0 ]; then
      build_reason="scripts/build.sh all: $(reason_of "$LOGS/build.log" $rc)"
      t=$(tlimit 180 30)
      if [ $rc != 124 ] && [ "$t" -gt 0 ]; then
        note "build of all failed; building only gc-compile and gc-run"
        rc=0
        GC_BUILD_JOBS=$(nproc) LLVM_PREFIX="$TOOLCHAIN" \
          run_logged build-tools "$t" bash scripts/build.sh "$BUILD" gc-compile gc-run || rc=$?
      fi
    fi
    if tools_work "$BUILD/bin"; then
      GC_BIN="$BUILD/bin" GC_HOW="built in ${BUILD#"$ROOT"/}${build_reason:+ (all failed: $build_reason)}"
    fi
  else
    build_reason="no time left to build"
  fi
fi
if [ -z "$GC_BIN" ] && tools_work "$ROOT/build/bin"; then
  GC_BIN="$ROOT/build/bin"
  GC_HOW="build/bin as carried (not rebuilt${TOOLCHAIN:+: --no-build})"
  [ -z "$TOOLCHAIN" ] && GC_HOW="build/bin as carried (not rebuilt: no LLVM/MLIR 22 here)"
fi

NO_GC=0
if [ -n "$GC_BIN" ]; then
  row build status=OK value="$GC_HOW" detail="${build_reason:+earlier attempt: $build_reason}"
  note "gc tools: $GC_BIN ($GC_HOW)"
else
  NO_GC=1
  msg="no LLVM/MLIR 22 toolchain here (no MLIRConfig.cmake under ${LLVM_PREFIX:-/usr/lib/llvm-22} or llvm-config-22) and no usable gc tools"
  [ -n "$build_reason" ] && msg="$msg; $build_reason"
  say ""
  say "*** gc cannot be built on this machine: $msg."
  say "*** Nothing can be installed here (no network). On a machine with LLVM/MLIR 22 run"
  say "***   bash bench/gpu/pack.sh        (packs build/ into bench/gpu/carry/gc-bundle.tar.xz)"
  say "*** and name bench/gpu/carry in the device call's carry list."
  say ""
  row build status=FAIL value="no toolchain" detail="$msg"
  for k in tiny_cpu tiny_cuda agree arena; do row $k status=skipped detail="no gc tools"; done
  for p in "${PERF[@]}"; do row "gc-$p" status=skipped detail="no gc tools"; done
  write_outputs
  if [ $STRICT = 1 ]; then
    say "--strict: stopping here (exit 2)"
    exit 2
  fi
fi
write_outputs

#===-------------------------------------------------------------------------===#
# 2. gc-compile, in the background: the tiny step for CPU and CUDA, the timed
#    configurations for CUDA.
#===-------------------------------------------------------------------------===#

declare -A STEP_DIR=()
compile_bg() {  # compile_bg NAME CAP FLAGS...
  local name=$1 cap=$2 t
  shift 2
  t=$(tlimit "$cap" 30)
  if [ "$t" = 0 ]; then
    echo "not started: no time left" > "$LOGS/compile-$name.log"
    echo 125 > "$W/compile-$name.rc"
    return 0
  fi
  rm -rf "${W:?}/$name"
  start_bg "compile-$name" "$t" env LD_LIBRARY_PATH="$(ldpath)" \
    ${BUNDLE_ENV[@]+"${BUNDLE_ENV[@]}"} "$GC_BIN/gc-compile" "$@" ${EXTRA[@]+"${EXTRA[@]}"} -o "$W/$name"
}
# step_ready NAME ROWKEY: waits for NAME's compile; on failure falls back to
# the bundle's precompiled step. Sets STEP_DIR[NAME]; returns 1 when none.
step_ready() {
  local name=$1 key=$2 rc why
  wait_bg "compile-$name"
  rc=$BG_RC
  if [ "$rc" = 0 ] && [ -e "$W/$name" ]; then
    STEP_DIR[$name]="$W/$name"
    return 0
  fi
  why="gc-compile: $(reason_of "$LOGS/compile-$name.log" "$rc")"
  [ "$rc" = 0 ] && why="gc-compile wrote no $W/$name"
  if [ -n "$BUNDLE_DIR" ] && [ -e "$BUNDLE_DIR/steps/$name" ]; then
    STEP_DIR[$name]="$BUNDLE_DIR/steps/$name"
    row "$key" detail="compiled by pack.sh (here: $why)"
    note "$name: compile failed here ($why); using the bundle's precompiled step"
    return 0
  fi
  row "$key" status=FAIL detail="$why"
  fail
  note "$name: $why"
  return 1
}

if [ $NO_GC = 0 ]; then
  note "== 2. gc-compile (background)"
  compile_bg tiny-cpu 240 "${TINY_FLAGS[@]}" --target cpu "${TINY_REMAT[@]}"
  compile_bg tiny-cuda 240 "${TINY_FLAGS[@]}" --target cuda "${TINY_REMAT[@]}"
  for p in "${PERF[@]}"; do
    if [ "${P_MODEL[$p]}" = base ]; then flags=("${BASE_FLAGS[@]}"); else flags=("${LARGE_FLAGS[@]}"); fi
    compile_bg "$p" 400 "${flags[@]}" --target cuda --budget "${P_BUDGET[$p]}" \
      --solver auto --device "${P_PROF[$p]}"
  done
fi

#===-------------------------------------------------------------------------===#
# 3. The CUDA kernel check
#===-------------------------------------------------------------------------===#

note "== 3. CUDA kernel check"
KSRC="${GC_KERNELS_SRC:-$ROOT/test/Unit/Runtime/Cuda/KernelsTest.cu}"
if [ ! -f "$KSRC" ]; then
  row kernels status=skipped detail="test/Unit/Runtime/Cuda/KernelsTest.cu not found"
elif [ -z "$NVCC" ]; then
  row kernels status=skipped detail="nvcc not found"
else
  # The build line is the first line of the file's header comment that calls
  # nvcc, with the lines after it that are indented deeper or follow a
  # trailing backslash; its -o is redirected to the scratch directory.
  line=$(sed -n 1,80p "$KSRC" | awk '
      function strip(s) { sub(/^[[:space:]]*(\/\/+|\*+|#+)/, "", s); return s }
      function indent(s) { match(s, /^[[:space:]]*/); return RLENGTH }
      found == 0 && /nvcc[[:space:]]/ {
        found = 1; body = strip($0); base = indent(body)
        sub(/^[[:space:]]*(\$[[:space:]]+)?/, "", body)
        cont = sub(/\\[[:space:]]*$/, "", body)
        printf "%s ", body
        next
      }
      found == 1 {
        body = strip($0)
        if (!cont && (body ~ /^[[:space:]]*$/ || indent(body) <= base)) exit
        sub(/^[[:space:]]*/, "", body)
        cont = sub(/\\[[:space:]]*$/, "", body)
        printf "%s ", body
      }' || true)
  line=$(printf '%s' "$line" | sed 's/^.*\(nvcc[[:space:]]\)/\1/')
  if [ -z "$line" ]; then
    line="nvcc -std=c++17 -O2 -arch=sm_90 --fmad=false -Iruntime/include -I/usr/include/x86_64-linux-gnu/openblas-pthread test/Unit/Runtime/Cuda/KernelsTest.cu runtime/src/cuda/*.cu runtime/src/cpu/*.cpp -lcublas -lopenblas -lgtest -lgtest_main -lpthread"
    note "building the kernel test with: $line"
  fi
  kdir=$(dirname "$KSRC")
  case $line in *test/Unit/Runtime/Cuda/KernelsTest.cu*) kdir="$ROOT" ;; esac
  kbin="$W/cuda_kernels_check"
  line=$(printf '%s' "$line" | sed -E 's/(^|[[:space:]])-o[[:space:]]*[^[:space:]]+//g')
  line="\"$NVCC\" ${line#nvcc} -o \"$kbin\""
  t=$(tlimit 200 30)
  if [ "$t" = 0 ]; then
    row kernels status=skipped detail="no time left"
  else
    rc=0
    (cd "$kdir" && run_logged kernels-build "$t" env ${BUNDLE_ENV[@]+"${BUNDLE_ENV[@]}"} \
       bash -c "$line") || rc=$?
    if [ $rc != 0 ]; then
      row kernels status=FAIL detail="nvcc: $(reason_of "$LOGS/kernels-build.log" $rc)"
      fail
    elif [ $HAVE_GPU = 0 ]; then
      row kernels status=skipped detail="built; not run: no GPU (nvidia-smi)"
    else
      t=$(tlimit 120 20)
      rc=0
      if [ "$t" = 0 ]; then rc=124; else
        run_logged kernels "$t" env LD_LIBRARY_PATH="$(ldpath)" "$kbin" || rc=$?
      fi
      klog="$LOGS/kernels.log"
      summ=$(sed -n -E 's/(^|.*[^0-9])([0-9]+) (passed|PASS(ED)?),? ([0-9]+) (failed|FAIL(ED)?).*/\2 \5/Ip' "$klog" 2>/dev/null | tail -1)
      if [ -n "$summ" ]; then
        kp=${summ% *} kf=${summ#* }
      else
        kp=$(grep -acwE 'PASS(ED)?' "$klog" 2>/dev/null || true)
        kf=$(grep -acwE 'FAIL(ED)?' "$klog" 2>/dev/null || true)
      fi
      kp=${kp:-0} kf=${kf:-0}
      if [ $rc = 0 ] && [ "$kf" = 0 ] && [ "$kp" != 0 ]; then
        row kernels status=PASS value="$kp passed, $kf failed"
      else
        kwhy=$(sed -n '/FAIL/{p;q}' "$klog" | cut -c1-160 || true)
        if [ "$kp" = 0 ] && [ "$kf" = 0 ]; then kwhy="no PASS/FAIL lines; $(reason_of "$klog" $rc)"
        elif [ $rc != 0 ]; then kwhy="exit $rc${kwhy:+; first failure: $kwhy}"; fi
        row kernels status=FAIL value="$kp passed, $kf failed" detail="$kwhy"
        fail
      fi
    fi
  fi
fi
note "kernels: $(get kernels status) $(get kernels value) $(get kernels detail)"
write_outputs

#===-------------------------------------------------------------------------===#
# 4. Correctness: tiny BERT, CUDA vs CPU, 3 steps, seed 7; planned vs
#    measured arena.
#===-------------------------------------------------------------------------===#

note "== 4. tiny BERT: CUDA vs CPU"
CPU_REF="" CPU_LOG=""
if [ $NO_GC = 0 ]; then
  if step_ready tiny-cpu tiny_cpu; then
    t=$(tlimit 90 20)
    rc=0
    if [ "$t" = 0 ]; then rc=124; else
      run_logged tiny-cpu-run "$t" env LD_LIBRARY_PATH="$(ldpath)" "$GC_BIN/gc-run" "${STEP_DIR[tiny-cpu]}" --steps 3 \
        --seed 7 --output "$W/cpu.safetensors" || rc=$?
    fi
    if [ $rc = 0 ] && [ -f "$W/cpu.safetensors" ]; then
      CPU_REF="$W/cpu.safetensors" CPU_LOG="$LOGS/tiny-cpu-run.log"
      row tiny_cpu status=OK value="losses $(parse_losses "$CPU_LOG")"
    else
      row tiny_cpu status=FAIL detail="gc-run: $(reason_of "$LOGS/tiny-cpu-run.log" $rc)"
      fail
    fi
  fi
  if [ -z "$CPU_REF" ] && [ -n "$BUNDLE_DIR" ] && [ -f "$BUNDLE_DIR/steps/cpu.safetensors" ]; then
    CPU_REF="$BUNDLE_DIR/steps/cpu.safetensors"
    [ -f "$BUNDLE_DIR/steps/cpu-run.log" ] && CPU_LOG="$BUNDLE_DIR/steps/cpu-run.log"
    note "using the CPU reference that pack.sh computed"
    row tiny_cpu detail="$(get tiny_cpu detail); the CPU reference comes from pack.sh"
  fi

  CUDA_OK=0
  if step_ready tiny-cuda tiny_cuda; then
    if [ $HAVE_GPU = 0 ]; then
      row tiny_cuda status=skipped detail="compiled; not run: no GPU"
    else
      t=$(tlimit 90 20)
      rc=0
      if [ "$t" = 0 ]; then rc=124; else
        run_logged tiny-cuda-run "$t" env LD_LIBRARY_PATH="$(ldpath)" "$GC_BIN/gc-run" "${STEP_DIR[tiny-cuda]}" \
          --device cuda:0 --steps 3 --seed 7 --track-arena \
          --output "$W/cuda.safetensors" || rc=$?
      fi
      if [ $rc = 0 ] && [ -f "$W/cuda.safetensors" ]; then
        CUDA_OK=1
        row tiny_cuda status=OK value="losses $(parse_losses "$LOGS/tiny-cuda-run.log")"
      else
        row tiny_cuda status=FAIL detail="gc-run: $(reason_of "$LOGS/tiny-cuda-run.log" $rc)"
        fail
      fi
      # Planned vs measured arena.
      read -r planned hw <<< "$(parse_arena "$LOGS/tiny-cuda-run.log")" || true
      if [ $CUDA_OK = 0 ] && [ -z "${planned:-}" ]; then
        row arena status=skipped detail="the CUDA step failed"
      elif [ -n "${planned:-}" ] && [ -n "${hw:-}" ]; then
        if [ "$planned" = "$hw" ]; then
          row arena status=PASS value="equal: $planned bytes" \
            planned_arena_bytes="$planned" measured_arena_bytes="$hw"
        else
          row arena status=FAIL value="planned $planned, high-water $hw bytes" \
            planned_arena_bytes="$planned" measured_arena_bytes="$hw"
          fail
        fi
      else
        row arena status=FAIL detail="no 'arena: planned P bytes, high-water H bytes' line in gc-run's output"
        fail
      fi
    fi
  fi
  [ "$(get tiny_cuda status)" = skipped ] && row arena status=skipped detail="no GPU"
  [ "$(get arena status)" = pending ] && row arena status=skipped detail="the CUDA step did not run"

  if [ $CUDA_OK = 1 ] && [ -n "$CPU_REF" ]; then
    t=$(tlimit 120 10)
    rc=0
    if [ "$t" = 0 ]; then rc=124; else
      run_logged compare "$t" "$PYTHON" "$HERE/compare_results.py" "$W/cuda.safetensors" \
        "$CPU_REF" --tol 1e-4 --csv "$W/compare.csv" || rc=$?
    fi
    err=$(result_field "$LOGS/compare.log" max_norm_rel)
    worst=$(result_field "$LOGS/compare.log" worst)
    ntens=$(result_field "$LOGS/compare.log" tensors)
    cpu_losses="?"
    [ -n "$CPU_LOG" ] && cpu_losses=$(parse_losses "$CPU_LOG")
    losses="CPU losses: $cpu_losses; CUDA: $(parse_losses "$LOGS/tiny-cuda-run.log")"
    [ -f "$W/compare.csv" ] && cp "$W/compare.csv" "$OUTDIR/compare.csv"
    if [ $rc = 0 ]; then
      row agree status=PASS value="${err:-?}" \
        detail="$ntens tensors, worst $worst; max abs $(result_field "$LOGS/compare.log" max_abs), max rel $(result_field "$LOGS/compare.log" max_rel); $losses"
    else
      row agree status=FAIL value="${err:-?}" \
        detail="$(sed -n 's/^verdict: //p' "$LOGS/compare.log" | cut -c1-200)$( [ $rc = 124 ] && echo 'timed out'); $losses"
      fail
    fi
  elif [ $HAVE_GPU = 0 ]; then
    row agree status=skipped detail="no GPU"
  else
    row agree status=skipped detail="$([ -z "$CPU_REF" ] && echo 'no CPU result' || echo 'no CUDA result')"
  fi
fi
note "CUDA vs CPU: $(get agree status) $(get agree value) $(get agree detail)"
note "arena: $(get arena status) $(get arena value) $(get arena detail)"
write_outputs

#===-------------------------------------------------------------------------===#
# 5. Step time: gc and PyTorch on BERT-base and BERT-large
#===-------------------------------------------------------------------------===#

gc_perf() {  # gc_perf CONFIG
  local p=$1 key="gc-$1" t rc=0 log tps ms model
  model=${P_MODEL[$p]}
  step_ready "$p" "$key" || return 0
  if [ $HAVE_GPU = 0 ]; then
    row "$key" status=skipped detail="compiled; not run: no GPU"
    return 0
  fi
  if [ "$model" = base ]; then t=$(tlimit 120 30); else t=$(tlimit 180 30); fi
  if [ "$t" = 0 ]; then row "$key" status=skipped detail="no time left"; return 0; fi
  note "gc $p: gc-run --steps $GC_STEPS (timeout ${t}s)"
  run_logged "run-$p" "$t" env LD_LIBRARY_PATH="$(ldpath)" "$GC_BIN/gc-run" "${STEP_DIR[$p]}" --device cuda:0 \
    --steps "$GC_STEPS" || rc=$?
  log="$LOGS/run-$p.log"
  ms=$(parse_step_ms "$log")
  tps=$(parse_tps "$log")
  if [ -z "$tps" ] && [ -n "$ms" ]; then
    tps=$(awk -v n="$(tokens_of "$model")" -v ms="$ms" 'BEGIN { if (ms > 0) printf "%.1f", n / (ms / 1000) }')
  fi
  read -r m_arena m_state m_free m_total <<< "$(parse_memory "$log")" || true
  local peak="" detail=""
  if [ -n "${m_arena:-}" ]; then
    peak=$((m_arena + m_state))
    detail="arena + state"
    if [ "${m_total:--}" != - ] && [ "${m_free:--}" != - ]; then
      detail="$detail; device used $(gib $((m_total - m_free))) of $(gib "$m_total") GiB"
    fi
  fi
  if [ $rc = 0 ] && [ -n "$ms" ]; then
    local prev
    prev=$(get "$key" detail)
    row "$key" status=OK step_ms="$ms" tokens_per_s="$tps" peak_mem_bytes="$peak" \
      planned_arena_bytes="${m_arena:-}" detail="${prev}${prev:+; }${detail}"
  else
    row "$key" status=FAIL step_ms="$ms" tokens_per_s="$tps" peak_mem_bytes="$peak" \
      planned_arena_bytes="${m_arena:-}" \
      detail="$(reason_of "$log" $rc)$([ $rc = 0 ] && echo ': no step time line')"
    fail
  fi
  note "gc $p: $(get "$key" status) $(get "$key" step_ms) ms, $(get "$key" tokens_per_s) tokens/s"
}

torch_perf() {  # torch_perf base|large eager|ckpt
  local m=$1 mode=$2 key="torch-$1-$2" t rc=0 log flags st
  if [ $SKIP_TORCH = 1 ]; then row "$key" status=skipped detail="--skip-torch"; return 0; fi
  if [ -n "${TORCH_SKIP:-}" ]; then row "$key" status=skipped detail="$TORCH_SKIP"; return 0; fi
  if [ $HAVE_GPU = 0 ]; then row "$key" status=skipped detail="no GPU"; return 0; fi
  if [ "$m" = base ]; then
    flags=(--layers 12 --hidden 768 --heads 12 --intermediate 3072 --batch 32 --seq 512)
  else
    flags=(--layers 24 --hidden 1024 --heads 16 --intermediate 4096 --batch 64 --seq 512)
  fi
  [ "$mode" = ckpt ] && flags+=(--checkpointing on)
  t=$(tlimit 150 30)
  if [ "$t" = 0 ]; then row "$key" status=skipped detail="no time left"; return 0; fi
  note "torch $m $mode (timeout ${t}s)"
  PYTHONUNBUFFERED=1 run_logged "torch-$m-$mode" "$t" "$PYTHON" "$HERE/torch_bert.py" \
    "${flags[@]}" --steps "$TORCH_STEPS" --warmup 2 || rc=$?
  log="$LOGS/torch-$m-$mode.log"
  st=$(result_field "$log" status)
  if [ "$st" = skipped ]; then
    TORCH_SKIP=$(sed -n 's/^skipped: //p' "$log" | sed -n 1p | cut -c1-160 || true)
    row "$key" status=skipped detail="$TORCH_SKIP"
  elif [ "$st" = ok ] || [ "$st" = OOM ]; then
    [ "$st" = ok ] && st=OK
    row "$key" status="$st" step_ms="$(result_field "$log" median_ms)" \
      tokens_per_s="$(result_field "$log" tokens_per_s)" \
      peak_mem_bytes="$(result_field "$log" max_mem_bytes)" \
      detail="torch.cuda.max_memory_allocated$([ "$st" = OOM ] && echo ' at the OOM')"
  else
    row "$key" status=FAIL detail="$(reason_of "$log" $rc)"
  fi
  note "torch $m $mode: $(get "$key" status) $(get "$key" step_ms) ms"
}

note "== 5. step time"
TORCH_SKIP=""
ORDER=()
for p in "${PERF[@]}"; do
  case $p in "large-h100-$REF_BUDGET"|base-*) ORDER+=("gc:$p") ;; esac
done
ORDER+=(torch:base-eager torch:base-ckpt)
if [ $SKIP_LARGE = 0 ]; then
  ORDER+=(torch:large-ckpt)
  for p in "${PERF[@]}"; do
    case $p in "large-h100-$REF_BUDGET"|base-*) ;; *) ORDER+=("gc:$p") ;; esac
  done
  ORDER+=(torch:large-eager)
fi
# A gc configuration whose compile is still running goes after the PyTorch
# runs rather than holding them up.
DEFERRED=()
run_item() {
  case $1 in
    gc:*) if [ $NO_GC = 0 ]; then gc_perf "${1#gc:}"; fi ;;
    torch:*) local spec=${1#torch:}; torch_perf "${spec%-*}" "${spec#*-}" ;;
  esac
  write_outputs
}
for item in "${ORDER[@]}"; do
  case $item in
    gc:*)
      if [ $NO_GC = 0 ] && [ -n "${BG_PID[compile-${item#gc:}]:-}" ] &&
         [ ! -f "$W/compile-${item#gc:}.rc" ]; then
        note "${item#gc:}: still compiling; timing it after the PyTorch runs"
        DEFERRED+=("$item")
        continue
      fi ;;
  esac
  run_item "$item"
done
for item in ${DEFERRED[@]+"${DEFERRED[@]}"}; do run_item "$item"; done

#===-------------------------------------------------------------------------===#
# 6. The table
#===-------------------------------------------------------------------------===#

for key in "${ROWS[@]}"; do
  [ "$(get "$key" status)" = pending ] && row "$key" status=skipped detail="not reached"
done
write_outputs
say ""
tee -a "$OUTDIR/run.log" < "$OUTDIR/summary.md"
say ""
say "peak memory: gc = arena + parameters/gradients/optimizer state; PyTorch = torch.cuda.max_memory_allocated."
say "files: $OUTDIR/{summary.md,gpu.csv,logs.txt,run.log,compare.csv}   ($(elapsed)s)"
if [ $NO_GC = 1 ]; then exit 2; fi
exit $EXIT_FAIL
