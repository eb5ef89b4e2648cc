"""Shared checks of the gc_torch tests: a model compiled with gc_torch against
the same model run by PyTorch (torch.autograd, torch.optim.AdamW).

Tolerances (fp32): the loss within 1e-5 relative, every gradient within 1e-4
norm-wise relative (||g_gc - g_torch|| / ||g_torch||); both sides compute in
float32 in different orders, which leaves differences of a few ulps per
operation. A gradient that is zero in exact arithmetic (an attention key
bias: softmax ignores a constant added to a row) is rounding noise on both
sides; its difference is measured against the largest gradient norm of the
model instead of its own. After AdamW steps each parameter tensor must agree
within 1e-3 of the largest move AdamW can make, lr * steps * sqrt(numel):
a wrong update moves by the order of lr in every entry and fails. Both
optimizers use eps = 1e-6 rather than 1e-8: Adam divides each gradient entry
by its own running magnitude, and with eps = 1e-8 an entry that is rounding
noise on both sides (1e-9, the key bias again) would move by up to lr in a
direction the noise decides; with 1e-6 such entries move by under 1% of lr
while every real gradient entry (1e-5 and above) is normalized as before.
"""

import copy
import sys

import torch

import gc_torch


def relative(a, b):
    return float((a - b).norm() / max(float(b.norm()), 1e-30))


def torch_loss(model, batch, loss_fn):
    output = model(**batch)
    return loss_fn(output, batch) if loss_fn is not None else output.loss


def check_model(label, model, batch, loss_fn=None, steps=5, lr=1e-3,
                weight_decay=0.01, eps=1e-6, gradient_tolerance=1e-4,
                reference=None):
    """`reference`: the PyTorch model to agree with (default: a copy of
    `model`), e.g. the same weights with another attention implementation."""
    torch.manual_seed(0)
    reference = reference if reference is not None else copy.deepcopy(model)
    before = {k: v.detach().clone() for k, v in model.state_dict().items()}
    step = gc_torch.compile_training_step(
        model, batch, loss_fn,
        optimizer=gc_torch.AdamW(lr=lr, weight_decay=weight_decay, eps=eps),
        keep_gradients=True)
    optimizer = torch.optim.AdamW(reference.parameters(), lr=lr,
                                  weight_decay=weight_decay, eps=eps)
    worst_gradient = 0.0
    for index in range(steps):
        loss = step(batch)
        optimizer.zero_grad()
        expected = torch_loss(reference, batch, loss_fn)
        expected.backward()
        error = abs(loss - expected.item()) / max(abs(expected.item()), 1e-30)
        assert error <= 1e-5, f"{label}: step {index} loss {loss} vs " \
            f"{expected.item()} (relative {error:.2e})"
        if index == 0:
            gradients = step.gradients()
            named = dict(reference.named_parameters())
            largest = max(float(p.grad.norm()) for p in named.values()
                          if p.grad is not None)
            assert set(gradients) == set(step.imported.parameters), \
                sorted(set(gradients) ^ set(step.imported.parameters))
            for name, gradient in gradients.items():
                expected_gradient = named[name].grad
                if expected_gradient is None:
                    expected_gradient = torch.zeros_like(gradient)
                error = float((gradient - expected_gradient).norm()) / max(
                    float(expected_gradient.norm()), 1e-6 * largest)
                assert error <= gradient_tolerance, \
                    f"{label}: gradient of {name} off by {error:.2e}"
                worst_gradient = max(worst_gradient, error)
            print(f"{label}: loss {loss:.6f}, {len(gradients)} gradients, "
                  f"largest relative difference {worst_gradient:.1e}")
        optimizer.step()
    state = step.state_dict()
    worst = 0.0
    for name, parameter in reference.named_parameters():
        bound = lr * steps * parameter.numel() ** 0.5
        difference = float((state[name] - parameter.detach()).norm())
        moved = float((parameter.detach() - before[name]).norm())
        assert difference <= 1e-3 * bound, \
            f"{label}: {name} after {steps} AdamW steps differs by " \
            f"{difference:.2e} (moved {moved:.2e}, bound {bound:.2e})"
        worst = max(worst, difference / bound)
    # The model itself is left as it was.
    for name, value in model.state_dict().items():
        assert torch.equal(value, before[name]), f"{label}: {name} changed"
    print(f"{label}: {steps} AdamW steps agree with torch.optim.AdamW "
          f"(largest difference {worst:.1e} of lr*steps*sqrt(n))")
    sys.stdout.flush()
    return step


def perturb(model, scale=0.05, seed=2):
    """Adds seeded noise to every parameter, so that no bias is zero and no
    LayerNorm weight is one (at Hugging Face's initialization the mean of a
    BERT's last hidden state is exactly 0, a degenerate loss)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(scale * torch.randn(parameter.shape,
                                               generator=generator))
    return model


def tiny_bert_config(dropout=0.0, max_position=16):
    """The tiny Hugging Face BertConfig of the BERT tests (bert-vs-builder's
    gc-compile flags spell the same sizes)."""
    from transformers import BertConfig
    return BertConfig(vocab_size=40, hidden_size=16, num_hidden_layers=2,
                      num_attention_heads=2, intermediate_size=32,
                      max_position_embeddings=max_position,
                      hidden_dropout_prob=dropout,
                      attention_probs_dropout_prob=dropout)


def tiny_text_batch(vocab, batch=2, seq=8, pad_last=2, labels=True,
                    token_types=True):
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(1, vocab, (batch, seq), generator=generator)
    mask = torch.ones_like(ids)
    mask[-1, seq - pad_last:] = 0
    ids[-1, seq - pad_last:] = 0
    result = {"input_ids": ids, "attention_mask": mask}
    if token_types:
        types = torch.zeros_like(ids)
        types[:, seq // 2:] = 1
        result["token_type_ids"] = types
    if labels:
        target = ids.clone()
        target[0, :3] = -100
        target[-1, seq - pad_last:] = -100
        result["labels"] = target
    return result
