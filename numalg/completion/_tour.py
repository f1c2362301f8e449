"""Tour entry of the completion family."""

import time

import numpy as np

from .._tour import TourRow
from ._solvers import complete_matrix


def _synthetic_row(note):
    n, k = 2000, 10
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, k)), rng.standard_normal((n, k))
    n_obs = 5 * k * (2 * n - k)
    lin = rng.choice(n * n, size=n_obs, replace=False)
    rows, cols = np.divmod(lin, n)
    vals = np.einsum("ij,ij->i", A[rows], B[cols])
    t0 = time.perf_counter()
    res = complete_matrix(rows, cols, vals, (n, n), k, random_state=0)
    t = time.perf_counter() - t0
    M = A @ B.T
    err = float(np.linalg.norm(res.U @ res.V.T - M) / np.linalg.norm(M))
    return TourRow(
        family="completion",
        problem="recover rank-10 matrix from 5x dof entries (rel. Frobenius error)",
        size=f"{n}x{n}, |Omega|={n_obs}",
        result=f"{res.n_iter} sweeps",
        error=err,
        time=t,
        speedup=float("nan"),
        note=note,
    )


def tour() -> TourRow:
    return _synthetic_row("reference: the true low-rank matrix")
