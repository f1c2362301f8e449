"""numalg.completion: alternating-minimization matrix completion against dense references."""

import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from numalg.completion import CompletionResult, complete_matrix
from numalg.completion import _als
from reference import altmin_dense, low_rank_problem, row_lstsq, truncated_svd


def _rel(A, B):
    return np.linalg.norm(A - B) / np.linalg.norm(B)


# ---------------------------------------------------------------- properties


@settings(max_examples=8)
@given(
    m=st.integers(30, 80),
    n=st.integers(30, 80),
    k=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_exact_recovery_at_generous_sampling(m, n, k, seed):
    dof = k * (m + n - k)
    M, r, c, v = low_rank_problem(m, n, k, min(m * n, 6 * dof), seed=seed)
    res = complete_matrix(r, c, v, (m, n), k, random_state=seed, max_iter=300)
    assert res.converged
    assert _rel(res.U @ res.V.T, M) < 1e-6


@settings(max_examples=8)
@given(m=st.integers(8, 40), n=st.integers(8, 40), k=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_full_observation_is_truncated_svd(m, n, k, seed):
    rng = np.random.default_rng(seed)
    p = min(m, n)
    qu = np.linalg.qr(rng.standard_normal((m, p)))[0]
    qv = np.linalg.qr(rng.standard_normal((n, p)))[0]
    # spectrum with sigma_k / sigma_{k+1} >= 2
    s = np.concatenate([np.linspace(10, 5, k), np.linspace(2.5, 0.5, p - k)])[:p]
    M = (qu * s) @ qv.T
    r, c = np.divmod(np.arange(m * n), n)
    res = complete_matrix(r, c, M[r, c], (m, n), k, random_state=seed, tol=1e-15, max_iter=500)
    ref = truncated_svd(M, k)
    np.testing.assert_allclose(res.U @ res.V.T, ref, atol=1e-7 * np.abs(ref).max())


@settings(max_examples=10)
@given(
    n_rows=st.integers(1, 12),
    n=st.integers(6, 40),
    k=st.integers(1, 6),
    reg=st.sampled_from([0.0, 0.1, 3.0]),
    seed=st.integers(0, 2**16),
)
def test_row_solves_equal_lstsq(n_rows, n, k, reg, seed):
    rng = np.random.default_rng(seed)
    F = rng.standard_normal((n, k))
    mask = rng.random((n_rows, n)) < 0.7
    # enough observations for a well-posed problem when reg == 0
    mask[:, : k + 1] = True
    ri, cj = np.nonzero(mask)
    X = sp.csr_array((rng.standard_normal(ri.size), (ri, cj)), shape=(n_rows, n))
    X.sort_indices()
    ip, ix, d = X.indptr.astype(np.int64), X.indices.astype(np.int64), X.data
    out = np.zeros((n_rows, k))
    sse = np.zeros(n_rows)
    _als.solve_rows_exact(ip, ix, d, F, reg, out, sse)
    out_s = np.zeros((n_rows, k))
    sse_s = np.zeros(n_rows)
    hashes = rng.integers(0, 2**32, size=X.nnz, dtype=np.uint32)
    _als.solve_rows_sketch(ip, ix, d, F, reg, out_s, sse_s, hashes, 2 * k, 50, 1e-13)
    for i in range(n_rows):
        J = ix[ip[i] : ip[i + 1]]
        ref = row_lstsq(F, J, d[ip[i] : ip[i + 1]], reg)
        scale = 1 + np.abs(ref).max()
        np.testing.assert_allclose(out[i], ref, rtol=1e-8, atol=1e-8 * scale)
        np.testing.assert_allclose(out_s[i], ref, rtol=1e-7, atol=1e-7 * scale)
        resid = np.sum((F[J] @ out[i] - d[ip[i] : ip[i + 1]]) ** 2)
        np.testing.assert_allclose(sse[i], resid, rtol=1e-8, atol=1e-10)


def test_rank_deficient_row_is_minimum_norm_lstsq(rng):
    F = rng.standard_normal((10, 5))
    J = np.array([1, 4])  # 2 observations < k = 5, reg = 0: minimum-norm solution
    vals = np.array([0.3, -1.2])
    out, sse = np.zeros((1, 5)), np.zeros(1)
    _als.solve_rows_exact(np.array([0, 2]), J, vals, F, 0.0, out, sse)
    np.testing.assert_allclose(out[0], row_lstsq(F, J, vals), atol=1e-10)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@settings(max_examples=5)
@given(seed=st.integers(0, 2**16), reg=st.sampled_from([0.0, 0.5]))
def test_sketch_solver_agrees_with_exact(seed, reg):
    M, r, c, v = low_rank_problem(70, 60, 3, 1500, seed=seed)
    a = complete_matrix(r, c, v, M.shape, 3, solver="exact", reg=reg, random_state=seed)
    b = complete_matrix(r, c, v, M.shape, 3, solver="sketch", reg=reg, random_state=seed)
    assert b.solver == "sketch" and a.solver == "exact"
    np.testing.assert_allclose(b.U @ b.V.T, a.U @ a.V.T, atol=1e-6 * np.abs(M).max())


def test_matches_dense_altmin_reference():
    M, r, c, v = low_rank_problem(40, 30, 2, 500, seed=3)
    mask = np.zeros(M.shape, bool)
    mask[r, c] = True
    ref = altmin_dense(M, mask, 2, n_iter=60)
    res = complete_matrix(r, c, v, M.shape, 2, random_state=0, tol=1e-14, max_iter=200)
    assert _rel(ref, M) < 1e-6
    assert _rel(res.U @ res.V.T, ref) < 1e-6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_same_seed_same_factors():
    M, r, c, v = low_rank_problem(50, 40, 3, 900, seed=1)
    a = complete_matrix(r, c, v, M.shape, 3, random_state=7, max_iter=5)
    b = complete_matrix(r, c, v, M.shape, 3, random_state=7, max_iter=5)
    np.testing.assert_array_equal(a.U, b.U)
    np.testing.assert_array_equal(a.V, b.V)
    s1 = complete_matrix(r, c, v, M.shape, 3, random_state=7, solver="sketch")
    s2 = complete_matrix(r, c, v, M.shape, 3, random_state=7, solver="sketch")
    np.testing.assert_array_equal(s1.U, s2.U)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["exact", "sketch"])
def test_serial_equals_joblib_threads_and_processes(solver):
    M, r, c, v = low_rank_problem(90, 70, 3, 2000, seed=2)
    kw = dict(random_state=5, max_iter=6, solver=solver)
    serial = complete_matrix(r, c, v, M.shape, 3, **kw)
    threads = complete_matrix(r, c, v, M.shape, 3, n_jobs=2, **kw)
    np.testing.assert_array_equal(threads.U, serial.U)
    np.testing.assert_array_equal(threads.V, serial.V)
    with joblib.parallel_config(backend="loky", n_jobs=2):
        procs = complete_matrix(r, c, v, M.shape, 3, **kw)
    np.testing.assert_array_equal(procs.U, serial.U)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_serial_equals_dask():
    distributed = pytest.importorskip("distributed")
    M, r, c, v = low_rank_problem(60, 50, 2, 1000, seed=4)
    serial = complete_matrix(r, c, v, M.shape, 2, random_state=1, max_iter=4)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster, distributed.Client(cluster):
        with joblib.parallel_config(backend="dask"):
            dask = complete_matrix(r, c, v, M.shape, 2, random_state=1, max_iter=4)
    np.testing.assert_array_equal(dask.U, serial.U)
    np.testing.assert_array_equal(dask.V, serial.V)


# --------------------------------------------------------------- result, API


def test_result_fields_history_and_predict():
    M, r, c, v = low_rank_problem(50, 40, 2, 800, seed=0)
    res = complete_matrix(r, c, v, M.shape, 2, random_state=0)
    assert isinstance(res, CompletionResult)
    assert res.U.shape == (50, 2) and res.V.shape == (40, 2)
    assert res.history["rmse"].shape == (res.n_iter,) == res.history["time"].shape
    assert res.rmse == pytest.approx(res.history["rmse"].min(), rel=1e-3, abs=1e-12)
    G = res.U.T @ res.U
    np.testing.assert_allclose(G, res.V.T @ res.V, atol=1e-8 * np.abs(G).max())
    np.testing.assert_allclose(res.predict([0, 49, 3], [1, 39, 3]), (res.U @ res.V.T)[[0, 49, 3], [1, 39, 3]])
    assert res.predict([], []).shape == (0,)
    assert "CompletionResult(" in repr(res)
    with pytest.raises(ValueError, match="rows"):
        res.predict([50], [0])
    with pytest.raises(ValueError, match="inconsistent lengths"):
        res.predict([0, 1], [0])


def test_reg_shrinks_and_verbose(capsys):
    M, r, c, v = low_rank_problem(40, 30, 2, 600, seed=5)
    a = complete_matrix(r, c, v, M.shape, 2, random_state=0, reg=0.0)
    b = complete_matrix(r, c, v, M.shape, 2, random_state=0, reg=50.0, verbose=True)
    assert np.linalg.norm(b.U @ b.V.T) < np.linalg.norm(a.U @ a.V.T)
    assert "sweep" in capsys.readouterr().out


def test_nonconvergence_warns_and_returns_best():
    M, r, c, v = low_rank_problem(60, 60, 5, 700, seed=0)  # too few observations
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = complete_matrix(r, c, v, M.shape, 5, random_state=0, max_iter=3, tol=0.0)
    assert not res.converged and res.n_iter == 3
    assert res.rmse <= res.history["rmse"].min() * (1 + 1e-9)


def test_empty_rows_and_columns_get_zero_factor():
    M, r, c, v = low_rank_problem(30, 25, 2, 500, seed=0)
    keep = (r != 4) & (c != 7)
    with pytest.warns(UserWarning, match="no observed entry"):
        res = complete_matrix(r[keep], c[keep], v[keep], M.shape, 2, random_state=0)
    assert np.all(res.U[4] == 0) and np.all(res.V[7] == 0)
    assert res.predict([4], [0])[0] == 0.0


def test_large_randomized_init_path():
    # m * n above the dense-SVD threshold exercises the randomized range finder
    M, r, c, v = low_rank_problem(1500, 1400, 3, 60000, seed=0)
    res = complete_matrix(r, c, v, M.shape, 3, random_state=0)
    assert _rel(res.U @ res.V.T, M) < 1e-6


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(rank=0), ValueError, "rank"),
        (dict(rank=6), ValueError, "rank"),
        (dict(rank=1.5), TypeError, "rank"),
        (dict(rows=[0, 1, 6]), ValueError, "rows"),
        (dict(rows=[0, -1, 2]), ValueError, "rows"),
        (dict(cols=[0, 1, 5]), ValueError, "cols"),
        (dict(rows=[0, 1, 1], cols=[0, 2, 2]), ValueError, "more than once"),
        (dict(values=[1.0, np.nan, 2.0]), ValueError, "NaN"),
        (dict(values=[1.0, np.inf, 2.0]), ValueError, "values"),
        (dict(values=[1.0, 2.0]), ValueError, "inconsistent lengths"),
        (dict(rows=[0.0, 1.0, 2.0]), TypeError, "rows"),
        (dict(shape=(6,)), ValueError, "shape"),
        (dict(shape=(0, 5)), ValueError, "shape"),
        (dict(reg=-1.0), ValueError, "reg"),
        (dict(solver="qr"), ValueError, "solver"),
        (dict(max_iter=0), ValueError, "max_iter"),
        (dict(tol=-1.0), ValueError, "tol"),
        (dict(n_jobs=0), ValueError, "n_jobs"),
        (dict(random_state="x"), TypeError, "random_state"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = dict(rows=[0, 1, 2], cols=[0, 1, 2], values=[1.0, 2.0, 3.0], shape=(6, 5), rank=2)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        complete_matrix(
            args.pop("rows"), args.pop("cols"), args.pop("values"), args.pop("shape"),
            args.pop("rank"), **args,
        )


def test_tour_row():
    from numalg._tour import run_family

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = run_family("completion")
    assert row.family == "completion"
    assert row.error < 1e-3


# ---------------------------------------------------------------- estimator


def _nan_problem(seed=0, m=40, n=30, k=2, frac=0.5):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((m, k)) @ rng.standard_normal((k, n))
    X = np.where(rng.random(M.shape) < frac, M, np.nan)
    return M, X


def test_estimator_dense_nan_recovers_and_transform_folds_in():
    from numalg.completion import MatrixCompletion

    M, X = _nan_problem()
    est = MatrixCompletion(rank=2, random_state=0).fit(X)
    assert est.U_.shape == (40, 2) and est.V_.shape == (30, 2) and est.n_iter_ >= 1
    filled = est.transform(X)
    np.testing.assert_allclose(filled, M, atol=1e-6)
    obs = ~np.isnan(X)
    np.testing.assert_array_equal(filled[obs], X[obs])
    # folding the training rows in reproduces U_ (hence U_ V_^T)
    np.testing.assert_allclose(filled, est.U_ @ est.V_.T, atol=1e-6)
    # new rows
    rng = np.random.default_rng(9)
    new = M[:5]
    Xn = np.where(rng.random(new.shape) < 0.6, new, np.nan)
    np.testing.assert_allclose(est.transform(Xn), new, atol=1e-6)
    np.testing.assert_allclose(est.predict([0, 3], [1, 2]), M[[0, 3], [1, 2]], atol=1e-6)


def test_estimator_transform_reproduces_U_with_reg():
    from numalg.completion import MatrixCompletion

    M, X = _nan_problem(seed=2)
    est = MatrixCompletion(rank=2, reg=0.5, random_state=0, max_iter=300).fit(X)
    filled = est.transform(X)
    obs = ~np.isnan(X)
    np.testing.assert_allclose(filled[~obs], (est.U_ @ est.V_.T)[~obs], atol=1e-8)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_estimator_sparse_stored_entries_are_observations(fmt):
    from numalg.completion import MatrixCompletion

    M, X = _nan_problem(seed=1)
    M[0, :] = 0.0  # a row of true zeros stays observed as explicit zeros
    X[0, :] = 0.0
    obs = ~np.isnan(X)
    r, c = np.nonzero(obs)
    S = sp.coo_array((M[r, c], (r, c)), shape=M.shape).asformat(fmt)
    dense = MatrixCompletion(rank=2, random_state=0).fit(X)
    sparse = MatrixCompletion(rank=2, random_state=0).fit(S)
    np.testing.assert_allclose(sparse.U_ @ sparse.V_.T, dense.U_ @ dense.V_.T, atol=1e-8)
    np.testing.assert_allclose(sparse.transform(S), M, atol=1e-6)


def test_estimator_small_X_reduces_rank_with_warning():
    from numalg.completion import MatrixCompletion

    M, X = _nan_problem(n=3, frac=0.9)
    with pytest.warns(UserWarning, match="using rank 3"):
        est = MatrixCompletion(rank=10, random_state=0).fit(X)
    assert est.rank_ == 3


def test_estimator_bad_input_and_pipeline():
    from sklearn.base import clone
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline

    from numalg.completion import MatrixCompletion

    with pytest.raises(ValueError, match="no observed entry"):
        MatrixCompletion().fit(np.full((4, 3), np.nan))
    with pytest.raises(ValueError, match="rank"):
        MatrixCompletion(rank=0).fit(np.ones((4, 3)))
    with pytest.raises(ValueError, match="solver"):
        MatrixCompletion(rank=2, solver="x").fit(np.ones((4, 3)))
    with pytest.raises(ValueError):
        MatrixCompletion().fit(np.array([[1.0, np.inf], [1.0, 2.0]]))
    M, X = _nan_problem()
    est = MatrixCompletion(rank=2, random_state=0)
    assert clone(est).get_params() == est.get_params()
    pipe = make_pipeline(MatrixCompletion(rank=2, random_state=0), Ridge())
    pipe.fit(X, M[:, 0])
    assert pipe.predict(X).shape == (40,)


def test_sample_splitting_recovers_with_plenty_of_samples():
    # 11 parts of about 4.5x the degrees of freedom each
    M, r, c, v = low_rank_problem(200, 200, 2, 200 * 200, seed=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = complete_matrix(r, c, v, M.shape, 2, random_state=0, max_iter=5, sample_splitting=True)
    # each half-step sees a fresh tenth of the entries: linear convergence, slower
    assert np.all(np.diff(res.history["rmse"]) < 0)
    assert _rel(res.U @ res.V.T, M) < 1e-2
    plain = complete_matrix(r, c, v, M.shape, 2, random_state=0, max_iter=6, tol=1e-6)
    assert _rel(plain.U @ plain.V.T, M) < 1e-6
