"""numalg.hadamard: dense FWHT against the dense Hadamard product, SPRIGHT against
the dense FWHT, the estimator, and bad input."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from numalg.hadamard import SparseWalshHadamard, SparseWHTResult, fwht, ifwht, sparse_wht, walsh_expansion
from numalg.hadamard import _sparse
from reference import fwht_dense, walsh_signal

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@given(st.data())
def test_fwht_matches_dense_hadamard(data):
    k = data.draw(st.integers(0, 10))
    x = data.draw(arrays(np.float64, 1 << k, elements=finite))
    np.testing.assert_allclose(fwht(x), scipy.linalg.hadamard(1 << k) @ x, rtol=1e-9, atol=1e-9)


@given(st.data())
def test_fwht_reference_agrees_with_scipy(data):
    k = data.draw(st.integers(0, 6))
    x = data.draw(arrays(np.float64, 1 << k, elements=finite))
    np.testing.assert_allclose(fwht_dense(x), scipy.linalg.hadamard(1 << k) @ x, atol=1e-9)


@pytest.mark.parametrize("k", [13, 14, 15, 16, 17])
def test_fwht_large_sizes_cross_the_cache_block(k):
    # Above the in-cache block the kernel recurses on quarters; compare against
    # a transform split by hand: H_{2n} [a; b] = [H a + H b; H a - H b].
    rng = np.random.default_rng(k)
    x = rng.standard_normal(1 << k)
    half = 1 << (k - 1)
    a, b = fwht(x[:half]), fwht(x[half:])
    np.testing.assert_allclose(fwht(x), np.concatenate([a + b, a - b]), rtol=1e-12, atol=1e-9)


@given(st.data())
def test_inverse_linearity_parseval(data):
    k = data.draw(st.integers(0, 9))
    x = data.draw(arrays(np.float64, 1 << k, elements=finite))
    y = data.draw(arrays(np.float64, 1 << k, elements=finite))
    c = data.draw(finite)
    np.testing.assert_allclose(ifwht(fwht(x)), x, atol=1e-9)
    np.testing.assert_allclose(fwht(x + c * y), fwht(x) + c * fwht(y), atol=1e-6 * (1 + abs(c)))
    xn = fwht(x, normalize=True)
    np.testing.assert_allclose(np.dot(xn, xn), np.dot(x, x), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fwht(xn, normalize=True), x, atol=1e-9)
    np.testing.assert_allclose(ifwht(xn, normalize=True), x, atol=1e-9)


@given(st.data())
def test_batched_equals_per_row_on_any_axis(data):
    k = data.draw(st.integers(0, 7))
    rows = data.draw(st.integers(1, 4))
    X = data.draw(arrays(np.float64, (rows, 1 << k), elements=finite))
    expected = np.stack([fwht(r) for r in X])
    np.testing.assert_allclose(fwht(X), expected, atol=1e-9)
    np.testing.assert_allclose(fwht(X.T, axis=0), expected.T, atol=1e-9)
    np.testing.assert_allclose(fwht(X[None], axis=2)[0], expected, atol=1e-9)


def test_float32_stays_float32_and_ints_become_float64():
    x = np.arange(8, dtype=np.float32)
    assert fwht(x).dtype == np.float32
    np.testing.assert_allclose(fwht(x), fwht(x.astype(np.float64)), rtol=1e-6)
    assert fwht(np.arange(8)).dtype == np.float64


def test_out_and_in_place():
    x = np.arange(8.0)
    expected = fwht(x)
    out = np.empty(8)
    assert fwht(x, out=out) is out
    np.testing.assert_array_equal(out, expected)
    fwht(x, out=x)
    np.testing.assert_array_equal(x, expected)


def test_input_is_not_modified():
    x = np.arange(16.0)
    fwht(x)
    np.testing.assert_array_equal(x, np.arange(16.0))


@pytest.mark.parametrize(
    "x, kwargs, exc, msg",
    [
        (np.ones(6), {}, ValueError, "must be a power of two, got 6"),
        (np.ones(0), {}, ValueError, "must not be empty"),
        (np.ones((4, 3)), {}, ValueError, "along axis 1 must be a power of two"),
        (np.array([1.0, np.nan]), {}, ValueError, "finite"),
        (np.ones(4, dtype=complex), {}, TypeError, "real float32/float64"),
        ("abcd", {}, TypeError, "numeric array"),
        (np.float64(1.0), {}, ValueError, "at least one dimension"),
        (np.ones(4), {"axis": 2}, ValueError, "axis 2 is out of bounds"),
        (np.ones(4), {"out": np.ones(4, dtype=np.float32)}, ValueError, "out must be an ndarray"),
    ],
)
def test_bad_input(x, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        fwht(x, **kwargs)


def test_tour_row():
    from numalg._tour import run_family

    row = run_family("hadamard")
    assert row.error < 0.05 and row.time > 0 and row.speedup > 1


# --------------------------------------------------------------------------- SPRIGHT


def _random_spectrum(rng, n_bits, K, small=False):
    """K distinct indices and values of both signs; ``small`` mixes in tiny magnitudes."""
    if n_bits <= 20:
        k = rng.choice(1 << n_bits, size=K, replace=False).astype(np.uint64)
    else:
        k = np.unique(rng.integers(0, 1 << n_bits, size=K, dtype=np.uint64))
    mag = rng.uniform(0.5, 2.0, size=k.shape[0])
    if small:
        mag = np.where(rng.random(k.shape[0]) < 0.3, 10.0 ** rng.uniform(-4, -2, k.shape[0]), mag)
    return k, rng.choice([-1.0, 1.0], size=k.shape[0]) * mag


def _callable(k, v, sd=0.0, rng=None, calls=None):
    def signal(m):
        assert m.dtype == np.uint64 and m.ndim == 1
        if calls is not None:
            calls.append(m.shape[0])
        par = np.bitwise_count(m[:, None] & k[None, :]) & 1
        out = (1.0 - 2.0 * par) @ v
        return out + sd * rng.standard_normal(m.shape[0]) if sd else out

    return signal


def _dense_spectrum(x):
    return fwht(x) / x.shape[0]


@settings(max_examples=30)
@given(st.data())
def test_sparse_wht_noiseless_matches_dense_fwht(data):
    n_bits = data.draw(st.integers(1, 11), label="n_bits")
    K = data.draw(st.integers(1, min(1 << n_bits, 40)), label="K")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    k, v = _random_spectrum(rng, n_bits, K, small=data.draw(st.booleans(), label="small"))
    X = np.zeros(1 << n_bits)
    X[k.astype(np.intp)] = v
    x = fwht(X)  # the dense signal: x[m] = sum_k X_k (-1)^popcount(m & k)
    res = sparse_wht(x, n_bits, K, method="noiseless", random_state=seed + 1)
    dense = _dense_spectrum(x)
    support = np.flatnonzero(np.abs(dense) > 1e-9 * np.abs(dense).max())
    assert res.converged
    np.testing.assert_array_equal(res.indices, support.astype(np.uint64))
    np.testing.assert_allclose(res.values, dense[support], rtol=1e-9, atol=1e-12 * np.abs(v).max())


@pytest.mark.parametrize("method", ["nso", "ml"])
def test_sparse_wht_noisy_recovers_support_at_high_snr(method):
    rng = np.random.default_rng(3)
    n_bits, K = 12, 12
    k, v = _random_spectrum(rng, n_bits, K)
    v = np.sign(v)  # unit magnitudes, SNR = 1 / sd^2
    sd = 10 ** (-15 / 20)  # 15 dB
    res = sparse_wht(_callable(k, v, sd, rng), n_bits, K, method=method, random_state=1)
    np.testing.assert_array_equal(res.indices, np.sort(k))
    order = np.argsort(k)
    np.testing.assert_allclose(res.values, v[order], atol=0.1)
    # The noise estimate is close to the truth.
    assert 0.7 * sd < res.noise_sd < 1.4 * sd
    # With the true noise level given, the same.
    res2 = sparse_wht(_callable(k, v, sd, rng), n_bits, K, method=method, noise_sd=sd, random_state=2)
    np.testing.assert_array_equal(res2.indices, np.sort(k))


@settings(max_examples=12)
@given(st.data())
def test_sparse_wht_noisy_property_high_snr(data):
    n_bits = data.draw(st.integers(6, 16), label="n_bits")
    K = data.draw(st.integers(1, min(1 << (n_bits - 2), 30)), label="K")
    method = data.draw(st.sampled_from(["nso", "ml"]), label="method")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    k, v = _random_spectrum(rng, n_bits, K)
    sd = np.sqrt(np.mean(v**2)) * 10 ** (-20 / 20)  # SNR 20 dB
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        res = sparse_wht(_callable(k, v, sd, rng), n_bits, K, method=method, random_state=seed + 1)
    np.testing.assert_array_equal(res.indices, np.sort(k))
    np.testing.assert_allclose(res.values, v[np.argsort(k)], atol=6 * sd)


def test_sparse_wht_detection_threshold_noiseless():
    # Relative to the signal's scale, 1e-6 is well above the noiseless
    # detection level (1e-9 of the RMS sample) and 1e-14 below it.
    k = np.array([3, 77, 1000, 4095], dtype=np.uint64)
    v = np.array([1.0, -1.0, 1e-6, -1e-14])
    res = sparse_wht(_callable(k, v), 12, 4, method="noiseless", random_state=0)
    assert res.converged
    np.testing.assert_array_equal(res.indices, k[:3])
    np.testing.assert_allclose(res.values, v[:3], rtol=1e-6)


def test_sparse_wht_noisy_against_dense_spectrum():
    # Noisy dense signal of length 2^10: the recovered values are close to the
    # dense FWHT of the noisy signal on the true support.
    rng = np.random.default_rng(5)
    n_bits, K = 10, 8
    k, v = _random_spectrum(rng, n_bits, K)
    X = np.zeros(1 << n_bits)
    X[k.astype(np.intp)] = np.sign(v) * 2.0
    x = fwht(X) + 0.3 * rng.standard_normal(1 << n_bits)
    res = sparse_wht(x, n_bits, K, random_state=0)
    np.testing.assert_array_equal(res.indices, np.sort(k))
    dense = _dense_spectrum(x)[res.indices.astype(np.intp)]
    np.testing.assert_allclose(res.values, dense, atol=0.15)


@pytest.mark.parametrize("n_bits", [30, 47, 62])
def test_sparse_wht_huge_n_uint64_indices(n_bits):
    rng = np.random.default_rng(n_bits)
    k, v = _random_spectrum(rng, n_bits, 20)
    k[0] = np.uint64((1 << n_bits) - 1)  # the top index, all bits set
    calls = []
    res = sparse_wht(_callable(k, v, calls=calls), n_bits, 20, method="noiseless", random_state=0)
    order = np.argsort(k)
    assert res.indices.dtype == np.uint64
    np.testing.assert_array_equal(res.indices, k[order])
    np.testing.assert_allclose(res.values, v[order], rtol=1e-9)
    assert res.n_samples == sum(calls) < 50 * 20 * (n_bits + 2)
    assert res.converged and res.n_peeling_rounds == res.n_iter >= 1
    assert res.history["n_found"][-1] == 20
    assert isinstance(res, SparseWHTResult) and "indices=" in repr(res)


def test_sparse_wht_counts_samples_and_is_seeded():
    rng = np.random.default_rng(0)
    k, v = _random_spectrum(rng, 20, 100)
    calls = []
    res = sparse_wht(_callable(k, v, calls=calls), 20, 100, method="noiseless", random_state=7)
    assert res.n_samples == sum(calls) <= 5000
    again = sparse_wht(_callable(k, v), 20, 100, method="noiseless", random_state=7)
    np.testing.assert_array_equal(res.indices, again.indices)
    assert res.n_samples == again.n_samples


def test_sparse_wht_reference_signal_convention():
    # signal(m) = sum_k X_k (-1)^popcount(m & k), bit j of an index = column j.
    k = np.array([0, 5, 12], dtype=np.uint64)
    v = np.array([1.0, -2.0, 0.25])
    m = np.arange(16, dtype=np.uint64)
    np.testing.assert_allclose(walsh_expansion(k, v, m), walsh_signal(k, v, m))
    X = np.zeros(16)
    X[[0, 5, 12]] = v
    np.testing.assert_allclose(walsh_signal(k, v, m), fwht(X))


def test_query_indices_kernel():
    # query_indices writes M l XOR d for every group, delay and l.
    cols = np.array([[1, 6, 0], [3, 8, 16]], dtype=np.uint64)
    n_cols = np.array([2, 3], dtype=np.int64)
    delays = np.array([0, 9], dtype=np.uint64)
    out = np.empty(2 * 4 + 2 * 8, dtype=np.uint64)
    _sparse.query_indices(cols, n_cols, delays, out)
    expected = []
    for c, b in enumerate(n_cols):
        for d in delays:
            for l in range(1 << b):
                m = 0
                for r in range(b):
                    if (l >> r) & 1:
                        m ^= int(cols[c, r])
                expected.append(m ^ int(d))
    np.testing.assert_array_equal(out, np.array(expected, dtype=np.uint64))


def test_sparse_wht_denser_than_sparsity_warns():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(1 << 10)  # a dense spectrum
    with pytest.warns(ConvergenceWarning, match="unresolved"):
        res = sparse_wht(x, 10, 2, method="noiseless", random_state=0)
    assert not res.converged


def test_sparse_wht_full_sparsity_is_exact():
    rng = np.random.default_rng(2)
    x = rng.standard_normal(1 << 5)
    res = sparse_wht(x, 5, 32, method="noiseless", random_state=0)
    np.testing.assert_array_equal(res.indices, np.arange(32, dtype=np.uint64))
    np.testing.assert_allclose(res.values, _dense_spectrum(x), rtol=1e-9, atol=1e-12)


def test_sparse_wht_zero_signal():
    res = sparse_wht(lambda m: np.zeros(m.shape[0]), 12, 4, method="noiseless", random_state=0)
    assert res.indices.size == 0 and res.converged


def test_sparse_wht_explicit_design():
    rng = np.random.default_rng(4)
    k, v = _random_spectrum(rng, 16, 10)
    res = sparse_wht(_callable(k, v), 16, 10, bins=32, n_delays=40, n_groups=4, random_state=0)
    np.testing.assert_array_equal(res.indices, np.sort(k))
    assert res.n_delays == 40 and list(res.n_bins[:4]) == [32] * 4
    assert res.n_samples == 4 * 32 * 40


def _nan_signal(m):
    out = np.ones(m.shape[0])
    out[0] = np.nan
    return out


@pytest.mark.parametrize(
    "signal, n_bits, sparsity, kwargs, exc, msg",
    [
        (np.ones(8), 0, 1, {}, ValueError, "n_bits must be in \\[1, 62\\]"),
        (np.ones(8), 63, 1, {}, ValueError, "n_bits must be in \\[1, 62\\]"),
        (np.ones(8), 3.0, 1, {}, TypeError, "n_bits must be an integer"),
        (np.ones(8), 3, 0, {}, ValueError, "sparsity must be in \\[1, 8\\]"),
        (np.ones(8), 3, 9, {}, ValueError, "sparsity must be in \\[1, 8\\]"),
        (np.ones(8), 3, 1, {"method": "fast"}, ValueError, "method must be one of"),
        (np.ones(8), 3, 1, {"bins": 3}, ValueError, "bins must be a power of two"),
        (np.ones(8), 3, 1, {"bins": 16}, ValueError, "bins must be in"),
        (np.ones(8), 3, 1, {"bins": "many"}, ValueError, "bins must be one of"),
        (np.ones(8), 3, 1, {"n_delays": 2}, ValueError, "n_delays must be >= 4"),
        (np.ones(8), 3, 1, {"noise_sd": -1.0}, ValueError, "noise_sd must be >= 0"),
        (np.ones(8), 3, 1, {"n_groups": 0}, ValueError, "n_groups must be"),
        (np.ones(8), 3, 1, {"random_state": "x"}, TypeError, "random_state"),
        (np.ones(7), 3, 1, {}, ValueError, "length 2\\*\\*n_bits = 8"),
        ("abc", 3, 1, {}, TypeError, "signal must be a callable"),
        (lambda m: np.ones(3), 10, 2, {}, ValueError, "signal must return an array of shape"),
        (lambda m: np.ones((m.shape[0], 1)), 10, 2, {}, ValueError, "signal must return an array of shape"),
        (_nan_signal, 10, 2, {}, ValueError, "non-finite"),
        (lambda m: np.ones(m.shape[0], dtype=complex), 10, 2, {}, TypeError, "real numbers"),
        (lambda m: np.ones(m.shape[0]), 40, 1, {"method": "ml"}, ValueError, "method='ml' searches"),
        (lambda m: np.ones(m.shape[0]), 30, 1 << 30, {}, ValueError, "would query the signal"),
    ],
)
def test_sparse_wht_bad_input(signal, n_bits, sparsity, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        sparse_wht(signal, n_bits, sparsity, **kwargs)


def test_walsh_expansion_bad_input():
    with pytest.raises(ValueError, match="same length"):
        walsh_expansion([1, 2], [1.0], [0])
    with pytest.raises(ValueError, match="m must be 1-D"):
        walsh_expansion([1], [1.0], [[0]])


# ------------------------------------------------------------------------- estimator


def _fitted(method="noiseless", **kw):
    rng = np.random.default_rng(11)
    k, v = _random_spectrum(rng, 14, 10)
    est = SparseWalshHadamard(14, 10, method=method, random_state=0, **kw)
    return est.fit(_callable(k, v)), k, v


def test_estimator_fit_predict():
    est, k, v = _fitted()
    np.testing.assert_array_equal(est.support_, np.sort(k))
    assert est.n_samples_ == est.result_.n_samples and est.converged_ and est.n_iter_ >= 1
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, size=(50, 14))
    idx = (bits.astype(np.uint64) << np.arange(14, dtype=np.uint64)).sum(axis=1).astype(np.uint64)
    truth = walsh_signal(k, v, idx)
    np.testing.assert_allclose(est.predict(bits), truth, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(est.predict(idx), truth, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(est.predict(idx.astype(np.int64)), truth, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(est.predict(bits.astype(bool)), truth, rtol=1e-9, atol=1e-9)
    assert est.score(bits, truth) == pytest.approx(1.0)
    assert est.predict(np.zeros((0, 14))).shape == (0,)


def test_estimator_intercept():
    est = SparseWalshHadamard(8, 2, method="noiseless", random_state=0)
    est.fit(lambda m: 1.5 + (1.0 - 2.0 * (m & np.uint64(1))))
    assert est.intercept_ == pytest.approx(1.5)
    np.testing.assert_array_equal(est.support_, [0, 1])


def test_estimator_clone_pickle_params():
    est = SparseWalshHadamard(14, 10, method="ml", noise_sd=0.1, random_state=3)
    params = est.get_params()
    assert params["n_bits"] == 14 and params["sparsity"] == 10 and params["method"] == "ml"
    c = clone(est)
    assert c.get_params() == params and c is not est
    est.set_params(method="noiseless", noise_sd=None)
    assert est.method == "noiseless"
    fitted, k, v = _fitted()
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.coef_, fitted.coef_)
    np.testing.assert_array_equal(again.predict(np.arange(20)), fitted.predict(np.arange(20)))
    assert not hasattr(clone(fitted), "coef_")
    assert "SparseWalshHadamard(" in repr(est)


def test_estimator_not_in_all_estimators_and_not_fitted():
    import numalg

    assert "SparseWalshHadamard" not in dict(numalg.all_estimators())
    with pytest.raises(NotFittedError):
        SparseWalshHadamard(4, 2).predict(np.zeros((1, 4)))


@pytest.mark.parametrize(
    "X, exc, msg",
    [
        (np.full((2, 14), 2), ValueError, "0/1 matrix"),
        (np.zeros((2, 13)), ValueError, "shape"),
        (np.array([1.5]), TypeError, "integer indices"),
        (np.array([-1]), ValueError, "non-negative"),
        (np.array([1 << 14]), ValueError, "below 2\\*\\*n_bits"),
    ],
)
def test_estimator_predict_bad_input(X, exc, msg):
    est, _, _ = _fitted()
    with pytest.raises(exc, match=msg):
        est.predict(X)


def test_estimator_fit_validates():
    with pytest.raises(ValueError, match="n_bits"):
        SparseWalshHadamard(0, 1).fit(np.ones(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SparseWalshHadamard(3, 8, method="noiseless", random_state=0).fit(np.arange(8.0))


def test_fwht_nan_in_place_and_overflow():
    x = np.array([1.0, np.nan, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        fwht(x, out=x)
    with pytest.raises(ValueError, match="finite"):
        fwht(np.array([[1.0, 2.0], [np.inf, -np.inf]]))
    # Huge finite values overflow to IEEE infinities rather than being rejected.
    y = fwht(np.array([1e308, 1e308]))
    assert y[0] == np.inf and y[1] == 0.0


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 9, 11, 12, 14, 15, 18])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fwht_kernel_levels_against_radix2(k, dtype):
    # Sizes around the leaf (2^11) and the radix-8 levels, both dtypes, with a scale.
    rng = np.random.default_rng(k)
    x = rng.standard_normal(1 << k)
    y = x.copy()
    h = 1
    while h < x.shape[0]:  # plain radix-2 butterflies
        y = y.reshape(-1, 2, h)
        y = np.stack((y[:, 0] + y[:, 1], y[:, 0] - y[:, 1]), axis=1)
        h *= 2
    y = y.reshape(-1)
    got = fwht(x.astype(dtype), normalize=True)
    tol = 1e-12 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(got, y / np.sqrt(x.shape[0]), rtol=tol, atol=tol * np.sqrt(k + 1))
