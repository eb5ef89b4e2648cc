#!/usr/bin/env bash
#===- install-torch.sh - The Python environment of gc_torch ---------------===#
#
# Usage: scripts/install-torch.sh        (prints the environment's python)
#
# Creates (once) a virtual environment with PyTorch, Hugging Face
# transformers and safetensors from PyPI, at the pinned versions gc_torch is
# tested with, and prints the path of its python on the last line. The
# environment lives outside the source tree, in $GC_TORCH_VENV (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/gc/torch-venv), so that every clone and
# build of gc shares one copy: the default Linux torch wheel pulls in
# NVIDIA's CUDA runtime packages, a few GB. Idempotent: an environment whose
# packages import at the pinned versions is kept as it is.
#
# The gc_torch tests (test/Python) need it; scripts/test.sh runs this script,
# and `GC_NO_TORCH=1 scripts/test.sh` skips it (those tests then report as
# unsupported).
#
#===----------------------------------------------------------------------===#
set -euo pipefail

VENV="${GC_TORCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/gc/torch-venv}"
REQUIREMENTS=(torch==2.15.0 transformers==5.24.0 safetensors==0.8.0 numpy)
PY="$VENV/bin/python"

check() {
  "$PY" - <<'PYEOF' 2>/dev/null
import torch, transformers, safetensors
assert torch.__version__.split("+")[0] == "2.15.0", torch.__version__
assert transformers.__version__ == "5.24.0", transformers.__version__
PYEOF
}

if [ -x "$PY" ] && check; then
  echo "install-torch.sh: $VENV is up to date" >&2
else
  echo "install-torch.sh: installing ${REQUIREMENTS[*]} into $VENV" >&2
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$PY" -m pip install --quiet --upgrade pip >&2
  "$PY" -m pip install --quiet "${REQUIREMENTS[@]}" >&2
  check || { echo "install-torch.sh: the environment does not import" >&2; exit 1; }
fi
echo "$PY"
