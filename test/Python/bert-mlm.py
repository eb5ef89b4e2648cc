# Hugging Face BertForMaskedLM (tied decoder weight, padding mask, ignored
# labels) compiled by gc_torch: loss and every gradient against
# torch.autograd, then 5 AdamW steps against torch.optim.AdamW.
# RUN: %torch_python %s | FileCheck %s
# CHECK: bert-mlm: loss {{[0-9.]+}}, 42 gradients
# CHECK: bert-mlm: 5 AdamW steps agree with torch.optim.AdamW

import sys
sys.path.insert(0, __import__("os").path.join(
    __import__("os").path.dirname(__file__), "Inputs"))
import torch
from transformers import BertForMaskedLM

from agreement import check_model, perturb, tiny_bert_config, tiny_text_batch

torch.manual_seed(0)
config = tiny_bert_config()
model = BertForMaskedLM(config).train()
perturb(model)
check_model("bert-mlm", model, tiny_text_batch(config.vocab_size))
