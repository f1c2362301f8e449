"""Entropic optimal transport: log-domain Sinkhorn and Sinkhorn-Newton-Sparse.

Conventions shared by every function of the family: the primal problem is

    min_P <M, P> + reg * sum_ij P_ij (log P_ij - 1)  s.t.  P 1 = a, P^T 1 = b,

its (concave) dual is D(f, g) = <f, a> + <g, b> - reg * sum_ij P_ij(f, g) with
P_ij(f, g) = exp((f_i + g_j - M_ij) / reg), whose gradient is the marginal
violation (a - P 1, b - P^T 1).  The stopping measure ``marginal_error`` is
||P 1 - a||_1 + ||P^T 1 - b||_1.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from .._results import IterativeResult
from .._validation import (
    check_array,
    check_callback,
    check_int,
    check_option,
    check_probability_vector,
    check_scalar,
)
from . import _sinkhorn as _k

__all__ = ["TransportResult", "sinkhorn", "sinkhorn_newton_sparse"]

#: relative tolerance on the equality of the total masses of ``a`` and ``b``
MASS_RTOL = 1e-6
# scalings of the matrix-vector Sinkhorn stay within [1 / _BOUND, _BOUND]
_BOUND = 1e10
# the Newton system is shifted by _THETA * min(1, marginal error / mass) times its diagonal
_THETA = 1e-2
# problems with at most this many entries keep the whole plan in the Newton
# matrix when density="auto" (the exact Hessian is cheap there, and on small
# near-assignment plans the entries below the drop threshold are what connects
# the plan's blocks: dropping them stalls Newton at a linear rate near 1)
_DENSE_NEWTON_SIZE = 128 * 128
# Newton stalls when the marginal error falls by less than a factor
# 1 / _STALL_RATIO over _STALL_STEPS steps: the drop threshold then shrinks
_STALL_RATIO = 0.5
_STALL_STEPS = 10
# reg-continuation (eps-scaling): when stage 1's marginal error is still above
# _BAIL_ERR of the mass after _BAIL_SWEEPS sweeps, SNS first solves the problem
# at _CONT_FACTOR * reg to _CONT_TOL of the mass (recursively, at most
# _MAX_LEVELS times), then at reg from those potentials
_BAIL_SWEEPS = 50
_BAIL_ERR = 0.1
_CONT_FACTOR = 3.0
_CONT_TOL = 1e-3
_MAX_LEVELS = 3


@dataclass(frozen=True, kw_only=True, repr=False)
class TransportResult(IterativeResult):
    """Solution of an entropic optimal transport problem.

    Attributes
    ----------
    plan : ndarray of shape (n, m)
        The transport plan ``P_ij = exp((f_i + g_j - M_ij) / reg)``.
    f, g : ndarray of shape (n,) and (m,)
        Dual potentials, defined up to ``f + c, g - c``; points of zero mass
        get the potential ``-inf`` (their plan rows or columns are zero).
    cost : float
        The transport cost ``<M, plan>``.
    objective : float
        The entropic objective ``<M, P> + reg * sum P (log P - 1)``.
    dual_objective : float
        The dual ``<f, a> + <g, b> - reg * sum P``; equal to ``objective``
        at the optimum.
    marginal_error : float
        ``||plan 1 - a||_1 + ||plan^T 1 - b||_1``, the stopping measure,
        recomputed from the returned plan.
    reg : float
        The regularisation used.
    n_iter : int
        Total iterations (Sinkhorn sweeps + Newton steps).
    n_sinkhorn_iter, n_newton_iter : int
        Sinkhorn sweeps and Newton steps performed.
    converged : bool
        Whether ``marginal_error <= tol`` was reached.
    history : dict of str to ndarray
        ``"marginal_error"`` (per iteration), ``"time"`` (seconds since the
        start, per iteration) and ``"newton"`` (whether each iteration was a
        Newton step).
    """

    plan: np.ndarray
    f: np.ndarray
    g: np.ndarray
    cost: float
    objective: float
    dual_objective: float
    marginal_error: float
    reg: float
    n_sinkhorn_iter: int
    n_newton_iter: int

    def plan_sparse(self, threshold=None):
        """The plan's entries above a threshold, as a SciPy CSR array.

        Parameters
        ----------
        threshold : float, default=None
            Entries ``<= threshold`` are dropped; ``None`` uses
            ``1e-12 * plan.max()``.

        Returns
        -------
        scipy.sparse.csr_array of shape (n, m)
        """
        P = self.plan
        if threshold is None:
            threshold = 1e-12 * float(P.max()) if P.size else 0.0
        threshold = check_scalar(threshold, "threshold", min_val=0, allow_inf=True)
        return sp.csr_array(np.where(P > threshold, P, 0.0))


# ----------------------------------------------------------------- helpers ---


def _check_problem(a, b, M, reg):
    M = check_array(M, "M", ndim=2)
    n, m = M.shape
    a = np.full(n, 1.0 / n) if a is None else check_probability_vector(a, "a")
    b = np.full(m, 1.0 / m) if b is None else check_probability_vector(b, "b")
    if M.shape != (a.shape[0], b.shape[0]):
        raise ValueError(
            f"M must have shape (len(a), len(b)) = ({a.shape[0]}, {b.shape[0]}), got {M.shape}"
        )
    check_probability_vector(b, "b", total=float(a.sum()), rtol=MASS_RTOL)
    reg = check_scalar(reg, "reg", min_val=0, include_boundaries="neither")
    return a, b, M, reg


def _check_common(tol, max_iter, verbose, callback):
    tol = check_scalar(tol, "tol", min_val=0, include_boundaries="neither")
    max_iter = check_int(max_iter, "max_iter", min_val=1)
    check_callback(callback)
    return tol, max_iter, bool(verbose)


class _Support:
    """The problem restricted to the points of positive mass."""

    def __init__(self, a, b, M):
        self.n, self.m = M.shape
        self.rows = np.flatnonzero(a > 0)
        self.cols = np.flatnonzero(b > 0)
        self.full = self.rows.size == self.n and self.cols.size == self.m
        self.a = a if self.full else a[self.rows]
        self.b = b if self.full else b[self.cols]
        self.M = M if self.full else np.ascontiguousarray(M[np.ix_(self.rows, self.cols)])

    def result(self, f, g, reg, tol, *, n_sink, n_newton, hist, times, newton_flags, kernel_err):
        Ms, a, b = self.M, self.a, self.b
        ns, ms = Ms.shape
        Ps = np.empty((ns, ms))
        r, c = np.empty(ns), np.empty(ms)
        cost = _k.plan_from_potentials(Ms, f, g, reg, Ps, r, c)
        err = float(np.abs(r - a).sum() + np.abs(c - b).sum())
        total = float(r.sum())
        primal = float(f @ r + g @ c - reg * total)
        dual = float(f @ a + g @ b - reg * total)
        if self.full:
            P, F, G = Ps, f, g
        else:
            P = np.zeros((self.n, self.m))
            P[np.ix_(self.rows, self.cols)] = Ps
            F = np.full(self.n, -np.inf)
            G = np.full(self.m, -np.inf)
            F[self.rows] = f
            G[self.cols] = g
        converged = kernel_err <= tol or err <= tol
        return TransportResult(
            plan=P,
            f=F,
            g=G,
            cost=cost,
            objective=primal,
            dual_objective=dual,
            marginal_error=err,
            reg=reg,
            n_iter=n_sink + n_newton,
            n_sinkhorn_iter=n_sink,
            n_newton_iter=n_newton,
            converged=bool(converged),
            history={
                "marginal_error": np.asarray(hist, dtype=float),
                "time": np.asarray(times, dtype=float),
                "newton": np.asarray(newton_flags, dtype=bool),
            },
        )


class _Recorder:
    def __init__(self, verbose, callback, name):
        self.hist, self.times, self.newton = [], [], []
        self.t0 = time.perf_counter()
        self.verbose, self.callback, self.name = verbose, callback, name
        self.last_print = -1.0

    def add(self, errs, newton=False):
        now = time.perf_counter() - self.t0
        k = len(errs)
        if k == 0:
            return False
        prev = self.times[-1] if self.times else 0.0
        self.hist.extend(float(e) for e in errs)
        self.times.extend(prev + (now - prev) * (i + 1) / k for i in range(k))
        self.newton.extend([newton] * k)
        it = len(self.hist)
        if self.verbose and (newton or now - self.last_print > 0.5):
            self.last_print = now
            kind = "newton" if newton else "sinkhorn"
            print(f"[{self.name}] iter {it:6d} ({kind})  marginal error {self.hist[-1]:.3e}  {now:.3f} s")
        if self.callback is not None:
            info = {"iteration": it, "marginal_error": self.hist[-1], "time": now, "newton": newton}
            return bool(self.callback(info))
        return False


def _log_sweeps(S, f, g, reg, n_sweeps, tol, rec, loga, logb, buf, csum):
    """Up to n_sweeps log-domain sweeps (one at a time when a callback is set)."""
    hist = np.empty(max(n_sweeps, 1))
    done, err, stop = 0, np.inf, False
    step = 1 if rec.callback is not None else max(n_sweeps, 1)
    while done < n_sweeps and not stop:
        k = min(step, n_sweeps - done)
        it, err = _k.log_sinkhorn(S.M, S.a, loga, logb, f, g, reg, k, tol, hist, buf, csum)
        stop = rec.add(hist[:it])
        done += it
        if err <= tol:
            break
    return done, err, stop


# ---------------------------------------------------------------- sinkhorn ---


def sinkhorn(a, b, M, reg, *, tol=1e-9, max_iter=100_000, log_domain=True, verbose=False,
             callback=None):
    """Entropic optimal transport by Sinkhorn's algorithm.

    Parameters
    ----------
    a : array-like of shape (n,) or None
        Source weights (non-negative); None means uniform ``1 / n``.
    b : array-like of shape (m,) or None
        Target weights, of the same total mass as ``a`` (relative tolerance
        ``1e-6``); None means uniform ``1 / m``.
    M : array-like of shape (n, m)
        Ground cost.
    reg : float
        Entropic regularisation (> 0), in the units of ``M``.
    tol : float, default=1e-9
        Stop when ``||P 1 - a||_1 + ||P^T 1 - b||_1 <= tol``.
    max_iter : int, default=100_000
        Maximum number of sweeps (a sweep updates ``f`` then ``g``).
    log_domain : bool, default=True
        Iterate on the potentials with log-sum-exp sweeps (stable for any
        ``reg``; one exponential per entry and sweep).  ``False`` iterates on
        scalings ``u, v`` with matrix-vector products on a stabilised kernel,
        absorbing them into the potentials when they grow (faster per sweep;
        falls back to log-domain sweeps when the kernel underflows).
    verbose : bool, default=False
        Print progress lines.
    callback : callable, default=None
        Called after each sweep with a dict (``iteration``,
        ``marginal_error``, ``time``, ``newton``); returning True stops.

    Returns
    -------
    TransportResult

    See Also
    --------
    sinkhorn_newton_sparse : Sinkhorn followed by sparse Newton steps,
        much faster when Sinkhorn needs many sweeps.

    Notes
    -----
    The argument order ``(a, b, M, reg)`` and the meaning of ``reg`` are those
    of POT's ``ot.sinkhorn``.  The marginal error recorded for a sweep is that
    of the iterate entering it (after a sweep the column marginals are exact).

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.transport import sinkhorn
    >>> M = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> res = sinkhorn([0.5, 0.5], [0.5, 0.5], M, reg=0.1)
    >>> res.converged, round(res.cost, 6)
    (True, 4.5e-05)
    """
    a, b, M, reg = _check_problem(a, b, M, reg)
    tol, max_iter, verbose = _check_common(tol, max_iter, verbose, callback)
    S = _Support(a, b, M)
    ns, ms = S.M.shape
    f, g = np.zeros(ns), np.zeros(ms)
    loga, logb = np.log(S.a), np.log(S.b)
    buf, csum = np.empty(ms), np.empty(ms)
    rec = _Recorder(verbose, callback, "sinkhorn")
    if log_domain:
        n_done, err, _ = _log_sweeps(S, f, g, reg, max_iter, tol, rec, loga, logb, buf, csum)
    else:
        n_done, err, _ = _scaling_stage(S, f, g, reg, max_iter, tol, rec, loga, logb, buf, csum)
    if err > tol:
        warnings.warn(
            f"sinkhorn did not converge in {max_iter} iterations (marginal error {err:.3g} > "
            f"tol={tol:g}); increase max_iter or reg",
            ConvergenceWarning,
            stacklevel=2,
        )
    return S.result(f, g, reg, tol, n_sink=n_done, n_newton=0, hist=rec.hist, times=rec.times,
                    newton_flags=rec.newton, kernel_err=err)


class _Scaling:
    """Matrix-vector Sinkhorn on K = exp((f + g - M) / reg) with absorption."""

    def __init__(self, S, f, g, reg, loga, logb, buf, csum):
        self.S, self.f, self.g, self.reg = S, f, g, reg
        self.loga, self.logb, self.buf, self.csum = loga, logb, buf, csum
        ns, ms = S.M.shape
        self.K = np.empty((ns, ms))
        self.u, self.v = np.ones(ns), np.ones(ms)
        self.Kv, self.Ktu, self.unew = np.empty(ns), np.empty(ms), np.empty(ns)
        self.fresh = False

    def absorb(self):
        """Fold u, v into f, g and rebuild K; True if K is usable."""
        smin = _k.absorb(self.S.M, self.f, self.g, self.u, self.v, self.reg, self.K)
        self.fresh = True
        return smin > 1e-200 * self.S.a.min()

    def potentials(self):
        """Fold the scalings into f, g (K is left stale)."""
        self.f += self.reg * np.log(self.u)
        self.g += self.reg * np.log(self.v)
        self.u[:] = 1.0
        self.v[:] = 1.0

    def run(self, n_iter, tol, hist):
        """Up to n_iter sweeps; returns (sweeps, error, converged)."""
        S, done, err = self.S, 0, np.inf
        h = np.empty(1)
        while done < n_iter:
            status, it, err = _k.scaling_sinkhorn(self.K, S.a, S.b, self.u, self.v, n_iter - done,
                                                  tol, _BOUND, hist[done:], self.Kv, self.Ktu,
                                                  self.unew)
            done += it
            if status == 0:
                return done, err, True
            if status == 2:
                break
            # status 1: scalings out of range (or underflow): absorb them
            if it > 0:
                self.fresh = False
            if self.fresh or not self.absorb():
                # a fresh kernel is not enough: one log-domain sweep, then absorb
                self.potentials()
                _, e = _k.log_sinkhorn(S.M, S.a, self.loga, self.logb, self.f, self.g, self.reg, 1,
                                       0.0, h, self.buf, self.csum)
                hist[done] = e
                done += 1
                err = e
                self.absorb()
                if e <= tol:
                    return done, e, True
        return done, err, err <= tol


def _scaling_stage(S, f, g, reg, max_iter, tol, rec, loga, logb, buf, csum):
    h = np.empty(1)
    it, err = _k.log_sinkhorn(S.M, S.a, loga, logb, f, g, reg, 1, 0.0, h, buf, csum)
    stop = rec.add(h[:1])
    done = 1
    if err <= tol or stop:
        return done, err, stop
    sc = _Scaling(S, f, g, reg, loga, logb, buf, csum)
    sc.absorb()
    step = 1 if rec.callback is not None else 1000
    hist = np.empty(step + 2)
    while done < max_iter:
        k, err, conv = sc.run(min(step, max_iter - done), tol, hist)
        stop = rec.add(hist[:k])
        done += k
        if conv or stop:
            break
    sc.potentials()
    return done, err, stop


# ------------------------------------------------------------------ newton ---


class _Newton:
    """Sparsified Newton steps on the dual, with a backtracking line search."""

    def __init__(self, S, reg, eps, kmax):
        ns, ms = S.M.shape
        self.S, self.reg, self.eps, self.kmax = S, reg, eps, kmax
        self.r, self.c = np.empty(ns), np.empty(ms)
        self.buf, self.tmp = np.empty(ms), np.empty(ms)
        self.ft, self.gt = np.empty(ns), np.empty(ms)
        self.df, self.dg = np.empty(ns), np.empty(ms)
        self.rowkth = np.zeros(ns)
        self._alloc()

    def _alloc(self):
        ns = self.S.M.shape[0]
        self.indptr = np.zeros(ns + 1, dtype=np.int32)
        self.indices = np.empty(ns * self.kmax, dtype=np.int32)
        self.data = np.empty(ns * self.kmax)

    def denser(self):
        """Keep more of P (after a failed step); False when nothing more can be kept."""
        ms = self.S.M.shape[1]
        if self.eps <= 0.0 and self.kmax >= ms:
            return False
        # the mass threshold shrinks to 1e-12 of a row's mean entry, then to 0
        self.lower_threshold()
        if self.kmax < ms:
            self.kmax = min(ms, 4 * self.kmax)
            self._alloc()
        return True

    def lower_threshold(self):
        """Drop less of each row's small entries (after slow steps); the cap stays."""
        self.eps = max(self.eps * 1e-2, 1e-12) if self.eps > 1.5e-12 else 0.0

    def evaluate(self, f, g):
        """Gradient, sparsified Hessian and marginal error at (f, g)."""
        total = _k.dual_pass(self.S.M, f, g, self.reg, self.r, self.c, self.buf, self.tmp, True,
                             self.eps, self.kmax, self.indptr, self.indices, self.data, self.rowkth)
        self.total = total
        return float(np.abs(self.r - self.S.a).sum() + np.abs(self.c - self.S.b).sum())

    def step(self, f, g, err):
        """One damped Newton step from (f, g) in place; returns the new error or None."""
        S, reg = self.S, self.reg
        mass = float(S.a.sum())
        gf, gg = S.a - self.r, S.b - self.c
        theta = 1e-12 + _THETA * min(1.0, err / mass)  # gradient-proportional shift
        # Off-diagonal block: the kept entries Ps plus a rank-one u w^T that
        # spreads each row's dropped mass over the columns in proportion to
        # theirs, so that it has P's row and column sums.  The matrix then has
        # the Hessian's null direction (1, -1) exactly, its error (dropped
        # minus spread mass) is small on smooth directions too, where the
        # Hessian's eigenvalues are small, and it stays connected when the
        # kept entries alone split into blocks.
        nnz = self.indptr[-1]
        kr = np.add.reduceat(self.data[:nnz], self.indptr[:-1]) if nnz else np.zeros(len(self.r))
        kr[np.diff(self.indptr) == 0] = 0.0
        kc = np.bincount(self.indices[:nnz], weights=self.data[:nnz], minlength=len(self.c))
        u = np.maximum(self.r - kr, 0.0)
        dc = np.maximum(self.c - kc, 0.0)
        D = float(dc.sum())
        w = dc / D if D > 1e-300 * mass else np.zeros_like(dc)
        rs, cs = self.r * (1 + theta), self.c * (1 + theta)
        rtol = min(0.1, math.sqrt(err / mass))
        _k.schur_pcg(self.indptr, self.indices, self.data, u, w, rs, cs, reg * gf, reg * gg, rtol,
                     max(50, 2 * S.M.shape[1]), self.df, self.dg)
        slope = float(gf @ self.df + gg @ self.dg)
        if not (slope > 0 and np.isfinite(slope)):
            return None
        # Newton converges linearly at a rate about the dropped fraction of the
        # mass: keep more entries per row for the next steps when it is large
        ms = S.M.shape[1]
        kept = float(self.data[: self.indptr[-1]].sum())
        if self.kmax < ms and kept < (1 - 1e-2) * self.total:
            self.kmax = min(ms, 2 * self.kmax)
            self._alloc()
        t, err_t, total_t = _k.line_search(
            S.M, S.a, S.b, f, g, self.df, self.dg, reg, self.total, err, slope, 12, self.ft,
            self.gt, self.r, self.c, self.buf, self.tmp, self.eps, self.kmax, self.indptr,
            self.indices, self.data, self.rowkth)
        if t == 0.0:
            return None
        f[:] = self.ft
        g[:] = self.gt
        self.total = total_t
        return err_t


