# Block coordinate descent kernels for a quadratic model plus a separable penalty.
#
# The Gram kernel minimises
#     q(b) = 1/2 b^T Q b - c^T b + sum_j [ l1_j |b_j| + l2/2 b_j^2 + I(b_j >= 0 if nonneg) ]
# over the coordinates of a working set, with Q dense (the Gram matrix of the
# working set, or a Newton model of a smooth datafit).  The gradient g = Q b - c
# is maintained incrementally after every block update (O(m |block|)), so the
# greedy scores (GS, GSL/GSD, GSQ and their proximal versions) read it directly.
# Once the support and signs are stable over an epoch, a Newton step on the
# support (Cholesky of Q_SS + l2 I, step shortened at the first sign change)
# finishes the quadratic in finitely many steps.
#
# The residual kernels run cyclic coordinate descent directly on a dense
# (Fortran-ordered) or CSC design for working sets too large for a Gram matrix.
from libc.math cimport fabs, sqrt, exp, log, log1p, INFINITY
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy
from scipy.linalg.cython_lapack cimport dposv

# Newton steps on the support retried after a sign change (see _newton_retry)
cdef enum:
    NEWTON_RETRIES = 8

# selection rules
cdef enum:
    CYCLIC = 0
    RANDOM = 1
    LIPSCHITZ = 2
    GS = 3
    GSL = 4
    GSD = 5
    GSQ = 6

# block updates
cdef enum:
    NEWTON = 0
    GRADIENT = 1
    BACKTRACKING = 2


cdef inline unsigned long long _rng_next(unsigned long long* s) noexcept nogil:
    cdef unsigned long long x = s[0]
    x ^= x >> 12
    x ^= x << 25
    x ^= x >> 27
    s[0] = x
    return x * 2685821657736338717ULL


cdef inline double _rng_unif(unsigned long long* s) noexcept nogil:
    return (_rng_next(s) >> 11) * (1.0 / 9007199254740992.0)


cdef inline double _prox1(double v, double L, double l1, double l2, bint nonneg) noexcept nogil:
    """argmin_x L/2 (x - v)^2 + l1 |x| + l2/2 x^2 (+ x >= 0)."""
    cdef double u = L * v, x
    if u > l1:
        x = (u - l1) / (L + l2)
    elif u < -l1:
        x = (u + l1) / (L + l2)
    else:
        x = 0.0
    if nonneg and x < 0.0:
        x = 0.0
    return x


cdef inline double _pen(double x, double l1, double l2) noexcept nogil:
    return l1 * fabs(x) + 0.5 * l2 * x * x


cdef inline double _viol(double b, double g, double l1, double l2, bint nonneg) noexcept nogil:
    """Distance from -g to the subdifferential of the penalty at b (min-norm subgradient)."""
    cdef double s = g + l2 * b, v
    if b > 0.0:
        return fabs(s + l1)
    if b < 0.0:
        return fabs(s - l1)
    if nonneg:
        v = -s - l1
    else:
        v = fabs(s) - l1
    return v if v > 0.0 else 0.0


cdef inline double _coord_min(double b, double g, double L, double l1, double l2,
                              bint nonneg) noexcept nogil:
    """Exact minimiser over one coordinate of g d + L/2 d^2 + pen(b + d)."""
    if L > 0.0:
        return _prox1(b - g / L, L, l1, l2, nonneg)
    if l2 > 0.0:
        return _prox1(b - g / l2, l2, l1, 0.0, nonneg)
    return b


cdef inline double _score(int rule, double b, double g, double L, double l1, double l2,
                          bint nonneg) noexcept nogil:
    """Greedy score of one coordinate (larger is better).

    GS: the min-norm subgradient (GS-s); GSL/GSD: the Lipschitz-scaled length of
    the exact proximal coordinate step (GS-r); GSQ: the decrease of that step (GS-q).
    """
    cdef double x, d, dec
    if rule == GS:
        return _viol(b, g, l1, l2, nonneg)
    x = _coord_min(b, g, L, l1, l2, nonneg)
    d = x - b
    if rule == GSQ:
        dec = -(g * d + 0.5 * L * d * d + _pen(x, l1, l2) - _pen(b, l1, l2))
        return dec if dec > 0.0 else 0.0
    return sqrt(L + l2) * fabs(d)


cdef void _topk(const double* score, Py_ssize_t m, Py_ssize_t k, Py_ssize_t* out,
                double* outs) noexcept nogil:
    """Indices of the k largest scores (k small), by insertion into a sorted buffer."""
    cdef Py_ssize_t i, pos, n = 0
    cdef double s
    for i in range(m):
        s = score[i]
        if n == k and s <= outs[k - 1]:
            continue
        pos = n if n < k else k - 1
        while pos > 0 and outs[pos - 1] < s:
            if pos < k:
                outs[pos] = outs[pos - 1]
                out[pos] = out[pos - 1]
            pos -= 1
        outs[pos] = s
        out[pos] = i
        if n < k:
            n += 1


