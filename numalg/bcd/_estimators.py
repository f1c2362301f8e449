"""scikit-learn estimators over :func:`numalg.bcd.solve`."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import compute_sample_weight
from sklearn.utils._param_validation import Interval, StrOptions, make_constraint
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._objects import (
    ElasticNetPenalty,
    GraphQuadratic,
    L1,
    L2,
    Logistic,
    Multinomial,
    NoPenalty,
    Quadratic,
)
from . import _cd
from ._solvers import PARTITIONS, SELECTIONS, UPDATES, _fit_validated, solve

__all__ = ["Lasso", "ElasticNet", "LogisticRegression", "LabelPropagation"]

_X_PARTITIONS = ("variable", "contiguous", "sorted", "mixed")
_X_UPDATES = ("newton", "gradient", "backtracking")

_BCD_CONSTRAINTS = {
    "selection": [StrOptions(set(SELECTIONS))],
    "block_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "partition": [StrOptions(set(_X_PARTITIONS))],
    "update": [StrOptions(set(_X_UPDATES))],
    "tol": [Interval(numbers.Real, 0, None, closed="left")],
    "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
    "warm_start": ["boolean"],
    "fit_intercept": ["boolean"],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


def _block_size(block_size, n_features):
    if block_size is None:
        return None
    if block_size > n_features:
        raise ValueError(
            f"block_size must be <= n_features ({n_features}), got {block_size}"
        )
    return block_size


def _seed(random_state):
    if random_state is None:
        return None
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    return random_state


def _validate_plain(est, X, y):
    """``validate_data(est, X, y, ...)`` for the common case, without its dataframe
    detection (most of its ~0.15 ms): a float64 ndarray or CSC matrix X with at least
    one row and column, a float64 1-D ndarray y of the same length, both finite
    (y's sum finite, and X's sum or, for a C-ordered X, its uniformly weighted squared
    column norms: a non-finite entry makes them non-finite).
    Such input passes ``validate_data`` unchanged; the same attributes are set
    (``n_features_in_``; ``feature_names_in_`` removed). Returns ``(X, y, sqn)``, where
    ``sqn`` holds those column norms (the solver's ``_sq_norms(X, 1/n)``; None if not
    computed), or None for anything else, which then goes through ``validate_data``
    (conversions, error messages).
    """
    tx = type(X)
    if tx is np.ndarray:
        if X.ndim != 2 or X.dtype != np.float64:
            return None
    elif tx in (sp.csc_array, sp.csc_matrix):
        if X.dtype != np.float64:
            return None
    else:
        return None
    if (type(y) is not np.ndarray or y.ndim != 1 or y.dtype != np.float64
            or X.shape[0] < 1 or X.shape[1] < 1 or y.shape[0] != X.shape[0]):
        return None
    sqn = None
    if tx is np.ndarray:
        if X.flags.c_contiguous:
            # the solver's weighted squared column norms for uniform weights double as the
            # check: finite iff X is (or, with |X_ij| > 1e154, the validate_data path runs)
            h = np.full(X.shape[0], 1.0 / X.shape[0])
            sqn = np.empty(X.shape[1])
            _cd.dense_sq_norms(X, h, sqn)
            if not np.isfinite(sqn.sum()):
                return None
        elif not np.isfinite(X.sum()):
            return None
    if not np.isfinite(y.sum()):
        return None
    if hasattr(est, "feature_names_in_"):
        del est.feature_names_in_
    est.n_features_in_ = X.shape[1]
    return X, y, sqn


#: per estimator class: [(parameter, [constraint objects])], built once
_CONSTRAINTS = {}


class _CachedParamValidation:
    """``BaseEstimator._validate_params`` with the parameter names and the constraint objects
    built once per class (``get_params`` inspects ``__init__``'s signature on every call and
    ``validate_parameter_constraints`` rebuilds every constraint: ~45 us of a fit that can
    take 0.3 ms).  The same constraints are tested; a parameter that satisfies none goes
    through scikit-learn's own ``_validate_params``, which raises its usual error."""

    def _validate_params(self):
        cls = type(self)
        checks = _CONSTRAINTS.get(cls)
        if checks is None:
            pc = self._parameter_constraints
            checks = [(k, [make_constraint(c) for c in pc[k]]) for k in cls._get_param_names()
                      if k in pc and not (isinstance(pc[k], str) and pc[k] == "no_validation")]
            _CONSTRAINTS[cls] = checks
        for name, constraints in checks:
            value = getattr(self, name)
            for c in constraints:
                if c.is_satisfied_by(value):
                    break
            else:
                return super()._validate_params()
        return None


