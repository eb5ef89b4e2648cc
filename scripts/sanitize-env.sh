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
