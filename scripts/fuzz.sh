#!/usr/bin/env bash
#===- fuzz.sh - Run gc's fuzz targets -------------------------------------===#
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Builds gc with AddressSanitizer, UBSan and libFuzzer coverage (the same
# build-sanitize/ as `scripts/test.sh --sanitize`), then runs each fuzz
# target (default: all four) for SECONDS (default 60) on its seed corpora
# (test/Fuzz/seeds and the test suite's own inputs). GC_FUZZ_JOBS targets
# run at once (default 1). The growing corpus stays in
# build-sanitize/fuzz/corpus/TARGET; a crash, sanitizer report, timeout or
# out-of-memory input goes to build-sanitize/fuzz/crashes/TARGET/. Prints one
# summary line per target (executions, coverage, corpus, findings) and exits
# 1 when any target found something. A finding is fixed by adding the input
# to test/Fuzz/seeds/TARGET, where check-gc replays it.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/sanitize-env.sh"
BUILD="$GC_SANITIZE_BUILD"
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(mlir plan-csv safetensors run-inputs)
JOBS="${GC_FUZZ_JOBS:-1}"

bash "$ROOT/scripts/install-deps.sh" > /dev/null
bash "$ROOT/scripts/build.sh" "$BUILD" \
  $(printf 'gc-%s-fuzzer ' "${TARGETS[@]}") > /dev/null

# seeds <target>: its corpus folders beyond the writable one.
seeds() {
  local seeds="$ROOT/test/Fuzz/seeds/$1"
  case "$1" in
    mlir) echo "$seeds $ROOT/test/Transforms $ROOT/test/Dialect/Gc" ;;
    safetensors) echo "$seeds $ROOT/test/Models/golden" ;;
    *) echo "$seeds" ;;
  esac
}

run_target() { # run_target <target>
  local target=$1
  local corpus="$BUILD/fuzz/corpus/$target" crashes="$BUILD/fuzz/crashes/$target"
  local log="$BUILD/fuzz/$target.log"
  mkdir -p "$corpus" "$crashes"
  # shellcheck disable=SC2046
  "$BUILD/bin/gc-$target-fuzzer" -max_total_time="$SECONDS_EACH" \
    -timeout=60 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" $(seeds "$target") > "$log" 2>&1 ||
    true
  local runs coverage findings
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 executions in \2 s/p' "$log")
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" |
             tail -1)
  findings=$(find "$crashes" -type f | wc -l)
  echo "gc-$target-fuzzer: ${runs:-no summary (see $log)}; $coverage;" \
       "$findings findings in $crashes"
}

mkdir -p "$BUILD/fuzz"
status=0
running=0
for target in "${TARGETS[@]}"; do
  run_target "$target" > "$BUILD/fuzz/$target.summary" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
for target in "${TARGETS[@]}"; do
  cat "$BUILD/fuzz/$target.summary"
  grep -q " 0 findings" "$BUILD/fuzz/$target.summary" || status=1
done
exit "$status"
