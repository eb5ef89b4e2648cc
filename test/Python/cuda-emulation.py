# REQUIRES: cuda-execution
# target="cuda": a tiny BertForMaskedLM compiled for CUDA by gc_torch runs
# (on the GPU, or in the CUDA host emulator where there is none) with gc-run
# from the model's weights and agrees with the step gc_torch compiles for
# the CPU: three AdamW steps with dropout 0.1 and the same seed (the same
# Philox draws on both), within the numerics contract's tolerance between
# backends (norm-wise relative 1e-4 per tensor).
# RUN: rm -rf %t && mkdir -p %t
# RUN: %torch_python %s %t compile %gc_cuda_compile_flags
# RUN: %gc-run-cuda %t/cuda/step --device cuda:0 --steps 3 --seed 0 --inputs %t/inputs.safetensors --output %t/cuda.safetensors | FileCheck %s
# RUN: %torch_python %s %t compare | FileCheck %s --check-prefix=COMPARE
# CHECK: target cuda
# COMPARE: cuda and cpu agree: loss, 42 parameters

import os
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from transformers import BertForMaskedLM

import gc_torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from agreement import perturb, relative, tiny_bert_config, tiny_text_batch

work = Path(sys.argv[1])
flags = sys.argv[3:]  # --cuda-emulation where there is no GPU

if sys.argv[2] == "compile":
    # Both steps, the CUDA one's inputs, and the CPU step's three steps.
    torch.manual_seed(0)
    config = tiny_bert_config(dropout=0.1)
    model = perturb(BertForMaskedLM(config).train())
    batch = tiny_text_batch(config.vocab_size)
    gc_torch.compile_training_step(model, batch, target="cuda",
                                   workdir=work / "cuda", extra_flags=flags)
    cpu = gc_torch.compile_training_step(model, batch, target="cpu",
                                         workdir=work / "cpu")
    inputs = {name: p.detach().contiguous()
              for name, p in cpu.imported.parameters.items()}
    inputs.update(batch)
    save_file(inputs, work / "inputs.safetensors")
    cpu.set_seed(0)
    losses = [cpu(batch) for _ in range(3)]
    state = cpu.state_dict()
    expected = {name: state[name].contiguous()
                for name in cpu.imported.parameters}
    expected["loss"] = torch.tensor(losses[-1])
    save_file(expected, work / "cpu.safetensors")
else:
    cuda = load_file(work / "cuda.safetensors")
    cpu = load_file(work / "cpu.safetensors")
    loss = float(cpu.pop("loss"))
    error = abs(float(cuda["loss"]) - loss) / abs(loss)
    assert error <= 1e-5, (float(cuda["loss"]), loss)
    for name, value in cpu.items():
        assert relative(cuda[name], value) <= 1e-4, name
    print(f"cuda and cpu agree: loss, {len(cpu)} parameters")
