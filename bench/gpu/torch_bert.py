#!/usr/bin/env python3
"""PyTorch eager baseline for gc's BERT training step (bench/gpu/run.sh).

Times BertForMaskedLM (Hugging Face transformers, random weights, fp32,
eager attention, TF32 off) trained with AdamW on one synthetic batch:
random token ids, labels at 15% of the positions and -100 elsewhere.
Warm-up steps first, then --steps timed steps, each ended by
torch.cuda.synchronize(); prints the median step time, tokens/s and
torch.cuda.max_memory_allocated. --checkpointing on runs the same with
model.gradient_checkpointing_enable() (what gc's `per-layer` solver mimics).
--precision bf16-mixed runs the forward under
torch.autocast("cuda", dtype=torch.bfloat16) with SDPA attention
(attn_implementation="sdpa"): what gc-compile --precision bf16-mixed
--attention fused compiles, parameters and AdamW state in fp32 (mode=amp).

Usage:
  torch_bert.py [--layers 24 --hidden 1024 --heads 16 --intermediate 4096]
                [--batch 64 --seq 512] [--steps 6 --warmup 2]
                [--checkpointing off|on] [--precision fp32|bf16-mixed]
                [--device cuda:0]

Output: human-readable lines, then one machine-readable line
  RESULT status=ok mode=eager median_ms=... tokens_per_s=...
         max_mem_bytes=... steps=N loss_first=... loss_last=...
or RESULT status=OOM ... when the step does not fit (the expected outcome
for BERT-large, batch 64, without checkpointing on an 80 GB H100). When
`import torch` or `import transformers` fails, or CUDA is unavailable, it
prints `skipped: <reason>` and exits 0 (the GPU machine has no network, so
torch may simply not be there). Exit 1 only for an unexpected error.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--layers", type=int, default=24)
    p.add_argument("--hidden", type=int, default=1024)
    p.add_argument("--heads", type=int, default=16)
    p.add_argument("--intermediate", type=int, default=4096)
    p.add_argument("--vocab", type=int, default=30522)
    p.add_argument("--max-position", type=int, default=512)
    p.add_argument("--type-vocab", type=int, default=2)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--attention-dropout", type=float, default=0.1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--seq", type=int, default=512)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--steps", type=int, default=6, help="timed steps")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps")
    p.add_argument("--checkpointing", choices=["off", "on"], default="off",
                   help="model.gradient_checkpointing_enable()")
    p.add_argument("--precision", choices=["fp32", "bf16-mixed"],
                   default="fp32",
                   help="bf16-mixed: torch.autocast(bfloat16) with SDPA")
    p.add_argument("--device", default="cuda:0")
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args(argv)


def skipped(reason):
    print("skipped: %s" % reason)
    print("RESULT status=skipped reason=%s" % reason.replace(" ", "_"))
    sys.exit(0)


def is_oom(exc, torch):
    oom_type = getattr(torch, "OutOfMemoryError", None) or getattr(
        torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return "out of memory" in str(exc).lower()


def build_model(args, torch, attention):
    import transformers
    from transformers import BertConfig, BertForMaskedLM

    cfg = BertConfig(
        vocab_size=args.vocab, hidden_size=args.hidden,
        num_hidden_layers=args.layers, num_attention_heads=args.heads,
        intermediate_size=args.intermediate,
        max_position_embeddings=args.max_position,
        type_vocab_size=args.type_vocab, hidden_act="gelu",
        hidden_dropout_prob=args.dropout,
        attention_probs_dropout_prob=args.attention_dropout)
    try:
        # transformers >= 4.36 and 5.x: choose the attention kernel here.
        model = BertForMaskedLM._from_config(cfg,
                                             attn_implementation=attention)
    except (TypeError, ValueError, AttributeError):
        cfg._attn_implementation = attention
        model = BertForMaskedLM(cfg)
    attn = getattr(model.config, "_attn_implementation", "unknown")
    return model.to(device=args.device, dtype=torch.float32), attn, \
        transformers.__version__


def enable_checkpointing(model):
    try:
        model.gradient_checkpointing_enable(
            gradient_checkpointing_kwargs={"use_reentrant": False})
        return "use_reentrant=False"
    except TypeError:
        model.gradient_checkpointing_enable()
        return "default"


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import torch
    except Exception as e:  # ImportError, or a broken install
        skipped("import torch failed (%s: %s)" % (type(e).__name__, e))
    try:
        import transformers  # noqa: F401
    except Exception as e:
        skipped("import transformers failed (%s: %s)" % (type(e).__name__, e))
    if not torch.cuda.is_available():
        skipped("CUDA is not available to torch %s" % torch.__version__)

    # fp32 everywhere: no TF32 in matmuls or cuDNN, like gc's fp32 step.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    try:
        torch.set_float32_matmul_precision("highest")
    except Exception:
        pass

    mixed = args.precision == "bf16-mixed"
    mode = ("ckpt" if args.checkpointing == "on" else
            "amp" if mixed else "eager")
    dev = torch.device(args.device)
    torch.cuda.set_device(dev)
    torch.manual_seed(args.seed)
    name = torch.cuda.get_device_name(dev)
    print("torch %s, %s, mode=%s, layers=%d hidden=%d heads=%d "
          "intermediate=%d batch=%d seq=%d" %
          (torch.__version__, name, mode, args.layers, args.hidden,
           args.heads, args.intermediate, args.batch, args.seq))
    sys.stdout.flush()

    times = []
    losses = []
    status = "ok"
    detail = ""
    try:
        model, attn, tf_version = build_model(
            args, torch, "sdpa" if mixed else "eager")
        model.train()
        ckpt = ""
        if mode == "ckpt":
            ckpt = enable_checkpointing(model)
        nparams = sum(p.numel() for p in model.parameters())
        print("transformers %s, attention=%s, parameters=%d%s" %
              (tf_version, attn, nparams,
               (", gradient checkpointing (%s)" % ckpt) if ckpt else ""))
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr,
                                weight_decay=args.weight_decay)
        g = torch.Generator(device="cpu").manual_seed(args.seed)
        ids = torch.randint(0, args.vocab, (args.batch, args.seq), generator=g)
        mask = torch.rand((args.batch, args.seq), generator=g) < 0.15
        labels = torch.where(mask, ids, torch.full_like(ids, -100))
        ids, labels = ids.to(dev), labels.to(dev)
        token_types = torch.zeros_like(ids)
        attention_mask = torch.ones_like(ids)
        torch.cuda.synchronize(dev)
        torch.cuda.reset_peak_memory_stats(dev)

        def autocast():
            if mixed:
                return torch.autocast("cuda", dtype=torch.bfloat16)
            return contextlib.nullcontext()

        for i in range(args.warmup + args.steps):
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            with autocast():
                out = model(input_ids=ids, token_type_ids=token_types,
                            attention_mask=attention_mask, labels=labels)
            out.loss.backward()
            opt.step()
            torch.cuda.synchronize(dev)
            ms = (time.perf_counter() - t0) * 1e3
            loss = float(out.loss.detach())
            losses.append(loss)
            timed = i >= args.warmup
            if timed:
                times.append(ms)
            print("step %d: loss = %.6f (%.2f ms)%s" %
                  (i + 1, loss, ms, "" if timed else " warm-up"))
            sys.stdout.flush()
            del out
    except Exception as e:
        if not is_oom(e, torch):
            raise
        status = "OOM"
        detail = str(e).split("\n")[0][:200]
        print("OOM: %s" % detail)
    peak = torch.cuda.max_memory_allocated(dev)
    print("max_memory_allocated: %d bytes (%.2f GiB)" % (peak, peak / 2**30))
    tokens = args.batch * args.seq
    if times:
        med = statistics.median(times)
        print("step time: median %.2f ms over %d steps" % (med, len(times)))
        print("tokens/s: %.1f" % (tokens / (med / 1e3)))
        med_s, tps = "%.3f" % med, "%.1f" % (tokens / (med / 1e3))
    else:
        med_s, tps = "nan", "nan"
    print("RESULT status=%s mode=%s median_ms=%s tokens_per_s=%s "
          "max_mem_bytes=%d steps=%d loss_first=%s loss_last=%s" %
          (status, mode, med_s, tps, peak, len(times),
           "%.6f" % losses[0] if losses else "nan",
           "%.6f" % losses[-1] if losses else "nan"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
