"""Text-to-pattern Hamming distances: the public functions.

Every method works on *codes*: the text and the pattern remapped, block by
block, to a dense alphabet in the smallest unsigned type.  Code 0 stands for
every text symbol that does not occur in the pattern (it never matches), the
pattern's distinct symbols are 1..s, and the wildcard (if any) is s + 1.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np
import scipy.fft
import scipy.sparse as sp

from .._validation import check_int, check_option, check_random_state, check_scalar
from . import _kernels

__all__ = ["hamming_distances", "k_mismatch", "approximate_hamming_distances"]

_METHODS = ("auto", "naive", "fft", "sparse", "abrahamson")
_BLOCK = 1 << 20  # symbols remapped per block
_FFT_SPECTRA_BYTES = 1 << 28  # pattern spectra held at once by the FFT method

# Cost model, in seconds per unit of work.  The constants come from
# benchmarks/compare/hamming_calibrate.py (single thread, least squares over a
# grid of small problems) and are never measured at import.
#   bits       : per (alignment x 64-bit word x (bit planes + 1)), and
#   bits_fast  : per (alignment x 64-bit word) with one or two planes, and
#   bits_align : per alignment (loop overhead, packing the planes)
#   loop       : per (alignment x pattern symbol)
#   sparse     : per counted match (sum over symbols of n_c(T) f_c(P)), plus
#   sparse_visit per text symbol that occurs in the pattern, sparse_scan per text symbol
#   fft        : per (block x symbol x L log2 L) for the forward transforms and
#                per (block x L log2 L) for the shared inverse transform, and
#   fft_scatter: per (block x L) to build the indicator rows
# The constants are CPU seconds of one thread (the script measures process
# time, which a shared machine's load does not inflate); re-run the script on
# the target machine to refit them.
_COST = {
    "bits": 3.685e-10,
    "bits_fast": 5.249e-10,
    "bits_align": 2.340e-09,
    "loop": 6.909e-11,
    "sparse": 4.384e-10,
    "sparse_visit": 9.581e-09,
    "sparse_scan": 7.933e-10,
    "fft": 6.049e-10,
    "fft_inverse": 7.140e-10,
    "fft_scatter": 2.733e-09,
}


# --------------------------------------------------------------------- input ---


def _to_symbols(x, name):
    """(kind, 1-D integer array) for a str, bytes or integer array-like."""
    if isinstance(x, str):
        if x.isascii():
            return "str", np.frombuffer(x.encode("ascii"), dtype=np.uint8)
        return "str", np.frombuffer(x.encode("utf-32-le"), dtype="<u4")
    if isinstance(x, (bytes, bytearray)):
        return "bytes", np.frombuffer(bytes(x), dtype=np.uint8)
    if sp.issparse(x):
        raise TypeError(f"{name} must be a str, bytes or a dense 1-D integer array, got a sparse matrix")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.dtype == object:
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in arr.ravel()):
            raise TypeError(f"{name} must contain only integers, got dtype object")
        try:
            arr = arr.astype(np.int64)
        except OverflowError:
            pass  # huge Python integers stay objects; remapped generically
    if arr.dtype.kind == "b":
        arr = arr.astype(np.uint8)
    if arr.size == 0 and arr.dtype.kind == "f" and not isinstance(x, np.ndarray):
        arr = arr.astype(np.int64)  # [] converts to float64
    if arr.dtype.kind not in "iuO":
        raise TypeError(
            f"{name} must be a str, bytes or a 1-D array of integers, got dtype {arr.dtype}"
        )
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got a {arr.ndim}-D array of shape {arr.shape}")
    return "array", arr


def _wildcard_value(wildcard, kind):
    if wildcard is None:
        return None
    if kind == "str":
        if not isinstance(wildcard, str) or len(wildcard) != 1:
            raise TypeError(f"wildcard must be a single character for str input, got {wildcard!r}")
        return ord(wildcard)
    if kind == "bytes":
        if isinstance(wildcard, (bytes, bytearray)) and len(wildcard) == 1:
            return wildcard[0]
        if isinstance(wildcard, numbers.Integral) and not isinstance(wildcard, bool):
            if 0 <= int(wildcard) <= 255:
                return int(wildcard)
        raise TypeError(f"wildcard must be a single byte or an int in [0, 255] for bytes input, got {wildcard!r}")
    try:
        if isinstance(wildcard, bool):
            raise TypeError
        return operator.index(wildcard)
    except TypeError:
        raise TypeError(f"wildcard must be an integer for integer-array input, got {wildcard!r}") from None


def _prepare(text, pattern, wildcard=None):
    """Validate and return (text array, pattern array, wildcard value)."""
    kt, t = _to_symbols(text, "text")
    kp, p = _to_symbols(pattern, "pattern")
    if kt != kp:
        names = {"str": "str", "bytes": "bytes", "array": "an integer array"}
        raise TypeError(
            "text and pattern must be of the same kind (both str, both bytes or both integer "
            f"arrays), got text as {names[kt]} and pattern as {names[kp]}"
        )
    if t.size == 0:
        raise ValueError("text must not be empty")
    if p.size == 0:
        raise ValueError("pattern must not be empty")
    if p.size > t.size:
        raise ValueError(
            f"pattern must not be longer than text, got pattern of length {p.size} "
            f"and text of length {t.size}"
        )
    w = _wildcard_value(wildcard, kt)
    if kt == "str" and t.dtype != p.dtype:  # one side is not ASCII
        t, p = t.astype("<u4"), p.astype("<u4")
    return t, p, w


def _common(t, p, w):
    """Bring text and pattern to one dtype in which equality is exact."""
    if t.dtype == p.dtype and t.dtype != object:
        return t, p
    if t.dtype != object and p.dtype != object:
        dt = np.promote_types(t.dtype, p.dtype)
        if dt.kind in "iu":
            return t.astype(dt), p.astype(dt)
        # uint64 with a signed type: int64 if every value fits, else Python ints
        big = np.iinfo(np.int64).max
        if (t.dtype != np.uint64 or t.max() <= big) and (p.dtype != np.uint64 or p.max() <= big):
            return t.astype(np.int64), p.astype(np.int64)
    return t.astype(object), p.astype(object)


class _Codes:
    """Text and pattern as codes of a dense alphabet (see the module docstring)."""

    def __init__(self, t, p, n_codes, wild):
        self.t, self.p, self.n_codes, self.wild = t, p, n_codes, wild
        self.n, self.m = t.shape[0], p.shape[0]
        self._text_counts = None

    @property
    def n_bits(self):
        return max(1, (self.n_codes - 1).bit_length())

    def plane_bits(self):
        """(bits per code, offset) for the bit planes: when no text symbol is
        outside the pattern's alphabet, code 0 is unused and codes shift by 1."""
        offset = 1 if self.text_counts()[0] == 0 else 0
        return max(1, (self.n_codes - 1 - offset).bit_length()), offset

    def text_counts(self):
        if self._text_counts is None:
            self._text_counts = np.zeros(self.n_codes, dtype=np.int64)
            _kernels.count_codes(self.t, self._text_counts)
        return self._text_counts

    def pattern_counts(self):
        return np.bincount(self.p, minlength=self.n_codes)

    def slice(self, a, b):
        """The codes for alignments a..b-1 (text a .. b+m-2)."""
        return _Codes(self.t[a : b + self.m - 1], self.p, self.n_codes, self.wild)


