"""Certified continued fractions, convergents and polynomial continued fractions."""

from __future__ import annotations

import math
import numbers
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import mpmath
import numpy as np

from .._validation import check_int
from . import _cf

__all__ = [
    "continued_fraction",
    "convergents",
    "evaluate_continued_fraction",
    "pcf_limit",
    "CONSTANTS",
]

_LOG2_10 = math.log2(10)
_MAX_DIGITS = 40000


def _bessel_ratio_interval(digits: int) -> tuple[int, int, int]:
    """I_1(2)/I_0(2) = sum 1/(k!(k+1)!) / sum 1/(k!)^2, with exact tail bounds."""
    K = 8
    while math.lgamma(K + 1) * 2 / math.log(10) < digits + 10:
        K *= 2
    # Partial sums over the common denominator K! (K+1)!.
    fK = math.factorial(K)
    D = fK * fK * (K + 1)
    s0 = s1 = 0
    fk = 1
    for k in range(K):
        if k:
            fk *= k
        s0 += D // (fk * fk)
        s1 += D // (fk * fk * (k + 1))
    # Each tail is positive and below 2/(K!)^2 = 2 (K+1) / D  (in units of 1/D).
    t = 2 * (K + 1)
    lo_n, lo_d = s1, s0 + t
    hi_n, hi_d = s1 + t, s0
    den = lo_d * hi_d
    return lo_n * hi_d, hi_n * lo_d, den


CONSTANTS = {
    "e": lambda iv: iv.e,
    "pi": lambda iv: iv.pi,
    "e^2": lambda iv: iv.exp(2),
    "e^-1": lambda iv: iv.exp(-1),
    "sqrt(e)": lambda iv: iv.exp(iv.mpf(1) / 2),
    "tan1": lambda iv: iv.tan(1),
    "pi^2": lambda iv: iv.pi ** 2,
    "1/pi": lambda iv: 1 / iv.pi,
    "sqrt2": lambda iv: iv.sqrt(2),
    "sqrt3": lambda iv: iv.sqrt(3),
    "phi": lambda iv: (1 + iv.sqrt(5)) / 2,
    "log2": lambda iv: iv.log(2),
    "log3": lambda iv: iv.log(3),
    "catalan": lambda iv: iv.catalan,
    "euler": lambda iv: iv.euler,
}
_SPECIAL = {"I1(2)/I0(2)": _bessel_ratio_interval}


def _mpf_to_rational(m) -> tuple[int, int, int]:
    """An mpf as (numerator, denominator, ulp numerator over that denominator)."""
    sign, man, exp, bc = m._mpf_ if hasattr(m, "_mpf_") else m
    if man == 0 and exp == 0 and bc == 0 and sign == 0:
        return 0, 1, 0
    if sign:
        man = -man
    if exp >= 0:
        return man << exp, 1, 1 << exp
    return man, 1 << (-exp), 1


def _ulp_interval(mpf_tuple, prec: int) -> tuple[int, int, int]:
    """[x - ulp, x + ulp] for a binary number of ``prec`` bits (mpmath strips
    trailing zero bits of the mantissa, so the ulp comes from the precision)."""
    sign, man, exp, bc = mpf_tuple
    if man == 0:
        # zero: no scale information; one ulp of 1.0 at this precision
        return -1, 1, 1 << prec
    e_ulp = exp + bc - prec  # exponent of the last bit of a prec-bit mantissa
    e_ulp = min(e_ulp, exp)
    if sign:
        man = -man
    shift = exp - e_ulp  # >= 0
    n = man << shift
    if e_ulp >= 0:
        return (n - 1) << e_ulp, (n + 1) << e_ulp, 1
    return n - 1, n + 1, 1 << (-e_ulp)


