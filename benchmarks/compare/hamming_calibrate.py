"""Calibrate the cost model of numalg.hamming (the ``_COST`` constants).

Times each kernel, single thread, on a grid of random problems and prints, per
unit of work, the median seconds: the constants stored in
``numalg/hamming/_distances.py``.  Run it on the target machine and paste the
printed dictionary there.

    python benchmarks/compare/hamming_calibrate.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from numalg.hamming import _distances as dd


def _best(fn, repeat=3):
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _codes(n, m, sigma, rng, zipf=False):
    if zipf:
        t = np.minimum(rng.zipf(1.3, n), sigma) - 1
        p = np.minimum(rng.zipf(1.3, m), sigma) - 1
    else:
        t, p = rng.integers(0, sigma, n), rng.integers(0, sigma, m)
    return dd._encode(*dd._prepare(t, p))


def calibrate(quick=False):
    rng = np.random.default_rng(0)
    n = 200_000 if quick else 1_000_000
    est = {k: [] for k in dd._COST}

    # naive: bit planes and the direct loop
    for sigma in (2, 4, 16, 256):
        for m in (64, 256, 1000):
            c = _codes(n // 4, m, sigma, rng)
            nout = c.n - m + 1
            pw = (m + 126) // 64
            planes = c.plane_bits()[0]
            out = np.empty(nout, dtype=np.int64)
            t_bits = _best(lambda: dd._naive(c))
            est["bits"].append(t_bits / (nout * pw * (planes + 1)))
            t_loop = _best(lambda: dd._kernels.naive_loop(c.t, c.p, -1, out))
            est["loop"].append(t_loop / (nout * m))

    # sparse counting: per match, and the scan over the text
    for sigma, m in ((256, 1000), (4096, 10000), (65536, 1000)):
        c = _codes(n, m, sigma, rng)
        nT, fP = c.text_counts(), c.pattern_counts()
        work = float((nT * fP)[1:].sum())
        t_sp = _best(lambda: dd._sparse_matches(c))
        est["sparse"].append(t_sp / work)
    c = _codes(n, 100, 1 << 20, rng)
    c.p[:] = 0  # nothing to count: the scan alone
    c.p[0] = 1
    est["sparse_scan"].append(_best(lambda: dd._sparse_matches(c)) / n)

    # FFT: per symbol forward transforms, and the shared inverse + scatter
    for m in (1000, 10000, 100000):
        times = {}
        for sigma in (2, 8):
            c = _codes(n, m, sigma, rng)
            times[sigma] = _best(lambda: dd._fft_matches(c), repeat=2)
        L = dd._fft_block_length(m)
        nout = n - m + 1
        blocks = -(-nout // (L - m + 1))
        work = blocks * L * math.log2(L)
        per_sym = (times[8] - times[2]) / 6 / work
        est["fft"].append(per_sym)
        est["fft_inverse"].append(max(0.0, (times[2] - 2 * per_sym * work) / work))
    est["fft_scatter"] = [0.0]

    consts = {k: float(np.median(v)) for k, v in est.items()}
    return consts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller problems")
    args = ap.parse_args()
    consts = calibrate(args.quick)
    print("_COST = {")
    for k, v in consts.items():
        print(f'    "{k}": {v:.3e},')
    print("}")


if __name__ == "__main__":
    main()
