"""Estimator-style wrapper over :func:`berlekamp_massey`."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import metadata_routing
from sklearn.utils.validation import check_is_fitted

from .._validation import check_int
from ._berlekamp import _check_modulus, berlekamp_massey

__all__ = ["LinearRecurrence"]


class LinearRecurrence(BaseEstimator):
    """Learn the shortest linear recurrence of a sequence and extend it exactly.

    A thin estimator-style wrapper over :func:`berlekamp_massey`, with
    scikit-learn's conventions (keyword parameters stored unchanged, ``fit``
    returns ``self``, learned attributes end in ``_``, ``clone`` and pickling
    work).  Its input is one 1-D sequence, not a 2-D ``X``, so ``fit`` takes
    ``seq``; it is therefore not listed by ``numalg.all_estimators()`` and does
    not claim scikit-learn's 2-D estimator checks.

    Parameters
    ----------
    modulus : int, default=None
        A prime below ``2**63`` to work over GF(p); None for the exact
        rational recurrence.
    allow_prefix : bool, default=True
        Describe the sequence as a transient prefix followed by the shortest
        recurrence that then holds (``order_`` is that recurrence's order).
        With False, the recurrence must hold from the start: ``order_`` is the
        linear complexity and ``coef_`` may end in zeros.

    Attributes
    ----------
    coef_ : ndarray of object
        Connection polynomial ``c_0 = 1, ..., c_order`` (Python ints mod p, or
        :class:`fractions.Fraction`).
    order_ : int
        Order of the recurrence.
    prefix_length_ : int
        Length of the shortest transient prefix after which the recurrence
        holds (0 when ``allow_prefix=False``).
    recurrence_ : Recurrence
        The full result of :func:`berlekamp_massey`.
    n_terms_seen_ : int
        Length of the fitted sequence.

    See Also
    --------
    berlekamp_massey : The function this class wraps.

    Examples
    --------
    >>> from numalg.sequences import LinearRecurrence
    >>> model = LinearRecurrence().fit([5, 1, 1, 2, 3, 5, 8, 13, 21])
    >>> model.order_, model.prefix_length_
    (2, 1)
    >>> model.predict(3)
    [34, 55, 89]
    """

    # ``seq`` and ``n_terms`` play the role of X: not routed metadata (no set_*_request).
    __metadata_request__fit = {"seq": metadata_routing.UNUSED}
    __metadata_request__predict = {"n_terms": metadata_routing.UNUSED}

    def __init__(self, *, modulus=None, allow_prefix=True):
        self.modulus = modulus
        self.allow_prefix = allow_prefix

    def fit(self, seq, y=None):
        """Find the recurrence of ``seq``.

        Parameters
        ----------
        seq : sequence of int or Fraction
            The terms.
        y : None
            Ignored.

        Returns
        -------
        self : LinearRecurrence
        """
        if self.modulus is not None:
            _check_modulus(self.modulus)
        if not isinstance(self.allow_prefix, (bool, np.bool_)):
            raise TypeError(f"allow_prefix must be a bool, got {type(self.allow_prefix).__name__}")
        rec = berlekamp_massey(seq, modulus=self.modulus)
        values = list(seq.tolist() if isinstance(seq, np.ndarray) else seq)
        if self.allow_prefix:
            order = rec.degree
            coef = rec.coefficients[: order + 1]
            prefix = rec.order - rec.degree
        else:
            order = rec.order
            coef = rec.coefficients
            prefix = 0
        self.recurrence_ = rec
        self.coef_ = np.array(list(coef), dtype=object)
        self.order_ = int(order)
        self.prefix_length_ = int(prefix)
        self.n_terms_seen_ = len(values)
        self._tail = [self._normalise(v) for v in values[len(values) - order:]] if order else []
        return self

    def _normalise(self, v):
        if self.modulus is not None:
            return int(v) % int(self.modulus)
        f = Fraction(v) if not isinstance(v, (int, np.integer)) else int(v)
        return int(f) if isinstance(f, Fraction) and f.denominator == 1 else f

    def predict(self, n_terms):
        """The next ``n_terms`` terms after the fitted sequence, exactly.

        Parameters
        ----------
        n_terms : int
            How many terms (>= 0).

        Returns
        -------
        list
            Python ints (mod p with a modulus) or Fractions.
        """
        check_is_fitted(self, "coef_")
        n_terms = check_int(n_terms, "n_terms", min_val=0)
        c = list(self.coef_)
        L = self.order_
        s = list(self._tail)
        p = None if self.modulus is None else int(self.modulus)
        out = []
        for _ in range(n_terms):
            v = -sum(c[i] * s[-i] for i in range(1, L + 1)) if L else 0
            if p is not None:
                v %= p
            elif isinstance(v, Fraction) and v.denominator == 1:
                v = int(v)
            s.append(v)
            out.append(v)
        return out
