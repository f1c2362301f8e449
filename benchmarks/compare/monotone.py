"""numalg.monotone side by side with its baselines and with HiGHS / LinearSVC.

Sections
--------
1. The paper's policeman-and-burglar game (Cai, Alacaoglu & Diakonikolas 2024, 500 x 500):
   residual at fixed epoch budgets for EG, EAG, VR-EG, Halpern and VR-Halpern.
2. The paper's worst-case bilinear QP (n = 200): the same.
3. Low-rank games A = U V^T + noise (where variance reduction should pay) and Gaussian
   games (where theory predicts no gain): epochs and seconds to residual 1e-4
   (A scaled to ||A||_2 = 1), VR-Halpern vs deterministic Halpern and EAG.
4. Matrix games against scipy.optimize.linprog(method="highs") to duality gap 1e-4.
5. SaddlePointSVC against LinearSVC(loss="hinge") at equal primal objective.

Run ``python monotone.py --quick`` for reduced sizes (minutes); without it the script runs
the issue's full sizes (hours: HiGHS alone needs minutes per dense game of n >= 2000).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _table import print_table  # noqa: E402

from numalg.monotone import BilinearQP, MatrixGame, SaddlePointSVC, solve  # noqa: E402
from numalg.monotone._tour import policeman_and_burglar  # noqa: E402

warnings.simplefilter("ignore", ConvergenceWarning)

METHODS = [
    ("EG", "extragradient", {}),
    ("EAG", "anchored_extragradient", {}),
    ("VR-EG", "vr_extragradient", {}),
    ("Halpern", "halpern", {"restart": False}),
    ("VR-Halpern (Alg. 2)", "vr_halpern", {"restart": False}),
    ("Halpern restarted", "halpern", {}),
    ("VR-Halpern restarted", "vr_halpern", {}),
]


def residual_at(res, budgets):
    h = res.history
    out = []
    for b in budgets:
        mask = h["epochs"] <= b
        out.append(float(np.min(h["residual"][mask])) if mask.any() else float("nan"))
    return out


def paper_experiment(name, problem, budgets, methods=METHODS):
    rows = []
    for label, method, kw in methods:
        t0 = time.perf_counter()
        res = solve(problem, method=method, tol=1e-300, max_epochs=budgets[-1], random_state=0, **kw)
        rows.append([label, *residual_at(res, budgets), time.perf_counter() - t0])
    print_table(["method", *[f"res @ {b:g} ep" for b in budgets], "time [s]"], rows,
                title=f"\n{name}: best certified residual within the epoch budget")


def worst_case_qp(n=200):
    # Ouyang & Xu's lower-bound instance, as in the authors' script (our sign: +<Ax - b, y>)
    A = np.zeros((n, n))
    for i in range(n):
        A[i, n - 1 - i] = 1.0
        if i < n - 1:
            A[i, n - 2 - i] = -1.0
    A /= 4.0
    H = 2.0 * A.T @ A
    b = np.ones(n) / 4.0
    h = np.zeros(n)
    h[-1] = 0.25
    return BilinearQP(H, h, A, b)


def low_rank_game(n, rank, noise, seed=0):
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((n, rank))
    V = rng.standard_normal((n, rank))
    A = U @ V.T / np.sqrt(rank) + noise * rng.standard_normal((n, n))
    return A / np.linalg.norm(A, 2)


def gaussian_game(n, seed=0):
    A = np.random.default_rng(seed).standard_normal((n, n))
    return A / np.linalg.norm(A, 2)


def to_target(sizes, make, label, tol=1e-4, max_epochs=3000):
    rows = []
    for n in sizes:
        A = make(n)
        game = MatrixGame(A)
        fro = np.linalg.norm(A - A.mean())
        pred = np.sqrt(2.0 / n) * fro
        out = {}
        for key, method, kw in [("EAG", "anchored_extragradient", {}),
                                ("Halpern", "halpern", {"restart": False}),
                                ("Halpern-R", "halpern", {}),
                                ("VR-Halpern", "vr_halpern", {"restart": False}),
                                ("VR-Halpern-R", "vr_halpern", {})]:
            t0 = time.perf_counter()
            res = solve(game, method=method, tol=tol, max_epochs=max_epochs, random_state=0, **kw)
            out[key] = (res.n_epochs if res.converged else float("inf"), time.perf_counter() - t0)
        for key in ("EAG", "Halpern", "Halpern-R"):
            rows.append([f"{label} n={n}", f"VR-Halpern{'-R' if key == 'Halpern-R' else ''} vs {key}",
                         pred,
                         out["VR-Halpern-R" if key == "Halpern-R" else "VR-Halpern"][0], out[key][0],
                         out["VR-Halpern-R" if key == "Halpern-R" else "VR-Halpern"][1], out[key][1]])
    print_table(["game", "pair", "sqrt(2/n)|A|F/|A|2", "VR epochs", "det epochs", "VR [s]", "det [s]"],
                rows, ratio=("VR [s]", "det [s]"),
                title=f"\nEpochs and seconds to residual {tol:g} (inf: budget {max_epochs} epochs ran out)")


def highs_game(A, time_limit=None):
    """The game's value by linprog(method="highs"): min_{x, v} v s.t. A^T x <= v 1, x in simplex."""
    from scipy.optimize import linprog

    m, n = A.shape
    if sp.issparse(A):
        A_ub = sp.hstack([sp.csr_array(A.T), sp.csr_array(-np.ones((n, 1)))], format="csr")
        A_eq = sp.csr_array(np.r_[np.ones(m), 0.0][None])
    else:
        A_ub = np.c_[A.T, -np.ones(n)]
        A_eq = np.r_[np.ones(m), 0.0][None]
    options = {} if time_limit is None else {"time_limit": float(time_limit)}
    r = linprog(np.r_[np.zeros(m), 1.0], A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq, b_eq=[1.0],
                bounds=[(0, None)] * m + [(None, None)], method="highs", options=options)
    return (r.fun if r.status == 0 else float("nan")), r.status


