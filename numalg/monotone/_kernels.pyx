# Kernels of the monotone family: simplex and box projections, and the
# sampled column gathers behind the variance-reduced estimators.
#
# A sampled estimate of M @ delta for a linear operator M touches only a few
# columns of M: out += sum_s coef[s] * M[:, idx[s]].  For dense M the columns
# are stored as the rows of a C-contiguous array (M.T); for sparse M as CSC.
from libc.stdlib cimport malloc, free, qsort
from libc.string cimport memcpy
from libc.math cimport fmax, INFINITY


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


cdef inline Py_ssize_t _filter_above(const double* v, Py_ssize_t d, double t, double* work,
                                     double* sum_out) noexcept nogil:
    """Copy the entries of v above t to work[:n]; return n, their sum in sum_out.

    Branch-free compaction (each entry is written, the count advances by the
    comparison: no mispredicted branch per entry), then the sum over the kept
    entries with four independent accumulators (one serial chain of additions
    would cost an addition's latency per entry).
    """
    cdef Py_ssize_t i, n = 0
    cdef double x, s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    for i in range(d):
        x = v[i]
        work[n] = x
        n += x > t
    i = 0
    while i + 3 < n:
        s0 += work[i]
        s1 += work[i + 1]
        s2 += work[i + 2]
        s3 += work[i + 3]
        i += 4
    while i < n:
        s0 += work[i]
        i += 1
    sum_out[0] = (s0 + s1) + (s2 + s3)
    return n


cdef void _proj_simplex_warm(const double* v, double* out, Py_ssize_t d, double radius,
                             double* work, double* tau_io) noexcept nogil:
    """Euclidean projection onto {x >= 0, sum x = radius} (work: d doubles).

    out = max(v - tau, 0) with f(tau) = sum_i max(v_i - tau, 0) = radius.  Any t
    with f(t) >= radius is a lower bound of tau, so only the entries above t
    can be in the support; Michelot's passes over those candidates (the
    threshold only grows, entries at or below it drop out) find tau.  The
    bound tried first is ``tau_io`` (the previous threshold, when the
    projection is repeated on nearby points).  If it is too high (f(t) <
    radius with k entries above t), then t - (radius - f(t)) / k is a lower
    bound (f is convex, decreasing, with slope <= -k left of t), which one
    more filtering pass uses; without a guess, max(v) - radius and
    (sum(v) - radius) / d.  The threshold found is written back to
    ``tau_io``.  After 64 passes the sort-based method takes over.
    """
    cdef Py_ssize_t i, n = 0, n_new, passes = 0
    cdef double vmax, lb = tau_io[0], s = 0.0, tau, x
    if lb == lb and lb > -1e300:  # a finite guess: check f(lb) >= radius while filtering
        n = _filter_above(v, d, lb, work, &s)
        if n > 0 and s - n * lb < radius:
            lb = lb - (radius - (s - n * lb)) / n
            n = _filter_above(v, d, lb, work, &s)
            if s - n * lb < radius:  # rounding: fall back to the safe bounds
                n = 0
    if n == 0:
        s = 0.0
        vmax = v[0]
        for i in range(d):
            x = v[i]
            s += x
            if x > vmax:
                vmax = x
        lb = (s - radius) / d
        if vmax - radius > lb:
            lb = vmax - radius
        n = _filter_above(v, d, lb, work, &s)
        if n == 0:  # all equal to the bound (d = 1, or radius = 0): keep everything
            s = 0.0
            for i in range(d):
                work[i] = v[i]
                s += v[i]
            n = d
    while True:
        tau = (s - radius) / n
        n_new = _filter_above(work, n, tau, work, &s)
        if n_new == n or n_new == 0:
            break
        n = n_new
        passes += 1
        if passes > 64:
            _proj_simplex_sort(v, out, d, radius, work)
            tau_io[0] = -INFINITY
            return
    tau_io[0] = tau
    for i in range(d):
        x = v[i] - tau
        out[i] = x if x > 0.0 else 0.0


cdef inline void _proj_simplex(const double* v, double* out, Py_ssize_t d, double radius,
                               double* work) noexcept nogil:
    cdef double tau = -INFINITY
    _proj_simplex_warm(v, out, d, radius, work, &tau)


