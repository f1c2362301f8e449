# Kernels of the monotone family: simplex and box projections, and the
# sampled column gathers behind the variance-reduced estimators.
#
# A sampled estimate of M @ delta for a linear operator M touches only a few
# columns of M: out += sum_s coef[s] * M[:, idx[s]].  For dense M the columns
# are stored as the rows of a C-contiguous array (M.T); for sparse M as CSC.
from libc.stdlib cimport malloc, free, qsort
from libc.math cimport fmax


cdef int _cmp_desc(const void* a, const void* b) noexcept nogil:
    cdef double x = (<const double*> a)[0]
    cdef double y = (<const double*> b)[0]
    if x < y:
        return 1
    if x > y:
        return -1
    return 0


cdef void _proj_simplex_sort(const double* v, double* out, Py_ssize_t d, double radius,
                             double* work) noexcept nogil:
    """Euclidean projection of v onto {x >= 0, sum x = radius}: sort, O(d log d)."""
    cdef Py_ssize_t i
    cdef double s = 0.0, tau = 0.0, t
    for i in range(d):
        work[i] = v[i]
    qsort(work, d, sizeof(double), _cmp_desc)
    for i in range(d):
        s += work[i]
        t = (s - radius) / (i + 1)
        if i == d - 1 or work[i + 1] <= t:
            tau = t
            break
    for i in range(d):
        out[i] = fmax(v[i] - tau, 0.0)


cdef void _proj_simplex(const double* v, double* out, Py_ssize_t d, double radius,
                        double* work) noexcept nogil:
    """Euclidean projection onto {x >= 0, sum x = radius}.

    Michelot's method (O(d) per pass, a few passes in practice): the threshold
    tau = (sum of the kept entries - radius) / (number kept) only grows, and
    entries at or below it are dropped until none is; after 64 passes the
    sort-based method takes over, which bounds the worst case.
    """
    cdef Py_ssize_t i, n, n_new, passes = 0
    cdef double s = 0.0, tau, s_new
    for i in range(d):
        work[i] = v[i]
        s += v[i]
    n = d
    tau = (s - radius) / n
    while True:
        n_new = 0
        s_new = 0.0
        for i in range(n):
            if work[i] > tau:
                work[n_new] = work[i]
                s_new += work[i]
                n_new += 1
        if n_new == n or n_new == 0:
            break
        n = n_new
        s = s_new
        tau = (s - radius) / n
        passes += 1
        if passes > 64:
            _proj_simplex_sort(v, out, d, radius, work)
            return
    for i in range(d):
        out[i] = fmax(v[i] - tau, 0.0)


def proj_simplex(const double[::1] v, double[::1] out, double radius=1.0, bint sort=False):
    """out = argmin_{x in radius * simplex} ||x - v|| (out may alias v).

    ``sort=True`` uses the O(d log d) sort-based method instead of Michelot's.
    """
    cdef Py_ssize_t d = v.shape[0]
    cdef double* work
    if d == 0:
        return
    work = <double*> malloc(d * sizeof(double))
    if work == NULL:
        raise MemoryError()
    with nogil:
        if sort:
            _proj_simplex_sort(&v[0], &out[0], d, radius, work)
        else:
            _proj_simplex(&v[0], &out[0], d, radius, work)
    free(work)


def proj_box(const double[::1] v, double[::1] out, double lo, double hi):
    """out = clip(v, lo, hi) (out may alias v)."""
    cdef Py_ssize_t i
    cdef double t
    with nogil:
        for i in range(v.shape[0]):
            t = v[i]
            if t < lo:
                t = lo
            elif t > hi:
                t = hi
            out[i] = t


def gather_dense(const double[:, ::1] cols, const Py_ssize_t[::1] idx,
                 const double[::1] coef, double[::1] out):
    """out += sum_s coef[s] * cols[idx[s], :]  (cols holds the columns of M as rows)."""
    cdef Py_ssize_t s, i, m = cols.shape[1], b = idx.shape[0]
    cdef double c0, c1, c2, c3
    cdef const double* r0
    cdef const double* r1
    cdef const double* r2
    cdef const double* r3
    cdef double* o = &out[0]
    with nogil:
        # Four columns per pass over out: one read-modify-write of out per four columns.
        s = 0
        while s + 3 < b:
            c0 = coef[s]
            c1 = coef[s + 1]
            c2 = coef[s + 2]
            c3 = coef[s + 3]
            r0 = &cols[idx[s], 0]
            r1 = &cols[idx[s + 1], 0]
            r2 = &cols[idx[s + 2], 0]
            r3 = &cols[idx[s + 3], 0]
            for i in range(m):
                o[i] += (c0 * r0[i] + c1 * r1[i]) + (c2 * r2[i] + c3 * r3[i])
            s += 4
        while s < b:
            c0 = coef[s]
            r0 = &cols[idx[s], 0]
            for i in range(m):
                o[i] += c0 * r0[i]
            s += 1


def gather_csc(const int[::1] indptr, const int[::1] indices, const double[::1] data,
               const Py_ssize_t[::1] idx, const double[::1] coef, double[::1] out):
    """out += sum_s coef[s] * M[:, idx[s]] for M in CSC form."""
    cdef Py_ssize_t s, k, j
    cdef double c
    with nogil:
        for s in range(idx.shape[0]):
            j = idx[s]
            c = coef[s]
            for k in range(indptr[j], indptr[j + 1]):
                out[indices[k]] += c * data[k]


def sample_cdf(const double[::1] cdf, const double[::1] r, Py_ssize_t[::1] out):
    """Inverse-CDF sampling: out[s] = first j with cdf[j] > r[s] (binary search)."""
    cdef Py_ssize_t s, lo, hi, mid, n = cdf.shape[0]
    cdef double x
    with nogil:
        for s in range(r.shape[0]):
            x = r[s] * cdf[n - 1]
            lo = 0
            hi = n - 1
            while lo < hi:
                mid = (lo + hi) // 2
                if cdf[mid] > x:
                    hi = mid
                else:
                    lo = mid + 1
            out[s] = lo
