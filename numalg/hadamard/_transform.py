"""Dense fast Walsh-Hadamard transform: the public functions."""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_power_of_two
from . import _fwht

__all__ = ["fwht", "ifwht"]


def _prepare(x, axis, out, name="x"):
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real float32/float64 array (integers are converted), got dtype {arr.dtype}")
    dtype = arr.dtype if arr.dtype in (np.float32, np.float64) else np.float64
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension")
    try:
        axis = _norm_axis(axis, arr.ndim)
    except TypeError:
        raise TypeError(f"axis must be an integer, got {axis!r}") from None
    n = arr.shape[axis]
    if n == 0:
        raise ValueError(f"{name} must not be empty along axis {axis}")
    try:
        check_power_of_two(n, f"the length of {name} along axis {axis}")
    except ValueError:
        raise ValueError(f"the length of {name} along axis {axis} must be a power of two, got {n}") from None
    if out is not None:
        if not isinstance(out, np.ndarray) or out.shape != arr.shape or out.dtype != dtype:
            raise ValueError(
                f"out must be an ndarray of shape {arr.shape} and dtype {np.dtype(dtype).name}"
            )
    return arr, dtype, axis, n


def _norm_axis(axis, ndim):
    import operator

    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for an array of dimension {ndim}")
    return axis % ndim


_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def _transform(x, axis, normalize, out, scale_inverse):
    # Fast path (the common call): a float ndarray transformed along its last,
    # contiguous axis, with no or a matching C-contiguous out.  Everything is
    # checked as in the general path, with less Python around the kernel.
    if (
        type(x) is np.ndarray
        and x.dtype in _FLOATS
        and x.ndim >= 1
        and (axis == -1 or axis == x.ndim - 1)
        and x.flags.c_contiguous
    ):
        n = x.shape[-1]
        if n > 0 and not n & (n - 1) and (
            out is None
            or (type(out) is np.ndarray and out.shape == x.shape and out.dtype == x.dtype
                and out.flags.c_contiguous)
        ):
            scale = 1.0 / math.sqrt(n) if normalize else (1.0 / n if scale_inverse else 1.0)
            if out is None:
                res = x.copy()
                original = x
            else:
                res = out
                original = None if np.shares_memory(x, out) else x
                if out is not x:
                    np.copyto(out, x)
            rows = res.reshape(-1, n)
            _fwht.fwht_rows(rows, scale)
            _check_finite(rows, original)
            return res
    arr, dtype, axis, n = _prepare(x, axis, out)
    scale = 1.0
    if normalize:
        scale = 1.0 / np.sqrt(n)
    elif scale_inverse:
        scale = 1.0 / n
    last = axis == arr.ndim - 1
    if out is not None and last and out.flags.c_contiguous:
        # Transform in ``out`` itself: no temporary (in place when out is x).
        if out is not arr:
            np.copyto(out, arr)
        rows = out.reshape(-1, n)
        _fwht.fwht_rows(rows, scale)
        _check_finite(rows, arr if not np.shares_memory(arr, out) else None)
        return out
    # Otherwise a C-contiguous (rows, n) copy with the transformed axis last.
    work = np.array(np.moveaxis(arr, axis, -1), dtype=dtype, order="C", copy=True)
    rows = work.reshape(-1, n)
    _fwht.fwht_rows(rows, scale)
    _check_finite(rows, arr)
    result = np.moveaxis(work, -1, axis)
    if out is not None:
        np.copyto(out, result)
        return out
    return result if last else np.ascontiguousarray(result)


def _check_finite(rows, original):
    """Reject NaN/infinity in the input, at the cost of one look per row.

    Entry 0 of each transformed row is the (scaled) sum of the row, which is
    NaN or infinite whenever an input entry is.  Only then is the input looked
    at (when it still exists), to tell bad input from an overflow of huge
    finite values, which is returned as IEEE infinities.
    """
    if rows.shape[0] == 1:
        bad = not math.isfinite(rows[0, 0])
    else:
        bad = rows.size and not np.isfinite(rows[:, 0]).all()
    if bad:
        if original is None or original.dtype.kind != "f" or not np.isfinite(original).all():
            raise ValueError("x must contain only finite values (no NaN or infinity)")


def fwht(x, axis=-1, *, normalize=False, out=None):
    """Fast Walsh-Hadamard transform in natural (Hadamard) order.

    Computes ``y = H_N x`` along one axis, where ``H_N`` is the Sylvester
    Hadamard matrix (``scipy.linalg.hadamard(N)``): ``y[k] = sum_m x[m]
    (-1)^popcount(k & m)``.  The work is ``N log2 N`` additions per transformed
    vector, in a compiled, cache-blocked kernel that releases the GIL.

    Parameters
    ----------
    x : array-like of float32 or float64
        Input; integer and boolean input is converted to float64.  Its length
        along ``axis`` must be a power of two.  Every other axis is a batch
        axis (a 2-D input transforms every row with the default ``axis=-1``).
    axis : int, default=-1
        The axis to transform.
    normalize : bool, default=False
        Scale by ``1/sqrt(N)``, making the transform orthonormal and its own
        inverse.
    out : ndarray, default=None
        Where to write the result (same shape, and float32 for float32 input,
        float64 otherwise).  May be ``x`` itself: a C-contiguous ``out``
        transformed along its last axis is worked on in place, with no
        temporary.  If ``x`` holds NaN or infinity a :class:`ValueError` is
        raised and the content of ``out`` is undefined.

    Returns
    -------
    y : ndarray
        The transform, of the same shape as ``x``.

    See Also
    --------
    ifwht : The inverse transform.
    scipy.linalg.hadamard : The dense Hadamard matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.hadamard import fwht
    >>> fwht(np.array([1.0, 0.0, 1.0, 0.0]))
    array([2., 2., 0., 0.])
    >>> fwht(np.eye(4))[1]
    array([ 1., -1.,  1., -1.])
    """
    return _transform(x, axis, normalize, out, scale_inverse=False)


def ifwht(y, axis=-1, *, normalize=False, out=None):
    """Inverse fast Walsh-Hadamard transform: ``x = H_N y / N``.

    With ``normalize=True`` the orthonormal transform is its own inverse, and
    ``ifwht(y, normalize=True) == fwht(y, normalize=True)``.

    Parameters
    ----------
    y : array-like of float32 or float64
        Transformed data; a power-of-two length along ``axis``.
    axis : int, default=-1
        The axis to transform.
    normalize : bool, default=False
        Invert the orthonormal transform (scale by ``1/sqrt(N)``) instead of
        the unnormalised one (scale by ``1/N``).
    out : ndarray, default=None
        Where to write the result.

    Returns
    -------
    x : ndarray
        The inverse transform, of the same shape as ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.hadamard import fwht, ifwht
    >>> x = np.array([3.0, -1.0, 2.0, 5.0])
    >>> np.allclose(ifwht(fwht(x)), x)
    True
    """
    return _transform(y, axis, normalize, out, scale_inverse=True)