class _LinearRegressorBCD(_CachedParamValidation, RegressorMixin, BaseEstimator):
    def _penalty(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, X, y, sample_weight=None):
        """Fit the model by greedy block coordinate descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (sparse input is used in CSC form).
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights (normalised internally, as scikit-learn does).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate_params()
        # a sparse X's finiteness is checked in the solver's first pass over it
        Xy = _validate_plain(self, X, y)
        sqn = None
        if Xy is None:
            X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                                 y_numeric=True, ensure_all_finite=not sp.issparse(X))
        else:
            X, y, sqn = Xy
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
            if sw.sum() <= 0:
                raise ValueError("sample_weight must have a positive sum")
        n_features = X.shape[1]
        warm = None
        if self.warm_start and getattr(self, "coef_", None) is not None and self.coef_.shape == (n_features,):
            warm = self.coef_
        res = _fit_validated(
            Quadratic(), self._penalty(), X, y, sw, selection=self.selection,
            block_size=_block_size(self.block_size, n_features), partition=self.partition,
            update=self.update, tol=self.tol, max_iter=self.max_iter, warm_start_coef=warm,
            verbose=bool(self.verbose), fit_intercept=self.fit_intercept,
            random_state=_seed(self.random_state), sq_norms=sqn,
        )
        self.coef_ = res.coef
        self.intercept_ = float(res.intercept)
        self.n_iter_ = int(res.n_iter)
        self.dual_gap_ = float(res.gap)
        self.result_ = res
        return self

    def predict(self, X):
        """Predict with the linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], dtype=np.float64, reset=False)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_


    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class Lasso(_LinearRegressorBCD):
    r"""Lasso by greedy block coordinate descent (drop-in for scikit-learn's).

    Minimises :math:`\frac{1}{2 n}\|y - Xw - b\|_2^2 + \alpha\|w\|_1` (with
    sample weights, :math:`\frac{1}{2\sum_i s_i}\sum_i s_i r_i^2`), the same
    objective as :class:`sklearn.linear_model.Lasso`.

    Parameters
    ----------
    alpha : float, default=1.0
        L1 regularisation strength (>= 0).
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    max_iter : int, default=1000
        Maximum number of working-set iterations.
    tol : float, default=1e-6
        Stops when the duality gap is ``<= tol * P(0)``, P(0) the objective at
        ``w = 0`` (scikit-learn uses ``gap <= tol * ||y||^2 / n``, a different
        scale); with ``positive=True`` or ``alpha=0``, when the largest KKT
        violation is ``<= tol`` times its value at ``w = 0``.
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random selection rules.
    selection : {"gsl", "gs", "gsd", "gsq", "cyclic", "random", "lipschitz"}, default="gsl"
        Block selection rule inside the working set (see :func:`solve`).
    block_size : int, default=None
        Coordinates per block (None: 1).
    partition : {"variable", "contiguous", "sorted", "mixed"}, default="variable"
        Block partition (see :func:`solve`).
    update : {"newton", "gradient", "backtracking"}, default="newton"
        Block update (see :func:`solve`).
    verbose : bool, default=False
        Print progress.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients.
    intercept_ : float
        Intercept.
    n_iter_ : int
        Working-set iterations run.
    dual_gap_ : float
        Final duality gap (nan when ``positive=True`` or ``alpha=0``).
    result_ : BCDResult
        The full solver result (history, KKT violation, ...).
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    ElasticNet : L1 + L2 penalty.
    solve : The underlying solver.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.bcd import Lasso
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> reg = Lasso(alpha=0.1).fit(X, [0.0, 1.0, 2.0])
    >>> np.round(reg.coef_, 4), round(reg.intercept_, 4)
    (array([0.85, 0.  ]), 0.15)
    """

    _parameter_constraints = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "positive": ["boolean"],
        **_BCD_CONSTRAINTS,
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, max_iter=1000, tol=1e-6,
                 warm_start=False, positive=False, random_state=None, selection="gsl",
                 block_size=None, partition="variable", update="newton", verbose=False):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.block_size = block_size
        self.partition = partition
        self.update = update
        self.verbose = verbose

    def _penalty(self):
        if self.alpha == 0:
            return NoPenalty() if not self.positive else L1(0.0, positive=True)
        return L1(self.alpha, positive=self.positive)


