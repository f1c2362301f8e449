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


def highs_game(A):
    from scipy.optimize import linprog

    m, n = A.shape
    if sp.issparse(A):
        A_ub = sp.hstack([sp.csr_array(A.T), sp.csr_array(-np.ones((n, 1)))], format="csr")
        A_eq = sp.csr_array(np.r_[np.ones(m), 0.0][None])
    else:
        A_ub = np.c_[A.T, -np.ones(n)]
        A_eq = np.r_[np.ones(m), 0.0][None]
    r = linprog(np.r_[np.zeros(m), 1.0], A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq, b_eq=[1.0],
                bounds=[(0, None)] * m + [(None, None)], method="highs")
    return r.fun


def vs_highs(cases, gap_tol=1e-4):
    rows = []
    for label, A in cases:
        game = MatrixGame(A)
        for method in ("halpern", "vr_halpern"):
            t0 = time.perf_counter()
            res = solve(game, method=method, gap_tol=gap_tol, max_epochs=20000, random_state=0)
            t_na = time.perf_counter() - t0
            t0 = time.perf_counter()
            value = highs_game(A) if method == "halpern" else value
            t_hi = time.perf_counter() - t0 if method == "halpern" else t_hi
            rows.append([label, method, res.gap, abs(res.value - value), res.n_epochs, t_na, t_hi])
    print_table(["game", "numalg method", "gap", "|value - HiGHS|", "epochs", "numalg [s]", "HiGHS [s]"],
                rows, ratio=("numalg [s]", "HiGHS [s]"),
                title=f"\nMatrix games to duality gap {gap_tol:g} vs linprog(method='highs') (optimal)")


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
    for method in ("vr_halpern", "vr_extragradient", "halpern"):
        for tol in (1e-4, 1e-5, 1e-6):
            t0 = time.perf_counter()
            clf = SaddlePointSVC(C=C, fit_intercept=False, method=method, tol=tol, max_epochs=5000,
                                 random_state=0).fit(X, y)
            t = time.perf_counter() - t0
            rows.append([f"n={n} {method} tol={tol:g}", (primal(clf.coef_[0]) - p_ref) / p_ref,
                         clf.n_epochs_[0], t, t_ref])
    print_table(["SaddlePointSVC", "rel. primal excess", "epochs", "numalg [s]", "LinearSVC [s]"], rows,
                ratio=("numalg [s]", "LinearSVC [s]"),
                title=f"\nSaddlePointSVC vs LinearSVC(loss='hinge', tol=1e-8) "
                      f"(LinearSVC converged: {ref_converged}, n_iter={ref.n_iter_})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="reduced sizes")
    args = parser.parse_args(argv)
    quick = args.quick

    n_pb = 200 if quick else 500
    A = policeman_and_burglar(n_pb, seed=1)
    game = MatrixGame(A)
    paper_experiment(f"Policeman and burglar {n_pb}x{n_pb} (A as in the paper; ||A||_2 = "
                     f"{np.linalg.norm(A, 2):.3g}, L = ||P A P||_2 = {game.lipschitz:.3g})", game,
                     [50, 200] if quick else [100, 1000, 5000])
    paper_experiment(f"Worst-case bilinear QP n={100 if quick else 200}", worst_case_qp(100 if quick else 200),
                     [100, 1000] if quick else [1000, 10000, 50000])

    sizes = [1000] if quick else [1000, 3000, 10000]
    for tol in (1e-4, 1e-6):
        to_target(sizes, lambda n: low_rank_game(n, 5, 0.01), "low-rank r=5", tol=tol)
        to_target([500] if quick else [1000, 3000], gaussian_game, "Gaussian", tol=tol)

    cases = [("P&B 500", policeman_and_burglar(500, seed=1))]
    if quick:
        cases.append(("Gaussian 1000", np.random.default_rng(1).standard_normal((1000, 1000))))
    else:
        for n in (2000, 3000):
            cases.append((f"Gaussian {n}", np.random.default_rng(1).standard_normal((n, n))))
        S = sp.random_array((100_000, 100_000), density=1e-4, random_state=0, format="csr")
        S.data = 2 * S.data - 1
        cases.append(("sparse 1e5 x 1e5, 1e6 nnz", S))
    vs_highs(cases)

    svc_vs_liblinear(10_000 if quick else 100_000)


if __name__ == "__main__":
    main()
