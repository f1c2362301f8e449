"""Tour entry of the completion family.

MovieLens-100k (80/20 seeded split) when the ``recbole==1.2.1`` wheel, which
ships the ratings file, is installed (``pip install --no-deps
recbole==1.2.1``); otherwise the synthetic exact-recovery problem.
"""

from __future__ import annotations

import importlib.util
import time
import warnings

import numpy as np

from .._tour import TourRow
from ._solvers import complete_matrix

#: Rank and ridge used for MovieLens; chosen on a validation split of the
#: training ratings by benchmarks/compare/completion.py.
ML_RANK, ML_REG = 5, 10.0


def load_movielens_100k():
    """(users, items, ratings) of MovieLens-100k from the recbole wheel, or None."""
    if importlib.util.find_spec("recbole") is None:
        return None
    import importlib.resources as resources

    path = resources.files("recbole") / "dataset_example" / "ml-100k" / "ml-100k.inter"
    if not path.is_file():
        return None
    lines = path.read_text().splitlines()[1:]
    a = np.array([ln.split("\t")[:3] for ln in lines if ln.strip()], dtype=np.float64)
    _, users = np.unique(a[:, 0].astype(np.int64), return_inverse=True)
    _, items = np.unique(a[:, 1].astype(np.int64), return_inverse=True)
    return users.astype(np.int64), items.astype(np.int64), a[:, 2]


def split(n, seed=0, frac=0.8):
    perm = np.random.default_rng(seed).permutation(n)
    cut = int(frac * n)
    return perm[:cut], perm[cut:]


def baseline(users, items, ratings, m, n, lam_u=10.0, lam_i=25.0, n_iter=10):
    """Global mean plus regularised user and item biases (as in Koren's baseline)."""
    mu = float(ratings.mean())
    bu, bi = np.zeros(m), np.zeros(n)
    x = ratings - mu
    cu = np.bincount(users, minlength=m)
    ci = np.bincount(items, minlength=n)
    for _ in range(n_iter):
        bi = np.bincount(items, x - bu[users], n) / (lam_i + ci)
        bu = np.bincount(users, x - bi[items], m) / (lam_u + cu)
    return mu, bu, bi


def fit_predict_movielens(users, items, ratings, train, test, rank=ML_RANK, reg=ML_REG, seed=0):
    """Biases + rank-``rank`` completion of the residual ratings; test predictions clipped to [1, 5]."""
    m, n = int(users.max()) + 1, int(items.max()) + 1
    ut, it, rt = users[train], items[train], ratings[train]
    mu, bu, bi = baseline(ut, it, rt, m, n)
    with warnings.catch_warnings():
        # items rated only in the test part have no training rating: zero factor
        warnings.simplefilter("ignore", UserWarning)
        res = complete_matrix(ut, it, rt - mu - bu[ut] - bi[it], (m, n), rank, reg=reg,
                              random_state=seed, tol=1e-4, max_iter=50)
    us, is_ = users[test], items[test]
    pred = np.clip(mu + bu[us] + bi[is_] + res.predict(us, is_), 1.0, 5.0)
    return pred, res


def _movielens_row(data):
    users, items, ratings = data
    train, test = split(ratings.shape[0])
    t0 = time.perf_counter()
    pred, res = fit_predict_movielens(users, items, ratings, train, test)
    t = time.perf_counter() - t0
    rmse = float(np.sqrt(np.mean((pred - ratings[test]) ** 2)))
    # reference check: each user's factor row is the ridge least squares
    # (numpy.linalg.lstsq) of its residual ratings against V
    m, n = int(users.max()) + 1, int(items.max()) + 1
    ut, it, rt = users[train], items[train], ratings[train]
    mu, bu, bi = baseline(ut, it, rt, m, n)
    resid = rt - mu - bu[ut] - bi[it]
    V, k = res.V, res.V.shape[1]
    t1 = time.perf_counter()
    err = 0.0
    order = np.argsort(ut, kind="stable")
    bounds = np.searchsorted(ut[order], np.arange(m + 1))
    for u in range(m):
        sel = order[bounds[u] : bounds[u + 1]]
        A = np.vstack([V[it[sel]], np.sqrt(ML_REG) * np.eye(k)])
        b = np.concatenate([resid[sel], np.zeros(k)])
        x = np.linalg.lstsq(A, b, rcond=None)[0]
        err = max(err, float(np.abs(x - res.U[u]).max()))
    t_ref = time.perf_counter() - t1
    err /= float(np.abs(res.U).max())
    return TourRow(
        family="completion",
        problem="MovieLens-100k 80/20 test RMSE (error: user factors vs lstsq)",
        size=f"{m}x{n}, {train.size} ratings",
        result=f"RMSE {rmse:.4f} (surprise SVD 0.934)",
        error=err,
        time=t,
        speedup=float("nan"),
        note=(
            f"biases + rank-{ML_RANK} ALS, reg={ML_REG:g}, {res.n_iter} sweeps; "
            f"per-user numpy lstsq check took {t_ref:.2f} s"
        ),
    )


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
        problem="recover a rank-10 matrix from 5x dof entries (rel. Frobenius error)",
        size=f"{n}x{n}, |Omega|={n_obs}",
        result=f"{res.n_iter} sweeps",
        error=err,
        time=t,
        speedup=float("nan"),
        note=note,
    )


def tour() -> TourRow:
    data = load_movielens_100k()
    if data is None:
        return _synthetic_row(
            "MovieLens-100k needs `pip install --no-deps recbole==1.2.1` (not installed): "
            "synthetic recovery instead; reference: the true low-rank matrix"
        )
    return _movielens_row(data)
