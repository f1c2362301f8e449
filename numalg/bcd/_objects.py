"""Datafit and penalty objects of :func:`numalg.bcd.solve`.

A problem is ``min_w F(X w + b) + R(w)``: the datafit F says what is fitted
(least squares, logistic, multinomial, a graph quadratic), the penalty R how
coefficients are regularised.  The objects only hold parameters and evaluate
values, gradients and proximal operators; the solvers read them.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from .._validation import check_matrix, check_scalar

__all__ = [
    "Quadratic",
    "Logistic",
    "Multinomial",
    "GraphQuadratic",
    "NoPenalty",
    "L2",
    "L1",
    "ElasticNetPenalty",
    "NonNegative",
]


class _Datafit:
    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Quadratic(_Datafit):
    r"""Least squares datafit :math:`F(w) = \frac{1}{2}\sum_i h_i (y_i - x_i^\top w - b)^2`.

    The sample weights :math:`h_i` are the ``sample_weight`` passed to
    :func:`solve` divided by their sum (uniform ``1/n_samples`` by default), as
    in scikit-learn's :class:`~sklearn.linear_model.Lasso`.

    Examples
    --------
    >>> from numalg.bcd import Quadratic
    >>> Quadratic()
    Quadratic()
    """

    def value(self, y, z, h):
        """The datafit at predictions ``z`` (``X @ w + b``)."""
        return 0.5 * float(np.dot(h, (y - z) ** 2))


class Logistic(_Datafit):
    r"""Binary logistic loss :math:`F(w) = \sum_i h_i \log(1 + e^{-y_i (x_i^\top w + b)})`.

    Labels are -1/+1 (0/1 is accepted and mapped to -1/+1); :math:`h_i` are
    normalised sample weights as for :class:`Quadratic`.

    Examples
    --------
    >>> from numalg.bcd import Logistic
    >>> Logistic()
    Logistic()
    """

    def value(self, y, z, h):
        """The datafit at predictions ``z``."""
        return float(np.dot(h, np.logaddexp(0.0, -y * z)))


class Multinomial(_Datafit):
    r"""Multinomial logistic (softmax cross-entropy) loss.

    :math:`F(W) = -\sum_i h_i \log \operatorname{softmax}(x_i^\top W + b)_{y_i}`
    with integer labels ``y`` in ``0..K-1`` and coefficients of shape
    ``(n_features, K)``.  Blocks are classes: each block update is a proximal
    Newton step on one column of ``W``.

    Examples
    --------
    >>> from numalg.bcd import Multinomial
    >>> Multinomial()
    Multinomial()
    """

    def value(self, Y, Z, h):
        """The datafit at scores ``Z`` (n_samples, K) with one-hot ``Y``."""
        Zm = Z - Z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(Zm).sum(axis=1))
        return float(np.dot(h, lse - (Zm * Y).sum(axis=1)))


class GraphQuadratic(_Datafit):
    r"""Graph quadratic of label propagation, :math:`F(x) = \frac{1}{2} x^\top L x`.

    ``L = D - W`` is the Laplacian of the symmetric, non-negative affinity
    matrix ``W`` (n_nodes x n_nodes); the values of the ``labelled`` nodes are
    fixed to ``y`` and the others are optimised (the harmonic solution).

    Parameters
    ----------
    W : {array-like, sparse matrix} of shape (n_nodes, n_nodes)
        Symmetric affinities; the diagonal is ignored.
    labelled : array-like of bool of shape (n_nodes,) or of int
        Mask (or indices) of the nodes whose values are fixed.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.bcd import GraphQuadratic
    >>> W = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> GraphQuadratic(W, [True, False, True]).laplacian.toarray()
    array([[ 1., -1.,  0.],
           [-1.,  2., -1.],
           [ 0., -1.,  1.]])
    """

    def __init__(self, W, labelled):
        W = check_matrix(W, "W", sparse_format="csr", square=True)
        W = sp.csr_array(W)
        W = W - sp.diags_array(W.diagonal())
        W.eliminate_zeros()
        if W.nnz and (W.data < 0).any():
            raise ValueError("W must be non-negative (affinities)")
        if abs(W - W.T).sum() > 1e-10 * max(abs(W).sum(), 1.0):
            raise ValueError("W must be symmetric")
        n = W.shape[0]
        lab = np.asarray(labelled)
        if lab.dtype == bool:
            if lab.shape != (n,):
                raise ValueError(f"labelled must be a boolean mask of length {n}, got shape {lab.shape}")
            mask = lab.copy()
        else:
            if lab.ndim != 1 or (lab.size and lab.dtype.kind not in "iu"):
                raise TypeError("labelled must be a boolean mask or an array of node indices")
            if lab.size and (lab.min() < 0 or lab.max() >= n):
                raise ValueError(f"labelled indices must be in [0, {n})")
            mask = np.zeros(n, dtype=bool)
            mask[lab.astype(np.intp)] = True
        self.W = W
        self.labelled = mask
        deg = np.asarray(W.sum(axis=1)).ravel()
        L = sp.csr_array(sp.diags_array(deg) - W)
        L.sum_duplicates()
        L.sort_indices()
        self.laplacian = L

    def value(self, x):
        """``1/2 x^T L x`` (summed over columns for a 2-D ``x``)."""
        return 0.5 * float(np.sum(x * (self.laplacian @ x)))

    def __repr__(self) -> str:
        return f"GraphQuadratic(n_nodes={self.W.shape[0]}, n_labelled={int(self.labelled.sum())})"


def _check_alpha(alpha, name="alpha"):
    return check_scalar(alpha, name, min_val=0.0)


class _Penalty:
    l1 = 0.0
    l2 = 0.0
    nonneg = False

    def value(self, w):
        """The penalty at ``w``."""
        w = np.asarray(w)
        v = self.l1 * float(np.abs(w).sum()) + 0.5 * self.l2 * float(np.sum(w * w))
        if self.nonneg and (w < 0).any():
            return np.inf
        return v

    def prox(self, v, step):
        """``argmin_x 1/(2 step) ||x - v||^2 + R(x)``."""
        v = np.asarray(v, dtype=np.float64)
        x = np.sign(v) * np.maximum(np.abs(v) - step * self.l1, 0.0) / (1.0 + step * self.l2)
        if self.nonneg:
            x = np.maximum(x, 0.0)
        return x

    def subdiff_distance(self, w, grad):
        """Distance of ``-grad`` to the subdifferential of R at ``w`` (per coordinate)."""
        w = np.asarray(w, dtype=np.float64)
        s = np.asarray(grad, dtype=np.float64) + self.l2 * w
        out = np.where(w > 0, np.abs(s + self.l1), np.abs(s - self.l1))
        zero = np.maximum((-s - self.l1) if self.nonneg else (np.abs(s) - self.l1), 0.0)
        return np.where(w == 0, zero, out)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def _params(self):
        return {}


class NoPenalty(_Penalty):
    """No regularisation.

    Examples
    --------
    >>> from numalg.bcd import NoPenalty
    >>> NoPenalty().value([1.0, -2.0])
    0.0
    """


class L2(_Penalty):
    r"""Ridge penalty :math:`\frac{\alpha}{2}\|w\|_2^2`.

    Examples
    --------
    >>> from numalg.bcd import L2
    >>> L2(2.0).value([1.0, -2.0])
    5.0
    """

    def __init__(self, alpha=1.0):
        self.alpha = _check_alpha(alpha)
        self.l2 = self.alpha

    def _params(self):
        return {"alpha": self.alpha}


class L1(_Penalty):
    r"""Lasso penalty :math:`\alpha \|w\|_1` (with ``positive=True``, also :math:`w \ge 0`).

    Examples
    --------
    >>> from numalg.bcd import L1
    >>> L1(0.5).value([1.0, -2.0])
    1.5
    """

    def __init__(self, alpha=1.0, *, positive=False):
        self.alpha = _check_alpha(alpha)
        self.positive = bool(positive)
        self.l1 = self.alpha
        self.nonneg = self.positive

    def _params(self):
        return {"alpha": self.alpha, "positive": self.positive}


class ElasticNetPenalty(_Penalty):
    r"""Elastic net :math:`\alpha\rho\|w\|_1 + \frac{\alpha(1-\rho)}{2}\|w\|_2^2`, :math:`\rho` = ``l1_ratio``.

    Examples
    --------
    >>> from numalg.bcd import ElasticNetPenalty
    >>> ElasticNetPenalty(1.0, 0.5).value([1.0, -2.0])
    2.75
    """

    def __init__(self, alpha=1.0, l1_ratio=0.5, *, positive=False):
        self.alpha = _check_alpha(alpha)
        self.l1_ratio = check_scalar(l1_ratio, "l1_ratio", min_val=0.0, max_val=1.0)
        self.positive = bool(positive)
        self.l1 = self.alpha * self.l1_ratio
        self.l2 = self.alpha * (1.0 - self.l1_ratio)
        self.nonneg = self.positive

    def _params(self):
        return {"alpha": self.alpha, "l1_ratio": self.l1_ratio, "positive": self.positive}


class NonNegative(_Penalty):
    """Non-negativity bounds :math:`w \\ge 0` (the indicator of the orthant).

    Examples
    --------
    >>> from numalg.bcd import NonNegative
    >>> NonNegative().prox([1.0, -2.0], 1.0)
    array([1., 0.])
    """

    nonneg = True


def _is_real(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool)
