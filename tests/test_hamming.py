"""numalg.hamming: every method against the naive reference, edge cases, bad input."""

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numalg.hamming import approximate_hamming_distances, hamming_distances, k_mismatch
from reference import hamming_distances_naive

METHODS = ["naive", "fft", "sparse", "abrahamson", "auto"]
I64 = np.iinfo(np.int64)


@st.composite
def int_text_pattern(draw, max_n=60, dtypes=("int64", "uint8", "int8", "int16", "uint16", "int32", "uint64")):
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    info = np.iinfo(dtype)
    n_sym = draw(st.integers(1, 12))
    huge = draw(st.booleans())
    if huge:  # symbols near the dtype's limits
        lo, hi = int(info.min), int(info.max)
        alphabet = draw(
            st.lists(st.sampled_from([lo, lo + 1, hi - 1, hi, 0, 1, -1 if lo < 0 else 2]),
                     min_size=1, max_size=n_sym, unique=True)
        )
    else:
        alphabet = draw(st.lists(st.integers(max(int(info.min), -50), min(int(info.max), 50)),
                                 min_size=1, max_size=n_sym, unique=True))
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, n))
    t = np.array(draw(st.lists(st.sampled_from(alphabet), min_size=n, max_size=n)), dtype=dtype)
    p = np.array(draw(st.lists(st.sampled_from(alphabet), min_size=m, max_size=m)), dtype=dtype)
    wild = draw(st.one_of(st.none(), st.sampled_from(alphabet)))
    return t, p, wild


@pytest.mark.parametrize("method", METHODS)
@given(data=int_text_pattern())
def test_integer_arrays_match_reference(method, data):
    t, p, wild = data
    expected = hamming_distances_naive(t, p, wild)
    got = hamming_distances(t, p, method=method, wildcard=wild)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("method", METHODS)
@given(
    t=st.text(alphabet="ACGTNé漢😀", min_size=1, max_size=50),
    data=st.data(),
)
def test_unicode_strings_with_wildcards(method, t, data):
    m = data.draw(st.integers(1, len(t)))
    p = data.draw(st.text(alphabet="ACGTNé漢😀", min_size=m, max_size=m))
    wild = data.draw(st.sampled_from([None, "N", "😀"]))
    np.testing.assert_array_equal(
        hamming_distances(t, p, method=method, wildcard=wild), hamming_distances_naive(t, p, wild)
    )


@pytest.mark.parametrize("method", METHODS)
@given(t=st.binary(min_size=1, max_size=80), data=st.data())
def test_bytes_match_reference(method, t, data):
    m = data.draw(st.integers(1, len(t)))
    p = data.draw(st.binary(min_size=m, max_size=m))
    wild = data.draw(st.one_of(st.none(), st.integers(0, 255), st.binary(min_size=1, max_size=1)))
    np.testing.assert_array_equal(
        hamming_distances(t, p, method=method, wildcard=wild), hamming_distances_naive(t, p, wild)
    )


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("sigma", [1, 2, 4, 26, 300, 70000])
def test_larger_random_problems(method, sigma, rng):
    # crosses the 64-bit word boundaries, several FFT blocks, uint16/uint32 codes
    n, m = 9000, int(rng.integers(60, 700))
    t = rng.integers(0, sigma, n)
    p = rng.integers(0, sigma, m)
    p[:5] = t[100:105]
    wild = int(t[7]) if sigma > 2 else None
    ref = hamming_distances(t, p, method="naive", wildcard=wild)
    # the naive method itself is checked against the reference on a prefix
    np.testing.assert_array_equal(ref[:50], hamming_distances_naive(t[: 50 + m - 1], p, wild))
    np.testing.assert_array_equal(hamming_distances(t, p, method=method, wildcard=wild), ref)


def test_bit_and_loop_kernels_agree(rng):
    from numalg.hamming import _distances as dd

    t = rng.integers(0, 40, 3000)
    p = rng.integers(0, 40, 130)
    for wild in (None, 3):
        c = dd._encode(*dd._prepare(t, p, wild))
        out = np.empty(c.n - c.m + 1, dtype=np.int64)
        dd._kernels.naive_loop(c.t, c.p, c.wild, out)
        np.testing.assert_array_equal(out, dd._naive(c))
        np.testing.assert_array_equal(out, hamming_distances_naive(t, p, wild))


