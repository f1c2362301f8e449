"""numalg.sequences: Berlekamp-Massey, continued fractions and ESMA against references."""

import pickle
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from numalg.sequences import (
    Conjecture,
    LinearRecurrence,
    berlekamp_massey,
    continued_fraction,
    convergents,
    esma_search,
    evaluate_continued_fraction,
    is_prime,
    pcf_limit,
)
from reference import shortest_recurrence, simple_cf_of_fraction

PRIMES = [7, 101, 65537, 2**31 - 1, 2**61 - 1, 2**63 - 25]


def _generate(coeffs, init, n, modulus=None):
    """s_k = -sum_i c_i s_{k-i}, from the initial terms."""
    s = list(init)
    L = len(coeffs)
    while len(s) < n:
        v = -sum(c * s[-i] for i, c in enumerate(coeffs, start=1))
        s.append(v % modulus if modulus else v)
    return s[:n]


# ---------------------------------------------------------- Berlekamp-Massey ---


@given(st.data())
def test_modular_bm_matches_gaussian_elimination(data):
    p = data.draw(st.sampled_from(PRIMES))
    L = data.draw(st.integers(1, 7))
    coeffs = data.draw(st.lists(st.integers(0, p - 1), min_size=L, max_size=L))
    init = data.draw(st.lists(st.integers(0, p - 1), min_size=L, max_size=L))
    extra = data.draw(st.integers(0, 6))
    seq = _generate(coeffs, init, 2 * L + extra, p)
    rec = berlekamp_massey(seq, modulus=p)
    ref_L, ref_c = shortest_recurrence(seq, modulus=p)
    assert rec.order == ref_L
    assert rec.order <= L
    # Unique when N >= 2L: the coefficients agree with the reference solution.
    assert list(rec.coefficients) == [v % p for v in ref_c]
    for n in range(rec.order, len(seq)):
        assert sum(c * seq[n - i] for i, c in enumerate(rec.coefficients)) % p == 0


@given(st.data())
def test_exact_bm_matches_gaussian_elimination(data):
    L = data.draw(st.integers(1, 6))
    coeffs = data.draw(st.lists(st.integers(-4, 4), min_size=L, max_size=L))
    init = data.draw(st.lists(st.integers(-9, 9), min_size=L, max_size=L))
    if data.draw(st.booleans()):  # Fraction terms
        init = [Fraction(v, data.draw(st.integers(1, 5))) for v in init]
    seq = _generate(coeffs, init, 2 * L + data.draw(st.integers(0, 5)))
    rec = berlekamp_massey(seq)
    ref_L, ref_c = shortest_recurrence(seq)
    assert rec.order == ref_L
    assert list(rec.coefficients) == [Fraction(v) for v in ref_c]
    assert rec.modulus is None


@settings(max_examples=15)
@given(st.data())
def test_modular_and_exact_agree(data):
    L = data.draw(st.integers(1, 8))
    coeffs = data.draw(st.lists(st.integers(-50, 50), min_size=L, max_size=L))
    init = data.draw(st.lists(st.integers(-10**6, 10**6), min_size=L, max_size=L))
    seq = _generate(coeffs, init, 2 * L + 4)
    exact = berlekamp_massey(seq)
    p = 2**61 - 1
    mod = berlekamp_massey(seq, modulus=p)
    assert exact.order == mod.order
    assert [c.numerator * pow(c.denominator, -1, p) % p for c in exact.coefficients] == list(
        mod.coefficients
    )


def test_exact_bm_big_integers_and_fallback():
    # Coefficients far beyond the 48-prime CRT range force the fraction-free fallback.
    big = 10**600 + 7
    seq = _generate([-big, 1], [1, 2], 12)
    rec = berlekamp_massey(seq)
    assert rec.order == 2 and rec.coefficients == (1, -big, 1)
    assert rec.method == "fraction-free"
    seq = _generate([-3, 5, -1], [2, -7, 11], 30)
    rec = berlekamp_massey(seq)
    assert rec.method == "multimodular" and rec.coefficients == (1, -3, 5, -1)


def test_bm_numpy_input_long_sequence(rng):
    p = 2**31 - 1
    L = 300
    c = rng.integers(0, p, L).tolist()
    s = _generate(c, rng.integers(0, p, L).tolist(), 2 * L, p)
    rec = berlekamp_massey(np.array(s, dtype=np.int64), modulus=p)
    assert rec.order == L and list(rec.coefficients[1:]) == c
    assert rec.extend(s[: 2 * L - 5], 5) == s[-5:]


