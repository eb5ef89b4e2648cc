# Mixed precision: a tiny Hugging Face BertForMaskedLM (SDPA attention,
# padding mask, ignored labels) compiled with precision="bf16-mixed"
# against the same model run under torch.autocast("cpu", torch.bfloat16),
# then 20 AdamW steps of bf16-mixed against the fp32 step's loss curve.
#
# Tolerances. bf16 keeps 8 significant bits: each rounding of an operand or
# a result moves it by up to 2^-9 (2.0e-3) relative, and torch.autocast's
# own gradients differ from fp32's by 3e-3 to 2e-2 norm-wise here. gc and
# torch round at the same places except where gc's rules differ (the MLM
# head's layer norm is f32 in gc, bf16 in CPU autocast; a linear's bias is
# added after the product's rounding in gc, before it in oneDNN), so:
#  - the loss within 1e-3 relative of autocast's (a mean over tokens: the
#    per-token roundings average out);
#  - every gradient within 2e-2 norm-wise relative of autocast's (about ten
#    bf16 roundings' worth; a gradient that is zero in exact arithmetic, the
#    attention key biases, is rounding noise on both sides and is measured
#    against 2^-8 of the largest gradient norm, bf16's relative precision,
#    as the fp32 tests measure it against 1e-6 of it), and the median over all gradients no further from
#    autocast's than 1.5x the median distance of autocast from fp32: gc's
#    bf16 step is as close to torch's as torch's is to fp32.
#  - 20 AdamW steps (lr 1e-3): the bf16-mixed loss within 0.5% of the fp32
#    loss at every step (the curves' gap is a few bf16 roundings of a loss
#    of order 1), and both curves fall by more than that band.
# RUN: %torch_python %s | FileCheck %s
# CHECK: bert-bf16-mixed: loss {{[0-9.]+}} vs autocast {{[0-9.]+}}, 42 gradients
# CHECK: bert-bf16-mixed: 20 AdamW steps within 0.5% of fp32

import sys
sys.path.insert(0, __import__("os").path.join(
    __import__("os").path.dirname(__file__), "Inputs"))
import torch

from mixed_precision import (compare_gradients, gc_step, loss_curves,
                             tiny_sdpa_bert)

model, batch = tiny_sdpa_bert()
loss, gradients, fp32_model, bf16_model = gc_step(model, batch, "bf16-mixed")
with torch.autocast("cpu", dtype=torch.bfloat16):
    expected = bf16_model(**batch).loss
expected.backward()
error = abs(loss - expected.item()) / abs(expected.item())
assert error <= 1e-3, f"loss {loss} vs autocast {expected.item()}"

fp32_grads = {n: p.grad for n, p in fp32_model.named_parameters()}
bf16_grads = {n: p.grad for n, p in bf16_model.named_parameters()}
gc_median, torch_median, largest = compare_gradients(
    gradients, bf16_grads, fp32_grads, tolerance=2e-2, floor=2**-8)
print(f"bert-bf16-mixed: loss {loss:.6f} vs autocast {expected.item():.6f}, "
      f"{len(gradients)} gradients, median relative difference "
      f"{gc_median:.1e} (autocast vs fp32: {torch_median:.1e}), largest "
      f"{largest:.1e}")

# 20 steps of bf16-mixed against fp32.
fp32, bf16, worst, _ = loss_curves(model, batch, "bf16-mixed")
print(f"bert-bf16-mixed: 20 AdamW steps within 0.5% of fp32 (largest gap "
      f"{worst:.2%}; loss {fp32[0]:.4f} -> {fp32[-1]:.4f} in fp32, "
      f"{bf16[0]:.4f} -> {bf16[-1]:.4f} in bf16-mixed)")