def test_fft_is_exact_at_large_m():
    rng = np.random.default_rng(1)
    m = 1_000_000
    n = m + 300
    t = rng.integers(0, 2, n, dtype=np.uint8)
    p = t[150 : 150 + m].copy()
    flip = rng.choice(m, 12345, replace=False)
    p[flip] ^= 1
    D = hamming_distances(t, p, method="fft")
    assert D[150] == 12345
    # distances against the bit-parallel kernel, which counts integers
    np.testing.assert_array_equal(D[140:160], hamming_distances(t[140 : 160 + m - 1], p, method="naive"))


@pytest.mark.parametrize("method", METHODS)
def test_m_equals_one_and_m_equals_n(method):
    np.testing.assert_array_equal(hamming_distances("abca", "a", method=method), [0, 1, 1, 0])
    np.testing.assert_array_equal(hamming_distances("abca", "abcb", method=method), [1])
    np.testing.assert_array_equal(hamming_distances("aaaa", "aa", method=method), [0, 0, 0])
    np.testing.assert_array_equal(hamming_distances("NNNN", "AN", method=method, wildcard="N"), [0, 0, 0])


def test_n_jobs_gives_the_same_result(rng):
    t = rng.integers(0, 4, 200_000)
    p = rng.integers(0, 4, 50)
    np.testing.assert_array_equal(hamming_distances(t, p, n_jobs=2), hamming_distances(t, p))


def test_mixed_integer_dtypes():
    t = np.array([2**63 + 5, 1, 2**63 + 5], dtype=np.uint64)
    p = np.array([-1, 1], dtype=np.int64)
    np.testing.assert_array_equal(hamming_distances(t, p), [1, 2])
    p2 = np.array([2**63 + 5], dtype=np.uint64)
    np.testing.assert_array_equal(hamming_distances(t, p2), [0, 1, 0])
    np.testing.assert_array_equal(hamming_distances([1, 2, 3], np.array([2], np.int8)), [1, 0, 1])


# ------------------------------------------------------------------ k-mismatch


@pytest.mark.parametrize("method", ["auto", "filter", "verify", "exact"])
@given(data=int_text_pattern(max_n=80, dtypes=("int64", "uint8")), k=st.integers(0, 10))
def test_k_mismatch_equals_filtered_distances(method, data, k):
    t, p, _ = data
    D = hamming_distances_naive(t, p)
    pos, dist = k_mismatch(t, p, k, method=method)
    np.testing.assert_array_equal(pos, np.flatnonzero(D <= k))
    np.testing.assert_array_equal(dist, D[D <= k])


