# Compiled helpers of SPRIGHT, the sparse Walsh-Hadamard transform.
#
# Indices are n-bit integers (n <= 62) held in uint64; a 0/1 matrix M (n x b)
# over F2 is held as its b columns, each an n-bit mask.  Then
#   M l      = XOR of the columns selected by the bits of l   (a query index)
#   M^T k    = the b parities popcount(col_r & k) mod 2        (a bin index)
# and (-1)^<d, k> = 1 - 2 * parity(d & k).
#
# Bin observations are held as Y[bin, delay] (one row per bin of every group,
# groups one after another), float64, C-contiguous.
from libc.stdint cimport uint64_t, int64_t
from libc.math cimport fabs, INFINITY


cdef extern from *:
    """
    #if defined(_MSC_VER)
    #include <intrin.h>
    static inline int numalg_parity64(unsigned long long x) { return (int)(__popcnt64(x) & 1); }
    static inline int numalg_ctz64(unsigned long long x) { unsigned long i; _BitScanForward64(&i, x); return (int)i; }
    #else
    static inline int numalg_parity64(unsigned long long x) { return __builtin_parityll(x); }
    static inline int numalg_ctz64(unsigned long long x) { return __builtin_ctzll(x); }
    #endif
    """
    int numalg_parity64(unsigned long long x) noexcept nogil
    int numalg_ctz64(unsigned long long x) noexcept nogil


cdef inline double _sign_of(uint64_t d, uint64_t k) noexcept nogil:
    return 1.0 - 2.0 * numalg_parity64(d & k)


cdef inline int64_t _hash(const uint64_t* cols, int b, uint64_t k) noexcept nogil:
    cdef int64_t j = 0
    cdef int r
    for r in range(b):
        j |= (<int64_t> numalg_parity64(cols[r] & k)) << r
    return j


def query_indices(const uint64_t[:, ::1] cols, const int64_t[::1] n_cols,
                  const uint64_t[::1] delays, uint64_t[::1] out):
    """All query indices ``M_c l XOR d``, group by group, delay by delay.

    Group ``c`` (``n_cols[c]`` columns, ``B_c = 2^n_cols[c]`` bins) writes
    ``P * B_c`` indices, ordered by delay then by ``l``; the groups follow
    each other in ``out``.
    """
    cdef Py_ssize_t n_groups = cols.shape[0], n_delays = delays.shape[0]
    cdef Py_ssize_t c, p, l, pos = 0, n_bins
    cdef uint64_t d
    cdef uint64_t* span = NULL
    with nogil:
        for c in range(n_groups):
            n_bins = (<Py_ssize_t> 1) << n_cols[c]
            # The span of the columns, by the binary order: span[l] = M_c l.
            span = &out[pos]
            span[0] = 0
            for l in range(1, n_bins):
                span[l] = span[l & (l - 1)] ^ cols[c, numalg_ctz64(<uint64_t> l)]
            for p in range(1, n_delays):
                d = delays[p]
                for l in range(n_bins):
                    out[pos + p * n_bins + l] = span[l] ^ d
            d = delays[0]
            for l in range(n_bins):
                span[l] ^= d
            pos += n_delays * n_bins


def hash_bins(const uint64_t[::1] cols, const uint64_t[::1] k, int64_t[::1] out):
    """``out[i] = M^T k[i]``, the bin of each index (``cols`` the b columns of M)."""
    cdef Py_ssize_t i
    cdef int b = cols.shape[0]
    with nogil:
        for i in range(k.shape[0]):
            out[i] = _hash(&cols[0], b, k[i]) if b > 0 else 0


