# What gc_torch refuses, and how it says so: an ATen op without a gc
# lowering (named with the module it came from), a dynamic shape,
# data-dependent control flow, in-place mutation of a parameter or a buffer,
# and a batch that does not match the compiled step.
# RUN: %torch_python %s | FileCheck %s

import torch
from torch import nn

import gc_torch


class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        return torch.cumsum(self.proj(x), dim=-1)


class UnsupportedOp(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Inner()

    def forward(self, x):
        return self.inner(x).mean()


class DynamicShape(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        y = self.proj(x)
        return y[y > 0].sum()


class DataDependentBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        y = self.proj(x)
        if y.sum() > 0:
            return y.mean()
        return -y.mean()


class MutatesParameter(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        with torch.no_grad():
            self.proj.weight.mul_(0.5)
        return self.proj(x).mean()


class MutatesBuffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.register_buffer("calls", torch.zeros(()))

    def forward(self, x):
        self.calls.add_(1)
        return self.proj(x).mean()


def attempt(label, model, batch=None):
    batch = batch if batch is not None else {"x": torch.randn(2, 4)}
    try:
        gc_torch.import_model(model, batch, loss_fn=lambda out, b: out)
    except gc_torch.UnsupportedModelError as error:
        print(f"{label}: {error}")
    else:
        print(f"{label}: imported (not refused)")


# CHECK: unsupported-op: unsupported ATen op aten.cumsum.default at 'inner' (Inner): gc has no lowering for it
attempt("unsupported-op", UnsupportedOp())
# CHECK: dynamic-shape: aten.{{[A-Za-z_.]+}} at '<model>' (DynamicShape) has a dynamic shape ({{.*}}): gc compiles static shapes only
attempt("dynamic-shape", DynamicShape())
# CHECK: data-dependent: gc_torch cannot import this model: data-dependent control flow
attempt("data-dependent", DataDependentBranch())
# CHECK: mutates-parameter: gc_torch cannot import this model: its forward mutates 'proj.weight' in place (PARAMETER_MUTATION)
attempt("mutates-parameter", MutatesParameter())
# CHECK: mutates-buffer: {{.*}}mutates 'calls' in place (BUFFER_MUTATION)
attempt("mutates-buffer", MutatesBuffer())

class LogicalOnFloats(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        y = self.proj(x)
        return (y * torch.logical_or(y, torch.ones_like(y, dtype=torch.bool)
                                     ).float()).mean()


class IdsAsMask(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)

    def forward(self, ids):
        return (self.embed(ids) * ids.bool()[..., None].float()).mean()


class FrozenNoise(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        return (self.proj(x) + 0.1 * torch.randn(2, 4)).mean()


# CHECK: logical-on-floats: aten.logical_or.default at '<model>' (LogicalOnFloats): a logical op on the non-bool tensor<2x4xf32>
attempt("logical-on-floats", LogicalOnFloats())
# CHECK: ids-as-mask: batch input "ids" is used both as ids (embedding or labels) and converted to bool
attempt("ids-as-mask", IdsAsMask(), {"ids": torch.randint(0, 10, (2, 3))})
# CHECK: random: aten.randn.default at '<model>' (FrozenNoise): random numbers other than dropout's would be drawn once at import
attempt("random", FrozenNoise())

# A compiled step checks every batch against the shapes it was compiled for.
model = nn.Sequential(nn.Linear(4, 3))
step = gc_torch.compile_training_step(
    model, {"input": torch.randn(2, 4)}, loss_fn=lambda out, b: out.mean())
for label, batch in [("wrong-shape", {"input": torch.randn(3, 4)}),
                     ("wrong-key", {"x": torch.randn(2, 4)}),
                     ("wrong-dtype", {"input": torch.randn(2, 4).double()})]:
    try:
        step(batch)
    except (ValueError, KeyError, TypeError) as error:
        print(f"{label}: {error}")
# CHECK: wrong-shape: 'input' has shape (3, 4), the compiled step takes (2, 4)
# CHECK: wrong-key: "the batch has keys ['x'], the step was compiled for ['input']"
# CHECK: wrong-dtype: 'input' is torch.float64, the compiled step takes torch.float32
