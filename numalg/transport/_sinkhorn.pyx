# Kernels of the entropic transport solvers (float64, nogil).
#
# Conventions: P_ij = exp((f_i + g_j - M_ij) / reg); M is C-contiguous n x m.
# The hot row loops (kernel evaluation with a vectorised exp, axpy, max) live in
# _otexp.h; this module orchestrates them:
#   * log_sinkhorn: log-domain Sinkhorn, one pass over M and one exp per entry
#     per full iteration (row log-sum-exp shifted by the current potential, the
#     column sums accumulated from the same exponentials), with the max trick as
#     the fallback wherever a shifted sum leaves [1e-100, 1e100];
#   * scaling_sinkhorn / absorb: matrix-vector Sinkhorn on the stabilised kernel
#     K_ij = exp((f_i + g_j - M_ij) / reg) with periodic absorption of the
#     scalings u, v into the potentials;
#   * dual_pass: the dual objective, its gradient (row and column sums of P)
#     and the sparsified Hessian (per-row mass threshold, capped by selection);
#   * schur_pcg: Jacobi-preconditioned CG on the Schur complement of the
#     sparsified Newton system;
#   * line_search: backtracking on the dual along a Newton direction.
from libc.math cimport log, exp, fabs, sqrt, isfinite, INFINITY
from libc.string cimport memcpy
import numpy as np

cdef extern from "_otexp.h" nogil:
    double na_exp(double x)
    double na_row_exp(const double *M, const double *g, double s, double inv_reg,
                      double *buf, Py_ssize_t m)
    double na_row_max(const double *M, const double *g, Py_ssize_t m)
    void na_axpy(double *c, double s, const double *buf, Py_ssize_t m)
    void na_exp_inplace(double *x, Py_ssize_t m)
    double na_dot(const double *x, const double *y, Py_ssize_t m)
    Py_ssize_t na_count_ge(const double *x, double t, Py_ssize_t m)

cdef double _LO = 1e-100
cdef double _HI = 1e100
cdef double _COL_LO = 1e-150


cdef void _column_lse(const double[:, ::1] M, const double* f, Py_ssize_t j,
                      double reg, double logb, double* gj) noexcept nogil:
    """g_j = reg log b_j - reg LSE_i((f_i - M_ij) / reg), with the max trick (strided)."""
    cdef Py_ssize_t i, n = M.shape[0]
    cdef double mx = -1e308, v, s = 0.0
    for i in range(n):
        v = f[i] - M[i, j]
        if v > mx:
            mx = v
    for i in range(n):
        s += na_exp((f[i] - M[i, j] - mx) / reg)
    gj[0] = reg * logb - mx - reg * log(s)


def log_sinkhorn(const double[:, ::1] M, const double[::1] a, const double[::1] loga,
                 const double[::1] logb, double[::1] f, double[::1] g, double reg,
                 Py_ssize_t max_iter, double tol, double[::1] hist, double[::1] buf,
                 double[::1] csum):
    """Log-domain Sinkhorn sweeps on (f, g) in place.

    Each sweep updates f (rows exact), then g (columns exact).  The marginal
    error of the iterate entering a sweep is recorded in hist; the loop stops
    after the sweep in which it is <= tol.  Returns (sweeps done, last error).
    """
    cdef Py_ssize_t n = M.shape[0], m = M.shape[1], i, j, it = 0
    cdef double inv_reg = 1.0 / reg, s, mx, scale, err = np.inf, fnew, ri, csum_min
    cdef double mass = 0.0
    for i in range(n):
        mass += a[i]
    csum_min = _COL_LO * mass
    with nogil:
        while it < max_iter:
            for j in range(m):
                csum[j] = 0.0
            err = 0.0
            for i in range(n):
                s = na_row_exp(&M[i, 0], &g[0], f[i], inv_reg, &buf[0], m)
                if s > _LO and s < _HI:
                    err += fabs(s - a[i])
                    scale = a[i] / s
                    f[i] += reg * (loga[i] - log(s))
                else:
                    mx = na_row_max(&M[i, 0], &g[0], m)
                    s = na_row_exp(&M[i, 0], &g[0], -mx, inv_reg, &buf[0], m)
                    fnew = reg * loga[i] - mx - reg * log(s)
                    ri = a[i] * exp((f[i] - fnew) * inv_reg)
                    err += fabs(ri - a[i])
                    scale = a[i] / s
                    f[i] = fnew
                na_axpy(&csum[0], scale, &buf[0], m)
            for j in range(m):
                if csum[j] > csum_min and isfinite(csum[j]):
                    g[j] += reg * (logb[j] - log(csum[j]))
                else:
                    _column_lse(M, &f[0], j, reg, logb[j], &g[j])
            hist[it] = err
            it += 1
            if err <= tol:
                break
    return it, err