def sparse_game(n, nnz, seed=0):
    """n x n, about nnz non-zeros uniform on [-1, 1] at uniformly random positions."""
    rng = np.random.default_rng(seed)
    coo = sp.coo_array((rng.uniform(-1.0, 1.0, nnz), (rng.integers(0, n, nnz), rng.integers(0, n, nnz))),
                       shape=(n, n))
    return sp.csr_array(coo)


def vs_highs(cases, gap_tol=1e-4, time_limit=600.0, methods=("halpern", "vr_halpern")):
    """Time to duality gap <= gap_tol for numalg's methods, and HiGHS's time to the exact LP solution."""
    rows = []
    for label, A in cases:
        t0 = time.perf_counter()
        game = MatrixGame(A)
        t_setup = time.perf_counter() - t0
        out = []
        for method in methods:
            t0 = time.perf_counter()
            res = solve(game, method=method, gap_tol=gap_tol, max_epochs=10**6, random_state=0,
                        callback=lambda info: info["time"] > time_limit)
            out.append((method, res, time.perf_counter() - t0 + t_setup))
        t0 = time.perf_counter()
        value, status = highs_game(A, time_limit=time_limit)
        t_hi = time.perf_counter() - t0
        hi = f"{t_hi:.1f}" if status == 0 else f"> {time_limit:g} (limit, status {status})"
        for method, res, t_na in out:
            err = abs(res.value - value) if status == 0 else float("nan")
            ok = "" if res.converged else " (not reached)"
            rows.append([label, method + ok, res.gap, err, res.n_epochs, t_na, hi,
                         t_na / t_hi if status == 0 else float("nan")])
        print_table(["game", "numalg method", "gap", "|value - HiGHS|", "epochs", "numalg [s]", "HiGHS [s]",
                     "numalg / HiGHS"], rows[-len(out):],
                    title=f"\n{label}: to duality gap {gap_tol:g} vs linprog(method='highs') "
                          f"(exact; time_limit {time_limit:g} s); numalg time includes MatrixGame set-up "
                          f"({t_setup:.1f} s, the Lipschitz constant)")
        sys.stdout.flush()
    return rows


