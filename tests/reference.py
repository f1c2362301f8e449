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


def walsh_signal(support, values, m) -> np.ndarray:
    """signal(m) = sum_k X_k (-1)^popcount(m & k), term by term with Python integers."""
    out = []
    for mi in np.asarray(m, dtype=np.uint64).tolist():
        out.append(sum(v * (-1) ** bin(int(mi) & int(k)).count("1") for k, v in zip(support, values)))
    return np.asarray(out, dtype=np.float64)


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