def gram_bcd(double[:, ::1] Q, double[::1] c, double[::1] beta, double[::1] grad,
             const double[::1] l1, double l2, bint nonneg,
             int rule, int block_size, int update,
             const Py_ssize_t[::1] block_ptr, const Py_ssize_t[::1] block_idx,
             double tol, Py_ssize_t max_updates, bint use_newton,
             unsigned long long seed, double[::1] trace, double greedy_frac=1.0,
             Py_ssize_t polish_max=0):
    """Block coordinate descent on a dense quadratic model over a working set.

    Parameters mirror the module comment; ``grad`` must hold ``Q @ beta - c`` on
    entry and is kept equal to it.  ``block_ptr``/``block_idx`` describe a fixed
    partition (CSR-like lists of local indices) or are empty for variable blocks.
    ``trace`` (possibly empty) receives q(beta) - q(beta_0) after each update.
    ``greedy_frac`` < 1 (single coordinates, variable partition) batches the greedy
    rules: one scan of the scores, then exact updates of every coordinate whose
    score is >= greedy_frac times the best, in index order, then a new scan.
    ``polish_max`` > 0: once converged to ``tol``, one Newton step on the support
    (if it has at most ``polish_max`` coordinates and the step keeps the signs)
    makes the solution exact when the support is right.

    Returns (n_updates, max_violation, first_full_newton_update, n_newton_steps).
    """
    cdef Py_ssize_t m = Q.shape[0]
    cdef Py_ssize_t n_blocks = block_ptr.shape[0] - 1 if block_ptr.shape[0] > 0 else 0
    cdef bint fixed = n_blocks > 0
    cdef Py_ssize_t tau = block_size if block_size < m else m
    cdef Py_ssize_t n_trace = trace.shape[0]
    cdef Py_ssize_t i, j, k, t, it, bi, bsz, n_upd = 0, cursor = 0, epoch_len
    cdef Py_ssize_t newton_at = -1, n_newton = 0, nnz_prev = -1, nnz_now
    cdef unsigned long long rng = seed * 6364136223846793005ULL + 1442695040888963407ULL
    cdef unsigned long long sig_prev = 0, sig_now
    cdef double maxviol = INFINITY, s, d, Lb, total, obj = 0.0, dq, x, tmax, a, dq_sum = 0.0
    cdef bint greedy = rule >= GS, smooth, ok
    cdef Py_ssize_t nbatch = 0, ibatch = 0, n_wait = 0, newton_wait = 1
    cdef bint batched = greedy and greedy_frac < 1.0 and tau == 1 and block_ptr.shape[0] == 0
    cdef int info, nrhs = 1, nn
    cdef char uplo = b'L'
    if m == 0:
        return 0, 0.0, -1, 0
    if rng == 0:
        rng = 88172645463325252ULL
    cdef double* score = <double*> malloc(m * sizeof(double))
    cdef double* cum = <double*> malloc((m + 1) * sizeof(double))
    cdef Py_ssize_t* blk = <Py_ssize_t*> malloc(m * sizeof(Py_ssize_t))
    cdef double* blks = <double*> malloc(m * sizeof(double))
    cdef char* inblk = <char*> malloc(m * sizeof(char))
    cdef double* xb = <double*> malloc(m * sizeof(double))
    cdef double* db = <double*> malloc(m * sizeof(double))
    cdef double* gl = <double*> malloc(m * sizeof(double))
    cdef double* H = <double*> malloc(m * m * sizeof(double)) if (tau > 1 or use_newton) else NULL
    cdef Py_ssize_t* sup = <Py_ssize_t*> malloc(m * sizeof(Py_ssize_t))
    cdef Py_ssize_t* bat = <Py_ssize_t*> malloc(m * sizeof(Py_ssize_t))
    with nogil:
        for i in range(m):
            inblk[i] = 0
        # cumulative Lipschitz constants for Lipschitz sampling
        cum[0] = 0.0
        if fixed:
            for bi in range(n_blocks):
                s = 0.0
                for k in range(block_ptr[bi], block_ptr[bi + 1]):
                    s += Q[block_idx[k], block_idx[k]] + l2
                cum[bi + 1] = cum[bi] + s
            epoch_len = n_blocks
        else:
            for i in range(m):
                cum[i + 1] = cum[i] + Q[i, i] + l2
            epoch_len = (m + tau - 1) // tau
        # the support at entry: a Newton step is tried when an epoch leaves it unchanged
        nnz_prev = 0
        sig_prev = 1469598103934665603ULL
        for i in range(m):
            if beta[i] != 0.0:
                nnz_prev += 1
                sig_prev = (sig_prev ^ <unsigned long long> (2 * i + (beta[i] > 0.0))) * 1099511628211ULL
        while n_upd < max_updates:
            # ---------------------------------------------------- choose a block
            bsz = 0
            if batched and ibatch < nbatch:
                blk[0] = bat[ibatch]
                ibatch += 1
                bsz = 1
            elif batched:
                maxviol = 0.0
                s = 0.0
                for i in range(m):
                    a = _viol(beta[i], grad[i], l1[i], l2, nonneg)
                    if a > maxviol:
                        maxviol = a
                    score[i] = a if rule == GS else _score(rule, beta[i], grad[i], Q[i, i], l1[i], l2, nonneg)
                    if score[i] > s:
                        s = score[i]
                if maxviol <= tol:
                    break
                nbatch = 0
                for i in range(m):
                    if score[i] >= greedy_frac * s and score[i] > 0.0:
                        bat[nbatch] = i
                        nbatch += 1
                blk[0] = bat[0]
                ibatch = 1
                bsz = 1
            elif greedy:
                maxviol = 0.0
                for i in range(m):
                    s = _viol(beta[i], grad[i], l1[i], l2, nonneg)
                    if s > maxviol:
                        maxviol = s
                    score[i] = s if rule == GS else _score(rule, beta[i], grad[i], Q[i, i], l1[i], l2, nonneg)
                if maxviol <= tol:
                    break
                if fixed:
                    s = -1.0
                    for bi in range(n_blocks):
                        total = 0.0
                        for k in range(block_ptr[bi], block_ptr[bi + 1]):
                            if rule == GSQ:
                                total += score[block_idx[k]]
                            else:
                                total += score[block_idx[k]] * score[block_idx[k]]
                        if total > s:
                            s = total
                            j = bi
                    for k in range(block_ptr[j], block_ptr[j + 1]):
                        blk[bsz] = block_idx[k]
                        bsz += 1
                else:
                    _topk(score, m, tau, blk, blks)
                    bsz = tau
            else:
                if n_upd % epoch_len == 0:
                    # stopping check once per epoch
                    maxviol = 0.0
                    for i in range(m):
                        s = _viol(beta[i], grad[i], l1[i], l2, nonneg)
                        if s > maxviol:
                            maxviol = s
                    if maxviol <= tol:
                        break
                if fixed:
                    if rule == CYCLIC:
                        j = cursor % n_blocks
                        cursor += 1
                    elif rule == RANDOM or cum[n_blocks] <= 0.0:
                        j = <Py_ssize_t> (_rng_unif(&rng) * n_blocks)
                        if j >= n_blocks:
                            j = n_blocks - 1
                    else:
                        j = _sample(cum, n_blocks, _rng_unif(&rng) * cum[n_blocks])
                    for k in range(block_ptr[j], block_ptr[j + 1]):
                        blk[bsz] = block_idx[k]
                        bsz += 1
                else:
                    if rule == CYCLIC:
                        for t in range(tau):
                            blk[bsz] = cursor % m
                            cursor += 1
                            bsz += 1
                            if cursor % m == 0:
                                break
                    else:
                        it = 0
                        while bsz < tau and it < 20 * tau + 20:
                            it += 1
                            if rule == RANDOM or cum[m] <= 0.0:
                                j = <Py_ssize_t> (_rng_unif(&rng) * m)
                                if j >= m:
                                    j = m - 1
                            else:
                                j = _sample(cum, m, _rng_unif(&rng) * cum[m])
                            if not inblk[j]:
                                inblk[j] = 1
                                blk[bsz] = j
                                bsz += 1
                        for t in range(bsz):
                            inblk[blk[t]] = 0
            if bsz == 0:
                break
            # ---------------------------------------------------- update the block
            if bsz == 1:
                j = blk[0]
                x = _coord_min(beta[j], grad[j], Q[j, j], l1[j], l2, nonneg)
                db[0] = x - beta[j]
            elif update == NEWTON:
                smooth = not nonneg
                for t in range(bsz):
                    if l1[blk[t]] != 0.0:
                        smooth = False
                ok = False
                if smooth:
                    # Cholesky solve of (Q_bb + l2 I) x = Q_bb beta_b - g_b
                    for t in range(bsz):
                        gl[t] = -grad[blk[t]]
                        for k in range(bsz):
                            H[t * bsz + k] = Q[blk[t], blk[k]]
                            gl[t] += Q[blk[t], blk[k]] * beta[blk[k]]
                        H[t * bsz + t] += l2
                    nn = <int> bsz
                    dposv(&uplo, &nn, &nrhs, H, &nn, gl, &nn, &info)
                    if info == 0:
                        ok = True
                        for t in range(bsz):
                            db[t] = gl[t] - beta[blk[t]]
                if not ok:
                    # exact block minimisation by coordinate sweeps on the block
                    for t in range(bsz):
                        gl[t] = grad[blk[t]]
                        xb[t] = beta[blk[t]]
                    for it in range(200):
                        tmax = 0.0
                        for t in range(bsz):
                            i = blk[t]
                            x = _coord_min(xb[t], gl[t], Q[i, i], l1[i], l2, nonneg)
                            d = x - xb[t]
                            if d != 0.0:
                                xb[t] = x
                                for k in range(bsz):
                                    gl[k] += Q[i, blk[k]] * d
                                a = fabs(d) * sqrt(Q[i, i] + l2)
                                if a > tmax:
                                    tmax = a
                        if tmax <= 1e-3 * tol:
                            break
                    for t in range(bsz):
                        db[t] = xb[t] - beta[blk[t]]
            else:
                if update == GRADIENT:
                    # Gershgorin bound on the block's largest eigenvalue
                    Lb = 0.0
                    for t in range(bsz):
                        s = 0.0
                        for k in range(bsz):
                            s += fabs(Q[blk[t], blk[k]])
                        if s > Lb:
                            Lb = s
                else:
                    Lb = 0.0
                    for t in range(bsz):
                        if Q[blk[t], blk[t]] > Lb:
                            Lb = Q[blk[t], blk[t]]
                while True:
                    for t in range(bsz):
                        i = blk[t]
                        x = _coord_min(beta[i], grad[i], Lb, l1[i], l2, nonneg)
                        db[t] = x - beta[i]
                    if update == GRADIENT or Lb <= 0.0:
                        break
                    # backtracking: accept when d^T Q_bb d <= Lb ||d||^2
                    s = 0.0
                    total = 0.0
                    for t in range(bsz):
                        total += db[t] * db[t]
                        for k in range(bsz):
                            s += db[t] * Q[blk[t], blk[k]] * db[k]
                    if s <= Lb * total * (1.0 + 1e-12):
                        break
                    Lb *= 2.0
            # ---------------------------------------------------- apply the step
            dq = 0.0
            if n_trace > 0:
                for t in range(bsz):
                    i = blk[t]
                    dq += grad[i] * db[t] + _pen(beta[i] + db[t], l1[i], l2) - _pen(beta[i], l1[i], l2)
                    for k in range(bsz):
                        dq += 0.5 * db[t] * Q[i, blk[k]] * db[k]
            for t in range(bsz):
                d = db[t]
                if d != 0.0:
                    i = blk[t]
                    beta[i] += d
                    for k in range(m):
                        grad[k] += Q[i, k] * d
            if n_trace > 0:
                obj += dq
                if n_upd < n_trace:
                    trace[n_upd] = obj
            n_upd += 1
            # ---------------------------------------------------- active-set Newton
            if use_newton and n_upd % epoch_len == 0:
                nnz_now = 0
                sig_now = 1469598103934665603ULL
                for i in range(m):
                    if beta[i] != 0.0:
                        sup[nnz_now] = i
                        nnz_now += 1
                        sig_now = (sig_now ^ <unsigned long long> (2 * i + (beta[i] > 0.0))) * 1099511628211ULL
                n_wait += 1
                if (nnz_now > 0 and nnz_now == nnz_prev and sig_now == sig_prev and nnz_now <= 2000
                        and n_wait >= newton_wait):
                    ok = _newton_support(Q, beta, grad, l1, l2, sup, nnz_now, H, gl, xb)
                    n_newton += 1
                    dq_sum = xb[m - 1]
                    ok = _newton_retry(Q, beta, grad, l1, l2, sup, H, gl, xb, ok, &n_newton,
                                       &dq_sum)
                    xb[m - 1] = dq_sum
                    n_wait = 0
                    # back off after a step cut short by a sign change
                    newton_wait = 1 if ok else 2 * newton_wait
                    if ok and newton_at < 0:
                        newton_at = n_upd
                    if n_trace > 0 and n_upd < n_trace:
                        # recompute q(beta) - q(beta0) is not possible incrementally here; record
                        # the exact change of the Newton step instead (stored in xb[0]).
                        obj += xb[m - 1] if m > 0 else 0.0
                        trace[n_upd - 1] = obj
                nnz_prev = nnz_now
                sig_prev = sig_now
        if not greedy or maxviol > tol:
            maxviol = 0.0
            for i in range(m):
                s = _viol(beta[i], grad[i], l1[i], l2, nonneg)
                if s > maxviol:
                    maxviol = s
        if polish_max > 0 and use_newton and maxviol <= tol and maxviol > 0.0 and n_trace == 0:
            nnz_now = 0
            for i in range(m):
                if beta[i] != 0.0:
                    sup[nnz_now] = i
                    nnz_now += 1
            if 0 < nnz_now <= polish_max:
                # a step cut short at a sign change still decreases q; keep it either way
                ok = _newton_support(Q, beta, grad, l1, l2, sup, nnz_now, H, gl, xb)
                n_newton += 1
                dq_sum = xb[m - 1]
                ok = _newton_retry(Q, beta, grad, l1, l2, sup, H, gl, xb, ok, &n_newton, &dq_sum)
                if ok and newton_at < 0:
                    newton_at = n_upd
                maxviol = 0.0
                for i in range(m):
                    s = _viol(beta[i], grad[i], l1[i], l2, nonneg)
                    if s > maxviol:
                        maxviol = s
    free(score)
    free(cum)
    free(blk)
    free(blks)
    free(inblk)
    free(xb)
    free(db)
    free(gl)
    if H != NULL:
        free(H)
    free(sup)
    free(bat)
    return n_upd, maxviol, newton_at, n_newton


