"""Dense and naive reference implementations, written for clarity, not speed.

Never imported by the library: the tests compare numalg against these.  One
section per family, in the order of ``numalg.FAMILIES``.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------- transport ---


def ot_exact_lp(a, b, M):
    """Exact optimal transport cost and plan by linear programming (HiGHS)."""
    from scipy.optimize import linprog

    a = np.asarray(a, float)
    b = np.asarray(b, float)
    M = np.asarray(M, float)
    n, m = M.shape
    A_eq = np.zeros((n + m, n * m))
    for i in range(n):
        A_eq[i, i * m:(i + 1) * m] = 1.0
    for j in range(m):
        A_eq[n + j, j::m] = 1.0
    b_eq = np.concatenate([a, b * a.sum() / b.sum()])
    res = linprog(M.ravel(), A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    return float(res.fun), res.x.reshape(n, m)


def sinkhorn_dense(a, b, M, reg, *, tol=1e-12, max_iter=200_000):
    """Plain log-domain Sinkhorn with scipy's logsumexp; returns (plan, f, g)."""
    from scipy.special import logsumexp

    a = np.asarray(a, float)
    b = np.asarray(b, float)
    M = np.asarray(M, float)
    f = np.zeros(len(a))
    g = np.zeros(len(b))
    for _ in range(max_iter):
        f = reg * np.log(a) - reg * logsumexp((g[None, :] - M) / reg, axis=1)
        g = reg * np.log(b) - reg * logsumexp((f[:, None] - M) / reg, axis=0)
        P = np.exp((f[:, None] + g[None, :] - M) / reg)
        if np.abs(P.sum(1) - a).sum() <= tol:
            break
    return P, f, g


def entropic_objective(P, M, reg):
    """<M, P> + reg * sum P (log P - 1), with 0 log 0 = 0."""
    P = np.asarray(P, float)
    logP = np.log(np.where(P > 0, P, 1.0))
    return float(np.sum(M * P) + reg * np.sum(P * (logP - 1.0)))



# ----------------------------------------------------------------- hadamard ---


def hadamard_matrix(n: int) -> np.ndarray:
    """The Sylvester Hadamard matrix H_n, built entry by entry from its definition."""
    idx = np.arange(n)
    popcount = np.vectorize(lambda v: bin(int(v)).count("1"))
    return (-1.0) ** popcount(idx[:, None] & idx[None, :])


def fwht_dense(x: np.ndarray) -> np.ndarray:
    """Walsh-Hadamard transform along the last axis by a dense product."""
    x = np.asarray(x, dtype=np.float64)
    return x @ hadamard_matrix(x.shape[-1]).T


def walsh_signal(support, values, m) -> np.ndarray:
    """signal(m) = sum_k X_k (-1)^popcount(m & k), term by term with Python integers."""
    out = []
    for mi in np.asarray(m, dtype=np.uint64).tolist():
        out.append(sum(v * (-1) ** bin(int(mi) & int(k)).count("1") for k, v in zip(support, values)))
    return np.asarray(out, dtype=np.float64)


# ------------------------------------------------------------------ hamming ---


def _symbols(x):
    if isinstance(x, str):
        return [ord(ch) for ch in x]
    if isinstance(x, (bytes, bytearray)):
        return list(x)
    return [int(v) for v in np.asarray(x).tolist()]


def hamming_distances_naive(text, pattern, wildcard=None):
    """D[i] = #{j : text[i+j] != pattern[j]}, a wildcard matching everything."""
    t, p = _symbols(text), _symbols(pattern)
    if isinstance(wildcard, str):
        wildcard = ord(wildcard)
    elif isinstance(wildcard, (bytes, bytearray)):
        wildcard = wildcard[0]
    n, m = len(t), len(p)
    out = np.zeros(n - m + 1, dtype=np.int64)
    for i in range(n - m + 1):
        out[i] = sum(
            1
            for j in range(m)
            if t[i + j] != p[j] and t[i + j] != wildcard and p[j] != wildcard
        )
    return out



# ---------------------------------------------------------------------- bcd ---


def bcd_primal(X, y, w, b, l1, l2, h=None, nonneg=False):
    """Weighted least squares objective 1/2 sum h_i (y_i - x_i w - b)^2 + l1|w|_1 + l2/2|w|^2."""
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=float)
    n = X.shape[0]
    h = np.full(n, 1.0 / n) if h is None else np.asarray(h) / np.sum(h)
    r = y - X @ w - b
    if nonneg and np.any(w < -1e-12):
        return np.inf
    return 0.5 * np.sum(h * r * r) + l1 * np.abs(w).sum() + 0.5 * l2 * np.sum(w * w)


