"""Where gc_torch finds gc-compile and libgc_rt.so.

In order: the GC_BUILD_DIR environment variable (a gc build directory with
bin/gc-compile and lib/libgc_rt.so); the build/ directory of the source tree
this package sits in (python/gc_torch inside a gc checkout); gc-compile on
PATH with libgc_rt.so in ../lib next to it.
"""

import os
import shutil
from pathlib import Path

from .errors import GcTorchError


def build_dir():
    candidates = []
    if os.environ.get("GC_BUILD_DIR"):
        candidates.append(Path(os.environ["GC_BUILD_DIR"]))
    candidates.append(Path(__file__).resolve().parents[2] / "build")
    on_path = shutil.which("gc-compile")
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)
    for candidate in candidates:
        if (candidate / "bin" / "gc-compile").exists() and \
                (candidate / "lib" / "libgc_rt.so").exists():
            return candidate
    raise GcTorchError(
        "cannot find a gc build (bin/gc-compile and lib/libgc_rt.so): set "
        "GC_BUILD_DIR to it, e.g. `bash scripts/build.sh build all` and "
        "GC_BUILD_DIR=$PWD/build; looked in " +
        ", ".join(str(c) for c in candidates))


def gc_compile():
    return build_dir() / "bin" / "gc-compile"


def runtime_library():
    return build_dir() / "lib" / "libgc_rt.so"
