"""numalg.monotone: Halpern and VR-Halpern against LP references, resolvents, bad input."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import ConvergenceWarning

import numalg
from numalg.monotone import (
    BilinearQP,
    FiniteSumOperator,
    GameResult,
    MatrixGame,
    MonotoneResult,
    SaddlePointSVC,
    solve,
    solve_matrix_game,
)
from numalg.monotone import _kernels
from reference import game_gap, matrix_game_lp, project_simplex_bisection, project_simplex_qp

finite = st.floats(-1e2, 1e2, allow_nan=False, allow_infinity=False)
METHODS = ["halpern", "vr_halpern", "extragradient", "anchored_extragradient", "vr_extragradient"]


# --------------------------------------------------------------------------- resolvents


@given(st.data())
def test_simplex_projection_matches_bisection(data):
    d = data.draw(st.integers(1, 40))
    v = data.draw(arrays(np.float64, d, elements=finite))
    radius = data.draw(st.floats(0.1, 10))
    out = np.empty(d)
    _kernels.proj_simplex(v, out, radius)
    ref = project_simplex_bisection(v, radius)
    np.testing.assert_allclose(out, ref, atol=1e-9 * (1 + np.abs(v).max()))
    by_sort = np.empty(d)
    _kernels.proj_simplex(v, by_sort, radius, True)
    np.testing.assert_allclose(by_sort, out, atol=1e-12 * (1 + np.abs(v).max()))
    assert out.min() >= 0
    # out = max(v - tau, 0) cancels: tau = (sum of up to d entries - radius) / n carries a
    # rounding error up to ~d eps max|v|, and d entries share it
    np.testing.assert_allclose(out.sum(), radius, rtol=1e-12,
                               atol=d * d * np.finfo(float).eps * (1 + np.abs(v).max()))


@settings(max_examples=10)
@given(st.data())
def test_simplex_projection_matches_qp_definition(data):
    d = data.draw(st.integers(1, 8))
    v = data.draw(arrays(np.float64, d, elements=st.floats(-3, 3)))
    out = np.empty(d)
    _kernels.proj_simplex(v, out, 1.0)
    ref = project_simplex_qp(v)
    np.testing.assert_allclose(out, ref, atol=1e-6)
    # the projection is at least as close to v as the QP solution
    assert np.linalg.norm(out - v) <= np.linalg.norm(ref - v) + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_warm_started_simplex_projection_matches_sort(data):
    # any guess of the threshold (too high, too low, exact, none) gives the same projection
    d = data.draw(st.integers(1, 40))
    v = data.draw(arrays(np.float64, d, elements=st.floats(-5, 5, allow_nan=False)))
    radius = data.draw(st.floats(0.1, 3.0))
    by_sort = np.empty(d)
    _kernels.proj_simplex(v, by_sort, radius, True)
    tau_exact = float(np.max(v - by_sort))
    guesses = [-np.inf, np.nan, tau_exact, tau_exact + 1e-9, tau_exact - 1e-9, v.max(), v.min() - 1.0,
               data.draw(st.floats(-10, 10))]
    for guess in guesses:
        out = np.empty(d)
        tau = _kernels.proj_simplex_warm(v, out, radius, guess)
        np.testing.assert_allclose(out, by_sort, atol=1e-12)
        if np.isfinite(tau):
            np.testing.assert_allclose(np.maximum(v - tau, 0.0), by_sort, atol=1e-12)


def test_projection_in_place_and_box():
    v = np.array([0.3, -2.0, 5.0, 0.1])
    expected = project_simplex_bisection(v)
    _kernels.proj_simplex(v, v, 1.0)
    np.testing.assert_allclose(v, expected, atol=1e-12)
    w = np.array([-1.0, 0.5, 2.0])
    _kernels.proj_box(w, w, 0.0, 1.0)
    np.testing.assert_array_equal(w, [0.0, 0.5, 1.0])


def test_problem_resolvents_are_projections():
    rng = np.random.default_rng(0)
    game = MatrixGame(rng.standard_normal((3, 4)))
    v = rng.standard_normal(7)
    r = game.resolvent(v, 0.3)
    np.testing.assert_allclose(r[:3], project_simplex_bisection(v[:3]), atol=1e-12)
    np.testing.assert_allclose(r[3:], project_simplex_bisection(v[3:]), atol=1e-12)
    qp = BilinearQP(np.eye(2), np.zeros(2), np.eye(2), np.ones(2), y_bounds=(0, 1))
    np.testing.assert_allclose(qp.resolvent([3.0, -3.0, 2.0, -0.5]), [3.0, -3.0, 1.0, 0.0])


def test_sampled_gathers_are_unbiased_and_exact_when_full():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((6, 5))
    for mat in (A, sp.csr_array(A)):
        oracle = MatrixGame(mat)._oracle()
        oracle.rng = rng
        u = np.abs(rng.standard_normal(11))
        w = np.abs(rng.standard_normal(11))
        # make both feasible so that the centring cancels
        oracle.prox_step(u, 1.0)
        oracle.prox_step(w, 1.0)
        exact = oracle.full(u) - oracle.full(w)
        # estimates are exact up to the all-ones direction of each block (which projections ignore)
        exact[:6] -= exact[:6].mean()
        exact[6:] -= exact[6:].mean()

        def centred(e):
            e = e.copy()
            e[:6] -= e[:6].mean()
            e[6:] -= e[6:].mean()
            return e

        oracle.set_batch(1.0)
        np.testing.assert_allclose(centred(oracle.est_diff(u, w)), exact, atol=1e-12)
        oracle.set_batch(0.4)
        mean = centred(np.mean([oracle.est_diff(u, w) for _ in range(4000)], axis=0))
        np.testing.assert_allclose(mean, exact, atol=0.15 * np.abs(exact).max() + 0.05)


def test_gather_kernels_match_dense():
    rng = np.random.default_rng(2)
    M = rng.standard_normal((7, 9))
    M[M < 0.3] = 0
    idx = np.array([0, 4, 4, 8, 2], dtype=np.intp)
    coef = rng.standard_normal(5)
    expected = M[:, idx] @ coef
    out = np.zeros(7)
    _kernels.gather_dense(np.ascontiguousarray(M.T), idx, coef, out)
    np.testing.assert_allclose(out, expected, atol=1e-12)
    # every group/remainder shape of the dense kernel (4 rows per pass, then 1-3; prefetches)
    for b in range(1, 14):
        idx_b = rng.integers(0, 9, b).astype(np.intp)
        coef_b = rng.standard_normal(b)
        out_b = np.ones(7)
        _kernels.gather_dense(np.ascontiguousarray(M.T), idx_b, coef_b, out_b)
        np.testing.assert_allclose(out_b, 1.0 + M[:, idx_b] @ coef_b, atol=1e-12)
    csc = sp.csc_array(M)
    out = np.zeros(7)
    _kernels.gather_csc(csc.indptr.astype(np.intc), csc.indices.astype(np.intc), csc.data, idx, coef, out)
    np.testing.assert_allclose(out, expected, atol=1e-12)


# --------------------------------------------------------------------------- Halpern's worst-case bound


@settings(max_examples=8)
@given(st.integers(0, 10**6))
def test_halpern_meets_worst_case_bound_on_random_nonexpansive_maps(seed):
    # T(u) = Q u + t with ||Q||_2 <= 1 is nonexpansive; F = I - T is 1/2-cocoercive.
    rng = np.random.default_rng(seed)
    d = 6
    Q = rng.standard_normal((d, d))
    if seed % 2:
        Q = Q - Q.T  # skew: a rotation-like map, the hard case
    Q /= np.linalg.norm(Q, 2)
    Q *= 0.999
    t = rng.standard_normal(d)
    F = np.eye(d) - Q
    x_star = np.linalg.solve(F, t)
    op = FiniteSumOperator(lambda u, idx: np.tile(F @ u - t, (len(idx), 1)), 1, lipschitz=1.0,
                           cocoercive=True)
    u0 = rng.standard_normal(d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = solve(op, method="halpern", u0=u0, tol=1e-14, max_epochs=200, restart=False)
    # with eta = 1/L = 1 the forward-backward map is T itself: residual = ||u_k - T u_k||
    r = res.history["residual"]
    k = np.arange(r.size)
    bound = 2.0 / (k + 1) * np.linalg.norm(u0 - x_star)
    assert np.all(r <= bound * (1 + 1e-9) + 1e-12)


# --------------------------------------------------------------------------- games vs linprog


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("sparse", [False, True])
def test_methods_converge_to_lp_value_on_small_games(method, sparse):
    rng = np.random.default_rng(3)
    A = rng.standard_normal((5, 7))
    value, _, _ = matrix_game_lp(A)
    mat = sp.csr_array(A) if sparse else A
    # plain EAG converges at the O(1/k) rate only: a looser target keeps the test short
    gap_tol = 1e-3 if method == "anchored_extragradient" else 1e-4
    res = solve_matrix_game(mat, method=method, gap_tol=gap_tol, max_epochs=30000, random_state=0)
    assert isinstance(res, GameResult) and res.converged
    assert res.gap <= gap_tol
    assert abs(res.value - value) <= gap_tol + 1e-9
    np.testing.assert_allclose(res.gap, game_gap(A, res.x, res.y), atol=1e-10)
    np.testing.assert_allclose(res.x.sum(), 1.0)
    np.testing.assert_allclose(res.y.sum(), 1.0)
    assert res.x.min() >= 0 and res.y.min() >= 0


def test_residual_tolerance_and_certificate():
    rng = np.random.default_rng(4)
    game = MatrixGame(rng.standard_normal((6, 6)))
    res = solve(game, method="halpern", tol=1e-7, max_epochs=50000, restart=True)
    assert res.converged and res.residual <= 1e-7
    np.testing.assert_allclose(game.residual(res.u), res.residual, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(game.gap(res.u), res.gap, rtol=1e-6, atol=1e-12)


def test_halpern_residual_decreases_on_cocoercive_problem():
    # Deterministic Halpern on a gradient (cocoercive) problem: residuals stay within the bound
    # and end far below the start; here F = gradient of a convex quadratic.
    rng = np.random.default_rng(5)
    B = rng.standard_normal((8, 8))
    H = B @ B.T / 8
    L = np.linalg.norm(H, 2)
    b = rng.standard_normal(8)
    op = FiniteSumOperator(lambda u, idx: np.tile(H @ u - b, (len(idx), 1)), 1, lipschitz=L,
                           cocoercive=True)
    res = solve(op, method="halpern", u0=np.zeros(8), tol=1e-6, max_epochs=1e5, restart=True)
    assert res.converged
    np.testing.assert_allclose(H @ res.u, b, atol=1e-5)


def test_bilinear_qp_solution():
    rng = np.random.default_rng(6)
    n = 6
    B = rng.standard_normal((n, n))
    H = B @ B.T / n + np.eye(n)
    A = rng.standard_normal((4, n))
    h, b = rng.standard_normal(n), rng.standard_normal(4)
    qp = BilinearQP(H, h, A, b)
    # KKT: H x - h + A^T y = 0, A x = b
    K = np.block([[H, A.T], [A, np.zeros((4, 4))]])
    ref = np.linalg.solve(K, np.r_[h, b])
    for method in ("halpern", "vr_halpern", "extragradient"):
        res = solve(qp, method=method, tol=1e-6, max_epochs=50000, random_state=0)
        assert res.converged, method
        np.testing.assert_allclose(res.u, ref, atol=1e-5)
        assert np.isnan(res.gap)


def test_sparse_and_dense_games_agree():
    rng = np.random.default_rng(7)
    A = rng.standard_normal((6, 5))
    d = solve_matrix_game(A, method="halpern", tol=1e-8, restart=True, max_epochs=1e5)
    s = solve_matrix_game(sp.csc_array(A), method="halpern", tol=1e-8, restart=True, max_epochs=1e5)
    np.testing.assert_allclose(d.value, s.value, atol=1e-6)


def test_same_seed_same_result():
    rng = np.random.default_rng(8)
    A = rng.standard_normal((20, 30))
    for method in ("vr_halpern", "vr_extragradient"):
        a = solve_matrix_game(A, method=method, max_epochs=50, random_state=3, tol=1e-12)
        b = solve_matrix_game(A, method=method, max_epochs=50, random_state=3, tol=1e-12)
        np.testing.assert_array_equal(a.u, b.u)
        np.testing.assert_array_equal(a.history["residual"], b.history["residual"])


def test_vr_halpern_cocoercive_variant_on_finite_sum():
    # F_i(u) = u - c_i: F(u) = u - mean(c), cocoercive; the solution is mean(c), clipped to a box.
    rng = np.random.default_rng(9)
    C = rng.standard_normal((50, 3))
    op = FiniteSumOperator(lambda u, idx: u[None, :] - C[idx], 50, lipschitz=1.0,
                           resolvent=lambda v, eta: np.clip(v, -0.1, 0.1), cocoercive=True)
    res = solve(op, method="vr_halpern", u0=np.zeros(3), tol=1e-6, max_epochs=2000, random_state=0)
    assert res.converged
    np.testing.assert_allclose(res.u, np.clip(C.mean(0), -0.1, 0.1), atol=1e-5)
    # and the Lipschitz variant on the same problem
    res2 = solve(op, method="vr_halpern", variant="lipschitz", u0=np.zeros(3), tol=1e-6,
                 max_epochs=2000, random_state=0)
    assert res2.converged
    np.testing.assert_allclose(res2.u, res.u, atol=1e-5)


def test_callback_and_verbose(capsys):
    calls = []

    def cb(info):
        calls.append(info["n_epochs"])
        return len(calls) >= 3

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = solve_matrix_game(np.eye(3), method="extragradient", tol=1e-30, callback=cb, verbose=True)
    assert len(calls) == 3 and not res.converged
    assert "residual" in capsys.readouterr().out


def test_budget_exhaustion_warns_and_returns_best():
    A = np.random.default_rng(10).standard_normal((8, 8))
    with pytest.warns(ConvergenceWarning, match="max_epochs"):
        res = solve_matrix_game(A, method="halpern", tol=1e-14, max_epochs=20)
    assert not res.converged
    assert res.residual == pytest.approx(res.history["residual"].min())
    assert isinstance(res, MonotoneResult)
    assert "GameResult(" in repr(res)


# --------------------------------------------------------------------------- bad input


def test_bad_input():
    with pytest.raises(ValueError, match="A must contain only finite"):
        MatrixGame([[1.0, np.nan], [0.0, 1.0]])
    with pytest.raises(ValueError, match="A must not be empty"):
        MatrixGame(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="A must be 2-D"):
        MatrixGame([1.0, 2.0])
    game = MatrixGame(np.eye(2))
    with pytest.raises(ValueError, match="tol must be"):
        solve(game, tol=0)
    with pytest.raises(ValueError, match="tol must be"):
        solve(game, tol=-1.0)
    with pytest.raises(ValueError, match="method must be one of"):
        solve(game, method="newton")
    with pytest.raises(TypeError, match="unknown option 'foo'"):
        solve(game, method="halpern", foo=1)
    with pytest.raises(ValueError, match="primal_weight must be"):
        solve(game, method="halpern", primal_weight=-1.0)
    with pytest.raises(ValueError, match="primal_weight must be one of"):
        solve(game, method="halpern", primal_weight="adaptive")
    with pytest.raises(ValueError, match="step must be"):
        solve(game, method="extragradient", step=0.0)
    with pytest.raises(ValueError, match="max_epochs must be"):
        solve(game, max_epochs=0)
    with pytest.raises(TypeError, match="problem must be"):
        solve(np.eye(2))
    with pytest.raises(ValueError, match="u0 must have shape"):
        solve(game, u0=np.ones(3))
    op = FiniteSumOperator(lambda u, idx: np.zeros((len(idx), u.size + 1)), 4, lipschitz=1.0)
    with pytest.raises(ValueError, match="component must return an array of shape"):
        solve(op, u0=np.zeros(2))
    with pytest.raises(ValueError, match="u0"):
        solve(op)
    with pytest.raises(TypeError, match="component must be callable"):
        FiniteSumOperator(3, 4, lipschitz=1.0)
    with pytest.raises(ValueError, match="lipschitz must be"):
        FiniteSumOperator(lambda u, i: u, 4, lipschitz=0.0)
    with pytest.raises(ValueError, match="H must be symmetric"):
        BilinearQP(np.array([[1.0, 2.0], [0.0, 1.0]]), np.zeros(2), np.eye(2), np.zeros(2))
    with pytest.raises(ValueError, match="H must be positive semi-definite"):
        BilinearQP(-np.eye(2), np.zeros(2), np.eye(2), np.zeros(2))
    with pytest.raises(ValueError, match="b must have shape"):
        BilinearQP(np.eye(2), np.zeros(2), np.eye(2), np.zeros(3))
    with pytest.raises(ValueError, match="gap_tol is only defined"):
        solve(BilinearQP(np.eye(2), np.zeros(2), np.eye(2), np.zeros(2)), gap_tol=1e-3)
    dense_h = np.array([[2.0, 1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="operator='pdhg' needs"):
        solve(BilinearQP(dense_h, np.zeros(2), np.eye(2), np.zeros(2)), method="halpern", operator="pdhg")


def test_problem_objects_pickle_and_repr():
    game = MatrixGame(np.eye(3))
    assert "MatrixGame(dense 3x3" in repr(game)
    game2 = pickle.loads(pickle.dumps(game))
    np.testing.assert_allclose(game2.lipschitz, game.lipschitz)


def test_tour_row():
    import numalg._tour

    row = numalg._tour.run_family("monotone")
    assert row.family == "monotone"
    assert row.error <= 1e-3 + 1e-12  # |value - LP value| <= certified gap <= 1e-3


# --------------------------------------------------------------------------- SaddlePointSVC


def _svc_primal(X, y, w, b, C):
    ys = np.where(y == y.max(), 1.0, -1.0)
    return 0.5 * w @ w + C * np.maximum(0.0, 1.0 - ys * (X @ w + b)).sum()


def test_saddle_point_svc_matches_linear_svc_objective():
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(11)
    X = rng.standard_normal((120, 4))
    y = (X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 * rng.standard_normal(120) > 0).astype(int)
    ref = LinearSVC(loss="hinge", fit_intercept=False, C=0.5, tol=1e-10, max_iter=10**6).fit(X, y)
    p_ref = _svc_primal(X, y, ref.coef_[0], 0.0, 0.5)
    clf = SaddlePointSVC(C=0.5, fit_intercept=False, tol=1e-6, max_epochs=1e5).fit(X, y)
    p = _svc_primal(X, y, clf.coef_[0], 0.0, 0.5)
    # tol is the certified relative duality gap: it bounds the relative primal excess
    assert clf.gap_[0] >= -1e-12
    rel_gap = clf.gap_[0] / (p / (0.5 * 120))
    assert rel_gap <= 1e-6 * (1 + 1e-9)
    assert (p - p_ref) / p_ref <= rel_gap + 1e-9
    # the certified gap bounds the suboptimality of the (1/(C n))-scaled objective
    assert (p - p_ref) / (0.5 * 120) <= clf.gap_[0] + 1e-12
    # the variance-reduced solvers stop on the same certificate
    clf_vr = SaddlePointSVC(C=0.5, fit_intercept=False, method="vr_extragradient", tol=1e-3,
                            max_epochs=20000, random_state=0).fit(X, y)
    p_vr = _svc_primal(X, y, clf_vr.coef_[0], 0.0, 0.5)
    assert (p_vr - p_ref) / p_ref <= 1e-3 + 1e-9


def test_saddle_point_svc_multiclass_sparse_and_params():
    from sklearn.base import clone
    from sklearn.datasets import make_blobs

    X, y = make_blobs(90, centers=3, random_state=0)
    clf = SaddlePointSVC(random_state=0, max_epochs=500, tol=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        assert clf.coef_.shape == (3, 2) and clf.intercept_.shape == (3,)
        assert clf.score(X, y) > 0.9
        assert clf.residual_.shape == (3,) and clf.n_epochs_.shape == (3,)
        clf_sparse = clone(clf).fit(sp.csr_array(X), y)
    np.testing.assert_allclose(clf_sparse.predict(X), clf.predict(X))
    assert pickle.loads(pickle.dumps(clf)).score(X, y) == clf.score(X, y)
    with pytest.raises(ValueError, match="C"):
        SaddlePointSVC(C=-1.0).fit(X, y)


def test_pdhg_with_diagonal_h_and_boxes_matches_resolvent_halpern():
    rng = np.random.default_rng(12)
    n = 6
    H = np.diag(rng.random(n) + 0.5)
    A, h, b = rng.standard_normal((4, n)), rng.standard_normal(n), rng.standard_normal(4)
    qp = BilinearQP(sp.csr_array(H), h, A, b, x_bounds=(-0.2, 0.2), y_bounds=(0, 1))
    r1 = solve(qp, method="halpern", tol=1e-8, max_epochs=1e5)  # PDHG (H is diagonal)
    r2 = solve(qp, method="halpern", operator="resolvent", tol=1e-8, max_epochs=1e6)
    assert r1.converged and r2.converged
    np.testing.assert_allclose(r1.u, r2.u, atol=1e-6)
    assert np.all(np.abs(r1.u[:n]) <= 0.2 + 1e-15)


@settings(max_examples=6)
@given(st.integers(0, 10**6))
def test_extragradient_residual_is_monotone_on_unconstrained_problems(seed):
    # Gorbunov, Loizou & Gidel (2022): with G = 0 and step <= 1/(sqrt(2) L), ||F(x_k)|| of EG
    # does not increase; with G = 0 the certified residual is exactly ||F(x_k)||.
    rng = np.random.default_rng(seed)
    n = 5
    B = rng.standard_normal((n, n))
    qp = BilinearQP(B @ B.T / n, rng.standard_normal(n), rng.standard_normal((3, n)), rng.standard_normal(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = solve(qp, method="extragradient", tol=1e-12, max_epochs=400, step_scale=0.7)
    r = res.history["residual"]
    assert np.all(np.diff(r) <= 1e-12 * (1 + r[:-1]))


# --------------------------------------------------------------------------- fused VR-FoRB kernel


@pytest.mark.parametrize("sparse", [False, True])
def test_fused_game_full_matches_operator_up_to_block_constants(sparse):
    rng = np.random.default_rng(5)
    A = rng.standard_normal((6, 9))
    A[A < 0.3] = 0.0
    game = MatrixGame(sp.csr_array(A) if sparse else A)
    G = game._oracle().game
    u = np.concatenate([rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(9))])
    diff = G.full(u) - game.operator(u)
    # the simplex projections ignore constants per block: F may differ by them
    np.testing.assert_allclose(diff[:6], diff[0], atol=1e-12)
    np.testing.assert_allclose(diff[6:], diff[6], atol=1e-12)
    if sparse:
        np.testing.assert_allclose(diff, 0.0, atol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
def test_fused_forb_step_without_sampling_is_the_exact_forb_step(sparse):
    # batches as large as the blocks: every estimate is the exact product
    rng = np.random.default_rng(6)
    m, n = 5, 8
    A = rng.standard_normal((m, n))
    game = MatrixGame(sp.csr_array(A) if sparse else A)
    G = game._oracle().game
    simplex = lambda k: rng.dirichlet(np.ones(k))  # noqa: E731
    u = np.concatenate([simplex(m), simplex(n)])
    z = np.concatenate([simplex(m), simplex(n)])
    w = np.concatenate([simplex(m), simplex(n)])
    wp = np.concatenate([simplex(m), simplex(n)])
    Fw = G.full(w)
    alpha, gamma, c = 0.7, 0.3, 2.0
    zbar = alpha * z + (1 - alpha) * w
    g = Fw + game.operator(z) - game.operator(wp)
    v = (zbar - gamma * c * g + gamma * u) / (1 + gamma)
    expected = np.concatenate([project_simplex_qp(v[:m]), project_simplex_qp(v[m:])])
    w_old = w.copy()
    touched, nref = _kernels.game_forb(*G.args, G.c0, u, z, w, wp, Fw, 1, n, m, alpha, gamma, c, 0.0,
                                       rng.random(m + n), np.ones(1))
    np.testing.assert_allclose(z, expected, atol=1e-7)
    assert nref == 0 and touched <= m * n * 2
    np.testing.assert_array_equal(w, w_old)
    np.testing.assert_array_equal(wp, w_old)  # w_prev <- w after a step without refresh
    # a refresh (coin < p) moves the snapshot to z and recomputes F there
    _kernels.game_forb(*G.args, G.c0, u, z, w, wp, Fw, 1, n, m, alpha, gamma, c, 1.0,
                       rng.random(m + n), np.zeros(1))
    np.testing.assert_array_equal(w, z)
    np.testing.assert_allclose(Fw, G.full(z))


def test_dense_game_transposed_copy_only_for_sampling_methods():
    # B^T's C-contiguous copy (the x-rows' column gathers) is made on first use by a sampled method
    rng = np.random.default_rng(12)
    A = rng.standard_normal((30, 20))
    game = MatrixGame(A)
    det = solve(game, method="halpern", tol=1e-3)
    px, py = game._cache
    assert py._cols is None
    assert np.shares_memory(px.cols, py.mat)  # B's own rows: no copy
    vr = solve(game, method="vr_halpern", tol=1e-3, random_state=0)
    assert py._cols is not None and py._cols.flags.c_contiguous
    np.testing.assert_array_equal(py.cols, py.mat.T)
    again = solve(game, method="halpern", tol=1e-3)
    np.testing.assert_array_equal(again.u, det.u)
    assert vr.residual <= 1e-3 or not vr.converged


def _forb_reference(game, G, u, z, w, Fw, bx, by, alpha, gamma, c, rand):
    """Sampled VR-FoRB steps in NumPy (no refreshes), with the kernel's sampling law and uniforms."""
    m, n = game.shape
    args = G.args
    stores = [(args[1], args[5], bx, 1.0, slice(m, None), slice(None, m)),   # X: columns of B, from d_y
              (args[6], args[10], by, -1.0, slice(None, m), slice(m, None))]  # Y: rows of B, from d_x
    z = z.copy()
    for k in range(len(rand) // (bx + by)):
        r = rand[k * (bx + by):(k + 1) * (bx + by)]
        g = np.zeros(m + n)
        off = 0
        for cols, norm, batch, sign, src, dst in stores:
            dvec = z[src] - w[src]
            t = np.abs(dvec) * norm
            cdf = np.cumsum(t)
            if np.count_nonzero(t) <= batch:
                g[dst] += sign * (cols.T @ dvec)
            else:
                idx = np.searchsorted(cdf, r[off:off + batch] * cdf[-1], side="right")
                coef = sign * np.sign(dvec[idx]) * cdf[-1] / (batch * norm[idx])
                g[dst] += cols[idx].T @ coef
            off += batch
        v = (alpha * z + (1 - alpha) * w - gamma * c * (Fw + g) + gamma * u) / (1 + gamma)
        z = np.concatenate([project_simplex_qp(v[:m]), project_simplex_qp(v[m:])])
    return z


def test_fused_sampled_forb_steps_match_numpy_reference():
    # the compiled steps (gathers, warm-started projections) against NumPy with the same uniforms
    rng = np.random.default_rng(11)
    m, n = 23, 17
    game = MatrixGame(rng.standard_normal((m, n)))
    G = game._oracle().game
    u = game.initial_point()
    z = np.concatenate([rng.dirichlet(np.ones(m) * 0.3), rng.dirichlet(np.ones(n) * 0.3)])
    w = np.concatenate([rng.dirichlet(np.ones(m)), rng.dirichlet(np.ones(n))])
    Fw = G.full(w)
    for bx, by in [(1, 1), (3, 2), (5, 9), (6, 7)]:
        steps = 6
        rand = rng.random(steps * (bx + by))
        expected = _forb_reference(game, G, u, z, w, Fw, bx, by, 0.9, 0.4, 0.5, rand)
        zz, ww, wp, FF = z.copy(), w.copy(), w.copy(), Fw.copy()
        _kernels.game_forb(*G.args, G.c0, u, zz, ww, wp, FF, steps, bx, by, 0.9, 0.4, 0.5, 0.0,
                           rand, np.ones(steps))
        np.testing.assert_allclose(zz, expected, atol=1e-10)


@pytest.mark.parametrize("sparse", [False, True])
def test_fused_vr_halpern_matches_python_path_in_solution(sparse):
    rng = np.random.default_rng(7)
    A = rng.standard_normal((40, 30))
    mat = sp.csr_array(A) if sparse else A
    value, _, _ = matrix_game_lp(A)
    for fused in (True, False):
        res = solve_matrix_game(mat, method="vr_halpern", gap_tol=1e-6, max_epochs=20000, random_state=1,
                                fused=fused)
        assert res.converged and abs(res.value - value) <= 1e-6 + 1e-9
    a = solve_matrix_game(mat, method="vr_halpern", tol=1e-3, random_state=3)
    b = solve_matrix_game(mat, method="vr_halpern", tol=1e-3, random_state=3)
    np.testing.assert_array_equal(a.u, b.u)


@pytest.mark.parametrize("sparse", [False, True])
def test_vr_halpern_outer_snapshot_solves_games_and_qps(sparse):
    # snapshot="outer": the inner VR-FoRB loop keeps the outer point as its reference (no refreshes)
    rng = np.random.default_rng(8)
    A = rng.standard_normal((40, 30))
    value, _, _ = matrix_game_lp(A)
    res = solve_matrix_game(sp.csr_array(A) if sparse else A, method="vr_halpern", gap_tol=1e-6,
                            max_epochs=20000, random_state=1, snapshot="outer")
    assert res.converged and abs(res.value - value) <= 1e-6 + 1e-9
    n = 6
    B = rng.standard_normal((n, n))
    H = B @ B.T / n + np.eye(n)
    Aq = rng.standard_normal((4, n))
    h, b = rng.standard_normal(n), rng.standard_normal(4)
    K = np.block([[H, Aq.T], [Aq, np.zeros((4, 4))]])
    ref = np.linalg.solve(K, np.r_[h, b])
    res = solve(BilinearQP(H, h, Aq, b), method="vr_halpern", tol=1e-6, max_epochs=50000, random_state=0,
                snapshot="outer")
    assert res.converged
    np.testing.assert_allclose(res.u, ref, atol=1e-5)
    with pytest.raises(ValueError, match="snapshot"):
        solve_matrix_game(A, method="vr_halpern", snapshot="middle")


@pytest.mark.parametrize("fused", [True, False])
def test_vr_halpern_cold_inner_start_converges(fused):
    # warm_start=False: every inner loop starts at the outer point u_k (the paper's and authors' choice)
    rng = np.random.default_rng(9)
    A = rng.standard_normal((30, 40))
    value, _, _ = matrix_game_lp(A)
    res = solve_matrix_game(A, method="vr_halpern", gap_tol=1e-6, max_epochs=20000, random_state=2,
                            warm_start=False, fused=fused)
    assert res.converged and abs(res.value - value) <= 1e-6 + 1e-9
    a = solve_matrix_game(A, method="vr_halpern", tol=1e-3, random_state=3, warm_start=False, fused=fused)
    b = solve_matrix_game(A, method="vr_halpern", tol=1e-3, random_state=3, warm_start=False, fused=fused)
    np.testing.assert_array_equal(a.u, b.u)
    with pytest.raises(TypeError, match="warm_start"):
        solve_matrix_game(A, method="vr_halpern", warm_start="no")
