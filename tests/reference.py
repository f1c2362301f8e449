"""Dense and naive reference implementations, written for clarity, not speed.

Never imported by the library: the tests compare numalg against these.  One
section per family, in the order of ``numalg.FAMILIES``.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------- transport ---


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


# ------------------------------------------------------------------ hamming ---


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


# ---------------------------------------------------------------------- sor ---


# --------------------------------------------------------------- completion ---


# ---------------------------------------------------------------- sequences ---
