"""The checks of mixed-precision.mlir on what its compiled steps wrote:
whether remat recomputed, the plan's bytes by element type, the loss
against the fp32 step's. Usage: precision_report.py WORK_DIR."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "bench" / "gpu"))
from compare_results import read_safetensors  # noqa: E402

work = Path(sys.argv[1])


def loss(path):
    """The scalar 'loss' of a safetensors file written by gc-run."""
    tensors, _ = read_safetensors(path)
    return tensors["loss"][2][0]


reference = loss(work / "fp32.safetensors")
for name, dtype in (("bf16", "bf16"), ("f16", "f16")):
    plan = json.loads((work / name / "report.json").read_text())["memory_plan"]
    remat = json.loads((work / f"{name}-remat" / "report.json").read_text())
    value = loss(work / f"{name}.safetensors")
    print(f"{name}: recomputed {remat['num_clones'] > 0}, 16-bit at the peak "
          f"{plan['peak_live_bytes_by_dtype'].get(dtype, 0) > 0}, persistent "
          f"{','.join(sorted(plan['persistent_bytes_by_dtype']))}, loss "
          f"within 1% of fp32 {abs(value - reference) <= 0.01 * reference}")
