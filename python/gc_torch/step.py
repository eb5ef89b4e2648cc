"""compile_training_step and the TrainingStep it returns.

compile_training_step imports the model (importer.py), writes the gc
forward-and-loss module into a work directory, runs gc-compile on it (the
pipeline differentiates, adds the optimizer, rematerializes under the budget,
plans memory and compiles the step for the target) and returns a
TrainingStep. The step is loaded into the gc runtime (libgc_rt.so through
ctypes) on first use, with the model's current parameters copied in: the
model is never modified, and its weights stay the user's copy.
"""

import atexit
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from . import runtime, toolchain
from .errors import CompileError, GcTorchError
from .importer import import_model, normalize_batch
from .optimizers import AdamW

_DTYPES = {"f32": torch.float32, "f64": torch.float64, "i64": torch.int64,
           "i32": torch.int32}
_PRECISIONS = ("fp32", "bf16-mixed", "fp16-mixed")
_STATE_ROLES = (runtime.ROLE_PARAMETER, runtime.ROLE_OPTIMIZER_STATE,
                runtime.ROLE_STEP_COUNTER)


def compile_training_step(model, example_batch, loss_fn=None, optimizer=None,
                          budget=None, solver="auto", device=None,
                          target="cpu", workdir=None, keep_gradients=False,
                          num_threads=0, attention="fused", precision="fp32",
                          data_parallel=False, bucket_size=None,
                          extra_flags=()):
    """Compiles one training step of `model` on batches shaped like
    `example_batch` (a dict of tensors, as a Hugging Face model takes them,
    a tuple, or one tensor).

    loss_fn(output, batch) -> scalar loss; None uses the output's `.loss`.
    optimizer: gc_torch.AdamW (default) or gc_torch.SGD.
    budget: peak memory, e.g. "75GiB" or "0.5x"; None: the device's memory.
    solver: gc-compile's --solver (none, per-layer, sqrt, greedy, optimal,
    auto). device: the device profile (h100, h200, a100, cpu); None: the
    target's. target: "cpu" or "cuda". workdir: where the module and the
    compiled step are written (default: a new temporary directory).
    precision: "fp32", or "bf16-mixed" / "fp16-mixed": matmuls and attention
    in 16 bits as torch.autocast casts them, parameters, gradients and
    optimizer state in fp32 (gc-compile --precision).
    data_parallel: run on every rank of `mpirun -np N python script.py`, as
    torch's DistributedDataParallel: each rank compiles the same step,
    passes its own slice of the global batch (example_batch is the per-rank
    batch), the gradients are averaged over the ranks in buckets of
    `bucket_size` (e.g. "25MiB", the default) and every rank starts from
    rank 0's parameters (gc-compile --data-parallel; docs/data-parallel.md).
    """
    if target not in ("cpu", "cuda"):
        raise ValueError(f"target must be 'cpu' or 'cuda', not {target!r}")
    if precision not in _PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(_PRECISIONS)}"
                         f", not {precision!r}")
    optimizer = optimizer or AdamW()
    started = time.perf_counter()
    imported = import_model(model, example_batch, loss_fn, attention)
    import_seconds = time.perf_counter() - started

    workdir = Path(workdir) if workdir else \
        Path(tempfile.mkdtemp(prefix="gc_torch-"))
    workdir.mkdir(parents=True, exist_ok=True)
    forward = workdir / "forward.mlir"
    forward.write_text(imported.mlir)
    output = workdir / "step"
    command = [str(toolchain.gc_compile()), str(forward),
               f"--target={target}", "-o", str(output), f"--solver={solver}",
               f"--precision={precision}", *optimizer.flags()]
    if budget is not None:
        command.append(f"--budget={budget}")
    if device is not None:
        command.append(f"--device={device}")
    if keep_gradients:
        command.append("--keep-gradients")
    if data_parallel:
        command.append("--data-parallel")
        if bucket_size is not None:
            command.append(f"--bucket-size={bucket_size}")
    elif bucket_size is not None:
        raise ValueError("bucket_size applies to data_parallel=True")
    command.extend(extra_flags)
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    compile_seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise CompileError(
            f"gc-compile failed (exit {completed.returncode}) on {forward}:\n"
            + completed.stderr.strip())
    return TrainingStep(imported, output, target, num_threads,
                        import_seconds, compile_seconds, completed.stdout)


