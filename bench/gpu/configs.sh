# shellcheck shell=bash
# shellcheck disable=SC2034  # used by the scripts that source this file
#===- configs.sh - The models bench/gpu/run.sh and pack.sh compile ---------===#
#
# Sourced by run.sh and pack.sh so that the steps pack.sh precompiles are the
# ones run.sh looks for. gc-compile's defaults are BERT-large (24 layers,
# hidden 1024, 16 heads, intermediate 4096, vocab 30522, max-position 512).
#
#===----------------------------------------------------------------------===#

# The tiny BERT of the CUDA-vs-CPU check (3 steps, seed 7).
TINY_FLAGS=(--model bert --layers 2 --hidden 64 --heads 4 --intermediate 256
            --vocab 128 --max-position 64 --seq 64 --batch 8 --dropout 0.1
            --attention-dropout 0.1)
TINY_REMAT=(--budget 0.7x --solver auto)

# The timed models, fp32, seq 512.
BASE_FLAGS=(--model bert --layers 12 --hidden 768 --heads 12 --intermediate 3072
            --batch 32 --seq 512)
LARGE_FLAGS=(--model bert --batch 64 --seq 512)
# BERT-large in bf16-mixed with fused attention, against PyTorch under
# torch.autocast(bfloat16) with SDPA.
LARGE_BF16_FLAGS=("${LARGE_FLAGS[@]}" --precision bf16-mixed --attention fused)

# The budgets: the 75 GiB H100 reference scenario everywhere, and on an H200
# a larger one (GC_GPU_BIG_BUDGET, default 130GiB of its ~140 GiB).
REF_BUDGET=75GiB
BIG_BUDGET_DEFAULT=130GiB

# The step directories' names: tiny-cpu, tiny-cuda and
# <base|large|large-bf16>-<h100|h200>-<budget>, e.g. large-h100-75GiB.
