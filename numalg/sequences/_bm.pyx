# Berlekamp-Massey over GF(p), p prime < 2^63, with 128-bit multiply-mod.
#
# The discrepancy of step n is a dot product of the connection polynomial with
# the last L terms.  It is accumulated without a reduction per term: each
# 126-bit product is split into its low and high 64-bit halves, summed in two
# 128-bit accumulators, and reduced once at the end.  The update
# C <- C - q x^m B multiplies a whole vector by the same q, so it uses Shoup's
# precomputed quotient (two 64-bit multiplications and one conditional
# subtraction per coefficient, no division).
import numpy as np

from libc.stdint cimport uint64_t, int64_t, uint32_t
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy, memset

cdef extern from *:
    """
    typedef unsigned __int128 numalg_u128;
    static inline unsigned long long numalg_mulmod(unsigned long long a,
                                                   unsigned long long b,
                                                   unsigned long long p) {
        return (unsigned long long)(((numalg_u128)a * b) % p);
    }
    static inline unsigned long long numalg_mulhi(unsigned long long a,
                                                  unsigned long long b) {
        return (unsigned long long)(((numalg_u128)a * b) >> 64);
    }
    /* Shoup: w' = floor(w 2^64 / p), for w < p. */
    static inline unsigned long long numalg_shoup_pre(unsigned long long w,
                                                      unsigned long long p) {
        return (unsigned long long)((((numalg_u128)w) << 64) / p);
    }
    /* w * b mod p for b < 2^64, using the precomputed quotient wp. */
    static inline unsigned long long numalg_shoup_mul(unsigned long long w,
                                                      unsigned long long wp,
                                                      unsigned long long b,
                                                      unsigned long long p) {
        unsigned long long q = numalg_mulhi(wp, b);
        unsigned long long r = w * b - q * p;
        return r >= p ? r - p : r;
    }
    /* sum_i a[i] * b[-i] mod p (b read backwards), p < 2^63. */
    static inline unsigned long long numalg_dot_rev(const unsigned long long* a,
                                                    const unsigned long long* b,
                                                    long long n,
                                                    unsigned long long p) {
        numalg_u128 lo = 0, hi = 0, prod;
        long long i;
        for (i = 0; i < n; i++) {
            prod = (numalg_u128)a[i] * b[-i];
            lo += (unsigned long long)prod;
            hi += (unsigned long long)(prod >> 64);
        }
        unsigned long long h = (unsigned long long)(hi % p);
        unsigned long long l = (unsigned long long)(lo % p);
        /* h * 2^64 + l mod p */
        numalg_u128 t = (((numalg_u128)h) << 64) % p;
        return (unsigned long long)((t + l) % p);
    }
    /* ---- p < 2^31: 32-bit storage, 64-bit products, loops the compiler
       vectorises (pmuludq); the sequence is read from a reversed copy so that
       both operands of the dot product run forwards. */
    #include <stdint.h>
    #if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
    /* an AVX2 clone picked at load time where the CPU has it (ifunc) */
    #define NUMALG_VEC __attribute__((optimize("O3"), target_clones("avx2", "default")))
    #elif defined(__GNUC__) && !defined(__clang__)
    #define NUMALG_VEC __attribute__((optimize("O3")))
    #else
    #define NUMALG_VEC
    #endif
    NUMALG_VEC static unsigned long long numalg_dot32(const uint32_t* a,
                                                      const uint32_t* b,
                                                      long long n, uint32_t p) {
        uint64_t lo = 0, hi = 0;
        long long i;
        for (i = 0; i < n; i++) {
            uint64_t prod = (uint64_t)a[i] * b[i];
            lo += prod & 0xffffffffu;
            hi += prod >> 32;
        }
        uint64_t two32 = ((uint64_t)1 << 32) % p;
        return ((hi % p) * two32 % p + lo % p) % p;
    }
    /* c[i] = (c[i] + w b[i]) mod p for p < 2^31, Shoup with wp = floor(w 2^32 / p):
       the remainder w b - q p lies in [0, 2p) and is computed mod 2^32; the
       conditional subtractions are unsigned minima, so the loop vectorises. */
    NUMALG_VEC static void numalg_axpy32(uint32_t* c, const uint32_t* b, long long n,
                                         uint32_t w, uint32_t wp, uint32_t p) {
        long long i;
        for (i = 0; i < n; i++) {
            uint32_t q = (uint32_t)(((uint64_t)wp * b[i]) >> 32);
            uint32_t r = w * b[i] - q * p;
            uint32_t r2 = r - p;
            r = r2 < r ? r2 : r;
            uint32_t v = c[i] + r;
            uint32_t v2 = v - p;
            c[i] = v2 < v ? v2 : v;
        }
    }
    """
    ctypedef unsigned long long u64 "unsigned long long"
    u64 numalg_mulmod(u64 a, u64 b, u64 p) noexcept nogil
    u64 numalg_shoup_pre(u64 w, u64 p) noexcept nogil
    u64 numalg_shoup_mul(u64 w, u64 wp, u64 b, u64 p) noexcept nogil
    u64 numalg_dot_rev(const u64* a, const u64* b, long long n, u64 p) noexcept nogil
    u64 numalg_dot32(const uint32_t* a, const uint32_t* b, long long n, uint32_t p) noexcept nogil
    void numalg_axpy32(uint32_t* c, const uint32_t* b, long long n, uint32_t w, uint32_t wp,
                       uint32_t p) noexcept nogil