def _interval_from_ivmpf(v) -> tuple[int, int, int]:
    a, b = v._mpi_
    if a[1] == 0 and a[2] != 0 or b[1] == 0 and b[2] != 0:  # inf / nan endpoints
        raise ValueError("the constant's interval is unbounded")
    an, ad, _ = _mpf_to_rational(a)
    bn, bd, _ = _mpf_to_rational(b)
    den = max(ad, bd)  # both powers of two
    return an * (den // ad), bn * (den // bd), den


def _named_interval(name: str, digits: int) -> tuple[int, int, int]:
    if name in _SPECIAL:
        return _SPECIAL[name](digits)
    iv = mpmath.iv
    old = iv.prec
    try:
        iv.prec = int(digits * _LOG2_10) + 24
        v = CONSTANTS[name](iv) + 0  # force evaluation at this precision
        return _interval_from_ivmpf(v)
    finally:
        iv.prec = old


def _callable_interval(f, digits: int) -> tuple[int, int, int]:
    with mpmath.workdps(digits + 10):
        v = f(digits)
        if not isinstance(v, mpmath.mpf):
            try:
                v = mpmath.mpf(v)
            except (TypeError, ValueError):
                raise TypeError(
                    f"x (a callable) must return an mpmath.mpf, got {type(v).__name__}"
                ) from None
    n, d, _ = _mpf_to_rational(v)
    scale = 10 ** digits
    # [v - 10^-digits, v + 10^-digits] over the common denominator d * 10^digits.
    return n * scale - d, n * scale + d, d * scale


def _decimal_interval(text: str) -> tuple[int, int, int]:
    try:
        dec = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(
            f"x must be a decimal string or one of the named constants "
            f"{sorted(CONSTANTS) + sorted(_SPECIAL)}, got {text!r}"
        ) from None
    if not dec.is_finite():
        raise ValueError(f"x must be finite, got {text!r}")
    sign, digits_t, exp = dec.as_tuple()
    n = int("".join(map(str, digits_t)) or "0")
    if sign:
        n = -n
    # The last written digit is uncertain by one unit either way (rounded or
    # truncated input): the interval [x - 10^exp, x + 10^exp].
    if exp >= 0:
        return (n - 1) * 10 ** exp, (n + 1) * 10 ** exp, 1
    den = 10 ** (-exp)
    return n - 1, n + 1, den


class _Source:
    """Where the value of x comes from, and whether its precision can be raised."""

    def __init__(self, x, name="x"):
        self.exact = None
        self.fixed = None
        self.fn = None
        self.label = name
        if isinstance(x, bool):
            raise TypeError(f"{name} must be a number, a decimal string or a callable, got bool")
        if isinstance(x, (numbers.Integral, np.integer)):
            self.exact = Fraction(int(x))
        elif isinstance(x, Fraction):
            self.exact = x
        elif isinstance(x, str):
            key = x.strip()
            if key in CONSTANTS or key in _SPECIAL:
                self.fn = lambda d, key=key: _named_interval(key, d)
                self.label = f"the constant {key!r}"
            else:
                self.fixed = _decimal_interval(key)
                self.label = f"x={x!r}"
        elif isinstance(x, mpmath.mpf):
            if not mpmath.isfinite(x):
                raise ValueError(f"{name} must be finite, got {x}")
            self.fixed = _ulp_interval(x._mpf_, mpmath.mp.prec)
            self.label = f"x (an mpf at {mpmath.mp.prec}-bit working precision)"
        elif isinstance(x, (float, np.floating)):
            if not math.isfinite(x):
                raise ValueError(f"{name} must be finite, got {x}")
            self.fixed = _ulp_interval(mpmath.mpf(float(x))._mpf_, 53)
            self.label = "x (a float, 53 bits)"
        elif isinstance(x, mpmath.ctx_iv.ivmpf if hasattr(mpmath, "ctx_iv") else ()):
            self.fixed = _interval_from_ivmpf(x)
        elif callable(x):
            self.fn = lambda d, f=x: _callable_interval(f, d)
            self.label = "x (a callable)"
        else:
            raise TypeError(
                f"{name} must be an int, a Fraction, a decimal string, a named constant, "
                f"an mpmath.mpf or a callable digits -> mpf, got {type(x).__name__}"
            )

    def interval(self, digits):
        if self.exact is not None:
            f = self.exact
            return f.numerator, f.numerator, f.denominator
        if self.fixed is not None:
            return self.fixed
        return self.fn(digits)


def _check_signs(signs) -> tuple:
    if signs is None:
        return ()
    if isinstance(signs, (str, bytes)):
        raise TypeError("signs must be a sequence of +1/-1, got a string")
    try:
        s = tuple(signs)
    except TypeError:
        raise TypeError(f"signs must be a sequence of +1/-1, got {type(signs).__name__}") from None
    if not s:
        raise ValueError("signs must not be empty (use None for the simple continued fraction)")
    out = []
    for v in s:
        if isinstance(v, bool) or not isinstance(v, (numbers.Integral, np.integer)) or int(v) not in (1, -1):
            raise ValueError(f"signs must contain only +1 and -1, got {v!r}")
        out.append(int(v))
    return tuple(out)


def _certified_terms(source: _Source, n_terms: int, signs: tuple, digits: int | None):
    """(terms, complete, digits used) for the shared expansion of the interval."""
    d = digits if digits is not None else max(30, int(1.3 * n_terms) + 20)
    while True:
        lo, hi, den = source.interval(d)
        if lo > hi:
            lo, hi = hi, lo
        terms, status = _cf.cf_interval(lo, den, hi, den, signs, n_terms)
        if status != 2:
            return terms, status == 1, d
        if source.fn is None:
            k = len(terms)
            have = _digits_of(lo, hi, den)
            need = int(have * n_terms / max(k, 1) * 1.2) + 10
            raise ValueError(
                f"{source.label} determines only {k} certified term(s) of the continued fraction "
                f"(its uncertainty allows ~{have} digits); n_terms={n_terms} needs about "
                f"{need} correct digits"
            )
        if d >= _MAX_DIGITS:
            raise ValueError(
                f"{source.label}: only {len(terms)} of n_terms={n_terms} terms could be certified "
                f"with {d} digits (is the value rational?)"
            )
        k = max(len(terms), 1)
        d = min(_MAX_DIGITS, max(2 * d, int(d * n_terms / k * 1.2) + 10))


def _digits_of(lo, hi, den) -> int:
    width = hi - lo
    if width <= 0:
        return 10 ** 9
    return max(0, int(math.log10(den) - math.log10(width)))


def continued_fraction(x, n_terms, *, signs=None, digits=None) -> list[int]:
    """Certified terms of the simple or signed continued fraction of ``x``.

    ``x = a_0 + b_0/(a_1 + b_1/(a_2 + ...))`` with ``b_k = +1`` (the simple
    continued fraction) or ``b_k = signs[k % len(signs)]``.  The term
    ``a_k`` is ``floor`` of the remainder when ``b_k = +1`` and ``ceil`` when
    ``b_k = -1``; every remainder after the first exceeds 1, so only ``a_0``
    can be zero.

    Every returned term is *certified*: ``x`` is turned into an interval
    ``[x - delta, x + delta]`` that surely contains the number meant, and
    only the terms shared by the expansions of both ends are returned (then
    every number of the interval has them).  Where the precision can be
    raised (callables, named constants) it is, until ``n_terms`` terms are
    certified.

    Parameters
    ----------
    x : int, Fraction, str, mpmath.mpf, float or callable
        The number.  ``int`` and :class:`fractions.Fraction` are exact (a
        rational has a finite expansion, which is returned whole when it is
        shorter than ``n_terms``).  A decimal string stands for the interval
        of one unit of its last digit either way (``"3.14"`` is
        ``[3.13, 3.15]``).  A string naming a constant of ``CONSTANTS``
        (``"e"``, ``"pi"``, ``"e^2"``, ``"tan1"``, ...) is evaluated with
        interval arithmetic (``mpmath.iv``).  An ``mpmath.mpf`` is taken as
        exact to one unit in the last place of the current working precision
        (``mpmath.mp.prec`` bits; 53 bits for a float).  A callable
        ``digits -> mpmath.mpf`` must return a value within ``10**-digits``
        of the number (it is called inside ``mpmath.workdps(digits + 10)``).
    n_terms : int
        Number of terms wanted (>= 1).
    signs : sequence of {+1, -1}, default=None
        Periodic numerator pattern ``b_0, b_1, ...``; None for the simple
        continued fraction.
    digits : int, default=None
        Starting precision (decimal digits) for callables and named
        constants; None picks one from ``n_terms``.  Ignored for exact input.

    Returns
    -------
    list of int
        ``a_0, ..., a_{n-1}``.

    Raises
    ------
    ValueError
        If ``n_terms < 1``, if a fixed-precision ``x`` (decimal string, mpf,
        float) determines fewer than ``n_terms`` terms (the message says how
        many digits are needed), or if a signed expansion has a zero term.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from numalg.sequences import continued_fraction
    >>> continued_fraction(Fraction(415, 93), 10)
    [4, 2, 6, 7]
    >>> continued_fraction("e", 10)
    [2, 1, 2, 1, 1, 4, 1, 1, 6, 1]
    >>> continued_fraction("e", 6, signs=[1, -1])
    [2, 2, 1, 2, 2, 5]
    >>> continued_fraction("3.1415926", 4)
    [3, 7, 15, 1]
    """
    n_terms = check_int(n_terms, "n_terms", min_val=1)
    signs = _check_signs(signs)
    if digits is not None:
        digits = check_int(digits, "digits", min_val=1)
    source = _Source(x)
    terms, _, _ = _certified_terms(source, n_terms, signs, digits)
    if signs and 0 in terms:
        raise ValueError(
            f"the signed continued fraction of x with signs={list(signs)} has a zero term "
            f"(a_0 = 0): x lies in [0, 1) with b_0 = +1 or in (-1, 0] with b_0 = -1"
        )
    return [int(t) for t in terms]


def _check_terms(a, name="a"):
    if isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of integers")
    try:
        vals = list(a)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of integers, got {type(a).__name__}") from None
    out = []
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, (numbers.Rational, np.integer)):
            raise TypeError(f"{name} must contain integers (or Fractions), got {type(v).__name__} {v!r}")
        out.append(int(v) if isinstance(v, (numbers.Integral, np.integer)) else Fraction(v))
    return out


