# gc's fused attention against PyTorch's eager attention: a tiny
# BertForMaskedLM whose SDPA gc_torch imports as gc.attention (scores never
# stored, FlashAttention-2's backward) agrees with the same weights run by
# Hugging Face's eager attention (matmul, softmax, matmul) in torch.autograd
# and torch.optim.AdamW: loss within 1e-5, gradients within 1e-4.
# RUN: %torch_python %s | FileCheck %s
# CHECK: imported: 2 gc.attention, 0 gc.softmax
# CHECK: bert-fused-vs-eager: loss {{[0-9.]+}}, 42 gradients
# CHECK: bert-fused-vs-eager: 5 AdamW steps agree with torch.optim.AdamW

import copy
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import torch
from transformers import BertForMaskedLM

import gc_torch
from agreement import check_model, perturb, tiny_bert_config, tiny_text_batch

torch.manual_seed(0)
config = tiny_bert_config(max_position=80)
model = perturb(BertForMaskedLM(config).train())
eager = copy.deepcopy(model)
eager.set_attn_implementation("eager")
# 70 tokens: two of the CPU kernel's 64-row blocks.
batch = tiny_text_batch(config.vocab_size, seq=70, pad_last=9)
imported = gc_torch.import_model(model, batch)
print(f"imported: {imported.mlir.count('gc.attention ')} gc.attention, "
      f"{imported.mlir.count('gc.softmax ')} gc.softmax")
check_model("bert-fused-vs-eager", model, batch, reference=eager)
