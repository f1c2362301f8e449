"""Domain adaptation by entropic optimal transport, scikit-learn style."""

from __future__ import annotations

import numbers

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_array, check_probability_vector
from ._solvers import sinkhorn, sinkhorn_newton_sparse

__all__ = ["EntropicTransport"]


class EntropicTransport(TransformerMixin, BaseEstimator):
    """Map a source point cloud onto a target cloud by entropic optimal transport.

    ``fit`` solves the entropic transport problem between the two weighted
    clouds (ground cost ``metric``); ``transform`` moves the fitted source
    points to their barycentric projection onto the target cloud, and any
    other point like its nearest fitted source point (the out-of-sample rule
    of POT's ``ot.da.SinkhornTransport`` with ``out_of_sample_map="ferradans"``).

    Parameters
    ----------
    reg : float, default=1.0
        Entropic regularisation, in the units of the ground cost.
    solver : {"sns", "sinkhorn"}, default="sns"
        :func:`sinkhorn_newton_sparse` or :func:`sinkhorn`.
    metric : str, default="sqeuclidean"
        Ground cost, any metric of :func:`scipy.spatial.distance.cdist`.
    tol : float, default=1e-9
        Stopping tolerance on the marginal error.
    max_iter : int, default=1000
        Iteration budget (Newton steps for "sns", sweeps for "sinkhorn").

    Attributes
    ----------
    coupling_ : ndarray of shape (n_source, n_target)
        The transport plan.
    potentials_ : tuple of ndarray
        The dual potentials ``(f, g)``.
    cost_ : float
        Transport cost ``<M, coupling_>``.
    n_iter_ : int
        Iterations of the solver.
    n_features_in_ : int
        Number of features of the point clouds.
    X_source_ : ndarray of shape (n_source, n_features)
        The fitted source points.
    X_target_ : ndarray of shape (n_target, n_features)
        The fitted target points.

    See Also
    --------
    sinkhorn_newton_sparse : The default solver.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.transport import EntropicTransport
    >>> rng = np.random.default_rng(0)
    >>> Xs = rng.normal(size=(30, 2))
    >>> Xt = rng.normal(size=(40, 2)) + [5.0, 0.0]
    >>> est = EntropicTransport(reg=0.5).fit(Xs, Xt)
    >>> est.coupling_.shape
    (30, 40)
    >>> bool(np.allclose(est.transform(Xs).mean(axis=0), Xt.mean(axis=0)))
    True
    """

    # fit's arguments are this estimator's own data, not metadata to route
    __metadata_request__fit = {
        "X_source": UNUSED, "X_target": UNUSED, "source_weight": UNUSED, "target_weight": UNUSED,
    }

    _parameter_constraints = {
        "reg": [Interval(numbers.Real, 0, None, closed="neither")],
        "solver": [StrOptions({"sns", "sinkhorn"})],
        "metric": [str],
        "tol": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(self, *, reg=1.0, solver="sns", metric="sqeuclidean", tol=1e-9, max_iter=1000):
        self.reg = reg
        self.solver = solver
        self.metric = metric
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, X_source, X_target, *, source_weight=None, target_weight=None):
        """Solve the transport problem between the two clouds.

        Parameters
        ----------
        X_source : array-like of shape (n_source, n_features)
        X_target : array-like of shape (n_target, n_features)
        source_weight : array-like of shape (n_source,), default=None
            Weights of the source points; uniform when None.
        target_weight : array-like of shape (n_target,), default=None
            Weights of the target points, of the same total as the source
            weights; uniform when None.

        Returns
        -------
        self : EntropicTransport
        """
        self._validate_params()
        Xs = validate_data(self, X_source, reset=True, dtype=np.float64)
        Xt = check_array(X_target, "X_target", ndim=2, shape=(None, Xs.shape[1]))
        a = None if source_weight is None else check_probability_vector(
            source_weight, "source_weight", size=Xs.shape[0])
        b = None if target_weight is None else check_probability_vector(
            target_weight, "target_weight", size=Xt.shape[0])
        M = cdist(Xs, Xt, metric=self.metric)
        if self.solver == "sns":
            res = sinkhorn_newton_sparse(a, b, M, self.reg, tol=self.tol, max_iter=self.max_iter)
        else:
            res = sinkhorn(a, b, M, self.reg, tol=self.tol, max_iter=self.max_iter)
        self.coupling_ = res.plan
        self.potentials_ = (res.f, res.g)
        self.cost_ = res.cost
        self.n_iter_ = res.n_iter
        self.X_source_ = Xs
        self.X_target_ = Xt
        return self

    def _projected_source(self):
        P = self.coupling_
        rows = P.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            T = np.where(rows > 0, P / rows, 0.0)
        return T @ self.X_target_

    def transform(self, X):
        """Move points of the source domain into the target domain.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The fitted source points (mapped by barycentric projection) or
            new points (each moved by the displacement of its nearest fitted
            source point).

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        proj = self._projected_source()
        if X.shape == self.X_source_.shape and np.array_equal(X, self.X_source_):
            return proj
        idx = np.argmin(cdist(X, self.X_source_, metric="sqeuclidean"), axis=1)
        return proj[idx] + X - self.X_source_[idx]

    def fit_transform(self, X_source, X_target, *, source_weight=None, target_weight=None):
        """Fit, then map the source points by barycentric projection."""
        return self.fit(X_source, X_target, source_weight=source_weight,
                        target_weight=target_weight).transform(X_source)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.target_tags.required = False
        return tags
