"""Calibrate the cost model of numalg.hamming (the ``_COST`` constants).

Times every method (CPU time of the process, so that a shared machine's load
does not bias the fit), single thread, on a grid of random problems, and fits by
non-negative least squares on relative errors the constants of the cost
model in ``numalg/hamming/_distances.py`` (seconds per unit of work: see the
comment above ``_COST`` there).  Run it on the target machine and paste the
printed dictionary there; the library never times anything at import.

    python benchmarks/compare/hamming_calibrate.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy.optimize import nnls

from numalg.hamming import _distances as dd


def _best(fn, repeat=3):
    best = math.inf
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _codes(n, m, sigma, rng, zipf=False):
    if zipf:
        t = (rng.zipf(1.1, n) - 1) % sigma
        p = (rng.zipf(1.1, m) - 1) % sigma
    else:
        t, p = rng.integers(0, sigma, n), rng.integers(0, sigma, m)
    return dd._encode(*dd._prepare(t, p))


def _fit(features, times):
    """Non-negative least squares on relative error: times ~ features @ coef."""
    A = np.asarray(features, dtype=float)
    y = np.asarray(times, dtype=float)
    coef, _ = nnls(A / y[:, None], np.ones_like(y))
    return coef


def calibrate(quick=False):
    rng = np.random.default_rng(0)
    n = 200_000 if quick else 1_000_000
    out = {}

    # naive, bit planes (pack + XOR/OR/popcount) and the direct loop
    fb, tb, fl, tl = [], [], [], []
    for sigma in (2, 4, 8, 26, 256):
        for m in (64, 300, 1000, 3000, 10000):
            c = _codes(n // 4, m, sigma, rng, zipf=sigma > 16)
            nout = c.n - m + 1
            pw = (m + 126) // 64
            planes = c.plane_bits()[0]
            fast = planes <= 2  # the specialised one- and two-plane loops
            fb.append([0 if fast else nout * pw * (planes + 1), nout * pw if fast else 0, nout])
            tb.append(_best(lambda: dd._naive(c)))
            res = np.empty(nout, dtype=np.int64)
            fl.append([nout * m])
            tl.append(_best(lambda: dd._kernels.naive_loop(c.t, c.p, -1, res)))
    out["bits"], out["bits_fast"], out["bits_align"] = _fit(fb, tb)
    out["loop"] = _fit(fl, tl)[0]

    # sparse counting: per counted match and per text symbol
    fs, ts = [], []
    for sigma, m, zipf in ((256, 1000, False), (256, 10000, False), (4096, 10000, False),
                           (65536, 1000, False), (26, 1000, False), (1000, 3000, True),
                           (100, 300, True), (1 << 20, 100, False), (26, 10000, False),
                           (26, 300, True), (4, 1000, False)):
        c = _codes(n, m, sigma, rng, zipf)
        nT, fP = c.text_counts(), c.pattern_counts()
        visited = float(nT[fP > 0][1:].sum()) if fP[0] == 0 else float(nT[fP > 0].sum())
        fs.append([float((nT * fP)[1:].sum()), visited, c.n])
        ts.append(_best(lambda: dd._sparse_matches(c)))
    out["sparse"], out["sparse_visit"], out["sparse_scan"] = _fit(fs, ts)

    # FFT: per symbol forward transforms, the shared inverse and the scatter
    ff, tf = [], []
    for m in (300, 1000, 10000, 50000):
        for sigma in (2, 4, 8, 16):
            c = _codes(n, m, sigma, rng)
            L = dd._fft_block_length(m)
            nout = n - m + 1
            blocks = -(-nout // (L - m + 1))
            work = blocks * L * math.log2(L)
            active = (c.text_counts() > 0) & (c.pattern_counts() > 0)
            active[0] = False
            S = int(active.sum()) - dd._fft_drops_one(c, active)
            ff.append([work * S, work, blocks * L])
            tf.append(_best(lambda: dd._fft_matches(c), repeat=2))
    out["fft"], out["fft_inverse"], out["fft_scatter"] = _fit(ff, tf)
    return {k: float(v) for k, v in out.items()}


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