def bcd_ls_closed_form(X, y, l2, h=None, fit_intercept=False):
    """Ridge/least-squares minimiser by the normal equations (full column rank or l2 > 0)."""
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=float)
    n, p = X.shape
    h = np.full(n, 1.0 / n) if h is None else np.asarray(h) / np.sum(h)
    if fit_intercept:
        xm, ym = h @ X, h @ y
        Xc, yc = X - xm, y - ym
    else:
        Xc, yc = X, y
    w = np.linalg.solve(Xc.T @ (h[:, None] * Xc) + l2 * np.eye(p), Xc.T @ (h * yc))
    b = float(ym - xm @ w) if fit_intercept else 0.0
    return w, b


def bcd_ls_minimize(X, y, l1, l2, h=None, fit_intercept=False, nonneg=False):
    """Elastic-net least squares by scipy.optimize.minimize (returns w, b, objective)."""
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=float)
    n, p = X.shape
    h = np.full(n, 1.0 / n) if h is None else np.asarray(h) / np.sum(h)

    from scipy.optimize import minimize

    def obj(z):
        u, v, e = z[:p], z[p:2 * p], z[2 * p:]
        w = u - v
        b = e[0] if fit_intercept else 0.0
        r = y - X @ w - b
        f = 0.5 * np.sum(h * r * r) + 0.5 * l2 * w @ w + l1 * (u.sum() + v.sum())
        g = -X.T @ (h * r) + l2 * w
        ge = np.array([-np.sum(h * r)]) if fit_intercept else np.zeros(0)
        return f, np.concatenate([g + l1, -g + l1, ge])

    bounds = [(0, None)] * p + ([(0, 0)] * p if nonneg else [(0, None)] * p) + [(None, None)] * int(fit_intercept)
    res = minimize(obj, np.zeros(2 * p + int(fit_intercept)), jac=True, method="L-BFGS-B",
                   bounds=bounds, options={"ftol": 1e-16, "gtol": 1e-13, "maxiter": 50000, "maxcor": 50})
    z = res.x
    w = z[:p] - z[p:2 * p]
    b = z[2 * p] if fit_intercept else 0.0
    return w, b, bcd_primal(X, y, w, b, l1, l2, h)


def bcd_logistic_objective(X, y, w, b, l1, l2, h=None):
    """sum h_i log(1 + exp(-y_i (x_i w + b))) + l1 |w|_1 + l2/2 |w|^2 with y in {-1, 1}."""
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=float)
    n = X.shape[0]
    h = np.full(n, 1.0 / n) if h is None else np.asarray(h) / np.sum(h)
    return float(h @ np.logaddexp(0, -y * (X @ w + b)) + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w)


def bcd_logistic_minimize(X, y, l1, l2, h=None, fit_intercept=False):
    """L1/L2 logistic regression by scipy.optimize.minimize on the split variables."""
    from scipy.optimize import minimize
    from scipy.special import expit

    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=float)
    n, p = X.shape
    h = np.full(n, 1.0 / n) if h is None else np.asarray(h) / np.sum(h)

    def obj(z):
        u, v = z[:p], z[p:2 * p]
        b = z[2 * p] if fit_intercept else 0.0
        w = u - v
        m = y * (X @ w + b)
        f = float(h @ np.logaddexp(0, -m)) + 0.5 * l2 * w @ w + l1 * (u.sum() + v.sum())
        s = -h * y * expit(-m)
        g = X.T @ s + l2 * w
        ge = np.array([s.sum()]) if fit_intercept else np.zeros(0)
        return f, np.concatenate([g + l1, -g + l1, ge])

    bounds = [(0, None)] * (2 * p) + [(None, None)] * int(fit_intercept)
    res = minimize(obj, np.zeros(2 * p + int(fit_intercept)), jac=True, method="L-BFGS-B",
                   bounds=bounds, options={"ftol": 1e-16, "gtol": 1e-13, "maxiter": 50000, "maxcor": 50})
    z = res.x
    w = z[:p] - z[p:2 * p]
    b = z[2 * p] if fit_intercept else 0.0
    return w, b, bcd_logistic_objective(X, y, w, b, l1, l2, h)


def bcd_multinomial_objective(X, y, W, b, l2, h=None):
    """-sum h_i log softmax(x_i W + b)_{y_i} + l2/2 ||W||^2."""
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=float)
    n = X.shape[0]
    h = np.full(n, 1.0 / n) if h is None else np.asarray(h) / np.sum(h)
    Z = X @ W + b
    Zm = Z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(Z - Zm).sum(axis=1)) + Zm[:, 0]
    return float(h @ (lse - Z[np.arange(n), y])) + 0.5 * l2 * float(np.sum(W * W))


