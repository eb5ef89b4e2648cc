#!/usr/bin/env bash
#===- selftest.sh - Check bench/gpu's scripts without a GPU ----------------===#
#
# Usage: bash bench/gpu/selftest.sh
#
# Runs on any machine, in about a minute: shellcheck (when installed),
# compare_results.py on safetensors files written here (equal, close, over
# tolerance, NaN, names/dtypes/shapes differing, truncated), torch_bert.py's
# clean skip without torch or CUDA (through stand-in torch/transformers
# modules), and run.sh (run.py) end to end with stand-ins for gc-compile,
# gc-run (writing --json), nvcc, nvidia-smi and the PyTorch baseline:
# the table's rows, the exit status, a failing compile, a hanging gc-run
# under a short time budget. Prints one line per case and exits 1 when any
# fails.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/gpu"
T=$(mktemp -d "${TMPDIR:-/tmp}/gc-gpu-selftest.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
FAILS=0
ok() { printf 'PASS  %s\n' "$1"; }
bad() { printf 'FAIL  %s\n' "$1"; FAILS=$((FAILS + 1)); }
expect_rc() {  # expect_rc NAME WANT CMD...
  local name=$1 want=$2 rc=0
  shift 2
  "$@" > "$T/last.out" 2>&1 || rc=$?
  if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"
  else bad "$name: exit $rc, want $want"; sed 's/^/      /' "$T/last.out" | tail -5; fi
}
expect_grep() {  # expect_grep NAME PATTERN FILE
  if grep -qE -- "$2" "$3"; then ok "$1"; else bad "$1: no /$2/ in $3"; fi
}

if command -v shellcheck > /dev/null 2>&1; then
  expect_rc "shellcheck" 0 shellcheck -x "$HERE/run.sh" "$HERE/pack.sh" \
    "$HERE/configs.sh" "$HERE/selftest.sh"
else
  expect_rc "bash -n" 0 bash -n "$HERE/run.sh"
fi
expect_rc "run.py compiles" 0 python3 -m py_compile "$HERE/run.py"

#===-- compare_results.py -------------------------------------------------===#
python3 - "$T" <<'EOF'
import json, math, random, struct, sys
d = sys.argv[1]
def write(path, tensors):
    header, data = {}, b""
    for name, (dtype, shape, vals) in tensors.items():
        raw = struct.pack("<%d%s" % (len(vals), {"F32": "f", "F64": "d", "I32": "i", "I64": "q"}[dtype]), *vals)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header).encode()
    open(path, "wb").write(struct.pack("<Q", len(h)) + h + data)
random.seed(1)
w = [random.gauss(0, 1) for _ in range(4096)]
b = [random.gauss(0, 1) for _ in range(64)]
ref = {"w": ("F32", [64, 64], w), "b": ("F32", [64], b), "ids": ("I64", [4], [1, 2, 3, 4]),
       "d": ("F64", [2], [1.0, 2.0]), "z": ("F32", [4], [0.0] * 4), "n": ("I32", [], [3])}
write(d + "/ref.st", ref)
write(d + "/close.st", dict(ref, w=("F32", [64, 64], [x * (1 + 1e-6) for x in w])))
write(d + "/over.st", dict(ref, b=("F32", [64], [x + 1e-3 for x in b])))
write(d + "/nan.st", dict(ref, w=("F32", [64, 64], [math.nan] + w[1:])))
names = dict(ref); del names["d"]; names["extra"] = ("F32", [1], [1.0])
write(d + "/names.st", names)
write(d + "/shape.st", dict(ref, z=("F32", [2, 2], [0.0] * 4)))
write(d + "/int.st", dict(ref, ids=("I64", [4], [1, 2, 3, 5])))
open(d + "/trunc.st", "wb").write(open(d + "/ref.st", "rb").read()[:40])
EOF
C="$HERE/compare_results.py"
expect_rc "compare: identical" 0 python3 "$C" "$T/ref.st" "$T/ref.st"
expect_rc "compare: 1e-6 relative noise" 0 python3 "$C" "$T/close.st" "$T/ref.st"
expect_rc "compare: 1e-3 off" 1 python3 "$C" "$T/over.st" "$T/ref.st"
expect_grep "compare: RESULT line names the worst tensor" 'RESULT verdict=FAIL .*worst=b ' "$T/last.out"
expect_rc "compare: NaN" 1 python3 "$C" "$T/nan.st" "$T/ref.st"
expect_rc "compare: names differ" 1 python3 "$C" "$T/names.st" "$T/ref.st"
expect_rc "compare: shape differs" 1 python3 "$C" "$T/shape.st" "$T/ref.st"
expect_rc "compare: integers differ" 1 python3 "$C" "$T/int.st" "$T/ref.st"
expect_rc "compare: truncated file" 2 python3 "$C" "$T/trunc.st" "$T/ref.st"

