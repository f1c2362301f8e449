"""Tour entry of the hadamard family: SPRIGHT at N = 2^30."""

import time

import numpy as np

from .._tour import TourRow
from ._spright import sparse_wht
from ._transform import fwht


def tour() -> TourRow:
    n_bits, K, snr_db = 30, 100, 10.0
    rng = np.random.default_rng(0)
    support = np.unique(rng.integers(0, 1 << n_bits, size=K, dtype=np.uint64))
    values = rng.choice([-1.0, 1.0], size=support.shape[0])
    noise_sd = 10 ** (-snr_db / 20)  # SNR = mean X_k^2 / noise_sd^2

    def signal(m):
        out = np.empty(m.shape[0])
        for s in range(0, m.shape[0], 8192):
            par = np.bitwise_count(m[s : s + 8192, None] & support) & 1
            out[s : s + 8192] = (1.0 - 2.0 * par) @ values
        return out + noise_sd * rng.standard_normal(m.shape[0])

    t0 = time.perf_counter()
    res = sparse_wht(signal, n_bits, K, method="nso", random_state=0)
    t = time.perf_counter() - t0

    # The reference: the planted spectrum.  Any support error counts as inf.
    if np.array_equal(res.indices, support):
        err = float(np.max(np.abs(res.values - values)) / np.max(np.abs(values)))
    else:
        err = float("inf")

    # The dense route needs all 2^30 samples and a 2^30-point FWHT (8 GiB);
    # its FWHT cost alone is extrapolated from a measured 2^20-point one.
    small = 20
    x = rng.standard_normal(1 << small)
    out = np.empty_like(x)
    fwht(x, out=out)
    t_small = min(_timed(lambda: fwht(x, out=out)) for _ in range(3))
    t_dense = t_small * ((1 << n_bits) * n_bits) / ((1 << small) * small)
    return TourRow(
        family="hadamard",
        problem=f"SPRIGHT sparse WHT, K={K}, SNR {snr_db:g} dB (max rel. coef error)",
        size=f"N=2^{n_bits}",
        result=f"support exact={err < np.inf}, {res.n_samples} queries",
        error=err,
        time=t,
        speedup=t_dense / t,
        note=(
            "reference: the planted spectrum; speed-up vs the dense FWHT of all 2^30 samples, "
            f"EXTRAPOLATED from 2^{small} (N log N; sampling time not counted)"
        ),
    )


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
