# A module written by a user from nn.Embedding, nn.Linear, nn.GELU, nn.ReLU,
# nn.LayerNorm, nn.Dropout, residual adds and F.cross_entropy, compiled by
# gc_torch: loss and gradients against torch.autograd, 5 AdamW steps
# against torch.optim.AdamW.
# RUN: %torch_python %s | FileCheck %s
# CHECK: user-module: loss {{[0-9.]+}}, 15 gradients
# CHECK: user-module: 5 AdamW steps agree with torch.optim.AdamW
# A second module: SiLU, sigmoid gating and F.nll_loss(F.log_softmax(...)),
# which the importer turns into one gc.cross_entropy.
# CHECK: gated: 1 gc.cross_entropy, 0 gc.log
# CHECK: gated: loss {{[0-9.]+}}, 6 gradients
# CHECK: gated: 5 AdamW steps agree with torch.optim.AdamW

import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import torch
import torch.nn.functional as F
from torch import nn

import gc_torch
from agreement import check_model, perturb


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.up = nn.Linear(width, 4 * width)
        self.act = nn.GELU()
        self.down = nn.Linear(4 * width, width)
        self.drop = nn.Dropout(0.0)
        self.norm = nn.LayerNorm(width)

    def forward(self, x):
        return self.norm(x + self.drop(self.down(self.act(self.up(x)))))


class Tagger(nn.Module):
    def __init__(self, vocab=30, width=12, classes=7):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.blocks = nn.Sequential(Block(width), Block(width))
        self.head = nn.Linear(width, classes)
        self.classes = classes

    def forward(self, tokens, tags):
        hidden = self.blocks(self.embed(tokens))
        logits = self.head(torch.relu(hidden))
        return F.cross_entropy(logits.reshape(-1, self.classes),
                               tags.reshape(-1))


torch.manual_seed(0)
model = Tagger().train()
perturb(model)
generator = torch.Generator().manual_seed(3)
batch = {"tokens": torch.randint(0, 30, (3, 5), generator=generator),
         "tags": torch.randint(0, 7, (3, 5), generator=generator)}
check_model("user-module", model, batch, loss_fn=lambda loss, batch: loss)


class Gated(nn.Module):
    def __init__(self, vocab=30, width=12, classes=7):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.gate = nn.Linear(width, width)
        self.up = nn.Linear(width, width, bias=False)
        self.head = nn.Linear(width, classes)
        self.classes = classes

    def forward(self, tokens, tags):
        x = self.embed(tokens)
        x = F.silu(self.up(x)) * torch.sigmoid(self.gate(x))
        logits = self.head(x).reshape(-1, self.classes)
        return F.nll_loss(F.log_softmax(logits, dim=1), tags.reshape(-1))


gated = Gated().train()
imported = gc_torch.import_model(gated, batch, loss_fn=lambda loss, b: loss)
print(f"gated: {imported.mlir.count('gc.cross_entropy ')} gc.cross_entropy, "
      f"{imported.mlir.count('gc.log ')} gc.log")
check_model("gated", gated, batch, loss_fn=lambda loss, batch: loss)
