# The imported Hugging Face BertForMaskedLM against gc's own BERT builder
# (gc-compile --model flags) with the same weights, batch and dropout seed:
# after two AdamW steps with dropout 0.1 the losses, the kept gradients and
# every parameter are bitwise equal. The two modules are the same
# computation: the importer numbers the dropout streams in program order as
# the builder does and lowers attention, the masks and the tied decoder to
# the builder's ops.
# RUN: rm -rf %t && mkdir -p %t
# RUN: gc-compile --target=cpu -o %t/builder --loss=mlm --layers=2 --hidden=16 --heads=2 --intermediate=32 --vocab=40 --seq=8 --batch=2 --max-position=16 --dropout=0.1 --attention-dropout=0.1 --keep-gradients --optimizer=adamw --lr=0.001 --solver=none --attention=fused
# RUN: %torch_python %s %t | FileCheck %s
# CHECK: bitwise equal: 2 losses, 42 gradients, 42 parameters

import os
import sys
from pathlib import Path

import torch
from transformers import BertForMaskedLM

import gc_torch
from gc_torch import runtime, toolchain

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from agreement import perturb, tiny_bert_config, tiny_text_batch

work = Path(sys.argv[1])
torch.manual_seed(0)
config = tiny_bert_config(dropout=0.1)
model = perturb(BertForMaskedLM(config).train())
batch = tiny_text_batch(config.vocab_size)

imported = gc_torch.compile_training_step(
    model, batch, optimizer=gc_torch.AdamW(lr=0.001), solver="none",
    keep_gradients=True, workdir=work / "imported")
builder = runtime.Step(toolchain.runtime_library(),
                       work / "builder" / "libstep.so", "cpu")
builder.initialize(0)
builder_arguments = {a.name: a for a in builder.arguments}


def write(name, tensor):
    data = tensor.detach().contiguous()
    builder.set_argument(name, data.data_ptr(), builder_arguments[name].nbytes)


def read(info):
    data = torch.empty(info.shape, dtype={"f32": torch.float32,
                                          "i64": torch.int64}[info.dtype])
    builder.read_tensor(info.name, data.data_ptr(), info.nbytes)
    return data


state = model.state_dict()
for info in builder.arguments:
    if info.role == runtime.ROLE_PARAMETER:
        write(info.name, state[info.name])
if "seed" in builder_arguments:
    write("seed", torch.tensor(0, dtype=torch.int64))
imported.set_seed(0)

losses = 0
for _ in range(2):
    for key, value in batch.items():
        write(key, value)
    builder_loss, _ = builder.run()
    imported_loss = imported(batch)
    assert builder_loss == imported_loss, (builder_loss, imported_loss)
    losses += 1
gradients = imported.gradients()
for name, gradient in gradients.items():
    expected = read(builder.results[[r.name for r in builder.results]
                                    .index("grad." + name)])
    assert torch.equal(gradient, expected), f"gradient of {name} differs"
parameters = 0
final = imported.state_dict()
for info in builder.arguments:
    if info.role == runtime.ROLE_PARAMETER:
        assert torch.equal(final[info.name], read(info)), info.name
        parameters += 1
print(f"bitwise equal: {losses} losses, {len(gradients)} gradients, "
      f"{parameters} parameters")