#===-- torch_bert.py ------------------------------------------------------===#
mkdir -p "$T/fake/torch" "$T/fake/transformers"
cat > "$T/fake/torch/__init__.py" <<'EOF'
import os
__version__ = "0-stand-in"
float32 = "float32"
bfloat16 = "bfloat16"
class autocast:
    def __init__(self, device_type, dtype=None): pass
    def __enter__(self): return self
    def __exit__(self, *exc): return False
class OutOfMemoryError(RuntimeError): pass
class _NS: pass
backends = _NS(); backends.cuda = _NS(); backends.cuda.matmul = _NS(); backends.cudnn = _NS()
def set_float32_matmul_precision(p): pass
class device:
    def __init__(self, s): pass
class _Cuda:
    OutOfMemoryError = OutOfMemoryError
    def is_available(self): return os.environ.get("FAKE_CUDA", "1") == "1"
    def set_device(self, d): pass
    def get_device_name(self, d): return "stand-in GPU"
    def synchronize(self, d=None): pass
    def reset_peak_memory_stats(self, d=None): pass
    def max_memory_allocated(self, d=None): return 12345678
cuda = _Cuda()
def manual_seed(s): pass
class T:
    def __init__(self, v=1.0): self.v = v
    def to(self, *a, **k): return self
    def __lt__(self, o): return T()
    def detach(self): return self
    def __float__(self): return float(self.v)
    def backward(self):
        if os.environ.get("FAKE_OOM") == "1": raise OutOfMemoryError("CUDA out of memory.")
def randint(lo, hi, shape, generator=None): return T()
def rand(shape, generator=None): return T()
def where(c, a, b): return a
def full_like(x, v): return T()
def zeros_like(x): return T()
def ones_like(x): return T()
class Generator:
    def __init__(self, device=None): pass
    def manual_seed(self, s): return self
class optim:
    class AdamW:
        def __init__(self, params, lr, weight_decay): list(params)
        def zero_grad(self, set_to_none=True): pass
        def step(self): pass
EOF
cat > "$T/fake/transformers/__init__.py" <<'EOF'
__version__ = "0-stand-in"
import torch
class BertConfig:
    def __init__(self, **kw): self.__dict__.update(kw)
class _P:
    def numel(self): return 10
class _Out:
    def __init__(self): self.loss = torch.T(10.5)
class BertForMaskedLM:
    def __init__(self, cfg): self.config = cfg
    @classmethod
    def _from_config(cls, cfg, attn_implementation=None):
        cfg._attn_implementation = attn_implementation
        return cls(cfg)
    def to(self, **k): return self
    def train(self): pass
    def parameters(self): return [_P(), _P()]
    def gradient_checkpointing_enable(self, gradient_checkpointing_kwargs=None): pass
    def __call__(self, **kw): return _Out()
EOF
TB="$HERE/torch_bert.py"
expect_rc "torch_bert: no torch" 0 env PYTHONPATH="$T/nonexistent" python3 -S "$TB" --layers 2
expect_grep "torch_bert: prints skipped" '^skipped: ' "$T/last.out"
expect_rc "torch_bert: no CUDA" 0 env PYTHONPATH="$T/fake" FAKE_CUDA=0 python3 "$TB"
expect_grep "torch_bert: skipped: CUDA" '^skipped: CUDA' "$T/last.out"
expect_rc "torch_bert: runs (stand-in torch)" 0 env PYTHONPATH="$T/fake" python3 "$TB" \
  --checkpointing on --steps 3
expect_grep "torch_bert: RESULT ok" '^RESULT status=ok mode=ckpt .*steps=3 ' "$T/last.out"
expect_rc "torch_bert: bf16-mixed (stand-in torch)" 0 env PYTHONPATH="$T/fake" \
  python3 "$TB" --precision bf16-mixed --steps 2
expect_grep "torch_bert: RESULT amp" '^RESULT status=ok mode=amp .*steps=2 ' "$T/last.out"
expect_grep "torch_bert: SDPA under autocast" 'attention=sdpa' "$T/last.out"
expect_rc "torch_bert: OOM is reported" 0 env PYTHONPATH="$T/fake" FAKE_OOM=1 python3 "$TB"
expect_grep "torch_bert: RESULT OOM" '^RESULT status=OOM ' "$T/last.out"

