"""numalg.hamming side by side with SciPy, NumPy and fuzzysearch.

Three tables:

1. exact all-shift Hamming distances on a grid (n = 1e7; m in {1e3, 1e5};
   alphabet 4, 26, 256, 1e6; uniform and Zipf texts; plus the Python
   standard library's sources concatenated): ``method="auto"`` against every
   numalg method and the two peers, SciPy per-symbol FFT convolution
   (``scipy.signal.oaconvolve``) and NumPy's sliding-window comparison.  All
   results are checked equal.  A method or peer whose time would exceed the
   budget is timed on a prefix and extrapolated linearly (marked ``~``).
2. ``k_mismatch`` on random DNA (n = 1e6) against ``fuzzysearch``.
3. ``approximate_hamming_distances`` (eps = 0.1) on a Zipf text whose alphabet
   is about sqrt(m), against the fastest exact method.

The ratio column is numalg time / peer time (below 1: numalg is faster).
Times are CPU seconds of the process (all runs are single-threaded), which
stay meaningful on a loaded machine; ``--wall`` reports wall-clock time.

    python benchmarks/compare/hamming.py [--quick] [--budget SECONDS]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import scipy.signal

sys.path.insert(0, str(Path(__file__).resolve().parent))

try:
    from _table import print_table
except ImportError:  # pragma: no cover

    def print_table(headers, rows, *, ratio=None, title=None, file=None):
        if title:
            print(title)
        print(" | ".join(headers))
        for r in rows:
            print(" | ".join(str(v) for v in r))


from numalg.hamming import approximate_hamming_distances, hamming_distances, k_mismatch
from numalg.hamming import _distances as dd
from numalg.hamming._tour import stdlib_text

METHODS = ["naive", "sparse", "fft", "abrahamson"]
WALL = False


def make_text(n, m, sigma, dist, rng):
    if dist == "real":
        text = np.frombuffer(stdlib_text(n), dtype=np.uint8)
        n = text.shape[0]
        a = int(rng.integers(0, n - m))
        return text, text[a : a + m].copy()
    if dist == "uniform":
        t = rng.integers(0, sigma, n)
        p = rng.integers(0, sigma, m)
    else:  # Zipf(1.1) ranks folded into the alphabet
        t = (rng.zipf(1.1, n) - 1) % sigma
        p = (rng.zipf(1.1, m) - 1) % sigma
    dtype = np.uint8 if sigma <= 256 else np.int64
    return t.astype(dtype), p.astype(dtype)


def _timed(fn):
    """Best CPU seconds of this process (everything here runs single-threaded),
    so that the timings hold on a shared machine; wall-clock time with --wall."""
    clock = time.perf_counter if WALL else time.process_time
    best, out, spent = math.inf, None, 0.0
    for _ in range(3):  # best of up to three runs, within about 3 s
        t0 = clock()
        out = fn()
        sec = clock() - t0
        best, spent = min(best, sec), spent + sec
        if spent + sec > 3.0:
            break
    return best, out


def run_prefix(fn, t, p, est, budget):
    """Run fn(t, p); if the estimate exceeds the budget, on a prefix, extrapolated."""
    n, m = t.shape[0], p.shape[0]
    nout = n - m + 1
    if est <= budget:
        sec, out = _timed(lambda: fn(t, p))
        return sec, out, False
    frac = max(budget / est, 2e-4)
    k = max(1, int(nout * frac))
    sec, _ = _timed(lambda: fn(t[: k + m - 1], p))
    return sec * nout / k, None, True


def numpy_sliding(t, p, chunk=1 << 12):
    win = np.lib.stride_tricks.sliding_window_view(t, p.shape[0])
    out = np.empty(win.shape[0], dtype=np.int64)
    for a in range(0, win.shape[0], chunk):
        out[a : a + chunk] = (win[a : a + chunk] != p).sum(axis=1)
    return out


def scipy_per_symbol(t, p):
    m = p.shape[0]
    matches = np.zeros(t.shape[0] - m + 1)
    for c in np.unique(p):
        tc = (t == c).astype(np.float64)
        if not tc.any():
            continue
        pc = (p[::-1] == c).astype(np.float64)
        matches += scipy.signal.oaconvolve(tc, pc, mode="valid")
    return m - np.rint(matches).astype(np.int64)


def _fmt(sec, extrapolated):
    if sec is None:
        return "-"
    return ("~" if extrapolated else "") + f"{sec:.3g}"


def exact_grid(quick, budget, rng, only_cells=None):
    n = 1_000_000 if quick else 10_000_000
    ms = [1000, 10_000] if quick else [1000, 100_000]
    cells = [(s, d) for s in (4, 26, 256, 1_000_000) for d in ("uniform", "zipf")] + [(256, "real")]
    grid = [(s, d, m) for s, d in cells for m in ms]
    if only_cells:
        grid = only_cells
    rows = []
    for sigma, dist, m in grid:
        t, p = make_text(n, m, sigma, dist, rng)
        costs = dd._method_map(t, p)
        hamming_distances(t[: 10 * m], p)  # warm-up
        t_auto, D = _timed(lambda: hamming_distances(t, p))
        chosen = min(costs, key=costs.get)
        times = {}
        for meth in METHODS:
            if meth == chosen:
                times[meth] = (t_auto, False)
                continue
            sec, out, ext = run_prefix(
                lambda a, b, meth=meth: hamming_distances(a, b, method=meth), t, p,
                costs[meth] * 3, budget)
            if out is not None:
                assert np.array_equal(out, D), (meth, sigma, dist, m)
            times[meth] = (sec, ext)
        best = min(times, key=lambda k: times[k][0])
        n_sym = len(np.intersect1d(np.unique(p), np.unique(t[: min(n, 1 << 22)])))
        peers = {}
        peers["numpy"] = run_prefix(numpy_sliding, t, p, 1.5e-9 * n * m, budget)
        peers["scipy"] = run_prefix(scipy_per_symbol, t, p, 0.05 * n / 1e6 * max(n_sym, 1) * 3, budget)
        for name, (sec, out, ext) in peers.items():
            if out is not None:
                assert np.array_equal(out, D), (name, sigma, dist, m)
        peer_best = min(peers, key=lambda k: peers[k][0])
        rows.append([
            "stdlib" if dist == "real" else sigma, dist, m, chosen, f"{t_auto:.3g}",
            f"{best} {_fmt(*times[best])}", f"{t_auto / times[best][0]:.2f}",
            _fmt(peers["numpy"][0], peers["numpy"][2]), _fmt(peers["scipy"][0], peers["scipy"][2]),
            f"{t_auto / peers[peer_best][0]:.3f}",
        ])
        print(rows[-1], flush=True)
    print_table(
        ["alphabet", "text", "m", "auto picks", "auto [s]", "best numalg [s]", "auto/best",
         "numpy sliding [s]", "scipy per-symbol [s]", "auto/best peer"],
        rows, title=f"Exact Hamming distances, n = {n:.0e} (~: extrapolated from a prefix)")


def kmismatch_table(quick, rng):
    try:
        from fuzzysearch import find_near_matches
    except ImportError:
        print("fuzzysearch is not installed: k-mismatch comparison skipped")
        return
    n = 200_000 if quick else 1_000_000
    text = "".join(rng.choice(list("ACGT"), n))
    rows = []
    for m, k in ((100, 5), (1000, 20), (1000, 100)):
        a = int(rng.integers(0, n - m))
        pat = list(text[a : a + m])
        for j in rng.choice(m, k // 2, replace=False):
            pat[j] = "ACGT"[("ACGT".index(pat[j]) + 1) % 4]
        pat = "".join(pat)
        t_num, (pos, dist) = _timed(lambda: k_mismatch(text, pat, k))
        t_fz, res = _timed(lambda: find_near_matches(pat, text, max_substitutions=k, max_insertions=0, max_deletions=0))
        same = sorted((r.start, r.dist) for r in res) == list(zip(pos.tolist(), dist.tolist()))
        rows.append([m, k, len(pos), same, t_num, t_fz])
    print_table(["m", "k", "matches", "same matches", "numalg [s]", "fuzzysearch [s]"], rows,
                ratio=("numalg [s]", "fuzzysearch [s]"), title=f"k-mismatch on random DNA, n = {n:.0e}")


def approx_table(quick, budget, rng):
    n = 1_000_000 if quick else 10_000_000
    m = 10_000 if quick else 100_000
    sigma = int(math.sqrt(m))
    t, p = make_text(n, m, sigma, "zipf", rng)
    t = t.astype(np.int64)
    p = p.astype(np.int64)
    t_ex, D = _timed(lambda: hamming_distances(t, p))
    rows = [["exact (auto)", f"{t_ex:.3g}", 1.0, "-"]]
    for meth in ("kopelowitz_porat", "karloff"):
        sec, est = _timed(lambda: approximate_hamming_distances(t[: 4 * m], p, 0.1, method=meth, random_state=0))
        # extrapolate from a prefix when the full run would exceed the budget
        full = sec * (n - m + 1) / (3 * m + 1)
        if full <= budget:
            sec, est = _timed(lambda: approximate_hamming_distances(t, p, 0.1, method=meth, random_state=0))
            ok = float(np.mean(np.abs(est - D) <= 0.1 * D + 1e-9))
            rows.append([meth, f"{sec:.3g}", round(ok, 4), f"{sec / t_ex:.2f}"])
        else:
            Dp = D[: 3 * m + 1]
            ok = float(np.mean(np.abs(est - Dp) <= 0.1 * Dp + 1e-9))
            rows.append([meth, f"~{full:.3g}", round(ok, 4), f"{full / t_ex:.2f}"])
    print_table(["method", "time [s]", "fraction within eps", "time / exact"], rows,
                title=f"Approximate distances, eps = 0.1, Zipf text, alphabet {sigma}, n = {n:.0e}, m = {m:.0e}")


def main():
    ap = argparse.ArgumentParser(description="numalg.hamming vs peers")
    ap.add_argument("--quick", action="store_true", help="n = 1e6, m in {1e3, 1e4}")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds before a run is extrapolated")
    ap.add_argument("--only", choices=["exact", "kmismatch", "approx"], default=None)
    ap.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    ap.add_argument("--cells", default=None,
                    help="exact-grid cells to run, e.g. 4:uniform:1000,256:zipf:100000")
    args = ap.parse_args()
    global WALL
    WALL = args.wall
    rng = np.random.default_rng(0)
    budget = min(args.budget, 5.0) if args.quick else args.budget
    if args.only in (None, "exact"):
        cells = None
        if args.cells:
            cells = [(int(a), b, int(c)) for a, b, c in (x.split(":") for x in args.cells.split(","))]
        exact_grid(args.quick, budget, rng, cells)
    if args.only in (None, "kmismatch"):
        kmismatch_table(args.quick, rng)
    if args.only in (None, "approx"):
        approx_table(args.quick, budget, rng)


if __name__ == "__main__":
    main()
