#!/usr/bin/env python3
"""Fits the float32 erf of wasm/fastmath.ts and prints its coefficients: erf(x)/x as a degree-5
polynomial in x² on |x| < 0.921875, and erfc(x)·exp(x²) as a degree-9 polynomial in 1/x on
[0.921875, 4], each by least squares in relative error on Chebyshev-spaced points (mpmath's
erf/erfc at 30 digits), with the error after rounding the coefficients to float32.

  .peers-venv/bin/python tools/fit_erf.py   (numpy and mpmath)
"""
import numpy as np, mpmath

mpmath.mp.dps = 30
SPLIT, TOP = 0.921875, 4.0


def fit(xs, f, degree, var):
    y = np.array([float(f(x)) for x in xs])
    V = np.vander(var(xs), degree + 1, increasing=True)
    c, *_ = np.linalg.lstsq(V / y[:, None], np.ones_like(y), rcond=None)
    c32 = c.astype(np.float32).astype(np.float64)
    return c32, np.max(np.abs(V @ c32 / y - 1))


cheb = (np.cos(np.linspace(0, np.pi, 4000)) + 1) / 2
xs = np.sqrt(cheb * SPLIT * SPLIT)
small, e_small = fit(xs[xs > 0], lambda x: mpmath.erf(x) / x, 5, lambda x: x * x)
large, e_large = fit(1 / (cheb * (1 / SPLIT - 1 / TOP) + 1 / TOP), lambda x: mpmath.erfc(x) * mpmath.exp(x * x), 9, lambda x: 1 / x)
print(f"erf(x)/x in x², |x| < {SPLIT}: relative error {e_small:.2e}; from the highest power:")
print(", ".join(repr(float(c)) for c in small[::-1]))
print(f"erfc(x)·exp(x²) in 1/x on [{SPLIT}, {TOP}]: relative error {e_large:.2e}; from the highest power:")
print(", ".join(repr(float(c)) for c in large[::-1]))