def scaling_sinkhorn(const double[:, ::1] K, const double[::1] a, const double[::1] b,
                     double[::1] u, double[::1] v, Py_ssize_t max_iter, double tol,
                     double bound, double[::1] hist, double[::1] Kv, double[::1] Ktu,
                     double[::1] unew):
    """Matrix-vector Sinkhorn u = a / K v, v = b / K^T u on a stabilised kernel.

    One pass over K per iteration: row i gives (K v)_i, hence u_i, and adds
    u_i K_i to K^T u while the row is in cache.  Stops when the iterate's
    marginal error is <= tol (status 0), when a scaling would leave
    [1 / bound, bound] or a product underflows (status 1, the scalings are
    left at the last good iterate: absorb them), or after max_iter iterations
    (status 2).  Returns (status, iterations, last error).
    """
    cdef Py_ssize_t n = K.shape[0], m = K.shape[1], i, j, it = 0
    cdef double err = np.inf, x, kv, lo = 1.0 / bound
    cdef int status = 2
    with nogil:
        while it < max_iter:
            for j in range(m):
                Ktu[j] = 0.0
            err = 0.0
            for i in range(n):
                kv = na_dot(&K[i, 0], &v[0], m)
                err += fabs(u[i] * kv - a[i])
                x = a[i] / kv
                if not (x > lo and x < bound):
                    status = 1
                    break
                unew[i] = x
                na_axpy(&Ktu[0], x, &K[i, 0], m)
            if status == 1:
                err = INFINITY  # the sum was cut short
                break
            hist[it] = err
            if err <= tol:
                status = 0
                break
            for j in range(m):
                x = b[j] / Ktu[j]
                if not (x > lo and x < bound):
                    status = 1
                    break
            if status == 1:
                break
            memcpy(&u[0], &unew[0], n * sizeof(double))
            for j in range(m):
                v[j] = b[j] / Ktu[j]
            it += 1
    return status, it, err


def absorb(const double[:, ::1] M, double[::1] f, double[::1] g, double[::1] u,
           double[::1] v, double reg, double[:, ::1] K):
    """f += reg log u, g += reg log v, u = v = 1, K = exp((f + g - M) / reg).

    Returns the smallest row sum of the new K (0 when a row underflowed).
    """
    cdef Py_ssize_t n = M.shape[0], m = M.shape[1], i, j
    cdef double inv_reg = 1.0 / reg, s, smin = np.inf
    with nogil:
        for i in range(n):
            f[i] += reg * log(u[i])
            u[i] = 1.0
        for j in range(m):
            g[j] += reg * log(v[j])
            v[j] = 1.0
        for i in range(n):
            s = na_row_exp(&M[i, 0], &g[0], f[i], inv_reg, &K[i, 0], m)
            if s < smin:
                smin = s
    return smin


