"""Tour entry of the transport family."""

import time

import numpy as np

from .._tour import TourRow
from ._problems import digits_pair
from ._solvers import sinkhorn, sinkhorn_newton_sparse


def tour() -> TourRow:
    a, b, M = digits_pair(0, 1, metric="sqeuclidean")
    reg = 1e-3
    t0 = time.perf_counter()
    res = sinkhorn_newton_sparse(a, b, M, reg, tol=1e-9)
    t = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = sinkhorn(a, b, M, reg, tol=1e-9, log_domain=False)
    t_ref = time.perf_counter() - t0
    err = float(np.abs(res.plan - ref.plan).sum())
    return TourRow(
        family="transport",
        problem="digits 0->1 as densities, sq. L2, reg=1e-3 (plan L1 diff)",
        size=f"n=m={M.shape[0]}",
        result=f"SNS {res.n_sinkhorn_iter}+{res.n_newton_iter} it, err {res.marginal_error:.0e}",
        error=err,
        time=t,
        speedup=t_ref / t,
        note=f"reference: numalg's own Sinkhorn ({ref.n_iter} sweeps to the same marginal error 1e-9)",
    )
