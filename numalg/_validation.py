"""Input checks shared by every family.

Each helper takes the value and the *name of the argument* it came from, and
raises :class:`ValueError` or :class:`TypeError` with a message that names that
argument and says what was expected.  Families call these instead of writing
their own checks, so that the same mistake gets the same message everywhere.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np
import scipy.sparse as sp

__all__ = [
    "check_array",
    "check_sparse_matrix",
    "check_matrix",
    "check_square",
    "check_probability_vector",
    "check_int_sequence",
    "check_random_state",
    "check_scalar",
    "check_int",
    "check_option",
    "check_callback",
    "check_power_of_two",
    "check_same_length",
]


def _dtype_name(dtype) -> str:
    return np.dtype(dtype).name


def check_array(
    x,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    dtype=np.float64,
    allow_empty: bool = False,
    finite: bool = True,
    copy: bool = False,
    order: str | None = "C",
    shape: tuple | None = None,
) -> np.ndarray:
    """Convert ``x`` to a NumPy array and check it.

    Parameters
    ----------
    x : array-like
        The input.
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int, default=None
        Accepted numbers of dimensions (None: any).
    dtype : dtype, tuple of dtypes or None, default=np.float64
        Target dtype.  Booleans and integers convert to float64; complex,
        object and string input is rejected with a :class:`TypeError`.  A tuple
        keeps any listed floating dtype as it is and converts the rest to the
        first.  ``None`` keeps the dtype.
    allow_empty : bool, default=False
        Whether an array with no elements is accepted.
    finite : bool, default=True
        Reject NaN and infinity.
    copy : bool, default=False
        Always return a fresh array.
    order : {"C", "F", None}, default="C"
        Memory layout of the result.
    shape : tuple, default=None
        Required shape; ``None`` entries match any length.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> from numalg._validation import check_array
    >>> check_array([1, 2, 3], "a", ndim=1)
    array([1., 2., 3.])
    """
    if sp.issparse(x):
        raise TypeError(f"{name} must be a dense array-like, got a sparse {type(x).__name__}")
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be numeric array-like, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged lists
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    kind = arr.dtype.kind
    if dtype is not None:
        targets = dtype if isinstance(dtype, tuple) else (dtype,)
        targets = tuple(np.dtype(t) for t in targets)
        if kind not in "biuf":
            raise TypeError(
                f"{name} must have a real numeric dtype convertible to "
                f"{_dtype_name(targets[0])}, got dtype {arr.dtype}"
            )
        target = arr.dtype if arr.dtype in targets else targets[0]
        if target.kind in "iu" and kind == "f":
            raise TypeError(f"{name} must have an integer dtype, got dtype {arr.dtype}")
    else:
        target = arr.dtype
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got a {arr.ndim}-D array of shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != t for s, t in zip(shape, arr.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if order is None:
        out = arr.astype(target, copy=copy)
    else:
        out = np.array(arr, dtype=target, order=order, copy=True if copy else None)
    if finite and out.dtype.kind == "f" and out.size and not np.isfinite(out).all():
        raise ValueError(f"{name} must contain only finite values (no NaN or infinity)")
    return out


def check_sparse_matrix(
    A,
    name: str,
    *,
    format: str = "csr",
    dtype=np.float64,
    square: bool = False,
    allow_empty: bool = False,
    finite: bool = True,
):
    """Convert a SciPy sparse array/matrix (CSR/CSC/COO/...) to ``format``, once.

    Returns a ``scipy.sparse`` array of the requested format with sorted
    indices, no duplicate entries, and the requested dtype.  Dense input is
    rejected; use :func:`check_matrix` to accept both.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from numalg._validation import check_sparse_matrix
    >>> check_sparse_matrix(sp.eye(3), "A").format
    'csr'
    """
    if not sp.issparse(x := A):
        raise TypeError(f"{name} must be a SciPy sparse array or matrix, got {type(A).__name__}")
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got {x.ndim}-D")
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must have a real numeric dtype, got dtype {x.dtype}")
    if not allow_empty and (x.shape[0] == 0 or x.shape[1] == 0):
        raise ValueError(f"{name} must not be empty, got shape {x.shape}")
    if square and x.shape[0] != x.shape[1]:
        raise ValueError(f"{name} must be square, got shape {x.shape}")
    out = sp.csr_array(x) if format == "csr" else sp.csc_array(x) if format == "csc" else sp.coo_array(x)
    out = out.astype(dtype, copy=out is x)
    if format in ("csr", "csc"):
        out.sum_duplicates()
        out.sort_indices()
    if finite and out.nnz and not np.isfinite(out.data).all():
        raise ValueError(f"{name} must contain only finite values (no NaN or infinity)")
    return out


def check_matrix(A, name: str, *, sparse_format: str = "csr", square: bool = False, **kwargs):
    """Accept a dense 2-D array-like or a SciPy sparse matrix.

    Dense input is returned as a C-contiguous float64 ndarray, sparse input as
    a sparse array in ``sparse_format``.
    """
    if sp.issparse(A):
        return check_sparse_matrix(A, name, format=sparse_format, square=square, **kwargs)
    out = check_array(A, name, ndim=2, **kwargs)
    if square and out.shape[0] != out.shape[1]:
        raise ValueError(f"{name} must be square, got shape {out.shape}")
    return out


def check_square(A, name: str) -> None:
    """Raise unless ``A`` (dense or sparse, already converted) is square."""
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {A.shape}")


def check_probability_vector(
    p,
    name: str,
    *,
    size: int | None = None,
    total: float | None = None,
    rtol: float = 1e-6,
    allow_zero: bool = True,
) -> np.ndarray:
    """A 1-D, finite, non-negative float64 vector (optionally of given size and sum).

    Parameters
    ----------
    p : array-like
    name : str
    size : int, default=None
        Required length.
    total : float, default=None
        Required sum, compared with relative tolerance ``rtol`` (the message
        names the tolerance).
    rtol : float, default=1e-6
    allow_zero : bool, default=True
        Whether zero entries are accepted (otherwise strictly positive).

    Examples
    --------
    >>> from numalg._validation import check_probability_vector
    >>> check_probability_vector([0.25, 0.75], "a", total=1.0)
    array([0.25, 0.75])
    """
    arr = check_array(p, name, ndim=1)
    if size is not None and arr.shape[0] != size:
        raise ValueError(f"{name} must have length {size}, got {arr.shape[0]}")
    if allow_zero:
        if (arr < 0).any():
            raise ValueError(f"{name} must be non-negative, found {arr.min():g}")
    elif (arr <= 0).any():
        raise ValueError(f"{name} must be strictly positive, found {arr.min():g}")
    s = float(arr.sum())
    if s <= 0:
        raise ValueError(f"{name} must have a positive sum, got {s:g}")
    if total is not None and abs(s - total) > rtol * max(abs(total), 1e-300):
        raise ValueError(
            f"{name} must sum to {total:.17g} (relative tolerance {rtol:g}), got {s:.17g}"
        )
    return arr


def check_int_sequence(
    seq, name: str, *, allow_empty: bool = False, min_value=None, max_value=None
) -> np.ndarray:
    """A 1-D sequence of integers as an int64 array (floats, bools, objects rejected).

    Python integers beyond int64 raise a :class:`ValueError` that says so.

    Examples
    --------
    >>> from numalg._validation import check_int_sequence
    >>> check_int_sequence([3, 1, 2], "seq")
    array([3, 1, 2])
    """
    if isinstance(seq, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of integers, got {type(seq).__name__}")
    try:
        arr = np.asarray(seq)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.dtype == object:
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in arr.ravel()):
            raise TypeError(f"{name} must contain only integers")
        try:
            arr = arr.astype(np.int64)
        except OverflowError:
            raise ValueError(f"{name} has integers outside the int64 range") from None
    if arr.size == 0 and arr.dtype.kind == "f":  # [] converts to float64
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must have an integer dtype, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got a {arr.ndim}-D array of shape {arr.shape}")
    if arr.dtype == np.uint64 and arr.size and arr.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{name} has integers outside the int64 range")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    arr = arr.astype(np.int64, copy=False)
    if min_value is not None and arr.size and arr.min() < min_value:
        raise ValueError(f"{name} must be >= {min_value}, found {arr.min()}")
    if max_value is not None and arr.size and arr.max() > max_value:
        raise ValueError(f"{name} must be <= {max_value}, found {arr.max()}")
    return arr


def check_random_state(random_state, name: str = "random_state") -> np.random.Generator:
    """A :class:`numpy.random.Generator` from None, an int, a Generator or a RandomState.

    The same integer seed always gives the same stream.  A ``RandomState``
    (scikit-learn's convention) is turned into a Generator seeded from it, so
    that estimators can pass ``self.random_state`` through unchanged.

    Examples
    --------
    >>> from numalg._validation import check_random_state
    >>> check_random_state(0).integers(10) == check_random_state(0).integers(10)
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1, size=4))
    if isinstance(random_state, (numbers.Integral, np.integer)) and not isinstance(random_state, bool):
        if int(random_state) < 0:
            raise ValueError(f"{name} must be a non-negative integer seed, got {random_state}")
        return np.random.default_rng(int(random_state))
    raise TypeError(
        f"{name} must be None, an int, a numpy Generator or RandomState, got {type(random_state).__name__}"
    )


