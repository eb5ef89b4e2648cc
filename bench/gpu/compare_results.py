#!/usr/bin/env python3
"""Compare two safetensors files tensor by tensor (pure Python 3, stdlib only).

Usage: compare_results.py CANDIDATE REFERENCE [--tol 1e-4] [--atol 1e-7]
                          [--tol-half 1e-2] [--include REGEX]
                          [--csv per-tensor.csv] [--quiet]

Written for bench/gpu/run.sh: CANDIDATE is gc-run's CUDA result, REFERENCE
the CPU result of the same compiled step, seed and number of steps. numpy is
not needed (the GPU machine may lack it): the reader handles the format
directly, an 8-byte little-endian header length, a JSON header
{name: {dtype, shape, data_offsets}}, then the raw little-endian data.

Per tensor it prints
  max_abs   max |a - b|
  max_rel   max |a - b| / max(|b|, 1e-6)          (element-wise)
  norm_rel  ||a - b||_2 / ||b||_2                 (norm-wise; 0 when both
            are all zeros, inf when only the reference is)
and a verdict. A floating-point tensor passes when norm_rel <= tol (1e-4 for
F32/F64, --tol-half for F16/BF16) or its difference is below the absolute
tolerance, ||a - b||_2 <= atol * sqrt(n) (atol 1e-7, the f32 resolution of
values of order one: a tensor that is mathematically zero, such as the
gradient of attention's key bias, holds only rounding noise, whose relative
error means nothing), and neither side holds a NaN or an Inf
that the other does not hold at the same position (NaN never passes); an
integer or boolean tensor must be equal element for element. The files
fail when their tensor names, dtypes or shapes differ. --include REGEX
compares only the tensors whose names it matches (re.search), so that one
kind of tensor (the gradients, say) can be held to its own tolerances.

The last line is machine-readable:
  RESULT verdict=PASS|FAIL tensors=N failed=K max_norm_rel=E worst=NAME
         max_abs=A max_rel=R tol=T
Exit status: 0 PASS, 1 FAIL (a tensor over tolerance or a mismatch of
names/dtypes/shapes), 2 a file could not be read.
"""

import argparse
import json
import math
import re
import signal
import struct
import sys

# dtype -> (struct format letter or 'bf16', element size in bytes, kind)
_DTYPES = {
    "F64": ("d", 8, "float"),
    "F32": ("f", 4, "float"),
    "F16": ("e", 2, "half"),
    "BF16": ("bf16", 2, "half"),
    "I64": ("q", 8, "int"),
    "I32": ("i", 4, "int"),
    "I16": ("h", 2, "int"),
    "I8": ("b", 1, "int"),
    "U8": ("B", 1, "int"),
    "BOOL": ("B", 1, "int"),
    "U16": ("H", 2, "int"),
    "U32": ("I", 4, "int"),
    "U64": ("Q", 8, "int"),
}


class FormatError(Exception):
    pass


def _decode(raw, dtype):
    """Decodes little-endian raw bytes into a tuple of Python numbers."""
    code, size, _ = _DTYPES[dtype]
    if len(raw) % size:
        raise FormatError("%d bytes is not a multiple of %s's %d" %
                          (len(raw), dtype, size))
    count = len(raw) // size
    if code == "bf16":
        halves = struct.unpack("<%dH" % count, raw)
        words = struct.pack("<%dI" % count, *[h << 16 for h in halves])
        return struct.unpack("<%df" % count, words)
    # struct's "<" formats have the standard sizes and byte order everywhere.
    return struct.unpack("<%d%s" % (count, code), raw)


def read_safetensors(path):
    """Returns {name: (dtype, shape, values)} and the metadata dict."""
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise FormatError("%s: shorter than the 8-byte header length" % path)
        (header_len,) = struct.unpack("<Q", head)
        if header_len > 100 * 1024 * 1024:
            raise FormatError("%s: implausible header length %d" %
                              (path, header_len))
        header_bytes = f.read(header_len)
        if len(header_bytes) != header_len:
            raise FormatError("%s: truncated header" % path)
        try:
            header = json.loads(header_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise FormatError("%s: header is not JSON: %s" % (path, e))
        data = f.read()
    if not isinstance(header, dict):
        raise FormatError("%s: header is not a JSON object" % path)
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        try:
            dtype = info["dtype"]
            shape = [int(d) for d in info["shape"]]
            begin, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError) as e:
            raise FormatError("%s: bad entry for %r: %s" % (path, name, e))
        if dtype not in _DTYPES:
            raise FormatError("%s: %r has unsupported dtype %s" %
                              (path, name, dtype))
        if not 0 <= begin <= end <= len(data):
            raise FormatError("%s: %r's data_offsets [%d, %d) outside the %d "
                              "data bytes" % (path, name, begin, end, len(data)))
        count = 1
        for d in shape:
            count *= d
        if (end - begin) != count * _DTYPES[dtype][1]:
            raise FormatError("%s: %r holds %d bytes, shape %s of %s needs %d" %
                              (path, name, end - begin, shape, dtype,
                               count * _DTYPES[dtype][1]))
        tensors[name] = (dtype, shape, _decode(data[begin:end], dtype))
    return tensors, metadata