cdef inline Py_ssize_t _sample(const double* cum, Py_ssize_t n, double u) noexcept nogil:
    """Smallest i with cum[i + 1] > u (binary search)."""
    cdef Py_ssize_t lo = 0, hi = n - 1, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid + 1] > u:
            hi = mid
        else:
            lo = mid + 1
    return lo


cdef bint _newton_retry(double[:, ::1] Q, double[::1] beta, double[::1] grad,
                       const double[::1] l1, double l2, Py_ssize_t* sup, double* H, double* rhs,
                       double* work, bint ok, Py_ssize_t* n_newton, double* dq_sum) noexcept nogil:
    """After a Newton step cut short at a sign change (the crossing coordinates set to
    zero), Newton again on the smaller support, up to NEWTON_RETRIES times: each step
    decreases q and drops at least one coordinate (an active-set method), instead of
    waiting for coordinate descent epochs.  Returns whether a full step was taken."""
    cdef Py_ssize_t m = Q.shape[0], i, s, tries = 0
    while not ok and work[m - 1] != 0.0 and tries < NEWTON_RETRIES:
        s = 0
        for i in range(m):
            if beta[i] != 0.0:
                sup[s] = i
                s += 1
        if s == 0:
            break
        ok = _newton_support(Q, beta, grad, l1, l2, sup, s, H, rhs, work)
        n_newton[0] += 1
        dq_sum[0] += work[m - 1]
        tries += 1
    return ok