def check_scalar(
    x,
    name: str,
    *,
    target_type=numbers.Real,
    min_val=None,
    max_val=None,
    include_boundaries: str = "both",
    allow_inf: bool = False,
):
    """Check a scalar's type and range; return it as float (or int for Integral).

    ``include_boundaries`` is one of "both", "left", "right", "neither", as in
    :func:`sklearn.utils.check_scalar`.

    Examples
    --------
    >>> from numalg._validation import check_scalar
    >>> check_scalar(0.5, "reg", min_val=0, include_boundaries="neither")
    0.5
    """
    if isinstance(x, bool) or not isinstance(x, target_type):
        kind = "an integer" if target_type is numbers.Integral else "a real number"
        raise TypeError(f"{name} must be {kind}, got {type(x).__name__} {x!r}")
    if target_type is numbers.Integral:
        x = int(x)
    else:
        x = float(x)
        if np.isnan(x) or (np.isinf(x) and not allow_inf):
            raise ValueError(f"{name} must be finite, got {x}")
    if include_boundaries not in ("both", "left", "right", "neither"):
        raise ValueError("include_boundaries must be 'both', 'left', 'right' or 'neither'")
    lo_ok = hi_ok = True
    if min_val is not None:
        lo_ok = x >= min_val if include_boundaries in ("both", "left") else x > min_val
    if max_val is not None:
        hi_ok = x <= max_val if include_boundaries in ("both", "right") else x < max_val
    if not (lo_ok and hi_ok):
        left = "[" if include_boundaries in ("both", "left") else "("
        right = "]" if include_boundaries in ("both", "right") else ")"
        lo = "-inf" if min_val is None else f"{min_val:g}"
        hi = "inf" if max_val is None else f"{max_val:g}"
        if min_val is None:
            rng = f"{'<=' if right == ']' else '<'} {hi}"
        elif max_val is None:
            rng = f"{'>=' if left == '[' else '>'} {lo}"
        else:
            rng = f"in {left}{lo}, {hi}{right}"
        raise ValueError(f"{name} must be {rng}, got {x!r}")
    return x


