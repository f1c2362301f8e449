# Compiled kernels of numalg.hamming: text-to-pattern Hamming distances.
#
# Every kernel works on *codes*: the text and the pattern remapped to a dense
# alphabet in the smallest unsigned type (see _distances.py).  Code 0 is
# "a text symbol that does not occur in the pattern" (it never matches), the
# pattern's symbols are 1..s, and the wildcard, when there is one, is the
# code ``wild``.  No argument checking here: the caller checked.
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t

ctypedef fused code_t:
    uint8_t
    uint16_t
    uint32_t

cdef extern from *:
    """
    #include <stdint.h>
    #if defined(__GNUC__) || defined(__clang__)
    static inline int numalg_popcount64(uint64_t x) { return __builtin_popcountll(x); }
    #elif defined(_MSC_VER) && defined(_M_X64)
    #include <intrin.h>
    static inline int numalg_popcount64(uint64_t x) { return (int)__popcnt64(x); }
    #else
    static inline int numalg_popcount64(uint64_t x) {
        x = x - ((x >> 1) & 0x5555555555555555ULL);
        x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
        x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
        return (int)((x * 0x0101010101010101ULL) >> 56);
    }
    #endif
    """
    int numalg_popcount64(uint64_t x) noexcept nogil


ctypedef fused small_t:
    uint8_t
    uint16_t


# ---------------------------------------------------------------- remapping ---

def apply_lut(const small_t[::1] src, const code_t[::1] lut, code_t[::1] out):
    """``out[k] = lut[src[k]]`` (symbols of 8 or 16 bits to codes)."""
    cdef Py_ssize_t n = src.shape[0], k
    with nogil:
        for k in range(n):
            out[k] = lut[src[k]]


def count_codes(const code_t[::1] t, int64_t[::1] out):
    """``out[c]`` += the number of occurrences of code c in t."""
    cdef Py_ssize_t n = t.shape[0], k
    with nogil:
        for k in range(n):
            out[t[k]] += 1


# --------------------------------------------------------------- bit planes ---

def pack_planes(const code_t[::1] codes, int n_bits, Py_ssize_t wild, int offset,
                uint64_t[::1] out, Py_ssize_t stride, Py_ssize_t shift):
    """Pack ``codes - offset`` into interleaved bit planes, starting at bit ``shift``.

    Position ``k`` goes to bit ``(k + shift) & 63`` of word ``(k + shift) >> 6``;
    word ``w`` of plane ``b`` is ``out[w * stride + b]`` for ``b < n_bits``.
    If ``stride > n_bits``, plane ``n_bits`` is 1 where the code is not the
    wildcard (every position when ``wild < 0``).  ``out`` must be zero-filled.
    """
    cdef Py_ssize_t n = codes.shape[0], k, b, w, kk
    cdef uint64_t bit, c
    cdef bint valid_plane = stride > n_bits
    with nogil:
        for k in range(n):
            kk = k + shift
            c = <uint64_t>(codes[k] - offset)
            bit = (<uint64_t>1) << (kk & 63)
            w = (kk >> 6) * stride
            for b in range(n_bits):
                out[w + b] |= ((c >> b) & 1) << (kk & 63)
            if valid_plane and (wild < 0 or codes[k] != wild):
                out[w + n_bits] |= bit


