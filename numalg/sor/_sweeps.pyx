# SOR / SSOR kernels on CSR matrices (float64 values, int32 or int64 indices).
#
# A row of A is split as a_ii x_i + sum_{j < i} a_ij x_j + sum_{j > i} a_ij x_j.
# A forward SOR sweep updates x_i for i = 0..n-1, in place:
#     x_i <- x_i + omega (b_i - sum_j a_ij x_j) / a_ii
# where entries j < i already hold their new values.  The backward sweep runs
# i = n-1..0.  The caller checked that the diagonal is non-zero and that the
# column indices of each row are sorted.
#
# Fused residual.  In the forward sweep k+1, the upper part sum_{j > i} a_ij x_j
# at row i is evaluated on x^k (those entries are not updated yet), and sweep k
# evaluated the lower part on x^k.  Keeping the lower part of sweep k gives the
# exact residual b - A x^k at the cost of one store per row, so that a solve
# needs one pass over A per iteration instead of two.  The previous iterate is
# kept in `prev` so that the iterate whose residual met the tolerance is the one
# returned.
from cython cimport floating

import numpy as np
from libc.math cimport sqrt, fabs

ctypedef fused index_t:
    int
    long long


cdef inline double _dot(const double[::1] a, const double[::1] b, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    cdef double s = 0.0
    for i in range(n):
        s += a[i] * b[i]
    return s


cdef inline double _residual_norm(const index_t[::1] indptr, const index_t[::1] indices,
                                  const double[::1] data, const double[::1] b,
                                  const double[::1] x, double[::1] r) noexcept nogil:
    """r = b - A x; returns ||r||_2."""
    cdef Py_ssize_t n = b.shape[0], i, k
    cdef double s, nrm = 0.0
    for i in range(n):
        s = b[i]
        for k in range(indptr[i], indptr[i + 1]):
            s -= data[k] * x[indices[k]]
        r[i] = s
        nrm += s * s
    return sqrt(nrm)


cdef inline void _forward(const index_t[::1] indptr, const index_t[::1] indices,
                          const double[::1] data, const double[::1] diag,
                          const double[::1] b, double[::1] x, double omega) noexcept nogil:
    cdef Py_ssize_t n = b.shape[0], i, k, start, end
    cdef const index_t* ip = &indptr[0]
    cdef const index_t* ix = &indices[0]
    cdef const double* av = &data[0]
    cdef const double* dg = &diag[0]
    cdef const double* bv = &b[0]
    cdef double* xv = &x[0]
    cdef double s
    end = ip[0]
    for i in range(n):
        start = end
        end = ip[i + 1]
        s = bv[i]
        for k in range(start, end):
            s -= av[k] * xv[ix[k]]
        xv[i] += omega * s / dg[i]


cdef inline void _backward(const index_t[::1] indptr, const index_t[::1] indices,
                           const double[::1] data, const double[::1] diag,
                           const double[::1] b, double[::1] x, double omega) noexcept nogil:
    cdef Py_ssize_t n = b.shape[0], i, k, start, end
    cdef const index_t* ip = &indptr[0]
    cdef const index_t* ix = &indices[0]
    cdef const double* av = &data[0]
    cdef const double* dg = &diag[0]
    cdef const double* bv = &b[0]
    cdef double* xv = &x[0]
    cdef double s
    i = n - 1
    start = ip[n]
    while i >= 0:
        end = start
        start = ip[i]
        s = bv[i]
        for k in range(start, end):
            s -= av[k] * xv[ix[k]]
        xv[i] += omega * s / dg[i]
        i -= 1


def sor_sweeps(const index_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
               const double[::1] diag, const double[::1] b, double[::1] x, double omega,
               int direction, Py_ssize_t n_sweeps):
    """Run `n_sweeps` SOR sweeps in place: direction 0 forward, 1 backward, 2 symmetric."""
    cdef Py_ssize_t it
    with nogil:
        for it in range(n_sweeps):
            if direction == 0 or direction == 2:
                _forward(indptr, indices, data, diag, b, x, omega)
            if direction == 1 or direction == 2:
                _backward(indptr, indices, data, diag, b, x, omega)


cdef inline double _forward_fused(const index_t[::1] indptr, const index_t[::1] indices,
                                  const double[::1] data, const index_t[::1] dpos,
                                  const double[::1] diag,
                                  const double[::1] b, double[::1] x, double[::1] prev,
                                  double[::1] lower, double omega) noexcept nogil:
    """Forward sweep x^k -> x^{k+1}; returns ||b - A x^k||^2 (needs `lower` of sweep k)."""
    cdef Py_ssize_t n = b.shape[0], i, k, d, end
    cdef const index_t* ip = &indptr[0]
    cdef const index_t* ix = &indices[0]
    cdef const index_t* dp = &dpos[0]
    cdef const double* av = &data[0]
    cdef const double* dg = &diag[0]
    cdef const double* bv = &b[0]
    cdef double* xv = &x[0]
    cdef double* pv = &prev[0]
    cdef double* lv = &lower[0]
    cdef double lo, up, xi, res, nrm = 0.0
    for i in range(n):
        lo = 0.0
        up = 0.0
        d = dp[i]
        end = ip[i + 1]
        for k in range(ip[i], d):
            lo += av[k] * xv[ix[k]]
        for k in range(d + 1, end):
            up += av[k] * xv[ix[k]]
        xi = xv[i]
        pv[i] = xi
        res = bv[i] - dg[i] * xi - up
        lv[i], lo = lo, res - lv[i]   # lo <- r_i(x^k); lower[i] <- new lower part
        nrm += lo * lo
        xv[i] = xi + omega * (res - lv[i]) / dg[i]
    return nrm


cdef inline double _backward_fused(const index_t[::1] indptr, const index_t[::1] indices,
                                   const double[::1] data, const index_t[::1] dpos,
                                   const double[::1] diag,
                                   const double[::1] b, double[::1] x, double[::1] prev,
                                   double[::1] upper, double omega) noexcept nogil:
    """Backward sweep x^k -> x^{k+1}; returns ||b - A x^k||^2 (needs `upper` of sweep k)."""
    cdef Py_ssize_t n = b.shape[0], i, k, d, start
    cdef const index_t* ip = &indptr[0]
    cdef const index_t* ix = &indices[0]
    cdef const index_t* dp = &dpos[0]
    cdef const double* av = &data[0]
    cdef const double* dg = &diag[0]
    cdef const double* bv = &b[0]
    cdef double* xv = &x[0]
    cdef double* pv = &prev[0]
    cdef double* uv = &upper[0]
    cdef double lo, up, xi, res, nrm = 0.0
    i = n - 1
    while i >= 0:
        lo = 0.0
        up = 0.0
        d = dp[i]
        start = ip[i]
        for k in range(start, d):
            lo += av[k] * xv[ix[k]]
        for k in range(d + 1, ip[i + 1]):
            up += av[k] * xv[ix[k]]
        xi = xv[i]
        pv[i] = xi
        res = bv[i] - dg[i] * xi - lo
        uv[i], up = up, res - uv[i]   # up <- r_i(x^k); upper[i] <- new upper part
        nrm += up * up
        xv[i] = xi + omega * (res - uv[i]) / dg[i]
        i -= 1
    return nrm


cdef inline void _split_parts(const index_t[::1] indptr, const index_t[::1] indices,
                              const double[::1] data, const index_t[::1] dpos, const double[::1] x,
                              double[::1] lower, double[::1] upper) noexcept nogil:
    """lower = (strict lower part of A) x, upper = (strict upper part of A) x."""
    cdef Py_ssize_t n = x.shape[0], i, k
    cdef double lo, up
    for i in range(n):
        lo = 0.0
        up = 0.0
        for k in range(indptr[i], dpos[i]):
            lo += data[k] * x[indices[k]]
        for k in range(dpos[i] + 1, indptr[i + 1]):
            up += data[k] * x[indices[k]]
        lower[i] = lo
        upper[i] = up


def sor_solve(const index_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
              const index_t[::1] dpos, const double[::1] diag, const double[::1] b, double[::1] x, double omega,
              int direction, double tol_abs, Py_ssize_t max_iter, double[::1] history,
              object callback=None):
    """SOR iterations in place until ||b - A x|| <= tol_abs or max_iter sweeps.

    direction: 0 forward, 1 backward, 2 symmetric (forward then backward).
    history[k] receives ||b - A x^k|| for k = 0..n_iter (length max_iter + 1).
    On return x holds the last iterate whose residual is known: x^{n_iter}.
    callback: None, or called (with the GIL) as callback(k, ||r^k||, x^k) for
    every k >= 1 whose residual is above tol_abs; a true return stops with
    n_iter = k.  x^k is a view of a work array, valid during the call only.
    Without a callback the loop never takes the GIL.
    Returns (n_iter, ||b - A x^{n_iter}||).
    """
    cdef Py_ssize_t n = b.shape[0], it = 0, i
    cdef double nrm, s
    cdef double[::1] prev = x.copy()
    cdef double[::1] lower = x.copy()
    cdef double[::1] upper = x.copy()
    cdef bint done = False, has_cb = callback is not None, stop = False
    cdef object xview = np.asarray(x) if has_cb else None
    cdef object pview = np.asarray(prev) if has_cb else None
    with nogil:
        if direction == 2:
            nrm = _residual_norm(indptr, indices, data, b, x, prev)
            history[0] = nrm
            while nrm > tol_abs and it < max_iter:
                _forward(indptr, indices, data, diag, b, x, omega)
                _backward(indptr, indices, data, diag, b, x, omega)
                it += 1
                nrm = _residual_norm(indptr, indices, data, b, x, prev)
                history[it] = nrm
                if nrm != nrm:
                    break
                if has_cb and nrm > tol_abs:
                    with gil:
                        stop = bool(callback(it, nrm, xview))
                    if stop:
                        break
            done = True
        if not done:
            # one explicit pass for x^0: its residual and its lower/upper products
            _split_parts(indptr, indices, data, dpos, x, lower, upper)
            nrm = 0.0
            for i in range(n):
                s = b[i] - lower[i] - upper[i] - diag[i] * x[i]
                nrm += s * s
            nrm = sqrt(nrm)
            history[0] = nrm
            if nrm <= tol_abs or max_iter == 0 or nrm != nrm:
                done = True
        if not done:
            # sweep 1 needs no residual; from sweep 2 on, sweep k+1 yields ||r^k||
            if direction == 0:
                _forward_fused(indptr, indices, data, dpos, diag, b, x, prev, lower, omega)
            else:
                _backward_fused(indptr, indices, data, dpos, diag, b, x, prev, upper, omega)
            it = 1
            while True:
                if direction == 0:
                    nrm = sqrt(_forward_fused(indptr, indices, data, dpos, diag, b, x, prev, lower, omega))
                else:
                    nrm = sqrt(_backward_fused(indptr, indices, data, dpos, diag, b, x, prev, upper, omega))
                history[it] = nrm
                if has_cb and nrm > tol_abs and nrm == nrm:
                    with gil:
                        stop = bool(callback(it, nrm, pview))
                if nrm <= tol_abs or it >= max_iter or nrm != nrm or stop:
                    # x^{it} is in prev; the sweep just made is discarded
                    for i in range(n):
                        x[i] = prev[i]
                    break
                it += 1
    return it, nrm


# ------------------------------------------------------------------ SSOR-PCG ---

cdef inline void _ssor_apply(const index_t[::1] indptr, const index_t[::1] indices,
                             const double[::1] data, const index_t[::1] dpos,
                             const double[::1] wdinv, const double[::1] r, double[::1] z,
                             double omega) noexcept nogil:
    """z = M^{-1} r with M = (D + w L) D^{-1} (D + w U) / (w (2 - w)).

    Forward solve (D + w L) y = w (2 - w) r, then (D + w U) z = D y backward:
    z_i = y_i - w (sum_{j > i} a_ij z_j) / a_ii.  L and U are read in place
    from the rows of A (column indices sorted, dpos[i] = position of a_ii);
    wdinv[i] = omega / a_ii.
    """
    cdef Py_ssize_t n = r.shape[0], i, k, d
    cdef const index_t* ip = &indptr[0]
    cdef const index_t* ix = &indices[0]
    cdef const index_t* dp = &dpos[0]
    cdef const double* av = &data[0]
    cdef const double* wd = &wdinv[0]
    cdef const double* rv = &r[0]
    cdef double* zv = &z[0]
    cdef double s, c = (2.0 - omega)
    for i in range(n):
        s = c * rv[i]
        for k in range(ip[i], dp[i]):
            s -= av[k] * zv[ix[k]]
        zv[i] = s * wd[i]
    i = n - 1
    while i >= 0:
        s = 0.0
        for k in range(dp[i] + 1, ip[i + 1]):
            s += av[k] * zv[ix[k]]
        zv[i] -= s * wd[i]
        i -= 1


def ssor_apply(const index_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
               const index_t[::1] dpos, const double[::1] diag, const double[::1] r,
               double[::1] z, double omega):
    """Apply the SSOR preconditioner's inverse: z = M^{-1} r."""
    cdef Py_ssize_t i
    cdef double[::1] wd = r.copy()
    for i in range(r.shape[0]):
        wd[i] = omega / diag[i]
    with nogil:
        _ssor_apply(indptr, indices, data, dpos, wd, r, z, omega)


def ssor_pcg(const index_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
             const index_t[::1] dpos, const double[::1] diag, const double[::1] b, double[::1] x, double omega,
             double tol_abs, Py_ssize_t max_iter, double[::1] history, object callback=None):
    """Conjugate gradients preconditioned by SSOR(omega), x updated in place.

    Stops when the recursively updated residual has ||r|| <= tol_abs.
    history[k] receives ||r_k|| (length max_iter + 1).
    callback: None, or called (with the GIL) as callback(k, ||r_k||, x_k) after
    every iteration that did not converge; a true return stops (status 3).
    Without a callback the loop never takes the GIL.
    Returns (n_iter, ||r_{n_iter}||, status) with status 0 converged, 1 max_iter,
    2 breakdown (p^T A p <= 0 or r^T z <= 0: A or M not positive definite),
    3 stopped by the callback.
    """
    cdef Py_ssize_t n = b.shape[0], it = 0, i, k
    cdef double[::1] r = x.copy()
    cdef double[::1] z = x.copy()
    cdef double[::1] p = x.copy()
    cdef double[::1] q = x.copy()
    cdef double[::1] wd = x.copy()
    cdef double nrm, rz, rz_new, pq, alpha, beta, s
    cdef int status = 1
    cdef bint run = True, has_cb = callback is not None, stop = False
    cdef object xview = np.asarray(x) if has_cb else None
    cdef const index_t* ip = &indptr[0]
    cdef const index_t* ix = &indices[0]
    cdef const double* av = &data[0]
    cdef double* xv = &x[0]
    cdef double* rv = &r[0]
    cdef double* zv = &z[0]
    cdef double* pv = &p[0]
    cdef double* qv = &q[0]
    with nogil:
        for i in range(n):
            wd[i] = omega / diag[i]
        nrm = _residual_norm(indptr, indices, data, b, x, r)
        history[0] = nrm
        rz = 0.0
        if nrm <= tol_abs:
            status = 0
            run = False
        elif max_iter == 0 or nrm != nrm:
            run = False
        if run:
            _ssor_apply(indptr, indices, data, dpos, wd, r, z, omega)
            rz = _dot(r, z, n)
            if not rz > 0.0:
                status = 2
                run = False
            for i in range(n):
                pv[i] = zv[i]
        while run and it < max_iter:
            # q = A p
            pq = 0.0
            for i in range(n):
                s = 0.0
                for k in range(ip[i], ip[i + 1]):
                    s += av[k] * pv[ix[k]]
                qv[i] = s
                pq += pv[i] * s
            if not pq > 0.0:
                status = 2
                break
            alpha = rz / pq
            nrm = 0.0
            for i in range(n):
                xv[i] += alpha * pv[i]
                rv[i] -= alpha * qv[i]
                nrm += rv[i] * rv[i]
            nrm = sqrt(nrm)
            it += 1
            history[it] = nrm
            if nrm <= tol_abs:
                status = 0
                break
            if has_cb:
                with gil:
                    stop = bool(callback(it, nrm, xview))
                if stop:
                    status = 3
                    break
            _ssor_apply(indptr, indices, data, dpos, wd, r, z, omega)
            rz_new = _dot(r, z, n)
            if not rz_new > 0.0:
                status = 2
                break
            beta = rz_new / rz
            rz = rz_new
            for i in range(n):
                pv[i] = zv[i] + beta * pv[i]
    return it, nrm, status


def residual_norm(const index_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
                  const double[::1] b, const double[::1] x):
    """||b - A x||_2."""
    cdef double[::1] r = b.copy()
    cdef double nrm
    with nogil:
        nrm = _residual_norm(indptr, indices, data, b, x, r)
    return nrm


def diagonal_positions(const index_t[::1] indptr, const index_t[::1] indices,
                       const double[::1] data, index_t[::1] dpos, double[::1] diag):
    """dpos[i] = position of a_ii in row i (sorted indices), -1 when absent;
    diag[i] = a_ii (0 when absent).

    Also checks that the column indices of every row are strictly increasing;
    returns the first row where they are not, or -1.
    """
    cdef Py_ssize_t n = dpos.shape[0], i, k
    cdef Py_ssize_t bad = -1
    with nogil:
        for i in range(n):
            dpos[i] = -1
            diag[i] = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                if k > indptr[i] and indices[k] <= indices[k - 1] and bad < 0:
                    bad = i
                if indices[k] == i:
                    dpos[i] = k
                    diag[i] = data[k]
    return bad


cdef inline Py_ssize_t _find(const index_t[::1] indices, Py_ssize_t lo, Py_ssize_t hi,
                             Py_ssize_t col) noexcept nogil:
    """Position of `col` in the sorted indices[lo:hi], or -1."""
    cdef Py_ssize_t mid, end = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if indices[mid] < col:
            lo = mid + 1
        else:
            hi = mid
    if lo < end and indices[lo] == col:
        return lo
    return -1


def max_asymmetry(const index_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
                  const index_t[::1] dpos):
    """max |a_ij - a_ji| over the strict upper triangle (missing entries count as 0)."""
    cdef Py_ssize_t n = dpos.shape[0], i, k, p
    cdef index_t j
    cdef double worst = 0.0, d
    with nogil:
        for i in range(n):
            for k in range(dpos[i] + 1, indptr[i + 1]):
                j = indices[k]
                p = _find(indices, indptr[j], dpos[j], i)
                d = fabs(data[k] - (data[p] if p >= 0 else 0.0))
                if d > worst:
                    worst = d
            # entries of the lower triangle with no partner above
            for k in range(indptr[i], dpos[i]):
                j = indices[k]
                p = _find(indices, dpos[j] + 1, indptr[j + 1], i)
                if p < 0:
                    d = fabs(data[k])
                    if d > worst:
                        worst = d
    return worst


def tsallis_probabilities(const double[::1] losses, double eta, double[::1] p):
    """1/2-Tsallis FTRL: p_i = 4 / (eta (L_i - x))^2 with sum p = 1, by Newton on x.

    Started at x = min L - 2 / eta (where sum p >= 1); the sum is increasing
    and convex in x < min L, so the Newton iterates decrease monotonically to
    the root.  Returns the number of Newton steps.
    """
    cdef Py_ssize_t K = losses.shape[0], i, it = 0
    cdef double lmin = losses[0], x, w, s, ds, total
    for i in range(K):
        if losses[i] < lmin:
            lmin = losses[i]
    x = lmin - 2.0 / eta
    with nogil:
        while it < 100:
            s = 0.0
            ds = 0.0
            for i in range(K):
                w = 2.0 / (eta * (losses[i] - x))
                s += w * w
                ds += w * w * w
            if s - 1.0 <= 1e-14:
                break
            x -= (s - 1.0) / (eta * ds)
            it += 1
        total = 0.0
        for i in range(K):
            w = 2.0 / (eta * (losses[i] - x))
            p[i] = w * w
            total += p[i]
        for i in range(K):
            p[i] /= total
    return it
