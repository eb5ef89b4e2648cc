# Hugging Face LlamaForCausalLM (RMSNorm, SiLU-gated MLP, rotary position
# embeddings, grouped-query attention (2 query heads share 1 key/value
# head), causal SDPA) compiled by gc_torch: loss and gradients against
# torch.autograd, 5 AdamW steps against torch.optim.AdamW. Rotary tables
# are folded at import; SiLU is x * (1 + tanh(x / 2)) / 2.
# RUN: %torch_python %s | FileCheck %s
# CHECK: llama-lm: loss {{[0-9.]+}}, 21 gradients
# CHECK: llama-lm: 5 AdamW steps agree with torch.optim.AdamW

import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from agreement import check_model, perturb, tiny_text_batch

torch.manual_seed(0)
config = LlamaConfig(vocab_size=40, hidden_size=16, intermediate_size=32,
                     num_hidden_layers=2, num_attention_heads=2,
                     num_key_value_heads=1, max_position_embeddings=32,
                     use_cache=False)
model = perturb(LlamaForCausalLM(config).train())
check_model("llama-lm", model,
            tiny_text_batch(config.vocab_size, token_types=False))