def sinkhorn_newton_sparse(a, b, M, reg, *, tol=1e-9, max_iter=1_000, sinkhorn_iter="auto",
                           density="auto", verbose=False, callback=None):
    """Entropic optimal transport by Sinkhorn-Newton-Sparse (SNS).

    Stage 1 runs Sinkhorn sweeps (matrix-vector products on a stabilised
    kernel, absorbed into the potentials when the scalings grow); stage 2
    takes Newton steps on the dual potentials with a sparsified Hessian,
    solved by preconditioned conjugate gradient, and a backtracking line search
    on the dual objective (Tang et al., 2024).

    Parameters
    ----------
    a : array-like of shape (n,) or None
        Source weights (non-negative); None means uniform ``1 / n``.
    b : array-like of shape (m,) or None
        Target weights, of the same total mass as ``a`` (relative tolerance
        ``1e-6``); None means uniform ``1 / m``.
    M : array-like of shape (n, m)
        Ground cost.
    reg : float
        Entropic regularisation (> 0), in the units of ``M``.
    tol : float, default=1e-9
        Stop when ``||P 1 - a||_1 + ||P^T 1 - b||_1 <= tol``.
    max_iter : int, default=1_000
        Maximum number of Newton steps; the Sinkhorn sweeps (stage 1 and the
        fall-back sweeps) are limited to ``100 * max_iter``.
    sinkhorn_iter : "auto" or int, default="auto"
        Sweeps of stage 1.  ``"auto"`` switches to Newton when Sinkhorn's
        measured linear rate predicts that finishing with Sinkhorn would cost
        more than the Newton stage, and stays with Sinkhorn when it converges
        fast.  With ``"auto"``, when the marginal error is still above 10% of
        the mass after 50 sweeps (Newton would then start far from the
        optimum and take many damped steps), SNS first solves the problem at
        ``3 * reg`` to a marginal error of ``1e-3`` of the mass, from the
        current potentials (recursively, at most 3 levels), and then at
        ``reg`` from that solution (reg-continuation, or eps-scaling).  An
        integer runs exactly that many sweeps, without continuation.
    density : "auto" or float, default="auto"
        Fraction of each row of P kept in the sparsified Hessian.  ``"auto"``
        keeps the whole of P (the exact Hessian) when ``n * m <= 128 ** 2``,
        and otherwise, per row, the entries above ``1e-3`` times the row's
        mean entry (so at most ``1e-3`` of the row's mass is dropped), at most
        ``min(m / 10, 20 + m / 50)`` (and at least 8) entries per row; that
        threshold shrinks by ``1e-2`` (to ``1e-12``, then to 0) whenever
        Newton stalls (the marginal error falls by less than a factor 2 over
        10 steps: the small entries it drops are then what couples the plan's
        blocks).  A float in (0, 1] keeps that fraction of each row (the
        largest entries, by selection).  In both cases the cap doubles
        whenever more than 1% of the plan's mass is dropped (Newton then
        converges only linearly) and the kept fraction grows when a Newton
        step fails.
    verbose : bool, default=False
        Print progress lines.
    callback : callable, default=None
        Called after each iteration with a dict (``iteration``,
        ``marginal_error``, ``time``, ``newton``); returning True stops.

    Returns
    -------
    TransportResult

    See Also
    --------
    sinkhorn : Sinkhorn's algorithm alone.

    Notes
    -----
    A Newton step solves ``[[diag(P 1), Q], [Q^T, diag(P^T 1)]] d = reg * grad``
    (the negated, scaled Hessian of the dual) with ``Q = Ps + u w^T``: ``Ps``
    keeps the largest entries of each row of ``P`` and the rank-one term
    spreads each row's dropped mass over the columns in proportion to theirs,
    so that ``Q`` has ``P``'s row and column sums.  The matrix thus keeps the
    Hessian's null direction ``(1, -1)`` and stays connected when the kept
    entries alone would split into blocks.  A shift of ``1e-2 * min(1, err /
    mass)`` times the diagonal is added, and the system is solved by
    Jacobi-preconditioned conjugate gradient on the Schur complement in ``g``
    (the constant vector projected out of the right-hand side), to a relative
    residual ``min(0.1, sqrt(err / mass))``.  A backtracking line search on
    the dual objective accepts the step (or, near the optimum where the
    objective's increase drowns in rounding, a decrease of the marginal
    error); if it fails, the kept density grows and Sinkhorn sweeps are
    interleaved.

    References
    ----------
    .. [1] X. Tang, M. Shavlovsky, H. Rahmanian, E. Tardini, K. K. Thekumparampil,
       T. Xiao, L. Ying, "Accelerating Sinkhorn algorithm with sparse Newton
       iterations", ICLR 2024.
    .. [2] X. Tang, Y. Qiu, "Safeguarded sparse Newton-type methods for
       entropic optimal transport", NeurIPS 2024 (SSNS).

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.transport import sinkhorn_newton_sparse
    >>> rng = np.random.default_rng(0)
    >>> M = rng.random((50, 50))
    >>> res = sinkhorn_newton_sparse(None, None, M, reg=1 / 200)
    >>> bool(res.converged), res.marginal_error < 1e-9
    (True, True)
    """
    a, b, M, reg = _check_problem(a, b, M, reg)
    tol, max_iter, verbose = _check_common(tol, max_iter, verbose, callback)
    if isinstance(sinkhorn_iter, str):
        check_option(sinkhorn_iter, "sinkhorn_iter", ("auto",))
        n1 = None
    else:
        n1 = check_int(sinkhorn_iter, "sinkhorn_iter", min_val=0)
    S = _Support(a, b, M)
    ns, ms = S.M.shape
    if isinstance(density, str):
        check_option(density, "density", ("auto",))
        if ns * ms <= _DENSE_NEWTON_SIZE:
            eps, kmax = 0.0, ms  # the exact Hessian
        else:
            eps, kmax = 1e-3, max(1, min(ms, math.ceil(0.1 * ms), 20 + math.ceil(0.02 * ms)))
            kmax = max(kmax, min(ms, 8))
    else:
        dens = check_scalar(density, "density", min_val=0, max_val=1, include_boundaries="right")
        eps, kmax = 0.0, max(1, math.ceil(dens * ms))
    f, g = np.zeros(ns), np.zeros(ms)
    loga, logb = np.log(S.a), np.log(S.b)
    buf, csum = np.empty(ms), np.empty(ms)
    rec = _Recorder(verbose, callback, "sns")
    max_sink = 100 * max_iter
    counts = [0, 0]
    err, stop = _sns_continued(S, f, g, reg, tol, max_iter, max_sink, n1, eps, kmax, rec, loga,
                               logb, buf, csum, callback, counts, _MAX_LEVELS if n1 is None else 0)
    n_sink, n_newton = counts
    if err > tol and not stop:
        warnings.warn(
            f"sinkhorn_newton_sparse did not converge (marginal error {err:.3g} > tol={tol:g} after "
            f"{n_sink} Sinkhorn sweeps and {n_newton} Newton steps); increase max_iter",
            ConvergenceWarning,
            stacklevel=2,
        )
    return S.result(f, g, reg, tol, n_sink=n_sink, n_newton=n_newton, hist=rec.hist,
                    times=rec.times, newton_flags=rec.newton, kernel_err=err)


