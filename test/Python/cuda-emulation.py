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
from transformers import BertConfig, BertForMaskedLM

import gc_torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
from agreement import perturb, relative, tiny_text_batch

work = Path(sys.argv[1])
torch.manual_seed(0)
config = BertConfig(vocab_size=40, hidden_size=16, num_hidden_layers=2,
                    num_attention_heads=2, intermediate_size=32,
                    max_position_embeddings=16, hidden_dropout_prob=0.1,
                    attention_probs_dropout_prob=0.1)
model = perturb(BertForMaskedLM(config).train())
batch = tiny_text_batch(config.vocab_size)
flags = sys.argv[3:]  # --cuda-emulation where there is no GPU

if sys.argv[2] == "compile":
    gc_torch.compile_training_step(model, batch, target="cuda",
                                   workdir=work / "cuda", extra_flags=flags)
    cpu = gc_torch.compile_training_step(model, batch, target="cpu",
                                         workdir=work / "cpu")
    inputs = {name: p.detach().contiguous()
              for name, p in cpu.imported.parameters.items()}
    inputs.update(batch)
    save_file(inputs, work / "inputs.safetensors")
else:
    cpu = gc_torch.compile_training_step(model, batch, target="cpu",
                                         workdir=work / "cpu")
    cpu.set_seed(0)
    losses = [cpu(batch) for _ in range(3)]
    cuda = load_file(work / "cuda.safetensors")
    error = abs(float(cuda["loss"]) - losses[-1]) / abs(losses[-1])
    assert error <= 1e-5, (float(cuda["loss"]), losses[-1])
    state = cpu.state_dict()
    for name in cpu.imported.parameters:
        assert relative(cuda[name], state[name]) <= 1e-4, name
    print(f"cuda and cpu agree: loss, {len(cpu.imported.parameters)} "
          "parameters")