#===-- run.sh with stand-ins ----------------------------------------------===#
M="$T/mock"
mkdir -p "$M"
cat > "$M/gc-compile" <<'EOF'
#!/usr/bin/env bash
[ "${1:-}" = --version ] && { echo "stand-in gc-compile"; exit 0; }
out="" prev=""
for a in "$@"; do [ "$prev" = -o ] && out=$a; prev=$a; done
case "$out" in *"${MOCK_COMPILE_FAIL:-@none@}"*) echo "error: stand-in failure"; exit 1 ;; esac
mkdir -p "$out" && echo "$*" > "$out/args"
EOF
cat > "$M/gc-run" <<'EOF'
#!/usr/bin/env bash
[ "${1:-}" = --version ] && { echo "stand-in gc-run"; exit 0; }
sleep "${MOCK_RUN_SLEEP:-0}"
steps=1 output="" track=0 dev=cpu json=""
shift
while [ $# -gt 0 ]; do
  case $1 in --steps) steps=$2; shift ;; --output) output=$2; shift ;;
    --track-arena) track=1 ;; --device) dev=$2; shift ;; --json) json=$2; shift ;; esac
  shift
done
for i in $(seq 1 "$steps"); do echo "step $i: loss = 4.85$i (12.5 ms)"; done
echo "step time: median 123.4 ms over $steps steps"
python3 - "$json" "$steps" "$track" <<'PY'
import json, os, sys
path, steps, track = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
if path:
    json.dump({"steps": [{"loss": float("4.85%d" % (i + 1)), "seconds": 0.0125}
                         for i in range(steps)],
               "median_step_s": 0.1234, "min_step_s": 0.12, "tokens_per_step": 16384,
               "tokens_per_s": 132765.2,
               "arena_bytes": 1048576 if track else 80000000000,
               "arena_high_water_bytes": int(os.environ.get("MOCK_HW", "1048576")) if track else None,
               "state_bytes": 5400000000, "device_free_bytes": 50000000000,
               "device_total_bytes": 150000000000}, open(path, "w"))
PY
[ -z "$output" ] && exit 0
python3 - "$output" "$dev" <<'PY'
import json, os, random, struct, sys
random.seed(3)
eps = float(os.environ.get("MOCK_ERR", "1e-7")) if sys.argv[2] != "cpu" else 0.0
w = [random.gauss(0, 1) * (1 + eps) for _ in range(1000)]
h = json.dumps({"w": {"dtype": "F32", "shape": [10, 100], "data_offsets": [0, 4000]}}).encode()
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + struct.pack("<1000f", *w))
PY
EOF
cat > "$M/nvidia-smi" <<'EOF'
#!/bin/sh
echo "NVIDIA H200, 143771, 580.159.03"
EOF
cat > "$M/python" <<'EOF'
#!/usr/bin/env bash
case "$*" in
  *torch_bert.py*"--layers 24"*)
    case "$*" in *checkpointing*|*bf16-mixed*) ;; *)
      echo "RESULT status=OOM mode=eager median_ms=nan tokens_per_s=nan max_mem_bytes=85000000000 steps=0"
      exit 0 ;; esac ;;
esac
case "$*" in
  *torch_bert.py*)
    echo "RESULT status=ok mode=x median_ms=250.1 tokens_per_s=65500.3 max_mem_bytes=21474836480 steps=5"
    exit 0 ;;