def bcd_multinomial_minimize(X, y, K, l2, fit_intercept=False):
    """Smooth multinomial logistic regression by L-BFGS (returns the objective)."""
    from scipy.optimize import minimize

    X = np.asarray(X, dtype=float)
    n, p = X.shape
    Y = np.eye(K)[y]

    def obj(z):
        W = z[: p * K].reshape(p, K)
        b = z[p * K:] if fit_intercept else np.zeros(K)
        Z = X @ W + b
        Zm = Z - Z.max(axis=1, keepdims=True)
        P = np.exp(Zm)
        P /= P.sum(axis=1, keepdims=True)
        f = bcd_multinomial_objective(X, y, W, b, l2)
        R = (P - Y) / n
        g = (X.T @ R + l2 * W).ravel()
        return f, np.concatenate([g, R.sum(axis=0) if fit_intercept else np.zeros(0)])

    res = minimize(obj, np.zeros(p * K + K * int(fit_intercept)), jac=True, method="L-BFGS-B",
                   options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 50000, "maxcor": 50})
    return res.fun


def bcd_harmonic(W, labelled, y):
    """Harmonic solution of label propagation by a dense solve of L_UU x_U = -L_UL y_L."""
    W = np.asarray(W.toarray() if hasattr(W, "toarray") else W, dtype=float)
    W = W - np.diag(np.diag(W))
    L = np.diag(W.sum(axis=1)) - W
    U = ~labelled
    x = np.array(y, dtype=float, copy=True)
    x[U] = np.linalg.solve(L[np.ix_(U, U)], -L[np.ix_(U, labelled)] @ x[labelled])
    return x


def bcd_block_solve(A, block, rhs):
    """Dense solve of A[block, block] x = rhs."""
    A = np.asarray(A.toarray() if hasattr(A, "toarray") else A, dtype=float)
    return np.linalg.solve(A[np.ix_(block, block)], rhs)


def bcd_coordinate_step(b, g, L, l1, l2, nonneg):
    """Exact minimiser over d of g d + L/2 d^2 + l1|b + d| + l2/2 (b + d)^2 (+ b + d >= 0),
    by brute force over the candidate points (the stationary points of each smooth piece)."""
    def phi(x):
        if nonneg and x < 0:
            return np.inf
        d = x - b
        return g * d + 0.5 * L * d * d + l1 * abs(x) + 0.5 * l2 * x * x

    c = L + l2
    cands = [0.0]
    if c > 0:
        for s in (1.0, -1.0):
            x = (L * b - g - s * l1) / c
            if (x > 0) == (s > 0):
                cands.append(x)
    return min(cands, key=phi)


def bcd_scores(rule, w, g, L, l1, l2, nonneg):
    """Greedy scores from their definitions: GS (min-norm subgradient), GSL/GSD
    (sqrt(L + l2) times the exact proximal step length, GS-r) and GSQ (its decrease, GS-q)."""
    out = np.empty(w.size)
    for j in range(w.size):
        b = w[j]
        if rule == "gs":
            # distance from 0 to g + l2 b + l1 * subdiff|b| (+ normal cone of x >= 0)
            s = g[j] + l2 * b
            if b != 0:
                out[j] = abs(s + l1 * np.sign(b))
            else:
                lo, hi = s - l1, s + l1
                if nonneg:
                    lo = -np.inf
                out[j] = 0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi))
            continue
        x = bcd_coordinate_step(b, g[j], L[j], l1, l2, nonneg)
        d = x - b
        if rule == "gsq":
            out[j] = max(-(g[j] * d + 0.5 * L[j] * d * d + l1 * (abs(x) - abs(b))
                           + 0.5 * l2 * (x * x - b * b)), 0.0)
        else:
            out[j] = np.sqrt(L[j] + l2) * abs(d)
    return out


# ----------------------------------------------------------------- monotone ---


def project_simplex_qp(v, radius=1.0):
    """Euclidean projection onto {x >= 0, sum x = radius} as a QP (SLSQP), for clarity."""
    import numpy as np
    from scipy.optimize import minimize

    v = np.asarray(v, dtype=float)
    d = v.size
    x0 = np.full(d, radius / d)
    res = minimize(
        lambda x: 0.5 * np.sum((x - v) ** 2),
        x0,
        jac=lambda x: x - v,
        bounds=[(0, None)] * d,
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - radius, "jac": lambda x: np.ones(d)}],
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    return res.x


