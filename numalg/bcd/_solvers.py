"""Greedy block coordinate descent: the public :func:`solve`."""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

from .._results import IterativeResult
from .._validation import (
    check_array,
    check_callback,
    check_int,
    check_matrix,
    check_option,
    check_random_state,
    check_scalar,
)
from . import _cd, _graph
from ._objects import (
    ElasticNetPenalty,
    GraphQuadratic,
    L1,
    L2,
    Logistic,
    Multinomial,
    NoPenalty,
    NonNegative,
    Quadratic,
    _Datafit,
    _Penalty,
)

__all__ = ["solve", "BCDResult", "SELECTIONS", "PARTITIONS", "UPDATES"]

SELECTIONS = ("gsl", "gs", "gsd", "gsq", "cyclic", "random", "lipschitz")
PARTITIONS = ("variable", "contiguous", "sorted", "mixed", "tree", "greedy_tree", "red_black")
UPDATES = ("newton", "gradient", "backtracking", "message_passing")
_RULE = {"cyclic": 0, "random": 1, "lipschitz": 2, "gs": 3, "gsl": 4, "gsd": 5, "gsq": 6}
_UPDATE = {"newton": 0, "gradient": 1, "backtracking": 2, "message_passing": 3}
_GRAPH_ONLY = ("tree", "greedy_tree", "red_black")
#: Working sets larger than this are solved by residual coordinate descent
#: instead of on their Gram matrix.
GRAM_LIMIT = 2500
#: Lasso working sets: max(_P0, 2 * |support|) coordinates, each solved to _EPS times the outer
#: KKT violation (fewer, better-solved outer iterations: each costs a pass over X).
_P0 = 50
_EPS = 0.01
#: Inside working sets the greedy rules are batched: after each scan of the
#: scores, every coordinate scoring at least this fraction of the best is
#: updated (exactly, in index order) before the next scan.
GREEDY_FRAC = 0.5
#: Epochs of block updates allowed per proximal Newton subproblem (logistic losses); on
#: badly conditioned supports (L1 logistic with nearly as many non-zeros as samples) the
#: subproblems are never solved to NEWTON_INNER_TOL, and 30-60 epochs took fewer outer
#: iterations (passes over X) than 20 on every problem measured.
NEWTON_INNER_EPOCHS = 40
#: Proximal Newton subproblems are solved to this fraction of the current KKT violation.
NEWTON_INNER_TOL = 0.1
#: Use residual coordinate descent for large sparse proximal Newton subproblems.
RESIDUAL_NEWTON = True
#: Binary logistic working sets: max(p0, 2 * |support|) coordinates.  For a sparse X, p0 =
#: p / 20 clipped to [10, LOGISTIC_P0], about what one pass over X costs in subproblem epochs
#: (a start at 10 spent three or four passes on growing the set); for a dense X, p0 = 10 (a
#: Gram matrix costs n p0^2, and larger starts measured slower).
LOGISTIC_P0 = 100
_EMPTY_I = np.zeros(0, dtype=np.intp)
_BLAS_LIBS = None


class _OneBlasThread:
    """``threadpoolctl``'s ``limit(limits=1, user_api="blas")`` for the BLAS libraries
    found at the first call, touching (and restoring) only the ones not already on one
    thread: the usual case costs one ``get_num_threads`` per library (~1 us) instead of
    a limiter object (~10 us, a visible part of a sub-millisecond fit)."""

    __slots__ = ("_saved",)

    def __enter__(self):
        global _BLAS_LIBS
        if _BLAS_LIBS is None:
            _BLAS_LIBS = tuple(ThreadpoolController().select(user_api="blas").lib_controllers)
        saved = []
        for lib in _BLAS_LIBS:
            n = lib.num_threads
            if n != 1:
                lib.set_num_threads(1)
                saved.append((lib, n))
        self._saved = saved
        return self

    def __exit__(self, *exc):
        for lib, n in self._saved:
            lib.set_num_threads(n)
        return False


def _single_threaded_blas():
    """Small LAPACK solves in the kernels run best (and predictably) on one thread."""
    return _OneBlasThread()
_EMPTY_D = np.zeros(0)
_EMPTY_F = np.zeros((1, 1), order="F")
_EMPTY_G = np.zeros((0, 0))


@dataclass(frozen=True, kw_only=True, repr=False)
class BCDResult(IterativeResult):
    """Result of :func:`solve`.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or (n_features, n_classes)
        The coefficients (node values for :class:`GraphQuadratic`).
    intercept : float or ndarray of shape (n_classes,)
        The intercept (0 when ``fit_intercept=False``).
    n_iter : int
        Outer iterations: working-set passes (each a subproblem solve, or one
        proximal Newton step for the logistic datafits), or epochs when
        ``working_set=False``, or block updates for :class:`GraphQuadratic`.
    converged : bool
        Whether the stopping rule (see :func:`solve`) was met.
    objective : float
        Primal objective at the returned point.
    gap : float
        Duality gap (nan where no gap is computed).
    kkt : float
        Largest KKT violation (min-norm subgradient, intercept included).
    history : dict of str to ndarray
        Per outer iteration: ``objective``, ``gap``, ``kkt``, ``n_updates``
        (cumulative block updates), ``time``; with ``working_set=False`` or a
        graph datafit also ``objective_per_update``.
    active_set_identified_at : int or None
        Block update count at which a full Newton step on the identified support
        was first taken (None if it never happened).
    """

    coef: np.ndarray
    intercept: float | np.ndarray
    objective: float
    gap: float
    kkt: float
    active_set_identified_at: int | None


# --------------------------------------------------------------------------- helpers


def _matvec_cols(X, ws, d):
    """X[:, ws] @ d."""
    if sp.issparse(X):
        out = np.zeros(X.shape[0])
        _cd.csc_cols_axpy(X.data, X.indices.astype(np.int32, copy=False),
                          X.indptr.astype(np.int32, copy=False), ws.astype(np.intp, copy=False),
                          -d, out)
        return out
    return X[:, ws] @ d


def _rmatvec(X, v, scale=1.0):
    """scale * X^T v as a 1-D array (scale 1 or -1)."""
    if sp.issparse(X):
        out = np.empty(X.shape[1])
        _cd.csc_rmatvec(X.data, X.indices.astype(np.int32, copy=False),
                        X.indptr.astype(np.int32, copy=False), v, scale, out)
        return out
    out = np.asarray(X.T @ v).ravel()
    return out if scale == 1.0 else scale * out


def _rmatmat(X, R):
    """X^T R for an (n, K) array R, as a C-ordered (p, K) array."""
    if sp.issparse(X):
        return np.column_stack([_rmatvec(X, np.ascontiguousarray(R[:, k]))
                                for k in range(R.shape[1])])
    return np.ascontiguousarray(X.T @ R)


def _matmat(X, W):
    """X W for a (p, K) array W."""
    if sp.issparse(X):
        return np.column_stack([X @ np.ascontiguousarray(W[:, k]) for k in range(W.shape[1])])
    return X @ W


