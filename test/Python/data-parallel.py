# REQUIRES: mpi
# gc_torch's data_parallel=True under `mpirun -np 2`: each rank compiles the
# tiny BertForMaskedLM's step for its half of a global batch of 4 rows and
# trains 3 AdamW steps; the gradients are averaged over the two ranks. Every
# rank holds the same number of counted labels, so the mean of the ranks'
# mean losses is the global batch's mean loss and the step is, up to float
# summation order, one step on the global batch: rank 0 compares the
# parameters and moments with gc's single-process step on the 4 rows (1e-5
# norm-wise; the key biases, whose gradient is zero, by RMS) and with
# torch.optim.AdamW on the 4 rows (1e-4 norm-wise). Rank 1's differently seeded copy of the
# model checks that every rank starts from rank 0's parameters.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %mpirun -np 2 %torch_python %s %t | FileCheck %s
# CHECK: data-parallel: 2 ranks, losses [[L1:[0-9.]+]] [[L2:[0-9.]+]] [[L3:[0-9.]+]]
# CHECK: data-parallel: global-batch gc step losses [[L1]] [[L2]] [[L3]]
# CHECK: data-parallel: {{[0-9]+}} tensors within 1e-05 of the global-batch gc step
# CHECK: data-parallel: {{[0-9]+}} parameters within 1e-04 of torch.optim.AdamW

import copy
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import torch
from transformers import BertForMaskedLM

import gc_torch
from agreement import perturb, tiny_bert_config

work = Path(sys.argv[1])
group = gc_torch.process_group()
rank, world = group.rank, group.world_size
assert world == 2, world

config = tiny_bert_config()
torch.manual_seed(0)
model = BertForMaskedLM(config).train()
perturb(model)
reference = copy.deepcopy(model)
if rank == 1:
    # Rank 0's parameters win: rank 1 starts from other ones.
    perturb(model, seed=7)

generator = torch.Generator().manual_seed(1)
ids = torch.randint(1, config.vocab_size, (4, 8), generator=generator)
batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids),
         "labels": torch.randint(0, config.vocab_size, (4, 8),
                                 generator=generator)}
mine = {key: value[2 * rank:2 * rank + 2] for key, value in batch.items()}

step = gc_torch.compile_training_step(
    model, mine, optimizer=gc_torch.AdamW(lr=1e-3), data_parallel=True,
    bucket_size="8KiB", workdir=work / f"rank{rank}")
losses = [group.mean(step(mine)) for _ in range(3)]
state = step.state_dict()
if rank != 0:
    sys.exit(0)
print("data-parallel: 2 ranks, losses " +
      " ".join(f"{loss:.5f}" for loss in losses))

single = gc_torch.compile_training_step(
    reference, batch, optimizer=gc_torch.AdamW(lr=1e-3),
    workdir=work / "global")
single_losses = [single(batch) for _ in range(3)]
print("data-parallel: global-batch gc step losses " +
      " ".join(f"{loss:.5f}" for loss in single_losses))
expected = single.state_dict()


def relative(a, b):
    a, b = a.double(), b.double()
    scale = max(b.norm().item(), 1e-7 * b.numel() ** 0.5)
    return (a - b).norm().item() / scale


def rms(a, b):
    return ((a.double() - b.double()) ** 2).mean().sqrt().item()


# The attention's key biases have a mathematically zero gradient: their
# summation noise, which AdamW normalizes into steps of up to lr, differs
# between the two reductions; they pass when their RMS difference is below
# 1 % of lr (1e-5).
errors = {name: relative(state[name], expected[name]) for name in expected}
failing = {name: error for name, error in errors.items()
           if error > 1e-5 and rms(state[name], expected[name]) > 1e-5}
assert not failing, failing
worst = max(errors[name] for name in errors if "key.bias" not in name)
print(f"data-parallel: {len(expected)} tensors within 1e-05 of the "
      f"global-batch gc step (largest {worst:.1e} outside the key biases)")

optimizer = torch.optim.AdamW(reference.parameters(), lr=1e-3)
for _ in range(3):
    optimizer.zero_grad()
    reference(**batch).loss.backward()
    optimizer.step()
names = dict(reference.named_parameters())
worst = max(relative(state[name], names[name].detach())
            for name in names if name in state)
assert worst <= 1e-4, worst
print(f"data-parallel: {len(names)} parameters within 1e-04 of "
      f"torch.optim.AdamW (largest {worst:.1e})")
