#!/usr/bin/env python3
"""How long gc_torch takes to import and compile Hugging Face models.

    python bench/frontend/import_compile.py [--target cuda|cpu] [--repeats N]

For BERT-large (BertModel, mean of last_hidden_state, batch 64, seq 512) and
GPT-2 medium (GPT2LMHeadModel with its causal-LM loss, batch 8, seq 1024),
both fp32 with AdamW under a 75 GiB H100 budget, measures the import
(torch.export + the gc dialect) and gc-compile (autodiff, optimizer, remat,
memory plan, code generation and the host compiler or nvcc) separately,
`--repeats` times each, and prints the median and the minimum. Writes
bench/out/frontend-import-compile.csv. Run it with the gc_torch environment
(scripts/install-torch.sh) and PYTHONPATH=python GC_BUILD_DIR=build.
"""

import argparse
import csv
import statistics
import tempfile
from pathlib import Path

import torch
from transformers import BertConfig, BertModel, GPT2Config, GPT2LMHeadModel

import gc_torch

OUT = Path(__file__).resolve().parents[1] / "out"


def bert_large():
    config = BertConfig(hidden_size=1024, num_hidden_layers=24,
                        num_attention_heads=16, intermediate_size=4096)
    model = BertModel(config).train()
    batch = {"input_ids": torch.randint(0, config.vocab_size, (64, 512)),
             "attention_mask": torch.ones(64, 512, dtype=torch.long),
             "token_type_ids": torch.zeros(64, 512, dtype=torch.long)}
    return model, batch, lambda out, b: out.last_hidden_state.mean()


def gpt2_medium():
    config = GPT2Config(n_embd=1024, n_layer=24, n_head=16, n_positions=1024,
                        use_cache=False)
    model = GPT2LMHeadModel(config).train()
    ids = torch.randint(0, config.vocab_size, (8, 1024))
    batch = {"input_ids": ids,
             "attention_mask": torch.ones(8, 1024, dtype=torch.long),
             "labels": ids.clone()}
    return model, batch, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for name, make in (("bert-large", bert_large),
                       ("gpt2-medium", gpt2_medium)):
        torch.manual_seed(0)
        model, batch, loss_fn = make()
        imports, compiles = [], []
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as work:
                step = gc_torch.compile_training_step(
                    model, batch, loss_fn, budget="75GiB", solver="auto",
                    device="h100", target=args.target, workdir=work)
                imports.append(step.import_seconds)
                compiles.append(step.compile_seconds)
                report = step.report
        row = {"model": name, "target": args.target,
               "parameters_m": round(sum(p.numel() for p in
                                         model.parameters()) / 1e6, 1),
               "ops": sum(step.imported.ops.values()),
               "import_median_s": round(statistics.median(imports), 2),
               "import_min_s": round(min(imports), 2),
               "compile_median_s": round(statistics.median(compiles), 2),
               "compile_min_s": round(min(compiles), 2),
               "no_remat_peak_gib": round(report["no_remat_peak_bytes"] /
                                          2**30, 2),
               "peak_gib": round(report["peak_bytes"] / 2**30, 2),
               "est_recompute_percent": round(
                   100 * report["recompute_overhead"], 2)}
        rows.append(row)
        print(", ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    OUT.mkdir(exist_ok=True)
    path = OUT / "frontend-import-compile.csv"
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