class ElasticNet(_LinearRegressorBCD):
    r"""Elastic net by greedy block coordinate descent (drop-in for scikit-learn's).

    Minimises :math:`\frac{1}{2 n}\|y - Xw - b\|_2^2 + \alpha\rho\|w\|_1 +
    \frac{\alpha(1-\rho)}{2}\|w\|_2^2` with :math:`\rho` = ``l1_ratio``, the
    objective of :class:`sklearn.linear_model.ElasticNet`.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularisation strength (>= 0).
    l1_ratio : float, default=0.5
        Mix of L1 (1) and L2 (0).
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    max_iter : int, default=1000
        Maximum number of working-set iterations.
    tol : float, default=1e-6
        Stops when the duality gap is ``<= tol * P(0)``, P(0) the objective at
        ``w = 0``; with ``positive=True`` or ``alpha=0`` on the relative KKT
        violation.
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random selection rules.
    selection : {"gsl", "gs", "gsd", "gsq", "cyclic", "random", "lipschitz"}, default="gsl"
        Block selection rule (see :func:`solve`).
    block_size : int, default=None
        Coordinates per block (None: 1).
    partition : {"variable", "contiguous", "sorted", "mixed"}, default="variable"
        Block partition.
    update : {"newton", "gradient", "backtracking"}, default="newton"
        Block update.
    verbose : bool, default=False
        Print progress.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients.
    intercept_ : float
        Intercept.
    n_iter_ : int
        Working-set iterations run.
    dual_gap_ : float
        Final duality gap.
    result_ : BCDResult
        The full solver result.
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    Lasso : Pure L1 penalty.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.bcd import ElasticNet
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> reg = ElasticNet(alpha=0.01, l1_ratio=0.5).fit(X, [0.0, 1.0, 2.0, 3.0])
    >>> np.round(reg.coef_, 3)
    array([0.992, 0.   ])
    """

    _parameter_constraints = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both")],
        "positive": ["boolean"],
        **_BCD_CONSTRAINTS,
    }

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, max_iter=1000, tol=1e-6,
                 warm_start=False, positive=False, random_state=None, selection="gsl",
                 block_size=None, partition="variable", update="newton", verbose=False):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.block_size = block_size
        self.partition = partition
        self.update = update
        self.verbose = verbose

    def _penalty(self):
        if self.alpha == 0:
            return NoPenalty() if not self.positive else L1(0.0, positive=True)
        return ElasticNetPenalty(self.alpha, self.l1_ratio, positive=self.positive)


