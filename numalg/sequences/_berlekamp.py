"""Berlekamp-Massey over GF(p) (compiled) and over the rationals (multi-modular)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm, isqrt

import numpy as np

from .._results import Result
from .._validation import check_int
from . import _bm

__all__ = ["Recurrence", "berlekamp_massey", "is_prime"]

_MAX_MODULUS = 1 << 63


def _primes_below(bound: int, count: int) -> list[int]:
    out, n = [], bound - 1
    while len(out) < count:
        if _bm.is_prime(n):
            out.append(n)
        n -= 2 if n % 2 else 1
    return out


# Primes just below 2^62 for the multi-modular path (reduction and CRT stay
# cheap, products fit the kernel's 128-bit arithmetic).
_CRT_PRIMES = _primes_below(1 << 62, 48)


def is_prime(n) -> bool:
    """Deterministic primality test for integers below 2^64 (Miller-Rabin).

    Parameters
    ----------
    n : int
        The integer to test, ``0 <= n < 2**64``.

    Returns
    -------
    bool
        Whether ``n`` is prime.

    Examples
    --------
    >>> from numalg.sequences import is_prime
    >>> is_prime(2**61 - 1), is_prime(2**61 + 1)
    (True, False)
    """
    n = check_int(n, "n", min_val=0, max_val=(1 << 64) - 1)
    return bool(_bm.is_prime(n))


@dataclass(frozen=True, kw_only=True, repr=False)
class Recurrence(Result):
    """A linear recurrence found by :func:`berlekamp_massey`.

    The sequence satisfies ``sum_{i=0}^{L} c_i s_{n-i} = 0`` for every
    ``n >= L``, with ``c_0 = 1``; over GF(p) the identity holds modulo ``p``.

    Attributes
    ----------
    coefficients : tuple
        The connection polynomial ``c_0 = 1, c_1, ..., c_L`` (length
        ``order + 1``; trailing zeros mean a transient prefix): Python ints in
        ``[0, p)`` over GF(p), :class:`fractions.Fraction` over the rationals.
    order : int
        The linear complexity ``L`` (the length of the shortest linear
        feedback shift register that generates the sequence).
    modulus : int or None
        The prime ``p``, or None for the rationals.
    degree : int
        Degree of the connection polynomial (``order - degree`` is the length
        of the transient prefix before the recurrence of that degree holds).
    method : str
        ``"modular"`` (one prime), ``"multimodular"`` (CRT + rational
        reconstruction, verified exactly) or ``"fraction-free"`` (exact
        integer Berlekamp-Massey, the fallback).
    """

    coefficients: tuple
    order: int
    modulus: int | None
    degree: int
    method: str

    @property
    def prefix_length(self) -> int:
        """Length of the transient prefix, ``order - degree``."""
        return self.order - self.degree

    def extend(self, seq, n_terms: int) -> list:
        """The next ``n_terms`` terms of ``seq`` under this recurrence."""
        n_terms = check_int(n_terms, "n_terms", min_val=0)
        s = list(seq)
        if len(s) < self.order:
            raise ValueError(f"seq must have at least order={self.order} terms, got {len(s)}")
        c = self.coefficients
        L = self.order
        p = self.modulus
        out = []
        for _ in range(n_terms):
            if L == 0:
                v = 0
            else:
                v = -sum(c[i] * s[-i] for i in range(1, L + 1))
            if p is not None:
                v %= p
            elif isinstance(v, Fraction) and v.denominator == 1:
                v = int(v)
            s.append(v)
            out.append(v)
        return out


def _check_modulus(modulus) -> int:
    p = check_int(modulus, "modulus", min_val=2)
    if p >= _MAX_MODULUS:
        raise ValueError(f"modulus must be a prime below 2**63, got {p} (>= 2**63)")
    if not _bm.is_prime(p):
        raise ValueError(f"modulus must be prime, got {p} (composite)")
    return p


def _as_list(seq, name="seq"):
    if isinstance(seq, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(seq).__name__}")
    if isinstance(seq, np.ndarray):
        if seq.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got a {seq.ndim}-D array of shape {seq.shape}")
        vals = seq.tolist()
    else:
        try:
            vals = list(seq)
        except TypeError:
            raise TypeError(f"{name} must be a sequence, got {type(seq).__name__}") from None
    if len(vals) == 0:
        raise ValueError(f"{name} must not be empty")
    return vals


def _reduce_mod(seq, p: int, name="seq") -> np.ndarray:
    """Entries of an integer sequence reduced to [0, p) as uint64."""
    if isinstance(seq, np.ndarray) and seq.dtype.kind in "iu":
        if seq.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got a {seq.ndim}-D array of shape {seq.shape}")
        if seq.size == 0:
            raise ValueError(f"{name} must not be empty")
        if seq.dtype.kind == "u":
            return np.ascontiguousarray(seq.astype(np.uint64) % np.uint64(p))
        return np.ascontiguousarray((seq.astype(np.int64) % np.int64(p)).astype(np.uint64))
    vals = _as_list(seq, name)
    out = np.empty(len(vals), dtype=np.uint64)
    for i, v in enumerate(vals):
        if isinstance(v, bool) or not isinstance(v, (numbers.Integral, np.integer)):
            raise TypeError(
                f"{name} must contain only integers for modulus={p}, "
                f"got {type(v).__name__} {v!r} at index {i}"
            )
        out[i] = int(v) % p
    return out


def _modular(s_mod: np.ndarray, p: int) -> tuple[list[int], int, int]:
    C, L = _bm.berlekamp_massey_mod(s_mod, np.uint64(p))
    coeffs = [int(c) for c in C]
    deg = L
    while deg > 0 and coeffs[deg] == 0:
        deg -= 1
    return coeffs, L, deg


def _rational_reconstruct(a: int, m: int) -> Fraction | None:
    """The fraction n/d with |n|, d <= sqrt(m/2) congruent to a mod m, or None."""
    a %= m
    bound = isqrt(m // 2)
    r0, r1 = m, a
    t0, t1 = 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        t0, t1 = t1, t0 - q * t1
    if t1 == 0 or abs(t1) > bound or gcd(r1, abs(t1)) != 1:
        return None
    return Fraction(r1, t1)


def _verify_integer(c_int: list[int], s: list[int], L: int) -> bool:
    """sum_{i=0}^{L} c_i s_{n-i} == 0 for all n >= L (integers, exact)."""
    N = len(s)
    nz = [(i, ci) for i, ci in enumerate(c_int[: L + 1]) if ci]
    for n in range(L, N):
        if sum(ci * s[n - i] for i, ci in nz):
            return False
    return True


def _fraction_free_bm(s: list[int]) -> tuple[list[Fraction], int]:
    """Exact Berlekamp-Massey on an integer sequence without fractions.

    The update ``C <- b C - d x^m B`` keeps integer coefficients; the content
    is divided out at each step to keep them small.
    """
    C, B = [1], [1]
    L, m, b = 0, 1, 1
    for n in range(len(s)):
        d = sum(C[i] * s[n - i] for i in range(min(len(C), n + 1)))
        if d == 0:
            m += 1
            continue
        T = C
        newlen = max(len(C), len(B) + m)
        Cn = [b * ci for ci in C] + [0] * (newlen - len(C))
        for i, bi in enumerate(B):
            Cn[i + m] -= d * bi
        g = 0
        for v in Cn:
            g = gcd(g, v)
        if g > 1:
            Cn = [v // g for v in Cn]
        C = Cn
        if 2 * L <= n:
            L = n + 1 - L
            B, b, m = T, d, 1
        else:
            m += 1
    c0 = C[0]
    coeffs = [Fraction(v, c0) for v in C[: L + 1]] + [Fraction(0)] * max(0, L + 1 - len(C))
    return coeffs, L


def _exact(vals: list, name="seq") -> tuple[list[Fraction], int, str]:
    # Exact rationals -> integers (a common scale leaves the recurrence unchanged).
    ints = []
    dens = 1
    fr = []
    for i, v in enumerate(vals):
        if isinstance(v, bool) or not isinstance(v, (numbers.Rational, np.integer)):
            raise TypeError(
                f"{name} must contain only integers or fractions.Fraction for the exact "
                f"(modulus=None) path, got {type(v).__name__} {v!r} at index {i}"
            )
        f = Fraction(int(v)) if isinstance(v, (numbers.Integral, np.integer)) else Fraction(v)
        fr.append(f)
        dens = lcm(dens, f.denominator)
    if dens == 1:
        ints = [f.numerator for f in fr]
    else:
        ints = [f.numerator * (dens // f.denominator) for f in fr]
    N = len(ints)
    # Multi-modular Berlekamp-Massey: the order is the largest one seen (an
    # unlucky prime can only lower it); coefficients by CRT over the primes that
    # agree, rational reconstruction, then exact verification over the integers.
    best_L = -1
    residues: list[list[int]] = []
    moduli: list[int] = []
    prev = None
    for p in _CRT_PRIMES:
        s_mod = np.fromiter((v % p for v in ints), dtype=np.uint64, count=N)
        coeffs, L, _ = _modular(s_mod, p)
        if L < best_L:
            continue
        if L > best_L:
            best_L, residues, moduli, prev = L, [], [], None
        residues.append(coeffs)
        moduli.append(p)
        # CRT of every coefficient.
        M = 1
        for q in moduli:
            M *= q
        crt = [0] * (L + 1)
        for res, q in zip(residues, moduli):
            Mq = M // q
            w = Mq * pow(Mq, -1, q)
            for i in range(L + 1):
                crt[i] += res[i] * w
        rec = []
        for v in crt:
            f = _rational_reconstruct(v % M, M)
            if f is None:
                break
            rec.append(f)
        if len(rec) != L + 1:
            prev = None
            continue
        if rec != prev and L > 0:  # wait until two prime sets agree before the exact check
            prev = rec
            continue
        den = 1
        for f in rec:
            den = lcm(den, f.denominator)
        c_int = [f.numerator * (den // f.denominator) for f in rec]
        if _verify_integer(c_int, ints, L):
            return rec, L, "multimodular"
    coeffs, L = _fraction_free_bm(ints)
    return coeffs, L, "fraction-free"


def berlekamp_massey(seq, *, modulus=None) -> Recurrence:
    """Shortest linear recurrence of a sequence (Berlekamp-Massey).

    Finds the connection polynomial ``C(x) = 1 + c_1 x + ... + c_L x^L`` of
    least ``L`` (the linear complexity) such that
    ``s_n + c_1 s_{n-1} + ... + c_L s_{n-L} = 0`` for every ``n >= L``.

    Parameters
    ----------
    seq : sequence of int or fractions.Fraction
        The terms ``s_0, ..., s_{N-1}``.  With a modulus, integers only
        (Python ints of any size or a NumPy integer array); without one,
        integers or :class:`fractions.Fraction`.
    modulus : int, default=None
        A prime ``p < 2**63``: work over GF(p) with the compiled O(N^2)
        kernel (128-bit multiply-mod, GIL released).  ``None``: exact over
        the rationals, by Berlekamp-Massey modulo several 62-bit primes,
        Chinese remaindering, rational reconstruction and an exact check of
        the recurrence over the integers; when that check keeps failing
        (coefficients too large), a fraction-free exact Berlekamp-Massey.

    Returns
    -------
    Recurrence
        ``coefficients`` (``c_0 = 1, ..., c_L``), ``order`` L, ``modulus``,
        ``degree`` of the polynomial and the ``method`` used.

    Raises
    ------
    ValueError
        If ``seq`` is empty, or ``modulus`` is not a prime below ``2**63``.
    TypeError
        If ``seq`` holds non-integers for the modular path, or floats for
        the exact one.

    See Also
    --------
    LinearRecurrence : The estimator-style wrapper with ``predict``.

    Notes
    -----
    The result is unique (and the order minimal) when ``N >= 2 L``.  Over the
    rationals the returned recurrence is always verified exactly; a prime
    that divides a denominator or a Hankel determinant can only lower the
    order seen modulo that prime, so the largest order across primes is used.

    Examples
    --------
    >>> from numalg.sequences import berlekamp_massey
    >>> r = berlekamp_massey([0, 1, 1, 2, 3, 5, 8, 13])
    >>> r.order, [str(c) for c in r.coefficients]
    (2, ['1', '-1', '-1'])
    >>> berlekamp_massey([1, 2, 4, 8, 16], modulus=7).coefficients
    (1, 5)
    """
    if modulus is not None:
        p = _check_modulus(modulus)
        s_mod = _reduce_mod(seq, p)
        coeffs, L, deg = _modular(s_mod, p)
        return Recurrence(coefficients=tuple(coeffs), order=L, modulus=p, degree=deg, method="modular")
    vals = _as_list(seq)
    coeffs, L, method = _exact(vals)
    deg = L
    while deg > 0 and coeffs[deg] == 0:
        deg -= 1
    return Recurrence(coefficients=tuple(coeffs), order=L, modulus=None, degree=deg, method=method)
