"""A linear SVM trained as a finite-sum saddle point, with certified residuals."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._problems import BilinearQP
from ._solvers import METHODS, solve

__all__ = ["SaddlePointSVC"]


def _hinge_saddle(X, ysign, C, fit_intercept):
    """The BilinearQP of min_{w,b} max_{alpha in [0,1]^n} (1/n) sum alpha_i (1 - y_i (x_i.w + b)) + |w|^2/(2Cn)."""
    n, p = X.shape
    d = p + int(fit_intercept)
    diag = np.full(d, 1.0 / (C * n))
    if fit_intercept:
        diag[-1] = 0.0
    H = sp.diags_array(diag, format="csr")
    if sp.issparse(X):
        Z = sp.diags_array(ysign) @ sp.csr_array(X)
        if fit_intercept:
            Z = sp.hstack([Z, sp.csr_array(ysign[:, None])], format="csr")
        A = -Z / n
    else:
        Z = X * ysign[:, None]
        if fit_intercept:
            Z = np.hstack([Z, ysign[:, None]])
        A = -Z / n
    return BilinearQP(H, np.zeros(d), A, -np.ones(n) / n, y_bounds=(0.0, 1.0))


def _hinge_primal_dual(w, b, alpha, ysign, margins, v, C):
    """Primal and dual values of the hinge saddle problem (scaled by 1/n).

    ``margins = y * (X w + b)`` and ``v = X^T (alpha y) / n``; the dual is the
    saddle function at ``alpha`` and its best response ``w = C n v``.
    """
    n = margins.shape[0]
    primal = w @ w / (2 * C * n) + np.maximum(0.0, 1.0 - margins).mean()
    dual = (alpha * (1.0 - ysign * b)).mean() - 0.5 * C * n * (v @ v)
    return primal, dual


class SaddlePointSVC(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Linear support vector classifier trained as a finite-sum saddle point.

    The hinge-loss SVM is solved in its saddle-point form

    ``min_{w, b} max_{alpha in [0, 1]^n} (1/n) sum_i alpha_i (1 - y_i (x_i^T w + b)) + ||w||^2 / (2 C n)``,

    a monotone inclusion whose operator is a finite sum over the samples, by
    :func:`numalg.monotone.solve` (restarted Halpern by default).  The
    minimiser in ``w`` is the minimiser of
    ``1/2 ||w||^2 + C sum_i max(0, 1 - y_i (x_i^T w + b))``, the problem of
    :class:`sklearn.svm.LinearSVC` with ``loss="hinge"``; the intercept is
    not penalised.  More than two classes are handled one-vs-rest.  Every
    fit reports the certified operator residual of its last iterate and a
    primal-dual gap.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength.
    fit_intercept : bool, default=True
        Whether to fit an unpenalised intercept.
    method : {"halpern", "vr_halpern", "extragradient", "anchored_extragradient", \
"vr_extragradient"}, default="halpern"
        Solver, see :func:`numalg.monotone.solve`.  The default, restarted
        Halpern on the PDHG operator with PDLP's adaptive primal weight,
        reaches ``tol=1e-4`` in a fraction of the epochs the
        variance-reduced solvers need on this problem (whose components,
        the samples, are short rows: per-step overhead dominates them).
    tol : float, default=1e-4
        Stop when the certified duality gap, relative to the primal
        objective, is at most ``tol``: ``(P(w) - D(alpha)) / P(w) <= tol``
        bounds the relative suboptimality of the returned ``w`` (with the
        intercept held at its value when ``fit_intercept=True``).
    max_epochs : float, default=10000
        Budget per binary problem, in epochs (passes over the data).
    random_state : int, RandomState instance or None, default=None
        Seeds the sampling of the stochastic solvers.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_epochs_ : ndarray of shape (n_problems,)
        Epochs used by each binary problem.
    residual_ : ndarray of shape (n_problems,)
        Certified operator residual of each binary problem's returned iterate.
    gap_ : ndarray of shape (n_problems,)
        Primal objective minus the saddle function minimised over ``w`` at
        the returned dual variables (the intercept held at its value), in
        the units of the ``1/n``-scaled objective above: a certified bound on
        the suboptimality in ``w`` (exact duality gap when
        ``fit_intercept=False``).
    n_features_in_ : int

    See Also
    --------
    sklearn.svm.LinearSVC : the same model, by coordinate descent in the dual.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.monotone import SaddlePointSVC
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 2))
    >>> y = (X[:, 0] + X[:, 1] > 0).astype(int)
    >>> clf = SaddlePointSVC(random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_constraints: dict = {
        "C": [Interval(numbers.Real, 0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "method": [StrOptions(set(METHODS))],
        "tol": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_epochs": [Interval(numbers.Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, *, C=1.0, fit_intercept=True, method="halpern", tol=1e-4, max_epochs=10000,
                 random_state=None):
        self.C = C
        self.fit_intercept = fit_intercept
        self.method = method
        self.tol = tol
        self.max_epochs = max_epochs
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y):
        """Fit the classifier.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : SaddlePointSVC
        """
        self._validate_params()
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64, order="C")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            raise ValueError(
                f"This solver needs samples of at least 2 classes in the data, but the data contains only "
                f"one class: {self.classes_[0]!r}"
            )
        rs = self.random_state
        if isinstance(rs, np.random.RandomState):
            seed = rs.randint(0, 2**31 - 1)
        else:
            seed = rs
        targets = [self.classes_[1]] if self.classes_.size == 2 else list(self.classes_)
        coefs, intercepts, epochs, residuals, gaps = [], [], [], [], []
        p = X.shape[1]
        for k, cls in enumerate(targets):
            ysign = np.where(y == cls, 1.0, -1.0)
            problem = _hinge_saddle(X, ysign, float(self.C), self.fit_intercept)
            rng = None if seed is None else np.random.default_rng([int(seed), k])
            best = {"rel": np.inf, "u": None}
            stop = self._gap_stop(X.shape[0], p, ysign, best)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                res = solve(problem, method=self.method, tol=np.finfo(float).tiny,
                            max_epochs=float(self.max_epochs), random_state=rng, callback=stop)
            del caught
            u = best["u"] if best["u"] is not None else res.u
            if not best["rel"] <= self.tol:
                warnings.warn(
                    f"SaddlePointSVC did not reach tol={self.tol:g} (relative duality gap) within "
                    f"max_epochs={self.max_epochs:g} (reached {best['rel']:.3g}); increase max_epochs or tol",
                    ConvergenceWarning,
                    stacklevel=2,
                )
            w = u[:p]
            b = u[p] if self.fit_intercept else 0.0
            alpha = u[problem.shape[1]:]
            coefs.append(w)
            intercepts.append(b)
            epochs.append(res.n_epochs)
            residuals.append(problem.residual(u))
            gaps.append(self._gap(X, ysign, w, b, alpha))
        self.coef_ = np.asarray(coefs, dtype=np.float64).reshape(len(targets), p)
        self.intercept_ = np.asarray(intercepts, dtype=np.float64)
        self.n_epochs_ = np.asarray(epochs)
        self.residual_ = np.asarray(residuals)
        self.gap_ = np.asarray(gaps)
        return self

    def _gap_stop(self, n, p, ysign, best):
        """A callback: the relative duality gap from u and F(u) in O(n + p), no pass over X.

        With u = (w[, b], alpha): F_alpha = (margins - 1) / n and
        F_w = w / (C n) - X^T (alpha y) / n, so both the margins and X^T (alpha y)
        come from F(u) itself.
        """
        C = float(self.C)
        tol = float(self.tol)
        d = p + int(self.fit_intercept)

        def stop(info):
            u, Fu = info["u"], info["Fu"]
            w = u[:p]
            b = u[p] if self.fit_intercept else 0.0
            alpha = u[d:]
            margins = n * Fu[d:] + 1.0
            v = w / (C * n) - Fu[:p]
            primal, dual = _hinge_primal_dual(w, b, alpha, ysign, margins, v, C)
            rel = (primal - dual) / primal if primal > 0 else primal - dual
            if rel < best["rel"]:
                best["rel"] = rel
                best["u"] = u.copy()
            return rel <= tol

        return stop

    def _gap(self, X, ysign, w, b, alpha):
        n = X.shape[0]
        margins = ysign * (X @ w + b)
        v = X.T @ (alpha * ysign) / n
        primal, dual = _hinge_primal_dual(w, b, alpha, ysign, margins, v, float(self.C))
        return float(primal - dual)

    def decision_function(self, X):
        """Signed distance to the separating hyperplane(s).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self)
        return super().decision_function(X)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return super().predict(X)

    @classmethod
    def _numalg_test_instances(cls):
        return [cls(random_state=0, max_epochs=300, tol=1e-3)]
