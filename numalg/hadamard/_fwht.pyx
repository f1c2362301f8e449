# Dense fast Walsh-Hadamard transform kernels (natural / Hadamard order).
#
# The transform of length n = 2^p is the product of p butterfly stages that
# commute, so they may be applied in any order.  The work is done by the C
# kernels of _fwht_kernel.h: leaves of up to 2^11 elements are transformed in
# L1 (an in-register base for spans 1, 2, 4, then radix-8 passes), and larger
# transforms recurse depth-first on eighths and combine them with one radix-8
# pass (three stages per pass over memory).  The loops are compiled for plain
# C, AVX2 and AVX-512, and the widest set the CPU supports is used.
from cython cimport floating


cdef extern from "_fwht_kernel.h" nogil:
    void numalg_fwht_d(double* x, size_t n, double s)
    void numalg_fwht_f(float* x, size_t n, float s)
    int numalg_fwht_isa_name()


def isa():
    """The instruction set the kernels use: 'generic', 'avx2' or 'avx512'."""
    return ("generic", "avx2", "avx512")[numalg_fwht_isa_name()]


def fwht_rows(floating[:, ::1] x, double scale):
    """Transform every row of the C-contiguous 2-D array ``x`` in place.

    The row length must be a power of two (checked by the caller).  Each row
    is multiplied by ``scale`` (folded into the first pass).
    """
    cdef Py_ssize_t r, n_rows = x.shape[0], n = x.shape[1]
    if n_rows == 0 or n == 0:
        return
    with nogil:
        for r in range(n_rows):
            if floating is double:
                numalg_fwht_d(&x[r, 0], <size_t> n, scale)
            else:
                numalg_fwht_f(&x[r, 0], <size_t> n, <float> scale)
