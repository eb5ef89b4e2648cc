# Hugging Face DistilBertForMaskedLM compiled by gc_torch: loss and
# gradients against torch.autograd, 5 AdamW steps against
# torch.optim.AdamW.
# RUN: %torch_python %s | FileCheck %s
# CHECK: distilbert-mlm: loss {{[0-9.]+}}, {{[0-9]+}} gradients
# CHECK: distilbert-mlm: 5 AdamW steps agree with torch.optim.AdamW

import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import torch
from transformers import DistilBertConfig, DistilBertForMaskedLM

from agreement import check_model, perturb, tiny_text_batch

torch.manual_seed(0)
config = DistilBertConfig(vocab_size=40, dim=16, n_layers=2, n_heads=2,
                          hidden_dim=32, max_position_embeddings=16,
                          dropout=0.0, attention_dropout=0.0)
model = DistilBertForMaskedLM(config).train()
perturb(model)
check_model("distilbert-mlm", model,
            tiny_text_batch(config.vocab_size, token_types=False))