def _check_ab(a, b):
    a = _check_terms(a, "a")
    if not a:
        raise ValueError("a must not be empty")
    if b is None:
        b = [1] * (len(a) - 1)
    else:
        b = _check_terms(b, "b")
        if len(b) < len(a) - 1:
            raise ValueError(f"b must have at least len(a) - 1 = {len(a) - 1} entries, got {len(b)}")
    return a, b


def convergents(a, b=None) -> list[Fraction]:
    """The convergents of ``a_0 + b_0/(a_1 + b_1/(a_2 + ...))``.

    Parameters
    ----------
    a : sequence of int
        Partial denominators ``a_0, ..., a_{n-1}``.
    b : sequence of int, default=None
        Partial numerators ``b_0, ..., b_{n-2}`` (at least ``len(a) - 1``
        entries); None for the simple continued fraction (all ones).  This is
        the convention of :func:`continued_fraction` and ESMA's signed
        fractions (the first numerator is ``b_0``).

    Returns
    -------
    list of Fraction
        ``p_k / q_k`` for ``k = 0, ..., n-1``.

    Examples
    --------
    >>> from numalg.sequences import convergents
    >>> [str(c) for c in convergents([3, 7, 15, 1])]
    ['3', '22/7', '333/106', '355/113']
    """
    a, b = _check_ab(a, b)
    P, Q = _cf.convergent_list(a, b)
    out = []
    for k, (p, q) in enumerate(zip(P, Q)):
        if q == 0:
            raise ValueError(f"convergent {k} has a zero denominator")
        out.append(Fraction(p, q))
    return out


