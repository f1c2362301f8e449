"""SparseWalshHadamard: SPRIGHT as a scikit-learn-style estimator."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.metrics import r2_score
from sklearn.utils import metadata_routing
from sklearn.utils.validation import check_is_fitted

from .._validation import check_array
from ._spright import sparse_wht, walsh_expansion

__all__ = ["SparseWalshHadamard"]


class SparseWalshHadamard(BaseEstimator):
    """Learn a sparse pseudo-Boolean function from queries, by SPRIGHT.

    ``fit(signal)`` recovers the K-sparse Walsh-Hadamard spectrum of a
    function ``f : {0, 1}^n_bits -> R`` given by query access (see
    :func:`sparse_wht`); ``predict`` evaluates the recovered sparse Walsh
    expansion ``f(x) = sum_k coef_k (-1)^<x, k>`` at rows of a 0/1 matrix
    or at integer indices.

    Parameters
    ----------
    n_bits : int
        Number of Boolean variables, in ``[1, 62]``.
    sparsity : int
        The number K of nonzero Walsh coefficients expected.
    noise_sd : float, default=None
        Noise standard deviation of a query; ``None`` estimates it.
    n_groups : int, default=3
        Subsampling groups.
    bins : int or "auto", default="auto"
        Bins per group (a power of two).
    n_delays : int or "auto", default="auto"
        Delays per group.
    method : {"nso", "ml", "noiseless"}, default="nso"
        Single-ton search (see :func:`sparse_wht`).
    extra_groups : int, default=2
        Extra groups queried when peeling stalls.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the random subsampling design.

    Attributes
    ----------
    support_ : ndarray of uint64 of shape (n_terms,)
        The recovered indices ``k`` (bit ``j`` is variable ``j``), sorted.
    coef_ : ndarray of float64 of shape (n_terms,)
        The recovered coefficients, aligned with ``support_``.
    intercept_ : float
        The coefficient of ``k = 0`` (the mean of the function), also
        included in ``coef_`` when it is nonzero.
    n_samples_ : int
        Queries made by ``fit``.
    n_iter_ : int
        Peeling rounds.
    converged_ : bool
        Whether every bin was resolved.
    noise_sd_ : float
        The noise level used (given or estimated).
    result_ : SparseWHTResult
        The full result of :func:`sparse_wht`.

    See Also
    --------
    sparse_wht : The function this estimator wraps.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.hadamard import SparseWalshHadamard
    >>> def f(m):  # 3 x0 - 2 x0 x5 (as +-1 variables) on 16 bits
    ...     s = lambda j: 1.0 - 2.0 * ((m >> np.uint64(j)) & np.uint64(1))
    ...     return 3.0 * s(0) - 2.0 * s(0) * s(5)
    >>> est = SparseWalshHadamard(16, 2, method="noiseless", random_state=0).fit(f)
    >>> est.support_, est.coef_
    (array([ 1, 33], dtype=uint64), array([ 3., -2.]))
    >>> est.predict(np.array([[1] + [0] * 15]))
    array([-1.])
    """

    # ``fit`` takes a callable, not data to route: no set_fit_request etc.
    __metadata_request__fit = {"signal": metadata_routing.UNUSED}
    __metadata_request__score = {"sample_weight": metadata_routing.UNUSED}

    def __init__(
        self,
        n_bits,
        sparsity,
        *,
        noise_sd=None,
        n_groups=3,
        bins="auto",
        n_delays="auto",
        method="nso",
        extra_groups=2,
        random_state=None,
    ):
        self.n_bits = n_bits
        self.sparsity = sparsity
        self.noise_sd = noise_sd
        self.n_groups = n_groups
        self.bins = bins
        self.n_delays = n_delays
        self.method = method
        self.extra_groups = extra_groups
        self.random_state = random_state

    def fit(self, signal, y=None):
        """Recover the sparse spectrum of ``signal`` from queries.

        Parameters
        ----------
        signal : callable or array-like of shape (2**n_bits,)
            ``signal(indices: ndarray[uint64]) -> ndarray[float64]``.
        y : None
            Ignored.

        Returns
        -------
        self : SparseWalshHadamard
            The fitted estimator.
        """
        res = sparse_wht(
            signal,
            self.n_bits,
            self.sparsity,
            noise_sd=self.noise_sd,
            n_groups=self.n_groups,
            bins=self.bins,
            n_delays=self.n_delays,
            method=self.method,
            extra_groups=self.extra_groups,
            random_state=self.random_state,
        )
        self.support_ = res.indices
        self.coef_ = res.values
        zero = np.flatnonzero(res.indices == 0)
        self.intercept_ = float(res.values[zero[0]]) if zero.size else 0.0
        self.n_samples_ = res.n_samples
        self.n_iter_ = res.n_iter
        self.converged_ = res.converged
        self.noise_sd_ = res.noise_sd
        self.result_ = res
        return self

    def _indices(self, X):
        n_bits = int(self.result_.n_bits)
        arr = np.asarray(X) if not isinstance(X, (str, bytes)) else X
        if isinstance(arr, np.ndarray) and arr.ndim == 1:
            if arr.dtype.kind not in "iu":
                raise TypeError(f"X given as 1-D must hold integer indices, got dtype {arr.dtype}")
            if arr.size and (arr.dtype.kind == "i" and arr.min() < 0):
                raise ValueError("X must hold non-negative indices")
            idx = arr.astype(np.uint64)
            if idx.size and int(idx.max()) >> n_bits:
                raise ValueError(f"X must hold indices below 2**n_bits = 2**{n_bits}")
            return idx
        arr = check_array(X, "X", ndim=2, shape=(None, n_bits), allow_empty=True)
        if arr.size and not np.isin(arr, (0.0, 1.0)).all():
            raise ValueError("X must be a 0/1 matrix (column j = bit j)")
        weights = np.uint64(1) << np.arange(n_bits, dtype=np.uint64)
        return np.bitwise_or.reduce(arr.astype(np.uint64) * weights, axis=1) if arr.shape[0] else \
            np.zeros(0, dtype=np.uint64)

    def predict(self, X):
        """Evaluate the recovered sparse Walsh expansion.

        Parameters
        ----------
        X : array-like of shape (n_points, n_bits) with 0/1 entries, or of shape (n_points,) of int
            Points of the Boolean cube (column ``j`` is bit ``j``) or their
            integer indices.

        Returns
        -------
        y : ndarray of shape (n_points,)
            The recovered function at each point.
        """
        check_is_fitted(self, "coef_")
        return walsh_expansion(self.support_, self.coef_, self._indices(X))

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination of ``predict(X)`` against ``y``.

        Parameters
        ----------
        X : array-like of shape (n_points, n_bits) or (n_points,)
            Points of the Boolean cube or integer indices, as in ``predict``.
        y : array-like of shape (n_points,)
            Observed values of the function.
        sample_weight : array-like of shape (n_points,), default=None
            Weights.

        Returns
        -------
        score : float
            The R^2 of the prediction.
        """
        return float(r2_score(y, self.predict(X), sample_weight=sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        tags.target_tags.required = False
        return tags