@pytest.mark.parametrize("k", [0, 3, 20, 200])
def test_k_mismatch_dna(k, rng):
    t = rng.integers(0, 4, 50_000).astype(np.uint8)
    p = t[1234 : 1234 + 300].copy()
    p[rng.choice(300, min(k, 300) // 2, replace=False)] ^= 1
    D = hamming_distances(t, p)
    for method in ("auto", "filter", "verify"):
        pos, dist = k_mismatch(t, p, k, method=method)
        np.testing.assert_array_equal(pos, np.flatnonzero(D <= k))
        np.testing.assert_array_equal(dist, D[pos])
    assert 1234 in pos


# ----------------------------------------------------------------- approximate


@pytest.mark.parametrize("method", ["karloff", "kopelowitz_porat"])
def test_approximation_within_bound(method, rng):
    t = rng.integers(0, 30, 3000)
    p = rng.integers(0, 30, 200)
    p[:150] = t[500:650]
    eps = 0.3 if method == "karloff" else 0.2
    est = approximate_hamming_distances(t, p, eps, method=method, random_state=0)
    D = hamming_distances(t, p)
    assert est.dtype == np.float64
    inside = np.abs(est - D) <= eps * D + 1e-9
    assert inside.mean() >= 0.99


@pytest.mark.parametrize("method", ["karloff", "kopelowitz_porat"])
def test_approximation_is_seeded_and_exact_on_tiny_alphabets(method):
    t, p = "abcabcabd" * 20, "abd"
    a = approximate_hamming_distances(t, p, 0.5, method=method, random_state=3)
    b = approximate_hamming_distances(t, p, 0.5, method=method, random_state=3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(approximate_hamming_distances("0110" * 10, "011", 0.5, method=method),
                                  hamming_distances("0110" * 10, "011"))


# ------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "text, pattern, kwargs, exc, match",
    [
        ("ab", "abc", {}, ValueError, "pattern must not be longer than text"),
        ("", "a", {}, ValueError, "text must not be empty"),
        ("abc", "", {}, ValueError, "pattern must not be empty"),
        (np.zeros((2, 3), int), [1], {}, ValueError, "text must be 1-D"),
        ([1, 2, 3], np.ones((1, 1), int), {}, ValueError, "pattern must be 1-D"),
        (np.array([1.0, 2.0]), [1], {}, TypeError, "text must be .*integers"),
        ([1, 2], np.array([1.5]), {}, TypeError, "pattern must be .*integers"),
        ("abc", b"ab", {}, TypeError, "same kind"),
        ("abc", [1, 2], {}, TypeError, "same kind"),
        ("abc", "ab", {"method": "magic"}, ValueError, "method must be one of"),
        ("abc", "ab", {"wildcard": "NN"}, TypeError, "wildcard"),
        (b"abc", b"ab", {"wildcard": 300}, TypeError, "wildcard"),
        ([1, 2, 3], [1], {"wildcard": 1.5}, TypeError, "wildcard"),
        ("abc", "ab", {"n_jobs": 0}, ValueError, "n_jobs"),
        (np.array(["a", "b"]), ["a"], {}, TypeError, "text"),
    ],
)
def test_bad_input(text, pattern, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        hamming_distances(text, pattern, **kwargs)


def test_bad_k_and_eps():
    with pytest.raises(ValueError, match="k must be >= 0"):
        k_mismatch("abc", "ab", -1)
    with pytest.raises(TypeError, match="k must be an integer"):
        k_mismatch("abc", "ab", 1.5)
    with pytest.raises(ValueError, match="method"):
        k_mismatch("abc", "ab", 1, method="nope")
    for eps in (0, 1, -0.5, 2.0):
        with pytest.raises(ValueError, match="eps"):
            approximate_hamming_distances("abc", "ab", eps)
    with pytest.raises(TypeError, match="eps"):
        approximate_hamming_distances("abc", "ab", "0.1")
    with pytest.raises(ValueError, match="method"):
        approximate_hamming_distances("abc", "ab", 0.1, method="nope")
    with pytest.raises(ValueError, match="pattern must not be longer"):
        k_mismatch("ab", "abc", 1)


def test_tour_row():
    import numalg._tour

    row = numalg._tour.run_family("hamming")
    assert row.family == "hamming"
    assert row.error == 0


# ------------------------------------------------------------------ vectorizer


def _dna(rng, n_seq=40, length=60, motif="ACGTTGCA"):
    seqs, y = [], []
    for i in range(n_seq):
        s = list(rng.choice(list("ACGT"), length))
        if i % 2:
            a = int(rng.integers(0, length - len(motif)))
            s[a : a + len(motif)] = motif
        seqs.append("".join(s))
        y.append(i % 2)
    return seqs, np.array(y)


def test_vectorizer_features_match_distances():
    from numalg.hamming import MismatchVectorizer

    seqs = ["ACGTACGT", "TTTAGTTT", "GG"]
    vec = MismatchVectorizer(motifs=["ACGT", "TTTT"])
    X = vec.fit_transform(seqs)
    for i, s in enumerate(seqs):
        for j, motif in enumerate(["ACGT", "TTTT"]):
            expect = hamming_distances_naive(s, motif).min() if len(s) >= 4 else 4
            assert X[i, j] == expect
    Xc = MismatchVectorizer(motifs=["ACGT", "TTTT"], statistic="count", max_mismatches=1).fit_transform(seqs)
    np.testing.assert_array_equal(Xc, [[2, 0], [0, 2], [0, 0]])
    assert list(vec.get_feature_names_out()) == ["motif_0_ACGT", "motif_1_TTTT"]
    # integer-array and bytes sequences
    Xi = MismatchVectorizer(motifs=[np.array([1, 2])]).fit_transform([np.array([1, 2, 3]), np.array([3, 3])])
    np.testing.assert_array_equal(Xi, [[0], [2]])
    Xb = MismatchVectorizer(motifs=[b"ab"], n_jobs=2).fit_transform([b"xab", b"bb", b"aa"])
    np.testing.assert_array_equal(Xb, [[0], [1], [1]])


def test_vectorizer_sklearn_conventions(rng):
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from numalg.hamming import MismatchVectorizer

    seqs, y = _dna(rng)
    vec = MismatchVectorizer(n_motifs=20, motif_length=8, random_state=0)
    params = vec.get_params()
    assert params["n_motifs"] == 20 and params["random_state"] == 0
    vec2 = clone(vec)
    assert vec2.get_params() == params
    vec2.set_params(n_motifs=5, statistic="count", max_mismatches=1)
    assert vec2.get_params()["n_motifs"] == 5
    with pytest.raises(NotFittedError):
        vec.transform(seqs)
    X = vec.fit_transform(seqs)
    assert X.shape == (40, 20) and len(vec.motifs_) == 20 and vec.n_features_out_ == 20
    np.testing.assert_array_equal(MismatchVectorizer(n_motifs=20, random_state=0).fit_transform(seqs), X)
    restored = pickle.loads(pickle.dumps(vec))
    np.testing.assert_array_equal(restored.transform(seqs), X)
    pipe = make_pipeline(
        MismatchVectorizer(motifs=["ACGTTGCA"], random_state=0), LogisticRegression()
    ).fit(seqs, y)
    assert pipe.score(seqs, y) == 1.0
    assert "MismatchVectorizer" not in [name for name, _ in __import__("numalg").all_estimators()]


def test_vectorizer_bad_input():
    from numalg.hamming import MismatchVectorizer

    with pytest.raises(TypeError, match="raw_sequences must be a list"):
        MismatchVectorizer(motifs=["a"]).fit("abc")
    with pytest.raises(ValueError, match="raw_sequences must contain"):
        MismatchVectorizer(motifs=["a"]).fit([])
    with pytest.raises(TypeError, match="one kind"):
        MismatchVectorizer(motifs=["a"]).fit(["abc", b"abc"])
    with pytest.raises(ValueError, match="statistic"):
        MismatchVectorizer(statistic="max").fit(["abc"])
    with pytest.raises(ValueError, match="n_motifs"):
        MismatchVectorizer(n_motifs=0).fit(["abc"])
    with pytest.raises(ValueError, match="motif_length"):
        MismatchVectorizer(motif_length=10).fit(["abc"])
    with pytest.raises(TypeError, match="motifs must be of the same kind"):
        MismatchVectorizer(motifs=[b"a"]).fit(["abc"])
    with pytest.raises(TypeError, match="kind seen in fit"):
        MismatchVectorizer(motifs=["a"]).fit(["abc"]).transform([b"abc"])


def test_python_integers_beyond_int64():
    t, p = [2**70, 1, 2**70, -(2**80)], [2**70, -(2**80)]
    for method in METHODS:
        np.testing.assert_array_equal(hamming_distances(t, p, wildcard=1, method=method), [0, 1, 0])
        np.testing.assert_array_equal(hamming_distances(t, p, method=method), hamming_distances_naive(t, p))
    pos, dist = k_mismatch(t, p, 0)
    np.testing.assert_array_equal(pos, [2])
    np.testing.assert_array_equal(dist, [0])


def test_fft_with_many_symbols_works_in_groups(monkeypatch, rng):
    from numalg.hamming import _distances as dd

    # spectra of 60 symbols, at most two at a time
    monkeypatch.setattr(dd, "_FFT_SPECTRA_BYTES", 2 * 16 * dd._fft_block_length(700))
    t = rng.integers(0, 60, 20_000)
    p = rng.integers(0, 60, 700)
    for wild in (None, 5):
        expected = hamming_distances(t, p, method="sparse", wildcard=wild)
        np.testing.assert_array_equal(hamming_distances(t, p, method="fft", wildcard=wild), expected)
        np.testing.assert_array_equal(hamming_distances(t, p, method="abrahamson", wildcard=wild), expected)