def evaluate_continued_fraction(a, b=None) -> Fraction:
    """Exact value of the finite continued fraction ``a_0 + b_0/(a_1 + ...)``.

    Parameters
    ----------
    a : sequence of int
        Partial denominators.
    b : sequence of int, default=None
        Partial numerators ``b_0, b_1, ...`` (None: all ones).

    Returns
    -------
    Fraction

    Examples
    --------
    >>> from numalg.sequences import evaluate_continued_fraction
    >>> evaluate_continued_fraction([4, 2, 6, 7])
    Fraction(415, 93)
    >>> evaluate_continued_fraction([2, 2], [-1])
    Fraction(3, 2)
    """
    a, b = _check_ab(a, b)
    p, q = _cf.convergent_pq(a, b)
    if q == 0:
        raise ValueError("the continued fraction has a zero denominator")
    return Fraction(p, q)


def _poly_values(coeffs, n0, n1):
    return [sum(c * n ** i for i, c in enumerate(coeffs)) for n in range(n0, n1)]


def _log10_abs_frac(num: int, den: int) -> float:
    if num == 0:
        return -math.inf
    return math.log10(abs(num)) - math.log10(abs(den))


def pcf_limit(a_poly, b_poly, depth, digits):
    """Value and convergence rate of a polynomial continued fraction.

    ``a(0) + b(1)/(a(1) + b(2)/(a(2) + ...))`` with ``a(n) = sum_i
    a_poly[i] n^i`` and ``b(n) = sum_i b_poly[i] n^i`` (the convention of
    ramanujantools' ``PCF``; note it starts the numerators at ``b(1)``, where
    the signed fractions of :func:`continued_fraction` start at ``b_0``).

    Parameters
    ----------
    a_poly, b_poly : sequence of int
        Integer coefficients in increasing degree.
    depth : int
        Number of terms (the value is the ``depth``-th convergent).
    digits : int
        Decimal digits of the returned value.

    Returns
    -------
    value : mpmath.mpf
        The ``depth``-th convergent, rounded to ``digits`` digits.
    convergence_rate : float
        Digits gained per term: the least-squares slope of
        ``-log10 |p_n/q_n - p_depth/q_depth|`` over the middle half of the
        convergents (nan when the fraction terminates or is too short).

    Examples
    --------
    >>> from numalg.sequences import pcf_limit
    >>> import mpmath
    >>> value, rate = pcf_limit([1, 2], [0, 0, 1], 200, 30)  # 4/pi
    >>> print(mpmath.nstr(value, 25), mpmath.nstr(4 / mpmath.pi, 15))
    1.27323954473516268615107 1.27323954473516
    """
    a_poly = _check_terms(a_poly, "a_poly")
    b_poly = _check_terms(b_poly, "b_poly")
    if not a_poly or not b_poly:
        raise ValueError("a_poly and b_poly must not be empty")
    depth = check_int(depth, "depth", min_val=2)
    digits = check_int(digits, "digits", min_val=1)
    a = _poly_values(a_poly, 0, depth + 1)
    b = _poly_values(b_poly, 1, depth + 1)  # b(1), ..., b(depth)
    P, Q = _cf.convergent_list(a, b)
    pD, qD = P[-1], Q[-1]
    if qD == 0:
        raise ValueError("the polynomial continued fraction has a zero denominator at the requested depth")
    with mpmath.workdps(digits):
        value = mpmath.mpf(pD) / qD
    lo, hi = max(1, depth // 4), max(2, (3 * depth) // 4)
    xs, ys = [], []
    for n in range(lo, hi):
        if Q[n] == 0:
            continue
        e = _log10_abs_frac(P[n] * qD - pD * Q[n], Q[n] * qD)
        if e == -math.inf:
            continue
        xs.append(n)
        ys.append(-e)
    rate = float(np.polyfit(xs, ys, 1)[0]) if len(xs) >= 2 else float("nan")
    return value, rate