def project_simplex_bisection(v, radius=1.0):
    """The projection as max(v - tau, 0) with tau found by bisection on sum = radius."""
    import numpy as np

    v = np.asarray(v, dtype=float)
    lo, hi = v.min() - radius, v.max()
    for _ in range(200):
        tau = 0.5 * (lo + hi)
        if np.maximum(v - tau, 0).sum() > radius:
            lo = tau
        else:
            hi = tau
    return np.maximum(v - 0.5 * (lo + hi), 0)


def matrix_game_lp(A):
    """Value and optimal strategies of min_x max_y x^T A y by HiGHS on the two LPs."""
    import numpy as np
    from scipy.optimize import linprog

    A = np.asarray(A, dtype=float)
    m, n = A.shape
    # row player: min v s.t. A^T x <= v 1, x in simplex
    r = linprog(np.r_[np.zeros(m), 1.0], A_ub=np.c_[A.T, -np.ones(n)], b_ub=np.zeros(n),
                A_eq=np.r_[np.ones(m), 0.0][None], b_eq=[1.0],
                bounds=[(0, None)] * m + [(None, None)], method="highs")
    # column player: max w s.t. A y >= w 1, y in simplex
    c = linprog(np.r_[np.zeros(n), -1.0], A_ub=np.c_[-A, np.ones(m)], b_ub=np.zeros(m),
                A_eq=np.r_[np.ones(n), 0.0][None], b_eq=[1.0],
                bounds=[(0, None)] * n + [(None, None)], method="highs")
    return r.fun, r.x[:m], c.x[:n]


def game_gap(A, x, y):
    """Duality gap max_j (A^T x)_j - min_i (A y)_i."""
    import numpy as np

    A = np.asarray(A, dtype=float)
    return float(np.max(A.T @ x) - np.min(A @ y))



# ---------------------------------------------------------------------- sor ---


def sor_dense(A, b, omega, x0, n_sweeps, sweep="forward"):
    """SOR by its definition on a dense matrix: solve (D/omega + L) dx = r per sweep.

    ``sweep="backward"`` uses (D/omega + U); ``"symmetric"`` does one forward
    then one backward step per sweep.
    """
    A = np.asarray(A, dtype=float)
    D = np.diag(np.diag(A))
    L, U = np.tril(A, -1), np.triu(A, 1)
    x = np.array(x0, dtype=float)
    steps = {"forward": ["f"], "backward": ["b"], "symmetric": ["f", "b"]}[sweep]
    for _ in range(n_sweeps):
        for s in steps:
            M = D / omega + (L if s == "f" else U)
            x = x + np.linalg.solve(M, b - A @ x)
    return x


def gauss_seidel_dense(A, b, x0, n_sweeps):
    """Gauss-Seidel written element by element (the textbook loop)."""
    A = np.asarray(A, dtype=float)
    x = np.array(x0, dtype=float)
    n = len(b)
    for _ in range(n_sweeps):
        for i in range(n):
            s = b[i] - A[i, :i] @ x[:i] - A[i, i + 1:] @ x[i + 1:]
            x[i] = s / A[i, i]
    return x


def ssor_preconditioner_dense(A, omega):
    """M = (D + w L) D^-1 (D + w L)^T / (w (2 - w)) as a dense matrix."""
    A = np.asarray(A, dtype=float)
    D = np.diag(np.diag(A))
    X = D + omega * np.tril(A, -1)
    return X @ np.linalg.inv(D) @ X.T / (omega * (2.0 - omega))


def tsallis_inf_dense(losses, eta):
    """1/2-Tsallis FTRL distribution: the normaliser x < min L of
    sum_i 4 / (eta (L_i - x))^2 = 1 found by bracketing (brentq)."""
    from scipy.optimize import brentq

    L = np.asarray(losses, dtype=float)
    lo_x = L.min() - 2.0 * np.sqrt(len(L)) / eta - 1.0
    hi_x = L.min() - 1e-15 * max(1.0, abs(L.min())) - 1e-300

    def f(x):
        return np.sum(4.0 / (eta * (L - x)) ** 2) - 1.0

    hi_x = L.min() - 2.0 / eta * 0.999  # f(hi_x) > 0: the best arm alone exceeds 1
    x = brentq(f, lo_x, hi_x, xtol=1e-15, rtol=1e-15, maxiter=500)
    return 4.0 / (eta * (L - x)) ** 2


# --------------------------------------------------------------- completion ---


