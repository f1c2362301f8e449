"""numalg.monotone side by side with its baselines and with HiGHS / LinearSVC.

Sections
--------
1. The paper's policeman-and-burglar game (Cai, Alacaoglu & Diakonikolas 2024, 500 x 500):
   residual at fixed epoch budgets for EG, EAG, VR-EG, Halpern and VR-Halpern.
2. The paper's worst-case bilinear QP (n = 200): the same.
3. Low-rank games A = U V^T / sqrt(r) + 0.01 G with N(0, 1) factors (entries O(1), not
   rescaled; where variance reduction should pay) and Gaussian N(0, 1) games (where theory
   predicts no gain): epochs and seconds to the absolute residual 1e-4 (eta = 1/L) and the
   residual reached within equal epoch budgets, VR-Halpern vs deterministic Halpern and EAG;
   then the same games rescaled to ||A||_2 = 1 (the previous sessions' choice), for comparison.
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


def worst_case_qp_data(n=200):
    """Ouyang & Xu's lower-bound instance as in the authors' script: (H, h, A, b)."""
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
    return H, h, A, b


def worst_case_qp(n=200):
    # our sign convention: +<Ax - b, y>
    return BilinearQP(*worst_case_qp_data(n))


def low_rank_game(n, rank, noise, seed=0, unit_norm=False):
    """A = U V^T / sqrt(rank) + noise * G with N(0, 1) factors U, V (n x rank) and G: entries O(1).

    ``unit_norm=True`` rescales A to ||A||_2 = 1 (the previous sessions' choice, kept for comparison:
    the residual is homogeneous of degree 1 in A, so that makes the absolute target 1e-4 a relative
    one, and a loose one: the uniform start's residual is then below 1e-3 at n >= 3000).
    """
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((n, rank))
    V = rng.standard_normal((n, rank))
    A = U @ V.T / np.sqrt(rank) + noise * rng.standard_normal((n, n))
    return A / _norm2(A) if unit_norm else A


def gaussian_game(n, seed=0, unit_norm=False):
    A = np.random.default_rng(seed).standard_normal((n, n))
    return A / _norm2(A) if unit_norm else A


def _norm2(A):
    """||A||_2 by Lanczos (a full SVD of a 10^4 x 10^4 matrix takes many minutes)."""
    import scipy.sparse.linalg as spla

    if min(A.shape) <= 500:
        return np.linalg.norm(A, 2)
    v0 = np.random.default_rng(0).standard_normal(min(A.shape))
    return float(spla.svds(A, k=1, return_singular_vectors=False, tol=1e-6, v0=v0)[0])


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


def paper_pb(n, seed=1, theta=0.8):
    """The authors' instance: w = |N(0, 1)| from NumPy's legacy seed, A[i, j] = w_j (1 - e^{-theta |i-j|}),
    and their game min_x max_y y^T A x, i.e. MatrixGame(A.T) here."""
    w = np.abs(np.random.RandomState(seed).randn(n))
    idx = np.arange(n)
    C = 1.0 - np.exp(-theta * np.abs(idx[:, None] - idx[None, :]))
    return (w[None, :] * C).T


def paper_matched(problem, budgets, settings, u0=None, eta=None):
    """Residual in the authors' measure (||u - P(u - eta F(u))||, eta = 1 for games, ||F(u)|| for
    the unconstrained QP) at epoch budgets, for (label, method, options) settings."""
    rows = []
    for label, method, kw in settings:
        marks = []

        def cb(info):
            u, Fu = info["u"], info["Fu"]
            if eta is None:
                r = float(np.linalg.norm(Fu))
            else:
                r = float(np.linalg.norm(u - problem.resolvent(u - eta * Fu, eta)))
            marks.append((info["n_epochs"], r))
            return False

        t0 = time.perf_counter()
        solve(problem, method=method, tol=1e-300, max_epochs=budgets[-1], random_state=0, callback=cb,
              u0=u0, **kw)
        ep = np.array([m[0] for m in marks])
        rs = np.array([m[1] for m in marks])
        rows.append([label, *[float(rs[ep <= b].min()) if np.any(ep <= b) else float("nan") for b in budgets],
                     time.perf_counter() - t0])
    return rows


# --------------------------------------------------------------------------- ports of the authors' scripts
# NumPy re-implementations (our code, numalg's simplex projection) of what
# zephyr-cai/Finite-Sum-Halpern-Iteration's matrix_game.py and quadratic_programming.py run: the same
# instances, start points, steps, uniform single-index / minibatch sampling, epoch counts (a sampled
# row + column counts 2/n of an epoch, a full refresh 1; VR-EG's QP steps 1/n) and residuals (not
# counted), with the snapshot of Algorithm 2's inner loop kept at the outer point as they do.


def _P(v):
    from numalg.monotone._kernels import proj_simplex

    out = np.empty_like(v)
    proj_simplex(np.ascontiguousarray(v), out, 1.0)
    return out


def authors_pb_port(A, epochs, seed=1, fixed_sign=False, alg2_only=False):
    """min_x max_y y^T A x on simplices with the authors' steps, sampling, epoch count and residual
    ||(x - P(x - A^T y), y - P(y + A x))|| (step 1, not counted in epochs).  Returns {method: (epochs, res)}."""
    m, n = A.shape
    assert m == n
    AT = np.ascontiguousarray(A.T)
    op, fro = np.linalg.norm(A, 2), np.linalg.norm(A)
    rs = np.random.RandomState(seed)
    res_of = lambda x, y: float(np.sqrt(np.sum((x - _P(x - AT @ y)) ** 2) + np.sum((y - _P(y + A @ x)) ** 2)))
    x0, y0 = np.ones(n) / n, np.ones(m) / m
    out = {}
    p = 1.0 / n
    alpha = 1 - p
    N = epochs * n
    if not alg2_only:
        # EG and EAG: step 5/||A||_2, one iteration = 2 epochs
        for name, anchored in (("EG", False), ("EAG", True)):
            eta = 5.0 / op
            x, y = x0.copy(), y0.copy()
            ep, rr = [1.0], [res_of(x, y)]
            for i in range(int(epochs // 2)):
                lam = 1.0 / (i + 2) if anchored else 0.0
                bx, by = lam * x0 + (1 - lam) * x, lam * y0 + (1 - lam) * y
                xh, yh = _P(bx - eta * (AT @ y)), _P(by + eta * (A @ x))
                x, y = _P(bx - eta * (AT @ yh)), _P(by + eta * (A @ xh))
                ep.append(2.0 * (i + 1) + 1)
                rr.append(res_of(xh, yh) if not anchored else res_of(x, y))
            out[name] = (np.array(ep), np.array(rr))
        # VR-EG: uniform single index (row and column), p = 1/n, step 3 sqrt(p)/||A||_F; a step counts 2/n
        p = 1.0 / n
        alpha, gamma = 1 - p, 3 * np.sqrt(p) / fro
        x, y = x0.copy(), y0.copy()
        wx, wy = x.copy(), y.copy()
        gx, gy = AT @ wy, -(A @ wx)
        cnt = 0
        ep, rr = [0.0], [res_of(wx, wy)]
        cnt += n
        N = epochs * n
        while cnt < N:
            k = rs.randint(n)
            xx, yy = alpha * x + (1 - alpha) * wx, alpha * y + (1 - alpha) * wy
            xh, yh = _P(xx - gamma * gx), _P(yy - gamma * gy)
            x = _P(xx - gamma * (gx + n * A[k] * (yh[k] - wy[k])))
            y = _P(yy - gamma * (gy - n * AT[k] * (xh[k] - wx[k])))
            cnt += 2
            if rs.rand() < p:
                wx, wy = x.copy(), y.copy()
                gx, gy = AT @ wy, -(A @ wx)
                ep.append(cnt / n)
                rr.append(res_of(wx, wy))
                cnt += n
        out["VR-EG"] = (np.array(ep), np.array(rr))
        # Algorithm 1: PAGE-Halpern, step 5/||A||_F, batch int(sqrt n) without replacement, lambda = 2/(i+4)
        eta, b = 5.0 / fro, int(np.sqrt(n))
        x, y = x0.copy(), y0.copy()
        xp, yp = x.copy(), y.copy()
        gx, gy = np.zeros(n), np.zeros(m)
        cnt, i = 0, 0
        ep, rr = [0.0], [res_of(x, y)]
        while cnt <= N:
            lam = 2.0 / (i + 4)
            if i <= 1:
                full = True
            elif i - 1 <= np.sqrt(n):
                full = rs.rand() < 4.0 / (i + 4)
            else:
                full = rs.rand() < 4.0 / (np.sqrt(n) + 5)
            if full:
                gx, gy = AT @ y, -(A @ x)
                cnt += n
            else:
                B = rs.choice(n, b, replace=False)
                gx = gx + A[B].T @ (y[B] - yp[B]) * (n / b)
                gy = gy - AT[B].T @ (x[B] - xp[B]) * (n / b)
                cnt += 2 * b
            xp, yp = x, y
            x = _P(lam * x0 + (1 - lam) * x - eta * gx)
            y = _P(lam * y0 + (1 - lam) * y - eta * gy)
            if i % 10 == 0:
                ep.append(cnt / n)
                rr.append(res_of(x, y))
            i += 1
        out["Alg. 1"] = (np.array(ep), np.array(rr))
    # Algorithm 2: inexact Halpern, c = sqrt(n)/||A||_F, inner loopless FoRB with the snapshot at the
    # outer point, gamma = 5 sqrt(p(1-p))/(sqrt(n)+1), M = int(0.05 n log(i+2)) single-index steps.
    # The y-block's identity term enters the estimate with the sign of the authors' script (-(v_y - y),
    # where the resolvent's operator has +(v_y - y)); fixed_sign=True uses the correct sign.
    sy = 1.0 if fixed_sign else -1.0
    c = np.sqrt(n) / fro
    gamma = 5 * np.sqrt(p * (1 - p)) / (np.sqrt(n) + 1)
    x, y = x0.copy(), y0.copy()
    cnt, i = 0, 0
    ep, rr = [0.0], [res_of(x, y)]
    while cnt <= N:
        lam = 1.0 / (i + 2)
        M = int(0.05 * n * np.log(i + 2))
        vx, vy = x.copy(), y.copy()
        # snapshot = outer point (x, y): operator values there
        Sy = -c * (A @ x)          # y-part at the snapshot (+ wy - y = 0)
        Sx = c * (AT @ y)          # x-part at the snapshot (+ wx - x = 0)
        for kk in range(M):
            k = rs.randint(n)
            vxx, vyy = alpha * vx + (1 - alpha) * x, alpha * vy + (1 - alpha) * y
            tx = vxx - gamma * (Sx + (c * n * A[k] * (vy[k] - y[k]) + vx - x))
            ty = vyy - gamma * (Sy - c * n * AT[k] * (vx[k] - x[k]) + sy * (vy - y))
            vx, vy = _P(tx), _P(ty)
            cnt += 2
            if rs.rand() < p:
                cnt += n  # the refresh recomputes the operator at the (unchanged) outer point
        x = lam * x0 + (1 - lam) * vx
        y = lam * y0 + (1 - lam) * vy
        ep.append(cnt / n)
        rr.append(res_of(x, y))
        i += 1
    out["Alg. 2" + (" (y sign fixed)" if fixed_sign else "")] = (np.array(ep), np.array(rr))
    return out



def authors_qp_port(n, epochs, seed=1, vr_epochs=None):
    """Ouyang-Xu worst-case QP with the authors' steps, uniform sampling, epoch counts; residual ||F||."""
    H, h, A, b = worst_case_qp_data(n)
    AT = np.ascontiguousarray(A.T)
    HT = np.ascontiguousarray(H.T)
    rs = np.random.RandomState(seed)
    vr_epochs = epochs if vr_epochs is None else vr_epochs

    def F(x, y):
        return H @ x - h - AT @ y, A @ x - b

    def nrm(g):
        return float(np.sqrt(g[0] @ g[0] + g[1] @ g[1]))

    x0 = np.ones(n) / n
    out = {}
    # EG (step 0.5) and EAG (step 0.3): 2 epochs per iteration
    for name, eta, anchored in (("EG", 0.5, False), ("EAG", 0.3, True)):
        x, y = x0.copy(), x0.copy()
        gx, gy = F(x, y)
        ep, rr = [0.0], [nrm((gx, gy))]
        for i in range(int(epochs // 2)):
            lam = 1.0 / (i + 2) if anchored else 0.0
            bx, by = lam * x0 + (1 - lam) * x, lam * x0 + (1 - lam) * y
            hx, hy = F(bx - eta * gx, by - eta * gy)
            x, y = bx - eta * hx, by - eta * hy
            gx, gy = F(x, y)
            ep.append(2.0 * (i + 1))
            rr.append(nrm((hx, hy)) if not anchored else nrm((gx, gy)))
        out[name] = (np.array(ep), np.array(rr))

    def single(x, y, xp, yp, k):
        dx, dy = x[k] - xp[k], y[k] - yp[k]
        return (HT[k] * dx - A[k] * dy) * n, AT[k] * dx * n

    # VR-EG: step 0.01, p = 1/n, single index; the authors count a sampled step 1/n epoch here
    p = 1.0 / n
    alpha, gamma = 1 - p, 0.01
    x, y = x0.copy(), x0.copy()
    wx, wy = x.copy(), y.copy()
    gwx, gwy = F(wx, wy)
    cnt = n
    ep, rr = [0.0], [nrm((gwx, gwy))]
    N = vr_epochs * n
    while cnt < N:
        k = rs.randint(n)
        xx, yy = alpha * x + (1 - alpha) * wx, alpha * y + (1 - alpha) * wy
        xh, yh = xx - gamma * gwx, yy - gamma * gwy
        ex, ey = single(xh, yh, wx, wy, k)
        x, y = xx - gamma * (gwx + ex), yy - gamma * (gwy + ey)
        cnt += 1
        if rs.rand() < p:
            wx, wy = x.copy(), y.copy()
            gwx, gwy = F(wx, wy)
            ep.append(cnt / n)
            rr.append(nrm((gwx, gwy)))
            cnt += n
    out["VR-EG"] = (np.array(ep), np.array(rr))
    # Algorithm 1: step 0.3, batch int(sqrt n) without replacement, lambda = 2/(i+5)
    eta, bs = 0.3, int(np.sqrt(n))
    x, y = x0.copy(), x0.copy()
    xp, yp = x.copy(), y.copy()
    cnt, i = 0, 0
    ep, rr = [0.0], [nrm(F(x, y))]
    N = epochs * n
    gx = gy = None
    while cnt <= N:
        lam = 2.0 / (i + 5)
        if i <= 1:
            full = True
        elif i + 1 <= np.sqrt(n):
            full = rs.rand() < 4.0 / (i + 6)
        else:
            full = rs.rand() < 4.0 / (np.sqrt(n) + 5)
        if full:
            gx, gy = F(x, y)
            cnt += n
        else:
            B = rs.choice(n, bs, replace=False)
            dx, dy = x[B] - xp[B], y[B] - yp[B]
            gx = gx + (HT[B].T @ dx - A[B].T @ dy) * (n / bs)
            gy = gy + (AT[B].T @ dx) * (n / bs)
            cnt += 2 * bs
        xp, yp = x, y
        x = lam * x0 + (1 - lam) * x - eta * gx
        y = lam * x0 + (1 - lam) * y - eta * gy
        if i % n == 0:
            ep.append(cnt / n)
            rr.append(nrm(F(x, y)))
            if not np.isfinite(rr[-1]):
                break
        i += 1
    out["Alg. 1"] = (np.array(ep), np.array(rr))
    # Algorithm 2: c = sqrt n, gamma = 1e-3, p = 1/n, M = int(0.05 n log(i+2)), snapshot at the outer point,
    # one full evaluation per outer iteration (counted), sampled steps counted 2/n
    c, gamma = np.sqrt(n), 1e-3
    x, y = x0.copy(), x0.copy()
    cnt, i = 0, 0
    ep, rr = [0.0], [nrm(F(x, y))]
    N = vr_epochs * n
    while cnt <= N:
        lam = 1.0 / (i + 2)
        M = int(0.05 * n * np.log(i + 2))
        gx, gy = F(x, y)
        cnt += n
        Sx, Sy = c * gx, c * gy
        vx, vy = x.copy(), y.copy()
        for kk in range(M):
            k = rs.randint(n)
            vxx, vyy = alpha * vx + (1 - alpha) * x, alpha * vy + (1 - alpha) * y
            ex, ey = single(vx, vy, x, y, k)
            vx = vxx - gamma * (Sx + c * ex + (vx - x))
            vy = vyy - gamma * (Sy + c * ey + (vy - y))
            cnt += 2
            if rs.rand() < p:
                cnt += n
        x = lam * x0 + (1 - lam) * vx
        y = lam * x0 + (1 - lam) * vy
        ep.append(cnt / n)
        rr.append(nrm(F(x, y)))
        i += 1
    out["Alg. 2"] = (np.array(ep), np.array(rr))
    return out



def print_port(out, budgets, title, label="res"):
    rows = []
    for name, (ep, rr) in out.items():
        # nan where the run stopped before the budget
        rows.append([name, *[float(np.nanmin(rr[ep <= b])) if ep[-1] >= 0.99 * b else float("nan")
                             for b in budgets], float(ep[-1])])
    print_table(["method (faithful port)", *[f"{label} @ {b:g} ep" for b in budgets], "epochs run"], rows, title=title)
    sys.stdout.flush()


def paper_section(quick):
    # 1. Our defaults (theory steps with L = ||P A P||_2, residual with eta = 1/L).
    n_pb = 200 if quick else 500
    A = paper_pb(n_pb)
    game = MatrixGame(A)
    pb_budgets = [50, 200] if quick else [100, 1000, 5000]
    paper_experiment(f"Policeman and burglar {n_pb}x{n_pb}, numalg defaults (||A||_2 = "
                     f"{np.linalg.norm(A, 2):.3g}, L = ||P A P||_2 = {game.lipschitz:.3g})", game, pb_budgets)
    n_qp = 100 if quick else 200
    qp = worst_case_qp(n_qp)
    qp_budgets = [100, 1000] if quick else [1000, 10000, 50000]
    u0_qp = np.r_[np.ones(n_qp) / n_qp, -np.ones(n_qp) / n_qp]  # the authors' start (their y is our -y)
    paper_experiment(f"Worst-case bilinear QP n={n_qp}, numalg defaults", qp, qp_budgets)

    # 2. The authors' settings (zephyr-cai/Finite-Sum-Halpern-Iteration): same instances, start
    # points, step sizes, batch sizes and inner-loop lengths, and their residual measure.
    n = n_pb
    op, fro = np.linalg.norm(A, 2), np.linalg.norm(A)
    N = game.n_components
    p1 = 1.0 / n
    frac1 = 1.0 / n  # one row and one column per step
    gamma2 = 5.0 * np.sqrt(p1 * (1 - p1)) / (np.sqrt(n) + 1)
    settings = [
        ("EG (step 5/|A|_2)", "extragradient", {"step": 5 / op}),
        ("EAG (step 5/|A|_2)", "anchored_extragradient", {"step": 5 / op}),
        ("VR-EG (step 3 sqrt(1/n)/|A|_F, batch 1)", "vr_extragradient",
         {"step": 3 * np.sqrt(p1) / fro, "batch_fraction": frac1}),
        ("Alg. 1 (step 5/|A|_F, batch sqrt n)", "vr_halpern",
         {"variant": "cocoercive", "step": 5 / fro, "batch_fraction": int(np.sqrt(n)) / n, "restart": False}),
        ("Alg. 2 (c = sqrt n/|A|_F, their gamma, batch 1)", "vr_halpern",
         {"variant": "lipschitz", "c": np.sqrt(n) / fro, "step": gamma2, "batch_fraction": frac1,
          "inner_scale": 0.05 * n * min(p1, gamma2 / (1 + gamma2)), "restart": False}),
        ("Alg. 2, same, inner loop at the outer point", "vr_halpern",
         {"variant": "lipschitz", "c": np.sqrt(n) / fro, "step": gamma2, "batch_fraction": frac1,
          "inner_scale": 0.05 * n * min(p1, gamma2 / (1 + gamma2)), "restart": False, "snapshot": "outer",
          "warm_start": False}),
        ("Halpern-PDHG restarted (numalg default)", "halpern", {}),
    ]
    rows = paper_matched(game, pb_budgets, settings, eta=1.0)
    print_table(["method (authors' settings)", *[f"res @ {b:g} ep" for b in pb_budgets], "time [s]"], rows,
                title=f"\nPoliceman and burglar {n}x{n}, the authors' settings and residual "
                      f"||u - P(u - F(u))|| (N = {N} components)")
    m = n_qp
    frac1 = 1.0 / m
    settings = [
        ("EG (step 0.5)", "extragradient", {"step": 0.5}),
        ("EAG (step 0.3)", "anchored_extragradient", {"step": 0.3}),
        ("VR-EG (step 0.01, batch 1)", "vr_extragradient", {"step": 0.01, "batch_fraction": frac1}),
        ("Alg. 1 (step 0.3, batch sqrt n)", "vr_halpern",
         {"variant": "cocoercive", "step": 0.3, "batch_fraction": int(np.sqrt(m)) / m, "restart": False}),
        ("Alg. 2 (c = sqrt n, step 1e-3, batch 1)", "vr_halpern",
         {"variant": "lipschitz", "c": np.sqrt(m), "step": 1e-3, "batch_fraction": frac1,
          "inner_scale": 0.05 * m * min(1.0 / m, 1e-3 / 1.001), "restart": False}),
        ("Alg. 2, same, inner loop at the outer point", "vr_halpern",
         {"variant": "lipschitz", "c": np.sqrt(m), "step": 1e-3, "batch_fraction": frac1,
          "inner_scale": 0.05 * m * min(1.0 / m, 1e-3 / 1.001), "restart": False, "snapshot": "outer",
          "warm_start": False}),
        ("Halpern restarted (numalg default)", "halpern", {}),
    ]
    rows = paper_matched(qp, qp_budgets, settings, u0=u0_qp)
    print_table(["method (authors' settings)", *[f"||F|| @ {b:g} ep" for b in qp_budgets], "time [s]"], rows,
                title=f"\nWorst-case bilinear QP n={m}, the authors' settings and start (ones/n), residual ||F(u)||")

    # 3. Faithful ports of the authors' scripts (their sampling, snapshot and epoch count)
    E = 1000 if quick else 5000
    t0 = time.perf_counter()
    out = authors_pb_port(A.T, E)
    out.update(authors_pb_port(A.T, E, fixed_sign=True, alg2_only=True))
    print_port(out, [b for b in (100, 500, 1000, 2000, 5000) if b <= E],
               f"\nPoliceman and burglar {n}x{n}, a faithful port of the authors' script, residual "
               f"||u - P(u - F(u))|| ({time.perf_counter() - t0:.0f} s)")
    E, VE = (3000, 3000) if quick else (50000, 10000)
    t0 = time.perf_counter()
    out = authors_qp_port(m, E, vr_epochs=VE)
    print_port(out, [b for b in (1000, 3000, 10000, 50000) if b <= E],
               f"\nWorst-case bilinear QP n={m}, a faithful port of the authors' script, residual ||F(u)|| "
               f"(VR-EG and Alg. 2 run {VE} epochs: pure-Python single-index steps; {time.perf_counter() - t0:.0f} s)",
               label="||F||")


LOWRANK_METHODS = [("EAG", "anchored_extragradient", {}),
                   ("Halpern", "halpern", {"restart": False}),
                   ("Halpern-R", "halpern", {}),
                   ("VR-Halpern", "vr_halpern", {"restart": False}),
                   ("VR-Halpern-R", "vr_halpern", {})]


def at_budgets(sizes, make, label, budgets, tol=1e-4, methods=LOWRANK_METHODS):
    """Epochs and seconds to residual tol (inf: not within the budget), and the best residual within
    equal epoch budgets, for games with entries O(1) (no rescaling)."""
    for n in sizes:
        A = make(n)
        game = MatrixGame(A)
        Ac = A - A.mean(axis=0) - A.mean(axis=1)[:, None] + A.mean()
        pred = np.sqrt(2.0 / n) * np.linalg.norm(Ac) / game.lipschitz
        del Ac
        marks = [b for b in (10, 30, 100, 300, 1000, 3000, 10000) if b <= budgets[n]]
        rows = []
        for key, method, kw in methods:
            t0 = time.perf_counter()
            res = solve(game, method=method, tol=tol, max_epochs=budgets[n], random_state=0, **kw)
            t = time.perf_counter() - t0
            h = res.history
            rows.append([key, res.n_epochs if res.converged else float("inf"), t,
                         *[float(h["residual"][h["epochs"] <= b].min()) for b in marks]])
        print_table(["method", f"epochs to {tol:g}", "seconds", *[f"res @ {b} ep" for b in marks]], rows,
                    title=f"\n{label} n={n} (entries O(1); L = {game.lipschitz:.4g}, residual at the uniform "
                          f"start {game.residual(game.initial_point()):.3g}, sqrt(2/n)|A|F/|A|2 = {pred:.3f}; "
                          f"budget {budgets[n]:g} epochs)")
        sys.stdout.flush()
        del A, game


def lowrank_section(quick, tune=False):
    # The games, unscaled: A = U V^T / sqrt(r) + 0.01 G with N(0, 1) factors, entries O(1)
    # as in the Gaussian and HiGHS games; the residual target 1e-4 is absolute (eta = 1/L), as the
    # issue states it.  Budgets shrink with n (an epoch at n = 10^4 costs ~0.1 s).
    lr = lambda n: low_rank_game(n, 5, 0.01)  # noqa: E731
    sizes = [1000] if quick else [1000, 3000, 10000]
    budgets = {1000: 300 if quick else 3000, 3000: 1000, 10000: 300}
    at_budgets(sizes, lr, "low-rank r=5 + 0.01 noise", budgets)
    at_budgets([500] if quick else [1000, 3000], gaussian_game, "Gaussian",
               {500: 300, 1000: 3000, 3000: 1000})
    if tune:
        # algorithm settings tried on the low-rank game (n = 1000): batch and resolvent parameter
        grid = [("VR-Halpern-R (default)", "vr_halpern", {}),
                ("batch_fraction 0.004", "vr_halpern", {"batch_fraction": 0.004}),
                ("batch_fraction 0.004, c_scale 4", "vr_halpern", {"batch_fraction": 0.004, "c_scale": 4}),
                ("batch_fraction 0.004, c_scale 16", "vr_halpern", {"batch_fraction": 0.004, "c_scale": 16}),
                ("c_scale 16, inner_scale 1", "vr_halpern", {"c_scale": 16, "inner_scale": 1}),
                ("VR-EG batch_fraction 0.003", "vr_extragradient", {"batch_fraction": 0.003})]
        at_budgets([1000], lr, "low-rank r=5 + 0.01 noise, VR settings", {1000: 3000}, methods=grid)
    # The previous sessions' normalisation ||A||_2 = 1, for comparison (see low_rank_game)
    lr1 = lambda n: low_rank_game(n, 5, 0.01, unit_norm=True)  # noqa: E731
    to_target([1000] if quick else [1000, 3000, 10000], lr1, "low-rank r=5, ||A||_2 = 1", tol=1e-4)
    to_target([500] if quick else [1000, 3000], lambda n: gaussian_game(n, unit_norm=True),
              "Gaussian, ||A||_2 = 1", tol=1e-4)


def kernel_costs(quick):
    """Seconds per epoch of the compiled kernels against two BLAS/scipy products A @ y, A.T @ x."""
    from numalg.monotone import _kernels

    rng = np.random.default_rng(0)
    cases = [("dense 1000", rng.standard_normal((1000, 1000)))]
    if not quick:
        cases += [("dense 3000", rng.standard_normal((3000, 3000))),
                  ("sparse 1e5 x 1e5, 1e6 nnz", sparse_game(100_000, 1_000_000))]
    rows = []
    for label, A in cases:
        game = MatrixGame(A, lipschitz=1.0)
        oracle = game._oracle()
        G = oracle.game
        m, n = A.shape
        x, y = np.full(m, 1.0 / m), np.full(n, 1.0 / n)
        t_two = min(_timeit(lambda: (A @ y, A.T @ x)) for _ in range(5))
        u = game.initial_point()
        out = np.empty(m + n)
        t_full = min(_timeit(lambda: G.full(u, out)) for _ in range(5))
        for mult in (1, 4):
            oracle.set_batch(mult / np.sqrt(m + n))
            by, bx = oracle.blocks[0].batch, oracle.blocks[1].batch
            # an iterate like the solver's: half uniform, half on 50 pure strategies per player
            z = np.zeros(m + n)
            z[rng.integers(0, m, 50)] = 1.0 / 50
            z[m + rng.integers(0, n, 50)] = 1.0 / 50
            z = 0.5 * z + 0.5 * u
            steps = 400
            rand, coin = rng.random(steps * (bx + by)), rng.random(steps)
            dt = np.inf
            for _ in range(5):  # best of 5 runs of the same 400 steps from the same state
                zz, w, wp, Fw = z.copy(), u.copy(), u.copy(), G.full(u)
                t0 = time.perf_counter()
                touched, nref = _kernels.game_forb(*G.args, G.c0, u, zz, w, wp, Fw, steps, bx, by, 0.99, 0.01,
                                                   10.0, 0.0, rand, coin)
                dt = min(dt, time.perf_counter() - t0)
            epochs = touched / oracle.nnz + nref
            rows.append([label, f"{bx}+{by}", t_two * 1e3, t_full / t_two, dt / epochs / t_two])
    print_table(["game", "batch (cols+rows)", "two A@v [ms]", "full epoch / two A@v",
                 "sampled epoch / two A@v"], rows,
                title="\nKernel cost: a full evaluation, and sampled VR-FoRB steps per epoch of work "
                      "(dense: BLAS dgemv; sparse: CSR/CSC loops)")


def _timeit(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="reduced sizes")
    parser.add_argument("--only", choices=["kernel", "paper", "lowrank", "highs", "svc"], default=None,
                        help="run one section")
    parser.add_argument("--tune", action="store_true",
                        help="lowrank: also the VR settings grid on the n = 1000 game")
    parser.add_argument("--time-limit", type=float, default=600.0,
                        help="HiGHS time limit and numalg time cap per game, seconds")
    args = parser.parse_args(argv)
    quick = args.quick

    if args.only in (None, "kernel"):
        kernel_costs(quick)
    if args.only in (None, "paper"):
        paper_section(quick)
    if args.only in (None, "lowrank"):
        lowrank_section(quick, tune=args.tune)
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