class LogisticRegression(_CachedParamValidation, ClassifierMixin, BaseEstimator):
    r"""L1/L2/elastic-net logistic regression by greedy block coordinate descent.

    Binary problems use the logistic loss, three or more classes the
    multinomial (softmax) loss, as :class:`sklearn.linear_model.LogisticRegression`
    1.8+ does.  The objective is scikit-learn's

    .. math::

        C \sum_i s_i \ell_i(w, b) + \rho\|w\|_1 + \frac{1-\rho}{2}\|w\|_2^2,

    :math:`\rho` = ``l1_ratio``; ``C=np.inf`` means no penalty.  The solver is
    a proximal Newton method on a working set grown by KKT violation, whose
    subproblems are solved by greedy coordinate descent with active-set Newton
    steps (multinomial: one class block at a time).

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength (> 0, ``np.inf`` for none).
    l1_ratio : float, default=0.0
        Elastic-net mixing: 0 is L2, 1 is L1.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    class_weight : dict or "balanced", default=None
        Class weights, multiplied into the sample weights.
    tol : float, default=1e-6
        Stops when the duality gap is ``<= tol * P(0)`` (binary, L1 or elastic
        net, no intercept) or else when the largest KKT violation is ``<= tol``
        times its value at ``w = 0``.
    max_iter : int, default=100
        Maximum number of proximal Newton iterations.
    warm_start : bool, default=False
        Start from the previous solution.
    random_state : int, RandomState instance or None, default=None
        Seed of the random selection rules.
    selection : {"gsl", "gs", "gsd", "gsq", "cyclic", "random", "lipschitz"}, default="gsl"
        Block selection rule in the Newton subproblems.
    block_size : int, default=None
        Coordinates per block (None: 1).
    partition : {"variable", "contiguous", "sorted", "mixed"}, default="variable"
        Block partition.
    update : {"newton", "gradient", "backtracking"}, default="newton"
        Block update.
    verbose : bool, default=False
        Print progress.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts.
    n_iter_ : ndarray of shape (1,)
        Proximal Newton iterations run.
    result_ : BCDResult
        The full solver result.
    n_features_in_ : int
        Number of features seen during fit.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from numalg.bcd import LogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LogisticRegression(C=1.0).fit(X, y)
    >>> clf.predict(X[:3]).tolist(), round(clf.score(X, y), 2)
    ([0, 0, 0], 0.97)
    """

    _parameter_constraints = {
        "C": [Interval(numbers.Real, 0, None, closed="right")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        **_BCD_CONSTRAINTS,
    }

    def __init__(self, *, C=1.0, l1_ratio=0.0, fit_intercept=True, class_weight=None, tol=1e-6,
                 max_iter=100, warm_start=False, random_state=None, selection="gsl",
                 block_size=None, partition="variable", update="newton", verbose=False):
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection
        self.block_size = block_size
        self.partition = partition
        self.update = update
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate_params()
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr", "coo"], dtype=np.float64,
                             ensure_all_finite=not sp.issparse(X))
        check_classification_targets(y)
        classes, yi = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the data "
                f"contains only one class: {classes[0]!r}"
            )
        sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
        if self.class_weight is not None:
            sw = sw * compute_sample_weight(self.class_weight, y)
        total = float(sw.sum())
        if total <= 0:
            raise ValueError("sample_weight must have a positive sum")
        n_features = X.shape[1]
        alpha = 1.0 / (self.C * total) if np.isfinite(self.C) else 0.0
        if alpha == 0.0:
            pen = NoPenalty()
        elif self.l1_ratio == 0.0:
            pen = L2(alpha)
        elif self.l1_ratio == 1.0:
            pen = L1(alpha)
        else:
            pen = ElasticNetPenalty(alpha, self.l1_ratio)
        K = classes.size
        warm = None
        fitted = getattr(self, "coef_", None)
        if self.warm_start and fitted is not None:
            if K == 2 and fitted.shape == (1, n_features):
                warm = fitted[0]
            elif K > 2 and fitted.shape == (K, n_features):
                warm = fitted.T
        common = dict(selection=self.selection, block_size=_block_size(self.block_size, n_features),
                      partition=self.partition, update=self.update, tol=self.tol,
                      max_iter=self.max_iter, warm_start_coef=warm, verbose=bool(self.verbose),
                      fit_intercept=self.fit_intercept, sample_weight=sw,
                      random_state=_seed(self.random_state))
        # a sparse X's finiteness is checked by the solver (binary: in its first pass over X)
        del common["sample_weight"]
        if K == 2:
            res = _fit_validated(Logistic(), pen, X, 2.0 * yi - 1.0, sw, **common)
            self.coef_ = res.coef[None, :].copy()
            self.intercept_ = np.array([float(res.intercept)])
        else:
            res = _fit_validated(Multinomial(), pen, X, yi, sw, **common)
            self.coef_ = np.ascontiguousarray(res.coef.T)
            self.intercept_ = np.asarray(res.intercept, dtype=np.float64).copy()
        self.classes_ = classes
        self.n_iter_ = np.array([res.n_iter])
        self.result_ = res
        return self

    def decision_function(self, X):
        """Class scores (log-odds of the positive class for binary problems).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], dtype=np.float64, reset=False)
        S = np.asarray(X @ self.coef_.T) + self.intercept_
        return S[:, 0] if S.shape[1] == 1 else S

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        S = self.decision_function(X)
        if S.ndim == 1:
            p1 = expit(S)
            return np.column_stack([1.0 - p1, p1])
        return softmax(S, axis=1)

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        S = self.decision_function(X)
        idx = (S > 0).astype(int) if S.ndim == 1 else S.argmax(axis=1)
        return self.classes_[idx]


    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class LabelPropagation(ClassifierMixin, BaseEstimator):
    r"""Label propagation (harmonic solution) by greedy-tree block coordinate descent.

    Builds a graph on the samples (RBF or k-nearest-neighbour affinities, or a
    precomputed affinity matrix), and minimises the graph quadratic
    :math:`\frac{1}{2}\sum_{ij} W_{ij}\|f_i - f_j\|^2` over the unlabelled
    rows of the label-distribution matrix with the labelled rows fixed to
    their one-hot labels.  The default method grows a maximal forest in
    greedy (Gauss-Southwell-Lipschitz) order each iteration and solves it
    exactly by message passing in linear time.

    Parameters
    ----------
    kernel : {"rbf", "knn", "precomputed"}, default="rbf"
        Affinity: ``exp(-gamma ||x - x'||^2)``, a symmetrised kNN graph, or
        ``X`` itself is the (n_samples, n_samples) affinity matrix (and, at
        prediction time, the (n_queries, n_samples) affinities to the
        training samples).
    gamma : float, default=20
        RBF parameter.
    n_neighbors : int, default=7
        Neighbours of the kNN graph.
    max_iter : int, default=1000
        Maximum number of block updates (per class).
    tol : float, default=1e-6
        Stops when the largest gradient entry over the unlabelled nodes is
        ``<= tol`` times its initial value.
    selection : {"gsl", "gs", "gsd", "gsq", "cyclic", "random", "lipschitz"}, default="gsl"
        Block (or forest growth order) selection rule.
    partition : {"greedy_tree", "tree", "red_black", "variable", "contiguous", "sorted", "mixed"}, default="greedy_tree"
        Block partition (see :func:`solve`).
    update : {"message_passing", "newton", "gradient"}, default="message_passing"
        Block update.
    block_size : int, default=None
        Nodes per block (None: unlimited forests; 5 for variable blocks).
    n_jobs : int, default=None
        Parallel jobs of the neighbour search.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    label_distributions_ : ndarray of shape (n_samples, n_classes)
        Normalised label distributions of the training samples.
    transduction_ : ndarray of shape (n_samples,)
        Labels assigned to the training samples.
    n_iter_ : int
        Block updates run (the largest over classes).
    X_ : ndarray or sparse matrix
        Training input (needed to predict).
    n_features_in_ : int
        Number of features seen during fit.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.bcd import LabelPropagation
    >>> X = np.array([[0.0], [0.1], [0.2], [1.0], [1.1], [1.2]])
    >>> y = np.array([0, -1, -1, 1, -1, -1])
    >>> LabelPropagation(kernel="knn", n_neighbors=2).fit(X, y).transduction_.tolist()
    [0, 0, 0, 1, 1, 1]
    """

    _parameter_constraints = {
        "kernel": [StrOptions({"rbf", "knn", "precomputed"})],
        "gamma": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "selection": [StrOptions(set(SELECTIONS))],
        "partition": [StrOptions(set(PARTITIONS))],
        "update": [StrOptions(set(UPDATES) - {"backtracking"})],
        "block_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_jobs": [None, numbers.Integral],
    }

    def __init__(self, kernel="rbf", *, gamma=20, n_neighbors=7, max_iter=1000, tol=1e-6,
                 selection="gsl", partition="greedy_tree", update="message_passing",
                 block_size=None, n_jobs=None):
        self.kernel = kernel
        self.gamma = gamma
        self.n_neighbors = n_neighbors
        self.max_iter = max_iter
        self.tol = tol
        self.selection = selection
        self.partition = partition
        self.update = update
        self.block_size = block_size
        self.n_jobs = n_jobs

    def _affinity(self, X, Y=None):
        from sklearn.metrics.pairwise import rbf_kernel

        if self.kernel == "precomputed":
            return X
        if self.kernel == "rbf":
            return rbf_kernel(X, self.X_ if Y is None else Y, gamma=self.gamma)
        return None  # knn handled by the caller

    def fit(self, X, y):
        """Fit the label distributions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples (or, with ``kernel="precomputed"``, the affinity matrix).
        y : array-like of shape (n_samples,)
            Labels, -1 for unlabelled samples.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        from sklearn.neighbors import NearestNeighbors

        self._validate_params()
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], dtype=np.float64)
        check_classification_targets(y)
        n = X.shape[0]
        if self.kernel == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError(f"X must be a square affinity matrix with kernel='precomputed', got shape {X.shape}")
        labelled = y != -1
        if not labelled.any():
            raise ValueError("y must contain at least one labelled sample (labels other than -1)")
        classes, yi = np.unique(y[labelled], return_inverse=True)
        self.classes_ = classes
        self.X_ = X
        K = classes.size
        Y = np.zeros((n, K))
        Y[np.flatnonzero(labelled), yi] = 1.0
        if self.kernel == "knn":
            k = min(self.n_neighbors, n - 1)
            self.nn_fit_ = NearestNeighbors(n_neighbors=max(k, 1), n_jobs=self.n_jobs).fit(X)
            if k >= 1:
                A = self.nn_fit_.kneighbors_graph(X, k, mode="connectivity")
                A = A - sp.diags_array(A.diagonal())
                W = 0.5 * (A + A.T)
            else:
                W = sp.csr_array((n, n))
        elif self.kernel == "rbf":
            W = self._affinity(X)
        else:
            W = X
            if sp.issparse(W):
                W = sp.csr_array(W)
            W = 0.5 * (W + W.T)
        if np.all(labelled):
            F = Y
            self.n_iter_ = 0
        else:
            res = solve(GraphQuadratic(W, labelled), NoPenalty(), None, Y, selection=self.selection,
                        partition=self.partition, update=self.update, block_size=self.block_size,
                        tol=self.tol, max_iter=self.max_iter)
            F = np.asarray(res.coef)
            self.n_iter_ = int(res.n_iter)
        self.label_distributions_ = self._normalize(F)
        self.transduction_ = classes[np.argmax(self.label_distributions_, axis=1)]
        return self

    @staticmethod
    def _normalize(F):
        F = np.maximum(np.asarray(F, dtype=np.float64), 0.0)
        s = F.sum(axis=1, keepdims=True)
        out = np.full_like(F, 1.0 / F.shape[1])
        np.divide(F, s, out=out, where=s > 0)
        return out

    def predict_proba(self, X):
        """Label distributions of new samples (affinity-weighted training distributions).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features)
            Samples (or affinities to the training samples when precomputed).

        Returns
        -------
        proba : ndarray of shape (n_queries, n_classes)
        """
        check_is_fitted(self)
        if self.kernel == "precomputed":
            Kx = _check_precomputed(X, self.X_.shape[0])
        else:
            X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=np.float64, reset=False)
            if self.kernel == "rbf":
                Kx = self._affinity(X, self.X_)
            else:
                k = min(self.n_neighbors, self.X_.shape[0])
                Kx = self.nn_fit_.kneighbors_graph(X, k, mode="connectivity")
        P = np.asarray(Kx @ self.label_distributions_)
        return self._normalize(P)

    def predict(self, X):
        """Predicted labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features)

        Returns
        -------
        labels : ndarray of shape (n_queries,)
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.pairwise = self.kernel == "precomputed"
        return tags

    def _numalg_expected_failed_checks(self):
        return {
            "check_non_transformer_estimators_n_iter": (
                "with every sample labelled (as in scikit-learn's checks) there is nothing to "
                "propagate and n_iter_ is honestly 0"
            ),
        }


def _check_precomputed(X, n_train):
    from sklearn.utils import check_array

    X = check_array(X, accept_sparse=["csr", "csc"], dtype=np.float64)
    if X.shape[1] != n_train:
        raise ValueError(f"X must have {n_train} columns (affinities to the training samples), got {X.shape[1]}")
    return X
