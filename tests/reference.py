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
