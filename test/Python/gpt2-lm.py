# Hugging Face GPT2LMHeadModel (Conv1D layers, gelu_new, the causal mask
# combined with a padding mask, labels shifted inside the loss) compiled by
# gc_torch: loss and gradients against torch.autograd, 5 AdamW steps
# against torch.optim.AdamW.
# RUN: %torch_python %s | FileCheck %s
# CHECK: gpt2-lm: loss {{[0-9.]+}}, {{[0-9]+}} gradients
# CHECK: gpt2-lm: 5 AdamW steps agree with torch.optim.AdamW

import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from agreement import check_model, perturb, tiny_text_batch

torch.manual_seed(0)
config = GPT2Config(vocab_size=40, n_embd=16, n_layer=2, n_head=2,
                    n_positions=16, resid_pdrop=0.0, embd_pdrop=0.0,
                    attn_pdrop=0.0, bos_token_id=0, eos_token_id=0,
                    use_cache=False)
model = GPT2LMHeadModel(config).train()
perturb(model)
check_model("gpt2-lm", model,
            tiny_text_batch(config.vocab_size, token_types=False))