cdef inline u64 _powmod(u64 a, u64 e, u64 p) noexcept nogil:
    cdef u64 r = 1
    a %= p
    while e:
        if e & 1:
            r = numalg_mulmod(r, a, p)
        a = numalg_mulmod(a, a, p)
        e >>= 1
    return r


cdef inline u64 _invmod(u64 a, u64 p) noexcept nogil:
    # Extended Euclid (p < 2^63, so the Bezout coefficients fit int64).
    cdef int64_t t0 = 0, t1 = 1, tq
    cdef u64 r0 = p, r1 = a % p, q, rq
    while r1:
        q = r0 // r1
        rq = r0 - q * r1
        r0 = r1
        r1 = rq
        tq = t0 - <int64_t> q * t1
        t0 = t1
        t1 = tq
    return <u64> (t0 + <int64_t> p) if t0 < 0 else <u64> t0


cdef bint _is_prime(u64 n) noexcept nogil:
    # Deterministic Miller-Rabin for n < 2^64 (the first 12 primes as bases).
    cdef u64 bases[12]
    cdef u64 d, x, a
    cdef int s, i, r
    cdef bint composite
    bases[:] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
    if n < 2:
        return False
    for i in range(12):
        if n == bases[i]:
            return True
        if n % bases[i] == 0:
            return False
    d = n - 1
    s = 0
    while (d & 1) == 0:
        d >>= 1
        s += 1
    for i in range(12):
        a = bases[i]
        x = _powmod(a, d, n)
        if x == 1 or x == n - 1:
            continue
        composite = True
        for r in range(s - 1):
            x = numalg_mulmod(x, x, n)
            if x == n - 1:
                composite = False
                break
        if composite:
            return False
    return True


def is_prime(uint64_t n):
    """Deterministic primality test for 0 <= n < 2^64."""
    return bool(_is_prime(n))


cdef Py_ssize_t _bm(const u64* s, Py_ssize_t N, u64 p, u64* C, u64* B, u64* T,
                    Py_ssize_t* deg_out) noexcept nogil:
    """Berlekamp-Massey on s[0:N] mod p.

    C, B, T are work arrays of length N + 1, zeroed by the caller.  On return
    C[0:L+1] holds the connection polynomial (C[0] = 1); returns L and stores in
    deg_out the degree of C (highest non-zero coefficient).
    """
    cdef Py_ssize_t n, i, L = 0, m = 1, cdeg = 0, bdeg = 0, tdeg, newdeg
    cdef u64 d, b = 1, q, qp, negq, v
    C[0] = 1
    B[0] = 1
    for n in range(N):
        # d = sum_{i=0}^{L} C[i] s[n-i]
        d = numalg_dot_rev(C, s + n, (cdeg if cdeg < n else n) + 1, p)
        if d == 0:
            m += 1
            continue
        q = numalg_mulmod(d, _invmod(b, p), p)
        negq = p - q  # C <- C - q x^m B  ==  C + (p - q) x^m B
        qp = numalg_shoup_pre(negq, p)
        if 2 * L <= n:
            tdeg = cdeg
            memcpy(T, C, (cdeg + 1) * sizeof(u64))
            newdeg = bdeg + m
            if newdeg > cdeg:
                memset(C + cdeg + 1, 0, (newdeg - cdeg) * sizeof(u64))
            for i in range(bdeg + 1):
                v = C[i + m] + numalg_shoup_mul(negq, qp, B[i], p)
                C[i + m] = v - p if v >= p else v
            if newdeg > cdeg:
                cdeg = newdeg
            L = n + 1 - L
            memcpy(B, T, (tdeg + 1) * sizeof(u64))
            bdeg = tdeg
            b = d
            m = 1
        else:
            newdeg = bdeg + m
            if newdeg > cdeg:
                memset(C + cdeg + 1, 0, (newdeg - cdeg) * sizeof(u64))
                cdeg = newdeg
            for i in range(bdeg + 1):
                v = C[i + m] + numalg_shoup_mul(negq, qp, B[i], p)
                C[i + m] = v - p if v >= p else v
            m += 1
        while cdeg > 0 and C[cdeg] == 0:
            cdeg -= 1
    deg_out[0] = cdeg
    return L


