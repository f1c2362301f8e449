"""numalg.bcd: solvers against closed forms / scipy.optimize / dense solves, estimators
against scikit-learn, the forest solver against a dense solve, and bad input."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

import sklearn.linear_model as sklm
from numalg.bcd import (
    L1,
    L2,
    ElasticNet,
    ElasticNetPenalty,
    GraphQuadratic,
    LabelPropagation,
    Lasso,
    Logistic,
    LogisticRegression,
    Multinomial,
    NoPenalty,
    NonNegative,
    Quadratic,
    solve,
)
from numalg.bcd import _cd, _graph
from reference import (
    bcd_block_solve,
    bcd_harmonic,
    bcd_logistic_minimize,
    bcd_logistic_objective,
    bcd_ls_closed_form,
    bcd_ls_minimize,
    bcd_multinomial_minimize,
    bcd_primal,
    bcd_scores,
)

RULES = ["gsl", "gs", "gsd", "gsq", "cyclic", "random", "lipschitz"]
X_PARTITIONS = ["variable", "contiguous", "sorted", "mixed"]
X_UPDATES = ["newton", "gradient", "backtracking"]


def _problem(seed, n, p, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse:
        X[rng.random((n, p)) < 0.6] = 0.0
        X = sp.csc_array(X)
    w = np.zeros(p)
    w[: max(1, p // 3)] = rng.standard_normal(max(1, p // 3))
    y = X @ w + 0.1 * rng.standard_normal(n)
    return X, y


def _penalty(kind, scale):
    return {
        "none": NoPenalty(),
        "l2": L2(scale),
        "l1": L1(scale),
        "en": ElasticNetPenalty(scale, 0.6),
        "nonneg": NonNegative(),
        "l1pos": L1(scale, positive=True),
    }[kind]


# ------------------------------------------------------------------ least squares


@settings(max_examples=30)
@given(
    seed=st.integers(0, 2**16),
    rule=st.sampled_from(RULES),
    partition=st.sampled_from(X_PARTITIONS),
    update=st.sampled_from(X_UPDATES),
    block=st.integers(1, 4),
    pen=st.sampled_from(["none", "l2", "l1", "en", "nonneg", "l1pos"]),
    fit_intercept=st.booleans(),
    sparse=st.booleans(),
    working_set=st.booleans(),
)
def test_least_squares_every_rule_reaches_reference(seed, rule, partition, update, block, pen,
                                                    fit_intercept, sparse, working_set):
    X, y = _problem(seed, 30, 8, sparse)
    alpha = 0.05 * float(np.abs(np.asarray(X.T @ y)).max()) / 30
    penalty = _penalty(pen, alpha)
    res = solve(Quadratic(), penalty, X, y, selection=rule, partition=partition, update=update,
                block_size=block, tol=1e-12, max_iter=3000, fit_intercept=fit_intercept,
                working_set=working_set)
    assert res.converged
    if pen in ("none", "l2"):
        w, b = bcd_ls_closed_form(X, y, penalty.l2, fit_intercept=fit_intercept)
        np.testing.assert_allclose(res.coef, w, rtol=1e-6, atol=1e-8)
        assert res.intercept == pytest.approx(b, abs=1e-8)
    else:
        w, b, ref = bcd_ls_minimize(X, y, penalty.l1, penalty.l2, fit_intercept=fit_intercept,
                                    nonneg=penalty.nonneg)
        ours = bcd_primal(X, y, res.coef, res.intercept, penalty.l1, penalty.l2,
                          nonneg=penalty.nonneg)
        assert ours <= ref + 1e-10 * (1 + abs(ref))
        assert ours == pytest.approx(res.objective, rel=1e-10, abs=1e-14)
        if penalty.nonneg:
            assert (res.coef >= 0).all()


def test_lasso_gap_nonnegative_and_reaches_tol(rng):
    X, y = _problem(1, 60, 40)
    alpha = 0.1 * np.abs(X.T @ y).max() / 60
    for tol in (1e-3, 1e-6, 1e-10):
        res = solve(Quadratic(), L1(alpha), X, y, tol=tol)
        P0 = 0.5 * np.mean(y**2)
        assert res.converged and 0 <= res.gap <= tol * P0
        assert (res.history["gap"] >= 0).all()
        assert np.isnan(solve(Quadratic(), L2(alpha), X, y, tol=tol).gap)


def test_active_set_newton_terminates_on_quadratic():
    X, y = _problem(2, 80, 30)
    alpha = 0.05 * np.abs(X.T @ y).max() / 80
    res = solve(Quadratic(), L1(alpha), X, y, tol=1e-14, selection="cyclic")
    assert res.converged and res.active_set_identified_at is not None
    assert res.kkt < 1e-12


def test_history_per_update_is_monotone_for_exact_updates():
    X, y = _problem(3, 40, 15)
    alpha = 0.05 * np.abs(X.T @ y).max() / 40
    for rule in RULES:
        res = solve(Quadratic(), L1(alpha), X, y, selection=rule, working_set=False, tol=1e-10,
                    max_iter=500, update="gradient")
        obj = res.history["objective_per_update"]
        assert obj.size > 0 and np.all(np.diff(obj) <= 1e-12 * (1 + abs(obj[0])))
        assert obj[-1] == pytest.approx(res.objective, rel=1e-8)


def test_large_working_set_uses_residual_kernel(monkeypatch):
    import numalg.bcd._solvers as S

    monkeypatch.setattr(S, "GRAM_LIMIT", 3)
    for sparse in (False, True):
        X, y = _problem(4, 40, 12, sparse)
        for fi in (False, True):
            res = solve(Quadratic(), L2(0.1), X, y, tol=1e-12, fit_intercept=fi, max_iter=5000)
            w, b = bcd_ls_closed_form(X, y, 0.1, fit_intercept=fi)
            np.testing.assert_allclose(res.coef, w, rtol=1e-6, atol=1e-8)
            assert res.intercept == pytest.approx(b, abs=1e-8)


def test_sample_weight_equals_repetition():
    X, y = _problem(5, 20, 6)
    sw = np.arange(20) % 3
    Xr, yr = np.repeat(X, sw, axis=0), np.repeat(y, sw)
    a = solve(Quadratic(), L1(0.01), X, y, sample_weight=sw, tol=1e-14, fit_intercept=True)
    b = solve(Quadratic(), L1(0.01), Xr, yr, tol=1e-14, fit_intercept=True)
    np.testing.assert_allclose(a.coef, b.coef, atol=1e-9)


# ------------------------------------------------------------------ logistic


@settings(max_examples=15)
@given(seed=st.integers(0, 2**16), rule=st.sampled_from(RULES), pen=st.sampled_from(["l2", "l1", "en"]),
       fit_intercept=st.booleans(), sparse=st.booleans())
def test_logistic_reaches_minimize(seed, rule, pen, fit_intercept, sparse):
    X, y = _problem(seed, 40, 6, sparse)
    y = np.where(y > np.median(y), 1.0, -1.0)
    penalty = _penalty(pen, 0.02)
    res = solve(Logistic(), penalty, X, y, selection=rule, tol=1e-12, fit_intercept=fit_intercept)
    assert res.converged
    _, _, ref = bcd_logistic_minimize(X, y, penalty.l1, penalty.l2, fit_intercept=fit_intercept)
    ours = bcd_logistic_objective(X, y, res.coef, res.intercept, penalty.l1, penalty.l2)
    assert ours <= ref + 1e-10
    if pen == "l1" and not fit_intercept:
        assert 0 <= res.gap <= 1e-12 * np.log(2)


def test_logistic_accepts_01_labels():
    X, y = _problem(6, 30, 5)
    y01 = (y > 0).astype(float)
    a = solve(Logistic(), L2(0.1), X, y01, tol=1e-12)
    b = solve(Logistic(), L2(0.1), X, 2 * y01 - 1, tol=1e-12)
    np.testing.assert_allclose(a.coef, b.coef)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_multinomial_reaches_minimize(fit_intercept):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((60, 5))
    yi = np.argmax(X[:, :3] + 0.5 * rng.standard_normal((60, 3)), axis=1)
    res = solve(Multinomial(), L2(0.05), X, yi, tol=1e-11, fit_intercept=fit_intercept,
                max_iter=1000)
    ref = bcd_multinomial_minimize(X, yi, 3, 0.05, fit_intercept=fit_intercept)
    assert res.converged and res.coef.shape == (5, 3)
    assert res.objective <= ref + 1e-10


def test_multinomial_l1_sparsity():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((80, 10))
    yi = np.argmax(X[:, :3], axis=1)
    res = solve(Multinomial(), L1(0.05), X, yi, tol=1e-10, fit_intercept=True)
    assert res.converged and np.count_nonzero(res.coef[3:]) < res.coef[3:].size // 2
    assert np.count_nonzero(res.coef) < res.coef.size


# ------------------------------------------------------------------ greedy scores


@given(seed=st.integers(0, 2**16), rule=st.sampled_from(["gs", "gsl", "gsd", "gsq"]),
       nonneg=st.booleans(), l1=st.sampled_from([0.0, 0.3]), l2=st.sampled_from([0.0, 0.5]))
def test_greedy_scores_equal_definition(seed, rule, nonneg, l1, l2):
    rng = np.random.default_rng(seed)
    m = 12
    w = rng.standard_normal(m) * (rng.random(m) < 0.5)
    if nonneg:
        w = np.abs(w)
    g = rng.standard_normal(m)
    L = rng.random(m) + 0.1
    out = np.empty(m)
    code = {"gs": 3, "gsl": 4, "gsd": 5, "gsq": 6}[rule]
    _cd.scores(code, w, g, L, np.full(m, l1), l2, nonneg, out)
    np.testing.assert_allclose(out, bcd_scores(rule, w, g, L, l1, l2, nonneg), rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ graphs and forests


def _random_forest(rng, n, n_trees):
    """A random forest on n nodes: each node but the roots links to an earlier node."""
    perm = rng.permutation(n)
    roots = set(perm[:n_trees].tolist())
    rows, cols = [], []
    for k in range(n_trees, n):
        v = perm[k]
        u = perm[rng.integers(0, k)]
        rows.append(v)
        cols.append(u)
    wts = rng.random(len(rows)) + 0.1
    W = sp.coo_array((np.r_[wts, wts], (np.r_[rows, cols], np.r_[cols, rows])), shape=(n, n)).tocsr()
    return W, roots


@given(seed=st.integers(0, 2**16), n=st.integers(1, 40), n_trees=st.integers(1, 5))
def test_forest_solve_equals_dense_solve(seed, n, n_trees):
    rng = np.random.default_rng(seed)
    n_trees = min(n_trees, n)
    W, _ = _random_forest(rng, n, n_trees)
    # a positive definite matrix on the forest's graph: Laplacian + positive diagonal
    A = sp.csr_array(sp.diags_array(np.asarray(W.sum(axis=1)).ravel() + rng.random(n) + 0.1) - W)
    A.sort_indices()
    block = np.sort(rng.permutation(n)[: rng.integers(1, n + 1)]).astype(np.intp)
    rhs = rng.standard_normal(block.size)
    out = np.empty(block.size)
    ok = _graph.forest_solve(A.indptr.astype(np.int32), A.indices.astype(np.int32), A.data,
                             A.diagonal(), block, rhs, out)
    assert ok
    np.testing.assert_allclose(out, bcd_block_solve(A, block, rhs), rtol=1e-9, atol=1e-10)


def test_forest_solve_detects_cycles():
    W = sp.csr_array(np.ones((3, 3)) - np.eye(3))
    A = sp.csr_array(sp.diags_array([3.0, 3.0, 3.0]) - W)
    out = np.empty(3)
    assert not _graph.forest_solve(A.indptr.astype(np.int32), A.indices.astype(np.int32), A.data,
                                   A.diagonal(), np.arange(3, dtype=np.intp), np.ones(3), out)


def _is_forest(W, nodes):
    sub = W[nodes][:, nodes]
    n_edges = (sub.nnz) // 2
    n_comp = sp.csgraph.connected_components(sub, directed=False)[0]
    return n_edges == len(nodes) - n_comp


def _lattice(k):
    path = sp.diags_array([np.ones(k - 1), np.ones(k - 1)], offsets=[-1, 1], shape=(k, k))
    return sp.csr_array(sp.kron(sp.eye_array(k), path) + sp.kron(path, sp.eye_array(k)))


def test_greedy_forest_is_a_maximal_forest_in_score_order(rng):
    W = _lattice(6)
    A = sp.csr_array(sp.diags_array(np.asarray(W.sum(axis=1)).ravel()) - W)
    score = rng.random(36)
    blk = _graph.greedy_forest(A.indptr.astype(np.int32), A.indices.astype(np.int32), A.data,
                               score, 36)
    assert _is_forest(W, blk)
    assert blk[0] == np.argmax(score)
    for v in set(range(36)) - set(blk.tolist()):
        assert not _is_forest(W, np.r_[blk, v])


@settings(max_examples=20)
@given(seed=st.integers(0, 2**16), k=st.integers(2, 9), spread=st.sampled_from([1.0, 1e-3, 1e12]))
def test_greedy_forest_equals_a_reference_in_sorted_score_order(seed, k, spread):
    # the block is the forest grown from the candidates in decreasing score
    # order (zero scores excluded), whatever the scores' magnitudes
    rng = np.random.default_rng(seed)
    W = _lattice(k)
    W.eliminate_zeros()
    n = k * k
    A = sp.csr_array(sp.diags_array(np.asarray(W.sum(axis=1)).ravel()) - W)
    score = rng.random(n) * spread ** rng.random(n)
    score[rng.random(n) < 0.2] = 0.0
    blk = _graph.greedy_forest(A.indptr.astype(np.int32), A.indices.astype(np.int32), A.data,
                               score, n)
    ref = []
    for v in np.argsort(-score, kind="stable"):
        if score[v] > 0 and _is_forest(W, np.r_[ref, v].astype(int)):
            ref.append(int(v))
    assert blk.tolist() == ref


def test_forest_partition_and_coloring(rng):
    W = _lattice(7)
    A = sp.csr_array(sp.diags_array(np.asarray(W.sum(axis=1)).ravel()) - W)
    ip, ix = A.indptr.astype(np.int32), A.indices.astype(np.int32)
    labels = np.full(49, -1, dtype=np.intp)
    nf = _graph.forest_partition(ip, ix, A.data, rng.permutation(49).astype(np.intp), labels)
    assert (labels >= 0).all() and nf >= 2
    for f in range(nf):
        assert _is_forest(W, np.flatnonzero(labels == f))
    colors = np.empty(49, dtype=np.intp)
    assert _graph.greedy_coloring(ip, ix, A.data, colors) == 2
    Wc = W.tocoo()
    assert np.all(colors[Wc.row] != colors[Wc.col])


GRAPH_CONFIGS = [
    ("variable", "gsl", "newton"), ("variable", "cyclic", "newton"), ("variable", "random", "gradient"),
    ("variable", "lipschitz", "newton"), ("variable", "gsq", "newton"), ("tree", "cyclic", "message_passing"),
    ("tree", "gsl", "message_passing"), ("greedy_tree", "gsl", "message_passing"),
    ("greedy_tree", "gs", "message_passing"), ("red_black", "cyclic", "message_passing"),
    ("red_black", "gsl", "newton"), ("contiguous", "cyclic", "newton"), ("sorted", "random", "newton"),
    ("mixed", "gsd", "gradient"),
]


@settings(max_examples=12)
@given(seed=st.integers(0, 2**16), config=st.sampled_from(GRAPH_CONFIGS), k=st.integers(3, 7))
def test_graph_quadratic_every_rule_reaches_dense_solve(seed, config, k):
    rng = np.random.default_rng(seed)
    W = _lattice(k)
    W = sp.csr_array(W.multiply(rng.random(W.shape) + 0.5))
    W = sp.csr_array(0.5 * (W + W.T))
    n = k * k
    labelled = np.zeros(n, bool)
    labelled[rng.choice(n, max(1, n // 5), replace=False)] = True
    y = rng.standard_normal(n)
    part, sel, upd = config
    res = solve(GraphQuadratic(W, labelled), NoPenalty(), None, y, partition=part, selection=sel,
                update=upd, tol=1e-11, max_iter=200000)
    assert res.converged
    np.testing.assert_allclose(res.coef, bcd_harmonic(W, labelled, y), atol=1e-8)
    obj = res.history["objective_per_update"]
    assert np.all(np.diff(obj) <= 1e-10)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("selection,block_size", [("gs", 1), ("gsl", 1), ("gsq", 3), ("gsd", 4)])
def test_graph_greedy_heap_picks_the_same_blocks_as_a_scan(selection, block_size):
    # the heap-maintained scores give the sequence of a full rescan per update
    rng = np.random.default_rng(5)
    k = 6
    W = _lattice(k)
    W = sp.csr_array(W.multiply(rng.random(W.shape) + 0.5))
    W = sp.csr_array(0.5 * (W + W.T))
    n = k * k
    lab = np.zeros(n, bool)
    lab[rng.choice(n, 5, replace=False)] = True
    y = rng.standard_normal(n)
    gq = GraphQuadratic(W, lab)
    A = gq.laplacian.toarray()
    steps = 60
    res = solve(gq, NoPenalty(), None, y, partition="variable", selection=selection,
                block_size=block_size, tol=0.0, max_iter=steps)
    x = np.where(lab, y, 0.0)
    d = np.diag(A)
    objs = []
    for _ in range(steps):
        g = A @ x
        score = {"gs": np.abs(g), "gsq": 0.5 * g * g / d}.get(selection, np.abs(g) / np.sqrt(d))
        score[lab] = -1.0
        blk = np.argsort(-score, kind="stable")[:block_size]
        x[blk] += np.linalg.solve(A[np.ix_(blk, blk)], -g[blk])
        objs.append(0.5 * x @ A @ x)
    np.testing.assert_allclose(res.history["objective_per_update"], objs, rtol=1e-10)


def test_greedy_tree_needs_far_fewer_iterations_than_coordinates():
    W = _lattice(12)
    n = 144
    labelled = np.zeros(n, bool)
    labelled[::17] = True
    y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    gq = GraphQuadratic(W, labelled)
    tree = solve(gq, NoPenalty(), None, y, partition="greedy_tree", update="message_passing",
                 tol=1e-6, max_iter=10**6)
    cyc = solve(gq, NoPenalty(), None, y, partition="variable", selection="cyclic", block_size=1,
                tol=1e-6, max_iter=10**6)
    assert tree.converged and cyc.converged
    assert tree.n_iter * 20 < cyc.n_iter


# ------------------------------------------------------------------ estimators vs scikit-learn


def _sk_lasso_obj(X, y, w, b, alpha, l1_ratio=1.0, sw=None):
    sw = np.ones(len(y)) if sw is None else sw
    r = y - np.asarray(X @ w).ravel() - b
    return (0.5 * np.sum(sw * r * r) / sw.sum() + alpha * l1_ratio * np.abs(w).sum()
            + 0.5 * alpha * (1 - l1_ratio) * w @ w)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("cls,kw", [(Lasso, {}), (ElasticNet, {"l1_ratio": 0.7})])
def test_linear_estimators_match_sklearn(cls, kw, sparse, weighted):
    X, y = _problem(9, 50, 20, sparse)
    sw = np.random.default_rng(0).random(50) + 0.5 if weighted else None
    alpha = 0.02
    ours = cls(alpha=alpha, tol=1e-14, **kw).fit(X, y, sample_weight=sw)
    ref = getattr(sklm, cls.__name__)(alpha=alpha, tol=1e-15, max_iter=100000, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref.fit(X, y, sample_weight=sw)
    l1r = kw.get("l1_ratio", 1.0)
    a = _sk_lasso_obj(X, y, ours.coef_, ours.intercept_, alpha, l1r, sw)
    b = _sk_lasso_obj(X, y, ref.coef_, ref.intercept_, alpha, l1r, sw)
    assert a <= b * (1 + 1e-8)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-5)


def _sk_logistic_obj(est, X, y, C, l1_ratio):
    P = est.predict_proba(X)
    idx = np.searchsorted(est.classes_, y)
    pen = l1_ratio * np.abs(est.coef_).sum() + 0.5 * (1 - l1_ratio) * np.sum(est.coef_**2)
    return C * np.sum(-np.log(P[np.arange(len(y)), idx])) + pen


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("C,l1_ratio", [(1.0, 0.0), (0.5, 1.0), (2.0, 0.5)])
def test_logistic_regression_matches_sklearn(n_classes, C, l1_ratio):
    rng = np.random.default_rng(10)
    X = rng.standard_normal((80, 6))
    y = np.argmax(X[:, :n_classes] + 0.8 * rng.standard_normal((80, n_classes)), axis=1)
    y = np.array(["a", "b", "c"])[y]
    ours = LogisticRegression(C=C, l1_ratio=l1_ratio, tol=1e-13, max_iter=2000).fit(X, y)
    solver = "lbfgs" if l1_ratio == 0 else "saga"
    ref = sklm.LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=1e-15, max_iter=100000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(X, y)
    a, b = _sk_logistic_obj(ours, X, y, C, l1_ratio), _sk_logistic_obj(ref, X, y, C, l1_ratio)
    assert a <= b * (1 + 1e-8)
    assert ours.coef_.shape == ref.coef_.shape
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    assert (ours.predict(X) == ref.predict(X)).mean() > 0.97


@pytest.mark.parametrize("sparse", [False, True])
def test_multinomial_estimator_matches_solve(sparse):
    # the estimator's validated fast path and solve give the same model
    rng = np.random.default_rng(12)
    X = rng.standard_normal((60, 8))
    yi = np.argmax(X[:, :3] + 0.5 * rng.standard_normal((60, 3)), axis=1)
    sw = rng.random(60) + 0.5
    Xin = sp.csr_array(X) if sparse else np.asfortranarray(X)
    est = LogisticRegression(C=2.0, l1_ratio=1.0, tol=1e-11).fit(Xin, yi, sample_weight=sw)
    res = solve(Multinomial(), L1(1.0 / (2.0 * sw.sum())), X, yi, sample_weight=sw,
                fit_intercept=True, tol=1e-11)
    np.testing.assert_allclose(est.coef_, res.coef.T, atol=1e-7)
    np.testing.assert_allclose(est.intercept_, res.intercept, atol=1e-7)


def test_logistic_regression_no_penalty_and_sparse():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((100, 4))
    y = (X[:, 0] + rng.standard_normal(100) > 0).astype(int)
    a = LogisticRegression(C=np.inf, tol=1e-12).fit(X, y)
    b = LogisticRegression(C=1e12, tol=1e-12).fit(sp.csr_array(X), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6)
    assert a.predict_proba(X).shape == (100, 2)


def test_warm_start_and_clone_pickle():
    X, y = _problem(12, 40, 10)
    est = Lasso(alpha=0.01, warm_start=True, tol=1e-10).fit(X, y)
    n1 = est.n_iter_
    est.fit(X, y)
    assert est.n_iter_ <= n1
    est2 = pickle.loads(pickle.dumps(est))
    np.testing.assert_allclose(est2.predict(X), est.predict(X))
    assert clone(est).get_params() == est.get_params()


def test_estimator_selection_variants_agree():
    X, y = _problem(13, 40, 15)
    base = Lasso(alpha=0.01, tol=1e-12).fit(X, y).coef_
    for sel in RULES:
        for part, bs in (("variable", None), ("contiguous", 3), ("mixed", 2)):
            c = Lasso(alpha=0.01, tol=1e-12, selection=sel, partition=part, block_size=bs,
                      random_state=0).fit(X, y).coef_
            np.testing.assert_allclose(c, base, atol=1e-7)


# ------------------------------------------------------------------ label propagation


def test_label_propagation_matches_harmonic_solution():
    from sklearn.datasets import make_moons
    from sklearn.neighbors import kneighbors_graph

    X, yt = make_moons(200, noise=0.05, random_state=0)
    y = np.full(200, -1)
    idx = np.random.default_rng(0).choice(200, 10, replace=False)
    y[idx] = yt[idx]
    est = LabelPropagation(kernel="knn", n_neighbors=5, tol=1e-10, max_iter=10000).fit(X, y)
    A = kneighbors_graph(X, 5, include_self=False)
    W = 0.5 * (A + A.T)
    lab = y != -1
    F = np.stack([bcd_harmonic(W, lab, (y == c).astype(float)) for c in (0, 1)], axis=1)
    F = F / F.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(est.label_distributions_, F, atol=1e-7)
    assert (est.transduction_ == yt).mean() > 0.95
    assert (est.predict(X) == est.transduction_).mean() > 0.95
    # a precomputed affinity gives the same answer
    est2 = LabelPropagation(kernel="precomputed", tol=1e-10, max_iter=10000).fit(W.toarray(), y)
    np.testing.assert_allclose(est2.label_distributions_, est.label_distributions_, atol=1e-7)
    assert est2.predict(W.toarray()[:5]).shape == (5,)


def test_label_propagation_rbf_and_rules():
    rng = np.random.default_rng(1)
    X = np.r_[rng.normal(0, 0.2, (30, 2)), rng.normal(2, 0.2, (30, 2))]
    y = np.full(60, -1)
    y[0], y[30] = 0, 1
    for part, upd, sel in (("greedy_tree", "message_passing", "gsl"), ("tree", "message_passing", "cyclic"),
                           ("red_black", "newton", "gs"), ("variable", "newton", "random")):
        est = LabelPropagation(gamma=2.0, partition=part, update=upd, selection=sel,
                               max_iter=100000).fit(X, y)
        assert (est.transduction_ == np.r_[np.zeros(30), np.ones(30)]).all()
        assert est.predict_proba(X).shape == (60, 2)


# ------------------------------------------------------------------ bad input


def test_bad_input_messages():
    X, y = _problem(14, 10, 4)
    with pytest.raises(ValueError, match="X must contain only finite"):
        solve(Quadratic(), L1(0.1), np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="y must contain only finite"):
        solve(Quadratic(), L1(0.1), X, np.r_[y[:-1], np.inf])
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        L1(-1.0)
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        L2(-0.5)
    with pytest.raises(ValueError, match="l1_ratio must be in"):
        ElasticNetPenalty(1.0, 1.5)
    with pytest.raises(ValueError, match=r"block_size must be in \[1, 4\]"):
        solve(Quadratic(), L1(0.1), X, y, block_size=0)
    with pytest.raises(ValueError, match=r"block_size must be in \[1, 4\]"):
        solve(Quadratic(), L1(0.1), X, y, block_size=5)
    with pytest.raises(ValueError, match="selection must be one of"):
        solve(Quadratic(), L1(0.1), X, y, selection="greedy")
    with pytest.raises(ValueError, match="partition must be one of"):
        solve(Quadratic(), L1(0.1), X, y, partition="blocks")
    with pytest.raises(ValueError, match="update must be one of"):
        solve(Quadratic(), L1(0.1), X, y, update="exact")
    with pytest.raises(ValueError, match="GraphQuadratic"):
        solve(Quadratic(), L1(0.1), X, y, update="message_passing")
    with pytest.raises(ValueError, match="GraphQuadratic"):
        solve(Quadratic(), L1(0.1), X, y, partition="greedy_tree")
    with pytest.raises(ValueError, match="binary labels"):
        solve(Logistic(), L1(0.1), X, np.arange(10.0))
    with pytest.raises(ValueError, match="class labels"):
        solve(Multinomial(), L1(0.1), X, np.linspace(0, 1, 10))
    with pytest.raises(ValueError, match="class labels"):
        solve(Multinomial(), L1(0.1), X, -np.ones(10, dtype=int))
    with pytest.raises(TypeError, match="datafit must be"):
        solve("quadratic", L1(0.1), X, y)
    with pytest.raises(TypeError, match="penalty must be"):
        solve(Quadratic(), 0.1, X, y)
    with pytest.raises(ValueError, match="inconsistent lengths"):
        solve(Quadratic(), L1(0.1), X, y[:-1])
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        solve(Quadratic(), L1(0.1), X, y, sample_weight=-np.ones(10))
    with pytest.raises(ValueError, match="W must be symmetric"):
        GraphQuadratic(np.triu(np.ones((3, 3))), [True, False, False])
    with pytest.raises(ValueError, match="X must be None"):
        solve(GraphQuadratic(np.ones((3, 3)), [0]), NoPenalty(), X, y)
    with pytest.raises(ValueError, match="alpha"):
        Lasso(alpha=-1).fit(X, y)
    with pytest.raises(ValueError, match="block_size must be <= n_features"):
        Lasso(block_size=10).fit(X, y)
    with pytest.raises(ValueError, match="selection"):
        Lasso(selection="greedy").fit(X, y)
    with pytest.raises(ValueError, match="at least one labelled"):
        LabelPropagation().fit(X, -np.ones(10, dtype=int))


def test_non_convergence_warns_and_returns_iterate():
    X, y = _problem(15, 50, 30)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = solve(Quadratic(), L1(0.001), X, y, max_iter=1, tol=1e-15)
    assert not res.converged and np.isfinite(res.objective)


def test_callback_and_verbose(capsys):
    X, y = _problem(16, 30, 10)
    seen = []
    res = solve(Quadratic(), L1(0.01), X, y, callback=lambda info: seen.append(info["iteration"]) or True,
                verbose=True)
    assert seen == [0] and res.n_iter == 0
    assert "objective" in capsys.readouterr().out


def test_result_repr_and_fields():
    X, y = _problem(17, 30, 10)
    res = solve(Quadratic(), L1(0.01), X, y)
    text = repr(res)
    assert text.startswith("BCDResult(") and "coef=" in text
    for key in ("objective", "gap", "kkt", "n_updates", "time"):
        assert key in res.history


def test_tour():
    from numalg._tour import run_family

    row = run_family("bcd")
    assert row.error < 1e-6


def test_residual_newton_path_matches_gram_path(monkeypatch):
    import numalg.bcd._solvers as S

    rng = np.random.default_rng(18)
    X = sp.random(150, 400, density=0.05, format="csc", random_state=rng, data_rvs=rng.standard_normal)
    y = np.sign(X @ rng.standard_normal(400) + 0.1)
    y[y == 0] = 1
    yi = rng.integers(0, 3, 150)
    out = {}
    for flag in (True, False):
        monkeypatch.setattr(S, "RESIDUAL_NEWTON", flag)
        a = solve(Logistic(), L1(0.002), X, y, tol=1e-12)
        b = solve(Multinomial(), L1(0.002), X, yi, tol=1e-10, max_iter=500)
        assert a.converged and b.converged
        out[flag] = (a.objective, b.objective)
    assert out[True][0] == pytest.approx(out[False][0], rel=1e-10)
    assert out[True][1] == pytest.approx(out[False][1], rel=1e-8)


# ------------------------------------------------------------------ fast paths (screening, first pass)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("pen", ["l1", "en"])
def test_sparse_lasso_with_gap_safe_screening_matches_sklearn(fit_intercept, weighted, pen,
                                                              monkeypatch):
    import numalg.bcd._solvers as S

    kept = []
    screen = _cd.screen

    def counting_screen(*args):
        kept.append(screen(*args))
        return kept[-1]

    monkeypatch.setattr(S._cd, "screen", counting_screen)
    rng = np.random.default_rng(11)
    n, p = 80, 300
    X = sp.random(n, p, density=0.1, format="csc", random_state=rng, data_rvs=rng.standard_normal)
    w = np.zeros(p)
    w[rng.choice(p, 8, replace=False)] = rng.standard_normal(8)
    y = X @ w + 0.05 * rng.standard_normal(n) + (1.0 if fit_intercept else 0.0)
    sw = rng.random(n) + 0.5 if weighted else None
    alpha = 0.05 * np.abs(X.T @ (y - y.mean())).max() / n
    kw = {} if pen == "l1" else {"l1_ratio": 0.7}
    cls = Lasso if pen == "l1" else ElasticNet
    ours = cls(alpha=alpha, tol=1e-13, fit_intercept=fit_intercept, **kw).fit(X, y, sample_weight=sw)
    ref = getattr(sklm, cls.__name__)(alpha=alpha, tol=1e-15, max_iter=100000,
                                      fit_intercept=fit_intercept, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref.fit(X.toarray(), y, sample_weight=sw)
    l1r = kw.get("l1_ratio", 1.0)
    a = _sk_lasso_obj(X, y, ours.coef_, ours.intercept_, alpha, l1r, sw)
    b = _sk_lasso_obj(X, y, ref.coef_, ref.intercept_, alpha, l1r, sw)
    assert a <= b * (1 + 1e-9)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    if pen == "l1":
        assert kept and min(kept) < p  # screening dropped columns
    assert ours.result_.gap >= 0


def test_estimator_checks_sparse_input_in_the_first_pass():
    rng = np.random.default_rng(3)
    X = sp.random(30, 60, density=0.2, format="csr", random_state=rng)
    y = rng.standard_normal(30)
    for bad in (np.nan, np.inf):
        Xb = X.copy()
        Xb.data[3] = bad
        with pytest.raises(ValueError, match="finite"):
            Lasso(alpha=0.01).fit(Xb, y)
    # duplicate and unsorted entries: the same model as the canonical matrix
    C = sp.csc_array(X)
    data, indices, indptr = [], [], [0]
    for j in range(C.shape[1]):
        sl = slice(C.indptr[j], C.indptr[j + 1])
        data += list(C.data[sl][::-1] / 2) * 2  # each entry twice, rows descending
        indices += list(C.indices[sl][::-1]) * 2
        indptr.append(len(data))
    D = sp.csc_array((np.array(data), np.array(indices), np.array(indptr)), shape=X.shape)
    assert not D.has_canonical_format
    a = Lasso(alpha=0.01, tol=1e-12).fit(X, y)
    b = Lasso(alpha=0.01, tol=1e-12).fit(D, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
    labels = (y > 0).astype(int)
    a = LogisticRegression(C=10.0, l1_ratio=1.0, tol=1e-12).fit(X, labels)
    b = LogisticRegression(C=10.0, l1_ratio=1.0, tol=1e-12).fit(D, labels)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    three = np.arange(30) % 3  # multinomial: canonicalised before its solver
    a = LogisticRegression(C=10.0, l1_ratio=1.0, tol=1e-10, max_iter=1000).fit(X, three)
    b = LogisticRegression(C=10.0, l1_ratio=1.0, tol=1e-10, max_iter=1000).fit(D, three)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    for bad in (np.nan, np.inf):
        Xb = X.copy()
        Xb.data[3] = bad
        for lab in (labels, np.arange(30) % 3):
            with pytest.raises(ValueError, match="finite"):
                LogisticRegression(C=1.0, l1_ratio=1.0).fit(Xb, lab)


@settings(max_examples=40)
@given(seed=st.integers(0, 2**16), p=st.integers(1, 80), k=st.integers(1, 90))
def test_select_ws_kernel_takes_support_and_top_scores(seed, p, k):
    rng = np.random.default_rng(seed)
    w = np.where(rng.random(p) < 0.2, rng.standard_normal(p), 0.0)
    viol = np.where(rng.random(p) < 0.6, rng.random(p), 0.0)
    scale = rng.random(p) + 0.1 if seed % 2 else np.zeros(0)
    out, work = np.empty(p, np.intp), np.zeros(p)
    m = _cd.select_ws(w, viol, scale, k, out, work)
    got = out[:m]
    assert np.all(np.diff(got) > 0)
    sup = np.flatnonzero(w)
    assert set(sup) <= set(got.tolist())
    s = viol * (scale if scale.size else 1.0)
    s[sup] = -1.0
    room = max(k - sup.size, 0)
    want = np.sort(s[s > 0])[::-1][:room]
    extra = np.setdiff1d(got, sup)
    if sup.size == 0 and want.size == 0:
        assert m == 1
    else:
        np.testing.assert_allclose(np.sort(s[extra])[::-1], want)


@pytest.mark.parametrize("kind", ["dense", "dense_f", "csc", "csr", "float32", "list", "frame"])
def test_lean_validation_is_validate_data(kind, monkeypatch):
    # Lasso/ElasticNet skip validate_data's dataframe detection for plain float64 input:
    # the model and the attributes must be those of the validate_data path
    import numalg.bcd._estimators as E

    rng = np.random.default_rng(13)
    X = rng.standard_normal((40, 7))
    y = rng.standard_normal(40)
    Xin = {"dense": X, "dense_f": np.asfortranarray(X), "csc": sp.csc_array(X),
           "csr": sp.csr_matrix(X), "float32": X.astype(np.float32), "list": X.tolist(),
           "frame": X}[kind]
    if kind == "frame":
        pd = pytest.importorskip("pandas")
        Xin = pd.DataFrame(X, columns=[f"f{j}" for j in range(7)])
    with monkeypatch.context() as m:
        if kind in ("dense", "dense_f", "csc"):  # the lean path is taken: no validate_data
            m.setattr(E, "validate_data", None)
        lean = ElasticNet(alpha=0.05, l1_ratio=0.6, tol=1e-12).fit(Xin, y)
    with monkeypatch.context() as m:
        m.setattr(E, "_validate_plain", lambda est, X, y: None)
        full = ElasticNet(alpha=0.05, l1_ratio=0.6, tol=1e-12).fit(Xin, y)
    np.testing.assert_array_equal(lean.coef_, full.coef_)
    assert lean.n_features_in_ == full.n_features_in_ == 7
    assert hasattr(lean, "feature_names_in_") == hasattr(full, "feature_names_in_") == (kind == "frame")
    if kind == "frame":  # a refit on an ndarray drops the names, as validate_data does
        lean.fit(X, y)
        assert not hasattr(lean, "feature_names_in_")


def test_lean_validation_leaves_errors_to_validate_data():
    rng = np.random.default_rng(14)
    X = rng.standard_normal((20, 3))
    y = rng.standard_normal(20)
    for bad_X, bad_y, match in [(np.where(X > 1.5, np.nan, X), y, "NaN"),
                                (np.where(X > 1.5, np.inf, X), y, "infinity"),
                                (X, np.where(y > 1.0, np.nan, y), "NaN"),
                                (X[:, 0], y, "2D array"), (X[:0], y[:0], "0 sample"),
                                (X[:, :0], y, "0 feature"), (X, y[:5], "inconsistent")]:
        with pytest.raises(ValueError, match=match):
            Lasso(alpha=0.1).fit(bad_X, bad_y)
    # (n, 1) targets are raveled with validate_data's warning
    from sklearn.exceptions import DataConversionWarning

    with pytest.warns(DataConversionWarning):
        Lasso(alpha=0.1).fit(X, y[:, None])


@settings(max_examples=25)
@given(seed=st.integers(0, 2**16), m=st.integers(2, 40), frac=st.floats(0.02, 0.5))
def test_gram_bcd_active_set_newton_reaches_kkt(seed, m, frac):
    # correlated (polynomial-like) columns: Newton steps on the support are cut at sign
    # changes and retried on the smaller support; the result must still satisfy the KKT
    # conditions and not be worse than plain coordinate descent
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((60, 3))
    A = np.column_stack([base[:, rng.integers(3)] ** rng.integers(1, 4) + 0.05 * rng.standard_normal(60)
                         for _ in range(m)])
    Q = np.ascontiguousarray(A.T @ A / 60)
    c = A.T @ rng.standard_normal(60) / 60
    lam = frac * np.abs(c).max()
    l1 = np.full(m, lam)

    def run(newton):
        beta = np.zeros(m)
        grad = -c.copy()
        out = _cd.gram_bcd(Q, c.copy(), beta, grad, l1, 0.0, False, 4, 1, 0, np.zeros(0, np.intp),
                           np.zeros(0, np.intp), 1e-13, 200000 * m, newton, 1, np.zeros(0), 0.5,
                           m if newton else 0)
        return beta, grad, out

    beta, grad, out = run(True)
    np.testing.assert_allclose(grad, Q @ beta - c, atol=1e-10)
    nz = beta != 0
    scale = max(np.abs(c).max(), 1e-300)
    assert np.all(np.abs(grad[nz] + lam * np.sign(beta[nz])) <= 1e-9 * scale)
    assert np.all(np.abs(grad[~nz]) <= lam + 1e-9 * scale)
    q = lambda b: 0.5 * b @ Q @ b - c @ b + lam * np.abs(b).sum()  # noqa: E731
    b2, _, _ = run(False)
    assert q(beta) <= q(b2) + 1e-12 * max(abs(q(b2)), 1.0)


def _cd_newton_reference(X, D, rho, ws, w_ws, l1, l2, nonneg, epochs, tol):
    """Cyclic CD on 1/2 sum_i D_i (r_i - (X_ws d)_i)^2 + pen(w_ws + d), r = rho / D, in NumPy."""
    Xw = X[:, ws].toarray()
    r = np.divide(rho, D, out=np.zeros_like(rho), where=D > 0)
    beta = w_ws.copy()
    L = (Xw * Xw * D[:, None]).sum(axis=0)
    ep = 0
    for ep in range(1, epochs + 1):
        viol = 0.0
        for a in range(ws.size):
            g = -float(Xw[:, a] @ (D * r)) + l2 * beta[a]
            if beta[a] != 0:
                viol = max(viol, abs(g + l1[a] * np.sign(beta[a])))
            else:
                viol = max(viol, abs(g) - l1[a] if not nonneg else -g - l1[a])
            # prox step with curvature L_a (or l2 alone on a column with L_a = 0)
            La, den = (L[a], L[a] + l2) if L[a] > 0 else (l2, l2)
            u = La * beta[a] - (g - l2 * beta[a])
            x = np.sign(u) * max(abs(u) - l1[a], 0.0) / den if den > 0 else beta[a]
            if nonneg:
                x = max(x, 0.0)
            r -= Xw[:, a] * (x - beta[a])
            beta[a] = x
        if viol <= tol:
            break
    d = beta - w_ws
    return d, Xw @ d, ep


@settings(max_examples=30)
@given(seed=st.integers(0, 2**16), m=st.integers(1, 30), nonneg=st.booleans(),
       l2=st.sampled_from([0.0, 0.3]), epochs=st.integers(1, 30), tol=st.sampled_from([0.0, 1e-3]))
def test_cd_newton_csc_kernel_equals_definition(seed, m, nonneg, l2, epochs, tol):
    rng = np.random.default_rng(seed)
    n, p = 40, 50
    X = sp.random(n, p, density=0.2, format="csc", random_state=rng,
                  data_rvs=rng.standard_normal)
    X.sort_indices()
    D = rng.random(n) * (rng.random(n) < 0.9)
    rho = rng.standard_normal(n) * 0.5
    ws = np.sort(rng.choice(p, size=m, replace=False)).astype(np.intp)
    w_ws = np.where(rng.random(m) < 0.5, rng.standard_normal(m), 0.0)
    if nonneg:
        w_ws = np.abs(w_ws)
    l1 = rng.random(m) * 0.3
    d, Xd = np.empty(m), np.empty(n)
    ep, viol = _cd.cd_newton_csc(X.data, X.indices.astype(np.int32), X.indptr.astype(np.int32),
                                 D, rho, ws, w_ws, l1, l2, nonneg, epochs, tol, d, Xd)
    d_ref, Xd_ref, ep_ref = _cd_newton_reference(X, D, rho, ws, w_ws, l1, l2, nonneg, epochs, tol)
    assert ep == ep_ref
    np.testing.assert_allclose(d, d_ref, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(Xd, Xd_ref, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(Xd, X[:, ws] @ d, rtol=1e-12, atol=1e-13)
    # bit-for-bit the residual kernel followed by X[:, ws] @ d, as the solver used before
    ind, ptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
    wf, l1f, Lf = np.zeros(p), np.zeros(p), np.zeros(p)
    wf[ws], l1f[ws] = w_ws, l1
    r = np.divide(rho, D, out=np.zeros_like(rho), where=D > 0)
    _cd.col_sq_norms_cols(X.data, ind, ptr, D, ws, Lf)
    _cd.cd_residual(np.zeros((0, 0), order="F"), X.data, ind, ptr, True, D, r, wf, ws, Lf,
                    np.zeros(p), l1f, l2, nonneg, False, epochs, tol)
    assert np.array_equal(d, wf[ws] - w_ws)
    Xd_old = np.zeros(n)
    _cd.csc_cols_axpy(X.data, ind, ptr, ws, -d, Xd_old)
    assert np.array_equal(Xd, Xd_old)


@settings(max_examples=30)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 60), scale=st.sampled_from([0.1, 3.0, 40.0]),
       s=st.sampled_from([1.0, 0.37]))
def test_logistic_sample_kernels_equal_definition(seed, n, scale, s):
    from scipy.special import expit, xlogy

    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    z = rng.standard_normal(n) * scale
    z[rng.random(n) < 0.1] = 0.0
    dz = rng.standard_normal(n)
    h = rng.random(n) * (rng.random(n) < 0.9)
    rho, D = np.empty(n), np.empty(n)
    loss = _cd.logistic_pass(y, z, h, rho, D)
    # element-wise the same operations as NumPy/SciPy (bit for bit); sums to rounding
    assert np.array_equal(rho, h * y * expit(-y * z))
    sig = expit(z)
    assert np.array_equal(D, h * sig * (1.0 - sig))
    assert loss == pytest.approx(float(h @ np.logaddexp(0.0, -y * z)), rel=1e-13, abs=1e-300)
    for t in (0.0, 0.5, 1.0):
        got = _cd.logistic_loss(y, z, dz, t, h)
        assert got == pytest.approx(float(h @ np.logaddexp(0.0, -y * (z + t * dz))), rel=1e-13,
                                    abs=1e-300)
    assert _cd.logistic_loss(y, z, dz, 0.0, h) == loss
    pos = h > 0
    u = np.clip(y[pos] * (s * rho[pos]) / h[pos], 0.0, 1.0)
    want = float(np.dot(h[pos], xlogy(u, u) + xlogy(1 - u, 1 - u)))
    assert _cd.logistic_dual_entropy(y, rho, h, s) == pytest.approx(want, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_logistic_gap_equals_numpy_definition(l2):
    from scipy.special import expit, xlogy

    import numalg.bcd._solvers as S

    rng = np.random.default_rng(3)
    n, p = 80, 30
    X = rng.standard_normal((n, p))
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    h = rng.random(n) * (rng.random(n) < 0.9)
    h /= h.sum()
    w = rng.standard_normal(p) * (rng.random(p) < 0.3)
    pen = ElasticNetPenalty(0.04, 0.5) if l2 else L1(0.02)
    assert (pen.l2 > 0) == (l2 > 0)
    z = X @ w
    rho = h * y * expit(-y * z)
    grad = -X.T @ rho
    primal = float(h @ np.logaddexp(0.0, -y * z)) + S._pen_value(pen, w)
    # the definition: the dual point theta = s rho, s = min(1, l1 / max|X^T rho|) when l2 = 0
    a1, a2 = pen.l1, pen.l2
    if a2:
        theta, conj = rho, float(np.sum(np.maximum(np.abs(grad) - a1, 0.0) ** 2)) / (2 * a2)
    else:
        theta, conj = min(1.0, a1 / np.abs(grad).max()) * rho, 0.0
    pos = h > 0
    u = np.clip(y[pos] * theta[pos] / h[pos], 0.0, 1.0)
    dual = -float(np.dot(h[pos], xlogy(u, u) + xlogy(1 - u, 1 - u))) - conj
    got = S._logistic_gap(y, rho, h, grad, float(np.abs(grad).max()), pen, primal)
    assert got == pytest.approx(max(primal - dual, 0.0), rel=1e-12, abs=1e-15)
    assert got > 0


def _gram_ws_definition(X, h, G_old, idx_old, ws):
    """The Gram update's entries in its exact floating-point order: copied entries from
    G_old; a new index a gets the row sum_i (h_i X_ia) X_ib over increasing i; for two new
    indices both entries hold the row of the later one."""
    Xd = X.toarray()
    m = ws.size
    G = np.zeros((m, m))
    pos = {int(j): t for t, j in enumerate(idx_old)}
    new = [a for a in range(m) if int(ws[a]) not in pos]
    for a in range(m):
        for b in range(m):
            if a not in new and b not in new:
                G[a, b] = G_old[pos[int(ws[a])], pos[int(ws[b])]]
    for a in new:  # in increasing order: a later new row overwrites the mirror
        rows = np.flatnonzero(Xd[:, ws[a]])
        for b in range(m):
            s = 0.0
            for i in rows:
                if Xd[i, ws[b]] != 0.0:
                    s += (h[i] * Xd[i, ws[a]]) * Xd[i, ws[b]]
            G[a, b] = s
            G[b, a] = s
    return G


@settings(max_examples=25)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 25), p=st.integers(1, 30),
       density=st.sampled_from([0.1, 0.4, 1.0]))
def test_gram_ws_update_equals_definition(seed, n, p, density):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=rng,
                  data_rvs=rng.standard_normal)
    X.sort_indices()
    h = rng.random(n)
    data, ind, ptr = X.data, X.indices.astype(np.int32), X.indptr.astype(np.int32)
    G_old, idx_old = np.zeros((0, 0)), np.zeros(0, np.intp)
    for _ in range(3):  # grow, shrink and reshuffle the working set
        ws = np.sort(rng.choice(p, rng.integers(1, p + 1), replace=False)).astype(np.intp)
        G = np.full((ws.size, ws.size), np.nan)
        n_new = _cd.gram_ws_update(data, ind, ptr, h, G_old, idx_old, ws, G)
        assert n_new == np.setdiff1d(ws, idx_old).size
        # bit-for-bit the definition's order (no FMA contraction in the default build);
        # to rounding the NumPy product
        np.testing.assert_array_equal(G, _gram_ws_definition(X, h, G_old, idx_old, ws))
        Xw = X[:, ws].toarray()
        np.testing.assert_allclose(G, Xw.T @ (h[:, None] * Xw), rtol=1e-12, atol=1e-12)
        G_old, idx_old = G, ws


@pytest.mark.parametrize("uniform", [True, False])
def test_first_pass_kernels_equal_numpy(uniform):
    rng = np.random.default_rng(3)
    X = sp.random(40, 60, density=0.2, format="csc", random_state=rng, data_rvs=rng.standard_normal)
    y = rng.standard_normal(40)
    h = np.full(40, 0.025) if uniform else rng.random(40)
    data, ind, ptr = X.data, X.indices.astype(np.int32), X.indptr.astype(np.int32)
    Xd = X.toarray()
    out = [np.empty(60) for _ in range(4)]
    if uniform:
        assert _cd.csc_first_pass_uniform(data, ind, ptr, y, out[0], out[1], out[3]) == 0
        np.testing.assert_allclose(out[0], Xd.T @ y, rtol=1e-13, atol=1e-13)
    else:
        assert _cd.csc_first_pass(data, ind, ptr, h, h * y, out[0], out[1], out[2], out[3]) == 0
        np.testing.assert_allclose(out[0], Xd.T @ (h * y), rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(out[2], (Xd ** 2).T @ h, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(out[1], Xd.T @ (np.ones(40) if uniform else h), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(out[3], (Xd ** 2).sum(axis=0), rtol=1e-13, atol=1e-13)
    # a non-finite entry anywhere (the check sums per column now) is reported
    for val in (np.inf, -np.inf, np.nan):
        bad = X.copy()
        bad.data[rng.integers(bad.nnz)] = val
        if uniform:
            status = _cd.csc_first_pass_uniform(bad.data, ind, ptr, y, *out[:2], out[3])
        else:
            status = _cd.csc_first_pass(bad.data, ind, ptr, h, h * y, *out)
        assert status == 1


def test_fast_param_validation_matches_sklearn():
    """The cached constraint check accepts what scikit-learn accepts and raises its errors."""
    from sklearn.utils._param_validation import InvalidParameterError

    for est in (Lasso(alpha=0.5, selection="gsq", block_size=2, random_state=np.random.RandomState(0)),
                ElasticNet(l1_ratio=0.2, tol=0.0), LogisticRegression(C=2.0, l1_ratio=1.0)):
        est._validate_params()
    for est, msg in ((Lasso(alpha=-1.0), "alpha"), (Lasso(selection="bogus"), "selection"),
                     (ElasticNet(max_iter=0), "max_iter"), (LogisticRegression(tol="x"), "tol"),
                     (Lasso(random_state="seed"), "random_state")):
        with pytest.raises(InvalidParameterError, match=msg):
            est._validate_params()


def test_greedy_rules_ignore_random_state():
    """Greedy and cyclic rules draw no random numbers: the fit does not depend on random_state
    (the estimators then skip creating a Generator); random rules still do."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 40))
    y = X[:, :4] @ rng.standard_normal(4) + 0.01 * rng.standard_normal(60)
    for sel in ("gsl", "gsq", "cyclic"):
        a = Lasso(alpha=0.01, selection=sel, random_state=0).fit(X, y).coef_
        b = Lasso(alpha=0.01, selection=sel, random_state=np.random.RandomState(5)).fit(X, y).coef_
        np.testing.assert_array_equal(a, b)
    a = Lasso(alpha=0.01, selection="random", block_size=3, tol=1e-3, random_state=0).fit(X, y).coef_
    b = Lasso(alpha=0.01, selection="random", block_size=3, tol=1e-3, random_state=0).fit(X, y).coef_
    np.testing.assert_array_equal(a, b)


