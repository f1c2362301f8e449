# Dense fast Walsh-Hadamard transform kernels (natural / Hadamard order).
#
# The transform of length n = 2^p is the product of p butterfly stages that
# commute with each other, so they may be applied in any order.  Small
# transforms (that fit in cache) run iterative radix-4 stages; larger ones
# split recursively into four quarters, transform each in cache, and combine
# the quarters with one radix-4 pass (two stages per pass over memory).
from cython cimport floating

# Transforms up to this many elements run in one iterative in-cache pass.
cdef Py_ssize_t _BLOCK = 1 << 13


cdef inline void _radix2_pass(floating* x, Py_ssize_t n, Py_ssize_t h) noexcept nogil:
    """One butterfly stage of span h over x[0:n]."""
    cdef Py_ssize_t i, j
    cdef floating a, b
    i = 0
    while i < n:
        for j in range(i, i + h):
            a = x[j]
            b = x[j + h]
            x[j] = a + b
            x[j + h] = a - b
        i += 2 * h


cdef inline void _radix4_pass(floating* x, Py_ssize_t n, Py_ssize_t h) noexcept nogil:
    """Two butterfly stages (spans h and 2h) fused into one pass over x[0:n]."""
    cdef Py_ssize_t i, j
    cdef floating a, b, c, d, apb, amb, cpd, cmd
    i = 0
    while i < n:
        for j in range(i, i + h):
            a = x[j]
            b = x[j + h]
            c = x[j + 2 * h]
            d = x[j + 3 * h]
            apb = a + b
            amb = a - b
            cpd = c + d
            cmd = c - d
            x[j] = apb + cpd
            x[j + h] = amb + cmd
            x[j + 2 * h] = apb - cpd
            x[j + 3 * h] = amb - cmd
        i += 4 * h


cdef inline void _base8(floating* x, Py_ssize_t n) noexcept nogil:
    """The three smallest stages (spans 1, 2, 4) on each block of 8, in registers."""
    cdef Py_ssize_t i
    cdef floating a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7
    for i in range(0, n, 8):  # n >= 8, a multiple of 8
        a0 = x[i] + x[i + 1]
        a1 = x[i] - x[i + 1]
        a2 = x[i + 2] + x[i + 3]
        a3 = x[i + 2] - x[i + 3]
        a4 = x[i + 4] + x[i + 5]
        a5 = x[i + 4] - x[i + 5]
        a6 = x[i + 6] + x[i + 7]
        a7 = x[i + 6] - x[i + 7]
        b0 = a0 + a2
        b1 = a1 + a3
        b2 = a0 - a2
        b3 = a1 - a3
        b4 = a4 + a6
        b5 = a5 + a7
        b6 = a4 - a6
        b7 = a5 - a7
        x[i] = b0 + b4
        x[i + 1] = b1 + b5
        x[i + 2] = b2 + b6
        x[i + 3] = b3 + b7
        x[i + 4] = b0 - b4
        x[i + 5] = b1 - b5
        x[i + 6] = b2 - b6
        x[i + 7] = b3 - b7


cdef void _fwht_small(floating* x, Py_ssize_t n) noexcept nogil:
    """In-cache transform of x[0:n], n a power of two."""
    cdef Py_ssize_t h
    if n == 1:
        return
    if n == 2:
        _radix2_pass(x, n, 1)
        return
    if n == 4:
        _radix4_pass(x, n, 1)
        return
    _base8(x, n)
    h = 8
    while 4 * h <= n:
        _radix4_pass(x, n, h)
        h *= 4
    if h < n:
        _radix2_pass(x, n, h)


cdef void _fwht_rec(floating* x, Py_ssize_t n) noexcept nogil:
    """Cache-oblivious transform of x[0:n]: recurse on quarters, then combine."""
    cdef Py_ssize_t q
    if n <= _BLOCK:
        _fwht_small(x, n)
        return
    q = n // 4
    _fwht_rec(x, q)
    _fwht_rec(x + q, q)
    _fwht_rec(x + 2 * q, q)
    _fwht_rec(x + 3 * q, q)
    _radix4_pass(x, n, q)


cdef inline void _scale(floating* x, Py_ssize_t n, floating s) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        x[i] *= s


def fwht_rows(floating[:, ::1] x, double scale):
    """Transform every row of the C-contiguous 2-D array ``x`` in place.

    The row length must be a power of two (checked by the caller).  Each row
    is multiplied by ``scale`` afterwards unless ``scale == 1``.
    """
    cdef Py_ssize_t r, n_rows = x.shape[0], n = x.shape[1]
    cdef floating s = <floating> scale
    if n_rows == 0 or n == 0:
        return
    with nogil:
        for r in range(n_rows):
            _fwht_rec(&x[r, 0], n)
            if scale != 1.0:
                _scale(&x[r, 0], n, s)
