#!/usr/bin/env python3
"""The seed scenario with gc: Hugging Face BertModel at BERT-large (24 layers,
hidden 1024, 16 heads, seq 512, batch 64, fp32), loss the mean of
last_hidden_state, compiled for CUDA under a 75 GiB budget for an 80 GB
H100, and the memory story of the plan gc chose.

    python examples/bert_large_memory.py             # BERT-large, CUDA
    python examples/bert_large_memory.py --attention eager   # stored scores
    python examples/bert_large_memory.py --target cpu --layers 2 --batch 8

Where a CUDA GPU is present the compiled step also runs a few steps on it.
Run with the gc_torch environment (scripts/install-torch.sh prints its
python) and PYTHONPATH=python, GC_BUILD_DIR=build (see docs/pytorch-frontend.md).
"""

import argparse
import shutil
import time

import torch
from transformers import BertConfig, BertModel

import gc_torch

GIB = 1 << 30


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=24)
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--seq", type=int, default=512)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--budget", default="75GiB")
    parser.add_argument("--target", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--device", default="h100")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--attention", default="fused",
                        choices=["fused", "eager"],
                        help="fused: SDPA as one gc.attention (scores never "
                        "stored); eager: its separate ops, whose stored "
                        "scores make batch 64 overflow 80 GB")
    args = parser.parse_args()
    if args.target == "cuda" and not (shutil.which("nvcc") or
                                      shutil.which("/usr/local/cuda/bin/nvcc")):
        parser.error("--target cuda needs nvcc (CUDA toolkit)")

    config = BertConfig(hidden_size=args.hidden,
                        num_hidden_layers=args.layers,
                        num_attention_heads=args.heads,
                        intermediate_size=4 * args.hidden,
                        max_position_embeddings=max(512, args.seq))
    started = time.perf_counter()
    torch.manual_seed(0)
    model = BertModel(config).train()
    print(f"BertModel: {args.layers} layers, hidden {args.hidden}, "
          f"{args.heads} heads, seq {args.seq}, batch {args.batch}: "
          f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f} M "
          f"parameters (built in {time.perf_counter() - started:.1f} s)")
    batch = {
        "input_ids": torch.randint(0, config.vocab_size,
                                   (args.batch, args.seq)),
        "attention_mask": torch.ones(args.batch, args.seq, dtype=torch.long),
        "token_type_ids": torch.zeros(args.batch, args.seq, dtype=torch.long),
    }

    def loss_fn(output, batch):
        return output.last_hidden_state.mean()

    step = gc_torch.compile_training_step(
        model, batch, loss_fn, optimizer=gc_torch.AdamW(lr=1e-4),
        budget=args.budget, solver="auto", device=args.device,
        target=args.target, workdir=args.workdir, attention=args.attention)
    report = step.report
    print(f"import (torch.export + gc dialect) {step.import_seconds:.1f} s, "
          f"gc-compile {step.compile_seconds:.1f} s -> {step.library}")
    print()
    print(f"Memory on {report['device']} (budget {args.budget}, "
          f"{args.attention} attention):")
    print(f"  without rematerialization the step peaks at "
          f"{report['no_remat_peak_bytes'] / GIB:7.2f} GiB")
    print(f"  gc's plan ({report['solver']}) peaks at           "
          f"{report['peak_bytes'] / GIB:7.2f} GiB = arena "
          f"{report['arena_bytes'] / GIB:.2f} GiB + persistent "
          f"{report['persistent_bytes'] / GIB:.2f} GiB "
          f"(parameters, AdamW state, batch)")
    overhead = report["recompute_overhead"]
    print(f"  estimated recompute: {report['est_recompute_time_s'] * 1e3:.1f}"
          f" ms of a {report['est_step_time_s'] * 1e3:.0f} ms step "
          f"= {100 * overhead:.2f} % (gradient checkpointing every layer "
          f"recomputes the whole forward, ~33 %)")
    recomputed = [a for a in report.get("activations", [])
                  if a.get("decision") == "recompute"]
    if recomputed:
        print(f"  {len(recomputed)} activations recomputed instead of kept")

    runnable = torch.cuda.is_available() if args.target == "cuda" else \
        report["peak_bytes"] < 4 * GIB
    if runnable:
        for i in range(3):
            loss = step(batch)
            print(f"step {i + 1}: loss {loss:.6f}, "
                  f"{step.last_step_seconds * 1e3:.1f} ms")
    elif args.target == "cuda":
        print("\nNo CUDA GPU here: the step is compiled, not run.")
    else:
        print("\nThe step needs more than 4 GiB: compiled, not run here "
              "(try --layers 2 --batch 8).")


if __name__ == "__main__":
    main()