def test_dense_sq_norms_is_einsum_and_checks_finiteness():
    # the kernel is numpy.einsum's order on C-ordered X: the same bits
    rng = np.random.default_rng(21)
    for n, p in [(1, 1), (3, 7), (50, 1), (1, 40), (57, 33), (300, 120)]:
        X = rng.standard_normal((n, p)) * rng.choice([1e-3, 1.0, 1e3], size=(n, p))
        for h in (np.full(n, 1.0 / n), rng.random(n)):
            out = np.empty(p)
            _cd.dense_sq_norms(X, h, out)
            np.testing.assert_array_equal(out, np.einsum("ij,ij,i->j", X, X, h))
    # the lean path's check reuses these norms (C order) or sums X (F order): the same model
    # to rounding (the F-ordered products round differently); bit-equality with the
    # validate_data path is test_lean_validation_is_validate_data's
    X = rng.standard_normal((30, 5))
    y = rng.standard_normal(30)
    a = Lasso(alpha=0.1, tol=1e-12).fit(X, y)
    b = Lasso(alpha=0.1, tol=1e-12).fit(np.asfortranarray(X), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-12)


def test_single_threaded_blas_limits_and_restores():
    from threadpoolctl import threadpool_info, threadpool_limits

    from numalg.bcd._solvers import _single_threaded_blas

    def blas_threads():
        return [d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"]

    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        with _single_threaded_blas():
            assert all(t == 1 for t in blas_threads())
        assert blas_threads() == before


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("sparse", [False, True])
def test_overflowing_column_norms_raise(sparse):
    # a finite X whose squared column norms overflow used to crash the Gram kernel
    rng = np.random.default_rng(22)
    X = rng.standard_normal((30, 5))
    X[0, 0] = 1e160
    y = rng.standard_normal(30)
    Xin = sp.csc_array(X) if sparse else X
    with pytest.raises(ValueError, match="overflow"):
        Lasso(alpha=0.1).fit(Xin, y)
    with pytest.raises(ValueError, match="overflow"):
        solve(Quadratic(), L1(0.1), Xin, y)


@settings(max_examples=20)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 20), p=st.integers(1, 25),
       order=st.sampled_from(["C", "F"]))
def test_dense_gram_cache_equals_definition(seed, n, p, order):
    # the first build (one gather of X[:, ws]) is bit-for-bit the two-gather product
    # G[:, nn] = C; G[nn, :] = C.T it replaced; updates equal NumPy to rounding
    from numalg.bcd._solvers import _GramCache
    rng = np.random.default_rng(seed)
    X = np.asarray(rng.standard_normal((n, p)), order=order)
    h = rng.random(n)
    cache = _GramCache(X, h)
    for it in range(3):
        ws = np.sort(rng.choice(p, rng.integers(1, p + 1), replace=False)).astype(np.intp)
        G = cache(ws)
        assert G.flags.c_contiguous and G.shape == (ws.size, ws.size)
        if it == 0:
            C = X[:, ws].T @ (X[:, ws] * h[:, None])
            ref = np.empty_like(C)
            ref[:, :] = C
            ref[:, :] = C.T
            np.testing.assert_array_equal(G, ref)
        np.testing.assert_allclose(G, X[:, ws].T @ (h[:, None] * X[:, ws]), rtol=1e-12,
                                   atol=1e-12)
        assert cache(ws) is G  # the same working set: no rebuild
