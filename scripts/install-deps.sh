#!/usr/bin/env bash
#===- install-deps.sh - Install everything gc needs on Debian 12 ----------===#
#
# Idempotent: installs only what is missing. Run as root (or through sudo) on a
# fresh Debian 12 machine. Installs LLVM/MLIR 22 and the build, test and
# benchmark dependencies from Debian's packages. CUDA is not installed here:
# when /usr/local/cuda (or nvcc on PATH) is present the build picks it up,
# otherwise the CUDA parts are skipped.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

PACKAGES=(
  # Toolchain and build.
  build-essential cmake ninja-build ccache git pkg-config python3 python3-pip
  python3-venv
  # LLVM / MLIR 22 (headers, libMLIR.so, mlir-tblgen, FileCheck, lit, not).
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22
  clang-format-22 clang-tidy-22
  # Libraries used by the compiler, runtime, tests and benchmarks.
  libopenblas-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  libbenchmark-dev zlib1g-dev libzstd-dev libedit-dev libxml2-dev
  libcurl4-openssl-dev
  # Data-parallel steps: Open MPI (gc_rt's communicator, mpirun for the tests).
  libopenmpi-dev openmpi-bin
  # libFuzzer and the sanitizer runtimes (scripts/fuzz.sh, test.sh --sanitize).
  libclang-rt-22-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps.sh: must run as root (or with sudo available)" >&2
    exit 1
  fi
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "install-deps.sh: all Debian packages present"
fi

if [ -x /usr/local/cuda/bin/nvcc ] || command -v nvcc >/dev/null 2>&1; then
  echo "install-deps.sh: CUDA found ($(
    (command -v nvcc || echo /usr/local/cuda/bin/nvcc) | head -1)); CUDA parts will be built"
else
  echo "install-deps.sh: no nvcc found; CUDA parts will be skipped"
fi