def proj_simplex(const double[::1] v, double[::1] out, double radius=1.0, bint sort=False):
    """out = argmin_{x in radius * simplex} ||x - v|| (out may alias v).

    ``sort=True`` uses the O(d log d) sort-based method instead of Michelot's.
    """
    cdef Py_ssize_t d = v.shape[0]
    cdef double* work
    if d == 0:
        return
    work = <double*> malloc(2 * d * sizeof(double))
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


cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define NUMALG_MONO_PREFETCH(p) __builtin_prefetch((const void*)(p), 0, 2)
    #elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
    #include <xmmintrin.h>
    #define NUMALG_MONO_PREFETCH(p) _mm_prefetch((const char*)(p), _MM_HINT_T1)
    #else
    #define NUMALG_MONO_PREFETCH(p) ((void)0)
    #endif
    """
    void NUMALG_MONO_PREFETCH(const double* p) noexcept nogil


cdef inline void _gather4_dense(const double* cols, Py_ssize_t ld, const Py_ssize_t* idx,
                                const double* coef, Py_ssize_t b, double* o, Py_ssize_t m) noexcept nogil:
    """o[:m] += sum_s coef[s] * cols[idx[s] * ld : idx[s] * ld + m].

    Four rows per pass over o (one read-modify-write of o per four rows); the
    remainder (1-3 rows) in one more pass.  The sampled rows are scattered
    through the array, so no hardware prefetcher can guess where the next
    group starts: while a group is summed, the next group's rows are
    prefetched into L2, line j of each while line j of the current rows is
    used (one pass ahead).  Measured on a 2-core Xeon: sampled steps on
    3000 x 3000 games (arrays beyond the caches) ~20% faster; 1000 x 1000 (in
    L3) within noise (0-5% slower at the largest batch).  Tried and not kept:
    eight rows per pass (faster at 4x the default batch, slower at the
    default), prefetching the other block's first rows from the last group
    (no measurable change).
    """
    cdef Py_ssize_t s = 0, i, j, r
    cdef double c0, c1, c2, c3
    cdef const double* r0
    cdef const double* r1
    cdef const double* r2
    cdef const double* r3
    cdef const double* q0
    cdef const double* q1
    cdef const double* q2
    cdef const double* q3
    while s + 3 < b:
        c0 = coef[s]
        c1 = coef[s + 1]
        c2 = coef[s + 2]
        c3 = coef[s + 3]
        r0 = cols + idx[s] * ld
        r1 = cols + idx[s + 1] * ld
        r2 = cols + idx[s + 2] * ld
        r3 = cols + idx[s + 3] * ld
        # the next group's rows (the remainder's, or this group's again at the end)
        r = b - s - 4
        q0 = cols + idx[s + 4] * ld if r > 0 else r0
        q1 = cols + idx[s + 5] * ld if r > 1 else q0
        q2 = cols + idx[s + 6] * ld if r > 2 else q1
        q3 = cols + idx[s + 7] * ld if r > 3 else q2
        j = 0
        while j + 8 <= m:
            NUMALG_MONO_PREFETCH(q0 + j)
            NUMALG_MONO_PREFETCH(q1 + j)
            NUMALG_MONO_PREFETCH(q2 + j)
            NUMALG_MONO_PREFETCH(q3 + j)
            for i in range(j, j + 8):
                o[i] += (c0 * r0[i] + c1 * r1[i]) + (c2 * r2[i] + c3 * r3[i])
            j += 8
        for i in range(j, m):
            o[i] += (c0 * r0[i] + c1 * r1[i]) + (c2 * r2[i] + c3 * r3[i])
        s += 4
    r = b - s
    if r == 3:
        c0 = coef[s]
        c1 = coef[s + 1]
        c2 = coef[s + 2]
        r0 = cols + idx[s] * ld
        r1 = cols + idx[s + 1] * ld
        r2 = cols + idx[s + 2] * ld
        for i in range(m):
            o[i] += (c0 * r0[i] + c1 * r1[i]) + c2 * r2[i]
    elif r == 2:
        c0 = coef[s]
        c1 = coef[s + 1]
        r0 = cols + idx[s] * ld
        r1 = cols + idx[s + 1] * ld
        for i in range(m):
            o[i] += c0 * r0[i] + c1 * r1[i]
    elif r == 1:
        c0 = coef[s]
        r0 = cols + idx[s] * ld
        for i in range(m):
            o[i] += c0 * r0[i]


def gather_dense(const double[:, ::1] cols, const Py_ssize_t[::1] idx,
                 const double[::1] coef, double[::1] out):
    """out += sum_s coef[s] * cols[idx[s], :]  (cols holds the columns of M as rows)."""
    cdef Py_ssize_t m = cols.shape[1], b = idx.shape[0]
    if b == 0 or m == 0:
        return
    with nogil:
        _gather4_dense(&cols[0, 0], m, &idx[0], &coef[0], b, &out[0], m)


def proj_simplex_warm(const double[::1] v, double[::1] out, double radius=1.0, double tau=-INFINITY):
    """The projection of ``proj_simplex`` started from a guess ``tau`` of the threshold
    (any value; the fused kernels pass the previous step's); returns the threshold found
    (-inf when the sort-based fallback ran)."""
    cdef Py_ssize_t d = v.shape[0]
    cdef double* work
    if d == 0:
        return tau
    work = <double*> malloc(d * sizeof(double))
    if work == NULL:
        raise MemoryError()
    with nogil:
        _proj_simplex_warm(&v[0], &out[0], d, radius, work, &tau)
    free(work)
    return tau


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


# --------------------------------------------------------------------------- fused VR-FoRB for games
#
# The inner loop of variance-reduced Halpern (Algorithm 3 of Cai, Alacaoglu &
# Diakonikolas: loopless VR-FoRB on the resolvent J_{c(F+G)}) for a matrix
# game, compiled end to end.  u = (x, y) with x in R^m, y in R^n and
# F(u) = (B y, -B^T x) + c0, B the (centred) payoff matrix.  Two column stores:
# "X" holds the n columns of B (they estimate the x-rows from d_y), "Y" the m
# rows of B (they estimate the y-rows from d_x).  Dense stores are
# C-contiguous arrays whose rows are those columns; sparse ones are
# CSC-like (indptr, indices, data).  Sampling: column j with probability
# proportional to |d_j| * ||column j|| (the variance-optimal law for the
# vector d at hand, which never samples a coordinate where d is zero); when d
# has no more non-zeros than the batch the product is computed exactly.

from scipy.linalg.cython_blas cimport dgemv
from libc.math cimport fabs


cdef struct _Store:
    bint dense
    const double* cols   # dense: n_cols x length, C-contiguous
    const int* indptr    # sparse
    const int* indices
    const double* data
    const double* norm   # column norms
    Py_ssize_t n_cols
    Py_ssize_t length


cdef double _sampled_product(_Store* S, const double* z, const double* w, double* d, double sign,
                             Py_ssize_t batch, const double* rand, double* out, double* cdf,
                             Py_ssize_t* idx, double* coef) noexcept nogil:
    """out += sign * (estimate of sum_j d_j col_j) for d = z - w (stored into d); returns
    the stored entries touched."""
    cdef Py_ssize_t j, k, s, lo, hi, mid, n = S.n_cols, nz = 0
    cdef double tot = 0.0, t, r, dj, touched = 0.0
    for j in range(n):
        dj = z[j] - w[j]
        d[j] = dj
        t = fabs(dj) * S.norm[j]
        tot += t
        cdf[j] = tot
        nz += t > 0.0
    if nz == 0:
        return 0.0
    if nz <= batch:
        k = 0
        for j in range(n):
            if d[j] != 0.0 and S.norm[j] > 0.0:
                idx[k] = j
                coef[k] = sign * d[j]
                k += 1
    else:
        k = batch
        for s in range(batch):
            r = rand[s] * tot
            # first j < n - 1 with cdf[j] > r, else n - 1; branch-free halving (conditional
            # moves: the comparisons are coin flips a predicted branch would miss half the time)
            lo = 0
            hi = n - 1          # length of the range searched
            while hi > 1:
                mid = hi >> 1
                lo = lo + mid if cdf[lo + mid] <= r else lo
                hi -= mid
            if hi == 1:
                lo += cdf[lo] <= r
            idx[s] = lo
            t = tot / (batch * S.norm[lo])
            coef[s] = sign * t if d[lo] > 0.0 else -sign * t
    if S.dense:
        _gather4_dense(S.cols, S.length, idx, coef, k, out, S.length)
        touched = <double> k * S.length
    else:
        for s in range(k):
            j = idx[s]
            t = coef[s]
            for mid in range(S.indptr[j], S.indptr[j + 1]):
                out[S.indices[mid]] += t * S.data[mid]
            touched += S.indptr[j + 1] - S.indptr[j]
    return touched


cdef void _rows_product(_Store* S, const double* v, double sign, double* out) noexcept nogil:
    """out = sign * (rows of the store as a matrix) @ v, i.e. out_j = sign * <col_j, v>."""
    cdef Py_ssize_t j, k
    cdef int mm, nn, inc = 1
    cdef double one = sign, zero = 0.0
    cdef double t
    cdef char trans = b'T'
    if S.dense:
        mm = <int> S.length
        nn = <int> S.n_cols
        dgemv(&trans, &mm, &nn, &one, <double*> S.cols, &mm, <double*> v, &inc, &zero, out, &inc)
    else:
        for j in range(S.n_cols):
            t = 0.0
            for k in range(S.indptr[j], S.indptr[j + 1]):
                t += S.data[k] * v[S.indices[k]]
            out[j] = sign * t


cdef void _make_store(_Store* S, bint dense, const double[:, ::1] cols, const int[::1] indptr,
                      const int[::1] indices, const double[::1] data, const double[::1] norm,
                      Py_ssize_t length):
    S.dense = dense
    S.n_cols = norm.shape[0]
    S.length = length
    S.norm = &norm[0]
    S.cols = NULL
    S.indptr = NULL
    S.indices = NULL
    S.data = NULL
    if dense:
        S.cols = &cols[0, 0]
    else:
        S.indptr = &indptr[0]
        if data.shape[0] > 0:
            S.indices = &indices[0]
            S.data = &data[0]


def game_full(bint dense,
              const double[:, ::1] Xd, const int[::1] Xp, const int[::1] Xi, const double[::1] Xv,
              const double[::1] xnorm,
              const double[:, ::1] Yd, const int[::1] Yp, const int[::1] Yi, const double[::1] Yv,
              const double[::1] ynorm,
              const double[::1] c0, const double[::1] u, double[::1] out):
    """out = (B y, -B^T x) + c0 for u = (x, y), with B's stores as in game_forb."""
    cdef _Store SX, SY
    cdef Py_ssize_t m = ynorm.shape[0], n = xnorm.shape[0], i
    _make_store(&SX, dense, Xd, Xp, Xi, Xv, xnorm, m)
    _make_store(&SY, dense, Yd, Yp, Yi, Yv, ynorm, n)
    with nogil:
        _game_full(&SX, &SY, &u[0], &out[0], &c0[0], m, n)


cdef void _game_full(_Store* SX, _Store* SY, const double* u, double* out, const double* c0,
                     Py_ssize_t m, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    cdef int mm, nn, inc = 1
    cdef double one = 1.0, mone = -1.0, zero = 0.0
    cdef char tr_n = b'N'
    if SY.dense:
        # both products from the one array holding B row by row, as NumPy's A @ y, A.T @ x do
        # (the second pass finds part of B still in cache): B y by dot products, B^T x by axpys
        _rows_product(SY, u + m, 1.0, out)
        mm = <int> SY.length
        nn = <int> SY.n_cols
        dgemv(&tr_n, &mm, &nn, &mone, <double*> SY.cols, &mm, <double*> u, &inc, &zero, out + m, &inc)
    else:
        _rows_product(SY, u + m, 1.0, out)       # out_i = <row_i of B, y>
        _rows_product(SX, u, -1.0, out + m)      # out_j = -<col_j of B, x>
    for i in range(m + n):
        out[i] += c0[i]


def game_forb(bint dense,
              const double[:, ::1] Xd, const int[::1] Xp, const int[::1] Xi, const double[::1] Xv,
              const double[::1] xnorm,
              const double[:, ::1] Yd, const int[::1] Yp, const int[::1] Yi, const double[::1] Yv,
              const double[::1] ynorm,
              const double[::1] c0, const double[::1] u,
              double[::1] z, double[::1] w, double[::1] w_prev, double[::1] Fw,
              Py_ssize_t n_steps, Py_ssize_t bx, Py_ssize_t by,
              double alpha, double gamma, double c, double p,
              const double[::1] rand, const double[::1] coin):
    """Run n_steps of loopless VR-FoRB on z -> z - u + c (F + G)(z) for a matrix game.

    One step: g = F(w) + est[F(z) - F(w_prev)], zbar = alpha z + (1 - alpha) w,
    z <- P((zbar - gamma c g + gamma u) / (1 + gamma)); w_prev <- w; with
    probability p (coin < p): w <- z, F(w) recomputed in full.  The state
    (z, w, w_prev, F(w)) is updated in place.  ``rand`` holds n_steps * (bx + by)
    uniforms, ``coin`` n_steps.  Returns (entries touched / (nnz of B), full refreshes),
    where one full refresh touches 2 nnz(B) entries.
    """
    cdef _Store SX, SY
    cdef Py_ssize_t m = ynorm.shape[0], n = xnorm.shape[0], d = m + n, i, k, nref = 0
    cdef Py_ssize_t big = m if m > n else n
    cdef double touched = 0.0, a1 = 1.0 - alpha, gc = gamma * c, inv = 1.0 / (1.0 + gamma)
    cdef double* buf
    cdef double* dd
    cdef double* g
    cdef double* cdf
    cdef double* coef
    cdef double* pw
    cdef Py_ssize_t* idx
    cdef double* zp = &z[0]
    cdef double* wp = &w[0]
    cdef double* wpp = &w_prev[0]
    cdef double* Fp = &Fw[0]
    cdef double* wq
    cdef double tau_x = -INFINITY, tau_y = -INFINITY
    _make_store(&SX, dense, Xd, Xp, Xi, Xv, xnorm, m)
    _make_store(&SY, dense, Yd, Yp, Yi, Yv, ynorm, n)
    buf = <double*> malloc((2 * d + 4 * big + 8) * sizeof(double))
    idx = <Py_ssize_t*> malloc((big + 8) * sizeof(Py_ssize_t))
    if buf == NULL or idx == NULL:
        free(buf)
        free(idx)
        raise MemoryError()
    dd = buf
    g = buf + d
    cdf = buf + 2 * d
    coef = buf + 2 * d + big
    pw = buf + 2 * d + 2 * big
    with nogil:
        for i in range(d):
            g[i] = 0.0
        # w_prev aliases w except right after a refresh (saves a copy per step)
        wq = wpp
        for k in range(n_steps):
            # x-rows from d_y (columns of B), y-rows from d_x (rows of B, with a minus sign)
            touched += _sampled_product(&SX, zp + m, wq + m, dd + m, 1.0, bx, &rand[k * (bx + by)], g,
                                        cdf, idx, coef)
            touched += _sampled_product(&SY, zp, wq, dd, -1.0, by, &rand[k * (bx + by) + bx], g + m,
                                        cdf, idx, coef)
            for i in range(d):
                dd[i] = (alpha * zp[i] + a1 * wp[i] - gc * (Fp[i] + g[i]) + gamma * u[i]) * inv
                g[i] = 0.0
            _proj_simplex_warm(dd, zp, m, 1.0, pw, &tau_x)
            _proj_simplex_warm(dd + m, zp + m, n, 1.0, pw, &tau_y)
            if coin[k] < p:
                for i in range(d):
                    wpp[i] = wp[i]
                    wp[i] = zp[i]
                wq = wpp
                _game_full(&SX, &SY, wp, Fp, &c0[0], m, n)
                nref += 1
            else:
                wq = wp
        if wq == wp:
            for i in range(d):
                wpp[i] = wp[i]
    free(buf)
    free(idx)
    return touched, nref
