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


# ------------------------------------------------------------------ hamming ---


# ---------------------------------------------------------------------- bcd ---


# ----------------------------------------------------------------- monotone ---


# ---------------------------------------------------------------------- sor ---


# --------------------------------------------------------------- completion ---


# ---------------------------------------------------------------- sequences ---
