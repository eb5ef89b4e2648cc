#!/usr/bin/env python3
"""The one-command GPU check of gc.

Usage: python3 bench/gpu/run.py [--no-build] [--skip-torch] [--skip-large]
                                [--budget-s SECONDS] [--steps N] [--strict]
(bash bench/gpu/run.sh passes its arguments here.)

Finds (or unpacks, or builds) gc, then on the GPU:
  1. the CUDA kernel test test/Unit/Runtime/Cuda/KernelsTest.cu, built with
     nvcc (gtest's pass and fail counts);
  2. a tiny BERT step compiled for the CPU and for CUDA, 3 steps with the same
     seed, results compared tensor by tensor (compare_results.py);
  3. planned vs measured arena bytes of the CUDA step (gc-run --track-arena);
  4. step time, tokens/s and memory of BERT-base (batch 32) and BERT-large
     (batch 64), seq 512, fp32, compiled by gc for CUDA under a memory budget,
     against PyTorch eager with and without gradient checkpointing
     (torch_bert.py); and BERT-large in bf16-mixed with fused attention
     against PyTorch under torch.autocast(bfloat16) with SDPA.
gc-run's figures come from its machine-readable --json file. Prints a
markdown table last and writes, under ${OUT:-bench/out/gpu}: summary.md (the
tables), gpu.csv (the same rows), logs.txt (every phase's log, appended as it
finishes), run.log (this driver's own output) and compare.csv. Every phase
runs under a timeout inside an overall budget (GC_GPU_BUDGET_S, default
540 s); a failing or skipped phase is recorded with its reason and the run
goes on; the files are rewritten after every phase.

Where gc comes from, first match wins: $GC_BIN_DIR; the bundle
bench/gpu/carry/gc-bundle.tar.xz made by pack.sh ($GC_GPU_BUNDLE); a build
with scripts/build.sh when LLVM/MLIR 22 is installed ($LLVM_PREFIX); build/bin
as it is.

Exit status: 0 every check passed or was skipped for a reason that is not a
failure (no GPU, no torch); 1 a check failed; 2 no gc tools and no toolchain.

Environment: OUT, GC_GPU_WORK, GC_GPU_BUDGET_S, GC_BIN_DIR, GC_GPU_BUNDLE,
LLVM_PREFIX, GC_GPU_PROFILE (h100|h200), GC_GPU_BIG_BUDGET (130GiB),
GC_COMPILE_EXTRA, GC_GPU_STEPS (6), GC_TORCH_STEPS (5), GC_KERNELS_SRC,
PYTHON (the interpreter of torch_bert.py and compare_results.py).
"""

import argparse
import csv
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "bench", "gpu")
RESERVE_S = 10  # kept for writing the table at the end
# The Python of the helper scripts (torch_bert.py needs the one with torch).
PYTHON = os.environ.get("PYTHON", sys.executable)

# The configurations (bench/gpu/configs.sh holds the same for pack.sh).
TINY_FLAGS = ["--model", "bert", "--layers", "2", "--hidden", "64", "--heads",
              "4", "--intermediate", "256", "--vocab", "128", "--max-position",
              "64", "--seq", "64", "--batch", "8", "--dropout", "0.1",
              "--attention-dropout", "0.1"]
TINY_REMAT = ["--budget", "0.7x", "--solver", "auto"]
MODEL_FLAGS = {
    "base": ["--model", "bert", "--layers", "12", "--hidden", "768", "--heads",
             "12", "--intermediate", "3072", "--batch", "32", "--seq", "512"],
    "large": ["--model", "bert", "--batch", "64", "--seq", "512"],
}
# BERT-large in bf16-mixed with fused attention (against PyTorch under
# torch.autocast with SDPA).
MODEL_FLAGS["large-bf16"] = MODEL_FLAGS["large"] + [
    "--precision", "bf16-mixed", "--attention", "fused"]
TORCH_FLAGS = {
    "base": ["--layers", "12", "--hidden", "768", "--heads", "12",
             "--intermediate", "3072", "--batch", "32", "--seq", "512"],
    "large": ["--layers", "24", "--hidden", "1024", "--heads", "16",
              "--intermediate", "4096", "--batch", "64", "--seq", "512"],
}
TORCH_FLAGS["large-bf16"] = TORCH_FLAGS["large"] + ["--precision",
                                                    "bf16-mixed"]
MODEL_LABEL = {"base": "BERT-base b32 s512", "large": "BERT-large b64 s512",
               "large-bf16": "BERT-large b64 s512 bf16-mixed"}
REF_BUDGET = "75GiB"
FIELDS = ["kind", "name", "model", "system", "budget", "status", "value",
          "step_ms", "tokens_per_s", "peak_mem_bytes", "planned_arena_bytes",
          "measured_arena_bytes", "detail"]