def _nonfinite(x):
    return x != x or x in (math.inf, -math.inf)


def compare_tensor(a, b, kind):
    """Returns a dict of error measures between candidate a and reference b."""
    n = len(b)
    if kind == "int":
        mismatches = sum(1 for x, y in zip(a, b) if x != y)
        max_abs = max((abs(x - y) for x, y in zip(a, b)), default=0)
        return {"max_abs": float(max_abs), "max_rel": 0.0 if not mismatches
                else math.inf, "norm_rel": 0.0 if not mismatches else math.inf,
                "nonfinite": 0, "mismatches": mismatches, "count": n}
    max_abs = 0.0
    max_rel = 0.0
    diff2 = 0.0
    ref2 = 0.0
    nonfinite = 0
    # Scale the sums of squares by the largest magnitude seen so far, so
    # large values cannot overflow them.
    for x, y in zip(a, b):
        if _nonfinite(x) or _nonfinite(y):
            # The same Inf at the same place agrees; a NaN never does.
            if x == y:
                continue
            nonfinite += 1
            continue
        d = abs(x - y)
        if d > max_abs:
            max_abs = d
        r = d / max(abs(y), 1e-6)
        if r > max_rel:
            max_rel = r
        diff2 += d * d
        ref2 += y * y
    if math.isinf(diff2) or math.isinf(ref2):
        # Overflowed: recompute in a scaled form.
        scale = max(max((abs(y) for y in b if not _nonfinite(y)), default=1.0),
                    max_abs, 1e-300)
        diff2 = sum(((x - y) / scale) ** 2 for x, y in zip(a, b)
                    if not (_nonfinite(x) or _nonfinite(y)))
        ref2 = sum((y / scale) ** 2 for y in b if not _nonfinite(y))
    dn = math.sqrt(diff2)
    rn = math.sqrt(ref2)
    if dn == 0.0:
        norm_rel = 0.0
    elif rn == 0.0:
        norm_rel = math.inf
    else:
        norm_rel = dn / rn
    if nonfinite:
        norm_rel = math.nan
    return {"max_abs": max_abs, "max_rel": max_rel, "norm_rel": norm_rel,
            "nonfinite": nonfinite, "mismatches": 0, "count": n,
            "ref_norm": rn, "diff_norm": dn}


def _order(x):
    """Sort key of an error: NaN is the worst of all."""
    return math.inf if math.isnan(x) else x


def _fmt(x):
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return str(x)
    return "%.3e" % x