def _sns_level(S, f, g, reg, tol, max_iter, max_sink, n1, eps, kmax, rec, loga, logb, buf, csum,
               callback, bail=False):
    """Stage 1 (Sinkhorn) and stage 2 (Newton) at one reg, from (f, g) in place."""
    mass = float(S.a.sum())
    # ---- stage 1: Sinkhorn
    h = np.empty(1)
    _, err = _k.log_sinkhorn(S.M, S.a, loga, logb, f, g, reg, 1, 0.0, h, buf, csum)
    t_pass = np.inf
    stop = rec.add(h[:1])
    n_sink, n_newton = 1, 0
    if err > tol and not stop:
        sc = _Scaling(S, f, g, reg, loga, logb, buf, csum)
        sc.K.fill(0.0)  # touch the pages, so that the timing below is of the pass alone
        t0 = time.perf_counter()
        sc.absorb()
        t_pass = time.perf_counter() - t0  # one exp pass over M: the unit of a Newton step's cost
        chunk = 1 if callback is not None else 10
        hist = np.empty(max(chunk, 1) + 2)
        budget = max_sink if n1 is None else min(max(n1 - 1, 0), max_sink)
        errs = [err]
        t_sweep = None
        while n_sink < 1 + budget and err > tol and not stop:
            t0 = time.perf_counter()
            k, err, conv = sc.run(min(chunk, 1 + budget - n_sink), tol, hist)
            dt = time.perf_counter() - t0
            stop = rec.add(hist[:k])
            n_sink += k
            errs.extend(hist[:k])
            if conv or k == 0:
                break
            t_sweep = dt / k if t_sweep is None else 0.8 * t_sweep + 0.2 * dt / k
            if bail and n_sink >= _BAIL_SWEEPS and err > _BAIL_ERR * mass:
                sc.potentials()
                return err, n_sink, 0, stop, True
            if n1 is None and len(errs) > 20 and err < 0.1 * mass:
                # the rate over the last half of the sweeps (early rates are pessimistic)
                w = min(len(errs) // 2, 100)
                rate = (errs[-1] / errs[-1 - w]) ** (1.0 / w) if errs[-1 - w] > 0 else 0.0
                remaining = math.log(tol / err) / math.log(rate) if 0 < rate < 1 else np.inf
                # the Newton stage costs about 60 exp passes (10-20 steps, each
                # a line-search pass plus conjugate gradient on the kept entries)
                if remaining * t_sweep > 60 * t_pass:
                    break
        sc.potentials()
        del sc

    # ---- stage 2: Newton
    if err > tol and not stop:
        nt = _Newton(S, reg, eps, kmax)
        err = nt.evaluate(f, g)
        fails = 0
        nerrs = [err]  # errors since the last change of the drop threshold
        while n_newton < max_iter and err > tol and not stop:
            new = nt.step(f, g, err)
            if new is not None:
                n_newton += 1
                # Newton on the exact Hessian gains about a factor e per step
                # or more; a stall means that the dropped small entries matter
                # (they carry the plan's weak couplings): keep more of them
                nerrs.append(new)
                if len(nerrs) > _STALL_STEPS and new > _STALL_RATIO * nerrs[-1 - _STALL_STEPS]:
                    nt.lower_threshold()
                    nerrs = [new]
                err = new
                stop = rec.add([err], newton=True)
                fails = 0
                continue
            # the step failed: keep more of P, and take a few Sinkhorn sweeps
            fails += 1
            nt.denser()
            # after 20 failures in a row, finish with Sinkhorn sweeps alone
            k = min(20 if fails <= 20 else max_sink, max_sink - n_sink)
            if k <= 0:
                break
            done, err, stop = _log_sweeps(S, f, g, reg, k, tol, rec, loga, logb, buf, csum)
            n_sink += done
            if err > tol:
                err = nt.evaluate(f, g)
        del nt
    return err, n_sink, n_newton, stop, False


def _sns_continued(S, f, g, reg, tol, max_iter, max_sink, n1, eps, kmax, rec, loga, logb, buf,
                   csum, callback, counts, levels):
    """SNS at reg from (f, g), with reg-continuation when Sinkhorn is slow.

    When the marginal error is still above ``_BAIL_ERR`` of the mass after
    ``_BAIL_SWEEPS`` sweeps (the potentials are far from the optimum, where
    Newton takes many damped steps), the problem is first solved at
    ``_CONT_FACTOR * reg`` to ``_CONT_TOL`` of the mass from the current
    potentials (recursively, at most ``levels`` times), and then at reg from
    that solution (eps-scaling).
    """
    bail = levels > 0
    err, ds, dn, stop, bailed = _sns_level(S, f, g, reg, tol, max_iter, max_sink, n1, eps, kmax,
                                           rec, loga, logb, buf, csum, callback, bail)
    counts[0] += ds
    counts[1] += dn
    if bailed and not stop:
        mass = float(S.a.sum())
        _, stop = _sns_continued(S, f, g, _CONT_FACTOR * reg, max(tol, _CONT_TOL * mass),
                                 max_iter, max_sink, n1, eps, kmax, rec, loga, logb, buf, csum,
                                 callback, counts, levels - 1)
        if not stop:
            err, ds, dn, stop, _ = _sns_level(S, f, g, reg, tol, max_iter, max_sink, n1, eps,
                                              kmax, rec, loga, logb, buf, csum, callback, False)
            counts[0] += ds
            counts[1] += dn
    return err, stop
