#!/usr/bin/env python3
"""gc's compiled CPU training step against PyTorch eager, side by side.

Usage: bench/cpu/bench-cpu.py [--build DIR] [--configs tiny,small,base-depth]
                              [--threads 1,2] [--rounds 2] [--steps 6]
                              [--skip-torch] [--skip-remat]

For every configuration and thread count, runs alternately, round after
round: gc's step (`gc-compile --target cpu`, run by `gc-run DIR --threads
N`), PyTorch eager `BertForMaskedLM` with eager attention, and the same with
SDPA attention, each with AdamW, the same BERT shape, batch, dropout and
labels on every position. Each run is a fresh process doing --steps steps
whose first step is a warm-up; the others are timed. Prints and writes, per
runner: the median and minimum step time, their ratio to gc's, and the
process's peak resident memory (bench/out/cpu/step-time.csv, and a plot
when matplotlib is present).

Then, the rematerialization estimate against the measured cost, per
thread count: gc-cpu-probe measures gc's kernel rates and writes the
calibrated `cpu` device profile (bench/out/cpu/cpu-profile-<N>threads.json);
the small configuration is compiled with that profile and the solvers none,
auto at 0.8x and 0.7x of the peak, and per-layer; their steps are timed
alternately, and each measured overhead over `none` is printed beside the
cost model's estimate (report.json's recompute_overhead) in
bench/out/cpu/remat-overhead.csv.

PyTorch comes from the virtual environment .venv-golden/ that
scripts/make-bert-golden.py creates (the same pinned versions); it is
created here when missing.
"""

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_DIR = REPO_ROOT / ".venv-golden"
REQUIREMENTS = ("torch==2.15.0", "transformers==5.24.0", "safetensors==0.8.0")
OUT_DIR = REPO_ROOT / "bench" / "out" / "cpu"

# name: (layers, hidden, heads, intermediate, vocab, seq, batch)
CONFIGS = {
    "tiny": (2, 64, 2, 256, 8000, 128, 8),
    "small": (4, 256, 4, 1024, 8000, 128, 8),
    "base-depth": (12, 768, 12, 3072, 30522, 128, 4),
}
DROPOUT = 0.1