esac
exec python3 "$@"
EOF
cat > "$M/k.cu" <<'EOF'
// stand-in kernel check; build: nvcc -O2 -o cuda_kernels_check k.cu
int main() { return 0; }
EOF
chmod +x "$M"/*
# The kernel check's "binary" is compiled by a stand-in nvcc that writes a script.
cat > "$M/nvcc" <<'EOF'
#!/usr/bin/env bash
[ "${1:-}" = --version ] && { echo "Cuda compilation tools, release 13.0, V13.0.0"; exit 0; }
out=""; prev=""
for a in "$@"; do [ "$prev" = -o ] && out=$a; prev=$a; done
printf '#!/bin/sh\necho "PASS softmax 0"; echo "PASS gelu 0"\n' > "$out"
chmod +x "$out"
EOF
chmod +x "$M/nvcc"

runsh() {  # runsh NAME WANT-RC [ENV...] -- [ARGS...]
  local name=$1 want=$2
  shift 2
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  expect_rc "$name" "$want" env PATH="$M:$PATH" GC_BIN_DIR="$M" PYTHON="$M/python" \
    GC_KERNELS_SRC="$M/k.cu" OUT="$T/out-$name" GC_GPU_WORK="$T/work-$name" \
    ${envs[@]+"${envs[@]}"} bash "$HERE/run.sh" "$@"
}
runsh all-pass 0 --
S="$T/out-all-pass/summary.md"
expect_grep "run.sh: kernels PASS" '^\| CUDA kernels.*\| PASS \| 2 passed, 0 failed' "$S"
expect_grep "run.sh: CUDA vs CPU PASS" '^\| tiny BERT: CUDA vs CPU.*\| PASS \|' "$S"
expect_grep "run.sh: arena equal" '^\| tiny BERT: planned vs measured arena.*\| PASS \| equal' "$S"
expect_grep "run.sh: H200 budget row" '^\| BERT-large b64 s512 \| gc \(CUDA\) \| 130GiB \(--device h200\) \| OK \| 123 ' "$S"
expect_grep "run.sh: reference row" '^\| BERT-large b64 s512 \| gc \(CUDA\) \| 75GiB \(--device h100\) \| OK ' "$S"
expect_grep "run.sh: bf16-mixed row" '^\| BERT-large b64 s512 bf16-mixed \| gc \(CUDA\) \| 75GiB \(--device h100\) \| OK ' "$S"
expect_grep "run.sh: autocast row" '^\| BERT-large b64 s512 bf16-mixed \| PyTorch autocast bf16 \+ SDPA \| - \| OK ' "$S"
expect_grep "run.sh: bf16-mixed compiled so" 'precision bf16-mixed --attention fused' "$T/work-all-pass/large-bf16-h100-75GiB/args"
expect_grep "run.sh: PyTorch OOM row" '^\| BERT-large b64 s512 \| PyTorch eager \| - \| OOM ' "$S"
expect_grep "run.sh: gpu.csv" '^perf,gc large-h100-75GiB,' "$T/out-all-pass/gpu.csv"
runsh mismatch 1 MOCK_ERR=1e-3 MOCK_HW=2000000 MOCK_COMPILE_FAIL=base- -- --skip-torch
S="$T/out-mismatch/summary.md"
expect_grep "run.sh: CUDA vs CPU FAIL" '^\| tiny BERT: CUDA vs CPU.*\| FAIL \| 1.000e-03' "$S"
expect_grep "run.sh: arena differs" '^\| tiny BERT: planned vs measured arena.*\| FAIL \|' "$S"
expect_grep "run.sh: compile failure recorded" '\| FAIL \| - \| - \| - \| - \| gc-compile: exit 1: error: stand-in failure' "$S"
runsh hang 1 MOCK_RUN_SLEEP=600 -- --budget-s 60 --skip-torch
S="$T/out-hang/summary.md"
expect_grep "run.sh: a hanging gc-run times out" 'gc-run: timed out' "$S"
expect_grep "run.sh: later phases skipped" '\| skipped \| .*no time left' "$S"
# A checkout without build/, bundle or toolchain: the gc phases are skipped,
# the rest runs, exit 2.
mkdir -p "$T/bare/bench/gpu"
cp "$HERE"/{run.sh,run.py,configs.sh,compare_results.py,torch_bert.py} "$T/bare/bench/gpu/"
expect_rc "run.sh: no gc tools" 2 env PATH="$M:$PATH" PYTHON="$M/python" \
  GC_KERNELS_SRC="$M/k.cu" OUT="$T/out-bare" GC_GPU_WORK="$T/work-bare" \
  LLVM_PREFIX="$T/none" bash "$T/bare/bench/gpu/run.sh" --no-build
expect_grep "run.sh: no toolchain message" 'gc cannot be built on this machine' "$T/out-bare/run.log"
expect_grep "run.sh: kernels still run" '^\| CUDA kernels.*\| PASS \|' "$T/out-bare/summary.md"
expect_grep "run.sh: PyTorch still runs" '^\| BERT-base b32 s512 \| PyTorch eager \| - \| OK ' "$T/out-bare/summary.md"

echo
if [ $FAILS = 0 ]; then echo "selftest: all passed"; else echo "selftest: $FAILS failed"; fi
[ $FAILS = 0 ]
