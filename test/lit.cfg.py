# -*- Python -*-
# lit configuration of gc's regression tests (FileCheck on gc-opt output).

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "gc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.gc_obj_root, "test")
# Unit tests are collected by test/Unit/lit.cfg.py (GoogleTest format).
# Inputs/ folders hold files other tests read; seeds/ the fuzz corpora.
config.excludes = ["Unit", "Inputs", "seeds", "CMakeLists.txt", "README.md",
                   "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%gc_src_root", config.gc_src_root))
config.substitutions.append(("%gc_obj_root", config.gc_obj_root))
config.substitutions.append(("%nvcc", config.gc_nvcc or "nvcc"))
config.substitutions.append(("%cblas_include", config.gc_cblas_include_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP",
                                    "ASAN_OPTIONS", "UBSAN_OPTIONS",
                                    "LSAN_OPTIONS"])
llvm_config.use_default_substitutions()

# FileCheck, not, count and split-file come from LLVM 22, never from an older
# LLVM that may be first on PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.gc_tools_dir, append_path=True)

tool_dirs = [config.gc_tools_dir, config.llvm_tools_dir]
tools = [ToolSubst("gc-opt", unresolved="fatal"),
         ToolSubst("gc-compile", unresolved="fatal"),
         ToolSubst("gc-run", unresolved="fatal"),
         ToolSubst("gc-plan", unresolved="fatal"),
         ToolSubst("gc-translate", unresolved="fatal")]
if config.gc_have_libfuzzer:
    tools += [ToolSubst(name, unresolved="fatal") for name in
              ["gc-mlir-fuzzer", "gc-plan-csv-fuzzer", "gc-run-inputs-fuzzer",
               "gc-safetensors-fuzzer"]]
llvm_config.add_tool_substitutions(tools, tool_dirs)

if config.gc_nvcc:
    config.available_features.add("nvcc")
# The fuzz targets (tools/fuzz) exist where the compiler links libFuzzer.
if config.gc_have_libfuzzer:
    config.available_features.add("libfuzzer")

# Execution tests of compiled CUDA steps need a GPU and its driver; where
# there is none they are reported as unsupported, not passed.
import shutil
import subprocess

def _has_cuda_device():
    if not config.gc_nvcc or not shutil.which("nvidia-smi"):
        return False
    try:
        listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True,
                                 timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return listing.returncode == 0 and b"GPU" in listing.stdout

if _has_cuda_device():
    config.available_features.add("cuda-device")

# Data-parallel steps run under Open MPI's mpirun: oversubscribed (more
# ranks than cores is fine for tests), as root where the tests run as root
# (containers), shared memory between the ranks without the cross-memory
# attach that containers forbid. Under the sanitizers the ranks get the
# sanitizer options (mpirun forwards only what -x names), with leak
# detection off: Open MPI unloads its components at exit, so their
# allocations read as leaks from unknown modules that no suppression can
# name. Memory errors and undefined behaviour are still fatal.
_mpirun = shutil.which("mpirun")
if _mpirun and config.gc_rt_have_mpi:
    config.available_features.add("mpi")
    _mpirun_flags = (" --oversubscribe --allow-run-as-root --bind-to none "
                     "--mca btl self,vader "
                     "--mca btl_vader_single_copy_mechanism none "
                     "--mca plm_rsh_agent false")
    if config.gc_sanitize:
        _asan = [option for option in
                 config.environment.get("ASAN_OPTIONS", "").split(":")
                 if option and not option.startswith("detect_leaks=")]
        _mpirun_flags += " -x ASAN_OPTIONS=" + ":".join(
            _asan + ["detect_leaks=0"])
        if config.environment.get("UBSAN_OPTIONS"):
            _mpirun_flags += " -x UBSAN_OPTIONS"
    config.substitutions.append(("%mpirun", _mpirun + _mpirun_flags))
    # A data-parallel step run without mpirun still initialises MPI.
    config.substitutions.append(
        ("%mpi-env", "env ASAN_OPTIONS=" + ":".join(_asan + ["detect_leaks=0"])
         if config.gc_sanitize else "env"))

# CUDA execution: on the GPU where there is one, otherwise through the CUDA
# host emulator (runtime/emulation), which runs the same CUDA source on the
# host. Tests spell the CUDA compile and run as %gc-compile-cuda and
# %gc-run-cuda and require the feature cuda-execution.
if "cuda-device" in config.available_features:
    config.available_features.add("cuda-execution")
    config.substitutions.append(("%gc_cuda_compile_flags", ""))
    config.substitutions.append(
        ("%gc-compile-cuda",
         os.path.join(config.gc_tools_dir, "gc-compile") + " --target cuda"))
    config.substitutions.append(
        ("%gc-run-cuda", os.path.join(config.gc_tools_dir, "gc-run")))
elif config.gc_cuda_emulation_dir:
    config.available_features.add("cuda-execution")
    config.substitutions.append(("%gc_cuda_compile_flags", "--cuda-emulation"))
    config.available_features.add("cuda-emulation")
    config.substitutions.append(
        ("%gc-compile-cuda",
         os.path.join(config.gc_tools_dir, "gc-compile") +
         " --target cuda --cuda-emulation"))
    config.substitutions.append(
        ("%gc-run-cuda",
         "env LD_LIBRARY_PATH=%s %s" % (
             config.gc_cuda_emulation_dir,
             os.path.join(config.gc_tools_dir, "gc-run"))))

# gc_torch's tests (test/Python) run with the interpreter of the environment
# scripts/install-torch.sh creates (GC_TORCH_PYTHON, else its default
# location); without it they are reported as unsupported, and so they are in
# a sanitized build, whose libgc_rt.so needs the sanitizer runtimes that
# only gc's own executables carry (not the Python interpreter).
_torch_python = os.environ.get("GC_TORCH_PYTHON") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or
    os.path.join(os.path.expanduser("~"), ".cache"),
    "gc", "torch-venv", "bin", "python")
if os.path.exists(_torch_python) and not config.gc_sanitize:
    config.available_features.add("torch")
    config.substitutions.append(
        ("%torch_python",
         "env PYTHONPATH=%s GC_BUILD_DIR=%s %s" % (
             os.path.join(config.gc_src_root, "python"), config.gc_obj_root,
             _torch_python)))
