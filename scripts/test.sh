#!/usr/bin/env bash
#===- test.sh - Install, build and run the whole gc test suite ------------===#
#
# Usage: scripts/test.sh [--sanitize] [build-dir]
# Installs missing dependencies (scripts/install-deps.sh), builds every
# target and runs `check-gc` (lit regression tests and gtest unit tests).
# Exits non-zero when any step or any test fails; the last line is the
# summary "N passed, N failed, N skipped".
#
# --sanitize: the same suite on a build with AddressSanitizer and
# UndefinedBehaviorSanitizer (build-sanitize/, -O2 -g, every report fatal;
# the same build serves scripts/fuzz.sh). Compiled steps that the tests
# build link the sanitized runtime kernels and run under the sanitizers too.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "--sanitize" ]; then
  shift
  source "$ROOT/scripts/sanitize-env.sh"
  BUILD="${1:-$GC_SANITIZE_BUILD}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
else
  BUILD="${1:-$ROOT/build}"
fi

bash "$ROOT/scripts/install-deps.sh"
# The Python environment of gc_torch's tests (test/Python); GC_NO_TORCH=1
# skips it and those tests report as unsupported.
if [ -z "${GC_NO_TORCH:-}" ]; then
  GC_TORCH_PYTHON="$(bash "$ROOT/scripts/install-torch.sh" | tail -1)"
  export GC_TORCH_PYTHON
fi
bash "$ROOT/scripts/build.sh" "$BUILD" all

LOG="$BUILD/check-gc.log"
status=0
cmake --build "$BUILD" --target check-gc 2>&1 | tee "$LOG" || status=$?

count() { # count <lit result label>
  sed -n "s/^ *$1 *: *\([0-9]\+\).*/\1/p" "$LOG" | tail -1
}
passed=$(count Passed); failed=$(count Failed)
unsupported=$(count Unsupported); skipped=$(count Skipped)
passed=${passed:-0}; failed=${failed:-0}
skipped=$(( ${unsupported:-0} + ${skipped:-0} ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "check-gc: the test run itself failed (exit $status); see $LOG" >&2
fi
echo "check-gc: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