cdef bint _newton_support(double[:, ::1] Q, double[::1] beta, double[::1] grad,
                          const double[::1] l1, double l2, Py_ssize_t* sup, Py_ssize_t s,
                          double* H, double* rhs, double* work) noexcept nogil:
    """Newton step on the support with fixed signs, shortened at the first sign change.

    Returns True when the full step was taken.  work[m-1] receives the change of q.
    """
    cdef Py_ssize_t m = Q.shape[0], a, b, i
    cdef int n = <int> s, nrhs = 1, info
    cdef char uplo = b'L'
    cdef double t = 1.0, r, dq, sgn, d
    for a in range(s):
        i = sup[a]
        sgn = 1.0 if beta[i] > 0.0 else -1.0
        rhs[a] = -(grad[i] + l2 * beta[i] + l1[i] * sgn)
        for b in range(s):
            H[a * s + b] = Q[i, sup[b]]
        H[a * s + a] += l2
    # keep the gradient part for the objective change
    dq = 0.0
    dposv(&uplo, &n, &nrhs, H, &n, rhs, &n, &info)
    if info != 0:
        work[m - 1] = 0.0
        return False
    for a in range(s):
        i = sup[a]
        d = rhs[a]
        if beta[i] + d == 0.0 or (beta[i] > 0.0) != (beta[i] + d > 0.0):
            r = -beta[i] / d
            if r < t:
                t = r
    if t <= 0.0:
        work[m - 1] = 0.0
        return False
    # objective change along t*d: t g_s^T d + t^2/2 d^T (Q+l2) d, with g_s the smooth gradient
    for a in range(s):
        i = sup[a]
        sgn = 1.0 if beta[i] > 0.0 else -1.0
        d = rhs[a]
        dq += t * (grad[i] + l2 * beta[i] + l1[i] * sgn) * d
        for b in range(s):
            dq += 0.5 * t * t * d * (Q[i, sup[b]] + (l2 if a == b else 0.0)) * rhs[b]
    for a in range(s):
        i = sup[a]
        d = t * rhs[a]
        if t < 1.0 and fabs(beta[i] + d) <= 1e-15 * (fabs(beta[i]) + 1e-300) * 4:
            d = -beta[i]
        elif t < 1.0 and (beta[i] > 0.0) != (beta[i] + d > 0.0):
            d = -beta[i]
        beta[i] += d
        if d != 0.0:
            for b in range(m):
                grad[b] += Q[i, b] * d
    work[m - 1] = dq
    return t >= 1.0


