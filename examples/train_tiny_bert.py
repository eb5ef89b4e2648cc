#!/usr/bin/env python3
"""A tiny Hugging Face BertForMaskedLM trained on the CPU by a gc-compiled
step: 20 AdamW steps on a fixed synthetic batch, then the trained weights
saved and handed back to the PyTorch model.

    python examples/train_tiny_bert.py

Run it with the gc_torch environment (scripts/install-torch.sh prints its
python) and PYTHONPATH=python GC_BUILD_DIR=build.
"""

import tempfile
from pathlib import Path

import torch
from transformers import BertConfig, BertForMaskedLM

import gc_torch


def main():
    torch.manual_seed(0)
    config = BertConfig(vocab_size=128, hidden_size=64, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=256,
                        max_position_embeddings=64)
    model = BertForMaskedLM(config).train()
    ids = torch.randint(1, config.vocab_size, (4, 16))
    labels = torch.full_like(ids, -100)
    masked = torch.rand(ids.shape) < 0.3
    labels[masked] = ids[masked]
    ids[masked] = 0
    batch = {"input_ids": ids, "token_type_ids": torch.zeros_like(ids),
             "attention_mask": torch.ones_like(ids), "labels": labels}

    step = gc_torch.compile_training_step(
        model, batch, optimizer=gc_torch.AdamW(lr=1e-3), target="cpu")
    print(f"compiled in {step.import_seconds + step.compile_seconds:.1f} s "
          f"(import {step.import_seconds:.1f} s); arena "
          f"{step.report['arena_bytes'] / 1024:.0f} KiB")
    for i in range(20):
        loss = step(batch)
        if i % 5 == 0 or i == 19:
            print(f"step {i + 1:2d}: loss {loss:.4f} "
                  f"({step.last_step_seconds * 1e3:.2f} ms)")

    with tempfile.TemporaryDirectory() as work:
        checkpoint = Path(work) / "tiny-bert.safetensors"
        step.save(checkpoint)
        print(f"saved {checkpoint.stat().st_size / 1024:.0f} KiB")
    trained = step.state_dict()
    model.load_state_dict({k: v for k, v in trained.items()
                           if not k.startswith("optimizer.")})
    with torch.no_grad():
        print(f"PyTorch with the trained weights: loss "
              f"{model.eval()(**batch).loss.item():.4f} (eval mode, no "
              f"dropout)")


if __name__ == "__main__":
    main()
