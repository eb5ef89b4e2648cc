# Hugging Face BertModel (with its pooler, which the loss does not use) and
# the seed scenario's loss, the mean of last_hidden_state, compiled by
# gc_torch: loss and gradients against torch.autograd, 5 AdamW steps
# against torch.optim.AdamW.
# RUN: %torch_python %s | FileCheck %s
# CHECK: bert-mean: loss {{[-0-9.e]+}}, 37 gradients
# CHECK: bert-mean: 5 AdamW steps agree with torch.optim.AdamW

import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import torch
from transformers import BertModel

from agreement import check_model, perturb, tiny_bert_config, tiny_text_batch

torch.manual_seed(0)
config = tiny_bert_config()
model = BertModel(config).train()
perturb(model)
batch = tiny_text_batch(config.vocab_size, labels=False)
check_model("bert-mean", model, batch,
            loss_fn=lambda output, batch: output.last_hidden_state.mean())