def svc_vs_liblinear(n, p=50, C=1.0):
    try:
        from sklearn.svm import LinearSVC
    except ImportError:  # pragma: no cover
        print("scikit-learn's LinearSVC is not available: skipped")
        return
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    w0 = rng.standard_normal(p)
    y = (X @ w0 + 0.5 * rng.standard_normal(n) > 0).astype(int)
    ys = 2.0 * y - 1.0

    def primal(w):
        return 0.5 * w @ w + C * np.maximum(0.0, 1.0 - ys * (X @ w)).sum()

    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref = LinearSVC(loss="hinge", fit_intercept=False, C=C, tol=1e-8, max_iter=10**6).fit(X, y)
    t_ref = time.perf_counter() - t0
    ref_converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    p_ref = primal(ref.coef_[0])
    rows = []
    runs = [("halpern (default)", "halpern", 1e-4, 10**5), ("halpern (default)", "halpern", 1e-5, 10**5),
            ("vr_halpern", "vr_halpern", 1e-4, 5000 if n <= 10**4 else 500),
            ("vr_extragradient", "vr_extragradient", 1e-4, 5000 if n <= 10**4 else 500)]
    for label, method, tol, budget in runs:
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            clf = SaddlePointSVC(C=C, fit_intercept=False, method=method, tol=tol, max_epochs=budget,
                                 random_state=0).fit(X, y)
        t = time.perf_counter() - t0
        p_na = primal(clf.coef_[0])
        rel_gap = clf.gap_[0] / (p_na / (C * n))
        rows.append([f"n={n} {label} tol={tol:g}", (p_na - p_ref) / p_ref, rel_gap, clf.n_epochs_[0], t, t_ref])
    print_table(["SaddlePointSVC (tol: certified relative gap)", "rel. primal excess vs LinearSVC",
                 "certified rel. gap", "epochs", "numalg [s]", "LinearSVC [s]"], rows,
                ratio=("numalg [s]", "LinearSVC [s]"),
                title=f"\nSaddlePointSVC vs LinearSVC(loss='hinge', tol=1e-8) "
                      f"(LinearSVC converged: {ref_converged}, n_iter={ref.n_iter_})")


def paper_section(quick):
    n_pb = 200 if quick else 500
    A = policeman_and_burglar(n_pb, seed=1)
    game = MatrixGame(A)
    paper_experiment(f"Policeman and burglar {n_pb}x{n_pb} (A as in the paper; ||A||_2 = "
                     f"{np.linalg.norm(A, 2):.3g}, L = ||P A P||_2 = {game.lipschitz:.3g})", game,
                     [50, 200] if quick else [100, 1000, 5000])
    paper_experiment(f"Worst-case bilinear QP n={100 if quick else 200}", worst_case_qp(100 if quick else 200),
                     [100, 1000] if quick else [1000, 10000, 50000])


def lowrank_section(quick):
    sizes = [1000] if quick else [1000, 3000, 10000]
    for tol in (1e-4, 1e-6):
        to_target(sizes, lambda n: low_rank_game(n, 5, 0.01), "low-rank r=5", tol=tol)
        to_target([500] if quick else [1000, 3000], gaussian_game, "Gaussian", tol=tol)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="reduced sizes")
    parser.add_argument("--only", choices=["paper", "lowrank", "highs", "svc"], default=None,
                        help="run one section")
    parser.add_argument("--time-limit", type=float, default=600.0,
                        help="HiGHS time limit and numalg time cap per game, seconds")
    args = parser.parse_args(argv)
    quick = args.quick

    if args.only in (None, "paper"):
        paper_section(quick)
    if args.only in (None, "lowrank"):
        lowrank_section(quick)
    if args.only in (None, "highs"):
        cases = [("P&B 500", policeman_and_burglar(500, seed=1))]
        rng = np.random.default_rng(1)
        if quick:
            cases.append(("Gaussian 1000", rng.standard_normal((1000, 1000))))
        else:
            for n in (2000, 3000):
                cases.append((f"Gaussian {n}", np.random.default_rng(n).standard_normal((n, n))))
        vs_highs(cases, time_limit=args.time_limit)
        # Larger games: deterministic (restarted) Halpern only.  On Gaussian games VR has no
        # theoretical edge (and is slower at n <= 3000 above); on the sparse game a sampled step
        # touches ~10 stored entries per column but its vector work is O(m + n), so VR steps cost
        # far more than their share of an epoch.
        big = [("sparse 2e4, 2e5 nnz", sparse_game(20_000, 200_000))] if quick else [
            ("Gaussian 10000", np.random.default_rng(10000).standard_normal((10000, 10000))),
            ("sparse 1e5 x 1e5, 1e6 nnz", sparse_game(100_000, 1_000_000))]
        for label, A in big:
            vs_highs([(label, A)], time_limit=args.time_limit, methods=("halpern",))
            del A

    if args.only in (None, "svc"):
        svc_vs_liblinear(10_000 if quick else 100_000)


if __name__ == "__main__":
    main()