def cd_residual(const double[::1, :] Xf, const double[::1] data, const int[::1] indices,
                const int[::1] indptr, bint sparse, const double[::1] h, double[::1] r,
                double[::1] w, const Py_ssize_t[::1] ws, const double[::1] L,
                const double[::1] xbar, const double[::1] l1, double l2, bint nonneg,
                bint center, Py_ssize_t max_epochs, double tol):
    """Cyclic coordinate descent on 1/2 sum_i h_i r_i^2 + pen over the columns ``ws``.

    ``r`` is the residual y - X w - b (with b the optimal intercept when
    ``center``); columns are implicitly centred by ``xbar``.  ``L`` holds the
    (centred, weighted) squared column norms.  Returns (epochs, max_violation).
    """
    cdef Py_ssize_t n = r.shape[0], nws = ws.shape[0]
    cdef Py_ssize_t ep, a, j, i, k, n_ep = 0
    cdef double off = 0.0, g, x, d, s, maxviol = INFINITY
    with nogil:
        for ep in range(max_epochs):
            n_ep += 1
            maxviol = 0.0
            for a in range(nws):
                j = ws[a]
                g = 0.0
                if sparse:
                    for k in range(indptr[j], indptr[j + 1]):
                        i = indices[k]
                        g -= data[k] * h[i] * (r[i] + off)
                else:
                    for i in range(n):
                        g -= Xf[i, j] * h[i] * (r[i] + off)
                # centred columns: sum_i h_i r_i = 0, so the xbar term vanishes
                s = _viol(w[j], g, l1[j], l2, nonneg)
                if s > maxviol:
                    maxviol = s
                x = _coord_min(w[j], g, L[j], l1[j], l2, nonneg)
                d = x - w[j]
                if d != 0.0:
                    w[j] = x
                    if sparse:
                        for k in range(indptr[j], indptr[j + 1]):
                            r[indices[k]] -= data[k] * d
                    else:
                        for i in range(n):
                            r[i] -= Xf[i, j] * d
                    if center:
                        off += xbar[j] * d
            if maxviol <= tol:
                break
        if off != 0.0:
            for i in range(n):
                r[i] += off
    return n_ep, maxviol


def violations(const double[::1] w, const double[::1] g, const double[::1] l1, double l2,
               bint nonneg, double[::1] out):
    """Per-coordinate KKT violations (min-norm subgradient distances)."""
    cdef Py_ssize_t j
    with nogil:
        for j in range(w.shape[0]):
            out[j] = _viol(w[j], g[j], l1[j], l2, nonneg)


def scores(int rule, const double[::1] w, const double[::1] g, const double[::1] L,
           const double[::1] l1, double l2, bint nonneg, double[::1] out):
    """Greedy scores of every coordinate for the rule (GS, GSL, GSD, GSQ codes)."""
    cdef Py_ssize_t j
    with nogil:
        for j in range(w.shape[0]):
            out[j] = _score(rule, w[j], g[j], L[j], l1[j], l2, nonneg)


def col_sq_norms(const double[::1] data, const int[::1] indices, const int[::1] indptr,
                 const double[::1] h, double[::1] out):
    """out[j] = sum_i h_i X[i, j]^2 for a CSC matrix X."""
    cdef Py_ssize_t j, k
    cdef double s
    with nogil:
        for j in range(out.shape[0]):
            s = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                s += h[indices[k]] * data[k] * data[k]
            out[j] = s


def csc_cols_axpy(const double[::1] data, const int[::1] indices, const int[::1] indptr,
                  const Py_ssize_t[::1] cols, const double[::1] delta, double[::1] r):
    """r -= X[:, cols] @ delta for a CSC matrix X (columns with delta == 0 are skipped)."""
    cdef Py_ssize_t b, j, k
    cdef double d
    with nogil:
        for b in range(cols.shape[0]):
            d = delta[b]
            if d == 0.0:
                continue
            j = cols[b]
            for k in range(indptr[j], indptr[j + 1]):
                r[indices[k]] -= data[k] * d


def copy_sub(const double[:, ::1] src, const Py_ssize_t[::1] pos, const Py_ssize_t[::1] dst_idx,
             double[:, ::1] dst):
    """dst[dst_idx[a], dst_idx[b]] = src[pos[a], pos[b]]."""
    cdef Py_ssize_t a, b, pa, da
    with nogil:
        for a in range(pos.shape[0]):
            pa = pos[a]
            da = dst_idx[a]
            for b in range(pos.shape[0]):
                dst[da, dst_idx[b]] = src[pa, pos[b]]


def csc_rmatvec(const double[::1] data, const int[::1] indices, const int[::1] indptr,
                const double[::1] v, double scale, double[::1] out):
    """out = scale * X^T v for a CSC matrix X."""
    cdef Py_ssize_t j, k
    cdef double s
    with nogil:
        for j in range(out.shape[0]):
            s = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                s += data[k] * v[indices[k]]
            out[j] = scale * s


