"""numalg.hadamard: dense FWHT against the dense Hadamard product, and bad input."""

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from numalg.hadamard import fwht, ifwht
from reference import fwht_dense

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
    assert row.error < 1e-12 and row.time > 0
