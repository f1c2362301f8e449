"""
Matrix completion: the phase transition
=======================================

Relative error of :func:`numalg.completion.complete_matrix` recovering a
random incoherent rank-4 matrix (200 x 200) from a growing number of entries,
measured in multiples of the ``k (2n - k)`` degrees of freedom.  Alternating
minimization jumps from failure to recovery at machine precision between 2
and 3 times the degrees of freedom.  fancyimpute's SoftImpute (a nuclear-norm
heuristic) is drawn for comparison when it is installed.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

from numalg.completion import complete_matrix

n, k = 200, 4
ratios = [1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 4.0]


def problem(ratio, seed=0):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((n, k)), rng.standard_normal((n, k))
    n_obs = int(ratio * k * (2 * n - k))
    rows, cols = np.divmod(rng.choice(n * n, size=n_obs, replace=False), n)
    return A @ B.T, rows, cols


errors, times = [], []
for ratio in ratios:
    M, rows, cols = problem(ratio)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = complete_matrix(rows, cols, M[rows, cols], M.shape, k, random_state=0, max_iter=100)
    times.append(time.perf_counter() - t0)
    errors.append(np.linalg.norm(res.U @ res.V.T - M) / np.linalg.norm(M))
    print(f"ratio {ratio:4.2f}: error {errors[-1]:.1e} in {times[-1]:.2f} s")

# %%
# SoftImpute, if fancyimpute is installed (its check_array calls need a shim
# for scikit-learn >= 1.8).
soft = None
try:
    import fancyimpute
    import fancyimpute.soft_impute
    import fancyimpute.solver
    import sklearn.utils

    _orig = sklearn.utils.check_array

    def _check_array(X, *args, force_all_finite=None, **kwargs):
        if force_all_finite is not None:
            kwargs.setdefault("ensure_all_finite", force_all_finite)
        return _orig(X, *args, **kwargs)

    fancyimpute.solver.check_array = _check_array
    fancyimpute.soft_impute.check_array = _check_array
    print("fancyimpute found: check_array shimmed for scikit-learn >= 1.8")
    soft = []
    for ratio in ratios:
        M, rows, cols = problem(ratio)
        X = np.full(M.shape, np.nan)
        X[rows, cols] = M[rows, cols]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fancyimpute.SoftImpute(max_rank=k, verbose=False, max_iters=30).fit_transform(X)
        soft.append(np.linalg.norm(out - M) / np.linalg.norm(M))
except ImportError:
    print("fancyimpute is not installed: the SoftImpute curve is skipped")

# %%
fig, ax = plt.subplots(figsize=(6, 4))
# below the transition the unregularised fit overfits the few entries and its
# error can exceed 1: the curve is clipped at 10 for display
ax.semilogy(ratios, np.clip(errors, 1e-16, 10.0), "o-", label="numalg complete_matrix")
if soft is not None:
    ax.semilogy(ratios, soft, "s--", label="fancyimpute SoftImpute (30 iterations)")
ax.axhline(1e-4, color="gray", lw=0.8, ls=":")
ax.set_xlabel("observed entries / degrees of freedom k(2n-k)")
ax.set_ylabel("relative Frobenius error")
ax.set_title(f"Phase transition, rank {k}, {n} x {n}")
ax.legend()
