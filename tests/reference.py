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