def test_bm_edge_cases():
    assert berlekamp_massey([0, 0, 0]).order == 0
    r = berlekamp_massey([5])
    assert r.order == 1 and r.coefficients[0] == 1  # not unique: N < 2L
    r = berlekamp_massey([1, 0, 0, 0, 0, 0], modulus=7)  # a pure prefix
    assert r.order == 1 and r.degree == 0 and r.prefix_length == 1
    assert berlekamp_massey([3, 6, 12, 24], modulus=2**63 - 25).order == 1


def test_bm_bad_input():
    with pytest.raises(ValueError, match="seq must not be empty"):
        berlekamp_massey([])
    with pytest.raises(ValueError, match="seq must not be empty"):
        berlekamp_massey([], modulus=7)
    with pytest.raises(TypeError, match="seq must contain only integers"):
        berlekamp_massey([1, 2.5], modulus=7)
    with pytest.raises(TypeError, match="seq must contain only integers"):
        berlekamp_massey([1, Fraction(1, 2)], modulus=7)
    with pytest.raises(TypeError, match="seq must contain only integers or fractions"):
        berlekamp_massey([1.0, 2.0])
    with pytest.raises(ValueError, match="modulus must be prime"):
        berlekamp_massey([1, 2], modulus=2**61 + 1)
    with pytest.raises(ValueError, match="modulus must be a prime below 2"):
        berlekamp_massey([1, 2], modulus=2**63 + 29)
    with pytest.raises(ValueError, match="modulus must be >= 2"):
        berlekamp_massey([1, 2], modulus=1)
    with pytest.raises(TypeError, match="modulus must be an integer"):
        berlekamp_massey([1, 2], modulus=7.0)
    with pytest.raises(TypeError, match="seq must be a sequence"):
        berlekamp_massey("123")


def test_is_prime_against_trial_division():
    def slow(n):
        return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))

    assert [n for n in range(2000) if is_prime(n)] == [n for n in range(2000) if slow(n)]
    # strong pseudoprimes to several bases
    for n in [3215031751, 2152302898747, 3474749660383, 341550071728321, 3825123056546413051]:
        assert not is_prime(n)
    assert is_prime(2**61 - 1) and is_prime(2**63 - 25) and is_prime(2**64 - 59)


@pytest.mark.parametrize(
    "name, prefix, period, reps",
    [("e", 1, 3, 2), ("e^2", 1, 5, 2), ("tan1", 0, 2, 2), ("I1(2)/I0(2)", 0, 1, 2)],
)
def test_simple_cf_recurrences_of_constants(name, prefix, period, reps):
    terms = continued_fraction(name, 80)
    rec = berlekamp_massey(terms)
    # (1 - x^period)^reps
    poly = [Fraction(1)]
    for _ in range(reps):
        new = [Fraction(0)] * (len(poly) + period)
        for i, c in enumerate(poly):
            new[i] += c
            new[i + period] -= c
        poly = new
    assert rec.degree == period * reps
    assert list(rec.coefficients[: rec.degree + 1]) == poly
    assert rec.prefix_length == prefix


def test_pi_has_no_short_recurrence():
    assert berlekamp_massey(continued_fraction("pi", 120)).order >= 50


# ------------------------------------------------------------ the estimator ---


def test_linear_recurrence_estimator():
    seq = [5, 1, 1, 2, 3, 5, 8, 13, 21, 34]
    model = LinearRecurrence().fit(seq)
    assert model.order_ == 2 and model.prefix_length_ == 1
    assert model.predict(3) == [55, 89, 144]
    strict = LinearRecurrence(allow_prefix=False).fit(seq)
    assert strict.order_ == 3 and strict.prefix_length_ == 0
    assert strict.predict(3) == [55, 89, 144]
    mod = LinearRecurrence(modulus=101).fit(seq)
    assert mod.predict(2) == [55, 89 % 101]
    frac = LinearRecurrence().fit([Fraction(1, 2), Fraction(1, 4), Fraction(1, 8)])
    assert frac.predict(2) == [Fraction(1, 16), Fraction(1, 32)]


def test_linear_recurrence_clone_pickle_params():
    model = LinearRecurrence(modulus=7, allow_prefix=False)
    assert model.get_params() == {"modulus": 7, "allow_prefix": False}
    c = clone(model)
    assert c.get_params() == model.get_params() and not hasattr(c, "coef_")
    model.set_params(modulus=11)
    assert model.modulus == 11
    model.fit([1, 2, 4, 8, 16])
    restored = pickle.loads(pickle.dumps(model))
    assert restored.predict(3) == model.predict(3) == [32 % 11, 64 % 11, 128 % 11]
    assert list(restored.coef_) == list(model.coef_)


def test_linear_recurrence_bad_input():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LinearRecurrence().predict(2)
    with pytest.raises(ValueError, match="modulus must be prime"):
        LinearRecurrence(modulus=10).fit([1, 2, 3])
    with pytest.raises(ValueError, match="seq must not be empty"):
        LinearRecurrence().fit([])
    with pytest.raises(ValueError, match="n_terms must be >= 0"):
        LinearRecurrence().fit([1, 2]).predict(-1)