def _gram(X, ws, weights):
    """X[:, ws]^T diag(weights) X[:, ws] as a dense C-ordered array."""
    if sp.issparse(X):
        G = np.empty((ws.size, ws.size))
        _cd.gram_ws_update(X.data, X.indices.astype(np.int32, copy=False),
                           X.indptr.astype(np.int32, copy=False), weights, _EMPTY_G, _EMPTY_I,
                           ws.astype(np.intp, copy=False), G)
        return G
    else:
        Xs = X[:, ws]
        G = Xs.T @ (Xs * weights[:, None])
    return np.ascontiguousarray(G)


class _GramCache:
    """Gram matrix X[:, ws]^T diag(h) X[:, ws], reusing the entries of the last working set."""

    def __init__(self, X, h):
        self.X, self.h = X, h
        self.idx = _EMPTY_I
        self.G = np.zeros((0, 0))
        self.Xw = None  # dense X: X[:, idx] when the last call gathered it, else None
        self.sparse = sp.issparse(X)
        if self.sparse:
            self.data = X.data
            self.indices = X.indices.astype(np.int32, copy=False)
            self.indptr = X.indptr.astype(np.int32, copy=False)

    def __call__(self, ws):
        """The Gram matrix of ``ws`` (sorted); callers must not modify it in place."""
        ws = ws.astype(np.intp, copy=False)
        if self.sparse:
            if ws.size == self.idx.size and np.array_equal(ws, self.idx):
                return self.G
            G = np.empty((ws.size, ws.size))
            _cd.gram_ws_update(self.data, self.indices, self.indptr, self.h, self.G, self.idx,
                               ws, G)
            self.idx, self.G = ws, G
            return G
        idx = self.idx
        m = ws.size
        if not idx.size:
            if not m:
                return self.G
            # all columns new: G[:, all] = C then G[all, :] = C.T leaves exactly C.T
            Xw = self.X[:, ws]  # _cross(ws, ws) with one gather instead of two
            G = np.ascontiguousarray((Xw.T @ (Xw * self.h[:, None])).T)
            self.idx, self.G, self.Xw = ws, G, Xw
            return G
        pos = np.searchsorted(idx, ws)
        known = idx[np.minimum(pos, idx.size - 1)] == ws
        n_known = np.count_nonzero(known)
        if n_known == m and m == idx.size:
            return self.G
        G = np.empty((m, m))
        if n_known:
            kk = np.flatnonzero(known)
            _cd.copy_sub(self.G, pos[kk], kk, G)
        Xw = None
        if n_known < m:
            nn = np.flatnonzero(~known)
            Xw = self.X[:, ws]  # _cross(ws, ws[nn]), keeping the gathered columns
            C = Xw.T @ (self.X[:, ws[nn]] * self.h[:, None])
            G[:, nn] = C
            G[nn, :] = C.T
        self.idx, self.G, self.Xw = ws, G, Xw
        return G


def _sq_norms(X, h):
    """sum_i h_i X[i, j]^2 for every column j."""
    if sp.issparse(X):
        out = np.empty(X.shape[1])
        _cd.col_sq_norms(X.data, X.indices.astype(np.int32, copy=False),
                         X.indptr.astype(np.int32, copy=False), h, out)
        return out
    if X.flags.c_contiguous and X.dtype == np.float64:
        out = np.empty(X.shape[1])
        _cd.dense_sq_norms(X, h, out)  # einsum's order and bits, ~2.5x faster
        return out
    return np.einsum("ij,ij,i->j", X, X, h)


def _select_ws(w, score, ws_size, p):
    """Support plus the highest-scoring violators, as sorted indices."""
    support = np.flatnonzero(w != 0)
    s = score.copy()
    s[support] = np.inf
    k = min(max(ws_size, support.size), p)
    if k >= p:
        return np.arange(p)
    cand = np.argpartition(-s, k - 1)[:k]
    cand = cand[s[cand] > 0]
    if cand.size == 0:
        cand = np.argpartition(-s, 0)[:1]
    return np.sort(cand).astype(np.intp)


