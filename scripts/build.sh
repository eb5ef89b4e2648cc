#!/usr/bin/env bash
#===- build.sh - Configure and build gc ----------------------------------===#
#
# Usage: scripts/build.sh [build-dir] [extra ninja targets...]
# Configures (once) with Ninja, clang-22, ccache when present, against
# Debian's LLVM/MLIR 22, then builds the tools and the given targets.
# GC_BUILD_TYPE (default Release) and GC_CMAKE_ARGS (extra -D options, e.g.
# "-DGC_SANITIZE=ON") apply when the build directory is first configured.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
shift || true
LLVM_PREFIX="${LLVM_PREFIX:-/usr/lib/llvm-22}"
JOBS="${GC_BUILD_JOBS:-$(nproc)}"

if [ ! -f "$BUILD/build.ninja" ]; then
  launcher=()
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache
              -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cc="$LLVM_PREFIX/bin/clang"
  cxx="$LLVM_PREFIX/bin/clang++"
  [ -x "$cxx" ] || { cc=gcc; cxx=g++; }
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE="${GC_BUILD_TYPE:-Release}" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
    -DLLVM_ENABLE_ASSERTIONS=ON \
    "${launcher[@]}" ${GC_CMAKE_ARGS:-}
fi

cmake --build "$BUILD" -j "$JOBS" --target gc-opt "$@"