def low_rank_problem(m, n, k, n_obs, seed=0):
    """A random incoherent rank-k matrix (Gaussian factors) and n_obs distinct observed entries."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((m, k)) @ rng.standard_normal((k, n))
    lin = rng.choice(m * n, size=n_obs, replace=False)
    rows, cols = np.divmod(lin, n)
    return M, rows, cols, M[rows, cols]


def truncated_svd(M, k):
    """The best rank-k approximation of a dense M (Eckart-Young)."""
    u, s, vt = np.linalg.svd(M, full_matrices=False)
    return (u[:, :k] * s[:k]) @ vt[:k]


def row_lstsq(F, cols, values, reg=0.0):
    """argmin_x ||F[cols] x - values||^2 + reg ||x||^2 by numpy.linalg.lstsq."""
    A = F[cols]
    b = np.asarray(values, dtype=np.float64)
    if reg > 0:
        k = F.shape[1]
        A = np.vstack([A, np.sqrt(reg) * np.eye(k)])
        b = np.concatenate([b, np.zeros(k)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


def altmin_dense(M, mask, k, n_iter=100):
    """Plain alternating least squares on a dense masked matrix, row by row with lstsq.

    Starts from the top-k left singular vectors of the rescaled masked matrix.
    """
    m, n = M.shape
    p = mask.mean()
    U = np.linalg.svd(np.where(mask, M, 0.0) / p, full_matrices=False)[0][:, :k]
    V = np.zeros((n, k))
    for _ in range(n_iter):
        for j in range(n):
            V[j] = row_lstsq(U, np.flatnonzero(mask[:, j]), M[mask[:, j], j])
        for i in range(m):
            U[i] = row_lstsq(V, np.flatnonzero(mask[i]), M[i, mask[i]])
    return U @ V.T


# ---------------------------------------------------------------- sequences ---


def _solve_consistent(rows, rhs, inv, sub, mul, is_zero):
    """Gauss-Jordan on an augmented system; a solution (free unknowns 0) or None."""
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    A = [list(r) + [b] for r, b in zip(rows, rhs)]
    pivots = []
    r = 0
    for c in range(n_cols):
        piv = next((i for i in range(r, n_rows) if not is_zero(A[i][c])), None)
        if piv is None:
            continue
        A[r], A[piv] = A[piv], A[r]
        f = inv(A[r][c])
        A[r] = [mul(v, f) for v in A[r]]
        for i in range(n_rows):
            if i != r and not is_zero(A[i][c]):
                g = A[i][c]
                A[i] = [sub(a, mul(g, b)) for a, b in zip(A[i], A[r])]
        pivots.append(c)
        r += 1
    if any(not is_zero(A[i][n_cols]) for i in range(r, n_rows)):
        return None
    x = [A[0][0] * 0 if A else 0] * n_cols
    for i, c in enumerate(pivots):
        x[c] = A[i][n_cols]
    return x


def shortest_recurrence(seq, modulus=None):
    """Linear complexity and connection polynomial by Gaussian elimination.

    For L = 0, 1, ...: is there (c_1..c_L) with s_n = -sum_i c_i s_{n-i} for all
    n >= L?  Over the rationals with Fractions, over GF(p) with ints mod p.
    Returns (L, [1, c_1, ..., c_L]) for the smallest such L.
    """
    from fractions import Fraction

    if modulus is None:
        s = [Fraction(v) for v in seq]
        ops = dict(inv=lambda a: 1 / a, sub=lambda a, b: a - b, mul=lambda a, b: a * b,
                   is_zero=lambda a: a == 0)
        neg = lambda a: -a  # noqa: E731
    else:
        p = modulus
        s = [int(v) % p for v in seq]
        ops = dict(inv=lambda a: pow(a, p - 2, p), sub=lambda a, b: (a - b) % p,
                   mul=lambda a, b: (a * b) % p, is_zero=lambda a: a % p == 0)
        neg = lambda a: (-a) % p  # noqa: E731
    N = len(s)
    for L in range(0, N + 1):
        if L == 0:
            if all(v == 0 for v in s):
                return 0, [1]
            continue
        rows = [[s[n - i] for i in range(1, L + 1)] for n in range(L, N)]
        rhs = [neg(s[n]) for n in range(L, N)]
        if not rows:
            return L, [1] + [0] * L
        x = _solve_consistent(rows, rhs, **ops)
        if x is not None:
            return L, [1] + list(x)
    return N, [1] + [0] * N


def simple_cf_of_fraction(x):
    """The simple continued fraction of a Fraction, by the textbook Euclid loop."""
    from fractions import Fraction

    x = Fraction(x)
    out = []
    while True:
        a = x.numerator // x.denominator
        out.append(a)
        r = x - a
        if r == 0:
            return out
        x = 1 / r
