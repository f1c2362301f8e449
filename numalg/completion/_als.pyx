# Per-row least-squares kernels of alternating minimization for matrix completion.
#
# Each row i of the unknown factor solves its own small problem over the
# observed entries of row i of M (CSR; for the other factor the CSC of M is
# the CSR of M.T):
#
#     x_i = argmin_x  sum_{j in Omega_i} (F_j . x - M_ij)^2 + reg ||x||^2
#
# where F is the fixed factor (n x k).  Two ways:
#   * exact: gather F_j for the observed j, accumulate G = F_J^T F_J + reg I
#     and g = F_J^T m_J, then Cholesky (LAPACK dpotrf/dpotrs); a rank
#     deficient G (fewer observations than k, reg = 0) falls back to the
#     minimum-norm solution through an eigendecomposition (dsyev), which is
#     what numpy.linalg.lstsq returns;
#   * sketch: sketch-and-precondition.  A CountSketch S (s x |Omega_i|, one
#     random bucket and sign per observation, drawn by the caller) compresses
#     the design to s = O(k) rows, a QR of [S F_J; sqrt(reg) I] gives R, and
#     CGLS on the right-preconditioned problem min ||F_J R^-1 y - m_J|| (well
#     conditioned, so a few steps suffice) runs from the previous iterate.
#
# Every entry point works on one chunk of rows with a chunk-local CSR, so the
# caller can split rows over joblib workers; results never depend on the
# chunking.
from libc.math cimport sqrt, fabs
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy, memset
from scipy.linalg.cython_lapack cimport dpotrf, dpotrs, dsyev, dgeqrf, dtrtrs
from scipy.linalg.cython_blas cimport dsyrk, dgemv

ctypedef long long int64


cdef inline void _solve_normal(int k, double* G, double* Gc, double* rhs, double* x,
                               double* w, double* work, int lwork, int cnt) noexcept nogil:
    """Solve G x = rhs for symmetric PSD G (k x k, both triangles filled).

    Cholesky when G is safely positive definite, else the minimum-norm
    (pseudo-inverse) solution from an eigendecomposition.
    """
    cdef int info = 0, one = 1, i, j
    cdef char uplo = b'U'
    cdef char jobz = b'V'
    cdef double dmax = 0.0, dmin, wmax, cutoff, c
    cdef bint ok = cnt >= k
    for i in range(k):
        if G[i * k + i] > dmax:
            dmax = G[i * k + i]
    if dmax <= 0.0:
        memset(x, 0, k * sizeof(double))
        return
    if ok:
        memcpy(Gc, G, k * k * sizeof(double))
        dpotrf(&uplo, &k, Gc, &k, &info)
        if info == 0:
            dmin = Gc[0]
            for i in range(k):
                if Gc[i * k + i] < dmin:
                    dmin = Gc[i * k + i]
            # squared pivot tiny against the largest diagonal: numerically singular
            if dmin * dmin > 1e-13 * dmax:
                memcpy(x, rhs, k * sizeof(double))
                dpotrs(&uplo, &k, &one, Gc, &k, x, &k, &info)
                if info == 0:
                    return
    # minimum-norm solution: G = Q diag(w) Q^T
    memcpy(Gc, G, k * k * sizeof(double))
    dsyev(&jobz, &uplo, &k, Gc, &k, w, work, &lwork, &info)
    memset(x, 0, k * sizeof(double))
    if info != 0:
        return
    wmax = fabs(w[k - 1])
    cutoff = wmax * k * 2.220446049250313e-16
    for i in range(k):
        if w[i] > cutoff:
            c = 0.0
            for j in range(k):
                c += Gc[i * k + j] * rhs[j]
            c /= w[i]
            for j in range(k):
                x[j] += c * Gc[i * k + j]


cdef inline double _row_sse(int k, const int64* idx, const double* val, int64 cnt,
                            const double* F, const double* x) noexcept nogil:
    cdef int64 p
    cdef int a
    cdef double r, s = 0.0
    cdef const double* f
    for p in range(cnt):
        f = F + idx[p] * k
        r = -val[p]
        for a in range(k):
            r += f[a] * x[a]
        s += r * r
    return s