cdef Py_ssize_t _bm32(const uint32_t* rev, Py_ssize_t N, uint32_t p, uint32_t* C, uint32_t* B,
                      uint32_t* T, Py_ssize_t* deg_out) noexcept nogil:
    """As _bm for p < 2^31; rev is the sequence reversed (rev[k] = s[N-1-k])."""
    cdef Py_ssize_t n, L = 0, m = 1, cdeg = 0, bdeg = 0, tdeg, newdeg, k
    cdef u64 d, b = 1, q
    cdef uint32_t negq, qp
    C[0] = 1
    B[0] = 1
    for n in range(N):
        k = cdeg if cdeg < n else n
        # d = sum_{i=0}^{k} C[i] s[n-i],  s[n-i] = rev[N-1-n+i]
        d = numalg_dot32(C, rev + (N - 1 - n), k + 1, p)
        if d == 0:
            m += 1
            continue
        q = numalg_mulmod(d, _invmod(b, p), p)
        negq = <uint32_t> (p - q) if q else 0
        qp = <uint32_t> ((((<u64> negq) << 32)) // p)
        newdeg = bdeg + m
        if 2 * L <= n:
            tdeg = cdeg
            memcpy(T, C, (cdeg + 1) * sizeof(uint32_t))
            if newdeg > cdeg:
                memset(C + cdeg + 1, 0, (newdeg - cdeg) * sizeof(uint32_t))
                cdeg = newdeg
            numalg_axpy32(C + m, B, bdeg + 1, negq, qp, p)
            L = n + 1 - L
            memcpy(B, T, (tdeg + 1) * sizeof(uint32_t))
            bdeg = tdeg
            b = d
            m = 1
        else:
            if newdeg > cdeg:
                memset(C + cdeg + 1, 0, (newdeg - cdeg) * sizeof(uint32_t))
                cdeg = newdeg
            numalg_axpy32(C + m, B, bdeg + 1, negq, qp, p)
            m += 1
        while cdeg > 0 and C[cdeg] == 0:
            cdeg -= 1
    deg_out[0] = cdeg
    return L


def berlekamp_massey_mod(const uint64_t[::1] s, uint64_t p):
    """Connection polynomial of s (entries already reduced mod p) over GF(p).

    Returns (C, L): C is a uint64 array of length L + 1 with C[0] = 1 (entries
    beyond the degree of the polynomial are zero), L the linear complexity.
    """
    cdef Py_ssize_t N = s.shape[0], L = 0, deg = 0
    cdef u64* C = <u64*> malloc((N + 2) * sizeof(u64))
    cdef u64* B = <u64*> malloc((N + 2) * sizeof(u64))
    cdef u64* T = <u64*> malloc((N + 2) * sizeof(u64))
    if C == NULL or B == NULL or T == NULL:
        free(C); free(B); free(T)
        raise MemoryError()
    memset(C, 0, (N + 2) * sizeof(u64))
    memset(B, 0, (N + 2) * sizeof(u64))
    cdef uint32_t* rev = NULL
    cdef uint32_t* C32
    cdef Py_ssize_t k
    try:
        if p < (<u64> 1 << 31):
            rev = <uint32_t*> malloc((N + 1) * sizeof(uint32_t))
            if rev == NULL:
                raise MemoryError()
            C32 = <uint32_t*> C  # the u64 work arrays are large enough
            with nogil:
                for k in range(N):
                    rev[k] = <uint32_t> s[N - 1 - k]
                if N > 0:
                    L = _bm32(rev, N, <uint32_t> p, C32, <uint32_t*> B, <uint32_t*> T, &deg)
                for k in range(L + 1):  # widen in place, from the top down
                    C[L - k] = C32[L - k]
        else:
            with nogil:
                if N > 0:
                    L = _bm(<const u64*> &s[0], N, p, C, B, T, &deg)
        out = np.zeros(L + 1, dtype=np.uint64)
        for i in range(min(L, deg) + 1):
            out[i] = C[i]
    finally:
        free(C); free(B); free(T); free(rev)
    return out, L


def berlekamp_massey_mod_batch(const uint64_t[:, ::1] S, uint64_t p):
    """Linear complexity L and connection-polynomial degree of each row of S mod p.

    Returns two int64 arrays (L, degree).
    """
    cdef Py_ssize_t R = S.shape[0], N = S.shape[1], r, deg = 0
    cdef int64_t[::1] Ls = np.zeros(R, dtype=np.int64)
    cdef int64_t[::1] degs = np.zeros(R, dtype=np.int64)
    cdef u64* C = <u64*> malloc((N + 2) * sizeof(u64))
    cdef u64* B = <u64*> malloc((N + 2) * sizeof(u64))
    cdef u64* T = <u64*> malloc((N + 2) * sizeof(u64))
    if C == NULL or B == NULL or T == NULL:
        free(C); free(B); free(T)
        raise MemoryError()
    try:
        with nogil:
            for r in range(R):
                memset(C, 0, (N + 2) * sizeof(u64))
                memset(B, 0, (N + 2) * sizeof(u64))
                if N > 0:
                    Ls[r] = _bm(<const u64*> &S[r, 0], N, p, C, B, T, &deg)
                    degs[r] = deg
    finally:
        free(C); free(B); free(T)
    return np.asarray(Ls), np.asarray(degs)