def _partition_blocks(partition, tau, m, diagQ):
    """Fixed partitions of ``m`` local coordinates into blocks of ``tau``."""
    if partition == "variable" or tau <= 1 and partition == "variable":
        return _EMPTY_I, _EMPTY_I
    if partition == "contiguous":
        idx = np.arange(m)
    elif partition == "sorted":
        idx = np.argsort(diagQ, kind="stable")
    elif partition == "mixed":
        order = np.argsort(diagQ, kind="stable")
        nb = -(-m // tau)
        idx = np.concatenate([order[b::nb] for b in range(nb)])
        sizes = [order[b::nb].size for b in range(nb)]
        ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
        return ptr, idx.astype(np.intp)
    else:  # pragma: no cover - validated earlier
        raise ValueError(partition)
    ptr = np.arange(0, m + tau, tau, dtype=np.intp)
    ptr[-1] = m
    ptr = np.unique(ptr)
    return ptr, idx.astype(np.intp)


def _seed(rng_state):
    """A seed for the kernels' generator; 0 (unused) without one (greedy and cyclic rules)."""
    return 0 if rng_state is None else int(rng_state.integers(1, 2**62))


#: the only selection rules whose kernels draw random numbers
_RANDOM_RULES = ("random", "lipschitz")


def _kernel_rng(random_state, selection):
    """The generator for the kernels' seeds, or None where the rule draws nothing (greedy and
    cyclic rules ignore the seed, so the iterates are the same): creating a Generator costs
    ~7 us, a visible part of a sub-millisecond fit.  A ``random_state`` that is not None or
    an int is still checked."""
    if selection in _RANDOM_RULES or not (random_state is None or type(random_state) is int):
        return check_random_state(random_state)
    return None


# --------------------------------------------------------------------------- the API


def solve(
    datafit,
    penalty,
    X,
    y,
    *,
    selection="gsl",
    block_size=None,
    partition="variable",
    update="newton",
    tol=1e-6,
    max_iter=100,
    warm_start_coef=None,
    verbose=False,
    callback=None,
    fit_intercept=False,
    sample_weight=None,
    working_set=True,
    random_state=0,
):
    r"""Minimise ``datafit + penalty`` by greedy block coordinate descent.

    The problem is :math:`\min_w F(Xw + b) + R(w)`.  Coordinates are updated in
    blocks chosen by a selection rule inside a *working set* that grows by KKT
    violation (as in skglm and celer); each working-set subproblem is a
    quadratic model (the exact Gram matrix for :class:`Quadratic`, a proximal
    Newton model for the logistic datafits) minimised by block updates with
    incrementally maintained gradients and greedy scores.  Once the support
    and signs are stable for an epoch, a Newton step on the support finishes
    the quadratic in finitely many steps.  For :class:`GraphQuadratic` the
    blocks are forests of the graph, solved exactly by message passing.

    Parameters
    ----------
    datafit : Quadratic, Logistic, Multinomial or GraphQuadratic
        The datafit object.
    penalty : NoPenalty, L2, L1, ElasticNetPenalty or NonNegative
        The penalty object (:class:`GraphQuadratic` takes :class:`NoPenalty`).
    X : {array-like, sparse matrix} of shape (n_samples, n_features) or None
        Design matrix (sparse input is used in CSC form).  None for
        :class:`GraphQuadratic`.
    y : array-like of shape (n_samples,)
        Targets; -1/+1 (or 0/1) labels for :class:`Logistic`, integer labels
        ``0..K-1`` for :class:`Multinomial`; for :class:`GraphQuadratic` the
        node values (n_nodes,) or (n_nodes, k) of which the labelled rows are
        used.
    selection : {"gsl", "gs", "gsd", "gsq", "cyclic", "random", "lipschitz"}, default="gsl"
        Block selection rule: Gauss-Southwell-Lipschitz (GS-r scaled by the
        coordinate Lipschitz constants), Gauss-Southwell (min-norm
        subgradient, GS-s), GS-diagonal, GS-quadratic (GS-q: largest decrease
        of the proximal step), cyclic, uniform random, or Lipschitz sampling.
    block_size : int, default=None
        Coordinates per block.  None means ``min(1, n_features)`` for the
        design-matrix datafits (greedy coordinate updates), ``min(5, n_nodes)``
        for variable blocks on a graph, and unlimited forests for tree blocks.
    partition : {"variable", "contiguous", "sorted", "mixed", "tree", "greedy_tree", "red_black"}, default="variable"
        Variable blocks (any ``block_size`` coordinates each iteration) or a
        fixed partition: contiguous, sorted by Lipschitz constant, mixed
        Lipschitz constants.  The last three are for :class:`GraphQuadratic`:
        a partition into forests, greedy maximal forests grown in score order
        each iteration, and a red-black (greedy colouring) partition.
    update : {"newton", "gradient", "backtracking", "message_passing"}, default="newton"
        Block update: exact block minimisation (Cholesky of the block Hessian
        for smooth blocks, exact proximal Newton by coordinate sweeps
        otherwise, active-set Newton on the support), a proximal gradient step
        with a Gershgorin bound of the block Lipschitz constant, or with
        backtracking on it.  ``"message_passing"`` solves forest blocks of a
        :class:`GraphQuadratic` in linear time.
    tol : float, default=1e-6
        Stopping tolerance.  Where a duality gap exists (:class:`Quadratic`
        with :class:`L1`/:class:`ElasticNetPenalty`, and :class:`Logistic` with them
        and no intercept) the solver stops when ``gap <= tol * P(0)``, P(0)
        the objective at ``w = 0``; otherwise when the largest KKT violation
        is ``<= tol`` times its value at ``w = 0``.
    max_iter : int, default=100
        Maximum number of outer iterations (block updates for a graph).
    warm_start_coef : array-like, default=None
        Initial coefficients (and, for graphs, initial node values).
    verbose : bool, default=False
        Print one line per outer iteration.
    callback : callable, default=None
        Called as ``callback(info)`` with a dict (iteration, objective, gap,
        kkt, coef) after each outer iteration; returning True stops.
    fit_intercept : bool, default=False
        Fit an unpenalised intercept.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights (normalised to sum to one).
    working_set : bool, default=True
        Use a working set; False runs the rule on all coordinates, one epoch
        per outer iteration (used for the convergence plots).
    random_state : int, Generator or None, default=0
        Seed of the random rules.

    Returns
    -------
    result : BCDResult

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.bcd import solve, Quadratic, L1
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 20))
    >>> y = X[:, 0] - 2 * X[:, 1] + 0.01 * rng.standard_normal(50)
    >>> res = solve(Quadratic(), L1(0.1), X, y)
    >>> res.converged, np.flatnonzero(res.coef).tolist()
    (True, [0, 1])
    """
    if not isinstance(datafit, _Datafit):
        raise TypeError(
            "datafit must be a Quadratic, Logistic, Multinomial or GraphQuadratic instance, "
            f"got {type(datafit).__name__}"
        )
    if not isinstance(penalty, _Penalty):
        raise TypeError(
            "penalty must be a NoPenalty, L2, L1, ElasticNet or NonNegative instance, "
            f"got {type(penalty).__name__}"
        )
    check_option(selection, "selection", SELECTIONS)
    check_option(partition, "partition", PARTITIONS)
    check_option(update, "update", UPDATES)
    tol = check_scalar(tol, "tol", min_val=0.0)
    max_iter = check_int(max_iter, "max_iter", min_val=1)
    check_callback(callback)
    rng = check_random_state(random_state)
    opts = dict(selection=selection, partition=partition, update=update, tol=tol,
                max_iter=max_iter, verbose=bool(verbose), callback=callback, rng=rng)

    with _single_threaded_blas():
        return _dispatch(datafit, penalty, X, y, block_size, warm_start_coef, fit_intercept,
                         sample_weight, working_set, opts)


def _dispatch(datafit, penalty, X, y, block_size, warm_start_coef, fit_intercept, sample_weight,
              working_set, opts):
    selection, partition, update = opts["selection"], opts["partition"], opts["update"]
    if isinstance(datafit, GraphQuadratic):
        if not isinstance(penalty, NoPenalty):
            raise ValueError("GraphQuadratic supports only NoPenalty()")
        if X is not None:
            raise ValueError("X must be None for GraphQuadratic (the graph is in the datafit)")
        return _solve_graph(datafit, y, block_size, warm_start_coef, **opts)

    if partition in _GRAPH_ONLY or update == "message_passing":
        raise ValueError(
            f"partition={partition!r} and update='message_passing' need a GraphQuadratic datafit"
            if partition in _GRAPH_ONLY else
            "update='message_passing' needs a GraphQuadratic datafit (forest blocks)"
        )
    X = check_matrix(X, "X", sparse_format="csc")
    n, p = X.shape
    if block_size is None:
        tau = 1
    else:
        tau = check_int(block_size, "block_size", min_val=1, max_val=p)
    if isinstance(datafit, Multinomial):
        y = check_array(y, "y", ndim=1, dtype=None)
    else:
        y = check_array(y, "y", ndim=1)
    if y.shape[0] != n:
        raise ValueError(f"X and y have inconsistent lengths: X has {n} rows, y has {y.shape[0]}")
    h = _sample_weights(sample_weight, n)
    opts.update(fit_intercept=bool(fit_intercept), tau=tau, working_set=bool(working_set))

    if isinstance(datafit, Quadratic):
        w0 = _warm(warm_start_coef, (p,))
        return _solve_quadratic(X, y, h, penalty, w0, **opts)
    if isinstance(datafit, Logistic):
        vals = np.unique(y)
        if vals.size > 2 or not (set(vals.tolist()) <= {-1.0, 1.0} or set(vals.tolist()) <= {0.0, 1.0}):
            raise ValueError(f"y must hold binary labels in {{-1, 1}} or {{0, 1}} for Logistic, got values {vals[:5]}")
        y = np.where(y > 0, 1.0, -1.0)
        w0 = _warm(warm_start_coef, (p,))
        return _solve_logistic(X, y, h, penalty, w0, **opts)
    if isinstance(datafit, Multinomial):
        if y.dtype.kind == "f":
            if not np.all(y == np.round(y)):
                raise ValueError("y must hold integer class labels 0..K-1 for Multinomial")
        elif y.dtype.kind not in "iu":
            raise ValueError("y must hold integer class labels 0..K-1 for Multinomial")
        yi = y.astype(np.int64)
        if yi.min() < 0:
            raise ValueError("y must hold integer class labels 0..K-1 for Multinomial (found negative labels)")
        K = max(int(yi.max()) + 1, 2)
        w0 = _warm(warm_start_coef, (p, K))
        return _solve_multinomial(X, yi, K, h, penalty, w0, **opts)
    raise TypeError(f"unsupported datafit {datafit!r}")  # pragma: no cover


def _fit_validated(datafit, penalty, X, y, sample_weight, *, selection, block_size, partition,
                   update, tol, max_iter, warm_start_coef, verbose, fit_intercept, random_state,
                   sq_norms=None):
    """The estimators' entry to the least-squares, logistic and multinomial solvers.

    ``X`` and ``y`` come from ``validate_data`` (float64; the finiteness of a
    sparse ``X`` is checked in the solver's first pass over it), so the
    separate checks of :func:`solve` are skipped.  ``sq_norms`` (least squares, dense X,
    no sample weights): ``_sq_norms(X, h)`` for the uniform ``h``, already computed by the
    estimator's finiteness check.
    """
    if sp.issparse(X) and type(X) is not sp.csc_array:
        X = sp.csc_array(X)
    multinomial = isinstance(datafit, Multinomial)
    if multinomial:
        # integer labels 0..K-1 (the estimator's np.unique inverse); no first pass over a
        # sparse X here, so its finiteness and canonical format are checked now
        y = np.ascontiguousarray(y, dtype=np.int64)
        if sp.issparse(X):
            if X.nnz and not np.isfinite(X.data).all():
                raise ValueError("X must contain only finite values (no NaN or infinity)")
            if not X.has_canonical_format:
                X = sp.csc_array(X, copy=True)
                X.sum_duplicates()
                X.sort_indices()
    else:
        y = np.ascontiguousarray(y, dtype=np.float64)
    n, p = X.shape
    tau = 1 if block_size is None else check_int(block_size, "block_size", min_val=1, max_val=p)
    opts = dict(selection=selection, partition=partition, update=update, tol=tol,
                max_iter=max_iter, verbose=bool(verbose), callback=None,
                rng=_kernel_rng(random_state, selection), fit_intercept=bool(fit_intercept),
                tau=tau, working_set=True)
    h = _sample_weights(sample_weight, n)
    if multinomial:
        K = max(int(y.max()) + 1, 2) if n else 2
        w0 = _warm(warm_start_coef, (p, K))
        with _single_threaded_blas():
            return _solve_multinomial(X, y, K, h, penalty, w0, **opts)
    w0 = _warm(warm_start_coef, (p,))
    if isinstance(datafit, Quadratic):
        if sq_norms is not None and sample_weight is None and not sp.issparse(X):
            opts["sq_norms"] = sq_norms
        if sample_weight is None:
            opts["h_uniform"] = True  # np.full(n, 1 / n): skip the max/min test
        with _single_threaded_blas():
            return _solve_quadratic(X, y, h, penalty, w0, **opts)
    with _single_threaded_blas():
        return _solve_logistic(X, y, h, penalty, w0, **opts)


def _csc_first_pass(X, h, u, uniform=None):
    """One pass over a CSC X: returns (X, X^T (h u), X^T h, sum_i h_i X_ij^2, sum_i X_ij^2).

    On the way it checks that X is finite (ValueError otherwise) and canonical (else a
    canonical copy is made and returned); estimators rely on it and skip those checks.
    ``uniform``: whether all of ``h`` are equal (None: test it).
    """
    p = X.shape[1]
    if uniform is None:
        uniform = bool(h[0] == h.max() == h.min())
    for _ in range(2):
        ind32 = X.indices.astype(np.int32, copy=False)
        ptr32 = X.indptr.astype(np.int32, copy=False)
        xtv, xth, sqn, nrm2 = (np.empty(p) for _ in range(4))
        if uniform:
            status = _cd.csc_first_pass_uniform(X.data, ind32, ptr32, u, xtv, xth, nrm2)
            h0 = float(h[0])
            xtv *= h0
            xth *= h0
            np.multiply(nrm2, h0, out=sqn)
        else:
            status = _cd.csc_first_pass(X.data, ind32, ptr32, h, h * u, xtv, xth, sqn, nrm2)
        if status == 1:
            raise ValueError("X must contain only finite values (no NaN or infinity)")
        if status == 0:
            break
        X = sp.csc_array(X, copy=True)
        X.sum_duplicates()
        X.sort_indices()
    return X, xtv, xth, sqn, nrm2


def _warm(w, shape):
    if w is None:
        return np.zeros(shape)
    w = check_array(w, "warm_start_coef", ndim=len(shape), copy=True)
    if w.shape != shape:
        raise ValueError(f"warm_start_coef must have shape {shape}, got {w.shape}")
    return w


def _sample_weights(sample_weight, n):
    if sample_weight is None:
        return np.full(n, 1.0 / n)
    sw = check_array(sample_weight, "sample_weight", ndim=1)
    if sw.shape[0] != n:
        raise ValueError(f"sample_weight must have length {n}, got {sw.shape[0]}")
    if (sw < 0).any():
        raise ValueError("sample_weight must be non-negative")
    s = sw.sum()
    if s <= 0:
        raise ValueError("sample_weight must have a positive sum")
    return sw / s


def _has_gap(penalty):
    return isinstance(penalty, (L1, ElasticNetPenalty)) and not penalty.nonneg


def _pen_value(penalty, w):
    return penalty.l1 * float(np.abs(w).sum()) + 0.5 * penalty.l2 * float(np.sum(w * w))


def _finish(coef, intercept, it, converged, obj, gap, kkt, hist, newton_at, tol, name,
            stopped=False):
    if not converged and not stopped:
        warnings.warn(
            f"{name} did not converge in {it} iterations (kkt={kkt:.3g}, gap={gap:.3g}); "
            "increase max_iter or tol",
            ConvergenceWarning,
            stacklevel=3,
        )
    history = {k: np.asarray(v) for k, v in hist.items()}
    return BCDResult(
        coef=coef, intercept=intercept, n_iter=it, converged=converged, objective=obj,
        gap=gap, kkt=kkt, history=history, active_set_identified_at=newton_at,
    )


def _log(verbose, it, obj, gap, kkt, t0):
    if verbose:
        print(f"iter {it:4d}  objective {obj:.10e}  gap {gap:.3e}  kkt {kkt:.3e}  "
              f"time {time.perf_counter() - t0:.3f}s")


# --------------------------------------------------------------------------- least squares


def _solve_quadratic(X, y, h, penalty, w, *, selection, partition, update, tol, max_iter,
                     verbose, callback, rng, fit_intercept, tau, working_set, sq_norms=None,
                     h_uniform=None):
    n, p = X.shape
    t0 = time.perf_counter()
    l1v = None  # the full per-coordinate l1 vector, only for the residual kernel
    l1, l2, nonneg = penalty.l1, penalty.l2, penalty.nonneg
    rule = _RULE[selection]
    upd = _UPDATE[update]
    issparse = sp.issparse(X)
    ybar = float(h @ y) if fit_intercept else 0.0
    nrm2 = None
    if issparse:
        # one pass over X: X^T (h y), X^T h, weighted and plain squared column norms,
        # finiteness and canonical format (estimators skip the separate checks)
        X, xty, xth, sqn, nrm2 = _csc_first_pass(X, h, y, h_uniform)
        xbar = xth if fit_intercept else np.zeros(p)
        g0 = -(xty - ybar * xth) if fit_intercept else -xty
    else:
        xbar = np.asarray(X.T @ h).ravel() if fit_intercept else np.zeros(p)
        sqn = _sq_norms(X, h) if sq_norms is None else sq_norms
        g0 = -np.asarray(X.T @ (h * (y - ybar))).ravel()
    L = np.maximum(sqn - xbar * xbar, 0.0) if fit_intercept else np.maximum(sqn, 0.0)
    if not math.isfinite(L.sum()):  # finite X with entries above ~1e154 (the kernels crashed)
        raise ValueError("X is too large: its squared column norms overflow float64; rescale X")
    yc = y - ybar
    warm = np.count_nonzero(w) != 0  # (NaN counts as nonzero, as in np.any)
    r = yc - (X @ w - float(xbar @ w)) if warm else yc.copy()
    P0 = 0.5 * float(h @ yc ** 2)
    gram_cache = _GramCache(X, h)
    viol = np.empty(p)
    viol0 = _cd.ls_stats(np.zeros(p), g0, l1, l2, nonneg, viol)[0] if p else 0.0
    has_gap = _has_gap(penalty)
    # gap safe screening (sparse X, working sets): a column j with w_j = 0 and
    # |X_j^T theta| + ||X_j|| sqrt(2 max(h) gap) < l1 is zero at every optimum
    # (the dual is 1/max(h)-strongly concave), so it is dropped from the gradient
    # passes; the gap of the reduced problem still bounds P(w) - P*.
    screening = issparse and working_set and has_gap and l1 > 0 and p > _P0
    keep = np.ones(p, dtype=np.int8) if screening else None
    nrm = np.sqrt(nrm2) if screening else None
    rad_scale = 2.0 * float(h.max()) if screening else 0.0
    hist = {k: [] for k in ("objective", "gap", "kkt", "n_updates", "time")}
    if not working_set:
        hist["objective_per_update"] = []
    n_upd = 0
    newton_at = None
    converged = False
    stopped = False
    gap = np.nan
    Xf = None
    G_full = None
    it = 0
    obj = kkt = np.nan

    first = not warm
    inv_sqrt_L = None
    # a final Newton step on the inner support (s^3 / 3 flops) when it costs less than a
    # pass over X: it makes the working-set solution exact once the support is right
    polish_max = (int((3.0 * (int(X.indptr[-1]) if issparse else n * p)) ** (1.0 / 3.0))
                  if working_set else 0)  # X is canonical CSC here: nnz = indptr[-1]
    ws_buf = np.empty(p, dtype=np.intp)
    ws_work = np.zeros(p)
    all_ws = None
    l1_buf = None  # np.full(p, l1); the Gram kernel reads its first m entries
    while True:
        theta = h * r
        if first:  # the gradient at w = 0 is g0
            grad, first = g0, False
        elif issparse:
            grad = np.empty(p)
            if keep is not None:
                _cd.csc_rmatvec_mask(gram_cache.data, gram_cache.indices, gram_cache.indptr,
                                     theta, -1.0, keep, grad)
            else:
                _cd.csc_rmatvec(gram_cache.data, gram_cache.indices, gram_cache.indptr, theta,
                                -1.0, grad)
        else:
            grad = -np.asarray(X.T @ theta).ravel()
        kkt, s1, s2, gmax = _cd.ls_stats(w, grad, l1, l2, nonneg, viol) if p else (0.0,) * 4
        tr = float(theta @ r)
        obj = 0.5 * tr + l1 * s1 + 0.5 * l2 * s2
        if has_gap:
            yt = float(yc @ theta)
            if l2 > 0:
                xt = np.abs(grad)
                xt -= l1
                np.maximum(xt, 0.0, out=xt)
                dual = yt - 0.5 * tr - float(xt @ xt) / (2 * l2)
                dscale = 1.0
            else:
                dscale = 1.0 if gmax <= l1 else l1 / gmax
                dual = dscale * yt - 0.5 * dscale * dscale * tr
            gap = max(obj - dual, 0.0)
            converged = gap <= tol * P0
        else:
            converged = kkt <= tol * viol0
        hist["objective"].append(obj)
        hist["gap"].append(gap)
        hist["kkt"].append(kkt)
        hist["n_updates"].append(n_upd)
        hist["time"].append(time.perf_counter() - t0)
        _log(verbose, it, obj, gap, kkt, t0)
        if callback is not None and callback({"iteration": it, "objective": obj, "gap": gap,
                                               "kkt": kkt, "coef": w.copy()}):
            stopped = True
            break
        if converged or it >= max_iter:
            break
        it += 1
        if screening:
            _cd.screen(grad, w, nrm, dscale, math.sqrt(rad_scale * gap), l1, keep)
        # ------------------------------------------------ working set
        if working_set:
            if selection in ("gsl", "gsd", "gsq") and inv_sqrt_L is None:
                inv_sqrt_L = 1.0 / np.sqrt(np.maximum(L + l2, 1e-300))
            nnz = int(np.count_nonzero(w))
            ws_size = max(min(p, _P0), min(p, 2 * nnz))
            if max(ws_size, nnz) >= p:
                if screening:  # screened columns have no gradient: keep them out
                    ws = np.flatnonzero(keep)
                else:
                    ws = all_ws = np.arange(p) if all_ws is None else all_ws
            else:
                m = _cd.select_ws(w, viol, inv_sqrt_L if inv_sqrt_L is not None else _EMPTY_D,
                                  ws_size, ws_buf, ws_work)
                ws = ws_buf[:m].copy()
        else:
            ws = np.arange(p)
        m = ws.size
        eps_in = _EPS * kkt if working_set else 0.0
        if m <= GRAM_LIMIT:
            if working_set or G_full is None:
                Q = gram_cache(ws)
                if fit_intercept:
                    Q = Q - np.outer(xbar[ws], xbar[ws])
                if not working_set:
                    G_full = Q
            else:
                Q = G_full
            beta = w[ws]  # fancy indexing: copies
            gws = grad[ws]
            c = Q @ beta - gws
            tau_ws = min(tau, m)
            bptr, bidx = ((_EMPTY_I, _EMPTY_I) if partition == "variable" else
                          _partition_blocks(partition, tau_ws, m, np.diag(Q).copy()))
            if working_set:
                max_upd = 1000 * max(1, -(-m // tau_ws))
                trace = _EMPTY_D
            else:
                max_upd = max(1, (bptr.size - 1) if bptr.size else -(-m // tau_ws))
                trace = np.zeros(max_upd)
            if l1_buf is None:
                l1_buf = np.full(p, l1)
            nu, _, nat, _ = _cd.gram_bcd(
                Q, c, beta, gws, l1_buf[:m], l2, nonneg, rule, tau_ws, upd,
                bptr, bidx, eps_in, max_upd, upd == 0, _seed(rng), trace,
                GREEDY_FRAC if working_set else 1.0, polish_max)
            if not working_set:
                base = obj
                hist["objective_per_update"].extend((base + trace[:nu]).tolist())
            if nat >= 0 and newton_at is None:
                newton_at = n_upd + nat
            n_upd += nu
            delta = beta - w[ws]
            w[ws] = beta
            if np.count_nonzero(delta):
                if issparse:
                    _cd.csc_cols_axpy(gram_cache.data, gram_cache.indices, gram_cache.indptr,
                                      ws, delta, r)
                else:
                    # the columns the Gram cache gathered for this ws (the same array)
                    Xw = gram_cache.Xw if working_set and gram_cache.Xw is not None else None
                    r -= (X[:, ws] if Xw is None else Xw) @ delta
                if fit_intercept:
                    r -= float(h @ r)
        else:
            if Xf is None:
                Xf = np.zeros((1, 1), order="F") if issparse else np.asfortranarray(X)
            if issparse:
                data, ind, ptr = X.data, X.indices.astype(np.int32), X.indptr.astype(np.int32)
            else:
                data, ind, ptr = _EMPTY_D, np.zeros(0, np.int32), np.zeros(1, np.int32)
            if l1v is None:
                l1v = np.full(p, l1)
            ep, _ = _cd.cd_residual(Xf, data, ind, ptr, issparse, h, r, w, ws.astype(np.intp), L,
                                    xbar, l1v, l2, nonneg, fit_intercept,
                                    1000 if working_set else 1, eps_in)
            n_upd += ep * m
    intercept = (ybar - float(xbar @ w)) if fit_intercept else 0.0
    return _finish(w, intercept, it, converged, obj, gap, kkt, hist, newton_at, tol, "solve",
                   stopped)


# --------------------------------------------------------------------------- logistic


def _logistic_gap(y, rho, h, grad, gmax, penalty, primal):
    """Duality gap of L1/elastic-net logistic regression at the iterate whose
    residual is ``rho = h y expit(-y z)``, gradient ``grad = -X^T rho`` and
    ``gmax = max |grad|``; the dual point is rho rescaled into the dual
    feasible set (l2 = 0) or rho itself (l2 > 0)."""
    l1, l2 = penalty.l1, penalty.l2
    if l2 > 0:
        s = 1.0
        conj = float(np.sum(np.maximum(np.abs(grad) - l1, 0.0) ** 2)) / (2 * l2)
    else:
        s = 1.0 if gmax <= l1 else l1 / gmax
        conj = 0.0
    dual = -_cd.logistic_dual_entropy(y, rho, h, s) - conj
    return max(primal - dual, 0.0)


def _newton_direction(X, ws, D, grad_ws, grad_b, w_ws, l1_ws, penalty, fit_intercept, rule, tau,
                      partition, upd, eps_in, rng, rho=None):
    """Proximal Newton direction on the working set (intercept eliminated).

    Large working sets of a sparse X without intercept are solved by cyclic
    coordinate descent on the weighted residual (O(nnz of a column) per update)
    instead of on the Gram matrix (O(working set) per update); that path also
    returns ``X[:, ws] @ d`` (else None).  Returns (d, db, n_updates, newton_at, Xd).
    """
    m = ws.size
    if (rho is not None and not fit_intercept and sp.issparse(X) and m >= 200
            and 2 * X.nnz < m * X.shape[1]):
        d = np.empty(m)
        Xd = np.empty(X.shape[0])
        ep, _ = _cd.cd_newton_csc(X.data, X.indices.astype(np.int32, copy=False),
                                  X.indptr.astype(np.int32, copy=False), D, rho,
                                  ws.astype(np.intp, copy=False), w_ws, l1_ws, penalty.l2,
                                  penalty.nonneg, NEWTON_INNER_EPOCHS, eps_in, d, Xd)
        return d, 0.0, ep * m, -1, Xd
    Q = _gram(X, ws, D)
    g = grad_ws.copy()
    mvec = None
    if fit_intercept:
        mvec = np.asarray(X[:, ws].T @ D).ravel()
        s = float(D.sum())
        if s > 0:
            Q -= np.outer(mvec, mvec) / s
            g -= mvec * grad_b / s
    beta = w_ws.copy()
    c = Q @ beta - g
    tau_ws = min(tau, m)
    bptr, bidx = _partition_blocks(partition, tau_ws, m, np.diag(Q).copy())
    nu, _, nat, _ = _cd.gram_bcd(Q, c, beta, g, l1_ws, penalty.l2, penalty.nonneg, rule, tau_ws,
                                 upd, bptr, bidx, eps_in, NEWTON_INNER_EPOCHS * max(1, -(-m // tau_ws)),
                                 upd == 0, _seed(rng), _EMPTY_D, GREEDY_FRAC)
    d = beta - w_ws
    db = 0.0
    if fit_intercept:
        s = float(D.sum())
        db = -(grad_b + float(mvec @ d)) / s if s > 0 else 0.0
    return d, db, nu, nat, None


def _line_search(fval, pen, w_ws, d, penalty, lin, t_min=1e-10, f_at0=None):
    """Armijo backtracking along the proximal Newton direction (``f_at0``: fval(0) if known)."""
    pen0 = pen(w_ws)
    f0 = (fval(0.0) if f_at0 is None else f_at0) + pen0
    delta = lin + pen(w_ws + d) - pen0
    t = 1.0
    while t > t_min:
        val = fval(t) + pen(w_ws + t * d)
        if val <= f0 + 1e-4 * t * min(delta, 0.0) + 1e-15 * abs(f0):
            return t
        t *= 0.5
    return 0.0


def _solve_logistic(X, y, h, penalty, w, *, selection, partition, update, tol, max_iter,
                    verbose, callback, rng, fit_intercept, tau, working_set):
    n, p = X.shape
    t0 = time.perf_counter()
    l1v = np.full(p, penalty.l1)
    l2, nonneg = penalty.l2, penalty.nonneg
    rule, upd = _RULE[selection], _UPDATE[update]
    b = 0.0
    z = np.asarray(X @ w).ravel() if np.any(w) else np.zeros(n)
    pen = lambda v: _pen_value(penalty, v)  # noqa: E731
    rho0 = h * y * 0.5
    if sp.issparse(X):
        X, xty, _, diagL, _ = _csc_first_pass(X, h, 0.5 * y)
        g0 = -xty
    else:
        g0 = -_rmatvec(X, rho0)
        diagL = _sq_norms(X, h)
    viol0 = max(float(penalty.subdiff_distance(np.zeros(p), g0).max()) if p else 0.0,
                abs(float(rho0.sum())) if fit_intercept else 0.0)
    l1 = penalty.l1
    y = np.ascontiguousarray(y, dtype=np.float64)
    h = np.ascontiguousarray(h, dtype=np.float64)
    rho, D, viol = np.empty(n), np.empty(n), np.empty(p)
    P0 = float(np.log(2.0))
    has_gap = _has_gap(penalty) and not fit_intercept
    hist = {k: [] for k in ("objective", "gap", "kkt", "n_updates", "time")}
    n_upd, newton_at, it = 0, None, 0
    p0 = min(max(p // 20, 10), LOGISTIC_P0) if sp.issparse(X) else 10
    ws_buf = np.empty(p, dtype=np.intp)
    ws_work = np.zeros(p)
    inv_sqrt_L = None
    gap = np.nan
    converged = False
    stopped = False
    while True:
        zz = z + b
        # one pass over the samples: rho = h y expit(-y zz), the Newton weights D, the loss
        loss = _cd.logistic_pass(y, zz, h, rho, D)
        grad = g0 if it == 0 and not np.any(zz) else _rmatvec(X, rho, -1.0)
        grad_b = -float(rho.sum())
        # one pass over the features: KKT violations, max |grad|, and the penalty's sums
        kkt_w, s1, s2, gmax = _cd.ls_stats(w, grad, l1, l2, nonneg, viol) if p else (0.0,) * 4
        kkt = max(kkt_w, abs(grad_b) if fit_intercept else 0.0)
        obj = loss + (l1 * s1 + 0.5 * l2 * s2)
        if has_gap:
            gap = _logistic_gap(y, rho, h, grad, gmax, penalty, obj)
            converged = gap <= tol * P0
        else:
            converged = kkt <= tol * viol0
        for k, v in (("objective", obj), ("gap", gap), ("kkt", kkt), ("n_updates", n_upd),
                     ("time", time.perf_counter() - t0)):
            hist[k].append(v)
        _log(verbose, it, obj, gap, kkt, t0)
        if callback is not None and callback({"iteration": it, "objective": obj, "gap": gap,
                                               "kkt": kkt, "coef": w.copy()}):
            stopped = True
            break
        if converged or it >= max_iter:
            break
        it += 1
        if working_set:
            if inv_sqrt_L is None and selection in ("gsl", "gsd", "gsq"):
                inv_sqrt_L = 1.0 / np.sqrt(np.maximum(0.25 * diagL + l2, 1e-300))
            ws_size = max(min(p, p0), min(p, 2 * int(np.count_nonzero(w))))
            m = _cd.select_ws(w, viol, inv_sqrt_L if inv_sqrt_L is not None else _EMPTY_D,
                              ws_size, ws_buf, ws_work)
            ws = ws_buf[:m].copy()
        else:
            ws = np.arange(p)
        eps_in = NEWTON_INNER_TOL * kkt
        d, db, nu, nat, Xd = _newton_direction(X, ws, D, grad[ws], grad_b, w[ws].copy(),
                                           np.ascontiguousarray(l1v[ws]), penalty, fit_intercept,
                                           rule, tau, partition, upd, eps_in, rng,
                                           rho if RESIDUAL_NEWTON else None)
        if nat >= 0 and newton_at is None:
            newton_at = n_upd + nat
        n_upd += nu
        if not np.any(d) and db == 0.0:
            continue
        Xd = (np.asarray(_matvec_cols(X, ws, d)).ravel() if Xd is None else Xd) + db
        lin = float(grad[ws] @ d) + grad_b * db
        w_ws = w[ws].copy()

        def fval(t):
            return _cd.logistic_loss(y, zz, Xd, t, h)

        t = _line_search(fval, pen, w_ws, d, penalty, lin, f_at0=loss)
        if t == 0.0:
            continue
        w[ws] = w_ws + t * d
        z += t * (Xd - db)
        b += t * db
    return _finish(w, b if fit_intercept else 0.0, it, converged, obj, gap, kkt, hist, newton_at,
                   tol, "solve", stopped)


# --------------------------------------------------------------------------- multinomial


def _softmax(Z):
    Zm = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Zm)
    return E / E.sum(axis=1, keepdims=True)


def _solve_multinomial(X, yi, K, h, penalty, W, *, selection, partition, update, tol, max_iter,
                       verbose, callback, rng, fit_intercept, tau, working_set, sq_norms=None):
    n, p = X.shape
    t0 = time.perf_counter()
    Y = np.zeros((n, K))
    Y[np.arange(n), yi] = 1.0
    l1v = np.full(p, penalty.l1)
    l2, nonneg = penalty.l2, penalty.nonneg
    rule, upd = _RULE[selection], _UPDATE[update]
    b = np.zeros(K)
    Z = _matmat(X, W) if np.any(W) else np.zeros((n, K))
    pen = lambda v: _pen_value(penalty, v)  # noqa: E731
    mf = Multinomial()
    G0 = _rmatmat(X, h[:, None] * (1.0 / K - Y))
    viol0 = max(float(penalty.subdiff_distance(np.zeros_like(G0), G0).max()),
                float(np.abs(h @ (1.0 / K - Y)).max()) if fit_intercept else 0.0)
    diagL = _sq_norms(X, h)
    hist = {k: [] for k in ("objective", "gap", "kkt", "n_updates", "time")}
    n_upd, newton_at, it = 0, None, 0
    converged = False
    stopped = False
    while True:
        P = _softmax(Z + b)
        R = h[:, None] * (P - Y)
        G = _rmatmat(X, R)
        Gb = R.sum(axis=0)
        V = penalty.subdiff_distance(W, G)
        kkt = max(float(V.max()), float(np.abs(Gb).max()) if fit_intercept else 0.0)
        obj = mf.value(Y, Z + b, h) + pen(W)
        converged = kkt <= tol * viol0
        for k, v in (("objective", obj), ("gap", np.nan), ("kkt", kkt), ("n_updates", n_upd),
                     ("time", time.perf_counter() - t0)):
            hist[k].append(v)
        _log(verbose, it, obj, np.nan, kkt, t0)
        if callback is not None and callback({"iteration": it, "objective": obj, "gap": np.nan,
                                               "kkt": kkt, "coef": W.copy()}):
            stopped = True
            break
        if converged or it >= max_iter:
            break
        it += 1
        for k in range(K):
            P = _softmax(Z + b)
            rk = h * (P[:, k] - Y[:, k])
            # the first class sees the iterate the full gradient G was computed at
            gk = G[:, 0].copy() if k == 0 else _rmatvec(X, rk)
            gbk = float(rk.sum())
            wk = W[:, k].copy()
            viol = penalty.subdiff_distance(wk, gk)
            if working_set:
                score = viol / np.sqrt(np.maximum(0.25 * diagL + l2, 1e-300)) if selection in ("gsl", "gsd", "gsq") else viol
                ws = _select_ws(wk, score, max(min(p, 10), min(p, 2 * int(np.count_nonzero(wk)))), p)
            else:
                ws = np.arange(p)
            D = h * P[:, k] * (1.0 - P[:, k])
            vk = max(float(viol.max()), abs(gbk) if fit_intercept else 0.0)
            d, db, nu, nat, Xd = _newton_direction(X, ws, D, gk[ws], gbk, wk[ws].copy(),
                                               np.ascontiguousarray(l1v[ws]), penalty,
                                               fit_intercept, rule, tau, partition, upd,
                                               NEWTON_INNER_TOL * vk, rng,
                                               -rk if RESIDUAL_NEWTON else None)
            if nat >= 0 and newton_at is None:
                newton_at = n_upd + nat
            n_upd += nu
            if not np.any(d) and db == 0.0:
                continue
            Xd = (np.asarray(_matvec_cols(X, ws, d)).ravel() if Xd is None else Xd) + db
            lin = float(gk[ws] @ d) + gbk * db
            Zb = Z + b

            def fval(t, Zb=Zb, Xd=Xd, k=k):
                Zt = Zb.copy()
                Zt[:, k] += t * Xd
                return mf.value(Y, Zt, h)

            w_ws = wk[ws].copy()
            t = _line_search(fval, pen, w_ws, d, penalty, lin)
            if t == 0.0:
                continue
            W[ws, k] = w_ws + t * d
            Z[:, k] += t * (Xd - db)
            b[k] += t * db
    return _finish(W, b if fit_intercept else np.zeros(K), it, converged, obj, np.nan, kkt, hist,
                   newton_at, tol, "solve", stopped)


# --------------------------------------------------------------------------- graph quadratic


def _solve_graph(datafit, y, block_size, warm, *, selection, partition, update, tol, max_iter,
                 verbose, callback, rng):
    t0 = time.perf_counter()
    A = datafit.laplacian
    n = A.shape[0]
    y = check_array(y, "y", ndim=(1, 2))
    if y.shape[0] != n:
        raise ValueError(f"y must have one row per node ({n}), got {y.shape[0]}")
    one_d = y.ndim == 1
    Yv = y.reshape(n, -1)
    free = (~datafit.labelled).astype(np.int8)
    if warm is not None:
        x0 = check_array(warm, "warm_start_coef", ndim=y.ndim).reshape(n, -1).copy()
        if x0.shape != Yv.shape:
            raise ValueError(f"warm_start_coef must have shape {y.shape}")
    else:
        x0 = np.zeros_like(Yv)
    x0[datafit.labelled] = Yv[datafit.labelled]
    indptr = A.indptr.astype(np.int32)
    indices = A.indices.astype(np.int32)
    data = A.data.astype(np.float64)
    diag = A.diagonal().astype(np.float64)
    nfree = int(free.sum())
    if partition == "variable":
        part = 0
        tau = min(5, max(nfree, 1)) if block_size is None else check_int(block_size, "block_size", min_val=1, max_val=n)
        bptr, bidx = _EMPTY_I, _EMPTY_I
    elif partition == "greedy_tree":
        part = 2
        tau = 0 if block_size is None else check_int(block_size, "block_size", min_val=1, max_val=n)
        bptr, bidx = _EMPTY_I, _EMPTY_I
    else:
        part = 1
        tau = 0 if block_size is None else check_int(block_size, "block_size", min_val=1, max_val=n)
        bptr, bidx = _graph_partition(partition, A, indptr, indices, data, diag, free, tau, rng)
    rule, upd = _RULE[selection], _UPDATE[update]
    X = x0.copy()
    Gm = np.asarray(A @ X)
    g0 = np.abs(Gm[free.astype(bool)]).max(axis=0) if nfree else np.zeros(X.shape[1])
    n_it = 0
    kkts = []
    traces = []
    for col in range(X.shape[1]):
        xc = np.ascontiguousarray(X[:, col])
        gc = np.ascontiguousarray(Gm[:, col])
        trace = np.zeros(min(max_iter, 5_000_000))
        it, gmax = _graph.graph_bcd(indptr, indices, data, diag, xc, gc, free, rule, part, upd,
                                    tau, bptr, bidx, max_iter, tol * float(g0[col]), _seed(rng),
                                    trace)
        X[:, col] = xc
        n_it = max(n_it, it)
        kkts.append((gmax, float(g0[col])))
        traces.append(trace[: min(it, trace.size)])
    kkt = max(k for k, _ in kkts) if kkts else 0.0
    converged = all(k <= tol * g for k, g in kkts)
    obj = datafit.value(X)
    f0 = datafit.value(x0)
    L = max(len(t) for t in traces) if traces else 0
    per = np.zeros(L)
    for t in traces:
        per[: t.size] += t
        if t.size < L:
            per[t.size:] += t[-1] if t.size else 0.0
    hist = {"objective": np.array([obj]), "kkt": np.array([kkt]),
            "objective_per_update": f0 + per, "time": np.array([time.perf_counter() - t0])}
    if verbose:
        print(f"graph BCD: {n_it} block updates, objective {obj:.10e}, max|grad| {kkt:.3e}")
    if callback is not None:
        callback({"iteration": n_it, "objective": obj, "gap": np.nan, "kkt": kkt, "coef": X})
    coef = X[:, 0].copy() if one_d else X
    return _finish(coef, 0.0, n_it, converged, obj, np.nan, kkt, hist, None, tol, "solve")


def _graph_partition(partition, A, indptr, indices, data, diag, free, tau, rng):
    n = A.shape[0]
    freeidx = np.flatnonzero(free).astype(np.intp)
    if partition == "tree":
        labels = np.full(n, -1, dtype=np.intp)
        order = freeidx.copy()
        nf = _graph.forest_partition(indptr, indices, data, order, labels)
        groups = [np.flatnonzero(labels == f) for f in range(nf)]
        if tau:
            groups = [g[i:i + tau] for g in groups for i in range(0, g.size, tau)]
    elif partition == "red_black":
        colors = np.empty(n, dtype=np.intp)
        _graph.greedy_coloring(indptr, indices, data, colors)
        groups = [freeidx[colors[freeidx] == c] for c in np.unique(colors[freeidx])]
        if tau:
            groups = [g[i:i + tau] for g in groups for i in range(0, g.size, tau)]
    else:
        t = tau or 5
        if partition == "contiguous":
            order = freeidx
        elif partition == "sorted":
            order = freeidx[np.argsort(diag[freeidx], kind="stable")]
        else:
            o = freeidx[np.argsort(diag[freeidx], kind="stable")]
            nb = -(-o.size // t)
            order = np.concatenate([o[b::nb] for b in range(nb)]) if nb else o
        groups = [order[i:i + t] for i in range(0, order.size, t)]
    groups = [g for g in groups if g.size]
    ptr = np.concatenate([[0], np.cumsum([g.size for g in groups])]).astype(np.intp)
    idx = np.concatenate(groups).astype(np.intp) if groups else _EMPTY_I
    return ptr, idx
