# An attention mask computed from the parameters (a learned position bias):
# gc.attention gives its mask no gradient, so gc_torch lowers this SDPA to
# the eager ops, and the bias trains as in PyTorch.
# RUN: %torch_python %s | FileCheck %s
# CHECK: learned-mask: 0 gc.attention, 1 gc.softmax
# CHECK: learned-mask: loss {{[-0-9.]+}}, 3 gradients
# CHECK: learned-mask: 5 AdamW steps agree with torch.optim.AdamW

import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import torch
import torch.nn.functional as F

import gc_torch
from agreement import check_model


class BiasedAttention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(8, 8)
        self.bias = torch.nn.Parameter(torch.randn(1, 2, 5, 5) * 0.1)

    def forward(self, x):
        h = self.proj(x).view(2, 5, 2, 4).transpose(1, 2)
        return F.scaled_dot_product_attention(h, h, h,
                                              attn_mask=self.bias).sum()


torch.manual_seed(0)
model = BiasedAttention()
batch = {"x": torch.randn(2, 5, 8)}
imported = gc_torch.import_model(model, batch, loss_fn=lambda out, b: out)
print(f"learned-mask: {imported.mlir.count('gc.attention ')} gc.attention, "
      f"{imported.mlir.count('gc.softmax ')} gc.softmax")
check_model("learned-mask", model, batch, loss_fn=lambda out, b: out)