# ------------------------------------------------------- continued fractions ---

fractions_st = st.builds(
    Fraction, st.integers(-10**30, 10**30), st.integers(1, 10**30)
)


@given(fractions_st)
def test_cf_of_fractions_exact_and_round_trip(x):
    terms = continued_fraction(x, 10**6)
    assert terms == simple_cf_of_fraction(x)
    assert evaluate_continued_fraction(terms) == x
    conv = convergents(terms)
    assert conv[-1] == x
    for k in range(len(conv) - 1):  # convergents alternate around x
        assert (conv[k] - x) * (conv[k + 1] - x) <= 0


@given(
    st.builds(Fraction, st.integers(1, 10**9), st.integers(1, 10**4)),
    st.lists(st.sampled_from([1, -1]), min_size=1, max_size=3),
)
def test_signed_cf_of_fractions_round_trip(x, signs):
    x = x + 1  # keeps a_0 != 0
    terms = continued_fraction(x, 10**5, signs=signs)
    b = [signs[k % len(signs)] for k in range(len(terms))]
    assert evaluate_continued_fraction(terms, b) == x
    assert all(t >= 1 for t in terms[1:])
    assert all(t >= 2 for t, s in zip(terms[1:], b[1:]) if s < 0)


@settings(max_examples=10)
@given(
    st.sampled_from(["e", "pi", "tan1", "sqrt2", "log2", "catalan", "I1(2)/I0(2)"]),
    st.lists(st.sampled_from([1, -1]), min_size=1, max_size=3),
)
def test_signed_cf_of_constants_evaluates_back(name, signs):
    n = 60
    mp_value = {
        "e": mpmath.e, "pi": mpmath.pi, "tan1": lambda: mpmath.tan(1), "sqrt2": lambda: mpmath.sqrt(2),
        "log2": lambda: mpmath.log(2), "catalan": mpmath.catalan,
        "I1(2)/I0(2)": lambda: mpmath.besseli(1, 2) / mpmath.besseli(0, 2),
    }[name]
    with mpmath.workdps(200):
        ref = mpmath.mpf(mp_value() if callable(mp_value) else +mp_value)
    try:
        terms = continued_fraction(name, n, signs=signs)
    except ValueError as exc:  # a_0 = 0 is reported, never returned
        assert "zero term" in str(exc) and 0 < ref < 1 and signs[0] == 1
        return
    assert len(terms) == n
    b = [signs[k % len(signs)] for k in range(n)]
    with mpmath.workdps(200):
        errs = []
        for m in (n // 2, n):
            value = evaluate_continued_fraction(terms[:m], b)
            errs.append(abs(mpmath.mpf(value.numerator) / value.denominator - ref))
        # the certified terms converge to the constant
        assert errs[1] < errs[0] and errs[1] < mpmath.mpf(10) ** -5


def test_cf_inputs_agree():
    ref = continued_fraction("pi", 25)
    with mpmath.workdps(60):
        assert continued_fraction(+mpmath.pi, 25) == ref
    assert continued_fraction(lambda d: +mpmath.pi, 25, digits=40) == ref
    assert continued_fraction("3.14159265358979323846264338327950288419716939937510", 25) == ref
    assert continued_fraction(3.141592653589793, 10) == ref[:10]
    assert continued_fraction(7, 5) == [7]
    # one ulp of the working precision, not of mpmath's trailing-zero-stripped mantissa
    with mpmath.workdps(30):
        with pytest.raises(ValueError, match="determines only 1 certified"):
            continued_fraction(mpmath.mpf("0.5"), 3)
    # a float is exact to one ulp: math.pi determines ~ 16 terms, not more
    with pytest.raises(ValueError, match="determines only"):
        continued_fraction(3.141592653589793, 40)


def test_cf_bad_input():
    with pytest.raises(ValueError, match="n_terms must be >= 1"):
        continued_fraction("e", 0)
    with pytest.raises(ValueError, match=r"determines only \d+ certified term.*needs about \d+"):
        continued_fraction("3.14159", 10)
    with pytest.raises(ValueError, match="signs must contain only"):
        continued_fraction("e", 5, signs=[1, 0])
    with pytest.raises(ValueError, match="signs must not be empty"):
        continued_fraction("e", 5, signs=[])
    with pytest.raises(ValueError, match="zero term"):
        continued_fraction(Fraction(1, 3), 5, signs=[1])
    with pytest.raises(ValueError, match="x must be a decimal string or one of"):
        continued_fraction("not-a-number", 5)
    with pytest.raises(TypeError, match="x must be"):
        continued_fraction([1, 2], 5)
    with pytest.raises(ValueError, match="b must have at least"):
        convergents([1, 2, 3], [1])
    with pytest.raises(ValueError, match="a must not be empty"):
        evaluate_continued_fraction([])
    with pytest.raises(ValueError, match="zero denominator"):
        evaluate_continued_fraction([1, 1, 1], [1, -1])
    with pytest.raises(ValueError, match="depth must be >= 2"):
        pcf_limit([1], [1], 1, 10)


def test_pcf_limit_known_values():
    # 4/pi = 1 + 1^2/(3 + 2^2/(5 + ...))
    value, rate = pcf_limit([1, 2], [0, 0, 1], 400, 50)
    with mpmath.workdps(60):
        assert abs(value - 4 / mpmath.pi) < mpmath.mpf(10) ** -40
    assert 0.5 < rate < 1.0
    # e - 1 ... the simple CF of e/(e-2)? use 1/(e-2): a(n) = n + 1, b(n) = n
    value, rate = pcf_limit([1, 1], [0, 1], 300, 50)
    with mpmath.workdps(60):
        assert abs(value - 1 / (mpmath.e - 2)) < mpmath.mpf(10) ** -40
    assert rate > 1


# --------------------------------------------------------------------- ESMA ---


@pytest.fixture(scope="module")
def esma_e():
    return esma_search("e")


def test_esma_targets_on_e(esma_e):
    no_prefix = esma_search("e", allow_prefix=False)
    assert len(no_prefix) >= 13
    assert all(not c.prefix for c in no_prefix)
    assert len(esma_e) >= 83
    # a value with a prefix-free formula keeps that one when prefixes are allowed
    assert sum(1 for c in esma_e if not c.prefix) == len(no_prefix)
    lhs = {(c.lhs, c.signs) for c in no_prefix}
    assert ("e/(e - 1)", (1, -1)) in lhs
    values = [c.value for c in esma_e]
    assert len(set(values)) == len(values)  # deduplicated by value


def test_esma_conjectures_reverify_at_higher_precision(esma_e):
    with mpmath.workdps(400):
        c = mpmath.e
        for conj in esma_e:
            lhs = sum(a * c**i for i, a in enumerate(conj.numerator)) / sum(
                a * c**i for i, a in enumerate(conj.denominator)
            )
            rhs = conj.evaluate(1500)
            err = abs(mpmath.mpf(rhs.numerator) / rhs.denominator - lhs)
            assert err < mpmath.mpf(10) ** -150, conj.lhs
            assert conj.verified_digits >= 100
            # the first terms regenerate the certified expansion
            assert conj.terms(40) == continued_fraction(
                lambda d: lhs, 40, signs=conj.signs, digits=300
            )


def test_conjecture_text_and_latex(esma_e):
    conj = next(c for c in esma_e if c.lhs == "e/(e - 1)")
    text = str(conj)
    assert text.startswith("e/(e - 1) = ") and "signs" in text
    tex = conj.latex()
    assert r"\frac{e}{e - 1}" in tex and r"\cfrac" in tex
    a, b = conj.pcf_terms(6)
    assert len(a) == 6 and len(b) == 5 and b[0] == conj.signs[0]
    assert isinstance(conj, Conjecture) and "Conjecture(" in repr(conj)


def test_esma_callable_and_other_constant():
    found = esma_search(lambda d: mpmath.e, sign_periods=(1,), allow_prefix=False)
    assert found and all(c.constant == "c" for c in found)
    assert any(c.lhs == "c - 1" for c in found)
    tan = esma_search("tan1", coeff_limit=1, sign_periods=(1,))
    assert any(c.lhs == "tan1" for c in tan)


def test_esma_parallel_matches_serial():
    serial = esma_search("e", coeff_limit=1, sign_periods=(1,))
    parallel = esma_search("e", coeff_limit=1, sign_periods=(1,), n_jobs=2)
    assert [c.lhs for c in serial] == [c.lhs for c in parallel]


def test_esma_bad_input():
    with pytest.raises(ValueError, match="constant must be one of"):
        esma_search("nope")
    with pytest.raises(TypeError, match="constant must be"):
        esma_search(3)
    with pytest.raises(ValueError, match="verify_digits must be <= digits"):
        esma_search("e", digits=50, verify_digits=100)
    with pytest.raises(ValueError, match="depth must be >= 8"):
        esma_search("e", depth=3)
    with pytest.raises(ValueError, match="sign_periods must be in"):
        esma_search("e", sign_periods=(0,))


def test_tour_runs():
    from numalg._tour import run_family

    row = run_family("sequences")
    assert row.family == "sequences"
    assert row.error < 1e-100