def plan_from_potentials(const double[:, ::1] M, const double[::1] f, const double[::1] g,
                         double reg, double[:, ::1] P, double[::1] r, double[::1] c):
    """P = exp((f + g - M) / reg), with its row and column sums; returns <M, P>."""
    cdef Py_ssize_t n = M.shape[0], m = M.shape[1], i, j
    cdef double inv_reg = 1.0 / reg, cost = 0.0
    with nogil:
        for j in range(m):
            c[j] = 0.0
        for i in range(n):
            r[i] = na_row_exp(&M[i, 0], &g[0], f[i], inv_reg, &P[i, 0], m)
            na_axpy(&c[0], 1.0, &P[i, 0], m)
            cost += na_dot(&M[i, 0], &P[i, 0], m)
    return cost


cdef void _swap(double* x, Py_ssize_t i, Py_ssize_t j) noexcept nogil:
    cdef double t = x[i]
    x[i] = x[j]
    x[j] = t


cdef double _kth_largest(double* x, Py_ssize_t n, Py_ssize_t k) noexcept nogil:
    """The k-th largest (k >= 1) of x[0:n] by quickselect (x is reordered)."""
    cdef Py_ssize_t lo = 0, hi = n - 1, i, j, target = k - 1
    cdef double pivot
    while lo < hi:
        pivot = x[lo + (hi - lo) // 2]
        i = lo
        j = hi
        while i <= j:
            while x[i] > pivot:
                i += 1
            while x[j] < pivot:
                j -= 1
            if i <= j:
                _swap(x, i, j)
                i += 1
                j -= 1
        if target <= j:
            hi = j
        elif target >= i:
            lo = i
        else:
            return x[target]
    return x[target]


cdef double _dual_pass(const double[:, ::1] M, const double* f, const double* g,
                       double reg, double* r, double* c, double* buf, double* tmp,
                       bint sparsify, double eps, Py_ssize_t kmax, int* indptr,
                       int* indices, double* data, double* rowkth) noexcept nogil:
    """Row/column sums of P(f, g), their total, and (optionally) the sparsified P.

    Row i keeps the entries >= eps * r_i / m (so the dropped mass is at most
    eps * r_i), at most kmax of them (the largest, by selection).  When the
    cap binds, the selection runs on the entries above half the row's k-th
    largest value of the previous call (rowkth, updated here) if there are
    enough of them, so it usually touches little more than kmax values.
    """
    cdef Py_ssize_t n = M.shape[0], m = M.shape[1], i, j, cnt, nnz = 0, kept
    cdef double inv_reg = 1.0 / reg, s, total = 0.0, thr, t2
    for j in range(m):
        c[j] = 0.0
    if sparsify:
        indptr[0] = 0
    for i in range(n):
        s = na_row_exp(&M[i, 0], g, f[i], inv_reg, buf, m)
        r[i] = s
        total += s
        na_axpy(c, 1.0, buf, m)
        if sparsify:
            thr = eps * s / m
            cnt = na_count_ge(buf, thr, m)
            if cnt > kmax:
                t2 = 0.5 * rowkth[i]
                if t2 > thr and na_count_ge(buf, t2, m) >= kmax:
                    thr = t2
                cnt = 0
                for j in range(m):
                    if buf[j] >= thr:
                        tmp[cnt] = buf[j]
                        cnt += 1
                thr = _kth_largest(tmp, cnt, kmax)
                rowkth[i] = thr
            kept = 0
            for j in range(m):
                if buf[j] >= thr and kept < kmax:
                    indices[nnz] = <int>j
                    data[nnz] = buf[j]
                    nnz += 1
                    kept += 1
            indptr[i + 1] = <int>nnz
    return total


def dual_pass(const double[:, ::1] M, const double[::1] f, const double[::1] g, double reg,
              double[::1] r, double[::1] c, double[::1] buf, double[::1] tmp, bint sparsify,
              double eps, Py_ssize_t kmax, int[::1] indptr, int[::1] indices, double[::1] data,
              double[::1] rowkth):
    """Python entry to the dual pass; returns sum_ij P_ij."""
    cdef double total
    with nogil:
        total = _dual_pass(M, &f[0], &g[0], reg, &r[0], &c[0], &buf[0], &tmp[0], sparsify,
                           eps, kmax, &indptr[0], &indices[0], &data[0], &rowkth[0])
    return total


cdef void _schur_matvec(const int* indptr, const int* indices, const double* data,
                        Py_ssize_t n, Py_ssize_t m, const double* rs, const double* cs,
                        const double* u, const double* w, const double* x, double* y,
                        double* z) noexcept nogil:
    """y = (diag(cs) - Q^T diag(1/rs) Q) x with Q = Ps + u w^T; z is n scratch."""
    cdef Py_ssize_t i, j, k
    cdef double t, wx = 0.0, uz = 0.0
    for j in range(m):
        wx += w[j] * x[j]
    for i in range(n):
        t = u[i] * wx
        for k in range(indptr[i], indptr[i + 1]):
            t += data[k] * x[indices[k]]
        z[i] = t / rs[i]
        uz += u[i] * z[i]
    for j in range(m):
        y[j] = cs[j] * x[j] - w[j] * uz
    for i in range(n):
        t = z[i]
        for k in range(indptr[i], indptr[i + 1]):
            y[indices[k]] -= data[k] * t


def schur_pcg(const int[::1] indptr, const int[::1] indices, const double[::1] data,
              const double[::1] u, const double[::1] w, const double[::1] rs,
              const double[::1] cs, const double[::1] bf, const double[::1] bg, double rtol,
              Py_ssize_t maxiter, double[::1] df, double[::1] dg):
    """Solve [[diag(rs), Q], [Q^T, diag(cs)]] [df; dg] = [bf; bg], Q = Ps + u w^T.

    Ps holds the kept entries of P (CSR) and the rank-one u w^T spreads the
    dropped mass of each row over the columns in proportion to theirs, so
    that Q has P's row and column sums: the matrix keeps the Hessian's null
    direction (1, -1) and connects what the kept entries alone would split.
    Eliminates df (diagonal block), runs Jacobi-preconditioned CG on the Schur
    complement S = diag(cs) - Q^T diag(1/rs) Q for dg (the constant vector,
    S's null direction when rs, cs are not shifted, is projected out of the
    right-hand side), then back-substitutes.  Returns (CG iterations,
    relative residual).
    """
    cdef Py_ssize_t n = rs.shape[0], m = cs.shape[0], i, j, k, it = 0
    cdef double[::1] rhs = np.empty(m), res = np.empty(m), z = np.empty(m)
    cdef double[::1] p = np.empty(m), q = np.empty(m), dinv = np.empty(m), sc = np.empty(n)
    cdef double t, rz, rz_new, alpha, beta, nb = 0.0, nr, mean, ubf = 0.0, u2 = 0.0, wdg
    with nogil:
        # rhs = bg - Q^T (bf / rs); Jacobi diagonal without the cross terms
        for i in range(n):
            ubf += u[i] * bf[i] / rs[i]
            u2 += u[i] * u[i] / rs[i]
        for j in range(m):
            rhs[j] = bg[j] - w[j] * ubf
            dinv[j] = cs[j] - w[j] * w[j] * u2
        for i in range(n):
            t = bf[i] / rs[i]
            for k in range(indptr[i], indptr[i + 1]):
                rhs[indices[k]] -= data[k] * t
                dinv[indices[k]] -= data[k] * data[k] / rs[i]
        mean = 0.0
        for j in range(m):
            mean += rhs[j]
        mean /= m
        for j in range(m):
            rhs[j] -= mean
            if dinv[j] <= 1e-3 * cs[j]:
                dinv[j] = 1e-3 * cs[j]
            dinv[j] = 1.0 / dinv[j]
            nb += rhs[j] * rhs[j]
            dg[j] = 0.0
            res[j] = rhs[j]
            z[j] = dinv[j] * res[j]
            p[j] = z[j]
        nb = sqrt(nb)
        rz = 0.0
        for j in range(m):
            rz += res[j] * z[j]
        nr = nb
        while it < maxiter and nr > rtol * nb and nb > 0:
            _schur_matvec(&indptr[0], &indices[0], &data[0], n, m, &rs[0], &cs[0], &u[0],
                          &w[0], &p[0], &q[0], &sc[0])
            t = 0.0
            for j in range(m):
                t += p[j] * q[j]
            if t <= 0:
                break
            alpha = rz / t
            nr = 0.0
            rz_new = 0.0
            for j in range(m):
                dg[j] += alpha * p[j]
                res[j] -= alpha * q[j]
                nr += res[j] * res[j]
                z[j] = dinv[j] * res[j]
                rz_new += res[j] * z[j]
            nr = sqrt(nr)
            beta = rz_new / rz
            rz = rz_new
            for j in range(m):
                p[j] = z[j] + beta * p[j]
            it += 1
        # df = (bf - Q dg) / rs
        wdg = 0.0
        for j in range(m):
            wdg += w[j] * dg[j]
        for i in range(n):
            t = bf[i] - u[i] * wdg
            for k in range(indptr[i], indptr[i + 1]):
                t -= data[k] * dg[indices[k]]
            df[i] = t / rs[i]
    return it, (nr / nb if nb > 0 else 0.0)


def line_search(const double[:, ::1] M, const double[::1] a, const double[::1] b,
                const double[::1] f, const double[::1] g, const double[::1] df,
                const double[::1] dg, double reg, double sum0, double err0, double slope,
                Py_ssize_t max_halvings, double[::1] ft, double[::1] gt, double[::1] r,
                double[::1] c, double[::1] buf, double[::1] tmp, double eps, Py_ssize_t kmax,
                int[::1] indptr, int[::1] indices, double[::1] data, double[::1] rowkth):
    """Backtracking (Armijo) on the dual D along (df, dg) from (f, g).

    The increase D(t) - D(0) = t (<df, a> + <dg, b>) - reg (sum P(t) - sum0) is
    computed as a difference, to keep rounding small; a step is accepted when
    it gives an Armijo increase >= 1e-4 t slope, or (near the optimum, where the
    increase drowns in rounding) when it reduces the marginal error by 10%, or
    at all for the full step.  The
    trial point, its row/column sums and sparsified P are left in ft, gt, r, c
    and the CSR arrays.  Returns (t, marginal error at t, sum P(t)) with t = 0
    when every trial failed.
    """
    cdef Py_ssize_t n = M.shape[0], m = M.shape[1], i, j, h = 0
    cdef double t = 1.0, lin = 0.0, total = np.inf, inc, err = np.inf
    cdef bint ok = False
    for i in range(n):
        lin += df[i] * a[i]
    for j in range(m):
        lin += dg[j] * b[j]
    with nogil:
        while h <= max_halvings:
            for i in range(n):
                ft[i] = f[i] + t * df[i]
            for j in range(m):
                gt[j] = g[j] + t * dg[j]
            total = _dual_pass(M, &ft[0], &gt[0], reg, &r[0], &c[0], &buf[0], &tmp[0], True,
                               eps, kmax, &indptr[0], &indices[0], &data[0], &rowkth[0])
            if isfinite(total):
                err = 0.0
                for i in range(n):
                    err += fabs(r[i] - a[i])
                for j in range(m):
                    err += fabs(c[j] - b[j])
                inc = t * lin - reg * (total - sum0)
                if inc >= 1e-4 * t * slope or err < 0.9 * err0 or (h == 0 and err < err0):
                    ok = True
                    break
            t *= 0.5
            h += 1
    if ok:
        return t, err, total
    return 0.0, np.inf, np.inf