def ensure_venv_python():
    """Return the Python of VENV_DIR, creating it and installing torch."""
    python = VENV_DIR / "bin" / "python"
    if not python.exists():
        print(f"bench-cpu: creating {VENV_DIR}", file=sys.stderr)
        venv.create(VENV_DIR, with_pip=True)
    probe = subprocess.run([str(python), "-c", "import torch, transformers"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        print(f"bench-cpu: installing {' '.join(REQUIREMENTS)} (minutes)",
              file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", *REQUIREMENTS],
                       check=True)
    return python


def run_measured(command, env=None):
    """Run `command`; return (stdout, peak RSS in MiB). Raises on failure."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed "
                           f"({process.returncode}):\n{output[-3000:]}")
    return output, usage.ru_maxrss / 1024.0


def gc_compile(build, config, directory, flags):
    """Compile the BERT training step of `config` into `directory`."""
    layers, hidden, heads, inter, vocab, seq, batch = config
    command = [str(build / "bin" / "gc-compile"), "--model", "bert",
               "--layers", str(layers), "--hidden", str(hidden),
               "--heads", str(heads), "--intermediate", str(inter),
               "--vocab", str(vocab), "--seq", str(seq), "--batch",
               str(batch), "--max-position", str(max(seq, 512)),
               "--dropout", str(DROPOUT), "--attention-dropout",
               str(DROPOUT), "--optimizer", "adamw", "--target", "cpu",
               *flags, "-o", str(directory)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    return directory


def run_gc(build, directory, threads, steps):
    output, rss = run_measured(
        [str(build / "bin" / "gc-run"), str(directory), "--steps",
         str(steps), "--threads", str(threads)])
    times = [float(m) for m in
             re.findall(r"^step \d+: loss = \S+ \(([\d.]+) ms\)", output,
                        re.MULTILINE)]
    if len(times) != steps:
        raise RuntimeError(f"gc-run printed {len(times)} step times:\n"
                           f"{output}")
    return times[1:], rss


def run_torch(python, name, config, threads, steps, attention):
    output, rss = run_measured(
        [str(python), str(Path(__file__).resolve()), "--torch-worker",
         json.dumps({"config": config, "threads": threads, "steps": steps,
                     "attention": attention})],
        env=dict(os.environ, OMP_NUM_THREADS=str(threads),
                 MKL_NUM_THREADS=str(threads)))
    times = json.loads(output.strip().splitlines()[-1])["times_ms"]
    return times[1:], rss


def torch_worker(spec):
    """Runs PyTorch's training steps; prints {"times_ms": [...]}."""
    import torch
    from transformers import BertConfig, BertForMaskedLM

    layers, hidden, heads, inter, vocab, seq, batch = spec["config"]
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    config = BertConfig(vocab_size=vocab, hidden_size=hidden,
                        num_hidden_layers=layers, num_attention_heads=heads,
                        intermediate_size=inter,
                        max_position_embeddings=max(seq, 512),
                        hidden_dropout_prob=DROPOUT,
                        attention_probs_dropout_prob=DROPOUT,
                        attn_implementation=spec["attention"])
    model = BertForMaskedLM(config).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    input_ids = torch.randint(0, vocab, (batch, seq))
    labels = torch.randint(0, vocab, (batch, seq))
    token_type_ids = torch.randint(0, 2, (batch, seq))
    attention_mask = torch.ones(batch, seq, dtype=torch.long)
    times = []
    for _ in range(spec["steps"]):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = model(input_ids=input_ids, token_type_ids=token_type_ids,
                     attention_mask=attention_mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        times.append((time.perf_counter() - start) * 1e3)
    print(json.dumps({"times_ms": times}))


REMAT_VARIANTS = (("none", ["--solver", "none"]),
                  ("auto-0.8x", ["--solver", "auto", "--budget", "0.8x"]),
                  ("auto-0.7x", ["--solver", "auto", "--budget", "0.7x"]),
                  ("per-layer", ["--solver", "per-layer"]))


def remat_benchmark(build, threads, rounds, steps, work):
    """Measured remat overheads against the calibrated estimates."""
    probe = subprocess.run([str(build / "bin" / "gc-cpu-probe"), "--threads",
                            str(threads)], check=True, capture_output=True,
                           text=True).stdout
    profile_path = OUT_DIR / f"cpu-profile-{threads}threads.json"
    profile_path.write_text(probe)
    profile = json.loads(probe)
    matmul_rate = (profile["peak_fp32_simt_flops"] *
                   profile["simt_matmul_efficiency"])
    print(f"== remat, {threads} thread(s): calibrated profile {profile_path}"
          f" (matmul {matmul_rate / 1e9:.0f} GFLOP/s, "
          f"memory {profile['memory_bandwidth'] / 1e9:.1f} GB/s, launch "
          f"{profile['launch_overhead_seconds'] * 1e6:.1f} us)", flush=True)
    directories = {
        name: gc_compile(build, CONFIGS["small"],
                         work / f"remat-{threads}-{name}",
                         ["--device", "cpu", "--device-profile",
                          str(profile_path), *flags])
        for name, flags in REMAT_VARIANTS}
    samples = {name: [] for name in directories}
    for _ in range(rounds):
        for name, directory in directories.items():
            samples[name] += run_gc(build, directory, threads, steps)[0]
    base_median, base_min = summarize(samples["none"])
    rows = []
    for name, directory in directories.items():
        report = json.loads((directory / "report.json").read_text())
        median, minimum = summarize(samples[name])
        measured = median / base_median - 1
        estimated = report["recompute_overhead"]
        rows.append({"threads": threads, "variant": name,
                     "median_ms": round(median, 2),
                     "min_ms": round(minimum, 2),
                     "measured_overhead": round(measured, 4),
                     "measured_overhead_min": round(minimum / base_min - 1,
                                                    4),
                     "estimated_overhead": round(estimated, 4),
                     "peak_bytes": report["peak_bytes"]})
        relative = (abs(measured - estimated) / measured
                    if name != "none" and measured > 0 else float("nan"))
        print(f"  {name:10s} median {median:8.1f} ms  min {minimum:8.1f} ms"
              f"  peak {report['peak_bytes'] / 2**20:6.1f} MiB  measured "
              f"{100 * measured:+6.1f}% (min-based "
              f"{100 * (minimum / base_min - 1):+6.1f}%)  estimated "
              f"{100 * estimated:+6.1f}%  |meas-est|/meas "
              f"{100 * relative:5.1f}%", flush=True)
    return rows


def write_csv(path, rows):
    """Write `rows` (dicts with the same keys) to the CSV file `path`."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path}")


def summarize(samples):
    return statistics.median(samples), min(samples)


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    groups = sorted({(r["config"], r["threads"]) for r in rows},
                    key=lambda g: (list(CONFIGS).index(g[0]), g[1]))
    runners = ["gc", "torch-eager", "torch-sdpa"]
    figure, axis = plt.subplots(figsize=(10, 4))
    width = 0.25
    for k, runner in enumerate(runners):
        values = [next((r["median_ms"] for r in rows
                        if (r["config"], r["threads"]) == g and
                        r["runner"] == runner), 0) for g in groups]
        axis.bar([i + k * width for i in range(len(groups))], values, width,
                 label=runner)
    axis.set_xticks([i + width for i in range(len(groups))])
    axis.set_xticklabels([f"{c}\n{t} thr" for c, t in groups])
    axis.set_ylabel("median step time (ms)")
    axis.set_yscale("log")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path)
    return True


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--torch-worker":
        return torch_worker(json.loads(sys.argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=REPO_ROOT / "build")
    parser.add_argument("--configs", default="tiny,small,base-depth")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=6,
                        help="steps per process; the first is a warm-up")
    parser.add_argument("--skip-torch", action="store_true",
                        help="only the rematerialization measurement")
    parser.add_argument("--skip-remat", action="store_true",
                        help="only the comparison with PyTorch")
    args = parser.parse_args()
    if args.steps < 2 or args.rounds < 1:
        parser.error("--steps must be at least 2 and --rounds at least 1")
    configs = args.configs.split(",")
    for name in configs:
        if name not in CONFIGS:
            parser.error(f"unknown configuration {name!r}; expected one of "
                         f"{', '.join(CONFIGS)}")
    thread_counts = [int(t) for t in args.threads.split(",")]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    work = OUT_DIR / "work"
    work.mkdir(exist_ok=True)
    if not args.skip_torch:
        compare_with_torch(args, configs, thread_counts, work)
    if not args.skip_remat:
        rows = []
        for threads in thread_counts:
            rows += remat_benchmark(args.build, threads, args.rounds,
                                    args.steps, work)
        write_csv(OUT_DIR / "remat-overhead.csv", rows)


def compare_with_torch(args, configs, thread_counts, work):
    """gc against PyTorch eager on every configuration and thread count."""
    python = ensure_venv_python()
    rows = []
    for name in configs:
        config = CONFIGS[name]
        print(f"== {name}: layers, hidden, heads, intermediate, vocab, seq, "
              f"batch = {config}", flush=True)
        directory = gc_compile(args.build, config, work / f"gc-{name}",
                               ["--solver", "none"])
        for threads in thread_counts:
            samples = {"gc": [], "torch-eager": [], "torch-sdpa": []}
            rss = {runner: 0.0 for runner in samples}
            for _ in range(args.rounds):
                for runner in samples:
                    if runner == "gc":
                        times, peak = run_gc(args.build, directory, threads,
                                             args.steps)
                    else:
                        times, peak = run_torch(python, name, config, threads,
                                                args.steps,
                                                runner.split("-")[1])
                    samples[runner] += times
                    rss[runner] = max(rss[runner], peak)
            gc_median, gc_min = summarize(samples["gc"])
            for runner, times in samples.items():
                median, minimum = summarize(times)
                rows.append({"config": name, "threads": threads,
                             "runner": runner, "steps": len(times),
                             "median_ms": round(median, 2),
                             "min_ms": round(minimum, 2),
                             "speedup_of_gc_median": round(median / gc_median,
                                                           3),
                             "speedup_of_gc_min": round(minimum / gc_min, 3),
                             "peak_rss_mib": round(rss[runner], 1)})
                print(f"  {threads} thr  {runner:12s} median {median:9.1f} ms"
                      f"  min {minimum:9.1f} ms  ({len(times)} steps)  "
                      f"gc speedup {median / gc_median:5.2f}x median, "
                      f"{minimum / gc_min:5.2f}x min  peak RSS "
                      f"{rss[runner]:7.1f} MiB", flush=True)
    write_csv(OUT_DIR / "step-time.csv", rows)
    if plot(rows, OUT_DIR / "step-time.png"):
        print(f"wrote {OUT_DIR / 'step-time.png'}")


if __name__ == "__main__":
    main()