def naive_bits(const uint64_t[::1] T, const uint64_t[::1] P, int n_bits, bint text_valid,
               Py_ssize_t pw, Py_ssize_t pstride, int64_t[::1] out):
    """Bit-parallel Hamming distances against 64 pre-shifted copies of the pattern.

    ``P`` holds, for each shift r = 0..63, ``pw`` words of ``pstride`` planes:
    the pattern's code planes shifted by r bits, then its validity plane
    (1 where a non-wildcard pattern symbol sits).  The text ``T`` has
    ``n_bits`` code planes, plus a validity plane if ``text_valid``.
    Alignment ``i = 64 w + r``: popcount over j < pw of
    ``OR_b(T_b[w + j] ^ P_r,b[j]) & valid``.
    """
    cdef Py_ssize_t nout = out.shape[0], i, j, w, b, tstride = n_bits + (1 if text_valid else 0)
    cdef Py_ssize_t w0, w1, n_words = (nout + 63) >> 6, WB = 512
    cdef int r
    cdef int64_t cnt
    cdef uint64_t acc
    cdef const uint64_t* Tp = &T[0]
    cdef const uint64_t* Pr
    cdef const uint64_t* tw
    cdef const uint64_t* pwd
    with nogil:
        # blocks of 64 * WB alignments; inside a block one shift r at a time,
        # so that the shifted pattern stays in L1 and the text block in L2
        w0 = 0
        while w0 < n_words:
            w1 = w0 + WB if w0 + WB < n_words else n_words
            for r in range(64):
                Pr = &P[0] + r * pw * pstride
                for w in range(w0, w1):
                    i = (w << 6) + r
                    if i >= nout:
                        break
                    cnt = 0
                    if n_bits == 2 and not text_valid:
                        for j in range(pw):
                            tw = Tp + (w + j) * 2
                            pwd = Pr + j * 3
                            cnt += numalg_popcount64(((tw[0] ^ pwd[0]) | (tw[1] ^ pwd[1])) & pwd[2])
                    elif n_bits == 1 and not text_valid:
                        for j in range(pw):
                            cnt += numalg_popcount64((Tp[w + j] ^ Pr[2 * j]) & Pr[2 * j + 1])
                    else:
                        for j in range(pw):
                            tw = Tp + (w + j) * tstride
                            pwd = Pr + j * pstride
                            acc = 0
                            for b in range(n_bits):
                                acc |= tw[b] ^ pwd[b]
                            acc &= pwd[n_bits]
                            if text_valid:
                                acc &= tw[n_bits]
                            cnt += numalg_popcount64(acc)
                    out[i] = cnt
            w0 = w1


# --------------------------------------------------------------- direct loop ---

def naive_loop(const code_t[::1] t, const code_t[::1] p, Py_ssize_t wild, int64_t[::1] out):
    """Direct comparison, one alignment at a time (a vectorisable inner loop)."""
    cdef Py_ssize_t nout = out.shape[0], m = p.shape[0], i, j, j0, j1
    cdef int64_t cnt
    cdef uint32_t part
    cdef code_t wc = <code_t>(wild if wild >= 0 else 0)
    with nogil:
        if wild < 0:
            for i in range(nout):
                cnt = 0
                j0 = 0
                while j0 < m:
                    j1 = j0 + 4096 if j0 + 4096 < m else m
                    part = 0
                    for j in range(j0, j1):
                        part += t[i + j] != p[j]
                    cnt += part
                    j0 = j1
                out[i] = cnt
        else:
            for i in range(nout):
                cnt = 0
                j0 = 0
                while j0 < m:
                    j1 = j0 + 4096 if j0 + 4096 < m else m
                    part = 0
                    for j in range(j0, j1):
                        part += (t[i + j] != p[j]) & (t[i + j] != wc) & (p[j] != wc)
                    cnt += part
                    j0 = j1
                out[i] = cnt


# ------------------------------------------------------------ sparse counting ---

def sparse_matches(const code_t[::1] t, const int64_t[::1] ptr, const int32_t[::1] pos,
                   const int32_t[::1] weight, int32_t[::1] M):
    """Add ``weight[c]`` to ``M[k - j]`` for every text position k of code c and
    every pattern position j of c (``pos[ptr[c]:ptr[c+1]]``, ascending).

    Codes with weight 0 (or no pattern positions) are skipped.
    """
    cdef Py_ssize_t n = t.shape[0], nout = M.shape[0], k, idx, hi, i, lo
    cdef int32_t wgt
    cdef code_t c
    with nogil:
        for k in range(n):
            c = t[k]
            wgt = weight[c]
            if wgt == 0:
                continue
            lo = ptr[c]
            hi = ptr[c + 1]
            # alignments i = k - j must satisfy 0 <= i < nout
            if k >= nout:
                while lo < hi and k - pos[lo] >= nout:
                    lo += 1
            for idx in range(lo, hi):
                i = k - pos[idx]
                if i < 0:
                    break
                M[i] += wgt


