"""ESMA: conjectures on constants from the recurrences of signed continued fractions.

Razon, Harris, Gottlieb, Carmon, David, Kaminer, "Automated Search for
Conjectures on Mathematical Constants using Analysis of Integer Sequences",
ICML 2023 (arXiv 2212.09470).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from math import gcd

import numpy as np

from .._results import Result
from .._validation import check_int
from . import _bm, _cf
from ._berlekamp import _primes_below, berlekamp_massey
from ._contfrac import _SPECIAL, CONSTANTS, _callable_interval, _named_interval

__all__ = ["Conjecture", "esma_search"]

# Two 61-bit primes: the Massey test runs modulo both and accepts only when
# they agree (a prime dividing a Hankel determinant would lower the order).
_P1 = (1 << 61) - 1
_P2 = _primes_below(_P1, 1)[0]

_LATEX_NAMES = {
    "e": "e", "pi": r"\pi", "e^2": "e^{2}", "e^-1": "e^{-1}", "sqrt(e)": r"\sqrt{e}",
    "tan1": r"\tan 1", "pi^2": r"\pi^{2}", "1/pi": r"\frac{1}{\pi}", "sqrt2": r"\sqrt{2}",
    "sqrt3": r"\sqrt{3}", "phi": r"\varphi", "log2": r"\log 2", "log3": r"\log 3",
    "catalan": "G", "euler": r"\gamma", "I1(2)/I0(2)": r"\frac{I_1(2)}{I_0(2)}",
}


# --------------------------------------------------------------- formatting ---


def _poly_text(coeffs, var: str, latex: bool = False) -> str:
    """sum_i coeffs[i] var^i, highest degree first (coefficients int/Fraction)."""
    parts = []
    for i in range(len(coeffs) - 1, -1, -1):
        c = coeffs[i]
        if c == 0:
            continue
        sign = "-" if c < 0 else "+"
        a = abs(c)
        if isinstance(a, Fraction) and a.denominator != 1:
            mag = rf"\frac{{{a.numerator}}}{{{a.denominator}}}" if latex else f"{a.numerator}/{a.denominator}"
        else:
            mag = str(int(a))
        if i == 0:
            term = mag
        else:
            power = var if i == 1 else (f"{var}^{{{i}}}" if latex else f"{var}^{i}")
            if mag == "1":
                term = power
            else:
                term = f"{mag} {power}" if latex else f"{mag}*{power}"
        parts.append((sign, term))
    if not parts:
        return "0"
    out = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    for sign, term in parts[1:]:
        out += f" {sign} {term}"
    return out


def _is_monomial(coeffs) -> bool:
    return sum(1 for c in coeffs if c) == 1


def _lhs_text(num, den, var: str, latex: bool = False) -> str:
    n = _poly_text(num, var, latex)
    d = _poly_text(den, var, latex)
    if d == "1":
        return n
    if latex:
        return rf"\frac{{{n}}}{{{d}}}"
    if not _is_monomial(num):
        n = f"({n})"
    if not _is_monomial(den) or (any(den[1:]) and abs([c for c in den if c][0]) != 1):
        d = f"({d})"
    return f"{n}/{d}"


# --------------------------------------------------------------- conjecture ---


def _interlaced_values(polys, n: int) -> list[int]:
    """v_t = polys[t % N](t // N) for t < n, by integer difference tables."""
    if n <= 0:
        return []
    N = len(polys)
    per = -(-n // N)
    columns = []
    for poly in polys:
        r = len(poly) - 1
        vals = [sum(c * m ** i for i, c in enumerate(poly)) for m in range(r + 1)]
        vals = [int(v) for v in vals]
        d = list(vals)
        for k in range(1, r + 1):  # d[k] = k-th forward difference at 0
            for i in range(r, k - 1, -1):
                d[i] = d[i] - d[i - 1]
        col = []
        for _ in range(per):
            col.append(d[0])
            for k in range(r):
                d[k] += d[k + 1]
        columns.append(col)
    out = [0] * (per * N)
    for j, col in enumerate(columns):
        out[j::N] = col
    return out[:n]



@dataclass(frozen=True, kw_only=True, repr=False)
class Conjecture(Result):
    """A continued-fraction formula for a rational function of a constant.

    The formula reads ``lhs = a_0 + b_0/(a_1 + b_1/(a_2 + ...))`` with
    ``b_k = signs[k % len(signs)]`` (ESMA's signed continued fraction: the
    first numerator is ``b_0``) and ``a_k`` given by ``prefix`` followed by
    the interlaced polynomials: after the prefix, the term of index
    ``t = period * m + j`` is ``polynomials[j](m)``.  In the convention of
    :func:`pcf_limit` and ramanujantools (``a(0) + b(1)/(a(1) + ...)``) the
    same fraction has ``a(n) = a_n`` and ``b(n) = b_{n-1}``; see
    :meth:`pcf_terms`.

    Attributes
    ----------
    constant : str
        The constant's name (or the callable's name).
    lhs : str
        The left-hand side as text, e.g. ``"e/(e - 1)"``.
    numerator, denominator : tuple of int
        Coefficients of ``P`` and ``Q`` in increasing degree (lhs = P(c)/Q(c)).
    signs : tuple of int
        The sign period ``b_0, b_1, ...``.
    prefix : tuple of int
        Transient terms before the polynomial (or recurrent) part.
    period : int
        Interlacing period ``N`` of the polynomials (0 when none was found and
        the terms follow only the linear recurrence).
    polynomials : tuple of tuple of Fraction, or None
        ``P_j`` coefficients in increasing degree, ``j = 0..period-1``.
    recurrence : tuple of Fraction
        Connection polynomial (``c_0 = 1``) of the terms after the prefix.
    initial : tuple of int
        The first ``len(recurrence) - 1`` terms after the prefix.
    verified_digits : int
        Digits on which the regenerated fraction (``verify_terms`` terms,
        evaluated exactly) matches the left-hand side.
    convergence_rate : float
        Digits gained per term (slope of the error of the convergents).
    value : str
        The left-hand side to 30 significant digits.
    """

    constant: str
    lhs: str
    numerator: tuple
    denominator: tuple
    signs: tuple
    prefix: tuple
    period: int
    polynomials: tuple | None
    recurrence: tuple
    initial: tuple
    verified_digits: int
    convergence_rate: float
    value: str
    latex_name: str = "c"

    def terms(self, n_terms: int) -> list[int]:
        """The partial denominators ``a_0, ..., a_{n_terms-1}``."""
        n_terms = check_int(n_terms, "n_terms", min_val=0)
        out = list(self.prefix[:n_terms])
        if self.polynomials is not None:
            return out + _interlaced_values(self.polynomials, n_terms - len(out))
        tail = list(self.initial)
        c = self.recurrence
        L = len(c) - 1
        while len(tail) < n_terms - len(out):
            v = -sum(c[i] * tail[-i] for i in range(1, L + 1))
            tail.append(int(v))
        return out + tail[: max(0, n_terms - len(out))]

    def numerators(self, n_terms: int) -> list[int]:
        """The partial numerators ``b_0, ..., b_{n_terms-1}`` (the periodic signs)."""
        n_terms = check_int(n_terms, "n_terms", min_val=0)
        N = len(self.signs)
        return [self.signs[k % N] for k in range(n_terms)]

    def pcf_terms(self, n_terms: int) -> tuple[list[int], list[int]]:
        """``(a(0..n-1), b(1..n-1))`` in the convention ``a(0) + b(1)/(a(1) + ...)``."""
        return self.terms(n_terms), self.numerators(max(0, n_terms - 1))

    def evaluate(self, n_terms: int) -> Fraction:
        """The ``n_terms``-th convergent of the right-hand side, exactly."""
        a = self.terms(n_terms)
        b = self.numerators(n_terms)
        p, q = _cf.convergent_pq(a, b)
        return Fraction(p, q)

    def _describe_terms(self, latex=False) -> str:
        parts = []
        if self.prefix:
            parts.append(f"prefix {list(self.prefix)}")
        if self.polynomials is not None:
            N = self.period
            k = len(self.prefix)
            for j, poly in enumerate(self.polynomials):
                idx = f"{N}m" if N > 1 else "m"
                if k + j:
                    idx += f" + {k + j}"
                lhs = f"a_{{{idx}}}" if latex else f"a[{idx}]"
                parts.append(f"{lhs} = {_poly_text(poly, 'm', latex)}")
        else:
            parts.append(f"a_n follows the recurrence {list(map(str, self.recurrence))} "
                         f"from {list(self.initial)}")
        return "; ".join(parts)

    def __str__(self) -> str:
        a = self.terms(5)
        b = self.numerators(5)
        text = str(a[0])
        closing = ""
        for k in range(1, 5):
            text += f" {'+' if b[k - 1] > 0 else '-'} 1/({a[k]}"
            closing += ")"
        text += f" {'+' if b[4] > 0 else '-'} ...{closing}"
        return (
            f"{self.lhs} = {text}\n"
            f"    signs {list(self.signs)}; {self._describe_terms()}; "
            f"verified to {self.verified_digits} digits, "
            f"{self.convergence_rate:.3g} digits/term"
        )

    def latex(self, n_shown: int = 4) -> str:
        """The formula as a LaTeX equation (``\\cfrac``), first ``n_shown`` levels."""
        name = self.latex_name
        lhs = _lhs_text(self.numerator, self.denominator, name, latex=True)
        a = self.terms(n_shown + 1)
        b = self.numerators(n_shown + 1)
        rhs = r"\cdots"
        for k in range(n_shown, 0, -1):
            rhs = rf"{a[k]} {'+' if b[k] > 0 else '-'} \cfrac{{1}}{{{rhs}}}" if k < n_shown else rf"{a[k]} {'+' if b[k] > 0 else '-'} {rhs}"
        rhs = rf"{a[0]} {'+' if b[0] > 0 else '-'} \cfrac{{1}}{{{rhs}}}"
        return rf"{lhs} = {rhs}, \quad {self._describe_terms(latex=True)}"


# -------------------------------------------------------------- the search ---


def _resolve_constant(constant):
    if isinstance(constant, str):
        key = constant.strip()
        if key not in CONSTANTS and key not in _SPECIAL:
            names = sorted(CONSTANTS) + sorted(_SPECIAL)
            raise ValueError(f"constant must be one of {names} or a callable, got {constant!r}")
        var = key if key.isalnum() else f"({key})"
        return key, var, _LATEX_NAMES.get(key, key), (lambda d, key=key: _named_interval(key, d))
    if callable(constant):
        name = getattr(constant, "__name__", "c")
        if not name.isidentifier() or name == "<lambda>":
            name = "c"
        return name, name, name, (lambda d, f=constant: _callable_interval(f, d))
    raise TypeError(f"constant must be a constant's name or a callable digits -> mpf, got {type(constant).__name__}")


def _sign_patterns(periods) -> list[tuple]:
    out = []
    for N in periods:
        for pat in itertools.product((1, -1), repeat=N):
            redundant = any(
                N % n == 0 and n != N and pat == pat[:n] * (N // n) for n in periods
            )
            if not redundant:
                out.append(pat)
    return out


def _canonical_lhs(degree: int, limit: int):
    """Coefficient pairs (P, Q), normalised by gcd and sign, simplest first."""
    rng = range(-limit, limit + 1)
    polys = [t for t in itertools.product(rng, repeat=degree + 1) if any(t)]
    seen = set()
    out = []
    for P in polys:
        for Q in polys:
            # rational constants: P proportional to Q
            if all(P[i] * Q[j] == P[j] * Q[i] for i in range(degree + 1) for j in range(i + 1, degree + 1)):
                continue
            g = 0
            for v in P + Q:
                g = gcd(g, v)
            P2 = tuple(v // g for v in P)
            Q2 = tuple(v // g for v in Q)
            lead = [v for v in Q2 if v][-1]
            if lead < 0:
                P2 = tuple(-v for v in P2)
                Q2 = tuple(-v for v in Q2)
            key = (P2, Q2)
            if key in seen:
                continue
            seen.add(key)
            out.append(key)
    out.sort(key=lambda pq: (max(map(abs, pq[0] + pq[1])), sum(map(abs, pq[0] + pq[1])), pq[1][::-1], pq[0][::-1]))
    return out


def _ipow_interval(lo: int, hi: int, k: int):
    if k == 0:
        return 1, 1
    a, b = lo ** k, hi ** k
    if k % 2 == 0 and lo < 0 < hi:
        return 0, max(a, b)
    return min(a, b), max(a, b)


def _poly_interval(coeffs, lo: int, hi: int, den: int):
    """Interval of sum_i c_i x^i den^(d-i) for x in [lo, hi] (all integers)."""
    d = len(coeffs) - 1
    rlo = rhi = 0
    for i, c in enumerate(coeffs):
        if c == 0:
            continue
        plo, phi = _ipow_interval(lo, hi, i)
        scale = c * den ** (d - i)
        a, b = plo * scale, phi * scale
        rlo += min(a, b)
        rhi += max(a, b)
    return rlo, rhi


def _lhs_interval(P, Q, c_int):
    """(p1, q1, p2, q2) with q > 0 and p1/q1 <= P(c)/Q(c) <= p2/q2, or None."""
    lo, hi, den = c_int
    Plo, Phi = _poly_interval(P, lo, hi, den)
    Qlo, Qhi = _poly_interval(Q, lo, hi, den)
    if Qlo <= 0 <= Qhi:
        return None
    if Qhi < 0:
        Plo, Phi, Qlo, Qhi = -Phi, -Plo, -Qhi, -Qlo
    # Q > 0 on the interval: the ratio's extremes are among the corner ratios.
    corners = [(Plo, Qlo), (Plo, Qhi), (Phi, Qlo), (Phi, Qhi)]
    mn = min(corners, key=lambda t: Fraction(t[0], t[1]))
    mx = max(corners, key=lambda t: Fraction(t[0], t[1]))
    return mn[0], mn[1], mx[0], mx[1]


def _positive(iv):
    """|lhs| as an interval (p1, q1, p2, q2); None when it may contain 0."""
    if iv is None:
        return None
    p1, q1, p2, q2 = iv
    if p1 > 0:
        return iv
    if p2 < 0:
        return -p2, q2, -p1, q1
    return None


def _value_key(P, Q, c_int) -> int:
    lo, hi, den = c_int
    mid = (lo + hi) // 2
    d = len(P) - 1
    pn = sum(c * mid ** i * den ** (d - i) for i, c in enumerate(P))
    qn = sum(c * mid ** i * den ** (d - i) for i, c in enumerate(Q))
    if qn == 0:
        return None, False
    num = abs(pn) << 160
    return (2 * num + abs(qn)) // (2 * abs(qn)), (pn < 0) != (qn < 0)


def _recover_polynomials(tail: list[int], degree: int):
    """Smallest interlacing period N and polynomials with tail[N m + j] = P_j(m)."""
    for N in range(1, max(degree, 1) + 1):
        polys = []
        ok = True
        for j in range(N):
            u = tail[j::N]
            diffs = [u]
            r = 0
            while any(diffs[-1]):
                nxt = [diffs[-1][i + 1] - diffs[-1][i] for i in range(len(diffs[-1]) - 1)]
                diffs.append(nxt)
                r += 1
                if r > degree or len(nxt) < 3:  # at least two checks of the vanishing difference
                    ok = False
                    break
            if not ok:
                break
            deg = r - 1  # diffs[r] vanishes, so u is a polynomial of degree r - 1
            if deg < 0:
                polys.append((Fraction(0),))
                continue
            # Newton form u(m) = sum_k D_k binom(m, k), D_k = diffs[k][0]; over the
            # common denominator deg!: binom(m, k) deg! = (deg!/k!) m(m-1)...(m-k+1).
            fdeg = math.factorial(deg)
            acc = [0] * (deg + 1)
            falling = [1]
            for k in range(deg + 1):
                if k:
                    new = [0] * (len(falling) + 1)
                    for t, pc in enumerate(falling):
                        new[t] -= pc * (k - 1)
                        new[t + 1] += pc
                    falling = new
                w = diffs[k][0] * (fdeg // math.factorial(k))
                if w:
                    for t, pc in enumerate(falling):
                        acc[t] += w * pc
            coeffs = [Fraction(c, fdeg) for c in acc]
            polys.append(tuple(Fraction(c) for c in coeffs))
        if ok:
            return N, tuple(polys)
    return 0, None


def _lift_recurrence(tail: list[int], deg: int) -> tuple:
    """The tail's connection polynomial over the integers (exact BM as fallback)."""
    s_mod = np.array([v % _P1 for v in tail], dtype=np.uint64)
    C, L = _bm.berlekamp_massey_mod(s_mod, np.uint64(_P1))
    half = _P1 // 2
    c = [int(v) - _P1 if int(v) > half else int(v) for v in C[: deg + 1]]
    if len(c) == deg + 1 and all(
        sum(c[i] * tail[n - i] for i in range(deg + 1)) == 0 for n in range(deg, len(tail))
    ):
        return tuple(Fraction(v) for v in c)
    rec = berlekamp_massey(tail)
    return tuple(rec.coefficients[: rec.degree + 1])


def _log10_gap(p: int, q: int, xn: int, xd: int) -> float:
    """-log10 |p/q - xn/xd| (inf when equal)."""
    num = abs(p * xd - xn * q)
    if num == 0:
        return math.inf
    return -(math.log10(num) - math.log10(q) - math.log10(xd))


def _process(items, c_ints, depth, verify_terms, verify_digits, allow_prefix, limit,
             name, var, latex_name, interval_fn, base_digits):
    """Extract, Massey-approve, recover, verify: one chunk of (P, Q, pattern) work."""
    seqs, meta = [], []
    intervals = {}
    for P, Q, patterns in items:
        digits = base_digits
        iv = _positive(_lhs_interval(P, Q, c_ints[digits]))
        if iv is None:
            continue
        for pat in patterns:
            tries = 0
            while True:
                terms, status = _cf.cf_interval(iv[0], iv[1], iv[2], iv[3], pat, depth)
                if status != 2 or tries >= 3:
                    break
                tries += 1
                digits *= 2
                if digits not in c_ints:
                    c_ints[digits] = interval_fn(digits)
                iv2 = _positive(_lhs_interval(P, Q, c_ints[digits]))
                if iv2 is None:
                    break
                iv = iv2
            if status == 1:  # rational value: no conjecture
                break
            if status != 0 or 0 in terms:
                continue
            intervals[(P, Q)] = iv
            seqs.append(terms)
            meta.append((P, Q, pat))
    if not seqs:
        return []
    arr = np.array(seqs, dtype=object)
    S1 = np.ascontiguousarray((arr % _P1).astype(np.uint64))
    S2 = np.ascontiguousarray((arr % _P2).astype(np.uint64))
    L1, d1 = _bm.berlekamp_massey_mod_batch(S1, np.uint64(_P1))
    L2, d2 = _bm.berlekamp_massey_mod_batch(S2, np.uint64(_P2))
    threshold = depth // 4
    # Massey-approved candidates per left-hand side; the prefix-free ones (then
    # the shortest prefix, then the first sign pattern) are verified first and
    # the first verified one is kept: one conjecture per value.
    candidates = {}
    for r in range(len(seqs)):
        P, Q, pat = meta[r]
        L, deg = int(L1[r]), int(d1[r])
        if L != int(L2[r]) or deg != int(d2[r]):
            continue
        if deg + 1 >= threshold:
            continue
        k = L - deg
        if k and (not allow_prefix or 2 * L > depth):
            continue
        candidates.setdefault((P, Q), []).append((k, r, deg))
    found = []
    for (P, Q), cands in candidates.items():
        for k, r, deg in sorted(cands):
            pat = meta[r][2]
            terms = seqs[r]
            tail = terms[k:]
            N, polys = _recover_polynomials(tail, deg)
            recurrence = _lift_recurrence(tail, deg)
            conj = _verify(P, Q, pat, terms[:k], N, polys, recurrence, tail, intervals[(P, Q)],
                           depth, verify_terms, verify_digits, name, var, latex_name, deg)
            if conj is not None:
                found.append(conj)
                break
    return found


def _verify(P, Q, pat, prefix, N, polys, recurrence, tail, iv, depth, verify_terms,
            verify_digits, name, var, latex_name, deg):
    conj = Conjecture(
        constant=name, lhs=_lhs_text(P, Q, var), numerator=tuple(P), denominator=tuple(Q),
        signs=tuple(pat), prefix=tuple(prefix), period=N, polynomials=polys,
        recurrence=tuple(recurrence), initial=tuple(tail[: len(recurrence) - 1]),
        verified_digits=0, convergence_rate=float("nan"), value="", latex_name=latex_name,
    )
    a = conj.terms(verify_terms)
    if a[:depth] != list(prefix) + list(tail[: depth - len(prefix)]):
        return None
    b = conj.numerators(verify_terms)
    p, q = _cf.convergent_pq(a, b)
    if q == 0:
        return None
    got = min(_log10_gap(p, q, iv[0], iv[1]), _log10_gap(p, q, iv[2], iv[3]))
    known = -(math.log10(max(1, abs(iv[2] * iv[1] - iv[0] * iv[3]))) - math.log10(iv[1]) - math.log10(iv[3]))
    verified = int(min(got, known))
    if verified < verify_digits:
        return None
    # Convergence rate: slope of the convergents' error over the middle half.
    Ps, Qs = _cf.convergent_list(a[:depth], b[:depth])
    xn, xd = iv[0], iv[1]
    n1, n2 = depth // 4, (3 * depth) // 4
    e1 = _log10_gap(Ps[n1], Qs[n1], xn, xd)
    e2 = _log10_gap(Ps[n2], Qs[n2], xn, xd)
    rate = (min(e2, known) - min(e1, known)) / (n2 - n1)
    import mpmath

    with mpmath.workdps(40):
        value = mpmath.nstr(mpmath.mpf(xn) / xd, 30)
    return Conjecture(
        constant=conj.constant, lhs=conj.lhs, numerator=conj.numerator,
        denominator=conj.denominator, signs=conj.signs, prefix=conj.prefix, period=N,
        polynomials=polys, recurrence=conj.recurrence, initial=conj.initial,
        verified_digits=verified, convergence_rate=float(rate), value=value,
        latex_name=latex_name,
    )


def esma_search(
    constant,
    *,
    lhs_degree=1,
    coeff_limit=2,
    sign_periods=(1, 2),
    depth=105,
    digits=500,
    verify_terms=1000,
    verify_digits=100,
    allow_prefix=True,
    n_jobs=None,
) -> list[Conjecture]:
    """Search continued-fraction formulas for ``P(c)/Q(c)`` (ESMA).

    For every left-hand side ``P(c)/Q(c)`` with integer coefficients in
    ``[-coeff_limit, coeff_limit]`` and degree ``<= lhs_degree`` (canonical
    form: divided by the gcd of the coefficients, sign fixed, deduplicated by
    value, rational values dropped) and every sign pattern, the signed
    continued fraction ``a_0 + b_0/(a_1 + b_1/(a_2 + ...))`` is extracted to
    ``depth`` certified terms.  A sequence ``a_k`` is *Massey approved* when
    Berlekamp-Massey modulo two 61-bit primes agrees on a recurrence whose
    connection polynomial has fewer than ``depth // 4`` coefficients; its
    terms are then written as interlaced polynomials ``a_{N m + j} =
    P_j(m)`` (after a transient prefix when ``allow_prefix``), regenerated to
    ``verify_terms`` terms, evaluated exactly and compared with the
    left-hand side on ``verify_digits`` digits.  One conjecture is kept per
    value.

    Parameters
    ----------
    constant : str or callable
        A name from ``CONSTANTS`` (``"e"``, ``"pi"``, ``"e^2"``, ``"tan1"``,
        ``"I1(2)/I0(2)"``, ...), evaluated with interval arithmetic, or a
        callable ``digits -> mpmath.mpf`` accurate to ``10**-digits``.
    lhs_degree : int, default=1
        Largest degree of ``P`` and ``Q``.
    coeff_limit : int, default=2
        Coefficients range over ``[-coeff_limit, coeff_limit]``.
    sign_periods : tuple of int, default=(1, 2)
        Lengths of the sign periods ``b_k`` to try (every +-1 pattern of each
        length that is not a repetition of a shorter searched one).
    depth : int, default=105
        Terms extracted per sequence.
    digits : int, default=500
        Working precision of the extraction (raised automatically where
        ``depth`` terms are not certified).
    verify_terms : int, default=1000
        Terms regenerated for the verification.
    verify_digits : int, default=100
        Digits that must match.
    allow_prefix : bool, default=True
        Accept sequences that follow their recurrence only after a transient
        prefix (BM's order exceeds the polynomial's degree).
    n_jobs : int, default=None
        Parallel workers (joblib) over chunks of left-hand sides; None: 1.

    Returns
    -------
    list of Conjecture
        Sorted by prefix length, then by the size of the left-hand side.

    Examples
    --------
    >>> from numalg.sequences import esma_search
    >>> found = esma_search("e", allow_prefix=False)
    >>> len(found) >= 13
    True
    >>> print(found[1])  # doctest: +NORMALIZE_WHITESPACE
    e/(e - 1) = 1 + 1/(2 - 1/(3 + 1/(2 - 1/(5 + ...))))
        signs [1, -1]; a[2m] = 2*m + 1; a[2m + 1] = 2; verified to 506 digits, 2.02 digits/term
    """
    name, var, latex_name, interval_fn = _resolve_constant(constant)
    lhs_degree = check_int(lhs_degree, "lhs_degree", min_val=1, max_val=4)
    coeff_limit = check_int(coeff_limit, "coeff_limit", min_val=1, max_val=10)
    if isinstance(sign_periods, (int, np.integer)):
        sign_periods = (int(sign_periods),)
    try:
        periods = tuple(sorted({check_int(n, "sign_periods", min_val=1, max_val=8) for n in sign_periods}))
    except TypeError:
        raise TypeError("sign_periods must be a sequence of positive integers") from None
    if not periods:
        raise ValueError("sign_periods must not be empty")
    depth = check_int(depth, "depth", min_val=8)
    digits = check_int(digits, "digits", min_val=20)
    verify_terms = check_int(verify_terms, "verify_terms", min_val=depth)
    verify_digits = check_int(verify_digits, "verify_digits", min_val=1)
    if verify_digits > digits:
        raise ValueError(f"verify_digits must be <= digits={digits}, got {verify_digits}")
    if n_jobs is not None:
        n_jobs = check_int(n_jobs, "n_jobs")
    c_ints = {digits: interval_fn(digits)}
    patterns = _sign_patterns(periods)
    # Canonical left-hand sides, deduplicated by |value|.
    keys = {}
    items = []
    for P, Q in _canonical_lhs(lhs_degree, coeff_limit):
        key, negative = _value_key(P, Q, c_ints[digits])
        if key is None or key in keys:
            continue
        if negative:  # search |P/Q|: the left-hand side is written positive
            P = tuple(-v for v in P)
        keys[key] = (P, Q)
        items.append((P, Q, patterns))
    args = (depth, verify_terms, verify_digits, bool(allow_prefix), coeff_limit,
            name, var, latex_name, interval_fn, digits)
    if n_jobs in (None, 1) or len(items) < 2:
        found = _process(items, c_ints, *args)
    else:
        from joblib import Parallel, delayed

        n_chunks = 4 * (n_jobs if n_jobs > 0 else 8)
        chunks = [items[i::n_chunks] for i in range(n_chunks)]
        parts = Parallel(n_jobs=n_jobs)(
            delayed(_process)(chunk, dict(c_ints), *args) for chunk in chunks if chunk
        )
        found = [c for part in parts for c in part]
    order = {pq: i for i, (pq) in enumerate((P, Q) for P, Q, _ in items)}
    found.sort(key=lambda c: (len(c.prefix), order[(c.numerator, c.denominator)]))
    return found
