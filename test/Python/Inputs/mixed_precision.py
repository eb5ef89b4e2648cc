"""Checks shared by the mixed-precision agreement tests (bert-bf16-mixed.py,
bert-fp16-mixed.py): gc's gradients against torch.autocast's, and gc's
mixed-precision loss curve against its fp32 one."""

import copy
import statistics

import torch
from transformers import BertForMaskedLM

import gc_torch
from agreement import perturb, tiny_bert_config, tiny_text_batch


def tiny_sdpa_bert():
    """The model and batch both tests use: a perturbed tiny
    BertForMaskedLM with SDPA attention, a padded batch with labels."""
    torch.manual_seed(0)
    config = tiny_bert_config()
    config._attn_implementation = "sdpa"
    model = BertForMaskedLM(config).train()
    perturb(model)
    return model, tiny_text_batch(config.vocab_size)


def gc_step(model, batch, precision):
    """One gc step in `precision` with its gradients kept, and two copies
    of the model for the torch side (fp32 with its gradients computed, and
    one for the mixed-precision run). Returns (loss, gradients, fp32 model,
    model copy)."""
    step = gc_torch.compile_training_step(model, batch, precision=precision,
                                          keep_gradients=True)
    loss = step(batch)
    fp32_model, mixed_model = copy.deepcopy(model), copy.deepcopy(model)
    fp32_model(**batch).loss.backward()
    return loss, step.gradients(), fp32_model, mixed_model


def compare_gradients(gradients, torch_grads, fp32_grads, tolerance, floor):
    """Asserts every gc gradient within `tolerance` norm-wise of torch's
    mixed-precision one, and gc's median distance at most 1.5x torch's own
    median distance from fp32. Norms below `floor` times the largest
    gradient norm (gradients that are zero in exact arithmetic, pure
    rounding noise) are measured against that floor. Returns (gc median,
    torch median, largest gc distance)."""
    assert set(gradients) == set(torch_grads), \
        set(gradients) ^ set(torch_grads)
    largest = max(float(g.norm()) for g in torch_grads.values())

    def distance(a, b):
        return float((a - b).norm()) / max(float(b.norm()), floor * largest)

    to_torch, torch_to_fp32 = [], []
    for name, gradient in gradients.items():
        error = distance(gradient, torch_grads[name])
        assert error <= tolerance, f"gradient of {name} off by {error:.2e}"
        to_torch.append(error)
        torch_to_fp32.append(distance(torch_grads[name], fp32_grads[name]))
    gc_median = statistics.median(to_torch)
    torch_median = statistics.median(torch_to_fp32)
    assert gc_median <= 1.5 * torch_median, (gc_median, torch_median)
    return gc_median, torch_median, max(to_torch)


def loss_curves(model, batch, precision, steps=20, band=0.005):
    """Trains `steps` AdamW steps (lr 1e-3) in fp32 and in `precision` from
    the same start; asserts the mixed-precision loss within `band` of the
    fp32 loss at every step and both curves falling by more than 2%.
    Returns (fp32 curve, mixed curve, largest gap, mixed trainer)."""
    curves, trainers = {}, {}
    for p in ("fp32", precision):
        trainers[p] = gc_torch.compile_training_step(
            model, batch, precision=p,
            optimizer=gc_torch.AdamW(lr=1e-3, eps=1e-6))
        curves[p] = [trainers[p](batch) for _ in range(steps)]
    fp32, mixed = curves["fp32"], curves[precision]
    worst = max(abs(a - b) / b for a, b in zip(mixed, fp32))
    assert worst <= band, f"{precision} strays {worst:.2%} from fp32"
    assert fp32[-1] < 0.98 * fp32[0] and mixed[-1] < 0.98 * mixed[0], curves
    return fp32, mixed, worst, trainers[precision]
