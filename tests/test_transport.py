"""numalg.transport: Sinkhorn and Sinkhorn-Newton-Sparse against dense references."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from numalg.transport import EntropicTransport, TransportResult, sinkhorn, sinkhorn_newton_sparse
from reference import entropic_objective, ot_exact_lp, sinkhorn_dense

SOLVERS = {
    "sinkhorn": lambda *args, **kw: sinkhorn(*args, **kw),
    "sinkhorn_scaling": lambda *args, **kw: sinkhorn(*args, log_domain=False, **kw),
    "sns": lambda *args, **kw: sinkhorn_newton_sparse(*args, **kw),
}


def _problem(data, max_size=30, positive=True):
    n = data.draw(st.integers(1, max_size), label="n")
    m = data.draw(st.integers(1, max_size), label="m")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    scale = data.draw(st.sampled_from([1.0, 1e-2, 30.0]), label="scale")
    M = scale * rng.random((n, m))
    lo = 0.05 if positive else 0.0
    a = rng.random(n) + lo
    b = rng.random(m) + lo
    if a.sum() == 0:
        a[0] = 1.0
    if b.sum() == 0:
        b[0] = 1.0
    a /= a.sum()
    b /= b.sum()
    return a, b, M


def _normalised(f, g):
    return f - f[0], g + f[0]


def _marginal_error(P, a, b):
    return np.abs(P.sum(1) - a).sum() + np.abs(P.sum(0) - b).sum()


@settings(max_examples=30)
@given(st.data())
def test_solvers_match_dense_reference(data):
    a, b, M = _problem(data)
    reg = data.draw(st.floats(0.05, 1.0), label="reg_factor") * max(M.max(), 1e-300)
    P_ref, f_ref, g_ref = sinkhorn_dense(a, b, M, reg)
    fr, gr = _normalised(f_ref, g_ref)
    for name, solve in SOLVERS.items():
        res = solve(a, b, M, reg, tol=1e-11)
        assert isinstance(res, TransportResult)
        assert res.converged, name
        assert res.marginal_error <= 1e-10
        assert _marginal_error(res.plan, a, b) <= 1e-10
        assert np.abs(res.plan - P_ref).sum() <= 1e-8, name
        fn, gn = _normalised(res.f, res.g)
        np.testing.assert_allclose(fn, fr, atol=1e-6 * M.max(), rtol=0, err_msg=name)
        np.testing.assert_allclose(gn, gr, atol=1e-6 * M.max(), rtol=0, err_msg=name)
        # strong duality at convergence
        obj = entropic_objective(res.plan, M, reg)
        assert abs(res.objective - obj) <= 1e-8 * max(1.0, abs(obj))
        assert abs(res.dual_objective - obj) <= 1e-7 * max(1.0, abs(obj)) + 1e-9 * M.max()
        assert abs(res.cost - np.sum(M * res.plan)) <= 1e-12 * max(1.0, M.max())
        assert res.n_iter == res.n_sinkhorn_iter + res.n_newton_iter
        assert len(res.history["marginal_error"]) == res.n_iter


@settings(max_examples=15)
@given(st.data())
def test_small_reg_plans_agree_and_cost_approaches_lp(data):
    a, b, M = _problem(data, max_size=20)
    lp, _ = ot_exact_lp(a, b, M)
    n, m = M.shape
    prev = None
    for factor in (1e-1, 3e-2, 1e-2):
        reg = factor * M.max()
        res = sinkhorn_newton_sparse(a, b, M, reg, tol=1e-10)
        assert res.converged
        assert res.marginal_error <= 1e-10
        # the entropic plan's cost exceeds the LP optimum by at most reg * log(n m)
        assert lp - 1e-9 <= res.cost + 1e-9
        assert res.cost - lp <= reg * np.log(n * m) + 1e-8
        if prev is not None:
            assert res.cost <= prev + 1e-9
        prev = res.cost
        if factor >= 3e-2:
            ref = sinkhorn(a, b, M, reg, tol=1e-10)
            assert np.abs(ref.plan - res.plan).sum() <= 1e-8


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_tiny_reg_no_overflow(solver, rng):
    n, m = 12, 9
    M = rng.random((n, m))
    a = rng.random(n) + 0.1
    a /= a.sum()
    b = rng.random(m) + 0.1
    b /= b.sum()
    reg = 1e-4 * M.max()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = SOLVERS[solver](a, b, M, reg, tol=1e-9)
    assert np.isfinite(res.plan).all() and np.isfinite(res.f).all() and np.isfinite(res.g).all()
    lp, _ = ot_exact_lp(a, b, M)
    if solver == "sns":
        assert res.converged and res.marginal_error <= 1e-9
        assert abs(res.cost - lp) <= reg * np.log(n * m) + 1e-8


def test_sns_beats_sinkhorn_on_random_assignment(rng):
    n = 120
    M = rng.random((n, n))
    reg = 1 / 1200
    res = sinkhorn_newton_sparse(None, None, M, reg, tol=1e-9)
    assert res.converged and res.n_newton_iter > 0 and res.n_iter < 200
    assert res.history["newton"].any()
    # the entropic plan is unique: a Newton run with the full Hessian finds the same one
    ref = sinkhorn_newton_sparse(None, None, M, reg, tol=1e-11, density=1.0)
    assert ref.converged and np.abs(ref.plan - res.plan).sum() <= 1e-8


@pytest.mark.parametrize("sinkhorn_iter,density", [(0, 0.2), (5, 1.0), (50, "auto"), ("auto", 0.05)])
def test_sns_options(sinkhorn_iter, density, rng):
    M = rng.random((40, 30))
    res = sinkhorn_newton_sparse(None, None, M, 0.01, sinkhorn_iter=sinkhorn_iter, density=density)
    assert res.converged and res.marginal_error <= 1e-9
    ref = sinkhorn(None, None, M, 0.01, tol=1e-11)
    assert np.abs(ref.plan - res.plan).sum() <= 1e-7


def _check_small_reg_sns(a, b, M, reg, max_newton=200):
    """SNS converges to 1e-9 in few Newton steps; its plan is the LP's and Sinkhorn's."""
    res = sinkhorn_newton_sparse(a, b, M, reg, tol=1e-9)
    assert res.converged and res.marginal_error <= 1e-9
    assert res.n_newton_iter <= max_newton
    n, m = M.shape
    aa = np.full(n, 1 / n) if a is None else a
    bb = np.full(m, 1 / m) if b is None else b
    lp, _ = ot_exact_lp(aa, bb, M)
    assert lp - 1e-9 <= res.cost <= lp + reg * np.log(n * m) + 1e-8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = sinkhorn(a, b, M, reg, tol=1e-10, max_iter=20_000)
    if ref.converged:
        assert np.abs(ref.plan - res.plan).sum() <= 1e-7
    return res


@pytest.mark.parametrize("factor", [1e-2, 3e-3, 1e-3])
def test_sns_small_reg_does_not_stall(factor):
    # regression: on this near-assignment plan (uniform marginals) the Newton
    # matrix dropped the tiny entries that couple the plan's blocks, and Newton
    # crept at a rate of 0.9993 per step for 1000 steps at reg = 1e-3 max(M)
    M = np.random.default_rng(12345).random((15, 15))
    _check_small_reg_sns(None, None, M, factor * M.max(), max_newton=60)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_sns_small_reg_converges_in_few_newton_steps(data):
    n = data.draw(st.integers(2, 30), label="n")
    m = n if data.draw(st.booleans(), label="square") else data.draw(st.integers(2, 30), label="m")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    M = rng.random((n, m))
    if data.draw(st.booleans(), label="uniform"):
        a = b = None  # near-assignment plans: the hard case
    else:
        a = rng.random(n) + 0.05
        b = rng.random(m) + 0.05
        a /= a.sum()
        b /= b.sum()
    factor = data.draw(st.sampled_from([1e-2, 3e-3, 1e-3]), label="factor")
    _check_small_reg_sns(a, b, M, factor * M.max())


def test_sns_sparse_newton_stall_lowers_the_threshold(monkeypatch):
    # the sparsified Newton matrix (forced here on a small problem) must not
    # stall either: a stall lowers the drop threshold until Newton is fast
    from numalg.transport import _solvers

    monkeypatch.setattr(_solvers, "_DENSE_NEWTON_SIZE", 0)
    M = np.random.default_rng(12345).random((15, 15))
    for factor in (3e-3, 1e-3):
        _check_small_reg_sns(None, None, M, factor * M.max())


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_degenerate_ties_and_l1_cost(solver):
    # L1 cost on a line: many optimal plans; ties of zero cost
    x = np.arange(10.0)
    M = np.abs(x[:, None] - x[None, :])
    a = np.full(10, 0.1)
    b = np.r_[np.full(5, 0.2), np.zeros(5)]
    res = SOLVERS[solver](a, b, M, 0.05, tol=1e-10)
    assert res.converged
    assert np.all(res.plan[:, 5:] == 0) and np.all(np.isneginf(res.g[5:]))
    assert _marginal_error(res.plan, a, b) <= 1e-10
    lp, _ = ot_exact_lp(a, b, M)
    assert res.cost - lp <= 0.05 * np.log(100) + 1e-8
    Z = np.zeros((6, 4))  # all-zero cost: the plan is a b^T
    a, b = np.full(6, 1 / 6), np.full(4, 0.25)
    res = SOLVERS[solver](a, b, Z, 1.0)
    np.testing.assert_allclose(res.plan, np.outer(a, b), atol=1e-12)


def test_unnormalised_mass_and_zero_weights(rng):
    M = rng.random((7, 5))
    a = np.array([2.0, 0.0, 1.0, 1.0, 0.0, 3.0, 1.0])
    b = np.array([1.0, 2.0, 3.0, 0.0, 2.0])
    for solve in SOLVERS.values():
        res = solve(a, b, M, 0.1)
        np.testing.assert_allclose(res.plan.sum(1), a, atol=1e-9)
        np.testing.assert_allclose(res.plan.sum(0), b, atol=1e-9)
        assert np.all(res.plan[[1, 4]] == 0) and np.isneginf(res.f[[1, 4]]).all()


def test_plan_sparse_and_repr(rng):
    M = rng.random((20, 15))
    res = sinkhorn_newton_sparse(None, None, M, 0.002)
    Ps = res.plan_sparse()
    assert sp.issparse(Ps) and Ps.shape == (20, 15) and Ps.nnz < 300
    np.testing.assert_allclose(Ps.toarray().sum(), res.plan.sum(), rtol=1e-9)
    assert res.plan_sparse(threshold=np.inf).nnz == 0
    assert "TransportResult(" in repr(res) and "plan=<ndarray 20x15" in repr(res)
    with pytest.raises(ValueError, match="threshold"):
        res.plan_sparse(threshold=-1.0)


def test_non_convergence_warns_and_returns_best(rng):
    M = rng.random((30, 30))
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = sinkhorn(None, None, M, 1e-3, max_iter=5)
    assert not res.converged and res.n_iter == 5 and np.isfinite(res.plan).all()
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = sinkhorn_newton_sparse(None, None, M, 1e-3, max_iter=1, sinkhorn_iter=2)
    assert not res.converged


def test_callback_and_verbose(rng, capsys):
    M = rng.random((15, 15))
    seen = []

    def cb(info):
        seen.append(info["marginal_error"])
        return len(seen) >= 3

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = sinkhorn(None, None, M, 1e-3, callback=cb)
    assert res.n_iter == 3 and len(seen) == 3
    seen.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = sinkhorn_newton_sparse(None, None, M, 1e-3, callback=cb)
    assert len(seen) == 3
    sinkhorn_newton_sparse(None, None, M, 1e-3, verbose=True)
    assert "marginal error" in capsys.readouterr().out


def test_bad_input():
    M = np.ones((3, 2))
    a, b = np.full(3, 1 / 3), np.full(2, 0.5)
    for solve in (sinkhorn, sinkhorn_newton_sparse):
        with pytest.raises(ValueError, match="a must be non-negative"):
            solve([-0.1, 0.6, 0.5], b, M, 1.0)
        with pytest.raises(ValueError, match="a must contain only finite"):
            solve([np.nan, 0.5, 0.5], b, M, 1.0)
        with pytest.raises(ValueError, match=r"b must sum to .*relative tolerance 1e-06"):
            solve(a, [0.5, 0.6], M, 1.0)
        with pytest.raises(ValueError, match=r"M must have shape \(len\(a\), len\(b\)\)"):
            solve(a, b, np.ones((2, 3)), 1.0)
        with pytest.raises(ValueError, match="M must be 2-D"):
            solve(a, b, np.ones(6), 1.0)
        with pytest.raises(ValueError, match="reg must be > 0"):
            solve(a, b, M, 0.0)
        with pytest.raises(ValueError, match="reg must be > 0"):
            solve(a, b, M, -1.0)
        with pytest.raises(TypeError, match="reg must be a real number"):
            solve(a, b, M, "1")
        with pytest.raises(ValueError, match="M must not be empty"):
            solve([], [], np.zeros((0, 0)), 1.0)
        with pytest.raises(ValueError, match="M must contain only finite"):
            solve(a, b, np.full((3, 2), np.inf), 1.0)
        with pytest.raises(ValueError, match="tol must be > 0"):
            solve(a, b, M, 1.0, tol=0)
        with pytest.raises(ValueError, match="max_iter must be >= 1"):
            solve(a, b, M, 1.0, max_iter=0)
        with pytest.raises(TypeError, match="callback must be callable"):
            solve(a, b, M, 1.0, callback=3)
    with pytest.raises(ValueError, match="sinkhorn_iter must be one of"):
        sinkhorn_newton_sparse(a, b, M, 1.0, sinkhorn_iter="many")
    with pytest.raises(ValueError, match="sinkhorn_iter must be >= 0"):
        sinkhorn_newton_sparse(a, b, M, 1.0, sinkhorn_iter=-1)
    with pytest.raises(ValueError, match="density must be in"):
        sinkhorn_newton_sparse(a, b, M, 1.0, density=0.0)
    with pytest.raises(ValueError, match="density must be one of"):
        sinkhorn_newton_sparse(a, b, M, 1.0, density="dense")


# --------------------------------------------------------------- estimator ---


def _clouds(rng, n=25, m=30):
    Xs = rng.normal(size=(n, 2))
    Xt = rng.normal(size=(m, 2)) * 0.5 + [3.0, -1.0]
    return Xs, Xt


@pytest.mark.parametrize("solver", ["sns", "sinkhorn"])
def test_entropic_transport_fit_transform(solver, rng):
    Xs, Xt = _clouds(rng)
    est = EntropicTransport(reg=0.5, solver=solver).fit(Xs, Xt)
    M = ((Xs[:, None, :] - Xt[None, :, :]) ** 2).sum(-1)
    P_ref, f_ref, g_ref = sinkhorn_dense(np.full(25, 1 / 25), np.full(30, 1 / 30), M, 0.5)
    assert np.abs(est.coupling_ - P_ref).sum() <= 1e-8
    assert est.n_features_in_ == 2 and est.n_iter_ >= 1
    np.testing.assert_allclose(est.cost_, np.sum(M * P_ref), rtol=1e-7)
    T = est.transform(Xs)
    np.testing.assert_allclose(T, (P_ref / P_ref.sum(1, keepdims=True)) @ Xt, atol=1e-6)
    # out of sample: move like the nearest fitted source point
    Xnew = Xs[:3] + 1e-3
    np.testing.assert_allclose(est.transform(Xnew), T[:3] + 1e-3, atol=1e-9)
    np.testing.assert_allclose(est.fit_transform(Xs, Xt), T, atol=1e-12)


def test_entropic_transport_weights_clone_pickle_params(rng):
    Xs, Xt = _clouds(rng)
    ws = rng.random(25) + 0.1
    wt = rng.random(30) + 0.1
    ws /= ws.sum()
    wt /= wt.sum()
    est = EntropicTransport(reg=0.3, metric="euclidean", tol=1e-10)
    assert est.get_params() == {"reg": 0.3, "solver": "sns", "metric": "euclidean", "tol": 1e-10,
                                "max_iter": 1000}
    c = clone(est)
    assert c.get_params() == est.get_params() and not hasattr(c, "coupling_")
    est.fit(Xs, Xt, source_weight=ws, target_weight=wt)
    np.testing.assert_allclose(est.coupling_.sum(1), ws, atol=1e-9)
    np.testing.assert_allclose(est.coupling_.sum(0), wt, atol=1e-9)
    est2 = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(est2.transform(Xs), est.transform(Xs))
    est.set_params(reg=1.0)
    assert est.reg == 1.0


def test_entropic_transport_bad_input(rng):
    from sklearn.exceptions import NotFittedError

    Xs, Xt = _clouds(rng)
    with pytest.raises(NotFittedError):
        EntropicTransport().transform(Xs)
    with pytest.raises(ValueError, match="reg"):
        EntropicTransport(reg=0.0).fit(Xs, Xt)
    with pytest.raises(ValueError, match="solver"):
        EntropicTransport(solver="lp").fit(Xs, Xt)
    with pytest.raises(ValueError, match="X_target must have shape"):
        EntropicTransport().fit(Xs, Xt[:, :1])
    with pytest.raises(ValueError, match="source_weight must have length 25"):
        EntropicTransport().fit(Xs, Xt, source_weight=np.ones(3))
    with pytest.raises(ValueError, match="b must sum to"):
        EntropicTransport().fit(Xs, Xt, target_weight=np.ones(30))
    est = EntropicTransport().fit(Xs, Xt)
    with pytest.raises(ValueError, match="features"):
        est.transform(np.ones((2, 3)))


def test_entropic_transport_matches_pot(rng):
    ot = pytest.importorskip("ot")
    Xs, Xt = _clouds(rng)
    est = EntropicTransport(reg=1.0).fit(Xs, Xt)
    pot = ot.da.SinkhornTransport(reg_e=1.0, max_iter=100_000, tol=1e-12,
                                  out_of_sample_map="ferradans").fit(Xs=Xs, Xt=Xt)
    np.testing.assert_allclose(est.coupling_, pot.coupling_, atol=1e-8)
    Xnew = rng.normal(size=(5, 2))
    np.testing.assert_allclose(est.transform(Xnew), pot.transform(Xs=Xnew), atol=1e-6)


def test_tour_row():
    from numalg._tour import run_family

    row = run_family("transport")
    assert row.family == "transport" and row.error < 1e-6 and row.time > 0


@pytest.mark.parametrize("size", [10, 16])
def test_converged_flag_is_honest_with_absorptions(size):
    # small reg on an L1 grid cost: the matrix-vector Sinkhorn absorbs often;
    # with a callback it runs one sweep at a time (regression: a stale error
    # from an interrupted sweep was once taken for convergence)
    from numalg.transport._problems import digits_pair

    a, b, M = digits_pair(0, 1, metric="cityblock", size=size)
    for cb in (None, lambda info: False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = sinkhorn(a, b, M, 1e-3, tol=1e-8, max_iter=300, log_domain=False, callback=cb)
            sns = sinkhorn_newton_sparse(a, b, M, 1e-3, tol=1e-8, callback=cb)
        assert not res.converged or res.marginal_error <= 1e-7
        assert sns.converged and sns.marginal_error <= 1e-7


def test_sns_reg_continuation(monkeypatch):
    # L1 grid cost at small reg: Sinkhorn is still far from the optimum after
    # 50 sweeps, so SNS solves at 3 * reg first (eps-scaling) and then at reg;
    # the answer is that of the solve without continuation
    import numalg.transport._solvers as solvers
    from numalg.transport._problems import digits_pair

    a, b, M = digits_pair(0, 1, metric="cityblock", size=12)
    regs = []
    level = solvers._sns_level

    def spy(*args, **kwargs):
        out = level(*args, **kwargs)
        regs.append((args[3], out[4]))
        return out

    monkeypatch.setattr(solvers, "_sns_level", spy)
    res = sinkhorn_newton_sparse(a, b, M, 1e-3, tol=1e-9)
    assert regs[0] == (1e-3, True) and regs[-1] == (1e-3, False)
    assert any(r == pytest.approx(3e-3) for r, _ in regs)
    assert res.converged and res.marginal_error <= 1e-8
    assert res.n_iter == res.n_sinkhorn_iter + res.n_newton_iter == len(res.history["marginal_error"])
    regs.clear()
    ref = sinkhorn_newton_sparse(a, b, M, 1e-3, tol=1e-9, sinkhorn_iter=200)
    assert all(r == 1e-3 for r, _ in regs)  # an explicit sinkhorn_iter: no continuation
    np.testing.assert_allclose(res.plan, ref.plan, atol=1e-8)
    assert res.cost == pytest.approx(ref.cost, rel=1e-6)
    # a callback that stops inside the coarse level stops the whole solve
    res = sinkhorn_newton_sparse(a, b, M, 1e-3, tol=1e-9, callback=lambda info: info["iteration"] >= 60)
    assert len(res.history["marginal_error"]) == 60 and not res.converged