class Driver:
    def __init__(self, args):
        self.args = args
        self.t0 = time.monotonic()
        self.out = os.path.abspath(os.environ.get(
            "OUT", os.path.join(ROOT, "bench", "out", "gpu")))
        self.work = os.path.abspath(os.environ.get(
            "GC_GPU_WORK", os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                        "gc-gpu-work")))
        if self.work in ("/", ROOT, os.environ.get("HOME", "/")):
            sys.exit("run.py: refusing GC_GPU_WORK=%s (it is emptied first)"
                     % self.work)
        self.logs = os.path.join(self.work, "logs")
        os.makedirs(self.out, exist_ok=True)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.logs)
        for name in ("run.log", "logs.txt"):
            open(os.path.join(self.out, name), "w").close()
        self.rows = {}  # key -> {field: value}, in insertion order
        self.failed = False
        self.env_line = ""
        self.ld = [d for d in ("/usr/local/cuda/lib64", "/usr/local/cuda/lib",
                               "/usr/local/cuda/targets/x86_64-linux/lib")
                   if os.path.isdir(d)]
        self.bundle = None
        self.bundle_env = {}
        self.background = {}  # name -> (Popen, start, log file)
        self.steps = {}  # step name -> directory

    # -- output ------------------------------------------------------------
    def elapsed(self):
        return int(time.monotonic() - self.t0)

    def say(self, text):
        print(text, flush=True)
        with open(os.path.join(self.out, "run.log"), "a") as f:
            f.write(text + "\n")

    def note(self, text):
        self.say("[%4ds] %s" % (self.elapsed(), text))

    def row(self, key, **fields):
        entry = self.rows.setdefault(key, {f: "" for f in FIELDS})
        for name, value in fields.items():
            entry[name] = "" if value is None else str(value)

    def get(self, key, field):
        return self.rows.get(key, {}).get(field, "")

    def fail(self):
        self.failed = True

    def write_outputs(self):
        path = os.path.join(self.out, "gpu.csv")
        with open(path + ".tmp", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(FIELDS)
            for entry in self.rows.values():
                writer.writerow([entry[f] for f in FIELDS])
        os.replace(path + ".tmp", path)

        def md(text):
            return (text or "-").replace("|", "/")

        def num(text):
            try:
                x = float(text)
            except ValueError:
                return "-"
            return "%.0f" % x if x >= 100 else "%.2f" % x

        def gib(text):
            try:
                return "%.2f" % (int(text) / 2**30)
            except ValueError:
                return text or "-"

        lines = ["## gc GPU check", "", self.env_line, "",
                 "| check | status | value | detail |",
                 "|-------|--------|-------|--------|"]
        for e in self.rows.values():
            if e["kind"] == "check":
                lines.append("| %s | %s | %s | %s |" % (
                    md(e["name"]), md(e["status"]), md(e["value"]),
                    md(e["detail"])))
        lines += ["", "| model | system | memory budget | status | step (ms) "
                  "| tokens/s | peak memory (GiB) | planned arena (GiB) | "
                  "note |",
                  "|-------|--------|---------------|--------|-----------|"
                  "----------|-------------------|---------------------|"
                  "------|"]
        for e in self.rows.values():
            if e["kind"] == "perf":
                lines.append("| %s |" % " | ".join([
                    md(e["model"]), md(e["system"]), md(e["budget"]),
                    md(e["status"]), num(e["step_ms"]), num(e["tokens_per_s"]),
                    gib(e["peak_mem_bytes"]), gib(e["planned_arena_bytes"]),
                    md(e["detail"])]))
        path = os.path.join(self.out, "summary.md")
        with open(path + ".tmp", "w") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(path + ".tmp", path)

    # -- running -----------------------------------------------------------
    def limit(self, cap, least=15):
        """Seconds a phase may take, 0 when too little budget is left."""
        left = self.args.budget_s - self.elapsed() - RESERVE_S
        return 0 if left < least else min(cap, left)

    def env(self, extra=None):
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = ":".join(
            self.ld + ([env["LD_LIBRARY_PATH"]] if env.get("LD_LIBRARY_PATH")
                       else []))
        env.update(self.bundle_env)
        env.update(extra or {})
        return env

    def collect_log(self, name, rc, seconds):
        log = os.path.join(self.logs, name + ".log")
        with open(os.path.join(self.out, "logs.txt"), "a") as out:
            out.write("\n===== %s (exit %s, %ss) =====\n" % (name, rc,
                                                            seconds))
            if os.path.exists(log):
                with open(log, "rb") as f:
                    f.seek(max(0, os.path.getsize(log) - 400000))
                    out.write(f.read().decode("utf-8", "replace"))
            else:
                out.write("(no log)\n")

    def run(self, name, timeout, argv, cwd=None, env=None):
        """Runs argv under a timeout, output to logs/NAME.log; the exit
        status, 124 on a timeout."""
        log = os.path.join(self.logs, name + ".log")
        start = time.monotonic()
        with open(log, "w") as f:
            f.write("$ %s\n" % " ".join(shlex.quote(a) for a in argv))
            f.flush()
            try:
                rc = subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, cwd=cwd,
                                    env=env or self.env(),
                                    timeout=timeout).returncode
            except subprocess.TimeoutExpired:
                rc = 124
                f.write("\n(timed out after %ss)\n" % timeout)
            except OSError as error:
                rc = 127
                f.write("%s\n" % error)
        self.collect_log(name, rc, int(time.monotonic() - start))
        return rc

    def start_background(self, name, timeout, argv):
        log = os.path.join(self.logs, name + ".log")
        f = open(log, "w")
        f.write("$ %s\n" % " ".join(shlex.quote(a) for a in argv))
        f.flush()
        process = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=self.env())
        self.background[name] = (process, time.monotonic(), timeout, f)

    def wait_background(self, name):
        if name not in self.background:
            return 125
        process, start, timeout, f = self.background.pop(name)
        try:
            rc = process.wait(timeout=max(1, start + timeout -
                                          time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            rc = 124
            f.write("\n(timed out after %ss)\n" % timeout)
        f.close()
        self.collect_log(name, rc, int(time.monotonic() - start))
        return rc

    def still_running(self, name):
        entry = self.background.get(name)
        return entry is not None and entry[0].poll() is None

    def reason(self, name, rc=None):
        """The last informative line of a log, for a table cell."""
        if rc in (124, 137):
            return "timed out"
        line = ""
        path = os.path.join(self.logs, name + ".log")
        if os.path.exists(path):
            lines = [l.strip() for l in open(path, errors="replace")
                     if l.strip() and not l.startswith("$ ")]
            pattern = re.compile(r"error|unknown|not found|failed|fatal|"
                                 r"cannot|unable|invalid", re.I)
            hits = [l for l in lines if pattern.search(l)]
            line = (hits or lines or [""])[-1]
        line = line.replace("|", "/")[:160] or "no output"
        return "exit %s: %s" % (rc, line) if rc not in (None, 0) else line

    # -- phases ------------------------------------------------------------
    def detect_machine(self):
        gpu = ""
        mib = driver = ""
        if shutil.which("nvidia-smi"):
            try:
                text = subprocess.run(
                    ["nvidia-smi", "--query-gpu=name,memory.total,"
                     "driver_version", "--format=csv,noheader,nounits"],
                    capture_output=True, text=True, timeout=30).stdout
                first = (text.splitlines() or [""])[0]
                if not re.search(r"No devices|[Ff]ailed|[Ee]rror", first):
                    parts = [p.strip() for p in first.split(",")]
                    gpu = parts[0] if parts else ""
                    mib = parts[1] if len(parts) > 1 else ""
                    driver = parts[2] if len(parts) > 2 else ""
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.have_gpu = bool(gpu)
        name = os.environ.get("GC_GPU_PROFILE", gpu).lower()
        self.profile = ("h200" if "h200" in name else
                        "a100" if "a100" in name else "h100")
        self.nvcc = shutil.which("nvcc") or (
            "/usr/local/cuda/bin/nvcc"
            if os.access("/usr/local/cuda/bin/nvcc", os.X_OK) else "")
        version = ""
        if self.nvcc:
            text = subprocess.run([self.nvcc, "--version"],
                                  capture_output=True, text=True).stdout
            match = re.search(r"release ([0-9.]+)", text)
            version = match.group(1) if match else "(nvcc --version failed)"
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                              "HEAD"], capture_output=True,
                             text=True).stdout.strip() or "unknown"
        self.env_line = (
            "GPU: %s%s; cost-model profile %s; nvcc %s; %d cores; gc %s; %s"
            % (gpu or "none",
               " (%s MiB, driver %s)" % (mib, driver) if mib else "",
               self.profile, version or "none", os.cpu_count(), rev,
               time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
        self.note(self.env_line)
        self.note("outputs: %s   scratch: %s   budget: %ss"
                  % (self.out, self.work, self.args.budget_s))

    def plan_rows(self):
        big = (os.environ.get("GC_GPU_BIG_BUDGET", "130GiB")
               if self.profile == "h200" else "")
        base_budget = big or REF_BUDGET
        self.perf = [("base-%s-%s" % (self.profile, base_budget), "base",
                      self.profile, base_budget)]
        if not self.args.skip_large:
            self.perf.append(("large-h100-" + REF_BUDGET, "large", "h100",
                              REF_BUDGET))
            self.perf.append(("large-bf16-h100-" + REF_BUDGET, "large-bf16",
                              "h100", REF_BUDGET))
            if big:
                self.perf.append(("large-%s-%s" % (self.profile, big),
                                  "large", self.profile, big))
        for key, name in [
                ("build", "gc tools"),
                ("kernels", "CUDA kernels (KernelsTest.cu)"),
                ("tiny_cpu", "tiny BERT: compile + 3 steps, CPU"),
                ("tiny_cuda", "tiny BERT: compile + 3 steps, CUDA"),
                ("agree", "tiny BERT: CUDA vs CPU (norm-wise rel. error "
                          "<= 1e-4)"),
                ("arena", "tiny BERT: planned vs measured arena (CUDA)")]:
            self.row(key, kind="check", name=name, status="pending")
        for config, model, profile, budget in self.perf:
            self.row("gc-" + config, kind="perf", name="gc " + config,
                     model=MODEL_LABEL[model], system="gc (CUDA)",
                     budget="%s (--device %s)" % (budget, profile),
                     status="pending")
        self.torch_runs = [("base", "eager"), ("base", "ckpt")]
        if not self.args.skip_large:
            self.torch_runs += [("large", "eager"), ("large", "ckpt"),
                                ("large-bf16", "amp")]
        systems = {"eager": "PyTorch eager",
                   "ckpt": "PyTorch + gradient checkpointing",
                   "amp": "PyTorch autocast bf16 + SDPA"}
        for model, mode in self.torch_runs:
            self.row("torch-%s-%s" % (model, mode), kind="perf",
                     name="torch %s %s" % (model, mode),
                     model=MODEL_LABEL[model], system=systems[mode],
                     budget="-", status="pending")
        self.write_outputs()

    def tools_work(self, directory):
        for tool in ("gc-compile", "gc-run"):
            path = os.path.join(directory, tool)
            if not os.access(path, os.X_OK):
                return False
            try:
                if subprocess.run([path, "--version"], capture_output=True,
                                  env=self.env(), timeout=30).returncode:
                    return False
            except (OSError, subprocess.TimeoutExpired):
                return False
        return True

    def find_toolchain(self):
        for prefix in (os.environ.get("LLVM_PREFIX", ""), "/usr/lib/llvm-22",
                       "/usr/local/llvm-22", "/opt/llvm-22"):
            if prefix and os.path.exists(os.path.join(
                    prefix, "lib/cmake/mlir/MLIRConfig.cmake")):
                return prefix
        return ""

    def unpack_bundle(self, tarball):
        t = self.limit(120)
        if not t:
            return False
        directory = os.path.join(self.work, "bundle")
        os.makedirs(directory)
        start = time.monotonic()
        try:
            with tarfile.open(tarball) as archive:
                archive.extractall(directory)
        except (OSError, tarfile.TarError) as error:
            with open(os.path.join(self.logs, "unpack.log"), "w") as f:
                f.write("cannot unpack %s: %s\n" % (tarball, error))
            self.collect_log("unpack", 1, int(time.monotonic() - start))
            return False
        self.bundle = directory
        manifest = {}
        path = os.path.join(directory, "manifest.env")
        if os.path.exists(path):
            for line in open(path):
                key, _, value = line.strip().partition("=")
                manifest[key] = value
                self.say("    " + line.rstrip())
        # Paths baked in at build time resolve here through links.
        for key, target in (("SRC_ROOT", ROOT),
                            ("BUILD_DIR", os.path.join(directory, "build"))):
            where = manifest.get(key, "")
            if where and where != target and not os.path.exists(where) \
                    and os.path.exists(target):
                try:
                    os.makedirs(os.path.dirname(where), exist_ok=True)
                    os.symlink(target, where)
                    self.note("linked %s -> %s" % (where, target))
                except OSError:
                    pass
        self.manifest = manifest
        self.ld.insert(0, os.path.join(directory, "lib"))
        self.bundle_env = {
            "CPATH": ":".join(filter(None, [os.path.join(directory, "include"),
                                            os.environ.get("CPATH", "")])),
            "LIBRARY_PATH": ":".join(filter(None, [
                os.path.join(directory, "lib"),
                os.environ.get("LIBRARY_PATH", "")]))}
        return True

    def find_tools(self):
        self.note("== 1. gc tools")
        self.bin = ""
        how = reason = ""
        given = os.environ.get("GC_BIN_DIR", "")
        given = os.path.abspath(given) if given else ""
        if given:
            if self.tools_work(given):
                self.bin, how = given, "GC_BIN_DIR=" + given
            else:
                reason = "GC_BIN_DIR=%s: tools do not start" % given
        tarball = os.environ.get("GC_GPU_BUNDLE", os.path.join(
            HERE, "carry", "gc-bundle.tar.xz"))
        if not self.bin and os.path.exists(tarball):
            if self.unpack_bundle(tarball):
                bundle_bin = os.path.join(self.bundle, "bin")
                if self.tools_work(bundle_bin):
                    self.bin = bundle_bin
                    how = "bundle %s built %s" % (
                        self.manifest.get("GIT_REV", ""),
                        self.manifest.get("BUILT", ""))
                else:
                    reason = "the bundle's tools do not start"
            else:
                reason = "could not unpack " + tarball
        toolchain = self.find_toolchain()
        if not self.bin and not self.args.no_build and toolchain and \
                shutil.which("cmake") and shutil.which("ninja"):
            build = os.path.join(ROOT, "build")
            cache = os.path.join(build, "CMakeCache.txt")
            if os.path.exists(cache):
                text = open(cache, errors="replace").read()
                cached = re.search(r"^CMAKE_CACHEFILE_DIR:INTERNAL=(.*)$",
                                   text, re.M)
                if cached and cached.group(1) != build:
                    self.note("build/ was configured elsewhere (%s): "
                              "building in build-gpu/" % cached.group(1))
                    build = os.path.join(ROOT, "build-gpu")
            t = self.limit(300, 60)
            if t:
                self.note("building gc in %s with %s (timeout %ss)"
                          % (os.path.relpath(build, ROOT), toolchain, t))
                env = self.env({"GC_BUILD_JOBS": str(os.cpu_count()),
                                "LLVM_PREFIX": toolchain})
                rc = self.run("build", t, ["bash", "scripts/build.sh", build,
                                           "all"], cwd=ROOT, env=env)
                if rc:
                    reason = "scripts/build.sh all: " + self.reason("build",
                                                                    rc)
                    t = self.limit(180, 30)
                    if rc != 124 and t:
                        self.run("build-tools", t,
                                 ["bash", "scripts/build.sh", build,
                                  "gc-compile", "gc-run"], cwd=ROOT, env=env)
                if self.tools_work(os.path.join(build, "bin")):
                    self.bin = os.path.join(build, "bin")
                    how = "built in " + os.path.relpath(build, ROOT)
            else:
                reason = "no time left to build"
        if not self.bin and self.tools_work(os.path.join(ROOT, "build",
                                                         "bin")):
            self.bin = os.path.join(ROOT, "build", "bin")
            how = "build/bin as carried (not rebuilt%s)" % (
                ": --no-build" if toolchain else
                ": no LLVM/MLIR 22 here")
        if self.bin:
            self.row("build", status="OK", value=how,
                     detail="earlier attempt: " + reason if reason else "")
            self.note("gc tools: %s (%s)" % (self.bin, how))
        else:
            message = ("no LLVM/MLIR 22 toolchain here and no usable gc "
                       "tools" + ("; " + reason if reason else ""))
            self.say("")
            self.say("*** gc cannot be built on this machine: %s." % message)
            self.say("*** On a machine with LLVM/MLIR 22 run bash "
                     "bench/gpu/pack.sh (packs build/ into "
                     "bench/gpu/carry/gc-bundle.tar.xz) and carry "
                     "bench/gpu/carry.")
            self.say("")
            self.row("build", status="FAIL", value="no toolchain",
                     detail=message)
            for key in ("tiny_cpu", "tiny_cuda", "agree", "arena"):
                self.row(key, status="skipped", detail="no gc tools")
            for config, *_ in self.perf:
                self.row("gc-" + config, status="skipped",
                         detail="no gc tools")
        self.write_outputs()

    def compile_background(self, name, cap, flags):
        t = self.limit(cap, 30)
        if not t:
            with open(os.path.join(self.logs, "compile-%s.log" % name),
                      "w") as f:
                f.write("not started: no time left\n")
            return
        extra = shlex.split(os.environ.get("GC_COMPILE_EXTRA", ""))
        self.start_background(
            "compile-" + name, t,
            [os.path.join(self.bin, "gc-compile")] + flags + extra +
            ["-o", os.path.join(self.work, name)])

    def step_ready(self, name, key):
        """Waits for NAME's compile; falls back to the bundle's step."""
        rc = self.wait_background("compile-" + name)
        directory = os.path.join(self.work, name)
        if rc == 0 and os.path.exists(directory):
            self.steps[name] = directory
            return True
        why = "gc-compile: " + self.reason("compile-" + name, rc)
        if self.bundle and os.path.exists(os.path.join(self.bundle, "steps",
                                                       name)):
            self.steps[name] = os.path.join(self.bundle, "steps", name)
            self.row(key, detail="compiled by pack.sh (here: %s)" % why)
            return True
        self.row(key, status="FAIL", detail=why)
        self.fail()
        return False

    def gc_run(self, name, timeout, step, flags):
        """gc-run with --json; (exit status, the JSON object or None)."""
        path = os.path.join(self.work, name + ".json")
        rc = self.run(name, timeout, [os.path.join(self.bin, "gc-run"), step,
                                      "--json", path] + flags)
        try:
            return rc, json.load(open(path))
        except (OSError, ValueError):
            return rc, None

    def kernel_test(self):
        self.note("== 3. CUDA kernel check")
        source = os.environ.get("GC_KERNELS_SRC", os.path.join(
            ROOT, "test", "Unit", "Runtime", "Cuda", "KernelsTest.cu"))
        if not os.path.exists(source):
            self.row("kernels", status="skipped",
                     detail="%s not found" % source)
            return
        if not self.nvcc:
            self.row("kernels", status="skipped", detail="nvcc not found")
            return
        t = self.limit(200, 30)
        if not t:
            self.row("kernels", status="skipped", detail="no time left")
            return
        binary = os.path.join(self.work, "cuda_kernels_test")
        argv = ([self.nvcc, "-std=c++17", "-O2", "-arch=sm_90",
                 "--fmad=false", "-Iruntime/include",
                 "-I/usr/include/x86_64-linux-gnu/openblas-pthread", source]
                + sorted(glob.glob(os.path.join(ROOT, "runtime/src/cuda/"
                                                "*.cu")))
                + sorted(glob.glob(os.path.join(ROOT, "runtime/src/cpu/"
                                                "*.cpp")))
                + ["-lcublas", "-lopenblas", "-lgtest", "-lgtest_main",
                   "-lpthread", "-o", binary])
        rc = self.run("kernels-build", t, argv, cwd=ROOT)
        if rc:
            self.row("kernels", status="FAIL",
                     detail="nvcc: " + self.reason("kernels-build", rc))
            self.fail()
            return
        if not self.have_gpu:
            self.row("kernels", status="skipped",
                     detail="built; not run: no GPU (nvidia-smi)")
            return
        t = self.limit(120, 20)
        rc = self.run("kernels", t, [binary]) if t else 124
        text = open(os.path.join(self.logs, "kernels.log"),
                    errors="replace").read()
        passed = len(re.findall(r"^PASS ", text, re.M))
        failed = len(re.findall(r"^FAIL ", text, re.M))
        if rc == 0 and failed == 0 and passed:
            self.row("kernels", status="PASS",
                     value="%d passed, %d failed" % (passed, failed))
        else:
            first = re.search(r"^FAIL .*$", text, re.M)
            self.row("kernels", status="FAIL",
                     value="%d passed, %d failed" % (passed, failed),
                     detail=first.group(0)[:160] if first else
                     self.reason("kernels", rc))
            self.fail()

    def tiny_checks(self):
        self.note("== 4. tiny BERT: CUDA vs CPU")
        reference = cpu_losses = None
        if self.step_ready("tiny-cpu", "tiny_cpu"):
            t = self.limit(90, 20)
            cpu_out = os.path.join(self.work, "cpu.safetensors")
            rc, run = self.gc_run("tiny-cpu-run", t, self.steps["tiny-cpu"],
                                  ["--steps", "3", "--seed", "7", "--output",
                                   cpu_out]) if t else (124, None)
            if rc == 0 and run and os.path.exists(cpu_out):
                reference = cpu_out
                cpu_losses = [s.get("loss") for s in run["steps"]]
                self.row("tiny_cpu", status="OK",
                         value="losses %s" % " ".join("%.9g" % l
                                                      for l in cpu_losses))
            else:
                self.row("tiny_cpu", status="FAIL",
                         detail="gc-run: " + self.reason("tiny-cpu-run", rc))
                self.fail()
        if not reference and self.bundle and os.path.exists(os.path.join(
                self.bundle, "steps", "cpu.safetensors")):
            reference = os.path.join(self.bundle, "steps", "cpu.safetensors")
            self.row("tiny_cpu", detail="the CPU reference comes from "
                                        "pack.sh")

        cuda_run = None
        if self.step_ready("tiny-cuda", "tiny_cuda"):
            if not self.have_gpu:
                self.row("tiny_cuda", status="skipped",
                         detail="compiled; not run: no GPU")
            else:
                t = self.limit(90, 20)
                cuda_out = os.path.join(self.work, "cuda.safetensors")
                rc, run = self.gc_run(
                    "tiny-cuda-run", t, self.steps["tiny-cuda"],
                    ["--device", "cuda:0", "--steps", "3", "--seed", "7",
                     "--track-arena", "--output", cuda_out]) \
                    if t else (124, None)
                if rc == 0 and run and os.path.exists(cuda_out):
                    cuda_run = run
                    self.row("tiny_cuda", status="OK", value="losses %s" % (
                        " ".join("%.9g" % s["loss"] for s in run["steps"])))
                else:
                    self.row("tiny_cuda", status="FAIL",
                             detail="gc-run: " + self.reason("tiny-cuda-run",
                                                             rc))
                    self.fail()
                if run and run.get("arena_high_water_bytes") is not None:
                    planned = run["arena_bytes"]
                    measured = run["arena_high_water_bytes"]
                    same = planned == measured
                    self.row("arena", status="PASS" if same else "FAIL",
                             value="equal: %d bytes" % planned if same else
                             "planned %d, high-water %d bytes" % (planned,
                                                                  measured),
                             planned_arena_bytes=planned,
                             measured_arena_bytes=measured)
                    if not same:
                        self.fail()
                elif run is None:
                    self.row("arena", status="skipped",
                             detail="the CUDA step failed")
        if self.get("tiny_cuda", "status") == "skipped":
            self.row("arena", status="skipped", detail="no GPU")
        if self.get("arena", "status") == "pending":
            self.row("arena", status="skipped",
                     detail="the CUDA step did not run")

        if cuda_run and reference:
            t = self.limit(120, 10)
            compare_csv = os.path.join(self.work, "compare.csv")
            rc = self.run("compare", t, [
                PYTHON, os.path.join(HERE, "compare_results.py"),
                os.path.join(self.work, "cuda.safetensors"), reference,
                "--tol", "1e-4", "--csv", compare_csv]) if t else 124
            text = open(os.path.join(self.logs, "compare.log"),
                        errors="replace").read()
            result = dict(re.findall(r"(\w+)=(\S+)", (re.findall(
                r"^RESULT (.*)$", text, re.M) or [""])[-1]))
            losses = "CPU losses: %s; CUDA: %s" % (
                " ".join("%.9g" % l for l in cpu_losses or []) or "?",
                " ".join("%.9g" % s["loss"] for s in cuda_run["steps"]))
            if os.path.exists(compare_csv):
                shutil.copy(compare_csv, os.path.join(self.out,
                                                      "compare.csv"))
            if rc == 0:
                self.row("agree", status="PASS",
                         value=result.get("max_norm_rel", "?"),
                         detail="%s tensors, worst %s; max abs %s, max rel "
                                "%s; %s" % (result.get("tensors", "?"),
                                            result.get("worst", "?"),
                                            result.get("max_abs", "?"),
                                            result.get("max_rel", "?"),
                                            losses))
            else:
                verdict = (re.findall(r"^verdict: (.*)$", text, re.M)
                           or [self.reason("compare", rc)])[-1][:200]
                self.row("agree", status="FAIL",
                         value=result.get("max_norm_rel", "?"),
                         detail="%s; %s" % (verdict, losses))
                self.fail()
        elif not self.have_gpu:
            self.row("agree", status="skipped", detail="no GPU")
        else:
            self.row("agree", status="skipped",
                     detail="no CPU result" if not reference else
                     "no CUDA result")
        for key in ("agree", "arena"):
            self.note("%s: %s %s %s" % (key, self.get(key, "status"),
                                        self.get(key, "value"),
                                        self.get(key, "detail")))
        self.write_outputs()

    def gc_perf(self, config, model):
        key = "gc-" + config
        if not self.step_ready(config, key):
            return
        if not self.have_gpu:
            self.row(key, status="skipped", detail="compiled; not run: no GPU")
            return
        t = self.limit(120 if model == "base" else 180, 30)
        if not t:
            self.row(key, status="skipped", detail="no time left")
            return
        self.note("gc %s: gc-run --steps %d (timeout %ss)"
                  % (config, self.args.steps, t))
        rc, run = self.gc_run("run-" + config, t, self.steps[config],
                              ["--device", "cuda:0", "--steps",
                               str(self.args.steps)])
        if rc == 0 and run:
            detail = "arena + state"
            if run.get("device_total_bytes") is not None:
                used = run["device_total_bytes"] - run["device_free_bytes"]
                detail += "; device used %.2f of %.2f GiB" % (
                    used / 2**30, run["device_total_bytes"] / 2**30)
            previous = self.get(key, "detail")
            self.row(key, status="OK", step_ms=run["median_step_s"] * 1e3,
                     tokens_per_s=run.get("tokens_per_s") or "",
                     peak_mem_bytes=run["arena_bytes"] + run["state_bytes"],
                     planned_arena_bytes=run["arena_bytes"],
                     detail="; ".join(filter(None, [previous, detail])))
        else:
            self.row(key, status="FAIL",
                     detail=self.reason("run-" + config, rc) if rc else
                     "gc-run wrote no --json file")
            self.fail()
        self.note("gc %s: %s %s ms, %s tokens/s" % (
            config, self.get(key, "status"), self.get(key, "step_ms"),
            self.get(key, "tokens_per_s")))

    def torch_perf(self, model, mode):
        key = "torch-%s-%s" % (model, mode)
        if self.args.skip_torch:
            return self.row(key, status="skipped", detail="--skip-torch")
        if self.torch_skip:
            return self.row(key, status="skipped", detail=self.torch_skip)
        if not self.have_gpu:
            return self.row(key, status="skipped", detail="no GPU")
        t = self.limit(150, 30)
        if not t:
            return self.row(key, status="skipped", detail="no time left")
        self.note("torch %s %s (timeout %ss)" % (model, mode, t))
        flags = TORCH_FLAGS[model] + (["--checkpointing", "on"]
                                      if mode == "ckpt" else [])
        rc = self.run(key, t, [PYTHON, os.path.join(
            HERE, "torch_bert.py")] + flags + [
                "--steps", str(self.args.torch_steps), "--warmup", "2"],
            env=self.env({"PYTHONUNBUFFERED": "1"}))
        text = open(os.path.join(self.logs, key + ".log"),
                    errors="replace").read()
        result = dict(re.findall(r"(\w+)=(\S+)", (re.findall(
            r"^RESULT (.*)$", text, re.M) or [""])[-1]))
        status = result.get("status", "")
        if status == "skipped":
            self.torch_skip = (re.findall(r"^skipped: (.*)$", text, re.M)
                               or ["skipped"])[0][:160]
            self.row(key, status="skipped", detail=self.torch_skip)
        elif status in ("ok", "OOM"):
            self.row(key, status="OK" if status == "ok" else "OOM",
                     step_ms=result.get("median_ms", ""),
                     tokens_per_s=result.get("tokens_per_s", ""),
                     peak_mem_bytes=result.get("max_mem_bytes", ""),
                     detail="torch.cuda.max_memory_allocated" +
                     (" at the OOM" if status == "OOM" else ""))
        else:
            self.row(key, status="FAIL", detail=self.reason(key, rc))
        self.note("torch %s %s: %s %s ms" % (model, mode,
                                             self.get(key, "status"),
                                             self.get(key, "step_ms")))

    def timing(self):
        self.note("== 5. step time")
        self.torch_skip = ""
        reference = "large-h100-" + REF_BUDGET
        first = [("gc", c, m) for c, m, *_ in self.perf
                 if c == reference or m == "base"]
        later = [("gc", c, m) for c, m, *_ in self.perf
                 if not (c == reference or m == "base")]
        order = first + [("torch", "base", "eager"),
                         ("torch", "base", "ckpt")]
        if not self.args.skip_large:
            order += [("torch", "large", "ckpt"),
                      ("torch", "large-bf16", "amp")] + later + [
                ("torch", "large", "eager")]
        # A gc configuration still compiling goes after the PyTorch runs.
        deferred = []
        for item in order:
            if item[0] == "gc" and self.bin and \
                    self.still_running("compile-" + item[1]):
                self.note("%s: still compiling; timing it after the PyTorch "
                          "runs" % item[1])
                deferred.append(item)
                continue
            self.run_item(item)
        for item in deferred:
            self.run_item(item)

    def run_item(self, item):
        kind, a, b = item
        if kind == "gc":
            if self.bin:
                self.gc_perf(a, b)
        else:
            self.torch_perf(a, b)
        self.write_outputs()

    def main(self):
        self.detect_machine()
        self.plan_rows()
        self.find_tools()
        if not self.bin and self.args.strict:
            self.say("--strict: stopping here (exit 2)")
            return 2
        if self.bin:
            self.note("== 2. gc-compile (background)")
            self.compile_background("tiny-cpu", 240, TINY_FLAGS + [
                "--target", "cpu"] + TINY_REMAT)
            self.compile_background("tiny-cuda", 240, TINY_FLAGS + [
                "--target", "cuda"] + TINY_REMAT)
            for config, model, profile, budget in self.perf:
                self.compile_background(config, 400, MODEL_FLAGS[model] + [
                    "--target", "cuda", "--budget", budget, "--solver", "auto",
                    "--device", profile])
        self.kernel_test()
        self.note("kernels: %s %s %s" % (self.get("kernels", "status"),
                                         self.get("kernels", "value"),
                                         self.get("kernels", "detail")))
        self.write_outputs()
        if self.bin:
            self.tiny_checks()
        self.timing()
        for key in self.rows:
            if self.get(key, "status") == "pending":
                self.row(key, status="skipped", detail="not reached")
        self.write_outputs()
        self.say("")
        for line in open(os.path.join(self.out, "summary.md")):
            self.say(line.rstrip("\n"))
        self.say("")
        self.say("peak memory: gc = arena + parameters/gradients/optimizer "
                 "state; PyTorch = torch.cuda.max_memory_allocated.")
        self.say("files: %s/{summary.md,gpu.csv,logs.txt,run.log,"
                 "compare.csv}   (%ds)" % (self.out, self.elapsed()))
        if not self.bin:
            return 2
        return 1 if self.failed else 0

    def cleanup(self):
        for process, *_ in self.background.values():
            if process.poll() is None:
                process.terminate()


def main():
    parser = argparse.ArgumentParser(
        description="The one-command GPU check of gc (see the module "
                    "docstring).")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--skip-torch", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--budget-s", type=int, default=int(os.environ.get(
        "GC_GPU_BUDGET_S", "540")))
    parser.add_argument("--steps", type=int, default=int(os.environ.get(
        "GC_GPU_STEPS", "6")))
    args = parser.parse_args()
    args.torch_steps = int(os.environ.get("GC_TORCH_STEPS", "5"))
    os.chdir(ROOT)
    driver = Driver(args)
    try:
        return driver.main()
    finally:
        driver.cleanup()


if __name__ == "__main__":
    sys.exit(main())
