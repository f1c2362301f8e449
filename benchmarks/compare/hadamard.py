"""numalg.hadamard side by side with fht_cpu and NumPy, and SPRIGHT's success rates.

Run from this folder (``--quick`` for reduced sizes and seeds)::

    python hadamard.py [--quick]

1. Dense FWHT, float64, in place, at N = 2^20 and 2^24: ``numalg.hadamard.fwht``
   against ``fht_cpu.fht`` (an AVX C library; same unnormalised transform) and
   a vectorised NumPy radix-2 butterfly.  Best of several runs; the outputs
   are compared (max relative difference).
   Targets: numalg <= 1.5x fht_cpu's time, >= 20x faster than NumPy.
2. SPRIGHT (``sparse_wht``) over many seeds, K = 100 unit-magnitude
   coefficients of random sign on a random support:
   noiseless N = 2^20 (<= 5,000 queries, >= 99 % exact recovery, <= 2 ms
   besides sampling); SNR 10 dB and 5 dB (<= 55,000 queries, >= 95 % / 80 %
   full support recovery); N = 2^40 noiseless (< 0.1 s); and against the
   dense route (all N samples + dense FWHT) at N = 2^24 (>= 50x).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _table import print_table  # noqa: E402

from numalg.hadamard import fwht, sparse_wht, walsh_expansion  # noqa: E402

try:
    import fht_cpu
except ImportError:  # pragma: no cover
    fht_cpu = None


def numpy_butterfly(x):
    """A vectorised NumPy radix-2 FWHT (one stage per pass, temporaries)."""
    n = x.shape[0]
    y = x
    h = 1
    while h < n:
        y = y.reshape(-1, 2, h)
        y = np.stack((y[:, 0] + y[:, 1], y[:, 0] - y[:, 1]), axis=1)
        h *= 2
    return y.reshape(n)


def best_inplace(fn, x, repeat):
    """Best time of ``fn(buf)`` on a fresh copy of x each run (the copy is not timed)."""
    buf = np.empty_like(x)
    best = np.inf
    for _ in range(repeat):
        np.copyto(buf, x)
        t0 = time.perf_counter()
        out = fn(buf)
        best = min(best, time.perf_counter() - t0)
    return best, (out if out is not None else buf).copy()


def dense_section(sizes, repeat):
    rows = []
    rng = np.random.default_rng(0)
    for n_bits in sizes:
        x = rng.standard_normal(1 << n_bits)
        t_na, y_na = best_inplace(lambda b: fwht(b, out=b), x, repeat)
        if fht_cpu is not None:
            t_fc, y_fc = best_inplace(lambda b: fht_cpu.fht(b, inplace=True), x, repeat)
            diff = float(np.max(np.abs(y_na - y_fc)) / np.max(np.abs(y_fc)))
        else:
            t_fc, diff = float("nan"), float("nan")
        t_np, y_np = best_inplace(numpy_butterfly, x, max(1, repeat // 3))
        diff_np = float(np.max(np.abs(y_na - y_np)) / np.max(np.abs(y_np)))
        rows.append([f"2^{n_bits}", t_na * 1e3, t_fc * 1e3, t_np * 1e3, t_np / t_na,
                     max(diff, diff_np)])
    if fht_cpu is None:
        print("note: fht_cpu is not installed (pip install fht-cpu); its column is skipped")
    print_table(
        ["N", "numalg [ms]", "fht_cpu [ms]", "NumPy [ms]", "NumPy/numalg", "max rel diff"],
        rows,
        ratio=("numalg [ms]", "fht_cpu [ms]"),
        title="Dense FWHT, float64, in place, single thread (target: numalg/fht_cpu <= 1.5, "
        "NumPy/numalg >= 20)",
    )


class Signal:
    """A K-sparse Walsh signal with optional Gaussian noise; times its own evaluation."""

    def __init__(self, n_bits, K, rng, snr_db=None):
        if n_bits <= 30:
            self.support = rng.choice(1 << n_bits, size=K, replace=False).astype(np.uint64)
        else:
            self.support = np.unique(rng.integers(0, 1 << n_bits, size=K, dtype=np.uint64))
            while self.support.shape[0] < K:
                extra = rng.integers(0, 1 << n_bits, size=K, dtype=np.uint64)
                self.support = np.unique(np.concatenate([self.support, extra]))[:K]
        self.values = rng.choice([-1.0, 1.0], size=self.support.shape[0])
        self.sd = 0.0 if snr_db is None else 10 ** (-snr_db / 20)  # mean X^2 = 1
        self.rng = rng
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, m):
        t0 = time.perf_counter()
        out = walsh_expansion(self.support, self.values, m)
        if self.sd:
            out += self.sd * self.rng.standard_normal(m.shape[0])
        self.seconds += time.perf_counter() - t0
        self.calls += m.shape[0]
        return out

    def recovered(self, res):
        return np.array_equal(res.indices, np.sort(self.support))


def spright_runs(n_bits, K, seeds, snr_db=None, method="nso"):
    ok, queries, t_total, t_own = 0, [], [], []
    for seed in range(seeds):
        sig = Signal(n_bits, K, np.random.default_rng(10_000 + seed), snr_db)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sparse_wht(sig, n_bits, K, method=method, random_state=seed)
        t = time.perf_counter() - t0
        ok += sig.recovered(res)
        queries.append(res.n_samples)
        t_total.append(t)
        t_own.append(t - sig.seconds)
    return ok / seeds, max(queries), float(np.median(t_total)), float(np.median(t_own))


def spright_section(seeds, quick):
    rows = []
    cases = [
        ("noiseless", 20, None, "noiseless", ">=99%, <=5000 q, <=2 ms"),
        ("nso", 20, None, "noiseless", "(nso on exact data)"),
        ("nso", 20, 10.0, "10 dB", ">=95%, <=55000 q"),
        ("nso", 20, 5.0, "5 dB", ">=80%, <=55000 q"),
        ("nso", 20, 0.0, "0 dB", "(beyond the targets)"),
        ("nso", 20, -5.0, "-5 dB", "(beyond the targets)"),
        ("ml", 20, 5.0, "5 dB", "(ML single-ton search)"),
        ("noiseless", 40, None, "noiseless", "< 0.1 s"),
        ("nso", 40, 10.0, "10 dB", ""),
    ]
    for method, n_bits, snr, label, target in cases:
        s = seeds if method != "ml" else max(5, seeds // 10)
        rate, q, t, t_own = spright_runs(n_bits, 100, s, snr, method)
        rows.append([f"2^{n_bits}", label, method, s, f"{100 * rate:.1f}%", q, t * 1e3,
                     t_own * 1e3, target])
    print_table(
        ["N", "noise", "method", "runs", "exact support", "max queries", "median time [ms]",
         "without sampling [ms]", "target"],
        rows,
        title="SPRIGHT, K = 100 coefficients of magnitude 1 and random sign "
        "(SNR = mean X_k^2 / noise_sd^2)",
    )


def dense_route_section(n_bits, repeat):
    """SPRIGHT against the dense route: all N samples, then a dense FWHT."""
    rng = np.random.default_rng(1)
    K = 100
    sig = Signal(n_bits, K, rng)
    N = 1 << n_bits
    t0 = time.perf_counter()
    x = np.empty(N)
    chunk = 1 << 20
    for s in range(0, N, chunk):
        x[s : s + chunk] = sig(np.arange(s, min(N, s + chunk), dtype=np.uint64))
    t_sample = time.perf_counter() - t0
    t_fwht, X = best_inplace(lambda b: fwht(b, out=b), x, repeat)
    X /= N
    dense_support = np.flatnonzero(np.abs(X) > 0.5).astype(np.uint64)
    assert np.array_equal(dense_support, np.sort(sig.support))
    rows = []
    for method in ("noiseless", "nso"):
        best = np.inf
        for seed in range(repeat):
            sig.seconds = 0.0
            t0 = time.perf_counter()
            res = sparse_wht(sig, n_bits, K, method=method, random_state=seed)
            best = min(best, time.perf_counter() - t0)
            assert sig.recovered(res)
        err = float(np.max(np.abs(res.values - X[res.indices.astype(np.intp)])))
        rows.append([f"2^{n_bits}", method, res.n_samples, best * 1e3, t_fwht * 1e3,
                     (t_sample + t_fwht) * 1e3, t_fwht / best, (t_sample + t_fwht) / best, err])
    print_table(
        ["N", "SPRIGHT", "queries", "SPRIGHT [ms]", "dense FWHT [ms]", "sampling+FWHT [ms]",
         "x vs FWHT alone", "x vs dense route", "max |dX|"],
        rows,
        title=f"SPRIGHT vs the dense route at N = 2^{n_bits}, K = {K} (target >= 50x); "
        "SPRIGHT's time includes its own sampling",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer seeds")
    args = parser.parse_args(argv)
    if args.quick:
        dense_section([16, 20], repeat=5)
        spright_section(seeds=20, quick=True)
        dense_route_section(20, repeat=3)
    else:
        dense_section([20, 24], repeat=9)
        spright_section(seeds=200, quick=False)
        dense_route_section(24, repeat=5)


if __name__ == "__main__":
    main()
