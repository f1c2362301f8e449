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


# ---------------------------------------------------------------------- sor ---


# --------------------------------------------------------------- completion ---


# ---------------------------------------------------------------- sequences ---
