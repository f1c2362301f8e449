"""numalg.sor: SOR / SSOR-CG against dense references, Young's omega, the learners, bad input."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from numalg.sor import BanditSOR, ContextualBanditSOR, SolveResult, optimal_omega, sor, ssor_cg
from numalg.sor import _sweeps
from numalg.sor._learners import tsallis_inf_distribution
from numalg.sor.problems import (
    HeatEquation2D,
    heat_kappa,
    laplacian_2d,
    load_pyamg_example,
    shifted_laplacian_sequence,
    truncated_normal,
)
from reference import gauss_seidel_dense, sor_dense, ssor_preconditioner_dense, tsallis_inf_dense


def _random_dd(rng, n, density=0.3, symmetric=False):
    """Random sparse strictly diagonally dominant matrix (SPD when symmetric)."""
    M = sp.random_array((n, n), density=density, rng=rng, format="csr")
    M.data = rng.uniform(-1, 1, M.nnz)
    if symmetric:
        M = M + M.T
    M = sp.csr_array(M - sp.diags_array(M.diagonal()))
    d = np.asarray(abs(M).sum(axis=1)).ravel() + rng.uniform(0.5, 2.0, n)
    return sp.csr_array(M + sp.diags_array(d))


def _random_spd(rng, n):
    """Random sparse SPD matrix that is not diagonally dominant."""
    B = sp.random_array((n, n), density=0.3, rng=rng, format="csr")
    B.data = rng.standard_normal(B.nnz)
    A = B @ B.T + sp.diags_array(np.full(n, 0.5))
    return sp.csr_array(A)


# ------------------------------------------------------------- solvers ---


@given(st.integers(1, 40), st.integers(0, 2**31 - 1), st.floats(0.3, 1.7),
       st.sampled_from(["forward", "backward", "symmetric"]))
@settings(max_examples=30)
def test_sor_matches_spsolve_on_diagonally_dominant(n, seed, omega, sweep):
    rng = np.random.default_rng(seed)
    A = _random_dd(rng, n)
    b = rng.standard_normal(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        res = sor(A, b, 1.0 if sweep != "symmetric" and omega > 1.2 else omega, sweep=sweep, tol=1e-11)
    ref = spla.spsolve(sp.csc_array(A), b)
    assert res.converged
    assert res.residual <= 1e-11
    np.testing.assert_allclose(res.residual, np.linalg.norm(b - A @ res.x) / np.linalg.norm(b), rtol=1e-6, atol=1e-14)
    np.testing.assert_allclose(res.x, ref, rtol=1e-8, atol=1e-8 * np.abs(ref).max())


@given(st.integers(2, 40), st.integers(0, 2**31 - 1), st.floats(0.2, 1.9))
@settings(max_examples=30)
def test_sor_and_ssor_cg_match_spsolve_on_spd(n, seed, omega):
    rng = np.random.default_rng(seed)
    A = _random_spd(rng, n)
    b = rng.standard_normal(n)
    ref = spla.spsolve(sp.csc_array(A), b)
    scale = np.abs(ref).max()
    res = ssor_cg(A, b, omega, tol=1e-12)
    assert res.converged and res.residual <= 1e-10
    np.testing.assert_allclose(res.x, ref, atol=1e-7 * scale)
    res = sor(A, b, omega, tol=1e-10, max_iter=200_000)
    assert res.converged and res.residual <= 1e-10
    np.testing.assert_allclose(res.x, ref, atol=1e-5 * scale)


@pytest.mark.parametrize("n_sweeps", [1, 2, 5])
def test_omega_one_is_gauss_seidel(rng, n_sweeps):
    A = _random_dd(rng, 15)
    b, x0 = rng.standard_normal(15), rng.standard_normal(15)
    x = x0.copy()
    _sweeps.sor_sweeps(A.indptr, A.indices, A.data, A.diagonal(), b, x, 1.0, 0, n_sweeps)
    np.testing.assert_allclose(x, gauss_seidel_dense(A.toarray(), b, x0, n_sweeps), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("sweep", ["forward", "backward", "symmetric"])
@pytest.mark.parametrize("omega", [0.5, 1.0, 1.6])
def test_kernel_sweeps_match_dense_sor(rng, sweep, omega):
    A = _random_dd(rng, 12, symmetric=True)
    b, x0 = rng.standard_normal(12), rng.standard_normal(12)
    x = x0.copy()
    d = {"forward": 0, "backward": 1, "symmetric": 2}[sweep]
    _sweeps.sor_sweeps(A.indptr, A.indices, A.data, A.diagonal(), b, x, omega, d, 3)
    np.testing.assert_allclose(x, sor_dense(A.toarray(), b, omega, x0, 3, sweep), rtol=1e-11, atol=1e-11)


def test_symmetric_sweep_is_forward_then_backward(rng):
    A = _random_dd(rng, 20, symmetric=True)
    b, x0 = rng.standard_normal(20), rng.standard_normal(20)
    args = (A.indptr, A.indices, A.data, A.diagonal(), b)
    xs, xfb = x0.copy(), x0.copy()
    _sweeps.sor_sweeps(*args, xs, 1.3, 2, 1)
    _sweeps.sor_sweeps(*args, xfb, 1.3, 0, 1)
    _sweeps.sor_sweeps(*args, xfb, 1.3, 1, 1)
    np.testing.assert_allclose(xs, xfb, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("sweep", ["forward", "backward", "symmetric"])
def test_sor_iterates_follow_the_dense_recurrence(rng, sweep):
    # The fused residual must not change the iterates: after k sweeps the
    # solver's x equals k dense SOR steps, and the history is their residuals.
    A = _random_dd(rng, 10, symmetric=True)
    b = rng.standard_normal(10)
    with pytest.warns(ConvergenceWarning):
        res = sor(A, b, 1.2, sweep=sweep, max_iter=4, tol=1e-300)
    assert res.n_iter == 4 and not res.converged
    Ad = A.toarray()
    for k in range(5):
        xk = sor_dense(Ad, b, 1.2, np.zeros(10), k, sweep)
        np.testing.assert_allclose(res.history["residual"][k],
                                   np.linalg.norm(b - Ad @ xk) / np.linalg.norm(b), rtol=1e-9)
    np.testing.assert_allclose(res.x, sor_dense(Ad, b, 1.2, np.zeros(10), 4, sweep), rtol=1e-11, atol=1e-12)


def test_int64_indices(rng):
    A = _random_dd(rng, 30)
    A64 = sp.csr_array((A.data, A.indices.astype(np.int64), A.indptr.astype(np.int64)), shape=A.shape)
    b = rng.standard_normal(30)
    np.testing.assert_allclose(sor(A64, b, 1.0).x, sor(A, b, 1.0).x)


def test_ssor_preconditioner_matches_dense(rng):
    A = _random_dd(rng, 15, symmetric=True)
    r = rng.standard_normal(15)
    z = np.empty(15)
    dpos, diag = np.empty(15, dtype=A.indptr.dtype), np.empty(15)
    assert _sweeps.diagonal_positions(A.indptr, A.indices, A.data, dpos, diag) == -1
    np.testing.assert_array_equal(diag, A.diagonal())
    _sweeps.ssor_apply(A.indptr, A.indices, A.data, dpos, A.diagonal(), r, z, 1.4)
    np.testing.assert_allclose(z, np.linalg.solve(ssor_preconditioner_dense(A.toarray(), 1.4), r), rtol=1e-10)


def test_ssor_cg_iterations_match_scipy_cg_with_dense_preconditioner(rng):
    A = laplacian_2d(8)
    b = rng.standard_normal(64)
    Minv = np.linalg.inv(ssor_preconditioner_dense(A.toarray(), 1.5))
    count = []
    spla.cg(A, b, rtol=1e-8, M=Minv, callback=lambda xk: count.append(1))
    res = ssor_cg(A, b, 1.5, tol=1e-8)
    assert abs(res.n_iter - len(count)) <= 1


def test_warm_start_and_zero_rhs(rng):
    A = laplacian_2d(6)
    b = rng.standard_normal(36)
    x = spla.spsolve(sp.csc_array(A), b)
    for solver in (sor, ssor_cg):
        res = solver(A, b, 1.3, x0=x)
        assert res.n_iter == 0 and res.converged
        res = solver(A, np.zeros(36), 1.3)
        assert res.n_iter == 0 and np.all(res.x == 0) and res.residual == 0.0
    assert isinstance(res, SolveResult) and "SolveResult(" in repr(res)


def test_dense_input_and_non_convergence_returns_last_iterate():
    A = laplacian_2d(5).toarray()
    b = np.ones(25)
    with pytest.warns(ConvergenceWarning, match="did not reach"):
        res = sor(A, b, 1.0, max_iter=3)
    assert res.n_iter == 3 and not res.converged
    assert res.history["residual"].shape == (4,)
    assert np.all(np.diff(res.history["residual"]) < 0)


def test_youngs_omega_on_the_laplacian():
    for m in (5, 10, 40):
        h = 1.0 / (m + 1)
        np.testing.assert_allclose(optimal_omega(laplacian_2d(m)), 2 / (1 + np.sin(np.pi * h)), rtol=1e-7)
    # Young's omega is (nearly) the fastest SOR on the model problem
    A = laplacian_2d(12)
    b = np.ones(144)
    w = optimal_omega(A)
    n_opt = sor(A, b, w).n_iter
    assert all(n_opt <= sor(A, b, o).n_iter + 2 for o in (1.0, 1.3, 1.5, 1.75, 1.9))


def test_optimal_omega_warns_when_jacobi_diverges():
    A = np.array([[1.0, 2.0], [2.0, 1.0]])
    with pytest.warns(UserWarning, match="Young's formula does not apply"):
        assert optimal_omega(A) == 1.0


def test_optimal_omega_nonsymmetric():
    A = np.array([[4.0, -1.0, 0.0], [-2.0, 4.0, -1.0], [0.0, -2.0, 4.0]])
    J = np.eye(3) - np.diag(1 / np.diag(A)) @ A
    rho = np.abs(np.linalg.eigvals(J)).max()
    np.testing.assert_allclose(optimal_omega(A), 2 / (1 + np.sqrt(1 - rho**2)))


# ------------------------------------------------------------ bad input ---


def test_bad_input():
    A = laplacian_2d(3)
    b = np.ones(9)
    with pytest.raises(ValueError, match="A must be square"):
        sor(sp.random_array((3, 4), density=1.0), np.ones(3), 1.0)
    Z = sp.lil_array(A)
    Z[4, 4] = 0.0
    with pytest.raises(ValueError, match="non-zero diagonal.*row 4"):
        sor(Z, b, 1.0)
    with pytest.raises(ValueError, match="non-zero diagonal"):
        ssor_cg(Z, b, 1.0)
    for omega in (0.0, 2.0, -1.0, 2.5):
        with pytest.raises(ValueError, match="omega must be in"):
            sor(A, b, omega)
        with pytest.raises(ValueError, match="omega"):
            ssor_cg(A, b, omega)
    with pytest.raises(ValueError, match="omega must be finite"):
        sor(A, b, np.nan)
    bn = b.copy()
    bn[2] = np.nan
    with pytest.raises(ValueError, match="b must contain only finite"):
        sor(A, bn, 1.0)
    with pytest.raises(ValueError, match="b must have length 9"):
        sor(A, np.ones(8), 1.0)
    with pytest.raises(ValueError, match="x0 must have length 9"):
        ssor_cg(A, b, 1.0, x0=np.ones(10))
    An = A.copy()
    An.data[0] = np.nan
    with pytest.raises(ValueError, match="A must contain only finite"):
        sor(An, b, 1.0)
    with pytest.raises(ValueError, match="sweep must be one of"):
        sor(A, b, 1.0, sweep="sideways")
    with pytest.raises(ValueError, match="tol must be"):
        sor(A, b, 1.0, tol=0)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        sor(A, b, 1.0, max_iter=1.5)
    with pytest.raises(TypeError, match="A must"):
        sor("abc", b, 1.0)


def test_ssor_cg_rejects_non_spd():
    A = laplacian_2d(3)
    b = np.ones(9)
    N = sp.lil_array(A)
    N[0, 1] = 0.5  # not symmetric
    with pytest.raises(ValueError, match="not symmetric"):
        ssor_cg(N, b, 1.0)
    with pytest.raises(ValueError, match="positive definite.*diagonal entry 0"):
        ssor_cg(-A, b, 1.0)
    # symmetric, positive diagonal, indefinite: CG breaks down
    I = np.array([[1.0, 3.0], [3.0, 1.0]])
    with pytest.raises(ValueError, match="positive definite"):
        ssor_cg(I, np.array([1.0, -1.0]), 1.0)


# -------------------------------------------------------------- learners ---


@given(st.integers(1, 25), st.integers(0, 2**31 - 1), st.floats(0.01, 10.0))
@settings(max_examples=30)
def test_tsallis_distribution_solves_its_optimality_condition(K, seed, eta):
    rng = np.random.default_rng(seed)
    L = rng.uniform(0, 50, K) * rng.integers(0, 2)
    p = tsallis_inf_distribution(L, eta)
    assert np.all(p > 0)
    np.testing.assert_allclose(p.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(p, tsallis_inf_dense(L, eta), rtol=1e-7, atol=1e-12)
    # stationarity: L_i - 2 / (eta sqrt(p_i)) is the same for every arm
    g = L - 2.0 / (eta * np.sqrt(p))
    np.testing.assert_allclose(g, g[0], atol=1e-6 * (1 + np.abs(L).max()))


def test_tsallis_distribution_late_rounds():
    # late in a sequence the estimates are ~t and eta = 2 / sqrt(t): the root lies
    # far right of a fixed start such as x = -1, from which 20 Newton steps (the
    # authors' TsallisINF.m) jump past the poles and never return; ours starts at
    # min L - 2 / eta, where the sum is >= 1, and converges monotonically
    rng = np.random.default_rng(0)
    t = 5000
    L = t * rng.uniform(0.8, 3.0, 20)
    eta = 2.0 / np.sqrt(t)
    p = tsallis_inf_distribution(L, eta)
    np.testing.assert_allclose(p.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(p, tsallis_inf_dense(L, eta), rtol=1e-7, atol=1e-12)
    x = -1.0
    with np.errstate(all="ignore"):
        for _ in range(20):
            w = 4.0 * (eta * (L - x)) ** -2.0
            x -= (w.sum() - 1.0) / (eta * np.sum(w**1.5))
    assert not abs(w.sum() - 1.0) <= 1e-3  # the fixed start does not find the normaliser


def _stream(T, seed, variance="high"):
    return list(shifted_laplacian_sequence(T, variance=variance, random_state=seed))


def test_bandit_is_reproducible_and_resets():
    seq = _stream(15, 1)
    runs = []
    for _ in range(2):
        bandit = BanditSOR(random_state=7)
        for A, b, _c in seq:
            bandit.solve(A, b)
        runs.append(bandit.history_["omega"].copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    bandit.reset()
    assert not hasattr(bandit, "n_instances_") and not hasattr(bandit, "weights_")
    for A, b, _c in seq:
        bandit.solve(A, b)
    np.testing.assert_array_equal(bandit.history_["omega"], runs[0])
    for strategy in ("tsallis", "structured"):
        for method in ("chebcb", "binned"):
            cb = [ContextualBanditSOR(method=method, random_state=3) for _ in range(2)]
            for A, b, c in seq:
                for m in cb:
                    m.solve(A, b, c)
            np.testing.assert_array_equal(cb[0].history_["omega"], cb[1].history_["omega"])


@pytest.mark.parametrize(
    "strategy, estimator",
    [("tsallis", "reduced_variance"), ("tsallis", "importance_weighted"), ("structured", "reduced_variance")],
)
def test_bandit_concentrates_on_best_arm_of_a_stationary_sequence(strategy, estimator):
    # the same system every time: arm costs are deterministic
    A = laplacian_2d(8)
    b = truncated_normal(64, 0)
    omegas = np.array([1.0, 1.3, 1.5, 1.65, 1.9])
    costs = [sor(A, b, w).n_iter for w in omegas]
    best = int(np.argmin(costs))
    bandit = BanditSOR(omegas=omegas, strategy=strategy, estimator=estimator, random_state=0)
    for _ in range(300):
        bandit.solve(A, b)
    assert bandit.best_omega_ == omegas[best]
    assert bandit.probabilities_[best] > 0.8
    assert np.mean(bandit.history_["omega"][-100:] == omegas[best]) > 0.75


def test_bandit_update_api_and_attributes():
    bandit = BanditSOR(omegas=[1.0, 1.5], random_state=0)
    bandit.update(0, 30)
    bandit.update(1, 10)
    assert bandit.n_instances_ == 2
    assert bandit.weights_.shape == (2,) and bandit.probabilities_.shape == (2,)
    assert bandit.history_["n_iter"].tolist() == [30, 10]
    with pytest.raises(ValueError, match="arm must be"):
        bandit.update(2, 10)


def test_ssor_cg_learner_on_the_heat_equation():
    pde = HeatEquation2D(nx=12)
    bandit = BanditSOR(solver="ssor_cg", strategy="structured", random_state=0)
    cb = ContextualBanditSOR(solver="ssor_cg", context_range=(0, 10), random_state=0)
    for _ in range(10):
        A, b = pde.system()
        res = bandit.solve(A, b, x0=pde.u)
        res2 = cb.solve(A, b, pde.kappa(), x0=pde.u)
        assert res.converged and res2.converged
        ref = spla.spsolve(sp.csc_array(A), b)
        np.testing.assert_allclose(res.x, ref, atol=1e-6 * np.abs(ref).max())
        pde.update(res.x)
    assert cb.weights_.shape == (20, 6)


def test_learners_clone_pickle_params():
    for est in (
        BanditSOR(strategy="structured", random_state=0),
        ContextualBanditSOR(method="binned", n_bins=3, context_range=(-0.15, 0.45), random_state=0),
    ):
        c = clone(est)
        assert c.get_params() == est.get_params()
        est.set_params(tol=1e-6)
        assert est.tol == 1e-6
        for A, b, ctx in _stream(5, 2):
            if isinstance(est, BanditSOR):
                est.solve(A, b)
            else:
                est.solve(A, b, ctx)
        restored = pickle.loads(pickle.dumps(est))
        np.testing.assert_array_equal(restored.probabilities_, est.probabilities_)
        np.testing.assert_array_equal(restored.history_["omega"], est.history_["omega"])
        # the pickled random state continues the same stream
        A, b, ctx = _stream(1, 9)[0]
        args = (A, b) if isinstance(est, BanditSOR) else (A, b, ctx)
        assert restored.solve(*args).omega == est.solve(*args).omega
        assert not hasattr(clone(est), "n_instances_")


def test_learner_bad_params():
    A, b, c = _stream(1, 0)[0]
    with pytest.raises(ValueError, match="solver must be one of"):
        BanditSOR(solver="gmres").solve(A, b)
    with pytest.raises(ValueError, match="strategy must be one of"):
        BanditSOR(strategy="greedy").solve(A, b)
    with pytest.raises(ValueError, match="estimator must be one of"):
        BanditSOR(estimator="doubly_robust").solve(A, b)
    with pytest.raises(ValueError, match="omegas must all lie"):
        BanditSOR(omegas=[1.0, 2.0]).solve(A, b)
    with pytest.raises(ValueError, match="learning_rate"):
        BanditSOR(learning_rate=-1.0).solve(A, b)
    with pytest.raises(ValueError, match="method must be one of"):
        ContextualBanditSOR(method="linucb").solve(A, b, c)
    with pytest.raises(ValueError, match="context_range"):
        ContextualBanditSOR(context_range=(1.0, 0.0)).solve(A, b, c)
    with pytest.raises(TypeError, match="context must be"):
        ContextualBanditSOR().solve(A, b, "hot")


def test_contextual_bandit_without_range_and_binned_states():
    cb = ContextualBanditSOR(random_state=0)
    cbb = ContextualBanditSOR(method="binned", n_bins=4, random_state=0)
    for A, b, c in _stream(30, 4):
        cb.solve(A, b, c)
        cbb.solve(A, b, c)
    assert cb.weights_.shape == (20, 6) and np.all(np.isfinite(cb.weights_))
    assert cbb.weights_.shape == (4, 20)
    assert cb.history_["context"].shape == (30,)
    np.testing.assert_allclose(cb.probabilities_.sum(), 1.0)


# -------------------------------------------------------------- problems ---


def test_problems():
    A = laplacian_2d(10)
    ev = np.linalg.eigvalsh(A.toarray())
    np.testing.assert_allclose(ev[0], 4 - 4 * np.cos(np.pi / 11))
    seq = _stream(200, 0, "high")
    cs = np.array([c for _, _, c in seq])
    assert np.all(cs > -0.15) and np.all(cs < 0.45)
    assert np.all([np.linalg.norm(b) <= 10 for _, b, _ in seq])
    cs_low = np.array([c for _, _, c in _stream(200, 0, "low")])
    assert cs_low.std() < cs.std()
    np.testing.assert_allclose(heat_kappa([0.25, 0.75]), [0.1, 10.0])
    pde = HeatEquation2D(nx=25)
    A, b = pde.system()
    assert A.shape == (576, 576)
    np.testing.assert_allclose((A - A.T).data, 0)
    x = spla.spsolve(sp.csc_array(A), b)
    pde.update(x)
    assert pde.t == pytest.approx(1e-3) and pde.n_steps == 1
    with pytest.raises(ValueError, match="u must have shape"):
        pde.update(np.ones(3))
    with pytest.raises(ValueError, match="variance must be one of"):
        next(shifted_laplacian_sequence(1, variance="medium"))


def test_pyamg_loader():
    pytest.importorskip("pyamg")
    A = load_pyamg_example("airfoil")
    assert A.format == "csr" and A.shape[0] == A.shape[1]
    b = np.ones(A.shape[0])
    res = ssor_cg(A + sp.eye_array(A.shape[0]), b, 1.5)
    assert res.converged
    with pytest.raises(ValueError, match="name must be one of"):
        load_pyamg_example("teapot")


def test_tour():
    from numalg._tour import run_family

    row = run_family("sor")
    assert row.family == "sor"
    assert row.error < 1e-6


def test_history_before_solve_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="solve"):
        BanditSOR().history_
    with pytest.raises(NotFittedError, match="solve"):
        ContextualBanditSOR().history_


def test_learners_are_not_listed_as_estimators():
    import numalg

    names = [name for name, _ in numalg.all_estimators()]
    assert "BanditSOR" not in names and "ContextualBanditSOR" not in names


@pytest.mark.parametrize("estimator", ["reduced_variance", "importance_weighted"])
def test_tsallis_loss_estimates_are_unbiased(estimator):
    # one update from a fixed state, averaged exactly over the draw of the arm:
    # E[estimate increment] = the losses (up to the common baseline shift of rv)
    rng = np.random.default_rng(0)
    losses = rng.uniform(5, 50, size=6)
    bandit = BanditSOR(omegas=np.linspace(1, 1.9, 6), strategy="tsallis", estimator=estimator, random_state=0)
    for t in range(40):  # some history, so that q is uneven and the baseline is set
        bandit.update(t % 3, 20 + 10 * (t % 3))
    state = bandit._state
    p = bandit.probabilities_.copy()
    cum0 = state.cum.copy()
    expected = np.zeros(6)
    for arm in range(6):
        st_copy = pickle.loads(pickle.dumps(state))
        st_copy.update(arm, losses[arm], p[arm])
        expected += p[arm] * (st_copy.cum - cum0)
    np.testing.assert_allclose(expected, losses, rtol=1e-12)
    if estimator == "reduced_variance":
        use = state.q >= state.eta**2
        assert use.any() and not use.all()


def test_bandit_update_with_the_learners_own_draws_matches_solve():
    seq = _stream(12, 2)
    a = BanditSOR(random_state=5)
    for A, b, _c in seq:
        a.solve(A, b)
    b_ = BanditSOR(random_state=5)
    grid = np.linspace(1, 1.95, 20)
    for (A, b, _c), omega in zip(seq, a.history_["omega"]):
        b_.update(int(np.flatnonzero(grid == omega)[0]), sor(A, b, omega).n_iter)
    np.testing.assert_allclose(a.weights_, b_.weights_)
    np.testing.assert_allclose(a.probabilities_, b_.probabilities_)


@pytest.mark.parametrize("sweep", ["forward", "backward", "symmetric"])
def test_sor_callback_sees_every_iterate_and_can_stop(rng, sweep):
    A = laplacian_2d(7)
    b = rng.standard_normal(A.shape[0])
    ref = sor(A, b, 1.4, sweep=sweep)
    seen = []
    res = sor(A, b, 1.4, sweep=sweep, callback=lambda info: seen.append(
        (info["iteration"], info["residual"], info["x"].copy())))
    assert res.n_iter == ref.n_iter and res.converged
    np.testing.assert_array_equal(res.x, ref.x)
    assert [k for k, _, _ in seen] == list(range(1, ref.n_iter))
    np.testing.assert_allclose([r for _, r, _ in seen], ref.history["residual"][1:ref.n_iter], rtol=1e-12)
    k, r, x = seen[3]
    np.testing.assert_allclose(np.linalg.norm(b - A @ x) / np.linalg.norm(b), r, rtol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a requested stop does not warn
        stopped = sor(A, b, 1.4, sweep=sweep, callback=lambda info: info["iteration"] >= 4)
    with pytest.warns(ConvergenceWarning):
        capped = sor(A, b, 1.4, sweep=sweep, max_iter=4)
    assert stopped.n_iter == 4 and not stopped.converged
    np.testing.assert_array_equal(stopped.x, capped.x)


def test_ssor_cg_callback_sees_every_iterate_and_can_stop(rng):
    A = laplacian_2d(9)
    b = rng.standard_normal(A.shape[0])
    ref = ssor_cg(A, b, 1.5)
    seen = []
    res = ssor_cg(A, b, 1.5, callback=lambda info: seen.append((info["iteration"], info["residual"])))
    np.testing.assert_array_equal(res.x, ref.x)
    assert [k for k, _ in seen] == list(range(1, ref.n_iter))
    np.testing.assert_allclose([r for _, r in seen], ref.history["residual"][1:ref.n_iter], rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        stopped = ssor_cg(A, b, 1.5, callback=lambda info: info["iteration"] == 3)
    assert stopped.n_iter == 3 and not stopped.converged
    with pytest.warns(ConvergenceWarning):
        capped = ssor_cg(A, b, 1.5, max_iter=3)
    np.testing.assert_array_equal(stopped.x, capped.x)
    with pytest.raises(TypeError, match="callback must be callable"):
        ssor_cg(A, b, 1.5, callback=3)
    with pytest.raises(TypeError, match="callback must be callable"):
        sor(A, b, 1.5, callback="print")
