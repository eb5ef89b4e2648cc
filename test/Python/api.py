# gc_torch's TrainingStep: the report, state_dict (tied keys included),
# load_state_dict, save/load through safetensors, and resuming: a step
# restored from a checkpoint continues bitwise as the uninterrupted one.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %torch_python %s %t | FileCheck %s

import os
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file
from transformers import BertForMaskedLM

import gc_torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from agreement import perturb, tiny_bert_config, tiny_text_batch

work = Path(sys.argv[1])
torch.manual_seed(0)
config = tiny_bert_config(dropout=0.1)
model = perturb(BertForMaskedLM(config).train())
batch = tiny_text_batch(config.vocab_size)


def compile_step(name):
    return gc_torch.compile_training_step(
        model, batch, optimizer=gc_torch.AdamW(lr=1e-3),
        solver="auto", workdir=work / name)


step = compile_step("a")
report = step.report
# CHECK: report: solver auto, budget {{[0-9]+}} bytes, peak {{[0-9]+}} bytes
print(f"report: solver {report['solver']}, budget {report['budget_bytes']} "
      f"bytes, peak {report['peak_bytes']} bytes")
assert report["peak_bytes"] <= report["budget_bytes"]

state = step.state_dict()
# Tied weights appear under both keys, as in model.state_dict().
assert torch.equal(state["cls.predictions.decoder.weight"],
                   state["bert.embeddings.word_embeddings.weight"])
for key, value in model.state_dict().items():
    if key in dict(model.named_parameters(remove_duplicate=False)):
        assert torch.equal(state[key], value), key
assert int(state["optimizer.step"]) == 0
# CHECK: state_dict: 42 parameters, 84 moments, step 0
moments = [k for k in state if k.startswith("optimizer.exp_avg")]
print(f"state_dict: {len(step.imported.parameters)} parameters, "
      f"{len(moments)} moments, step {int(state['optimizer.step'])}")

losses = [step(batch) for _ in range(2)]
step.save(work / "checkpoint.safetensors")
saved = load_file(work / "checkpoint.safetensors")
assert int(saved["optimizer.step"]) == 2
after_two = step.state_dict()
assert all(torch.equal(saved[k], after_two[k]) for k in saved
           if k in after_two and k != "optimizer.step")
losses += [step(batch) for _ in range(2)]

# A second step (same compiled module) resumed from the checkpoint.
resumed = compile_step("b")
resumed.load(work / "checkpoint.safetensors")
resumed.set_seed(2)
continued = [resumed(batch) for _ in range(2)]
# CHECK: resumed: losses bitwise equal to the uninterrupted run
assert continued == losses[2:], (continued, losses)
print("resumed: losses bitwise equal to the uninterrupted run")

# load_state_dict puts the model's own weights back; unknown keys fail.
resumed.load_state_dict(model.state_dict())
restored = resumed.state_dict()
key = "bert.encoder.layer.1.output.dense.weight"
assert torch.equal(restored[key], model.state_dict()[key])
try:
    resumed.load_state_dict({"no.such.weight": torch.zeros(1)})
except KeyError as error:
    # CHECK: unknown key: 'no.such.weight' is not a parameter or optimizer state of the compiled step
    print(f"unknown key: {error.args[0]}")
resumed.load_state_dict({"no.such.weight": torch.zeros(1)}, strict=False)

# A model with a buffer, in eval mode, taking a tuple batch positionally:
# the import leaves its mode alone, the buffer is a compiled constant, and
# the model takes the trained weights back with load_state_dict.
class Scaled(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(4, 3)
        self.register_buffer("scale", torch.full((3,), 0.5))

    def forward(self, x, target):
        return ((self.proj(x) * self.scale - target) ** 2).mean()


scaled = Scaled().eval()
pair = (torch.randn(5, 4), torch.randn(5, 3))
tuple_step = gc_torch.compile_training_step(
    scaled, pair, loss_fn=lambda loss, batch: loss,
    optimizer=gc_torch.SGD(lr=0.1), workdir=work / "tuple")
assert not scaled.training
first = tuple_step(pair)
assert abs(first - scaled(*pair).item()) <= 1e-6 * abs(first), first
for _ in range(3):
    tuple_step(pair)
tuple_step.load_state_dict(scaled.state_dict())  # the buffer is accepted
scaled.load_state_dict(tuple_step.model_state_dict())
# CHECK: tuple batch: buffer kept, eval mode kept, weights handed back
print("tuple batch: buffer kept, eval mode kept, weights handed back"
      if torch.equal(scaled.scale, torch.full((3,), 0.5)) and
      not scaled.training else "tuple batch: FAILED")
