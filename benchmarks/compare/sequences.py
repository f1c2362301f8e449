"""numalg.sequences side by side with galois, python-flint and sympy.

Run from this folder::

    python sequences.py --quick      # reduced sizes, a minute or so
    python sequences.py              # the sizes of the issue's targets (long)

Tables:
1. Berlekamp-Massey over GF(2^31 - 1) on random sequences of length N
   (linear complexity ~N/2), numalg vs ``galois.berlekamp_massey`` and
   python-flint's ``fmpz_mod_poly_ctx(p).minpoly``; equal orders checked.
2. Berlekamp-Massey over the rationals (sequence of a random integer
   recurrence of order N/2), numalg vs sympy's ``find_linear_recurrence``.
3. Recurrences of simple continued fractions of constants (exact).
4. ESMA on e (the paper's setting), counts and time.

The ratio column is numalg time / peer time (below 1: numalg is faster).
Times are CPU seconds of this process (``time.process_time``), robust on a
shared machine; all calls compared are single-threaded.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _table import print_table, timed  # noqa: E402

from numalg.sequences import berlekamp_massey, continued_fraction, esma_search

P = 2**31 - 1


def cpu_timed(fn, *, repeat=1):
    """Best CPU time of this process (time.process_time) over ``repeat`` runs.

    The development machine is shared, so wall-clock times swing with the
    load; CPU time of a single-threaded call does not.  Every column of the
    tables (numalg and peers alike) is measured this way.
    """
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    return best, out


timed = cpu_timed  # noqa: F811


def _peer(name):
    try:
        return __import__(name)
    except ImportError:
        print(f"note: {name} is not installed; its column is skipped")
        return None


def table_modular(sizes, galois_max, flint_max):
    galois = _peer("galois")
    flint = _peer("flint")
    GF = galois.GF(P) if galois else None
    ctx = flint.fmpz_mod_poly_ctx(P) if flint else None
    if GF is not None:  # galois compiles its kernels on first use: warm up
        galois.berlekamp_massey(GF(np.arange(1, 9)), output="connection")
    berlekamp_massey(np.arange(1, 9), modulus=P)
    rows = []
    for N in sizes:
        rng = np.random.default_rng(N)
        s = rng.integers(0, P, N, dtype=np.int64)
        t_n, rec = timed(lambda: berlekamp_massey(s, modulus=P), repeat=3 if N <= 20000 else 1)
        t_g = t_f = float("nan")
        if GF is not None and N <= galois_max:
            y = GF(s)
            t_g, cg = timed(lambda: galois.berlekamp_massey(y, output="connection"))
            assert cg.degree <= rec.order and list(map(int, cg.coeffs[::-1])) == list(rec.coefficients[: cg.degree + 1])
        if ctx is not None and N <= flint_max:
            vals = s.tolist()
            t_f, mp = timed(lambda: ctx.minpoly(vals), repeat=3 if N <= 20000 else 1)
            assert mp.degree() == rec.order
        rows.append([N, rec.order, t_n, t_g, t_n / t_g, t_f, t_n / t_f])
    print_table(
        ["N", "order", "numalg [s]", "galois [s]", "ratio galois", "flint [s]", "ratio flint"],
        rows,
        title="Berlekamp-Massey over GF(2^31-1), random sequence of length N",
    )
    print()


def _int_recurrence(L, N, seed):
    rnd = random.Random(seed)
    c = [rnd.randint(-3, 3) for _ in range(L)]
    c[-1] = c[-1] or 1
    s = [rnd.randint(-9, 9) for _ in range(L)]
    while len(s) < N:
        s.append(-sum(ci * s[-i] for i, ci in enumerate(c, 1)))
    return s


def table_rational(sizes, sympy_max):
    sympy = _peer("sympy")
    berlekamp_massey(_int_recurrence(4, 10, 0))  # warm-up
    rows = []
    for N in sizes:
        s = _int_recurrence(N // 2, N, N)
        t_n, rec = timed(lambda: berlekamp_massey(s))
        t_s = float("nan")
        if sympy is not None and N <= sympy_max:
            k = sympy.symbols("k")
            seq = sympy.sequence(tuple(s), (k, 0, N - 1))
            t_s, rr = timed(lambda: seq.find_linear_recurrence(N))
            assert len(rr) == rec.order
        rows.append([N, rec.order, rec.method, t_n, t_s, t_n / t_s])
    print_table(
        ["N", "order", "method", "numalg [s]", "sympy [s]", "ratio"],
        rows,
        title=f"Berlekamp-Massey over Q, integer recurrence of order N/2 (sympy only up to N={sympy_max})",
    )
    print()


def table_constants(n_terms):
    sympy = _peer("sympy")
    rows = []
    for name in ["e", "e^2", "tan1", "I1(2)/I0(2)", "pi"]:
        t_cf, terms = timed(lambda: continued_fraction(name, n_terms))
        t_n, rec = timed(lambda: berlekamp_massey(terms))
        poly = " ".join(str(c) for c in rec.coefficients[: rec.degree + 1]) if rec.order < 50 else "-"
        t_s = float("nan")
        if sympy is not None and name != "pi":
            k = sympy.symbols("k")
            seq = sympy.sequence(tuple(terms[:60]), (k, 0, 59))
            t_s, _ = timed(lambda: seq.find_linear_recurrence(60))
        rows.append([name, n_terms, rec.order, rec.prefix_length, poly, t_cf, t_n, t_s])
    print_table(
        ["constant", "terms", "order", "prefix", "connection polynomial", "CF [s]", "BM [s]", "sympy (60 terms) [s]"],
        rows,
        title="Recurrences of simple continued fractions (exact)",
    )
    print()


def table_esma(repeat):
    rows = []
    for prefix in (False, True):
        t, found = timed(lambda: esma_search("e", allow_prefix=prefix), repeat=repeat)
        wall = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            esma_search("e", allow_prefix=prefix)
            wall = min(wall, time.perf_counter() - t0)
        rows.append(["e", "yes" if prefix else "no", len(found), t, wall, 43.7])
    print_table(
        ["constant", "prefixes", "distinct values", "numalg CPU [s]", "numalg wall [s]",
         "authors' code [s] (reported, not run)"],
        rows,
        title="ESMA on e: lhs degree 1, coefficients in [-2, 2], sign periods 1-2, depth 105",
    )
    found = esma_search("e")
    print("first three:")
    for c in found[:3]:
        print("  " + str(c).replace("\n", "\n  "))
    print()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="reduced sizes")
    args = ap.parse_args(argv)
    if args.quick:
        table_modular([500, 1000, 2000, 6000, 10000], galois_max=10000, flint_max=10000)
        table_rational([40, 80, 200, 1000], sympy_max=80)
        table_constants(200)
        table_esma(repeat=1)
    else:
        table_modular([500, 1000, 2000, 6000, 10000, 30000, 100000], galois_max=100000,
                      flint_max=100000)
        table_rational([40, 80, 160, 500, 1000, 2000], sympy_max=160)
        table_constants(400)
        table_esma(repeat=3)


if __name__ == "__main__":
    main()
