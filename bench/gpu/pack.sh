#!/usr/bin/env bash
#===- pack.sh - Pack gc for the GPU machine, which cannot build it ---------===#
#
# Usage: bash bench/gpu/pack.sh [--build] [--no-steps] [build-dir]
#
# The GPU machine has no LLVM/MLIR 22 and no network, so gc cannot be built
# there. This packs, from a build made here (default build/; --build runs
# scripts/build.sh for gc-compile and gc-run first):
#   bin/       gc-compile and gc-run, stripped;
#   lib/       the shared libraries they need that a bare Ubuntu machine with
#              CUDA lacks: libLLVM, libMLIR, OpenBLAS, libz3, ... (the C and
#              C++ runtimes and the common system libraries stay out; set
#              GC_PACK_SKIP to a regex of sonames to leave out instead);
#   include/   OpenBLAS's headers (cblas.h, ...), with lib/libopenblas.so,
#              for what the GPU machine compiles against the CPU runtime;
#   build/     the build directory's runtime libraries and generated headers
#              at their relative paths, for gc-compile's code generation;
#   steps/     unless --no-steps: the steps run.sh compiles, compiled here
#              (tiny-cpu, tiny-cuda, base-/large-h100-75GiB and -h200-130GiB),
#              and the CPU reference of the correctness check
#              (cpu.safetensors, cpu-run.log). run.sh uses one of them only
#              when compiling it on the GPU machine fails;
#   manifest.env  where and from which commit it was built;
# into bench/gpu/carry/gc-bundle.tar.xz (git-ignored). Then call the device
# with carry ["bench/gpu/carry"]: run.sh unpacks it to its scratch directory.
# The device call carries at most 64 MiB with the working tree, so the
# tarball should stay under ~58 MiB; the script prints its size and warns.
# Environment: GC_PACK_SKIP (see lib/), GC_PACK_XZ_LEVEL (default -9; -1 is
# fast for a trial), GC_PACK_OUT (the tarball's path).
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/gpu"
BUILD="$ROOT/build"
DO_BUILD=0
STEPS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) DO_BUILD=1 ;;
    --no-steps) STEPS=0 ;;
    -h|--help) sed -n '3,/^#===-\{10,\}===#$/{/^#===/d;p;}' "$HERE/pack.sh" | sed 's/^# \{0,1\}//'
               exit 0 ;;
    -*) echo "pack.sh: unknown option '$1'" >&2; exit 64 ;;
    *) BUILD="$1" ;;
  esac
  shift
done
BUILD="$(cd "$BUILD" && pwd)"
TARBALL="${GC_PACK_OUT:-$HERE/carry/gc-bundle.tar.xz}"
OUTDIR="$(dirname "$TARBALL")"
LIMIT_MIB=58

if [ $DO_BUILD = 1 ]; then
  bash "$ROOT/scripts/build.sh" "$BUILD" gc-compile gc-run
fi
for t in gc-compile gc-run; do
  [ -x "$BUILD/bin/$t" ] || { echo "pack.sh: $BUILD/bin/$t not built" >&2; exit 1; }
done

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/gc-pack.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/bin" "$STAGE/lib" "$STAGE/include" "$STAGE/build" "$STAGE/steps"

echo "== tools from $BUILD/bin"
for t in gc-compile gc-run; do
  cp "$BUILD/bin/$t" "$STAGE/bin/"
  if command -v strip > /dev/null 2>&1; then
    strip --strip-unneeded "$STAGE/bin/$t" 2>/dev/null || true
  fi
done

echo "== runtime files from $BUILD/runtime"
# The runtime's libraries and generated headers: what a compiled step is
# built against and linked with.
if [ -d "$BUILD/runtime" ]; then
  (cd "$BUILD" && find ./runtime -path '*/CMakeFiles' -prune -o -type f \
     \( -name '*.a' -o -name '*.so' -o -name '*.so.*' -o -name '*.h' -o -name '*.cuh' \
        -o -name '*.fatbin' -o -name '*.cubin' -o -name '*.ptx' \) -print) |
    while read -r f; do
      mkdir -p "$STAGE/build/$(dirname "$f")"
      cp "$BUILD/$f" "$STAGE/build/$f"
    done
fi

echo "== shared libraries"
# Left out: glibc, the compiler runtimes (the GPU machine's are newer), the
# common compression/terminal/XML libraries, and CUDA's own (the GPU machine
# has CUDA 13.0).
SKIP="${GC_PACK_SKIP:-^(linux-vdso|ld-linux|libc\.so|libm\.so|libmvec|libpthread|libdl|librt|libresolv|libutil|libgcc_s|libstdc\+\+|libz\.so|libzstd|liblzma|libbz2|libffi|libtinfo|libncurses|libicu|libxml2|libcuda\.so|libcudart|libcublas|libcublasLt|libnvidia|libnvrtc|libnvJitLink)}"
lddout=$( { ldd "$BUILD/bin/gc-compile" "$BUILD/bin/gc-run";
            find "$STAGE/build" -name '*.so*' -type f -exec ldd {} \; ; } 2>/dev/null || true)
libs=$(printf '%s\n' "$lddout" | sed -n 's/^[[:space:]]*\([^ ]*\) => \(\/[^ ]*\) .*/\1 \2/p' | sort -u)
missing=$(printf '%s\n' "$lddout" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | sort -u | tr '\n' ' ')
packed=()
while read -r soname path; do
  [ -n "$soname" ] || continue
  if printf '%s\n' "$soname" | grep -Eq "$SKIP"; then continue; fi
  cp -L "$path" "$STAGE/lib/$soname"
  packed+=("$soname")
