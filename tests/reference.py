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


# ----------------------------------------------------------------- monotone ---


# ---------------------------------------------------------------------- sor ---


# --------------------------------------------------------------- completion ---


# ---------------------------------------------------------------- sequences ---