def gram_ws_update(const double[::1] data, const int[::1] indices, const int[::1] indptr,
                   const double[::1] h, const double[:, ::1] G_old,
                   const Py_ssize_t[::1] idx_old, const Py_ssize_t[::1] ws, double[:, ::1] G):
    """G = X[:, ws]^T diag(h) X[:, ws] for a CSC matrix X (``h`` of length n_samples) and
    sorted ``ws``, copying the entries of the previous Gram ``G_old`` (on the sorted indices
    ``idx_old``) and computing only the rows/columns of the new indices (through a CSR copy
    of X[:, ws]).  Returns the number of new indices.

    A new index a gets the row G[a, b] = sum_i (h_i X_ia) X_ib (i increasing) for every b;
    the column G[b, a] is its mirror for an old b, and for two new indices both entries hold
    the row of the later one.  The rows are accumulated in place and mirrored afterwards, row
    by row (a column write per new index missed the cache once per row).
    """
    cdef Py_ssize_t m = ws.shape[0], mo = idx_old.shape[0], nr = h.shape[0]
    cdef Py_ssize_t a, b, c, i, j, k, kk, t, pos, n_new = 0, nnz = 0
    cdef double v
    cdef double* grow
    cdef Py_ssize_t* old_pos = <Py_ssize_t*> malloc((m + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* new_idx = <Py_ssize_t*> malloc((m + 1) * sizeof(Py_ssize_t))
    cdef int* rptr = NULL
    cdef int* rind = NULL
    cdef double* rdat = NULL
    if old_pos == NULL or new_idx == NULL:
        free(old_pos)
        free(new_idx)
        raise MemoryError()
    try:
        with nogil:
            # merge the sorted index lists
            t = 0
            for a in range(m):
                while t < mo and idx_old[t] < ws[a]:
                    t += 1
                if t < mo and idx_old[t] == ws[a]:
                    old_pos[a] = t
                else:
                    old_pos[a] = -1
                    new_idx[n_new] = a
                    n_new += 1
            for a in range(m):
                if old_pos[a] >= 0:
                    for b in range(m):
                        if old_pos[b] >= 0:
                            G[a, b] = G_old[old_pos[a], old_pos[b]]
        if n_new == 0:
            return 0
        for a in range(m):
            j = ws[a]
            nnz += indptr[j + 1] - indptr[j]
        rptr = <int*> malloc((nr + 1) * sizeof(int))
        rind = <int*> malloc((nnz + 1) * sizeof(int))
        rdat = <double*> malloc((nnz + 1) * sizeof(double))
        if rptr == NULL or rind == NULL or rdat == NULL:
            raise MemoryError()
        with nogil:
            for i in range(nr + 1):
                rptr[i] = 0
            for a in range(m):
                j = ws[a]
                for k in range(indptr[j], indptr[j + 1]):
                    rptr[indices[k] + 1] += 1
            for i in range(nr):
                rptr[i + 1] += rptr[i]
            for a in range(m):
                j = ws[a]
                for k in range(indptr[j], indptr[j + 1]):
                    i = indices[k]
                    pos = rptr[i]
                    rdat[pos] = data[k]
                    rind[pos] = <int> a
                    rptr[i] = <int> (pos + 1)
            for i in range(nr, 0, -1):
                rptr[i] = rptr[i - 1]
            rptr[0] = 0
            # the rows of the new indices
            for c in range(n_new):
                a = new_idx[c]
                grow = &G[a, 0]
                for b in range(m):
                    grow[b] = 0.0
                j = ws[a]
                for k in range(indptr[j], indptr[j + 1]):
                    i = indices[k]
                    v = h[i] * data[k]
                    for kk in range(rptr[i], rptr[i + 1]):
                        grow[rind[kk]] += v * rdat[kk]
            # mirror: G[b, a] = G[a, b] for an old b; for new a < b, G[a, b] = G[b, a]
            for b in range(m):
                if old_pos[b] >= 0:
                    for c in range(n_new):
                        a = new_idx[c]
                        G[b, a] = G[a, b]
                else:
                    for c in range(n_new):
                        a = new_idx[c]
                        if a >= b:
                            break
                        G[a, b] = G[b, a]
        return n_new
    finally:
        free(old_pos)
        free(new_idx)
        free(rptr)
        free(rind)
        free(rdat)


def csc_first_pass(const double[::1] data, const int[::1] indices, const int[::1] indptr,
                   const double[::1] h, const double[::1] hy, double[::1] xty, double[::1] xth,
                   double[::1] sqn, double[::1] nrm2):
    """One pass over a CSC matrix X: xty = X^T hy, xth = X^T h, sqn[j] = sum_i h_i X_ij^2,
    nrm2[j] = sum_i X_ij^2.  Returns 0, or 1 if X holds a non-finite value, or 2 if a
    column's row indices are not strictly increasing (unsorted or duplicate entries).
    """
    cdef Py_ssize_t j, k, i, prev
    cdef double a, b, c, d, e, x, chk = 0.0
    cdef int status = 0
    with nogil:
        for j in range(xty.shape[0]):
            a = 0.0
            b = 0.0
            c = 0.0
            d = 0.0
            e = 0.0
            prev = -1
            for k in range(indptr[j], indptr[j + 1]):
                i = indices[k]
                if i <= prev:
                    status = 2
                prev = i
                x = data[k]
                e += x * 0.0  # NaN once an inf or NaN is met
                a += x * hy[i]
                b += x * h[i]
                c += h[i] * x * x
                d += x * x
            xty[j] = a
            xth[j] = b
            sqn[j] = c
            nrm2[j] = d
            # the check's sum per column: one chain across all of X's entries would bound
            # the pass by the add latency (~2x a plain X^T v)
            chk += e
    if chk != chk:
        return 1
    return status


def csc_rmatvec_mask(const double[::1] data, const int[::1] indices, const int[::1] indptr,
                     const double[::1] v, double scale, const char[::1] keep, double[::1] out):
    """out[j] = scale * X[:, j]^T v where keep[j], else 0, for a CSC matrix X."""
    cdef Py_ssize_t j, k
    cdef double s
    with nogil:
        for j in range(out.shape[0]):
            if not keep[j]:
                out[j] = 0.0
                continue
            s = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                s += data[k] * v[indices[k]]
            out[j] = scale * s


def dense_sq_norms(const double[:, ::1] X, const double[::1] h, double[::1] out):
    """out[j] = sum_i (X_ij X_ij) h_i for a C-ordered X, summed over increasing i (the order
    and the product order of ``numpy.einsum("ij,ij,i->j", X, X, h)`` on such an X, so the
    same bits; a row at a time, so the rows stream and the inner loop vectorises)."""
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], i, j
    cdef double hi, x
    with nogil:
        for j in range(p):
            out[j] = 0.0
        for i in range(n):
            hi = h[i]
            for j in range(p):
                x = X[i, j]
                out[j] += (x * x) * hi


def ls_stats(const double[::1] w, const double[::1] g, double l1, double l2, bint nonneg,
             double[::1] viol):
    """KKT violations of a uniform l1/l2 penalty into ``viol``; returns (max violation,
    sum |w|, sum w^2, max |g|)."""
    cdef Py_ssize_t j
    cdef double v, kkt = 0.0, s1 = 0.0, s2 = 0.0, gm = 0.0, b
    with nogil:
        for j in range(w.shape[0]):
            b = w[j]
            v = _viol(b, g[j], l1, l2, nonneg)
            viol[j] = v
            if v > kkt:
                kkt = v
            s1 += fabs(b)
            s2 += b * b
            if fabs(g[j]) > gm:
                gm = fabs(g[j])
    return kkt, s1, s2, gm


def screen(const double[::1] xt, const double[::1] w, const double[::1] nrm, double scale,
           double radius, double l1, char[::1] keep):
    """Gap safe screening: drop j (keep[j] = 0) when w_j = 0 and
    scale |xt_j| + radius ||X_j|| < l1.  Returns the number of columns kept."""
    cdef Py_ssize_t j, nk = 0
    with nogil:
        for j in range(w.shape[0]):
            if keep[j]:
                if w[j] == 0.0 and scale * fabs(xt[j]) + radius * nrm[j] < l1:
                    keep[j] = 0
                else:
                    nk += 1
    return nk


def select_ws(const double[::1] w, const double[::1] viol, const double[::1] scale,
              Py_ssize_t k, Py_ssize_t[::1] out, double[::1] work):
    """The working set: the support of w plus the coordinates of largest viol * scale
    (scale may be empty: 1) with a positive score, at least one coordinate, at most
    max(k, |support|); written sorted into ``out``, returns its size.  ``work`` has
    length >= len(w)."""
    cdef Py_ssize_t p = w.shape[0], j, m = 0, ns = 0, lo, hi, i, t, a, b
    cdef double piv, s, tmp
    cdef bint scaled = scale.shape[0] > 0
    cdef Py_ssize_t* cand = <Py_ssize_t*> malloc((p + 1) * sizeof(Py_ssize_t))
    with nogil:
        # support first (kept), then candidates with positive scores
        for j in range(p):
            if w[j] != 0.0:
                out[ns] = j
                ns += 1
        for j in range(p):
            if w[j] == 0.0:
                s = viol[j] * scale[j] if scaled else viol[j]
                if s > 0.0:
                    work[m] = s
                    cand[m] = j
                    m += 1
        t = k - ns  # room left for violators
        if t < 0:
            t = 0
        if ns == 0 and t == 0:
            t = 1
        if t == 0:
            m = 0
        elif t < m:
            # quickselect: the t largest scores into work[0:t]
            lo = 0
            hi = m - 1
            while lo < hi:
                piv = work[(lo + hi) // 2]
                a = lo
                b = hi
                while a <= b:
                    while work[a] > piv:
                        a += 1
                    while work[b] < piv:
                        b -= 1
                    if a <= b:
                        tmp = work[a]
                        work[a] = work[b]
                        work[b] = tmp
                        i = cand[a]
                        cand[a] = cand[b]
                        cand[b] = i
                        a += 1
                        b -= 1
                if t - 1 <= b:
                    hi = b
                elif t - 1 >= a:
                    lo = a
                else:
                    break
            m = t
        # merge into sorted order through a mark on the chosen coordinates
        for j in range(m):
            work[cand[j]] = -1.0
        for j in range(ns):
            work[out[j]] = -1.0
        t = ns + m
        m = 0
        for j in range(p):
            if work[j] == -1.0:
                out[m] = j
                m += 1
                work[j] = 0.0
        if m == 0 and p > 0:
            out[0] = 0
            m = 1
    free(cand)
    return m


def csc_first_pass_uniform(const double[::1] data, const int[::1] indices,
                           const int[::1] indptr, const double[::1] y, double[::1] xty,
                           double[::1] colsum, double[::1] nrm2):
    """:func:`csc_first_pass` for uniform weights: xty = X^T y, colsum = X^T 1,
    nrm2[j] = sum_i X_ij^2; same return codes."""
    cdef Py_ssize_t j, k, i, prev
    cdef double a, b, d, e, x, chk = 0.0
    cdef int status = 0
    with nogil:
        for j in range(xty.shape[0]):
            a = 0.0
            b = 0.0
            d = 0.0
            e = 0.0
            prev = -1
            for k in range(indptr[j], indptr[j + 1]):
                i = indices[k]
                if i <= prev:
                    status = 2
                prev = i
                x = data[k]
                e += x * 0.0  # NaN once an inf or NaN is met
                a += x * y[i]
                b += x
                d += x * x
            xty[j] = a
            colsum[j] = b
            nrm2[j] = d
            chk += e  # per column, as in csc_first_pass
    if chk != chk:
        return 1
    return status


def col_sq_norms_cols(const double[::1] data, const int[::1] indices, const int[::1] indptr,
                      const double[::1] h, const Py_ssize_t[::1] cols, double[::1] out):
    """out[j] = sum_i h_i X[i, j]^2 for the columns j in ``cols`` of a CSC matrix X."""
    cdef Py_ssize_t a, j, k
    cdef double s
    with nogil:
        for a in range(cols.shape[0]):
            j = cols[a]
            s = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                s += h[indices[k]] * data[k] * data[k]
            out[j] = s


def cd_newton_csc(const double[::1] data, const int[::1] indices, const int[::1] indptr,
                  const double[::1] D, const double[::1] rho, const Py_ssize_t[::1] ws,
                  const double[::1] w_ws, const double[::1] l1_ws, double l2, bint nonneg,
                  Py_ssize_t max_epochs, double tol, double[::1] d, double[::1] Xd):
    """Proximal Newton direction of a GLM by cyclic CD on the weighted residual (CSC X).

    Minimises 1/2 sum_i D_i (r_i - (X_ws d)_i)^2 + pen(w_ws + d) over d, with
    r = rho / D (0 where D = 0), i.e. the quadratic model of the datafit whose
    gradient at the current iterate is -X^T rho and whose Hessian is X^T diag(D) X.
    The ``ws`` columns are first copied into a compact CSC block together with
    D-scaled values, so each epoch streams contiguous memory and gathers only r.
    Writes the direction ``d`` and ``Xd = X[:, ws] @ d``; returns
    (epochs, max_violation).  Same arithmetic as ``cd_residual`` on ``r`` followed
    by ``csc_cols_axpy`` (bit-for-bit identical results).
    """
    cdef Py_ssize_t n = rho.shape[0], m = ws.shape[0]
    cdef Py_ssize_t ep, a, j, i, k, kk, nz = 0, n_ep = 0
    cdef double g, x, dd, s, maxviol = INFINITY
    cdef double* r
    cdef double* beta
    cdef double* L
    cdef double* cdata
    cdef double* chx
    cdef int* cidx
    cdef Py_ssize_t* cptr
    for a in range(m):
        j = ws[a]
        nz += indptr[j + 1] - indptr[j]
    r = <double*> malloc(n * sizeof(double))
    beta = <double*> malloc((2 * m + 1) * sizeof(double))
    cptr = <Py_ssize_t*> malloc((m + 1) * sizeof(Py_ssize_t))
    cdata = <double*> malloc((2 * nz + 1) * sizeof(double))
    cidx = <int*> malloc((nz + 1) * sizeof(int))
    if r == NULL or beta == NULL or cptr == NULL or cdata == NULL or cidx == NULL:
        free(r); free(beta); free(cptr); free(cdata); free(cidx)
        raise MemoryError()
    L = beta + m
    chx = cdata + nz
    with nogil:
        for i in range(n):
            r[i] = rho[i] / D[i] if D[i] > 0.0 else 0.0
        kk = 0
        for a in range(m):
            j = ws[a]
            cptr[a] = kk
            s = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                i = indices[k]
                cidx[kk] = <int> i
                cdata[kk] = data[k]
                chx[kk] = data[k] * D[i]
                s += chx[kk] * data[k]
                kk += 1
            L[a] = s
            beta[a] = w_ws[a]
        cptr[m] = kk
        for ep in range(max_epochs):
            n_ep += 1
            maxviol = 0.0
            for a in range(m):
                g = 0.0
                for k in range(cptr[a], cptr[a + 1]):
                    g -= chx[k] * r[cidx[k]]
                s = _viol(beta[a], g, l1_ws[a], l2, nonneg)
                if s > maxviol:
                    maxviol = s
                x = _coord_min(beta[a], g, L[a], l1_ws[a], l2, nonneg)
                dd = x - beta[a]
                if dd != 0.0:
                    beta[a] = x
                    for k in range(cptr[a], cptr[a + 1]):
                        r[cidx[k]] -= cdata[k] * dd
            if maxviol <= tol:
                break
        for i in range(n):
            Xd[i] = 0.0
        for a in range(m):
            dd = beta[a] - w_ws[a]
            d[a] = dd
            if dd == 0.0:
                continue
            dd = -dd
            for k in range(cptr[a], cptr[a + 1]):
                Xd[cidx[k]] -= cdata[k] * dd
    free(r); free(beta); free(cptr); free(cdata); free(cidx)
    return n_ep, maxviol


cdef inline double _expit(double x) noexcept nogil:
    """1 / (1 + exp(-x)), as scipy.special.expit computes it."""
    return 1.0 / (1.0 + exp(-x))


cdef inline double _log1pexp(double t) noexcept nogil:
    """log(1 + exp(t)), as numpy.logaddexp(0, t) computes it."""
    if t == 0.0:
        return 0.6931471805599453
    if -t > 0.0:
        return log1p(exp(t))
    return t + log1p(exp(-t))


def logistic_pass(const double[::1] y, const double[::1] z, const double[::1] h,
                  double[::1] rho, double[::1] D):
    """One pass over the samples of the logistic loss at margins ``z``.

    Writes rho_i = h_i y_i expit(-y_i z_i) (minus the derivative of the loss in
    z_i) and D_i = h_i s_i (1 - s_i) with s_i = expit(z_i) (its second
    derivative); returns the loss sum_i h_i log(1 + exp(-y_i z_i)).
    """
    cdef Py_ssize_t i
    cdef double t, s, loss = 0.0
    with nogil:
        for i in range(y.shape[0]):
            t = -y[i] * z[i]
            rho[i] = h[i] * y[i] * _expit(t)
            s = _expit(z[i])
            D[i] = h[i] * s * (1.0 - s)
            loss += h[i] * _log1pexp(t)
    return loss


def logistic_loss(const double[::1] y, const double[::1] z, const double[::1] dz, double t,
                  const double[::1] h):
    """sum_i h_i log(1 + exp(-y_i (z_i + t dz_i)))."""
    cdef Py_ssize_t i
    cdef double loss = 0.0
    with nogil:
        for i in range(y.shape[0]):
            loss += h[i] * _log1pexp(-y[i] * (z[i] + t * dz[i]))
    return loss


def logistic_dual_entropy(const double[::1] y, const double[::1] rho, const double[::1] h,
                          double s):
    """sum_{h_i > 0} h_i [u_i log u_i + (1 - u_i) log(1 - u_i)], u_i = clip(y_i s rho_i / h_i, 0, 1)."""
    cdef Py_ssize_t i
    cdef double u, v, acc = 0.0, e
    with nogil:
        for i in range(y.shape[0]):
            if not h[i] > 0.0:
                continue
            u = y[i] * (s * rho[i]) / h[i]
            if u < 0.0:
                u = 0.0
            elif u > 1.0:
                u = 1.0
            v = 1.0 - u
            e = 0.0
            if u != 0.0:
                e = u * log(u)
            if v != 0.0:
                e = e + v * log(v)
            acc += h[i] * e
    return acc