def walsh_eval(const uint64_t[::1] support, const double[::1] coef,
               const uint64_t[::1] m, double[::1] out):
    """``out[i] = sum_k coef_k (-1)^popcount(m[i] & support_k)``."""
    cdef Py_ssize_t i, t, n_terms = support.shape[0]
    cdef double acc0, acc1, acc2, acc3
    cdef uint64_t k, m0, m1, m2, m3
    cdef double c
    cdef Py_ssize_t n_points = m.shape[0]
    with nogil:
        # Four points at a time, branch-free (the parities are random bits).
        i = 0
        while i + 4 <= n_points:
            m0 = m[i]
            m1 = m[i + 1]
            m2 = m[i + 2]
            m3 = m[i + 3]
            acc0 = acc1 = acc2 = acc3 = 0.0
            for t in range(n_terms):
                k = support[t]
                c = coef[t]
                acc0 += c * (1 - 2 * numalg_parity64(m0 & k))
                acc1 += c * (1 - 2 * numalg_parity64(m1 & k))
                acc2 += c * (1 - 2 * numalg_parity64(m2 & k))
                acc3 += c * (1 - 2 * numalg_parity64(m3 & k))
            out[i] = acc0
            out[i + 1] = acc1
            out[i + 2] = acc2
            out[i + 3] = acc3
            i += 4
        while i < n_points:
            acc0 = 0.0
            for t in range(n_terms):
                acc0 += coef[t] * (1 - 2 * numalg_parity64(m[i] & support[t]))
            out[i] = acc0
            i += 1


def subtract_known(double[:, ::1] Y, const uint64_t[::1] cols, int64_t offset,
                   const uint64_t[::1] delays, const uint64_t[::1] k, const double[::1] v):
    """Remove known coefficients from one group's bins (rows ``offset + bin``)."""
    cdef Py_ssize_t t, p, n_delays = delays.shape[0]
    cdef int b = cols.shape[0]
    cdef int64_t row
    with nogil:
        for t in range(k.shape[0]):
            row = offset + (_hash(&cols[0], b, k[t]) if b > 0 else 0)
            for p in range(n_delays):
                Y[row, p] -= v[t] * _sign_of(delays[p], k[t])


# ----------------------------------------------------------------------------
# Single-ton location and test.

cdef enum:
    METHOD_NOISELESS = 0
    METHOD_NSO = 1
    METHOD_ML = 2


cdef uint64_t _locate_chains(const double* y, int n_bits, int n_chains, bint vote) noexcept nogil:
    """Bit i of k from the sign changes between delay d and d XOR e_i.

    Chain c occupies delays c*(n+1) .. c*(n+1)+n: the base d_c first, then
    d_c XOR e_i for i = 0..n-1.  With ``vote`` each chain votes with the sign of
    y[d_c] * y[d_c ^ e_i] (ties broken by the summed products); otherwise the
    summed products decide.
    """
    cdef uint64_t k = 0
    cdef int i, c, votes
    cdef double soft, prod
    cdef Py_ssize_t base
    for i in range(n_bits):
        votes = 0
        soft = 0.0
        for c in range(n_chains):
            base = c * (n_bits + 1)
            prod = y[base] * y[base + 1 + i]
            soft += prod
            if prod > 0:
                votes += 1
            elif prod < 0:
                votes -= 1
        if vote and votes != 0:
            if votes < 0:
                k |= (<uint64_t> 1) << i
        elif soft < 0:
            k |= (<uint64_t> 1) << i
    return k


cdef uint64_t _locate_ml(const double* y, const uint64_t* delays, Py_ssize_t n_delays,
                         uint64_t k0, const uint64_t* null, int n_null,
                         double* signs, double* gsigns) noexcept nogil:
    """The coset element k0 + span(null) maximising |sum_d y_d (-1)^<d,k>| (Gray code)."""
    cdef Py_ssize_t p, t, n_cand = (<Py_ssize_t> 1) << n_null
    cdef uint64_t k = k0, best_k = k0
    cdef double corr, best = -1.0
    cdef int g
    for p in range(n_delays):
        signs[p] = _sign_of(delays[p], k0)
    for g in range(n_null):
        for p in range(n_delays):
            gsigns[g * n_delays + p] = _sign_of(delays[p], null[g])
    for t in range(n_cand):
        if t > 0:
            g = numalg_ctz64(<uint64_t> t)
            k ^= null[g]
            for p in range(n_delays):
                signs[p] *= gsigns[g * n_delays + p]
        corr = 0.0
        for p in range(n_delays):
            corr += y[p] * signs[p]
        corr = fabs(corr)
        if corr > best:
            best = corr
            best_k = k
    return best_k