cdef inline void _assemble(int k, const int64* idx, const double* val, int64 cnt,
                           const double* F, double reg, double* B, double* G,
                           double* rhs) noexcept nogil:
    """G = F_J^T F_J + reg I (both triangles), rhs = F_J^T m_J.

    The k-vectors of the observed columns are gathered into B (k x cnt,
    column-major), then one BLAS dsyrk and one dgemv.
    """
    cdef int64 p
    cdef int a, b, n = <int> cnt, one = 1
    cdef double alpha = 1.0, beta = 0.0
    cdef char uplo = b'U'
    cdef char notrans = b'N'
    for p in range(cnt):
        memcpy(B + p * k, F + idx[p] * k, k * sizeof(double))
    if cnt > 0:
        dsyrk(&uplo, &notrans, &k, &n, &alpha, B, &k, &beta, G, &k)
        dgemv(&notrans, &k, &n, &alpha, B, &k, val, &one, &beta, rhs, &one)
    else:
        memset(G, 0, k * k * sizeof(double))
        memset(rhs, 0, k * sizeof(double))
    # column-major upper triangle: G[a * k + b] for b <= a; mirror it
    for a in range(k):
        G[a * k + a] += reg
        for b in range(a):
            G[b * k + a] = G[a * k + b]


def solve_rows_exact(const int64[::1] indptr, const int64[::1] indices,
                     const double[::1] data, const double[:, ::1] F, double reg,
                     double[:, ::1] out, double[::1] sse):
    """Exact per-row ridge least squares by normal equations + Cholesky.

    ``indptr`` (n_rows + 1), ``indices`` and ``data`` are a chunk-local CSR;
    row ``r`` of ``out`` receives the solution and ``sse[r]`` the squared
    residual over the row's observations.  Releases the GIL.
    """
    cdef Py_ssize_t n_rows = indptr.shape[0] - 1
    cdef int k = <int> F.shape[1]
    cdef int lwork = 3 * k * k + 8 * k
    cdef Py_ssize_t r
    cdef int64 start, stop, cnt, maxcnt = 0
    cdef double* G
    cdef double* Gc
    cdef double* rhs
    cdef double* w
    cdef double* work
    cdef double* B
    cdef double* buf
    if n_rows <= 0:
        return
    for r in range(n_rows):
        if indptr[r + 1] - indptr[r] > maxcnt:
            maxcnt = indptr[r + 1] - indptr[r]
    with nogil:
        buf = <double*> malloc((3 * k * k + 2 * k + lwork + maxcnt * k + 1) * sizeof(double))
        G = buf
        Gc = G + k * k
        rhs = Gc + k * k
        w = rhs + k
        work = w + k
        B = work + lwork
        for r in range(n_rows):
            start = indptr[r]
            stop = indptr[r + 1]
            cnt = stop - start
            _assemble(k, &indices[start], &data[start], cnt, &F[0, 0], reg, B, G, rhs)
            _solve_normal(k, G, Gc, rhs, &out[r, 0], w, work, lwork, cnt)
            sse[r] = _row_sse(k, &indices[start], &data[start], cnt, &F[0, 0], &out[r, 0])
        free(buf)


