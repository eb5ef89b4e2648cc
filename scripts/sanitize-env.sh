#===- sanitize-env.sh - The sanitized build's settings --------------------===#
#
# Sourced by scripts/test.sh --sanitize and scripts/fuzz.sh, which share one
# build (build-sanitize/): ASan + UBSan with every report fatal, plus
# libFuzzer's coverage instrumentation, at -O2 -g. scripts/build.sh reads
# GC_BUILD_TYPE and GC_CMAKE_ARGS when it first configures the directory.
#
#===----------------------------------------------------------------------===#
export GC_BUILD_TYPE=RelWithDebInfo
export GC_CMAKE_ARGS="-DGC_SANITIZE=ON -DGC_FUZZ_COVERAGE=ON"
GC_SANITIZE_BUILD="${GC_SANITIZE_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build-sanitize}"
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons the slabs it starts
# when the code that inlines it is instrumented (gc's attribute storage,
# constructed in gc's code) and unpoisons each allocation it hands out, but
# Debian's libMLIR.so is not instrumented, so its own allocations from such
# a slab would read as use-after-poison. gc itself poisons nothing.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allow_user_poisoning=0}"