cdef double _fit(const double* y, const uint64_t* delays, Py_ssize_t n_delays, uint64_t k,
                 double* value) noexcept nogil:
    """Least-squares value of a single-ton at k; returns the mean squared residual."""
    cdef Py_ssize_t p
    cdef double v = 0.0, r, res = 0.0
    for p in range(n_delays):
        v += y[p] * _sign_of(delays[p], k)
    v /= n_delays
    for p in range(n_delays):
        r = y[p] - v * _sign_of(delays[p], k)
        res += r * r
    value[0] = v
    return res / n_delays


cdef double _energy(const double* y, Py_ssize_t n_delays) noexcept nogil:
    cdef Py_ssize_t p
    cdef double e = 0.0
    for p in range(n_delays):
        e += y[p] * y[p]
    return e / n_delays


cdef uint64_t _locate(const double* y, int method, int n_bits, int n_chains,
                      const uint64_t* delays, Py_ssize_t n_delays,
                      const uint64_t* rinv, int b, int64_t j, const uint64_t* null,
                      double* signs, double* gsigns) noexcept nogil:
    cdef uint64_t k0 = 0
    cdef int r
    if method == METHOD_ML:
        for r in range(b):
            if (j >> r) & 1:
                k0 ^= rinv[r]
        return _locate_ml(y, delays, n_delays, k0, null, n_bits - b, signs, gsigns)
    return _locate_chains(y, n_bits, n_chains, method == METHOD_NSO)


def fit_bins(const double[:, ::1] Y, const uint64_t[:, ::1] cols, const int64_t[::1] n_cols,
             const int64_t[::1] offsets, const uint64_t[::1] delays, int n_bits, int n_chains,
             int method, const uint64_t[:, ::1] rinv, const uint64_t[:, ::1] null,
             double[::1] residual, double[::1] energy):
    """The best single-ton fit of every bin: its mean squared residual and energy.

    Used to estimate the noise level before peeling.
    """
    cdef Py_ssize_t n_groups = cols.shape[0], n_delays = delays.shape[0]
    cdef Py_ssize_t c, j, row
    cdef uint64_t k
    cdef double v
    cdef double[::1] signs = _zeros(n_delays)
    cdef double[::1] gsigns = _zeros(max(1, n_delays * (null.shape[1] if null.shape[0] else 1)))
    with nogil:
        for c in range(n_groups):
            for j in range((<Py_ssize_t> 1) << n_cols[c]):
                row = offsets[c] + j
                energy[row] = _energy(&Y[row, 0], n_delays)
                k = _locate(&Y[row, 0], method, n_bits, n_chains, &delays[0], n_delays,
                            &rinv[c, 0], <int> n_cols[c], j, &null[c, 0], &signs[0], &gsigns[0])
                residual[row] = _fit(&Y[row, 0], &delays[0], n_delays, k, &v)


def _zeros(Py_ssize_t n):
    import numpy as np
    return np.zeros(n)


