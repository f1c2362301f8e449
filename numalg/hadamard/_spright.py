"""SPRIGHT: the sparse Walsh-Hadamard transform from few queries of the signal."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2
from sklearn.exceptions import ConvergenceWarning

from .._results import IterativeResult
from .._validation import check_int, check_option, check_random_state, check_scalar
from . import _fwht, _sparse

__all__ = ["SparseWHTResult", "sparse_wht", "walsh_expansion"]

_METHODS = {"noiseless": 0, "nso": 1, "ml": 2}
#: ML enumerates 2^(n_bits - b) candidates per bin; beyond this it is refused.
_ML_MAX_FREE_BITS = 22
#: Load (sparsity / bins) of each group chosen by ``bins="auto"``.
_AUTO_LOAD = 1.6
#: Queries one call may plan (float64 samples: 2 GiB).
_MAX_QUERIES = 1 << 28


@dataclass(frozen=True, kw_only=True, repr=False)
class SparseWHTResult(IterativeResult):
    """Result of :func:`sparse_wht`.

    Attributes
    ----------
    indices : ndarray of uint64 of shape (n_found,)
        The recovered support, sorted; bit ``j`` of an index is variable ``j``.
    values : ndarray of float64 of shape (n_found,)
        The recovered coefficients ``X_k`` (no ``1/N`` factor), aligned with
        ``indices``.
    n_samples : int
        Queries of the signal made (the number of indices evaluated).
    n_peeling_rounds : int
        Rounds of the peeling decoder that recovered something (also ``n_iter``).
    noise_sd : float
        The noise standard deviation used for the tests: the one given, or
        the estimate from the bin energies (0.0 for ``method="noiseless"``
        without ``noise_sd``).
    n_bits : int
        ``log2 N``.
    n_bins : ndarray of int64
        Bins of each subsampling group, the extra groups queried when peeling
        stalled included.
    n_delays : int
        Delays (offsets) per group.
    n_iter : int
        Same as ``n_peeling_rounds``.
    converged : bool
        Whether every bin was resolved (a zero-ton at the end of peeling).
    history : dict
        ``{"n_found": ndarray}``, the size of the recovered support after
        each peeling round.
    """

    indices: np.ndarray
    values: np.ndarray
    n_samples: int
    n_peeling_rounds: int
    noise_sd: float
    n_bits: int
    n_bins: np.ndarray
    n_delays: int


# ----------------------------------------------------------------------------
# F2 linear algebra on b columns of n-bit masks (Python ints; b, n <= 62).


def _random_full_rank(n_bits, b, rng):
    """b random independent n-bit columns: a full-rank n x b matrix over F2."""
    while True:
        cols = [int(c) for c in rng.integers(1, 1 << n_bits, size=b, dtype=np.uint64)]
        basis = []
        ok = True
        for c in cols:
            for v in basis:
                c = min(c, c ^ v)
            if c == 0:
                ok = False
                break
            basis.append(c)
        if ok:
            return cols


def _right_inverse_and_null(cols, n_bits):
    """R (b columns) with M^T R = I, and a basis of the null space of M^T."""
    b = len(cols)
    rows = list(cols)
    combo = [1 << r for r in range(b)]
    pivots = []
    i = 0
    for bit in range(n_bits):
        if i == b:
            break
        sel = next((t for t in range(i, b) if (rows[t] >> bit) & 1), None)
        if sel is None:
            continue
        rows[i], rows[sel] = rows[sel], rows[i]
        combo[i], combo[sel] = combo[sel], combo[i]
        for t in range(b):
            if t != i and (rows[t] >> bit) & 1:
                rows[t] ^= rows[i]
                combo[t] ^= combo[i]
        pivots.append(bit)
        i += 1
    rinv = []
    for r in range(b):
        z = 0
        for t in range(b):
            if (combo[t] >> r) & 1:
                z |= 1 << pivots[t]
        rinv.append(z)
    pivot_set = set(pivots)
    null = []
    for f in range(n_bits):
        if f in pivot_set:
            continue
        z = 1 << f
        for t in range(b):
            if (rows[t] >> f) & 1:
                z |= 1 << pivots[t]
        null.append(z)
    return rinv, null


# ----------------------------------------------------------------------------
# Input handling.


def _as_callable(signal, n_bits):
    if callable(signal):
        return signal
    if isinstance(signal, np.ndarray) or isinstance(signal, (list, tuple)):
        arr = np.asarray(signal)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"signal must be a callable or a real array, got dtype {arr.dtype}")
        if arr.ndim != 1 or arr.shape[0] != (1 << n_bits):
            raise ValueError(
                f"signal given as an array must be 1-D of length 2**n_bits = {1 << n_bits}, "
                f"got shape {arr.shape}"
            )
        arr = arr.astype(np.float64)
        return lambda idx: arr[idx.astype(np.intp)]
    raise TypeError(
        "signal must be a callable signal(indices) -> values or a 1-D array of length "
        f"2**n_bits, got {type(signal).__name__}"
    )


def _query(signal, idx):
    """Evaluate the signal at ``idx``, checking what comes back."""
    out = signal(idx)
    arr = np.asarray(out)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"signal must return real numbers (float64-convertible), got dtype {arr.dtype}"
        )
    if arr.shape != idx.shape:
        raise ValueError(
            f"signal must return an array of shape {idx.shape} (one value per index), "
            f"got shape {arr.shape}"
        )
    arr = np.asarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError("signal returned non-finite values (NaN or infinity)")
    return arr


def _design_delays(n_bits, n_delays, method, rng):
    """Delays: chains (d, d^e_0, ..., d^e_{n-1}) first, then random delays."""
    n_chains = 0 if method == "ml" else n_delays // (n_bits + 1)
    if method == "noiseless":
        n_chains = 1
    parts = []
    high = np.uint64(1) << np.uint64(n_bits)
    unit = np.uint64(1) << np.arange(n_bits, dtype=np.uint64)
    for _ in range(n_chains):
        d = rng.integers(0, high, dtype=np.uint64, endpoint=False)
        parts.append(np.concatenate([[d], d ^ unit]))
    n_rand = n_delays - n_chains * (n_bits + 1)
    parts.append(rng.integers(0, high, size=n_rand, dtype=np.uint64, endpoint=False))
    return np.concatenate(parts).astype(np.uint64), n_chains


class _Groups:
    """The subsampling groups queried so far and their bin observations."""

    def __init__(self, n_bits, delays, need_cosets):
        self.n_bits = n_bits
        self.delays = delays
        self.need_cosets = need_cosets
        self.cols, self.rinv, self.null, self.b = [], [], [], []
        self.blocks = []

    def add(self, signal, bs, rng):
        n_bits, delays = self.n_bits, self.delays
        new_cols = [_random_full_rank(n_bits, b, rng) for b in bs]
        P = delays.shape[0]
        sizes = [P << b for b in bs]
        idx = np.empty(sum(sizes), dtype=np.uint64)
        cols_arr = np.zeros((len(bs), max(max(bs), 1)), dtype=np.uint64)
        for c, cl in enumerate(new_cols):
            cols_arr[c, : len(cl)] = cl
        _sparse.query_indices(cols_arr, np.asarray(bs, dtype=np.int64), delays, idx)
        u = _query(signal, idx)
        pos = 0
        for b, cl, size in zip(bs, new_cols, sizes):
            block = u[pos : pos + size].reshape(P, 1 << b)
            pos += size
            # B-point WHT per delay; Y[j, p] = sum over bin j of X_k (-1)^<d_p, k>.
            _fwht.fwht_rows(block, 1.0 / (1 << b))
            self.blocks.append(np.ascontiguousarray(block.T))
            # The coset structure (a right inverse and the null space of M^T) is
            # only needed by the ML search.
            rinv, null = _right_inverse_and_null(cl, n_bits) if self.need_cosets else ([], [])
            self.cols.append(cl)
            self.rinv.append(rinv)
            self.null.append(null)
            self.b.append(b)
        return u

    def arrays(self):
        C = len(self.b)
        bmax = max(max(self.b), 1)
        nmax = max(max(len(z) for z in self.null), 1)
        cols = np.zeros((C, bmax), dtype=np.uint64)
        rinv = np.zeros((C, bmax), dtype=np.uint64)
        null = np.zeros((C, nmax), dtype=np.uint64)
        for c in range(C):
            cols[c, : self.b[c]] = self.cols[c]
            rinv[c, : len(self.rinv[c])] = self.rinv[c]
            null[c, : len(self.null[c])] = self.null[c]
        n_cols = np.asarray(self.b, dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(1 << n_cols)[:-1]]).astype(np.int64)
        Y = np.concatenate(self.blocks, axis=0)
        return Y, cols, n_cols, offsets, rinv, null


def sparse_wht(
    signal,
    n_bits,
    sparsity,
    *,
    noise_sd=None,
    n_groups=3,
    bins="auto",
    n_delays="auto",
    method="nso",
    extra_groups=2,
    random_state=None,
):
    """Sparse Walsh-Hadamard transform by SPRIGHT, from queries of the signal.

    Recovers a spectrum ``X`` with at most ``sparsity`` = K nonzero
    coefficients among ``N = 2**n_bits`` from ``O(K log N)`` samples of

    ``signal(m) = sum_k X_k (-1)^popcount(m & k) (+ noise)``,

    never forming a length-N vector.  The samples are taken on ``n_groups``
    random cosets: group ``c`` draws a random full-rank ``n_bits x b`` matrix
    ``M_c`` over F2 and, for each delay ``d``, queries the ``B = 2^b`` indices
    ``M_c l XOR d``; a B-point FWHT of those samples hashes the spectrum into
    B bins (coefficient ``k`` lands in bin ``M_c^T k``) signed by
    ``(-1)^<d, k>``.  Bins are classified as zero-tons, single-tons and
    multi-tons by energy tests; a single-ton's index is read from the sign
    changes between delays (``method``), and a peeling decoder subtracts
    every recovered coefficient from its bins in the other groups, which
    turns multi-tons into single-tons.

    Parameters
    ----------
    signal : callable or array-like of shape (2**n_bits,)
        ``signal(indices)`` with ``indices`` a 1-D ``uint64`` array returns
        the (possibly noisy) signal at those indices as a 1-D array of the
        same length.  It is called once per subsampling group design (once,
        plus once per extra group).  A 1-D array of length ``2**n_bits`` is
        accepted for small problems.
    n_bits : int
        ``n = log2 N``, in ``[1, 62]``.  Bit ``j`` of an index is variable ``j``.
    sparsity : int
        The number K of nonzero coefficients expected, in ``[1, 2**n_bits]``.
        It sizes the bins; up to ``2 * n_groups * B`` coefficients can be
        returned.
    noise_sd : float, default=None
        Standard deviation of the noise added to each sample.  ``None``
        estimates it from the bin energies (``method="noiseless"`` then
        assumes exact samples, up to rounding).
    n_groups : int, default=3
        Subsampling groups (C).  Three is the paper's choice.
    bins : int or "auto", default="auto"
        Bins B per group, a power of two ``<= 2**n_bits``.  ``"auto"``: the
        smallest power of two ``>= max(sparsity / 1.6, min(2 * sparsity, 16))``.
    n_delays : int or "auto", default="auto"
        Delays (offsets) P per group.  ``"noiseless"`` needs ``n_bits + 1``
        (a base and its ``n_bits`` neighbours) and uses the rest as random
        check delays (auto: ``n_bits + 2``); ``"nso"`` uses
        ``n_delays // (n_bits + 1)`` such chains, each voting on every bit,
        plus random check delays (auto: 3 chains); ``"ml"`` uses random
        delays (auto: ``2 * n_bits + 2``).
    method : {"nso", "ml", "noiseless"}, default="nso"
        How a single-ton's index is found: ``"noiseless"`` by the signs of
        one chain; ``"nso"`` (near sample-optimal) by a majority vote of
        several random chains, robust to noise; ``"ml"`` by maximum
        likelihood over all ``2**(n_bits - b)`` indices that hash to the bin
        (only when ``n_bits - b <= 22``).
    extra_groups : int, default=2
        If peeling stalls with unresolved bins, up to this many further
        groups of about 8 bins per missing coefficient (at least 16) are queried and peeling resumes
        (cheap insurance against the rare stopping sets of the peeling
        decoder).  ``0`` disables it.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the subsampling matrices and delays.

    Returns
    -------
    result : SparseWHTResult
        ``indices`` (uint64, sorted), ``values``, ``n_samples``,
        ``n_peeling_rounds``, ``converged``, ``noise_sd`` and the design.

    Warns
    -----
    ConvergenceWarning
        When some bins are still unresolved at the end: the spectrum is
        probably less sparse than ``sparsity`` or the noise too strong; the
        coefficients found so far are returned.

    See Also
    --------
    fwht : The dense transform (all N samples, ``N log N`` work).
    SparseWalshHadamard : The same as an estimator with ``predict``.

    Notes
    -----
    The samples number ``C * P * B = O(K log N)`` and the work
    ``O(K log N log K)`` for the FWHTs plus ``O(K log N)`` per peeling round
    (``O(K N/B log N)`` for ``"ml"``).  With noise, ``SNR = sum_k X_k^2 /
    noise_sd^2 / K``; each bin averages B samples, so its SNR is B times
    larger, which is what makes the tests reliable at low SNR.

    References
    ----------
    .. [1] X. Li, J. K. Bradley, S. Pawar, K. Ramchandran, "SPRIGHT: A Fast and
       Robust Framework for Sparse Walsh-Hadamard Transform", arXiv:1508.06336.
    .. [2] R. Scheibler, S. Haghighatshoar, M. Vetterli, "A Fast Hadamard
       Transform for Signals with Sublinear Sparsity in the Transform Domain",
       IEEE Trans. Inf. Theory 61(4), 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.hadamard import sparse_wht
    >>> support = np.array([3, 1000, 123456], dtype=np.uint64)
    >>> coef = np.array([2.0, -1.0, 0.5])
    >>> def signal(m):
    ...     parity = np.bitwise_count(m[:, None] & support) & 1
    ...     return (1.0 - 2.0 * parity) @ coef
    >>> res = sparse_wht(signal, 20, 3, method="noiseless", random_state=0)
    >>> res.indices
    array([     3,   1000, 123456], dtype=uint64)
    >>> np.round(res.values, 12)
    array([ 2. , -1. ,  0.5])
    >>> res.n_samples < 2**20
    True
    """
    n_bits = check_int(n_bits, "n_bits", min_val=1, max_val=62)
    sparsity = check_int(sparsity, "sparsity", min_val=1, max_val=1 << n_bits)
    method = check_option(method, "method", tuple(_METHODS))
    n_groups = check_int(n_groups, "n_groups", min_val=1, max_val=64)
    extra_groups = check_int(extra_groups, "extra_groups", min_val=0, max_val=64)
    if noise_sd is not None:
        noise_sd = check_scalar(noise_sd, "noise_sd", min_val=0.0)
    if isinstance(bins, str):
        check_option(bins, "bins", ("auto",))
        # About sparsity / 1.6 bins (the 3-group peeling threshold is 1.22),
        # with more room for small K, where stopping sets are likelier.
        target = max(sparsity / _AUTO_LOAD, min(2 * sparsity, 16), 1)
        b = max(0, min(n_bits, math.ceil(math.log2(target))))
    else:
        n_b = check_int(bins, "bins", min_val=1, max_val=1 << n_bits)
        if n_b & (n_b - 1):
            raise ValueError(f"bins must be a power of two, got {n_b}")
        b = n_b.bit_length() - 1
    min_delays = {"noiseless": n_bits + 1, "nso": n_bits + 1, "ml": 1}[method]
    if isinstance(n_delays, str):
        check_option(n_delays, "n_delays", ("auto",))
        P = {"noiseless": n_bits + 2, "nso": 3 * (n_bits + 1), "ml": 2 * n_bits + 2}[method]
    else:
        P = check_int(n_delays, "n_delays", min_val=min_delays)
    if method == "ml" and n_bits - b > _ML_MAX_FREE_BITS:
        raise ValueError(
            f"method='ml' searches 2**(n_bits - log2(bins)) = 2**{n_bits - b} indices per bin; "
            f"use at most {_ML_MAX_FREE_BITS} free bits (more bins or fewer n_bits), or method='nso'"
        )
    planned = n_groups * P * (1 << b)
    if planned > _MAX_QUERIES:
        raise ValueError(
            f"sparse_wht would query the signal {planned} times (n_groups * n_delays * bins); "
            f"at most {_MAX_QUERIES} are allowed: lower sparsity, bins or n_delays, or use the "
            "dense fwht on all 2**n_bits samples"
        )
    signal = _as_callable(signal, n_bits)
    rng = check_random_state(random_state)

    delays, n_chains = _design_delays(n_bits, P, method, rng)
    groups = _Groups(n_bits, delays, method == "ml")
    u = groups.add(signal, [b] * n_groups, rng)
    n_samples = u.shape[0]
    scale = float(np.sqrt(np.mean(u * u)))
    floor_sd = 1e-9 * max(scale, np.finfo(float).tiny)
    code = _METHODS[method]

    capacity = 2 * n_groups * (1 << b) + 16
    found_k = np.zeros(capacity, dtype=np.uint64)
    found_v = np.zeros(capacity, dtype=np.float64)
    n_found = 0
    history = []
    rounds = 0
    n_unresolved = 0
    sd = None
    estimated = noise_sd is None and method != "noiseless"
    for attempt in range(extra_groups + 1):
        if attempt > 0:
            # Sized for what is left: about 8 bins per missing coefficient, at
            # least 16 (a stopping set is a few coefficients that share bins in
            # every group, often linearly dependent indices).
            n_left = max(sparsity - n_found, -(-n_unresolved // len(groups.b)), 1)
            b_extra = min(n_bits, max(4, math.ceil(math.log2(8 * n_left))))
            groups.add(signal, [b_extra], rng)
            n_samples += P << b_extra
            # Remove what is already known from the new group's bins.
            _sparse.subtract_known(
                groups.blocks[-1], np.asarray(groups.cols[-1], dtype=np.uint64), 0, delays,
                found_k[:n_found], found_v[:n_found],
            )
        Y, cols, n_cols, offsets, rinv, null = groups.arrays()
        if found_k.shape[0] < n_found + Y.shape[0]:  # room for one more per bin
            grow = n_found + 2 * Y.shape[0]
            found_k = np.concatenate([found_k, np.zeros(grow, dtype=np.uint64)])
            found_v = np.concatenate([found_v, np.zeros(grow)])
        if sd is None:
            if noise_sd is not None:
                sd = max(noise_sd, floor_sd)
            elif method == "noiseless":
                sd = floor_sd
            else:
                sd = _estimate_noise(Y, cols, n_cols, offsets, delays, n_bits, n_chains, code,
                                     rinv, null, floor_sd)

        def run_peel(Y, sd, n_found):
            if method == "noiseless" and noise_sd is None:
                # Exact samples: equality up to rounding, relative to the signal's scale.
                zero_thr = np.full(len(n_cols), floor_sd**2)
                thresholds = zero_thr, zero_thr, np.full(len(n_cols), floor_sd)
            else:
                thresholds = _thresholds(sd, n_cols, P, n_bits, method)
            per_round = np.zeros(64 * (n_groups + 1) + 64, dtype=np.int64)
            out = _sparse.peel(
                Y, cols, n_cols, offsets, delays, n_bits, n_chains, code, rinv, null,
                *thresholds, found_k, found_v, n_found, per_round, per_round.shape[0],
            )
            return out, per_round, thresholds[2]

        Y0 = Y.copy() if (attempt == 0 and estimated) else None
        (n_found, r, n_unresolved), per_round, min_value = run_peel(Y, sd, n_found)
        if Y0 is not None:
            # The first estimate comes from single-ton fits, which ML biases
            # low; the residuals after peeling are noise wherever a bin was
            # resolved.  If they disagree, peel again with the better estimate.
            sd1 = _residual_noise(Y, n_cols, P, floor_sd)
            if n_unresolved or abs(sd1 / sd - 1.0) > 0.15:
                sd = sd1
                Y = Y0
                found_k[:] = 0
                found_v[:] = 0.0
                (n_found, r, n_unresolved), per_round, min_value = run_peel(Y, sd, 0)
        history.extend(per_round[:r].tolist())
        rounds += r
        # Write the residuals back so that a resumed peeling continues from them.
        for c in range(len(groups.blocks)):
            groups.blocks[c] = Y[offsets[c] : offsets[c] + (1 << int(n_cols[c]))]
        if n_unresolved == 0:
            break

    converged = n_unresolved == 0
    if not converged:
        warnings.warn(
            f"sparse_wht: {n_unresolved} bins are still unresolved after peeling; the spectrum "
            f"may have more than sparsity={sparsity} coefficients or the noise is too strong. "
            "Returning the coefficients found so far.",
            ConvergenceWarning,
            stacklevel=2,
        )
    # A coefficient whose estimates cancelled (a multi-ton mistaken for a
    # single-ton and corrected by later peeling) ends below the detection
    # level: it is not reported.
    keep = np.abs(found_v[:n_found]) >= max(float(np.min(min_value)), np.finfo(float).tiny)
    k = found_k[:n_found][keep]
    v = found_v[:n_found][keep]
    order = np.argsort(k)
    return SparseWHTResult(
        indices=k[order],
        values=v[order],
        n_samples=int(n_samples),
        n_peeling_rounds=int(rounds),
        noise_sd=float(0.0 if (noise_sd is None and method == "noiseless") else sd),
        n_bits=n_bits,
        n_bins=(1 << np.asarray(groups.b, dtype=np.int64)),
        n_delays=int(P),
        n_iter=int(rounds),
        converged=bool(converged),
        history={"n_found": np.asarray(history, dtype=np.int64)},
    )


def _estimate_noise(Y, cols, n_cols, offsets, delays, n_bits, n_chains, code, rinv, null, floor_sd):
    """Noise sd from the bins that a single-ton (or nothing) explains best.

    Every bin gets its best single-ton fit; zero-tons and single-tons leave a
    residual that is pure noise (variance ``noise_sd**2 / B`` per delay), the
    multi-tons much more.  A low quantile of the residuals, rescaled by the
    same quantile of the chi-square law, estimates the noise without being
    swayed by the multi-tons (at most about half the bins at the auto load).
    """
    P = delays.shape[0]
    n_rows = Y.shape[0]
    residual = np.empty(n_rows)
    energy = np.empty(n_rows)
    _sparse.fit_bins(Y, cols, n_cols, offsets, delays, n_bits, n_chains, code, rinv, null,
                     residual, energy)
    bins_per_row = np.repeat(1 << n_cols, 1 << n_cols).astype(float)
    dof = max(P - 1, 1)
    s2 = residual * bins_per_row * P / dof  # unbiased noise variance per sample
    q = 0.25
    est = np.quantile(s2, q) / (chi2.ppf(q, dof) / dof)
    return max(float(np.sqrt(est)), floor_sd)


def _residual_noise(Y, n_cols, P, floor_sd):
    """Noise sd from the residual bin energies after peeling (median, chi-square scaled)."""
    bins_per_row = np.repeat(1 << n_cols, 1 << n_cols).astype(float)
    s2 = np.mean(Y * Y, axis=1) * bins_per_row
    est = np.median(s2) / (chi2.ppf(0.5, P) / P)
    return max(float(np.sqrt(est)), floor_sd)


def _thresholds(sd, n_cols, P, n_bits, method, alpha=1e-6):
    """Per-group energy thresholds: zero-ton, single-ton residual, min |value|."""
    var = sd * sd / (1 << n_cols).astype(float)  # noise variance of a bin observation
    # Each coefficient peeled from a bin leaves its estimation error, of
    # variance about var / P per delay: allow for a few of them.
    peeled = 6.0 / P
    zero = var * (chi2.isf(alpha, P) / P + peeled)
    single = var * (chi2.isf(alpha, max(P - 1, 1)) / P + peeled)
    # A zero-ton's fitted value is N(0, var / P); ML maximises over 2^(n-b) candidates.
    n_cand = 2.0 ** (n_bits - n_cols) if method == "ml" else np.ones(len(n_cols))
    z = np.sqrt(2.0 * np.log(2.0 * n_cand / alpha))
    min_value = z * np.sqrt(var / P)
    return zero, single, min_value


def walsh_expansion(indices, values, m):
    """Evaluate ``sum_k values_k (-1)^popcount(m & indices_k)`` at integer indices ``m``.

    Parameters
    ----------
    indices : array-like of uint64 of shape (n_terms,)
        The support ``k`` of the expansion (bit ``j`` is variable ``j``).
    values : array-like of float of shape (n_terms,)
        The coefficients ``X_k``.
    m : array-like of uint64 of shape (n_points,)
        Where to evaluate.

    Returns
    -------
    y : ndarray of float64 of shape (n_points,)
        The expansion at each point of ``m``.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.hadamard import walsh_expansion
    >>> walsh_expansion([0, 1], [1.0, 2.0], [0, 1, 2, 3])
    array([ 3., -1.,  3., -1.])
    """
    k = np.ascontiguousarray(indices, dtype=np.uint64)
    v = np.ascontiguousarray(values, dtype=np.float64)
    mm = np.ascontiguousarray(m, dtype=np.uint64)
    if k.ndim != 1 or v.shape != k.shape:
        raise ValueError("indices and values must be 1-D of the same length")
    if mm.ndim != 1:
        raise ValueError(f"m must be 1-D, got shape {mm.shape}")
    out = np.empty(mm.shape[0])
    _sparse.walsh_eval(k, v, mm, out)
    return out
