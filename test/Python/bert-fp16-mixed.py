# Mixed precision in fp16 with dynamic loss scaling: a tiny Hugging Face
# BertForMaskedLM (SDPA attention, padding mask, ignored labels) compiled
# with precision="fp16-mixed" against the same model under
# torch.autocast("cpu", torch.float16) with torch.amp.GradScaler (initial
# scale 2^16, the default), then 20 AdamW steps of fp16-mixed against the
# fp32 step's loss curve.
#
# Tolerances. f16 keeps 11 significant bits: a rounding moves a value by up
# to 2^-12 (2.4e-4) relative. The loss scale keeps the backward's small
# gradients out of f16's subnormal range (without it the attention's query
# and key gradients keep four or five bits), so gc and torch agree as their
# roundings allow; the rules differ where they do in bf16 (the MLM head's
# layer norm, the order of a linear's bias add), so:
#  - the loss within 5e-4 relative of autocast's (two f16 roundings);
#  - every unscaled gradient within 5e-3 norm-wise relative of GradScaler's
#    unscaled one (about twenty f16 roundings; the mathematically zero key
#    biases are measured against 2^-11 of the largest gradient norm, f16's
#    relative precision), and the median over all gradients no further from
#    torch's than 1.5x torch's own median distance from fp32;
#  - 20 AdamW steps (lr 1e-3): within 0.5% of the fp32 loss at every step,
#    no step skipped at a scale of 2^16, both curves falling by more than
#    the band;
#  - SGD (lr 0.1) under the same scaler against torch.optim.SGD with
#    GradScaler: 5 steps with losses within 1e-3 relative (the first step's
#    5e-4 plus the drift of four updates), then a scale of 2^40 that
#    overflows the f16 gradients: both skip the step (gc's parameters
#    bitwise unchanged) and halve the scale.
# RUN: %torch_python %s | FileCheck %s
# CHECK: bert-fp16-mixed: loss {{[0-9.]+}} vs autocast+GradScaler {{[0-9.]+}}, 42 gradients
# CHECK: bert-fp16-mixed: 20 AdamW steps within 0.5% of fp32
# CHECK: bert-fp16-mixed: 5 SGD steps with GradScaler's losses
# CHECK: bert-fp16-mixed: SGD step skipped at scale 2^40 as GradScaler skips it, scale halved

import copy
import sys
sys.path.insert(0, __import__("os").path.join(
    __import__("os").path.dirname(__file__), "Inputs"))
import torch

import gc_torch

from mixed_precision import (compare_gradients, gc_step, loss_curves,
                             tiny_sdpa_bert)

model, batch = tiny_sdpa_bert()
loss, gradients, fp32_model, f16_model = gc_step(model, batch, "fp16-mixed")
scaler = torch.amp.GradScaler("cpu", init_scale=2.0**16)
optimizer = torch.optim.AdamW(f16_model.parameters(), lr=1e-3)
with torch.autocast("cpu", dtype=torch.float16):
    expected = f16_model(**batch).loss
scaler.scale(expected).backward()
scaler.unscale_(optimizer)
error = abs(loss - expected.item()) / abs(expected.item())
assert error <= 5e-4, f"loss {loss} vs autocast {expected.item()}"

fp32_grads = {n: p.grad for n, p in fp32_model.named_parameters()}
f16_grads = {n: p.grad for n, p in f16_model.named_parameters()}
gc_median, torch_median, largest = compare_gradients(
    gradients, f16_grads, fp32_grads, tolerance=5e-3, floor=2**-11)
print(f"bert-fp16-mixed: loss {loss:.6f} vs autocast+GradScaler "
      f"{expected.item():.6f}, {len(gradients)} gradients, median relative "
      f"difference {gc_median:.1e} (autocast vs fp32: {torch_median:.1e}), "
      f"largest {largest:.1e}")

# 20 steps of fp16-mixed against fp32, none of them skipped at 2^16.
fp32, f16, worst, trainer = loss_curves(model, batch, "fp16-mixed")
state = trainer.state_dict()
assert int(state["optimizer.step"]) == 20, state["optimizer.step"]
assert float(state["amp.loss_scale"]) == 2.0**16, state["amp.loss_scale"]
print(f"bert-fp16-mixed: 20 AdamW steps within 0.5% of fp32 (largest gap "
      f"{worst:.2%}; loss {fp32[0]:.4f} -> {fp32[-1]:.4f} in fp32, "
      f"{f16[0]:.4f} -> {f16[-1]:.4f} in fp16-mixed; no step skipped)")

# SGD under the scaler, step by step against torch.optim.SGD + GradScaler.
gc_sgd = gc_torch.compile_training_step(model, batch, precision="fp16-mixed",
                                        optimizer=gc_torch.SGD(lr=0.1))
torch_model = copy.deepcopy(model)
torch_sgd = torch.optim.SGD(torch_model.parameters(), lr=0.1)
torch_scaler = torch.amp.GradScaler("cpu", init_scale=2.0**16)


def torch_sgd_step():
    torch_sgd.zero_grad()
    with torch.autocast("cpu", dtype=torch.float16):
        torch_loss = torch_model(**batch).loss
    torch_scaler.scale(torch_loss).backward()
    torch_scaler.step(torch_sgd)
    torch_scaler.update()
    return torch_loss.item()


gaps = []
for _ in range(5):
    gc_loss, torch_loss = gc_sgd(batch), torch_sgd_step()
    gaps.append(abs(gc_loss - torch_loss) / abs(torch_loss))
    assert gaps[-1] <= 1e-3, f"SGD loss {gc_loss} vs GradScaler {torch_loss}"
print(f"bert-fp16-mixed: 5 SGD steps with GradScaler's losses (largest gap "
      f"{max(gaps):.1e}, loss {gc_loss:.4f})")

state = gc_sgd.state_dict()
assert int(state["optimizer.step"]) == 5, state["optimizer.step"]
state["amp.loss_scale"] = torch.tensor(2.0**40)
gc_sgd.load_state_dict(state)
torch_scaler.update(2.0**40)
before = {k: v.clone() for k, v in gc_sgd.model_state_dict().items()}
torch_before = {k: v.clone() for k, v in torch_model.state_dict().items()}
gc_sgd(batch)
torch_sgd_step()
after = gc_sgd.state_dict()
assert all(torch.equal(before[k], after[k]) for k in before), "gc updated"
assert all(torch.equal(torch_before[k], v)
           for k, v in torch_model.state_dict().items()), "torch updated"
assert float(after["amp.loss_scale"]) == 2.0**39, after["amp.loss_scale"]
assert torch_scaler.get_scale() == 2.0**39, torch_scaler.get_scale()
assert int(after["optimizer.step"]) == 5, after["optimizer.step"]
print("bert-fp16-mixed: SGD step skipped at scale 2^40 as GradScaler skips "
      "it, scale halved")