# -------------------------------------------------------------------- FFT ---

def scatter_indicators(const code_t[::1] t, Py_ssize_t start, Py_ssize_t step,
                       Py_ssize_t L, const int32_t[::1] row_of_code, double[:, ::1] out):
    """Indicator rows of a batch of overlapping text blocks.

    Block ``b`` covers ``t[start + b*step : start + b*step + L]`` (past the end
    of the text it is zero); row ``b * S + row_of_code[c]`` gets a 1 where the
    text has code c (codes with row -1 are skipped).  ``out`` has shape
    ``(n_blocks * S, L)`` and must be zero-filled.
    """
    cdef Py_ssize_t n = t.shape[0], S, nblocks, b, k, a, e, r
    nblocks = out.shape[0]
    S = 0
    for k in range(row_of_code.shape[0]):
        if row_of_code[k] + 1 > S:
            S = row_of_code[k] + 1
    if S == 0:
        return
    nblocks = nblocks // S
    with nogil:
        for b in range(nblocks):
            a = start + b * step
            e = a + L if a + L < n else n
            for k in range(a, e):
                r = row_of_code[t[k]]
                if r >= 0:
                    out[b * S + r, k - a] = 1.0


# ------------------------------------------------------------- k-mismatch ---

def qgram_codes(const code_t[::1] t, int q, int bits, uint64_t[::1] out):
    """``out[k]`` = the q symbols ``t[k:k+q]`` packed ``bits`` bits apiece (q*bits <= 64)."""
    cdef Py_ssize_t n = t.shape[0], k
    cdef uint64_t h = 0, mask
    if q * bits >= 64:
        mask = ~(<uint64_t>0)
    else:
        mask = ((<uint64_t>1) << (q * bits)) - 1
    with nogil:
        for k in range(n):
            h = ((h << bits) | <uint64_t>t[k]) & mask
            if k >= q - 1:
                out[k - q + 1] = h


def qgram_scan(const code_t[::1] t, int q, int bits, const uint8_t[::1] table, int tbits,
               int64_t[::1] out_pos, uint64_t[::1] out_code):
    """Packed q-grams of ``t`` (as :func:`qgram_codes`) whose hash hits ``table``
    (a 0/1 filter of ``2**tbits`` entries, indexed by the top bits of
    ``code * 0x9E3779B97F4A7C15``).  Writes their start positions and codes;
    returns how many."""
    cdef Py_ssize_t n = t.shape[0], k, cnt = 0
    cdef uint64_t h = 0, mask
    cdef int sh = 64 - tbits
    if q * bits >= 64:
        mask = ~(<uint64_t>0)
    else:
        mask = ((<uint64_t>1) << (q * bits)) - 1
    with nogil:
        for k in range(n):
            h = ((h << bits) | <uint64_t>t[k]) & mask
            if k >= q - 1 and table[(h * <uint64_t>0x9E3779B97F4A7C15ULL) >> sh]:
                out_pos[cnt] = k - q + 1
                out_code[cnt] = h
                cnt += 1
    return cnt


def verify_candidates(const code_t[::1] t, const code_t[::1] p, const int64_t[::1] cand,
                      Py_ssize_t k, int64_t[::1] dist):
    """Early-exit comparison: ``dist[c]`` = distance at alignment ``cand[c]``,
    or ``k + 1`` as soon as it exceeds k.  Returns how many are <= k."""
    cdef Py_ssize_t nc = cand.shape[0], m = p.shape[0], c, j, i, j0, j1
    cdef Py_ssize_t cnt, hits = 0
    cdef uint32_t part
    with nogil:
        for c in range(nc):
            i = cand[c]
            cnt = 0
            j0 = 0
            # compare in chunks (vectorisable), checking the bound between chunks
            while j0 < m and cnt <= k:
                j1 = j0 + 32 if j0 + 32 < m else m
                part = 0
                for j in range(j0, j1):
                    part += t[i + j] != p[j]
                cnt += part
                j0 = j1
            if cnt > k:
                cnt = k + 1
            else:
                hits += 1
            dist[c] = cnt
    return hits