def check_int(x, name: str, *, min_val=None, max_val=None) -> int:
    """An integer (Python or NumPy, not bool) within [min_val, max_val]."""
    try:
        operator.index(x)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(x).__name__} {x!r}") from None
    if isinstance(x, bool):
        raise TypeError(f"{name} must be an integer, got bool {x!r}")
    return check_scalar(int(x), name, target_type=numbers.Integral, min_val=min_val, max_val=max_val)


def check_option(x, name: str, options) -> str:
    """``x`` must be one of ``options`` (strings); the message lists them."""
    options = tuple(options)
    if not isinstance(x, str) or x not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}; got {x!r}")
    return x


def check_callback(callback, name: str = "callback"):
    """``callback`` must be callable or None; returned unchanged."""
    if callback is not None and not callable(callback):
        raise TypeError(f"{name} must be callable or None, got {type(callback).__name__}")
    return callback


def check_power_of_two(n: int, name: str) -> int:
    """``n`` must be a positive power of two; returns log2(n)."""
    n = check_int(n, name, min_val=1)
    if n & (n - 1):
        raise ValueError(f"{name} must be a power of two, got {n}")
    return n.bit_length() - 1


def check_same_length(*pairs) -> None:
    """``check_same_length(("a", a), ("b", b))``: all first axes equal."""
    lengths = [(nm, len(v)) for nm, v in pairs]
    if len({n for _, n in lengths}) > 1:
        desc = ", ".join(f"{nm} has {n}" for nm, n in lengths)
        raise ValueError(f"inconsistent lengths: {desc}")