def solve_rows_sketch(const int64[::1] indptr, const int64[::1] indices,
                      const double[::1] data, const double[:, ::1] F, double reg,
                      double[:, ::1] out, double[::1] sse, const unsigned int[::1] hashes,
                      int sketch_rows, int max_inner, double inner_tol):
    """Per-row ridge least squares by sketch-and-precondition + CGLS.

    ``out`` holds the warm start on entry and the solution on exit.
    ``hashes`` has one random 32-bit word per observation (bucket and sign of
    the CountSketch).  Rows with at most ``sketch_rows`` observations are
    solved exactly.  Releases the GIL.
    """
    cdef Py_ssize_t n_rows = indptr.shape[0] - 1
    cdef int k = <int> F.shape[1]
    cdef int s = sketch_rows
    cdef int lwork = 3 * k * k + 8 * k
    cdef int lwork_qr = 64 * k
    cdef int m_sk, info, a, b, it
    cdef Py_ssize_t r
    cdef int64 p, start, stop, cnt, bucket
    cdef unsigned int h
    cdef double v, fa, sgn, sr, alpha, beta, gamma, gamma_new, gamma0, qq, tt
    cdef char uplo = b'U'
    cdef char notrans = b'N'
    cdef char trans = b'T'
    cdef char nounit = b'N'
    cdef int one = 1
    cdef const double* f
    cdef double* x
    cdef double *G
    cdef double *Gc
    cdef double *rhs
    cdef double *w
    cdef double *work
    cdef double *SA
    cdef double *tau
    cdef double *wq
    cdef double *res
    cdef double *qb
    cdef double *sv
    cdef double *pv
    cdef double *tv
    cdef double *buf
    cdef int64 maxcnt = 0
    if n_rows <= 0:
        return
    for r in range(n_rows):
        if indptr[r + 1] - indptr[r] > maxcnt:
            maxcnt = indptr[r + 1] - indptr[r]
    sr = sqrt(reg) if reg > 0 else 0.0
    m_sk = s + (k if reg > 0 else 0)
    with nogil:
        buf = <double*> malloc((3 * k * k + 2 * k + lwork + m_sk * k + k + lwork_qr
                                + 2 * maxcnt + 3 * k + 2) * sizeof(double))
        G = buf
        Gc = G + k * k
        rhs = Gc + k * k
        w = rhs + k
        work = w + k
        SA = work + lwork
        tau = SA + m_sk * k
        wq = tau + k
        res = wq + lwork_qr
        qb = res + maxcnt + 1
        sv = qb + maxcnt + 1
        pv = sv + k
        tv = pv + k
        for r in range(n_rows):
            start = indptr[r]
            stop = indptr[r + 1]
            cnt = stop - start
            x = &out[r, 0]
            if cnt <= s:
                # no compression possible: solve exactly
                memset(G, 0, k * k * sizeof(double))
                memset(rhs, 0, k * sizeof(double))
                for p in range(start, stop):
                    f = &F[indices[p], 0]
                    v = data[p]
                    for a in range(k):
                        fa = f[a]
                        rhs[a] += fa * v
                        for b in range(a + 1):
                            G[a * k + b] += fa * f[b]
                for a in range(k):
                    G[a * k + a] += reg
                    for b in range(a):
                        G[b * k + a] = G[a * k + b]
                _solve_normal(k, G, Gc, rhs, x, w, work, lwork, cnt)
                sse[r] = _row_sse(k, &indices[start], &data[start], cnt, &F[0, 0], x)
                continue
            # CountSketch of the design, column-major m_sk x k, with sqrt(reg) I below
            memset(SA, 0, m_sk * k * sizeof(double))
            for p in range(start, stop):
                h = hashes[p]
                bucket = (h & 0x7fffffff) % s
                sgn = 1.0 if (h >> 31) else -1.0
                f = &F[indices[p], 0]
                for a in range(k):
                    SA[a * m_sk + bucket] += sgn * f[a]
            if reg > 0:
                for a in range(k):
                    SA[a * m_sk + s + a] = sr
            dgeqrf(&m_sk, &k, SA, &m_sk, tau, wq, &lwork_qr, &info)
            # R is the upper triangle of SA (leading dimension m_sk)
            info = 0
            for a in range(k):
                if fabs(SA[a * m_sk + a]) <= 1e-10 * fabs(SA[0]) or SA[a * m_sk + a] == 0.0:
                    info = 1
            if info != 0:
                # the sketch lost rank: solve exactly (minimum norm if singular)
                memset(G, 0, k * k * sizeof(double))
                memset(rhs, 0, k * sizeof(double))
                for p in range(start, stop):
                    f = &F[indices[p], 0]
                    v = data[p]
                    for a in range(k):
                        fa = f[a]
                        rhs[a] += fa * v
                        for b in range(a + 1):
                            G[a * k + b] += fa * f[b]
                for a in range(k):
                    G[a * k + a] += reg
                    for b in range(a):
                        G[b * k + a] = G[a * k + b]
                _solve_normal(k, G, Gc, rhs, x, w, work, lwork, cnt)
                sse[r] = _row_sse(k, &indices[start], &data[start], cnt, &F[0, 0], x)
                continue
            # gamma0 = ||R^-T A^T b||^2, the scale for the stopping rule
            memset(sv, 0, k * sizeof(double))
            for p in range(start, stop):
                f = &F[indices[p], 0]
                v = data[p]
                for a in range(k):
                    sv[a] += f[a] * v
            dtrtrs(&uplo, &trans, &nounit, &k, &one, SA, &m_sk, sv, &k, &info)
            gamma0 = 0.0
            for a in range(k):
                gamma0 += sv[a] * sv[a]
            # residual at the warm start: res = b - A x
            for p in range(start, stop):
                f = &F[indices[p], 0]
                v = data[p]
                for a in range(k):
                    v -= f[a] * x[a]
                res[p - start] = v
            # s = R^-T (A^T res - reg x)
            for a in range(k):
                sv[a] = -reg * x[a]
            for p in range(start, stop):
                f = &F[indices[p], 0]
                v = res[p - start]
                for a in range(k):
                    sv[a] += f[a] * v
            dtrtrs(&uplo, &trans, &nounit, &k, &one, SA, &m_sk, sv, &k, &info)
            gamma = 0.0
            for a in range(k):
                gamma += sv[a] * sv[a]
                pv[a] = sv[a]
            it = 0
            while it < max_inner and gamma > inner_tol * inner_tol * gamma0 and gamma > 0.0:
                it += 1
                # t = R^-1 p
                memcpy(tv, pv, k * sizeof(double))
                dtrtrs(&uplo, &notrans, &nounit, &k, &one, SA, &m_sk, tv, &k, &info)
                qq = 0.0
                tt = 0.0
                for a in range(k):
                    tt += tv[a] * tv[a]
                for p in range(start, stop):
                    f = &F[indices[p], 0]
                    v = 0.0
                    for a in range(k):
                        v += f[a] * tv[a]
                    qb[p - start] = v
                    qq += v * v
                qq += reg * tt
                if qq <= 0.0:
                    break
                alpha = gamma / qq
                for a in range(k):
                    x[a] += alpha * tv[a]
                for a in range(k):
                    sv[a] = 0.0
                for p in range(start, stop):
                    f = &F[indices[p], 0]
                    res[p - start] -= alpha * qb[p - start]
                    v = res[p - start]
                    for a in range(k):
                        sv[a] += f[a] * v
                for a in range(k):
                    sv[a] -= reg * x[a]
                dtrtrs(&uplo, &trans, &nounit, &k, &one, SA, &m_sk, sv, &k, &info)
                gamma_new = 0.0
                for a in range(k):
                    gamma_new += sv[a] * sv[a]
                beta = gamma_new / gamma
                gamma = gamma_new
                for a in range(k):
                    pv[a] = sv[a] + beta * pv[a]
            v = 0.0
            for p in range(cnt):
                v += res[p] * res[p]
            sse[r] = v
        free(buf)


def observed_sse(const int64[::1] indptr, const int64[::1] indices,
                 const double[::1] data, const double[:, ::1] U, const double[:, ::1] V,
                 double[::1] sse):
    """Per-row squared residual of ``U @ V.T`` over a chunk-local CSR."""
    cdef Py_ssize_t n_rows = indptr.shape[0] - 1
    cdef int k = <int> U.shape[1]
    cdef Py_ssize_t r
    if n_rows <= 0:
        return
    with nogil:
        for r in range(n_rows):
            sse[r] = _row_sse(k, &indices[indptr[r]], &data[indptr[r]],
                              indptr[r + 1] - indptr[r], &V[0, 0], &U[r, 0])


def gather_dot(const int64[::1] rows, const int64[::1] cols, const double[:, ::1] U,
               const double[:, ::1] V, double[::1] out):
    """``out[p] = U[rows[p]] . V[cols[p]]`` without forming ``U @ V.T``."""
    cdef Py_ssize_t n = rows.shape[0], p
    cdef int k = <int> U.shape[1], a
    cdef double s
    with nogil:
        for p in range(n):
            s = 0.0
            for a in range(k):
                s += U[rows[p], a] * V[cols[p], a]
            out[p] = s
