"""numalg.completion side by side with fancyimpute (SoftImpute, IterativeSVD).

Usage::

    python benchmarks/compare/completion.py [--quick] [--huge]

Sections: (1) synthetic incoherent rank-10 recovery at 5x the degrees of
freedom, numalg vs fancyimpute; (2) the phase transition (error vs sampling
ratio) for numalg, a plain numpy AltMin reference and SoftImpute; (3) scale
n = m = 20,000 (and, with ``--huge``, n = m = 100,000 with 2e7
observations); (4) MovieLens-100k, seeded 80/20 split (needs ``pip install
--no-deps recbole==1.2.1``).

fancyimpute 0.7.0 calls ``sklearn.utils.check_array(..., force_all_finite=...)``,
a keyword removed in scikit-learn 1.8; this script shims those calls
(``ensure_all_finite``) and says so.  A ratio below 1 means numalg is faster.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
import tracemalloc
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _table import print_table, timed  # noqa: E402

from numalg.completion import complete_matrix  # noqa: E402
from numalg.completion._tour import (  # noqa: E402
    fit_predict_movielens,
    load_movielens_100k,
    split,
)


def load_fancyimpute():
    """fancyimpute with its check_array calls shimmed for scikit-learn >= 1.8, or None."""
    try:
        import fancyimpute
        import sklearn.utils
    except ImportError:
        print("note: fancyimpute is not installed (pip install fancyimpute): its columns are skipped")
        return None

    orig = sklearn.utils.check_array

    def check_array(X, *args, force_all_finite=None, **kwargs):
        if force_all_finite is not None:
            kwargs.setdefault("ensure_all_finite", force_all_finite)
        return orig(X, *args, **kwargs)

    import fancyimpute.iterative_svd
    import fancyimpute.soft_impute
    import fancyimpute.solver

    for mod in (fancyimpute.solver, fancyimpute.soft_impute, fancyimpute.iterative_svd):
        mod.check_array = check_array
    print(
        f"note: fancyimpute {getattr(fancyimpute, '__version__', '?')} shimmed: its "
        "check_array(force_all_finite=...) calls are rewritten to ensure_all_finite "
        "(removed keyword in scikit-learn >= 1.8)"
    )
    return fancyimpute


def problem(n, k, ratio, seed=0):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((n, k)), rng.standard_normal((n, k))
    n_obs = int(ratio * k * (2 * n - k))
    lin = rng.choice(n * n, size=n_obs, replace=False)
    rows, cols = np.divmod(lin, n)
    return A, B, rows, cols, np.einsum("ij,ij->i", A[rows], B[cols])


def factor_error(U, V, A, B):
    """||U V^T - A B^T||_F / ||A B^T||_F without forming either matrix.

    ``U V^T - A B^T = [U, -A] [V, B]^T = Q1 R1 R2^T Q2^T``: the norm is that of
    the small ``R1 R2^T`` (accurate to machine precision, unlike the Gram
    expansion).
    """
    R1 = np.linalg.qr(np.hstack([U, -A]), mode="r")
    R2 = np.linalg.qr(np.hstack([V, B]), mode="r")
    Ra = np.linalg.qr(A, mode="r")
    Rb = np.linalg.qr(B, mode="r")
    return float(np.linalg.norm(R1 @ R2.T) / np.linalg.norm(Ra @ Rb.T))


def dense_error(X, A, B):
    M = A @ B.T
    return float(np.linalg.norm(X - M) / np.linalg.norm(M))


def masked(n, rows, cols, vals):
    X = np.full((n, n), np.nan)
    X[rows, cols] = vals
    return X


def run_numalg(rows, cols, vals, n, k, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return complete_matrix(rows, cols, vals, (n, n), k, random_state=0, **kw)


def section_synthetic(n, k, fi):
    A, B, rows, cols, vals = problem(n, k, 5.0)
    t, res = timed(lambda: run_numalg(rows, cols, vals, n, k))
    err = factor_error(res.U, res.V, A, B)
    table = [[f"numalg complete_matrix ({res.n_iter} sweeps)", t, err, t]]
    if fi is not None:
        X = masked(n, rows, cols, vals)
        for name, make in [
            ("fancyimpute SoftImpute(max_rank=k)", lambda: fi.SoftImpute(max_rank=k, verbose=False)),
            ("fancyimpute IterativeSVD(rank=k)", lambda: fi.IterativeSVD(rank=k, verbose=False)),
        ]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tp, out = timed(lambda: make().fit_transform(X.copy()))
            table.append([name, tp, dense_error(out, A, B), t])
    print_table(
        ["solver", "time [s]", "rel. error", "numalg [s]"],
        table,
        ratio=("numalg [s]", "time [s]"),
        title=f"\n(1) synthetic rank-{k}, {n}x{n}, |Omega| = 5x dof = {rows.size}",
    )
    return table


def altmin_numpy(n, k, rows, cols, vals, n_iter=40):
    """Plain numpy AltMin reference (dense masked matrix, batched normal equations)."""
    mask = np.zeros((n, n), bool)
    mask[rows, cols] = True
    M = np.zeros((n, n))
    M[rows, cols] = vals
    p = mask.mean()
    U = np.linalg.svd(M / p, full_matrices=False)[0][:, :k]
    for _ in range(n_iter):
        G = (mask.T @ (U[:, :, None] * U[:, None, :]).reshape(n, k * k)).reshape(n, k, k)
        V = np.linalg.solve(G + 1e-12 * np.eye(k), (M.T @ U)[..., None])[..., 0]
        G = (mask @ (V[:, :, None] * V[:, None, :]).reshape(n, k * k)).reshape(n, k, k)
        U = np.linalg.solve(G + 1e-12 * np.eye(k), (M @ V)[..., None])[..., 0]
    return U, V


def section_phase(n, k, fi, ratios):
    table = []
    for ratio in ratios:
        A, B, rows, cols, vals = problem(n, k, ratio, seed=1)
        t, res = timed(lambda: run_numalg(rows, cols, vals, n, k, max_iter=300))
        e_na = factor_error(res.U, res.V, A, B)
        tr, (Ur, Vr) = timed(lambda: altmin_numpy(n, k, rows, cols, vals))
        e_ref = factor_error(Ur, Vr, A, B)
        e_si, t_si = float("nan"), float("nan")
        if fi is not None:
            X = masked(n, rows, cols, vals)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t_si, out = timed(lambda: fi.SoftImpute(max_rank=k, verbose=False).fit_transform(X))
            e_si = dense_error(out, A, B)
        table.append([ratio, e_na, t, e_ref, tr, e_si, t_si])
    print_table(
        ["ratio to dof", "numalg error", "numalg [s]", "numpy AltMin error", "numpy [s]",
         "SoftImpute error", "SoftImpute [s]"],
        table,
        title=f"\n(2) phase transition: rank {k}, {n}x{n} (recovery: error <= 1e-4)",
    )
    return table


def section_scale(n, k, n_obs=None, n_jobs=None):
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, k)), rng.standard_normal((n, k))
    if n_obs is None:
        n_obs = 5 * k * (2 * n - k)
    lin = np.unique(rng.integers(0, n * n, size=int(n_obs * 1.02)))
    rng.shuffle(lin)
    lin = lin[:n_obs]
    rows, cols = np.divmod(lin, n)
    del lin
    vals = np.einsum("ij,ij->i", A[rows], B[cols])
    gc.collect()
    t, res = timed(lambda: run_numalg(rows, cols, vals, n, k, n_jobs=n_jobs))
    err = factor_error(res.U, res.V, A, B)
    # peak memory of a second, traced run (tracemalloc sees NumPy's allocations)
    tracemalloc.start()
    run_numalg(rows, cols, vals, n, k, n_jobs=n_jobs, max_iter=3)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    inputs = (rows.nbytes + cols.nbytes + vals.nbytes) / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print_table(
        ["n", "|Omega|", "n_jobs", "time [s]", "sweeps", "rel. error", "peak alloc [MB]",
         "inputs [MB]", "process max RSS [MB]"],
        [[n, n_obs, n_jobs or 1, t, res.n_iter, err, peak, inputs, rss]],
        title=f"\n(3) scale: rank {k}, {n}x{n} (never densified)",
    )


def section_movielens(fi, quick):
    data = load_movielens_100k()
    if data is None:
        print("\n(4) MovieLens-100k skipped: pip install --no-deps recbole==1.2.1")
        return
    users, items, ratings = data
    train, test = split(ratings.shape[0])
    # choose (rank, reg) on a validation split of the training ratings only
    sub_tr, sub_va = split(train.size, seed=1, frac=0.875)
    best = None
    grid = [(k, reg) for k in (2, 5, 10) for reg in (5.0, 10.0, 20.0)]
    for k, reg in grid:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred, _ = fit_predict_movielens(users, items, ratings, train[sub_tr], train[sub_va], k, reg)
        e = float(np.sqrt(np.mean((pred - ratings[train[sub_va]]) ** 2)))
        if best is None or e < best[0]:
            best = (e, k, reg)
    _, k, reg = best
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, (pred, res) = timed(lambda: fit_predict_movielens(users, items, ratings, train, test, k, reg), repeat=3)
    rmse = float(np.sqrt(np.mean((pred - ratings[test]) ** 2)))
    table = [[f"numalg biases + rank {k} ALS (reg={reg:g}, chosen on validation)", t, rmse, t]]
    if fi is not None:
        m, n = int(users.max()) + 1, int(items.max()) + 1
        X = np.full((m, n), np.nan)
        X[users[train], items[train]] = ratings[train]
        for name, make in [
            ("fancyimpute SoftImpute(max_rank=k)", lambda: fi.SoftImpute(max_rank=k, verbose=False, min_value=1, max_value=5)),
        ]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tp, out = timed(lambda: make().fit_transform(X.copy()))
            e = float(np.sqrt(np.mean((np.clip(out[users[test], items[test]], 1, 5) - ratings[test]) ** 2)))
            table.append([name, tp, e, t])
    print_table(
        ["method", "fit time [s]", "test RMSE", "numalg [s]"],
        table,
        ratio=("numalg [s]", "fit time [s]"),
        title="\n(4) MovieLens-100k, seeded 80/20 split (scikit-surprise SVD published: 0.934)",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes")
    parser.add_argument("--huge", action="store_true", help="also n = m = 100,000 with 2e7 observations")
    parser.add_argument("--skip", default="", help="comma-separated sections to skip (1,2,3,4)")
    parser.add_argument("--n-jobs", type=int, default=None, help="n_jobs of the scale section")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS threads for numalg and the peers alike (default 1: on a shared "
                             "2-core machine threaded BLAS is oversubscribed and slows everyone)")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=args.blas_threads, user_api="blas")
    print(f"BLAS threads: {args.blas_threads} (numalg and peers alike)")
    skip = set(filter(None, args.skip.split(",")))
    fi = load_fancyimpute()
    import numalg

    print(f"numalg {numalg.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    if "1" not in skip:
        section_synthetic(500 if args.quick else 2000, 10, fi)
    if "2" not in skip:
        section_phase(200 if args.quick else 600, 5 if args.quick else 10, fi,
                      [1.5, 2.0, 2.5, 3.0, 4.0])
    if "3" not in skip:
        section_scale(3000 if args.quick else 20000, 10, n_jobs=args.n_jobs)
        if args.huge:
            section_scale(100_000, 10, n_obs=20_000_000, n_jobs=args.n_jobs)
    if "4" not in skip:
        section_movielens(fi, args.quick)


if __name__ == "__main__":
    main()
