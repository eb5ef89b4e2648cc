# REQUIRES: mpi
# A gc_torch rank that raises ends the whole group at once (the other rank
# would otherwise wait in its next all-reduce until the collective timeout):
# rank 1 raises after one step, its traceback is printed, and mpirun reports
# the abort while rank 0 is still training.
# RUN: rm -rf %t && mkdir -p %t
# RUN: not timeout 200 %mpirun -np 2 %torch_python %s %t > %t/output 2>&1
# RUN: FileCheck %s < %t/output
# CHECK-DAG: RuntimeError: rank 1 gives up after one step
# CHECK-DAG: MPI_ABORT was invoked on rank 1

import sys
from pathlib import Path

import torch

import gc_torch

work = Path(sys.argv[1])
group = gc_torch.process_group()
model = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(),
                            torch.nn.Linear(8, 1))
batch = {"input": torch.randn(4, 8, generator=torch.Generator().manual_seed(0))}
step = gc_torch.compile_training_step(
    model, batch, loss_fn=lambda out, batch: out.mean(), data_parallel=True,
    workdir=work / f"rank{group.rank}")
step(batch)
if group.rank == 1:
    raise RuntimeError("rank 1 gives up after one step")
for _ in range(100000):
    step(batch)