def main(argv=None):
    if hasattr(signal, "SIGPIPE"):  # quiet under `| head`
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    p = argparse.ArgumentParser(
        description="Compare two safetensors files (candidate vs reference).")
    p.add_argument("candidate", help="e.g. gc-run's CUDA result")
    p.add_argument("reference", help="e.g. gc-run's CPU result")
    p.add_argument("--tol", type=float, default=1e-4,
                   help="norm-wise relative tolerance for F32/F64 (1e-4)")
    p.add_argument("--atol", type=float, default=1e-7,
                   help="absolute tolerance per element (1e-7): a tensor "
                        "whose ||a - b||_2 <= atol * sqrt(n) passes")
    p.add_argument("--tol-half", type=float, default=1e-2,
                   help="norm-wise relative tolerance for F16/BF16 (1e-2)")
    p.add_argument("--include", metavar="REGEX",
                   help="compare only the tensors whose names match REGEX")
    p.add_argument("--csv", help="write one row per tensor to this CSV file")
    p.add_argument("--quiet", action="store_true",
                   help="print only failing tensors and the verdict")
    args = p.parse_args(argv)

    try:
        cand, _ = read_safetensors(args.candidate)
        ref, _ = read_safetensors(args.reference)
    except (OSError, FormatError) as e:
        print("error: %s" % e)
        print("RESULT verdict=FAIL tensors=0 failed=0 max_norm_rel=nan "
              "worst=- max_abs=nan max_rel=nan tol=%g reason=unreadable" %
              args.tol)
        return 2

    if args.include:
        try:
            pattern = re.compile(args.include)
        except re.error as e:
            print("error: --include %r is not a regular expression: %s" %
                  (args.include, e))
            return 2
        cand = {k: v for k, v in cand.items() if pattern.search(k)}
        ref = {k: v for k, v in ref.items() if pattern.search(k)}
        if not ref:
            print("error: no tensor of %s matches --include %r" %
                  (args.reference, args.include))
            print("RESULT verdict=FAIL tensors=0 failed=0 max_norm_rel=nan "
                  "worst=- max_abs=nan max_rel=nan tol=%g reason=no-match" %
                  args.tol)
            return 1

    problems = []
    only_cand = sorted(set(cand) - set(ref))
    only_ref = sorted(set(ref) - set(cand))
    for name in only_cand:
        problems.append("only in candidate: %s" % name)
    for name in only_ref:
        problems.append("only in reference: %s" % name)

    rows = []
    failed = 0
    worst_name, worst = "-", 0.0
    all_abs, all_rel = 0.0, 0.0
    width = max([len(n) for n in ref] + [6])
    if not args.quiet:
        print("%-*s %-5s %-16s %10s %10s %10s  %s" %
              (width, "tensor", "dtype", "shape", "max_abs", "max_rel",
               "norm_rel", "verdict"))
    for name in sorted(set(cand) & set(ref)):
        cd, cs, cv = cand[name]
        rd, rs, rv = ref[name]
        shape = "x".join(str(d) for d in rs) or "scalar"
        if cd != rd or cs != rs:
            failed += 1
            msg = "dtype/shape differ: %s %s vs %s %s" % (cd, cs, rd, rs)
            problems.append("%s: %s" % (name, msg))
            print("%-*s %-5s %-16s %10s %10s %10s  FAIL (%s)" %
                  (width, name, rd, shape, "-", "-", "-", msg))
            rows.append([name, rd, shape, "", "", "", "FAIL", msg])
            if _order(math.inf) > _order(worst) or worst_name == "-":
                worst_name, worst = name, math.inf
            continue
        kind = _DTYPES[rd][2]
        m = compare_tensor(cv, rv, kind)
        tol = args.tol_half if kind == "half" else args.tol
        if kind == "int":
            ok = m["mismatches"] == 0
            why = "" if ok else "%d of %d elements differ" % (
                m["mismatches"], m["count"])
        else:
            ok = (m["nonfinite"] == 0 and not math.isnan(m["norm_rel"])
                  and (m["norm_rel"] <= tol or
                       m["diff_norm"] <= args.atol * math.sqrt(m["count"])))
            if m["nonfinite"]:
                why = "%d NaN/Inf elements that differ" % m["nonfinite"]
            elif not ok:
                why = "norm_rel over %g" % tol
            else:
                why = ""
        if not ok:
            failed += 1
            problems.append("%s: %s" % (name, why))
        nr = m["norm_rel"]
        if worst_name == "-" or _order(nr) > _order(worst):
            worst_name, worst = name, nr
        if not math.isnan(m["max_abs"]):
            all_abs = max(all_abs, m["max_abs"])
        all_rel = max(all_rel, m["max_rel"])
        verdict = "ok" if ok else "FAIL (%s)" % why
        if not args.quiet or not ok:
            print("%-*s %-5s %-16s %10s %10s %10s  %s" %
                  (width, name, rd, shape, _fmt(m["max_abs"]),
                   _fmt(m["max_rel"]), _fmt(nr), verdict))
        rows.append([name, rd, shape, repr(m["max_abs"]), repr(m["max_rel"]),
                     repr(nr), "ok" if ok else "FAIL", why])

    if args.csv:
        import csv
        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["tensor", "dtype", "shape", "max_abs", "max_rel",
                        "norm_rel", "verdict", "reason"])
            w.writerows(rows)

    if only_cand or only_ref:
        print("names differ: %d only in candidate%s, %d only in reference%s" %
              (len(only_cand), (" (" + ", ".join(only_cand[:5]) +
                                (", ..." if len(only_cand) > 5 else "") + ")")
               if only_cand else "",
               len(only_ref), (" (" + ", ".join(only_ref[:5]) +
                               (", ..." if len(only_ref) > 5 else "") + ")")
               if only_ref else ""))
    compared = len(set(cand) & set(ref))
    verdict = "PASS" if not problems and compared > 0 else "FAIL"
    if compared == 0 and not problems:
        problems.append("no tensors to compare")
    print("verdict: %s: %d tensors compared, %d over tolerance or mismatched%s;"
          " max norm-wise rel. error %s (%s), tol %g" %
          (verdict, compared, failed,
           (", names differ" if only_cand or only_ref else ""),
           _fmt(worst), worst_name, args.tol))
    reason = ""
    if only_cand or only_ref:
        reason = " reason=names-differ"
    elif compared == 0:
        reason = " reason=empty"
    print("RESULT verdict=%s tensors=%d failed=%d max_norm_rel=%s worst=%s "
          "max_abs=%s max_rel=%s tol=%g%s" %
          (verdict, compared, failed, _fmt(worst), worst_name or "-",
           _fmt(all_abs), _fmt(all_rel), args.tol, reason))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