def peel(double[:, ::1] Y, const uint64_t[:, ::1] cols, const int64_t[::1] n_cols,
         const int64_t[::1] offsets, const uint64_t[::1] delays, int n_bits, int n_chains,
         int method, const uint64_t[:, ::1] rinv, const uint64_t[:, ::1] null,
         const double[::1] zero_thr, const double[::1] single_thr, const double[::1] min_value,
         uint64_t[::1] found_k, double[::1] found_v, Py_ssize_t n_found,
         int64_t[::1] found_per_round, int max_rounds):
    """Peeling decoder over the bins of all groups.

    A bin of group c whose mean energy over the delays is at most ``zero_thr[c]`` is a
    zero-ton.  Otherwise its single-ton candidate ``k`` (by ``method``) is
    accepted when ``k`` hashes back to the bin, ``|v| >= min_value[c]`` and the
    mean squared residual of the fit is at most ``single_thr[c]``; it is then
    subtracted from its bin in every group (peeled).  Rounds repeat over the
    bins changed by the last round until none changes.  ``Y`` holds the
    residual observations on return; ``found_k``/``found_v`` (with ``n_found``
    already known entries, capacity their length) the recovered spectrum.

    Returns ``(n_found, n_rounds, n_unresolved)`` where ``n_unresolved``
    counts the bins that are not zero-tons at the end.
    """
    cdef Py_ssize_t n_groups = cols.shape[0], n_delays = delays.shape[0]
    cdef Py_ssize_t capacity = found_k.shape[0], n_rows = Y.shape[0]
    cdef Py_ssize_t c, c2, j, row, row2, p, t, idx
    cdef int rounds = 0, progress
    cdef int64_t n_unresolved = 0
    cdef uint64_t k
    cdef double v, res, e
    cdef double[::1] signs = _zeros(n_delays)
    cdef double[::1] ksigns = _zeros(n_delays)
    cdef double[::1] gsigns = _zeros(max(1, n_delays * (null.shape[1] if null.shape[0] else 1)))
    import numpy as np
    cdef signed char[::1] dirty = np.ones(n_rows, dtype=np.int8)
    cdef signed char[::1] dirty_next = np.zeros(n_rows, dtype=np.int8)
    with nogil:
        while rounds < max_rounds:
            progress = 0
            for c in range(n_groups):
                for j in range((<Py_ssize_t> 1) << n_cols[c]):
                    row = offsets[c] + j
                    if not dirty[row]:
                        continue
                    dirty[row] = 0
                    e = _energy(&Y[row, 0], n_delays)
                    if e <= zero_thr[c]:
                        continue
                    k = _locate(&Y[row, 0], method, n_bits, n_chains, &delays[0], n_delays,
                                &rinv[c, 0], <int> n_cols[c], j, &null[c, 0],
                                &signs[0], &gsigns[0])
                    if (_hash(&cols[c, 0], <int> n_cols[c], k) if n_cols[c] > 0 else 0) != j:
                        continue
                    res = _fit(&Y[row, 0], &delays[0], n_delays, k, &v)
                    if res > single_thr[c] or fabs(v) < min_value[c]:
                        continue
                    # Accept: record (merging with an earlier estimate of k) and peel.
                    idx = -1
                    for t in range(n_found):
                        if found_k[t] == k:
                            idx = t
                            break
                    if idx < 0:
                        if n_found >= capacity:
                            continue
                        idx = n_found
                        found_k[idx] = k
                        found_v[idx] = 0.0
                        n_found += 1
                    found_v[idx] += v
                    for p in range(n_delays):
                        ksigns[p] = v * _sign_of(delays[p], k)
                    for c2 in range(n_groups):
                        row2 = offsets[c2] + (_hash(&cols[c2, 0], <int> n_cols[c2], k)
                                              if n_cols[c2] > 0 else 0)
                        for p in range(n_delays):
                            Y[row2, p] -= ksigns[p]
                        dirty_next[row2] = 1
                    progress = 1
            if not progress:
                break
            found_per_round[rounds] = n_found
            rounds += 1
            for row in range(n_rows):
                dirty[row] = dirty[row] | dirty_next[row]
                dirty_next[row] = 0
        for c in range(n_groups):
            for j in range((<Py_ssize_t> 1) << n_cols[c]):
                row = offsets[c] + j
                if _energy(&Y[row, 0], n_delays) > zero_thr[c]:
                    n_unresolved += 1
    return n_found, rounds, n_unresolved