def _encode(t, p, w):
    t, p = _common(t, p, w)
    u = np.unique(p)
    if w is not None:
        u = u[u != w]
    s = u.shape[0]
    n_codes = s + 1 + (w is not None)
    wild = s + 1 if w is not None else -1
    dtype = np.uint8 if n_codes <= 256 else np.uint16 if n_codes <= 65536 else np.uint32
    src = t.dtype
    if src != object and src.itemsize <= 2:
        # a lookup table indexed by the symbols' unsigned bit patterns
        usrc = np.dtype(f"u{src.itemsize}")
        lut = np.zeros(1 << (8 * src.itemsize), dtype=dtype)
        lut[u.astype(src).view(usrc)] = np.arange(1, s + 1)
        info = np.iinfo(src)
        if w is not None and info.min <= w <= info.max:
            lut[np.array([w], dtype=src).view(usrc)] = wild

        def remap(a):
            out = np.empty(a.shape[0], dtype=dtype)
            _kernels.apply_lut(np.ascontiguousarray(a).view(usrc), lut, out)
            return out

    else:

        def remap(a):
            if s == 0:
                codes = np.zeros(a.shape[0], dtype=dtype)
            else:
                idx = np.searchsorted(u, a)
                np.minimum(idx, s - 1, out=idx)
                codes = np.where(u[idx] == a, idx + 1, 0).astype(dtype)
            if w is not None:
                codes[a == w] = wild
            return codes

    if src != object and src.itemsize <= 2:
        tc = remap(t)  # no temporaries: one pass, in place
    else:
        tc = np.empty(t.shape[0], dtype=dtype)
        for a in range(0, t.shape[0], _BLOCK):
            tc[a : a + _BLOCK] = remap(t[a : a + _BLOCK])
    pc = remap(p)
    return _Codes(tc, pc, n_codes, wild)


