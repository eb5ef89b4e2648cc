#!/usr/bin/env python3
"""Compare the tensors of two safetensors files.

Usage:
    compare-safetensors.py ACTUAL EXPECTED [--loss-rtol R] [--rtol R]
                           [--zero GLOB ...]

Every tensor of EXPECTED must be present in ACTUAL with the same shape; tensors
that only ACTUAL holds are ignored. For each tensor the relative error

    ||actual - expected|| / max(||expected||, TINY)

(Euclidean norms over all elements) is printed on one line and compared with
--loss-rtol for the tensor named `loss` and with --rtol for every other one.

A relative error means nothing for a tensor that is exactly zero in exact
arithmetic, such as the gradient of an attention key bias (softmax ignores a
constant added to a row's scores): both files then hold rounding noise. Such
tensors are named with --zero GLOB; for them the norm in each file divided by
the largest norm of the other non-loss expected tensors must be at most
--rtol.

A final `summary:` line gives the number of tensors, the number of failures,
the loss error and the worst other error, and ends in PASSED or FAILED. The
exit status is 0 when every tensor is present, has the expected shape and is
within tolerance, 1 otherwise, and 2 when a file cannot be read.

Only the standard library is used (struct, json, math, fnmatch), so the test
suite needs no Python package. Element types: F64, F32, F16, BF16, I64, I32.
"""

import argparse
import fnmatch
import json
import math
import struct
import sys

# Denominator floor of the relative error, so that an all-zero expected
# tensor gives an absolute error instead of a division by zero.
TINY = 1e-30

# safetensors dtype -> (struct format character, bytes per element).
# BF16 is read as raw 16-bit words and widened to F32 by hand.
DTYPES = {
    "F64": ("d", 8),
    "F32": ("f", 4),
    "F16": ("e", 2),
    "BF16": ("H", 2),
    "I64": ("q", 8),
    "I32": ("i", 4),
}


class SafetensorsError(Exception):
    """A file that is not a readable safetensors file."""


