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


# --------------------------------------------------------------- completion ---


# ---------------------------------------------------------------- sequences ---
