"""MatrixCompletion: a scikit-learn transformer (imputer) over complete_matrix."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.metadata_routing import UNUSED
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_int
from ._solvers import _compressed, _fold_in, complete_matrix

__all__ = ["MatrixCompletion"]


def _observed(X):
    """(rows, cols, values) of the observed entries of a validated X."""
    if sp.issparse(X):
        coo = sp.coo_array(X)
        coo.sum_duplicates()
        keep = ~np.isnan(coo.data)
        return (
            coo.row[keep].astype(np.int64),
            coo.col[keep].astype(np.int64),
            np.asarray(coo.data[keep], dtype=np.float64),
        )
    mask = ~np.isnan(X)
    rows, cols = np.nonzero(mask)
    return rows.astype(np.int64), cols.astype(np.int64), np.asarray(X[mask], dtype=np.float64)


class MatrixCompletion(TransformerMixin, BaseEstimator):
    """Low-rank matrix completion as a scikit-learn transformer (an imputer).

    Fits ``X ~ U_ @ V_.T`` of rank ``rank`` to the observed entries of ``X``
    by alternating minimization (:func:`complete_matrix`), then fills the
    missing entries.  Each row given to :meth:`transform` is folded in by
    solving its own least squares against ``V_`` over its observed entries
    (as ALS does), which reproduces ``U_`` for the training rows.

    Parameters
    ----------
    rank : int, default=10
        Target rank.  When ``X`` has fewer rows or columns than ``rank``,
        ``min(rank, min(X.shape))`` is used and a warning is issued.
    reg : float, default=0.0
        Ridge penalty on the factors' rows (use a positive value for noisy
        data).
    solver : {"auto", "exact", "sketch"}, default="auto"
        Per-row least-squares solver of :func:`complete_matrix`;
        :meth:`transform` always folds rows in exactly.
    max_iter : int, default=100
        Maximum number of alternating sweeps.
    tol : float, default=1e-9
        Stopping tolerance on the relative change of the observed RMSE.
    n_jobs : int or None, default=None
        joblib workers for the per-row solves (see :func:`complete_matrix`).
    random_state : int, RandomState, Generator or None, default=None
        Seeds the initial SVD and the sketches.

    Attributes
    ----------
    U_ : ndarray of shape (n_samples, k)
        Row factor of the training matrix (``k`` is ``rank_``).
    V_ : ndarray of shape (n_features, k)
        Column factor.
    rank_ : int
        The rank used.
    n_iter_ : int
        Sweeps performed.
    rmse_ : float
        RMSE over the observed training entries.
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.

    See Also
    --------
    complete_matrix : The function, on (rows, cols, values) triplets.
    sklearn.impute.IterativeImputer : A feature-wise iterative imputer.

    Notes
    -----
    A dense ``X`` marks missing entries with NaN.  For a SciPy sparse ``X``
    the *stored* entries are the observations, explicit zeros included, and
    the entries that are not stored are missing (a stored NaN is missing as
    well).  ``transform`` returns a dense array; for matrices too large to
    densify use :meth:`predict` with ``(rows, cols)`` or
    :func:`complete_matrix` directly.  A row of :meth:`transform`'s input
    with no observed entry is filled with zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.completion import MatrixCompletion
    >>> rng = np.random.default_rng(0)
    >>> M = rng.standard_normal((40, 2)) @ rng.standard_normal((2, 30))
    >>> X = np.where(rng.random(M.shape) < 0.5, M, np.nan)
    >>> est = MatrixCompletion(rank=2, random_state=0).fit(X)
    >>> X_filled = est.transform(X)
    >>> bool(np.allclose(X_filled, M, atol=1e-6))
    True
    >>> est.predict([0, 1], [5, 6]).round(6).tolist() == M[[0, 1], [5, 6]].round(6).tolist()
    True
    """

    # predict(rows, cols) is an entry lookup: its arguments are not routed metadata.
    __metadata_request__predict = {"rows": UNUSED, "cols": UNUSED}

    def __init__(
        self,
        *,
        rank=10,
        reg=0.0,
        solver="auto",
        max_iter=100,
        tol=1e-9,
        n_jobs=None,
        random_state=None,
    ):
        self.rank = rank
        self.reg = reg
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _validate(self, X, reset):
        return validate_data(
            self,
            X,
            reset=reset,
            accept_sparse=("csr", "csc", "coo"),
            ensure_all_finite="allow-nan",
            dtype=np.float64,
        )

    def fit(self, X, y=None):
        """Fit the low-rank factors to the observed entries of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense with NaN for missing entries, or sparse with the stored
            entries as the observations.
        y : None
            Ignored.

        Returns
        -------
        self : MatrixCompletion
            The fitted estimator.
        """
        rank = check_int(self.rank, "rank", min_val=1)
        X = self._validate(X, reset=True)
        rows, cols, vals = _observed(X)
        if rows.shape[0] == 0:
            raise ValueError("X has no observed entry (it is all NaN, or sparse with nothing stored)")
        k = min(rank, min(X.shape))
        if k < rank:
            warnings.warn(
                f"rank={rank} exceeds min(X.shape)={min(X.shape)}; using rank {k}",
                UserWarning,
                stacklevel=2,
            )
        res = complete_matrix(
            rows, cols, vals, X.shape, k,
            reg=self.reg, solver=self.solver, max_iter=self.max_iter, tol=self.tol,
            random_state=self.random_state, n_jobs=self.n_jobs,
        )
        self.U_ = res.U
        self.V_ = res.V
        self.rank_ = k
        self.n_iter_ = res.n_iter
        self.rmse_ = res.rmse
        return self

    def transform(self, X):
        """Fill the missing entries of X from the fitted column factor.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to complete (the training rows or new ones).

        Returns
        -------
        X_filled : ndarray of shape (n_samples, n_features)
            ``X`` as a dense array, its observed entries unchanged and its
            missing ones replaced by the low-rank estimate.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        m, n = X.shape
        rows, cols, vals = _observed(X)
        indptr, indices, data, _, _ = _compressed(rows, cols, vals, m, n)
        U = _fold_in(indptr, indices, data, self.V_, self.reg)
        out = U @ self.V_.T
        out[rows, cols] = vals
        return out

    def predict(self, rows, cols=None):
        """Estimated entries of the training matrix, without densifying it.

        Parameters
        ----------
        rows : array-like of int of shape (n,)
            Row indices into the training matrix.  (Called with a single 2-D
            ``X``, as scikit-learn's generic code does, it is
            :meth:`transform`.)
        cols : array-like of int of shape (n,)
            Column indices.

        Returns
        -------
        values : ndarray of shape (n,)
            ``(U_ @ V_.T)[rows, cols]``.
        """
        check_is_fitted(self)
        if cols is None:
            return self.transform(rows)
        from ._solvers import CompletionResult

        res = CompletionResult(
            U=self.U_, V=self.V_, rmse=self.rmse_, solver="", n_iter=self.n_iter_, converged=True
        )
        return res.predict(rows, cols)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = True
        return tags

    def _numalg_expected_failed_checks(self):
        reason = (
            "predict(rows, cols) looks entries up; called with a single X it is transform(X), "
            "2-D, and this check expects one prediction per row. Sparse fit/transform are "
            "tested in tests/test_completion.py"
        )
        return {"check_estimator_sparse_array": reason, "check_estimator_sparse_matrix": reason}

    @classmethod
    def _numalg_test_instances(cls):
        return [cls(rank=3, max_iter=30, random_state=0), cls(rank=2, reg=0.1, max_iter=30)]