def read_safetensors(path):
    """Read a safetensors file into {name: (dtype, shape, list of floats)}.

    Raises SafetensorsError when the file is truncated, its header is not
    valid JSON, or a tensor has an unsupported dtype or inconsistent size.
    """
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError as e:
        raise SafetensorsError(f"{path}: cannot read: {e.strerror}") from e
    if len(blob) < 8:
        raise SafetensorsError(f"{path}: too short for a safetensors header")
    (header_len,) = struct.unpack_from("<Q", blob, 0)
    if 8 + header_len > len(blob):
        raise SafetensorsError(
            f"{path}: header length {header_len} exceeds the file size")
    try:
        header = json.loads(blob[8:8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{path}: invalid header: {e}") from e
    data = memoryview(blob)[8 + header_len:]

    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = info.get("dtype")
        shape = list(info.get("shape", []))
        begin, end = info.get("data_offsets", (0, 0))
        if dtype not in DTYPES:
            raise SafetensorsError(
                f"{path}: tensor '{name}' has unsupported dtype {dtype}")
        fmt, size = DTYPES[dtype]
        count = math.prod(shape)
        if end - begin != count * size or end > len(data) or begin < 0:
            raise SafetensorsError(
                f"{path}: tensor '{name}' ({dtype} {shape}) has data offsets "
                f"[{begin}, {end}) inconsistent with its shape or the file")
        values = struct.unpack_from(f"<{count}{fmt}", data, begin)
        if dtype == "BF16":
            values = struct.unpack(f"<{count}f", struct.pack(
                f"<{count}I", *(v << 16 for v in values)))
        tensors[name] = (dtype, shape, [float(v) for v in values])
    return tensors


def exceeds(value, worst):
    """Return whether `value` is worse than `worst`, NaN being the worst."""
    if worst is None:
        return True
    if math.isnan(worst):
        return False
    return math.isnan(value) or value > worst


def relative_error(actual, expected):
    """Return (||a - b|| / max(||b||, TINY), max |a - b|) of two sequences.

    Non-finite values propagate as NaN or infinity, which no tolerance
    accepts.
    """
    diff_sq = 0.0
    ref_sq = 0.0
    max_abs = 0.0
    for a, b in zip(actual, expected):
        d = a - b
        diff_sq += d * d
        ref_sq += b * b
        if exceeds(abs(d), max_abs):
            max_abs = abs(d)
    return math.sqrt(diff_sq) / max(math.sqrt(ref_sq), TINY), max_abs


def norm(values):
    """Return the Euclidean norm of a sequence of floats."""
    return math.sqrt(sum(v * v for v in values))


def compare(actual, expected, loss_rtol, rtol, zero_patterns=()):
    """Compare every tensor of `expected` with `actual`; print and return ok.

    Tensors whose name matches one of `zero_patterns` (fnmatch globs) are
    exactly zero in exact arithmetic; what either file holds for them is
    rounding noise, so instead of the relative error each file's norm of
    them, divided by the largest norm of the other non-loss expected
    tensors, must be at most `rtol`.

    Prints one line per expected tensor (sorted by name) and a final summary
    line on stdout, and repeats each failure on stderr.
    """
    problems = []
    loss_error = None
    worst_error = None
    worst_name = None
    worst_zero = None

    def is_zero(name):
        return any(fnmatch.fnmatchcase(name, p) for p in zero_patterns)

    for pattern in zero_patterns:
        if not any(fnmatch.fnmatchcase(n, pattern) for n in expected):
            problems.append(f"--zero pattern '{pattern}' matches no tensor")
            print(problems[-1])
    scale = max([norm(values) for name, (_, _, values) in expected.items()
                 if name != "loss" and not is_zero(name)], default=0.0)
    scale = max(scale, TINY)

    for name in sorted(expected):
        exp_dtype, exp_shape, exp_values = expected[name]
        tol = loss_rtol if name == "loss" else rtol
        if name not in actual:
            problems.append(f"{name}: missing from the actual file")
            print(problems[-1])
            continue
        act_dtype, act_shape, act_values = actual[name]
        if act_shape != exp_shape:
            problems.append(f"{name}: shape {act_shape}, expected "
                            f"{exp_shape}")
            print(problems[-1])
            continue
        error, max_abs = relative_error(act_values, exp_values)
        note = "" if act_dtype == exp_dtype else \
            f" (dtype {act_dtype}, expected {exp_dtype})"
        if name != "loss" and is_zero(name):
            act_norm, exp_norm = norm(act_values), norm(exp_values)
            zero_error = max(act_norm, exp_norm) / scale
            ok = zero_error <= tol
            print(f"{name} {exp_shape}: zero by construction: norm "
                  f"{act_norm:.3e} (expected {exp_norm:.3e}), "
                  f"{zero_error:.3e} of the largest expected norm "
                  f"{scale:.3e}; relative error {error:.3e} not used{note}"
                  + ("" if ok else f"  EXCEEDS rtol {tol:.1e}"))
            if not ok:
                problems.append(f"{name}: norm {max(act_norm, exp_norm):.3e} "
                                f"of a tensor that must be zero exceeds "
                                f"rtol {tol:.1e} times {scale:.3e}")
            if exceeds(zero_error, worst_zero):
                worst_zero = zero_error
            continue
        ok = error <= tol
        print(f"{name} {exp_shape}: relative error {error:.3e}, max abs error "
              f"{max_abs:.3e}{note}"
              + ("" if ok else f"  EXCEEDS rtol {tol:.1e}"))
        if not ok:
            problems.append(f"{name}: relative error {error:.3e} exceeds "
                            f"rtol {tol:.1e} (max abs error {max_abs:.3e})")
        if name == "loss":
            loss_error = error
        elif exceeds(error, worst_error):
            worst_error, worst_name = error, name

    passed = not problems
    parts = [f"summary: {len(expected)} tensors compared, "
             f"{len(problems)} failed"]
    if loss_error is not None:
        parts.append(f"loss relative error {loss_error:.3e} "
                     f"(rtol {loss_rtol:.1e})")
    if worst_error is not None:
        parts.append(f"worst other relative error {worst_error:.3e} "
                     f"(rtol {rtol:.1e}) in {worst_name}")
    if worst_zero is not None:
        parts.append(f"zero tensors at most {worst_zero:.3e} of the "
                     f"largest norm")
    print("; ".join(parts) + (": PASSED" if passed else ": FAILED"))
    for problem in problems:
        print(f"compare-safetensors: error: {problem}", file=sys.stderr)
    return passed


def main(argv=None):
    """Parse the command line, compare the two files, return the exit code."""
    parser = argparse.ArgumentParser(
        description="Compare every tensor of EXPECTED with the tensor of the "
                    "same name in ACTUAL by relative error.")
    parser.add_argument("actual", help="safetensors file under test")
    parser.add_argument("expected", help="reference safetensors file")
    parser.add_argument("--loss-rtol", type=float, default=1e-5,
                        help="relative tolerance of the tensor named 'loss' "
                             "(default 1e-5)")
    parser.add_argument("--rtol", type=float, default=1e-4,
                        help="relative tolerance of every other tensor "
                             "(default 1e-4)")
    parser.add_argument("--zero", metavar="GLOB", action="append",
                        default=[],
                        help="tensors whose exact value is zero (repeatable; "
                             "fnmatch pattern of names): their norm in each "
                             "file, over the largest norm of the other "
                             "non-loss expected tensors, must be at most "
                             "--rtol")
    args = parser.parse_args(argv)
    try:
        actual = read_safetensors(args.actual)
        expected = read_safetensors(args.expected)
    except SafetensorsError as e:
        print(f"compare-safetensors: error: {e}", file=sys.stderr)
        return 2
    if not expected:
        print(f"compare-safetensors: error: {args.expected} holds no tensor",
              file=sys.stderr)
        return 2
    ok = compare(actual, expected, args.loss_rtol, args.rtol, args.zero)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