# ------------------------------------------------------------------- methods ---


def _bits_or_loop(c):
    pw = (c.m + 126) // 64
    planes = c.plane_bits()[0] + (c.wild >= 0)
    nout = c.n - c.m + 1
    if planes <= 2 and c.wild < 0:  # the specialised one- and two-plane loops
        bits = _COST["bits_fast"] * nout * pw + _COST["bits_align"] * nout
    else:
        bits = _COST["bits"] * nout * pw * (planes + 1) + _COST["bits_align"] * nout
    if 64 * pw * (planes + 1) * 8 > (64 << 20):  # pre-shifted patterns over 64 MB
        bits = np.inf
    loop = _COST["loop"] * nout * c.m * (1.5 if c.wild >= 0 else 1.0)
    return ("bits", bits) if bits <= loop else ("loop", loop)


def _naive(c):
    nout = c.n - c.m + 1
    out = np.empty(nout, dtype=np.int64)
    kind, _ = _bits_or_loop(c)
    if kind == "loop":
        _kernels.naive_loop(c.t, c.p, c.wild, out)
        return out
    n_bits, offset = c.plane_bits()
    wild = c.wild >= 0
    tstride = n_bits + wild
    T = np.zeros(((c.n + 63) // 64 + 2) * tstride, dtype=np.uint64)
    _kernels.pack_planes(c.t, n_bits, c.wild, offset, T, tstride, 0)
    pw = (c.m + 63 + 63) // 64  # words spanned by the pattern at any shift
    pstride = n_bits + 1
    P = np.zeros(64 * pw * pstride, dtype=np.uint64)
    for r in range(64):
        _kernels.pack_planes(c.p, n_bits, c.wild, offset, P[r * pw * pstride : (r + 1) * pw * pstride], pstride, r)
    _kernels.naive_bits(T, P, n_bits, wild, pw, pstride, out)
    return out


def _weights(c):
    """+1 per pattern code, -1 for the wildcard (its matches are counted twice)."""
    wgt = np.ones(c.n_codes, dtype=np.int32)
    wgt[0] = 0
    if c.wild >= 0:
        wgt[c.wild] = -1
    return wgt


def _finish(c, matches):
    """Distances from the (signed) match counts, with the wildcard terms.

    Works in place on int64 counts, so the peak memory stays one output array
    (plus int32 counts from the sparse kernel)."""
    if matches.dtype == np.int64:
        D = matches
        np.subtract(c.m, D, out=D)
    else:
        D = np.empty(matches.shape[0], dtype=np.int64)
        np.subtract(c.m, matches, out=D)
    if c.wild >= 0:
        nout = c.n - c.m + 1
        nw = int(np.count_nonzero(c.p == c.wild))
        # text wildcards per window, block by block (int32 running sums)
        cs_dtype = np.int32 if c.n < 2**31 - 1 else np.int64
        cs = np.zeros(c.n + 1, dtype=cs_dtype)
        np.cumsum(c.t == c.wild, out=cs[1:], dtype=cs_dtype)
        for a in range(0, nout, _BLOCK):
            e = min(nout, a + _BLOCK)
            D[a:e] -= cs[a + c.m : e + c.m] - cs[a:e]
        D -= nw
    return D


def _sparse_matches(c, use=None):
    wgt = _weights(c)
    if use is not None:
        wgt[~use] = 0
    counts = c.pattern_counts()
    ptr = np.zeros(c.n_codes + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    pos = np.argsort(c.p, kind="stable").astype(np.int32)
    M = np.zeros(c.n - c.m + 1, dtype=np.int32)
    _kernels.sparse_matches(c.t, ptr, pos, wgt, M)
    return M


def _fft_block_length(m):
    return scipy.fft.next_fast_len(max(4 * m, 4096), real=True)


def _fft_matches(c, use=None, workers=None, out=None):
    """Signed match counts from per-symbol real-FFT cross-correlations,
    overlap-save blocks of length L ~ 4m, one inverse FFT per block
    (added to ``out`` when given)."""
    nout = c.n - c.m + 1
    wgt = _weights(c)
    both = (c.text_counts() > 0) & (c.pattern_counts() > 0) & (wgt != 0)
    if use is not None:
        both &= use
    codes = np.flatnonzero(both)
    M = np.zeros(nout, dtype=np.int64) if out is None else out
    S = codes.shape[0]
    if S == 0:
        return M
    L = _fft_block_length(c.m)
    group = max(1, _FFT_SPECTRA_BYTES // (16 * L))  # symbols whose spectra fit
    if S > group:  # many symbols: one group of them at a time
        for g in range(0, S, group):
            sub = np.zeros(c.n_codes, dtype=bool)
            sub[codes[g : g + group]] = True
            _fft_matches(c, use=sub, workers=workers, out=M)
        return M
    row_of_code = np.full(c.n_codes, -1, dtype=np.int32)
    row_of_code[codes] = np.arange(S, dtype=np.int32)
    step = L - c.m + 1
    Pind = np.zeros((S, L))
    rows = row_of_code[c.p]
    keep = rows >= 0
    Pind[rows[keep], np.flatnonzero(keep)] = 1.0
    PS = np.conj(scipy.fft.rfft(Pind, axis=1, workers=workers))
    PS *= wgt[codes][:, None]
    del Pind
    # When every text symbol has a row, the indicators sum to one: the last
    # row's spectrum is the block's all-ones spectrum minus the others', which
    # saves one forward FFT per block (a quarter of them for DNA).
    drop = S >= 2 and int(c.text_counts()[codes].sum()) == c.n
    if drop:
        last = PS[-1].copy()
        PS = PS[:-1] - last
        row_of_code[codes[-1]] = -1
        S -= 1
    n_blocks = -(-nout // step)
    batch = max(1, (1 << 22) // (S * L))
    for b0 in range(0, n_blocks, batch):
        nb = min(batch, n_blocks - b0)
        buf = np.zeros((nb * S, L))
        _kernels.scatter_indicators(c.t, b0 * step, step, L, row_of_code, buf)
        F = scipy.fft.rfft(buf, axis=1, workers=workers, overwrite_x=True).reshape(nb, S, -1)
        del buf
        acc = F[:, 0] * PS[0]
        for s in range(1, S):
            acc += F[:, s] * PS[s]
        del F
        if drop:
            # all-ones block: L at frequency 0; blocks past the text's end: their mask
            acc[:, 0] += L * last[0]
            for j in range(nb):
                a = (b0 + j) * step
                if a + L > c.n:
                    ones = np.zeros(L)
                    ones[: c.n - a] = 1.0
                    acc[j] += scipy.fft.rfft(ones) * last
                    acc[j, 0] -= L * last[0]
        res = scipy.fft.irfft(acc, n=L, axis=1, workers=workers, overwrite_x=True)[:, :step]
        a = b0 * step
        e = min(nout, a + nb * step)
        M[a:e] += np.rint(res.ravel()[: e - a]).astype(np.int64)
    return M


def _fft_unit_costs(c):
    """Per-symbol FFT cost and the shared inverse-FFT cost."""
    L = _fft_block_length(c.m)
    nout = c.n - c.m + 1
    n_blocks = -(-nout // (L - c.m + 1))
    work = n_blocks * L * math.log2(L)
    return _COST["fft"] * work, _COST["fft_inverse"] * work + _COST["fft_scatter"] * n_blocks * L


def _fft_drops_one(c, active):
    """Whether the FFT saves one symbol's transforms (every text symbol active)."""
    return bool(active.sum() >= 2 and int(c.text_counts()[active].sum()) == c.n)


def _abrahamson_split(c):
    """Which codes go to the FFT: those whose FFT costs less than sparse counting."""
    wgt = _weights(c)
    nT, fP = c.text_counts(), c.pattern_counts()
    sym_fft, shared = _fft_unit_costs(c)
    sparse_cost = _COST["sparse"] * nT * fP + _COST["sparse_visit"] * nT
    active = (nT > 0) & (fP > 0) & (wgt != 0)
    heavy = active & (sparse_cost > sym_fft)
    cost_split = sparse_cost[active & ~heavy].sum() + sym_fft * (heavy.sum() - _fft_drops_one(c, heavy))
    cost_split += shared if heavy.any() else 0.0
    cost_sparse = sparse_cost[active].sum()
    if cost_sparse <= cost_split:
        heavy[:] = False
        cost_split = cost_sparse
    return heavy, cost_split + _COST["sparse_scan"] * c.n


def _method_costs(c):
    """Estimated seconds of every method on these codes."""
    nT, fP = c.text_counts(), c.pattern_counts()
    wgt = _weights(c)
    active = (nT > 0) & (fP > 0) & (wgt != 0)
    sym_fft, shared = _fft_unit_costs(c)
    _, naive = _bits_or_loop(c)
    costs = {
        "naive": naive,
        "sparse": float((_COST["sparse"] * nT * fP + _COST["sparse_visit"] * nT)[active].sum()
                        + _COST["sparse_scan"] * c.n),
        "fft": float(sym_fft * (active.sum() - _fft_drops_one(c, active)) + shared),
        "abrahamson": float(_abrahamson_split(c)[1]),
    }
    return costs


def _run(c, method, workers=None):
    if method == "naive":
        return _naive(c)
    if method == "sparse":
        return _finish(c, _sparse_matches(c))
    if method == "fft":
        return _finish(c, _fft_matches(c, workers=workers))
    if method == "abrahamson":
        heavy, _ = _abrahamson_split(c)
        M = _sparse_matches(c, use=~heavy).astype(np.int64)
        if heavy.any():
            _fft_matches(c, use=heavy, workers=workers, out=M)
        return _finish(c, M)
    raise AssertionError(method)


def _choose(c, method):
    if method != "auto":
        return method
    costs = _method_costs(c)
    return min(costs, key=costs.get)


def _distances_codes(c, method="auto", n_jobs=None):
    method = _choose(c, method)
    nout = c.n - c.m + 1
    from joblib import Parallel, delayed, effective_n_jobs

    jobs = 1 if n_jobs is None else effective_n_jobs(n_jobs)
    # chunks of at least a few blocks, so the split pays for its overlap
    jobs = max(1, min(jobs, nout // max(1 << 15, 8 * c.m)))
    if jobs == 1:
        return _run(c, method)
    edges = np.linspace(0, nout, jobs + 1).astype(np.int64)
    parts = Parallel(n_jobs=jobs, prefer="threads")(
        delayed(_run)(c.slice(a, b), method, 1) for a, b in zip(edges[:-1], edges[1:])
    )
    return np.concatenate(parts)


# ------------------------------------------------------------- public API ---


def hamming_distances(text, pattern, *, method="auto", wildcard=None, n_jobs=None):
    """Hamming distance between the pattern and every alignment in the text.

    ``D[i] = #{j : text[i + j] != pattern[j]}`` for ``i = 0 .. n - m``, where
    a wildcard symbol (in the text or in the pattern) matches every symbol.
    The result is exact for every method.

    Parameters
    ----------
    text : str, bytes or array-like of int of shape (n,)
        The text.  Integer arrays may have any integer dtype and any values
        (large or negative symbols are remapped internally).
    pattern : str, bytes or array-like of int of shape (m,)
        The pattern, of the same kind as ``text``, with ``1 <= m <= n``.
    method : {"auto", "naive", "fft", "sparse", "abrahamson"}, default="auto"
        - ``"naive"``: compiled direct comparison; bit-parallel (XOR of the
          symbols' bit planes and popcount, 64 positions per word) for small
          alphabets, a vectorisable loop for large ones.  O(nm / 64 log s).
        - ``"fft"``: per-symbol cross-correlation with real FFTs in
          overlap-save blocks of about 4m, one inverse FFT per block.
          O(s n log m) for s distinct pattern symbols.
        - ``"sparse"``: for each text position, count the matches against the
          pattern occurrences of its symbol.  O(sum_c n_c(T) f_c(P)).
        - ``"abrahamson"``: per symbol, FFT or sparse counting, whichever a
          calibrated cost model says is cheaper.
        - ``"auto"``: the cost model over all methods.
    wildcard : str, bytes, int or None, default=None
        A symbol that matches every symbol (e.g. ``"N"`` in DNA), in the text
        or in the pattern.  A character for str input, a byte for bytes input,
        an integer for integer arrays.
    n_jobs : int, default=None
        Threads over chunks of the text (joblib; the kernels release the GIL).
        ``None`` means 1, ``-1`` all cores.

    Returns
    -------
    D : ndarray of int64 of shape (n - m + 1,)
        The Hamming distance at every alignment.

    See Also
    --------
    k_mismatch : Only the alignments with at most k mismatches.
    approximate_hamming_distances : Randomized (1 +- eps) approximations.

    Examples
    --------
    >>> from numalg.hamming import hamming_distances
    >>> hamming_distances("abracadabra", "abc")
    array([1, 3, 2, 2, 3, 2, 3, 1, 3])
    >>> hamming_distances("ACGTNACG", "ACG", wildcard="N")
    array([0, 3, 2, 2, 2, 0])
    >>> hamming_distances([5, -1, 10**12, 5], [10**12, 5], method="sparse")
    array([2, 2, 0])
    """
    check_option(method, "method", _METHODS)
    t, p, w = _prepare(text, pattern, wildcard)
    if n_jobs is not None:
        check_int(n_jobs, "n_jobs")
        if n_jobs == 0:
            raise ValueError("n_jobs must be a non-zero integer or None, got 0")
    c = _encode(t, p, w)
    return _distances_codes(c, method, n_jobs)


def _method_map(text, pattern, *, wildcard=None):
    """The cost model's estimates (seconds) per method, for the docs and benchmarks."""
    t, p, w = _prepare(text, pattern, wildcard)
    return _method_costs(_encode(t, p, w))


# --------------------------------------------------------------- k-mismatch ---

_KM_METHODS = ("auto", "filter", "verify", "exact")


def _qgram_candidates(c, k):
    """Alignments where one of k + 1 disjoint pattern pieces occurs exactly
    (a q-gram at the start of each piece): by pigeonhole, every alignment
    with at most k mismatches is among them."""
    m = c.m
    piece = m // (k + 1)
    bits = c.n_bits
    q = max(1, min(piece, 64 // bits))
    offs = np.arange(k + 1, dtype=np.int64) * piece
    pq = np.empty(m - q + 1, dtype=np.uint64)
    _kernels.qgram_codes(c.p, q, bits, pq)
    keys = pq[offs]
    # pieces containing a symbol absent from the text cannot match: drop nothing,
    # the lookup simply finds no occurrence for them
    order = np.argsort(keys, kind="stable")
    keys_sorted, offs_sorted = keys[order], offs[order]
    nout = c.n - m + 1
    mark = np.zeros(nout, dtype=bool)
    tbits = 16
    table = np.zeros(1 << tbits, dtype=np.uint8)
    table[(keys * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - tbits)] = 1
    block = 1 << 20
    pos_buf = np.empty(block, dtype=np.int64)
    code_buf = np.empty(block, dtype=np.uint64)
    for a in range(0, c.n - q + 1, block):
        e = min(c.n - q + 1, a + block)
        cnt = _kernels.qgram_scan(c.t[a : e + q - 1], q, bits, table, tbits, pos_buf, code_buf)
        if cnt == 0:
            continue
        tq = code_buf[:cnt]
        lo = np.searchsorted(keys_sorted, tq, side="left")
        hi = np.searchsorted(keys_sorted, tq, side="right")
        hit = np.flatnonzero(hi > lo)
        if hit.size == 0:
            continue
        cnt = (hi - lo)[hit]
        pos = np.repeat(pos_buf[hit] + a, cnt)
        starts = np.repeat(lo[hit], cnt)
        within = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        align = pos - offs_sorted[starts + within]
        ok = (align >= 0) & (align < nout)
        mark[align[ok]] = True
    return np.flatnonzero(mark).astype(np.int64), q


def _expected_candidates(c, k):
    """Expected number of filter candidates if the text were i.i.d. with its own
    symbol frequencies."""
    piece = c.m // (k + 1)
    q = max(1, min(piece, 64 // c.n_bits))
    freq = c.text_counts() / c.n
    pfreq = c.pattern_counts() / c.m
    p_eq = float(np.dot(freq, pfreq))  # chance a text symbol equals a pattern symbol
    return (k + 1) * (c.n - c.m + 1) * p_eq**q, p_eq


def k_mismatch(text, pattern, k, *, method="auto"):
    """Every alignment with at most k mismatches, with its exact distance.

    Parameters
    ----------
    text : str, bytes or array-like of int of shape (n,)
    pattern : str, bytes or array-like of int of shape (m,)
        Of the same kind as ``text``, ``1 <= m <= n``.
    k : int
        The largest number of mismatches reported, ``k >= 0``.
    method : {"auto", "filter", "verify", "exact"}, default="auto"
        - ``"filter"``: pigeonhole filter (one of k + 1 pattern pieces must
          occur exactly; looked up by packed q-grams), then an early-exit
          comparison of each candidate.
        - ``"verify"``: early-exit comparison at every alignment.
        - ``"exact"``: :func:`hamming_distances` (``method="auto"``), then
          keep the distances ``<= k``.
        - ``"auto"``: the filter when it is selective (small k relative to
          m), the exact distances when k is large relative to m, otherwise
          early-exit verification.

    Returns
    -------
    positions : ndarray of int64
        The alignments ``i`` with ``D[i] <= k``, ascending.
    distances : ndarray of int64
        ``D[i]`` at those alignments.

    Examples
    --------
    >>> from numalg.hamming import k_mismatch
    >>> k_mismatch("abracadabra", "abc", 1)
    (array([0, 7]), array([1, 1]))
    """
    check_option(method, "method", _KM_METHODS)
    k = check_int(k, "k", min_val=0)
    t, p, w = _prepare(text, pattern)
    c = _encode(t, p, w)
    nout = c.n - c.m + 1
    if k >= c.m:
        return np.arange(nout, dtype=np.int64), _distances_codes(c, "auto")
    if method == "auto":
        n_cand, p_eq = _expected_candidates(c, k)
        # early-exit verification reads about (k + 1) / (1 - p_eq) symbols per
        # alignment, in chunks of 32, after a fixed per-alignment overhead
        verify_cost = 2e-8 + _COST["loop"] * 4 * min(c.m, (k + 1) / max(1e-12, 1 - p_eq))
        exact_cost = min(_method_costs(c).values()) / nout
        filter_cost = (2e-9 * (c.n / nout) + n_cand / nout * (2e-8 + _COST["loop"] * c.m)
                       ) if c.m // (k + 1) >= 1 else np.inf
        costs = {"filter": filter_cost, "verify": verify_cost, "exact": exact_cost}
        method = min(costs, key=costs.get)
    if method == "exact":
        D = _distances_codes(c, "auto")
        pos = np.flatnonzero(D <= k).astype(np.int64)
        return pos, D[pos]
    if method == "filter":
        cand, _ = _qgram_candidates(c, k)
        dist = np.empty(cand.shape[0], dtype=np.int64)
        _kernels.verify_candidates(c.t, c.p, cand, k, dist)
        keep = dist <= k
        return cand[keep], dist[keep]
    # verify every alignment, block by block
    pos_parts, dist_parts = [], []
    for a in range(0, nout, _BLOCK):
        cand = np.arange(a, min(nout, a + _BLOCK), dtype=np.int64)
        dist = np.empty(cand.shape[0], dtype=np.int64)
        _kernels.verify_candidates(c.t, c.p, cand, k, dist)
        keep = dist <= k
        pos_parts.append(cand[keep])
        dist_parts.append(dist[keep])
    return np.concatenate(pos_parts), np.concatenate(dist_parts)


# -------------------------------------------------------------- approximate ---


def _hashed(c, n_buckets, rng):
    """The codes hashed to 1..n_buckets by a random function of the symbols.

    Code 0 (text symbols absent from the pattern) keeps a bucket of its own,
    so it still never matches: those mismatches are exact."""
    h = rng.integers(1, n_buckets + 1, size=c.n_codes)
    h[0] = n_buckets + 1
    dtype = np.uint8 if n_buckets + 2 <= 256 else np.uint16
    h = h.astype(dtype)
    return _Codes(h[c.t], h[c.p], n_buckets + 2, -1)


def approximate_hamming_distances(text, pattern, eps, *, method="karloff", random_state=None):
    """Randomized (1 +- eps)-approximations of all text-to-pattern Hamming distances.

    Both methods hash the alphabet at random and compute exact distances of
    the hashed strings (whose alphabet is small, so the fast exact methods
    apply); a hashed mismatch is always a true mismatch, and a true mismatch
    survives the hashing with a known probability.

    Parameters
    ----------
    text : str, bytes or array-like of int of shape (n,)
    pattern : str, bytes or array-like of int of shape (m,)
        Of the same kind as ``text``, ``1 <= m <= n``.
    eps : float
        Relative accuracy, ``0 < eps < 1``.
    method : {"karloff", "kopelowitz_porat"}, default="karloff"
        - ``"karloff"``: random projections of the alphabet to two symbols;
          a mismatch survives each projection with probability 1/2, the
          estimate is twice the mean of ``ceil(2 ln(2n) / eps^2)`` projected
          distances (Karloff 1993).
        - ``"kopelowitz_porat"``: hash the alphabet into ``b = ceil(e / eps)``
          buckets; the hashed distance never exceeds the true one and is below
          ``(1 - eps) D`` with probability at most ``1 / (eps b) <= 1/e``
          (Markov), so the maximum over ``ceil(ln n)`` hashes is within
          ``eps`` with probability ``>= 1 - 1/n`` (after Kopelowitz and Porat
          2018).
    random_state : int, numpy.random.Generator, RandomState or None, default=None
        Seed of the hash functions.

    Returns
    -------
    D : ndarray of float64 of shape (n - m + 1,)
        The estimates.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.hamming import approximate_hamming_distances, hamming_distances
    >>> rng = np.random.default_rng(0)
    >>> t, p = rng.integers(0, 50, 2000), rng.integers(0, 50, 100)
    >>> est = approximate_hamming_distances(t, p, 0.2, method="kopelowitz_porat", random_state=0)
    >>> exact = hamming_distances(t, p)
    >>> bool(np.all(np.abs(est - exact) <= 0.2 * exact))
    True
    """
    check_option(method, "method", ("karloff", "kopelowitz_porat"))
    eps = check_scalar(eps, "eps", min_val=0.0, max_val=1.0, include_boundaries="neither")
    rng = check_random_state(random_state)
    t, p, w = _prepare(text, pattern)
    c = _encode(t, p, w)
    nout = c.n - c.m + 1
    if method == "kopelowitz_porat":
        # b buckets: a rep falls below (1 - eps) D with probability <= 1/(eps b)
        # (Markov); b = e/eps minimises the work b * ln(n) / ln(eps b)
        buckets = math.ceil(math.e / eps)
        if buckets + 1 >= c.n_codes:  # hashing would not shrink the alphabet
            return _distances_codes(c, "auto").astype(np.float64)
        reps = math.ceil(math.log(max(nout, 2)) / math.log(eps * buckets))
        best = np.zeros(nout, dtype=np.int64)
        for _ in range(reps):
            np.maximum(best, _distances_codes(_hashed(c, buckets, rng), "auto"), out=best)
        return best.astype(np.float64)
    if c.n_codes <= 3:  # already binary
        return _distances_codes(c, "auto").astype(np.float64)
    reps = math.ceil(2 * math.log(2 * nout) / eps**2)
    # mismatches against text symbols absent from the pattern (code 0) are exact
    cs = np.zeros(c.n + 1, dtype=np.int64)
    np.cumsum(c.t == 0, out=cs[1:])
    other = cs[c.m : c.m + nout] - cs[:nout]
    total = np.zeros(nout, dtype=np.int64)
    for _ in range(reps):
        total += _distances_codes(_hashed(c, 2, rng), "auto")
    # each remaining mismatch survived a projection with probability 1/2
    return other + 2.0 * (total / reps - other)
