"""Tour entry of the hadamard family."""

import time

import numpy as np

from .._tour import TourRow
from ._transform import fwht


def _numpy_butterfly(x):
    """The dense reference: a vectorised NumPy radix-2 butterfly."""
    y = np.array(x, dtype=np.float64)
    n = y.shape[-1]
    h = 1
    while h < n:
        y = y.reshape(-1, 2, h)
        y = np.stack((y[:, 0] + y[:, 1], y[:, 0] - y[:, 1]), axis=1)
        h *= 2
    return y.reshape(n)


def tour() -> TourRow:
    n_bits = 22
    rng = np.random.default_rng(0)
    x = rng.standard_normal(1 << n_bits)
    t0 = time.perf_counter()
    y = fwht(x)
    t = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = _numpy_butterfly(x)
    t_ref = time.perf_counter() - t0
    err = float(np.max(np.abs(y - ref)) / np.max(np.abs(ref)))
    return TourRow(
        family="hadamard",
        problem="dense FWHT of N(0,1) data (rel. max error)",
        size=f"N=2^{n_bits}",
        result=f"{(1 << n_bits) * n_bits / t / 1e9:.2f} Gflop/s",
        error=err,
        time=t,
        speedup=t_ref / t,
        note="reference: vectorised NumPy radix-2 butterfly",
    )