done <<< "$libs"
echo "   ${packed[*]}"
[ -z "$missing" ] || echo "   warning: unresolved here: $missing"

# OpenBLAS's headers and link name, for what the GPU machine's host compiler
# builds against the CPU runtime (the kernel check, a --target cpu step):
# run.sh puts include/ on CPATH and lib/ on LIBRARY_PATH.
blas_inc=$(sed -n 's/^GC_CBLAS_INCLUDE_DIR:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)
if [ -n "$blas_inc" ] && [ -f "$blas_inc/cblas.h" ]; then
  mkdir -p "$STAGE/include"
  cp "$blas_inc"/*.h "$STAGE/include/"
  echo "   OpenBLAS headers from $blas_inc"
fi
if [ -f "$STAGE/lib/libopenblas.so.0" ]; then
  ln -sf libopenblas.so.0 "$STAGE/lib/libopenblas.so"
fi

# The staged tools must start with only the packed libraries added.
for t in gc-compile gc-run; do
  LD_LIBRARY_PATH="$STAGE/lib" "$STAGE/bin/$t" --version > /dev/null ||
    { echo "pack.sh: staged $t does not start" >&2; exit 1; }
done

if [ $STEPS = 1 ]; then
  # shellcheck source=configs.sh source-path=SCRIPTDIR
  source "$HERE/configs.sh"
  echo "== precompiled steps by the packed tools (failures are reported, not fatal)"
  compile() {  # compile NAME FLAGS...
    local name=$1 rc=0
    shift
    if LD_LIBRARY_PATH="$STAGE/lib" timeout 900 "$STAGE/bin/gc-compile" "$@" -o "$STAGE/steps/$name" \
         > "$STAGE/steps/$name.log" 2>&1; then
      # gc-run needs libstep.so; the sources, the IR, the header and the
      # timeline stay here (the tarball has little room).
      find "$STAGE/steps/$name" -type f \( -name '*.mlir' -o -name '*.cu' -o -name '*.cpp' \
        -o -name '*.svg' -o -name '*.h' \) -delete
      echo "   $name: ok ($(du -sh "$STAGE/steps/$name" | cut -f1))"
    else
      rc=$?
      echo "   $name: FAILED (exit $rc): $(tail -1 "$STAGE/steps/$name.log")"
      rm -rf "${STAGE:?}/steps/$name"
    fi
  }
  compile tiny-cpu "${TINY_FLAGS[@]}" --target cpu "${TINY_REMAT[@]}"
  compile tiny-cuda "${TINY_FLAGS[@]}" --target cuda "${TINY_REMAT[@]}"
  for prof in h100 h200; do
    budget=$REF_BUDGET
    [ $prof = h200 ] && budget=$BIG_BUDGET_DEFAULT
    compile "base-$prof-$budget" "${BASE_FLAGS[@]}" --target cuda --budget "$budget" \
      --solver auto --device $prof
  done
  compile "large-h100-$REF_BUDGET" "${LARGE_FLAGS[@]}" --target cuda \
    --budget "$REF_BUDGET" --solver auto --device h100
  compile "large-h200-$BIG_BUDGET_DEFAULT" "${LARGE_FLAGS[@]}" --target cuda \
    --budget "$BIG_BUDGET_DEFAULT" --solver auto --device h200
  compile "large-bf16-h100-$REF_BUDGET" "${LARGE_BF16_FLAGS[@]}" --target cuda \
    --budget "$REF_BUDGET" --solver auto --device h100
  if [ -e "$STAGE/steps/tiny-cpu" ]; then
    if LD_LIBRARY_PATH="$STAGE/lib" timeout 600 "$STAGE/bin/gc-run" "$STAGE/steps/tiny-cpu" --steps 3 --seed 7 \
         --output "$STAGE/steps/cpu.safetensors" > "$STAGE/steps/cpu-run.log" 2>&1; then
      echo "   CPU reference: ok"
    else
      echo "   CPU reference: FAILED: $(tail -1 "$STAGE/steps/cpu-run.log")"
      rm -f "$STAGE/steps/cpu.safetensors"
    fi
  fi
fi

cat > "$STAGE/manifest.env" <<EOF
SRC_ROOT=$ROOT
BUILD_DIR=$BUILD
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo +dirty)
BUILT=$(date -u '+%Y-%m-%dT%H:%MZ')
HOST=$(uname -srm)
LIBS=${packed[*]}
EOF

echo "== compressing (xz ${GC_PACK_XZ_LEVEL:--9}, a few minutes)"
mkdir -p "$OUTDIR"
tar -C "$STAGE" -cf - . | xz -T0 "${GC_PACK_XZ_LEVEL:--9}" > "$TARBALL.tmp"
mv -f "$TARBALL.tmp" "$TARBALL"
size=$(stat -c %s "$TARBALL")
mib=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "== $TARBALL: $mib MiB"
du -sh "$STAGE"/* | sed 's/^/   unpacked: /'
if awk -v m="$mib" -v l="$LIMIT_MIB" 'BEGIN { exit !(m > l) }'; then
  echo "warning: over $LIMIT_MIB MiB: with the working tree the device call may exceed its 64 MiB;"
  echo "         try --no-steps, or GC_PACK_SKIP with more sonames left out."
fi
echo "device call: run(command=\"bash bench/gpu/run.sh\", carry=[\"bench/gpu/carry\"], timeout_s=600)"