_GROUP = None


def process_group():
    """The data-parallel group of this process (mpirun's ranks; a group of
    one without a launcher): joined on first use, left at exit."""
    global _GROUP
    if _GROUP is None:
        _GROUP = runtime.Group(toolchain.runtime_library())
        atexit.register(_GROUP.close)
        if _GROUP.world_size > 1:
            # An exception that ends one rank ends the group (after its
            # traceback), so that no other rank waits for it until the
            # collective timeout.
            previous = sys.excepthook

            def abort_group(kind, value, traceback):
                previous(kind, value, traceback)
                sys.stderr.flush()
                _GROUP.abort(1)

            sys.excepthook = abort_group
    return _GROUP


class TrainingStep:
    """One compiled training step with its parameters and optimizer state."""

    def __init__(self, imported, directory, target, num_threads,
                 import_seconds, compile_seconds, compile_output):
        self.imported = imported
        self.directory = Path(directory)
        self.target = target
        self.num_threads = num_threads
        self.import_seconds = import_seconds
        self.compile_seconds = compile_seconds
        self.compile_output = compile_output
        self._step = None

    # The compiled artifact ---------------------------------------------------

    @property
    def report(self):
        """The rematerialization and memory-plan report (report.json)."""
        with open(self.directory / "report.json") as file:
            return json.load(file)

    @property
    def library(self):
        return self.directory / "libstep.so"

    def _runtime(self):
        if self._step is None:
            device = "cpu" if self.target == "cpu" else \
                os.environ.get("GC_TORCH_CUDA_DEVICE", "cuda:0")
            step = runtime.Step(toolchain.runtime_library(), self.library,
                                device, self.num_threads)
            if step.num_collectives:
                step.set_group(process_group())
            step.initialize(0)
            self._step = step
            self._arguments = {a.name: a for a in step.arguments}
            for name, parameter in self.imported.parameters.items():
                self._write(name, parameter.detach())
            # Every rank starts from rank 0's parameters.
            step.broadcast_state()
        return self._step

    def _write(self, name, tensor):
        info = self._arguments.get(name)
        if info is None:
            raise KeyError(f"the compiled step has no argument '{name}'")
        expected = _DTYPES[info.dtype]
        if tuple(tensor.shape) != info.shape:
            raise ValueError(f"'{name}' has shape {tuple(tensor.shape)}, the "
                             f"compiled step takes {info.shape}")
        if tensor.dtype != expected:
            integers = tensor.dtype in (torch.int32, torch.int64) and \
                expected in (torch.int32, torch.int64)
            if not integers:
                raise TypeError(f"'{name}' is {tensor.dtype}, the compiled "
                                f"step takes {expected}")
            if expected == torch.int32 and tensor.numel() and (
                    int(tensor.min()) < -2**31 or int(tensor.max()) >= 2**31):
                raise ValueError(f"'{name}' holds values outside int32, the "
                                 "type the compiled step takes")
        data = tensor.to(device="cpu", dtype=expected).contiguous()
        self._step.set_argument(name, data.data_ptr(), info.nbytes)

    def _read(self, info):
        data = torch.empty(info.shape, dtype=_DTYPES[info.dtype])
        self._runtime().read_tensor(info.name, data.data_ptr(), info.nbytes)
        return data

    # Training ----------------------------------------------------------------

    def __call__(self, batch):
        """Runs one training step on `batch`; returns the loss."""
        step = self._runtime()
        batch = normalize_batch(batch)
        expected = self.imported.batch
        if set(batch) != set(expected):
            raise KeyError(f"the batch has keys {sorted(batch)}, the step was "
                           f"compiled for {sorted(expected)}")
        for key, value in batch.items():
            if key in self._arguments:
                self._write(key, value)
            elif tuple(value.shape) != expected[key][0]:
                raise ValueError(f"'{key}' has shape {tuple(value.shape)}, "
                                 f"the step was compiled for "
                                 f"{expected[key][0]}")
        loss, self.last_step_seconds = step.run()
        return loss

    def set_seed(self, seed):
        """Sets the dropout seed of the next step (the runtime advances it
        by one per step; gc_rt_step_initialize starts it at 0)."""
        self._runtime()
        if "seed" in self._arguments:
            self._write("seed", torch.tensor(seed, dtype=torch.int64))

    def gradients(self):
        """The gradients of the last step by parameter name, as computed
        before the optimizer's update (compile with keep_gradients=True)."""
        step = self._runtime()
        gradients = {}
        for info in step.results:
            if info.name.startswith("grad.") and \
                    info.name[len("grad."):] in self.imported.parameters:
                gradients[info.name[len("grad."):]] = self._read(info)
        if not gradients:
            raise GcTorchError("the step keeps no gradients: compile it with "
                               "keep_gradients=True")
        return gradients

    def state_dict(self):
        """Parameters by their state_dict keys (tied ones under every key),
        the optimizer's moments by their gc names and the optimizer step as
        completed steps (torch.optim's state['step'])."""
        step = self._runtime()
        state = {}
        for info in step.arguments:
            if info.role not in _STATE_ROLES:
                continue
            value = self._read(info)
            if info.role == runtime.ROLE_STEP_COUNTER:
                value = value - 1
            state[info.name] = value
        for name, tensor in self.imported.unused_parameters.items():
            state[name] = tensor.detach().clone()
        for alias, name in self.imported.aliases.items():
            state[alias] = state[name]
        for key, tensor in self.imported.buffers.items():
            state[key] = tensor.clone()
        return state

    def model_state_dict(self):
        """The model's own keys only (parameters and buffers, without the
        optimizer state): what `model.load_state_dict` takes."""
        return {key: value for key, value in self.state_dict().items()
                if key in self.imported.buffers or
                key in self.imported.parameters or
                key in self.imported.unused_parameters or
                key in self.imported.aliases}

    def load_state_dict(self, state, strict=True):
        """Replaces parameters and optimizer state; with `strict`, every
        parameter must be given and no unknown key (without it, keys the
        step does not hold, such as buffers, are skipped)."""
        self._runtime()
        targets = {}
        for key, value in state.items():
            name = self.imported.aliases.get(key, key)
            if name in self.imported.unused_parameters:
                current = self.imported.unused_parameters[name]
                if tuple(torch.as_tensor(value).shape) != tuple(current.shape):
                    raise ValueError(f"'{key}' has shape "
                                     f"{tuple(torch.as_tensor(value).shape)},"
                                     f" the parameter {tuple(current.shape)}")
                self.imported.unused_parameters[name] = \
                    torch.as_tensor(value).detach().clone()
                continue
            if key in self.imported.buffers:
                # Buffers are constants of the compiled step.
                if not torch.equal(torch.as_tensor(value),
                                   self.imported.buffers[key]):
                    raise ValueError(
                        f"buffer '{key}' differs from the value compiled "
                        "into the step; recompile to change it")
                continue
            info = self._arguments.get(name)
            if info is None or info.role not in _STATE_ROLES:
                if not strict:
                    continue  # a buffer or a key of another model
                raise KeyError(f"'{key}' is not a parameter or optimizer "
                               "state of the compiled step")
            targets[name] = (info, value)
        if strict:
            given = set(targets) | {self.imported.aliases.get(k, k)
                                    for k in state}
            missing = [n for n in list(self.imported.parameters) +
                       list(self.imported.unused_parameters)
                       if n not in given]
            if missing:
                raise KeyError("missing parameters: " + ", ".join(missing))
        for name, (info, value) in targets.items():
            if info.role == runtime.ROLE_STEP_COUNTER:
                value = torch.as_tensor(value) + 1
            self._write(name, torch.as_tensor(value))

    def save(self, path):
        """Saves parameters and optimizer state as safetensors, atomically."""
        self._runtime().save_state(Path(path))

    def load(self, path):
        """Loads a file written by save() (or gc-run --save-state)."""
        self._runtime().load_tensors(Path(path))

    def memory_stats(self):
        return self._runtime().memory_stats()

    def close(self):
        if self._step is not None:
            self._step.close()
            self._step = None


__all__ = ["compile_training_step", "TrainingStep", "GcTorchError",
           "process_group"]
