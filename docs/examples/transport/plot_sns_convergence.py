"""
Sinkhorn-Newton-Sparse: marginal error against time
===================================================

Two handwritten digits from :func:`sklearn.datasets.load_digits`, upsampled to
20 x 20 pixels, are treated as densities; the ground cost is the squared
distance between pixel centres, scaled to [0, 1], and ``reg = 1e-3``.  We
follow the marginal error ``||P 1 - a||_1 + ||P^T 1 - b||_1`` of
:func:`numalg.transport.sinkhorn` (matrix-vector and log-domain sweeps),
:func:`numalg.transport.sinkhorn_newton_sparse` and, when it is installed,
POT's ``ot.sinkhorn`` down to 1e-8.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

from numalg.transport import sinkhorn, sinkhorn_newton_sparse
from numalg.transport._problems import digits_pair

a, b, M = digits_pair(0, 1, metric="sqeuclidean", size=20)
reg, tol = 1e-3, 1e-8

runs = {}
for label, solve in [
    ("numalg SNS", lambda: sinkhorn_newton_sparse(a, b, M, reg, tol=tol)),
    ("numalg Sinkhorn (matrix-vector)", lambda: sinkhorn(a, b, M, reg, tol=tol, log_domain=False)),
    ("numalg Sinkhorn (log-domain)", lambda: sinkhorn(a, b, M, reg, tol=tol)),
]:
    res = solve()
    runs[label] = (res.history["time"], res.history["marginal_error"])
    print(f"{label:34s} {res.n_sinkhorn_iter:5d} sweeps + {res.n_newton_iter:3d} Newton steps, "
          f"{res.history['time'][-1]:.3f} s, marginal error {res.marginal_error:.1e}")

# %%
# POT's plain Sinkhorn records its error (the L2 norm of the column-marginal
# violation) every 10 iterations; we spread its total time evenly over them.
try:
    import ot
except ImportError:
    print("POT is not installed (pip install pot): its curve is skipped")
else:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        P, log = ot.sinkhorn(a, b, M, reg, numItermax=20_000, stopThr=tol / np.sqrt(len(b)), log=True)
        t = time.perf_counter() - t0
    err = np.asarray(log["err"])
    runs["POT ot.sinkhorn (L2 column error)"] = (t * np.arange(1, len(err) + 1) / len(err), err)
    print(f"POT ot.sinkhorn: {log['niter']} iterations, {t:.3f} s")

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
for label, (t, err) in runs.items():
    ax.semilogy(t, err, label=label)
ax.axhline(tol, color="gray", lw=0.8, ls=":")
ax.set_xlabel("time [s]")
ax.set_ylabel("marginal error")
ax.set_title(f"digits 0 -> 1 as densities (n = {len(a)}), reg = {reg:g}")
ax.legend(fontsize=8)
fig.tight_layout()
