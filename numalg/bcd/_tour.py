"""Tour entry of the bcd family: Lasso on the illc1850 design matrix vs scikit-learn."""

import os
import time
import warnings

import numpy as np

from .._tour import TourRow


def illc1850_problem(seed=0, n_nonzero=20, noise=0.01):
    """The illc1850 matrix (SciPy's PROPACK test data) with a planted sparse signal."""
    import scipy.sparse as sp
    import scipy.sparse.linalg

    path = os.path.join(os.path.dirname(scipy.sparse.linalg.__file__), "tests", "propack_test_data.npz")
    X = sp.csc_array(np.load(path, allow_pickle=True)["A_real"].item())
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    w[rng.choice(X.shape[1], n_nonzero, replace=False)] = rng.standard_normal(n_nonzero)
    y = X @ w + noise * rng.standard_normal(X.shape[0])
    return X, y


def tour() -> TourRow:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Lasso as SkLasso

    from ._estimators import Lasso

    X, y = illc1850_problem()
    n = X.shape[0]
    alpha = 0.01 * float(np.abs(X.T @ (y - y.mean())).max()) / n

    def obj(est):
        r = y - X @ est.coef_ - est.intercept_
        return 0.5 * float(r @ r) / n + alpha * float(np.abs(est.coef_).sum())

    Lasso(alpha=alpha, tol=1e-10).fit(X[:50], y[:50])  # warm-up (imports, thread pools)
    t0 = time.perf_counter()
    ours = Lasso(alpha=alpha, tol=1e-10).fit(X, y)
    t = time.perf_counter() - t0
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SkLasso(alpha=alpha, tol=1e-10, max_iter=100000).fit(X, y)
    t_ref = time.perf_counter() - t0
    fo, fr = obj(ours), obj(ref)
    err = max(fo - fr, 0.0) / fr
    return TourRow(
        family="bcd",
        problem="Lasso on illc1850 + planted signal (rel. objective excess vs sklearn)",
        size=f"{X.shape[0]}x{X.shape[1]}, nnz={X.nnz}",
        result=f"{np.count_nonzero(ours.coef_)} non-zeros, gap {ours.dual_gap_:.1e}",
        error=err,
        time=t,
        speedup=t_ref / t,
        note="reference: scikit-learn Lasso (coordinate descent) at tol=1e-10",
    )
