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


# ---------------------------------------------------------------- sequences ---
