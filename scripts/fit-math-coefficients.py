#!/usr/bin/env python3
"""Fits the polynomials of runtime/include/gc_rt/Math.h.

Each polynomial is the Chebyshev interpolant (near-minimax) of a smooth
function on an interval, computed in 40-digit arithmetic by mpmath's
chebyfit; its coefficients are rounded to float and printed as the Horner
chain that Math.h evaluates (highest degree first), as hexadecimal float
literals that read back exactly, with the interpolation error.

Usage: scripts/fit-math-coefficients.py   (needs mpmath: pip install mpmath)
"""

import struct

import mpmath as mp

mp.mp.dps = 40


def to_float32(value):
    """The nearest float32 of `value`, as a Python float."""
    return struct.unpack("f", struct.pack("f", float(value)))[0]


def hex_literal(value):
    """A C++ float literal of the float32 `value` that reads back exactly."""
    if value == 0:
        return "0.0f"
    text = float.hex(value)  # e.g. '0x1.6d1f5a0000000p-10'
    sign = "-" if text.startswith("-") else ""
    mantissa, exponent = text.lstrip("-").split("p")
    mantissa = mantissa.rstrip("0")
    if mantissa.endswith("."):
        mantissa += "0"
    return f"{sign}{mantissa}p{exponent}f"


def fit(name, function, interval, degree, variable):
    coefficients, error = mp.chebyfit(function, interval, degree + 1,
                                      error=True)
    print(f"// {name}: degree {degree} on [{float(interval[0]):.6g}, "
          f"{float(interval[1]):.6g}], interpolation error {float(error):.2g}")
    rounded = [to_float32(c) for c in coefficients]
    print(f"  float p = {hex_literal(rounded[0])}; // {rounded[0]:.9e}")
    for c in rounded[1:]:
        print(f"  p = fma(p, {variable}, {hex_literal(c)}); // {c:.9e}")
    print()


def main():
    half_ln2 = mp.log(2) / 2
    fit("exp: (e^r - 1 - r) / r^2",
        lambda r: (mp.exp(r) - 1 - r) / r**2 if r != 0 else mp.mpf(1) / 2,
        [-half_ln2, half_ln2], 4, "r")
    fit("log: (log(1 + f) - f + f^2 / 2) / f^3",
        lambda f: (mp.log(1 + f) - f + f**2 / 2) / f**3
        if f != 0 else mp.mpf(1) / 3,
        [mp.sqrt(0.5) - 1, mp.sqrt(2) - 1], 8, "f")
    fit("tanh: (tanh(x) - x) / x^3 in z = x^2",
        lambda z: (mp.tanh(mp.sqrt(z)) - mp.sqrt(z)) / z**1.5
        if z != 0 else mp.mpf(-1) / 3,
        [0, mp.mpf(0.625)**2], 5, "z")
    fit("erf: erf(x) / x - 1 in z = x^2",
        lambda z: mp.erf(mp.sqrt(z)) / mp.sqrt(z) - 1
        if z != 0 else 2 / mp.sqrt(mp.pi) - 1,
        [0, 1], 6, "z")
    fit("erf: log(erfc(a)) + a^2",
        lambda a: mp.log(mp.erfc(a)) + a * a, [1, 4], 8, "c")


if __name__ == "__main__":
    main()
