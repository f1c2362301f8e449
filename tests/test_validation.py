"""The shared input checks of numalg._validation, messages included."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from numalg import _validation as v
from numalg._results import IterativeResult, Result


# ------------------------------------------------------------- check_array ---
def test_check_array_converts_ints_to_float64():
    out = v.check_array([[1, 2], [3, 4]], "X", ndim=2)
    assert out.dtype == np.float64 and out.flags.c_contiguous


def test_check_array_keeps_float32_when_allowed():
    x = np.ones(3, dtype=np.float32)
    assert v.check_array(x, "x", dtype=(np.float64, np.float32)).dtype == np.float32
    assert v.check_array(x, "x").dtype == np.float64


@pytest.mark.parametrize(
    "x, kwargs, exc, msg",
    [
        ([1.0, np.nan], {}, ValueError, "x must contain only finite values"),
        ([1.0, np.inf], {}, ValueError, "x must contain only finite values"),
        ([], {}, ValueError, "x must not be empty"),
        ([[1.0]], {"ndim": 1}, ValueError, "x must be 1-D, got a 2-D array"),
        ([1.0], {"ndim": (2, 3)}, ValueError, "x must be 2-D or 3-D"),
        (np.array([1 + 2j]), {}, TypeError, "x must have a real numeric dtype"),
        (np.array(["a"]), {}, TypeError, "x must have a real numeric dtype"),
        ("abc", {}, TypeError, "x must be numeric array-like"),
        (sp.eye(2), {}, TypeError, "x must be a dense array-like"),
        ([[1.0, 2.0]], {"shape": (None, 3)}, ValueError, r"x must have shape \(any, 3\)"),
        ([[1.0], [1.0, 2.0]], {}, ValueError, "x could not be converted"),
    ],
)
def test_check_array_errors(x, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        v.check_array(x, "x", **kwargs)


def test_check_array_allows_nan_when_asked():
    out = v.check_array([np.nan], "x", finite=False)
    assert np.isnan(out[0])


def test_check_array_copy_does_not_alias():
    x = np.zeros(3)
    assert v.check_array(x, "x", copy=True) is not x
    assert v.check_array(x, "x") is x


# ----------------------------------------------------- check_sparse_matrix ---
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "dok"])
def test_check_sparse_matrix_converts_every_format(fmt):
    A = sp.random(5, 4, density=0.5, format=fmt, random_state=0)
    out = v.check_sparse_matrix(A, "A", format="csc")
    assert out.format == "csc" and out.dtype == np.float64
    np.testing.assert_array_equal(out.toarray(), A.toarray())


def test_check_sparse_matrix_sums_duplicates_without_touching_input():
    A = sp.coo_matrix(([1.0, 2.0], ([0, 0], [1, 1])), shape=(2, 2))
    out = v.check_sparse_matrix(A, "A")
    assert out.nnz == 1 and out[0, 1] == 3.0
    assert A.nnz == 2


@pytest.mark.parametrize(
    "A, kwargs, exc, msg",
    [
        (np.eye(2), {}, TypeError, "A must be a SciPy sparse"),
        (sp.csr_matrix((0, 3)), {}, ValueError, "A must not be empty"),
        (sp.csr_matrix((2, 3)), {"square": True}, ValueError, "A must be square"),
        (sp.csr_matrix(np.array([[np.nan]])), {}, ValueError, "A must contain only finite"),
    ],
)
def test_check_sparse_matrix_errors(A, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        v.check_sparse_matrix(A, "A", **kwargs)


def test_check_matrix_accepts_both():
    assert isinstance(v.check_matrix([[1, 0], [0, 1]], "A"), np.ndarray)
    assert sp.issparse(v.check_matrix(sp.eye(2), "A"))
    with pytest.raises(ValueError, match="A must be square"):
        v.check_matrix(np.ones((2, 3)), "A", square=True)
    with pytest.raises(ValueError, match="A must be a square matrix"):
        v.check_square(np.ones((2, 3)), "A")


# ------------------------------------------------ check_probability_vector ---
def test_probability_vector_ok():
    np.testing.assert_array_equal(v.check_probability_vector([1, 3], "a"), [1.0, 3.0])


@pytest.mark.parametrize(
    "p, kwargs, msg",
    [
        ([-0.1, 1.1], {}, "a must be non-negative"),
        ([0.0, 1.0], {"allow_zero": False}, "a must be strictly positive"),
        ([0.0, 0.0], {}, "a must have a positive sum"),
        ([0.5, 0.6], {"total": 1.0}, r"a must sum to 1 \(relative tolerance 1e-06\)"),
        ([0.5, 0.5], {"size": 3}, "a must have length 3"),
        ([np.nan, 1.0], {}, "a must contain only finite"),
    ],
)
def test_probability_vector_errors(p, kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        v.check_probability_vector(p, "a", **kwargs)


# ------------------------------------------------------- check_int_sequence ---
def test_int_sequence_accepts_python_ints_and_numpy_ints():
    assert v.check_int_sequence([1, 2], "s").dtype == np.int64
    assert v.check_int_sequence(np.array([1, 2], dtype=np.uint8), "s").dtype == np.int64


@pytest.mark.parametrize(
    "seq, kwargs, exc, msg",
    [
        ([1.5, 2.0], {}, TypeError, "s must have an integer dtype"),
        ([True, False], {}, TypeError, "s must have an integer dtype"),
        ("abc", {}, TypeError, "s must be a sequence of integers"),
        ([], {}, ValueError, "s must not be empty"),
        ([[1, 2]], {}, ValueError, "s must be 1-D"),
        ([2**70, 1], {}, ValueError, "s has integers outside the int64 range"),
        ([1, 5], {"max_value": 3}, ValueError, "s must be <= 3"),
        ([-1, 5], {"min_value": 0}, ValueError, "s must be >= 0"),
    ],
)
def test_int_sequence_errors(seq, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        v.check_int_sequence(seq, "s", **kwargs)


# ------------------------------------------------------- check_random_state ---
@given(st.integers(0, 2**32))
def test_random_state_same_seed_same_stream(seed):
    a = v.check_random_state(seed).standard_normal(3)
    b = v.check_random_state(seed).standard_normal(3)
    np.testing.assert_array_equal(a, b)


def test_random_state_accepts_generator_and_randomstate():
    g = np.random.default_rng(0)
    assert v.check_random_state(g) is g
    r1 = v.check_random_state(np.random.RandomState(3)).integers(1000, size=5)
    r2 = v.check_random_state(np.random.RandomState(3)).integers(1000, size=5)
    np.testing.assert_array_equal(r1, r2)
    assert isinstance(v.check_random_state(None), np.random.Generator)


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), ("0", TypeError), (1.5, TypeError), (True, TypeError)])
def test_random_state_errors(bad, exc):
    with pytest.raises(exc, match="random_state must be"):
        v.check_random_state(bad)


# ------------------------------------------------------------ check_scalar ---
@given(st.floats(0.0, 2.0, exclude_min=True, exclude_max=True))
def test_scalar_in_open_interval(x):
    assert v.check_scalar(x, "omega", min_val=0, max_val=2, include_boundaries="neither") == x


@pytest.mark.parametrize(
    "x, kwargs, exc, msg",
    [
        (0.0, {"min_val": 0, "include_boundaries": "neither"}, ValueError, r"reg must be > 0, got 0.0"),
        (2.0, {"min_val": 0, "max_val": 2, "include_boundaries": "neither"}, ValueError,
         r"reg must be in \(0, 2\), got 2.0"),
        (-1.0, {"min_val": 0}, ValueError, r"reg must be >= 0"),
        (5.0, {"max_val": 1}, ValueError, r"reg must be <= 1"),
        (float("nan"), {}, ValueError, "reg must be finite"),
        (float("inf"), {}, ValueError, "reg must be finite"),
        ("1", {}, TypeError, "reg must be a real number"),
        (True, {}, TypeError, "reg must be a real number"),
    ],
)
def test_scalar_errors(x, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        v.check_scalar(x, "reg", **kwargs)


def test_scalar_allows_inf_when_asked():
    assert v.check_scalar(float("inf"), "C", min_val=0, allow_inf=True) == float("inf")


def test_check_int():
    assert v.check_int(np.int32(4), "k", min_val=0) == 4
    with pytest.raises(TypeError, match="k must be an integer"):
        v.check_int(4.0, "k")
    with pytest.raises(TypeError, match="k must be an integer"):
        v.check_int(True, "k")
    with pytest.raises(ValueError, match="k must be >= 1"):
        v.check_int(0, "k", min_val=1)


def test_check_option():
    assert v.check_option("gs", "selection", ["gs", "gsl"]) == "gs"
    with pytest.raises(ValueError, match="selection must be one of 'gs', 'gsl'; got 'x'"):
        v.check_option("x", "selection", ["gs", "gsl"])


def test_check_callback():
    f = print
    assert v.check_callback(f) is f
    assert v.check_callback(None) is None
    with pytest.raises(TypeError, match="callback must be callable or None, got int"):
        v.check_callback(3)


@given(st.integers(0, 62))
def test_power_of_two(k):
    assert v.check_power_of_two(1 << k, "n") == k
    if k >= 2:
        with pytest.raises(ValueError, match="n must be a power of two"):
            v.check_power_of_two((1 << k) + 1, "n")


def test_same_length():
    v.check_same_length(("a", [1, 2]), ("b", [3, 4]))
    with pytest.raises(ValueError, match="a has 2, b has 3"):
        v.check_same_length(("a", [1, 2]), ("b", [3, 4, 5]))


# ---------------------------------------------------------------- results ---
def test_result_repr_is_compact_and_frozen():
    import dataclasses

    @dataclasses.dataclass(frozen=True, kw_only=True, repr=False)
    class Demo(IterativeResult):
        x: np.ndarray
        gap: float

    r = Demo(x=np.zeros((3, 4)), gap=1e-9, n_iter=7, converged=True)
    text = repr(r)
    assert text.startswith("Demo(") and "<ndarray 3x4 float64>" in text and "n_iter=7" in text
    assert r.history == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.n_iter = 3
    assert isinstance(r, Result)
