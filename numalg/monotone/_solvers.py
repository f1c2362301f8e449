"""Solvers: Halpern, variance-reduced Halpern, and the EG / EAG / VR-EG baselines."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from .._results import IterativeResult
from .._validation import check_array, check_callback, check_option, check_random_state, check_scalar
from . import _kernels
from ._problems import BilinearQP, FiniteSumOperator, MatrixGame, _Problem

__all__ = ["MonotoneResult", "GameResult", "solve", "solve_matrix_game", "METHODS"]

METHODS = ("vr_halpern", "halpern", "extragradient", "anchored_extragradient", "vr_extragradient")

_OPTIONS = {
    "halpern": {"operator": "auto", "restart": True, "step_scale": 1.0, "reflect": True,
                "primal_weight": "auto"},
    "vr_halpern": {
        "variant": "auto",
        "restart": True,
        "batch_fraction": None,
        "step_scale": 1.0,
        "inner_scale": 0.2,
        "c_scale": 1.0,
        "fused": True,
        "step": None,
        "c": None,
        "snapshot": "inner",
        "warm_start": True,
    },
    "extragradient": {"step_scale": 0.9, "step": None},
    "anchored_extragradient": {"step_scale": 0.5, "step": None},
    "vr_extragradient": {"batch_fraction": None, "step_scale": 0.99, "step": None},
}


@dataclass(frozen=True, kw_only=True, repr=False)
class MonotoneResult(IterativeResult):
    """Result of :func:`solve`.

    Attributes
    ----------
    u : ndarray of shape (dim,)
        The returned iterate: the last certified one (the best certified one
        when the budget ran out).
    residual : float
        ``||u - J_{eta G}(u - eta F(u))|| / eta`` with ``eta = 1/L`` at ``u``.
    gap : float
        Duality gap at ``u`` (matrix games); nan where undefined.
    n_epochs : float
        Oracle work in epochs (one epoch = one full evaluation of ``F``),
        including the evaluations that certified the residual.
    time : float
        Wall-clock seconds.
    method : str
    n_iter : int
        Outer iterations.
    converged : bool
    history : dict of str to ndarray
        ``epochs``, ``residual``, ``gap``, ``time`` at every certified iterate.
    """

    u: np.ndarray
    residual: float
    gap: float
    n_epochs: float
    time: float
    method: str


@dataclass(frozen=True, kw_only=True, repr=False)
class GameResult(MonotoneResult):
    """Result of :func:`solve_matrix_game`: a :class:`MonotoneResult` with the strategies.

    Attributes
    ----------
    x : ndarray of shape (m,)
        The row player's (minimiser's) mixed strategy.
    y : ndarray of shape (n,)
        The column player's (maximiser's) mixed strategy.
    value : float
        ``x^T A y``, within ``gap`` of the value of the game.
    """

    x: np.ndarray
    y: np.ndarray
    value: float


class _Stop(Exception):
    pass


class _Monitor:
    """Certifies iterates, records the history, tracks the best iterate, enforces the budget."""

    def __init__(self, problem, oracle, tol, gap_tol, max_epochs, verbose, callback):
        self.problem, self.oracle = problem, oracle
        self.tol, self.gap_tol, self.max_epochs = tol, gap_tol, max_epochs
        self.verbose, self.callback = verbose, callback
        self.eta = 1.0 / problem.lipschitz
        self.t0 = time.perf_counter()
        self.hist = {"epochs": [], "residual": [], "gap": [], "time": []}
        self.best = (np.inf, np.nan, None)
        self.converged = False
        self.diverged = False
        self.last_print = -np.inf
        self.n_iter = 0
        self.last = None

    def check(self, u, Fu, n_iter):
        """Certify u (F(u) given); return True to stop."""
        self.n_iter = n_iter
        p = self.oracle.prox_step(u - self.eta * Fu, self.eta)
        res = float(np.linalg.norm(u - p) / self.eta)
        gap = self.problem._gap_from(u, Fu) if not isinstance(self.problem, FiniteSumOperator) else np.nan
        t = time.perf_counter() - self.t0
        ep = self.oracle.work
        h = self.hist
        h["epochs"].append(ep)
        h["residual"].append(res)
        h["gap"].append(gap)
        h["time"].append(t)
        self.last = res
        if not np.isfinite(res):
            self.diverged = True
            return True
        if res <= self.best[0]:
            self.best = (res, gap, u.copy())
        if self.gap_tol is not None:
            self.converged = bool(gap <= self.gap_tol)
        else:
            self.converged = res <= self.tol
        if self.converged:
            self.best = (res, gap, u.copy())
        if self.verbose and (self.converged or t - self.last_print >= 0.5):
            self.last_print = t
            print(f"iter {n_iter:7d}  epochs {ep:10.2f}  residual {res:.3e}  gap {gap:.3e}  time {t:.2f}s")
        stop = self.converged
        if self.callback is not None:
            info = {"n_iter": n_iter, "n_epochs": ep, "residual": res, "gap": gap, "u": u, "Fu": Fu,
                    "time": t}
            if self.callback(info):
                stop = True
        return stop

    def budget_left(self):
        return self.oracle.work < self.max_epochs


# --------------------------------------------------------------------------- helpers


def _halpern_lambda(k):
    return 1.0 / (k + 2.0)


def _combine(lam, u0, v):
    return lam * u0 + (1.0 - lam) * v


# --------------------------------------------------------------------------- deterministic methods


def _run_extragradient(problem, oracle, mon, u0, opts, rng, anchored):
    L = oracle.L
    tau = opts["step_scale"] / L if opts["step"] is None else float(opts["step"])
    z = u0.copy()
    Fz = oracle.full(z)
    k = 0
    while True:
        if mon.check(z, Fz, k) or not mon.budget_left():
            return
        if anchored:
            lam = _halpern_lambda(k)
            base = _combine(lam, u0, z)
        else:
            base = z
        zh = oracle.prox_step(base - tau * Fz, tau)
        Fzh = oracle.full(zh)
        z = oracle.prox_step(base - tau * Fzh, tau)
        Fz = oracle.full(z)
        k += 1


class _Restarter:
    """Adaptive restarts of Halpern's anchor (the criteria of restarted Halpern PDHG / PDLP).

    Restart when the residual has halved since the last anchor; or when it is
    below 0.8 of the anchor's and went up since the previous check (progress
    stalled); or when the current run is longer than 0.36 of all iterations
    so far and at least 16 checks (the artificial criterion).
    """

    def __init__(self, enabled, res):
        self.enabled = bool(enabled)
        self.anchor_res = self.prev = res
        self.since = 0
        self.total = 0

    def __call__(self, res):
        self.total += 1
        self.since += 1
        if not self.enabled:
            return False
        ratio = res / self.anchor_res if self.anchor_res > 0 else 0.0
        due = (ratio <= 0.5 or (ratio <= 0.8 and res > self.prev)
               or (self.since >= 16 and self.since >= 0.36 * self.total))
        self.prev = res
        if due:
            self.anchor_res = res
            self.since = 0
        return due


def _run_halpern(problem, oracle, mon, u0, opts, rng):
    operator = opts["operator"]
    if operator == "auto":
        if oracle.cocoercive:
            operator = "forward_backward"
        elif oracle.linear and _is_bilinear(oracle):
            operator = "pdhg"
        else:
            operator = "resolvent"
    if operator == "pdhg":
        if not oracle.linear or not _is_bilinear(oracle):
            raise ValueError(
                "operator='pdhg' needs a bilinear problem (a MatrixGame, or a BilinearQP with diagonal H)"
            )
        return _run_halpern_pdhg(problem, oracle, mon, u0, opts)
    L = oracle.L
    anchor = u0.copy()
    u = u0.copy()
    k = 0
    it = 0
    if operator == "forward_backward":
        eta = opts["step_scale"] / L
        while True:
            Fu = oracle.full(u)
            if mon.check(u, Fu, it) or not mon.budget_left():
                return
            if it == 0:
                restarter = _Restarter(opts["restart"], mon.last)
            elif restarter(mon.last):
                anchor, k = u.copy(), 0
            v = oracle.prox_step(u - eta * Fu, eta)
            u = _combine(_halpern_lambda(k), anchor, v)
            k += 1
            it += 1
    # inexact resolvent J_{c(F+G)} by an inner extragradient loop, with the
    # strongly monotone part (z - u) + cG handled in the backward step.  The
    # certified iterate is the resolvent point z_k, whose residual is at most
    # ||u_k - z_k|| / c (plus the inner error).
    c = opts["step_scale"] / L
    tau = 0.9 / max(1.0, c * L)  # tau * c * L < 1
    eta_b = tau * c / (1.0 + tau)
    Fu = oracle.full(u)
    F_anchor = Fu
    if mon.check(u, Fu, it):
        return
    restarter = _Restarter(opts["restart"], mon.last)
    while mon.budget_left():
        z, Fz = u, Fu
        first = None
        for j in range(100):
            zh = oracle.prox_step((z + tau * u - tau * c * Fz) / (1.0 + tau), eta_b)
            Fzh = oracle.full(zh)
            z_new = oracle.prox_step((z + tau * u - tau * c * Fzh) / (1.0 + tau), eta_b)
            step = np.linalg.norm(z_new - z)
            z = z_new
            Fz = oracle.full(z)
            if first is None:
                first = step
            if step <= first / (k + 2.0) or not mon.budget_left():
                break
        it += 1
        if mon.check(z, Fz, it):
            return
        if restarter(mon.last):
            anchor, F_anchor, u, Fu, k = z.copy(), Fz, z.copy(), Fz, 0
            continue
        lam = _halpern_lambda(k)
        u = _combine(lam, anchor, z)
        Fu = _combine(lam, F_anchor, Fz) if oracle.linear else oracle.full(u)
        k += 1


def _is_bilinear(oracle):
    """Whether PDHG applies: M = [[D, B], [C, 0]] with D diagonal (its prox is explicit)."""
    X, Y = oracle.blocks
    x_ok = all(p.row_off >= X.stop for p in X.pieces) or getattr(oracle, "h_diag", None) is not None
    return x_ok and all(p.row_off + p.rows <= Y.start for p in Y.pieces)


def _block_matvec(oracle, block, v):
    out = np.zeros(oracle.d)
    oracle.block_matvec_into(block, v, out)
    oracle.work += block.nnz / oracle.nnz
    return out


def _run_halpern_pdhg(problem, oracle, mon, u0, opts):
    """Halpern on the PDHG operator T (firmly nonexpansive in the PDHG metric).

    With ``reflect`` (default) the iteration runs on ``2T - I``, twice as
    fast in practice (restarted Halpern PDHG, Lu & Yang 2024).  The certified
    iterate is ``T(u_k)``, which is always feasible; its operator value comes
    for free by linearity, so one iteration costs one epoch.
    """
    X, Y = oracle.blocks
    sx, sy = slice(X.start, X.stop), slice(Y.start, Y.stop)
    L = oracle.L
    weight = opts.get("primal_weight", "auto")
    # games: both blocks are simplices of the same size, and the balance of the steps stays at 1
    # (on the policeman-and-burglar game the adaptive weight runs away to 1e-4 and stalls)
    adaptive = isinstance(weight, str) and not isinstance(problem, MatrixGame)
    omega = 1.0 if isinstance(weight, str) else float(weight)
    eta = 0.99 * opts["step_scale"] / L
    tau, sigma = eta / omega, eta * omega
    c = oracle.c
    reflect = opts.get("reflect", True)
    D = getattr(oracle, "h_diag", None)
    anchor = u0.copy()
    F_anchor = oracle.full(anchor)
    u, Fu = anchor.copy(), F_anchor.copy()
    k = it = 0
    if mon.check(u, Fu, it):
        return
    restarter = _Restarter(opts["restart"], mon.last)
    while mon.budget_left():
        Tu = np.empty_like(u)
        if D is None:
            Tu[sx] = u[sx] - tau * Fu[sx]
        else:  # prox of the diagonal quadratic 1/2 x^T D x: F_x - D x = B y - h
            Tu[sx] = (u[sx] - tau * (Fu[sx] - D * u[sx])) / (1.0 + tau * D)
        _prox_block(oracle, Tu, sx)
        FT = _block_matvec(oracle, X, Tu[sx])  # y-rows: F_y(x+) - c_y
        FT[sy] += c[sy]
        Tu[sy] = u[sy] - sigma * (2.0 * FT[sy] - Fu[sy])
        _prox_block(oracle, Tu, sy)
        FT += _block_matvec(oracle, Y, Tu[sy])
        FT[sx] += c[sx]
        it += 1
        if mon.check(Tu, FT, it):
            return
        if restarter(mon.last):
            if adaptive:
                # PDLP's primal weight: balance the distances the two blocks moved since the last
                # restart (smoothed in the log domain), omega ~ ||dy|| / ||dx||
                dx = np.linalg.norm(Tu[sx] - anchor[sx])
                dy = np.linalg.norm(Tu[sy] - anchor[sy])
                if dx > 1e-10 and dy > 1e-10:
                    omega = float(np.exp(0.5 * np.log(dy / dx) + 0.5 * np.log(omega)))
                    tau, sigma = eta / omega, eta * omega
            anchor, F_anchor, u, Fu, k = Tu, FT, Tu.copy(), FT.copy(), 0
            continue
        lam = _halpern_lambda(k)
        if reflect:
            u = _combine(lam, anchor, 2.0 * Tu - u)
            Fu = _combine(lam, F_anchor, 2.0 * FT - Fu)
        else:
            u = _combine(lam, anchor, Tu)
            Fu = _combine(lam, F_anchor, FT)
        k += 1


def _prox_block(oracle, v, sl):
    """Project, in place, the blocks of v that lie inside the slice sl."""
    for start, stop, kind, params in oracle.prox.blocks:
        if start >= sl.start and stop <= sl.stop:
            seg = v[start:stop]
            if kind == "simplex":
                _kernels.proj_simplex(seg, seg, params)
            else:
                _kernels.proj_box(seg, seg, params[0], params[1])


# --------------------------------------------------------------------------- stochastic methods


def _default_fraction(oracle, opts):
    f = opts.get("batch_fraction")
    if f is None:
        f = 1.0 / np.sqrt(oracle.n_components)
    else:
        f = check_scalar(f, "batch_fraction", min_val=0, max_val=1, include_boundaries="right")
    oracle.set_batch(f)
    return f


def _run_vr_extragradient(problem, oracle, mon, u0, opts, rng):
    """Loopless VR-EG (Alacaoglu & Malitsky 2022) with importance sampling."""
    f = _default_fraction(oracle, opts)
    p = max(oracle.batch_work, 1.0 / oracle.n_components)
    p = min(p, 1.0)
    alpha = 1.0 - p
    L_tot = np.hypot(oracle.L, oracle.var_L)
    tau = opts["step_scale"] * np.sqrt(p) / L_tot
    tau = min(tau, opts["step_scale"] / oracle.L)
    if opts["step"] is not None:
        tau = float(opts["step"])
    z = u0.copy()
    w = z.copy()
    Fw = oracle.full(w)
    it = 0
    if mon.check(w, Fw, it):
        return
    while mon.budget_left():
        zbar = alpha * z + (1.0 - alpha) * w
        zh = oracle.prox_step(zbar - tau * Fw, tau)
        g = Fw.copy()
        oracle.est_diff(zh, w, g)
        z = oracle.prox_step(zbar - tau * g, tau)
        it += 1
        if rng.random() < p:
            w = z.copy()
            Fw = oracle.full(w)
            if mon.check(w, Fw, it):
                return


def _run_vr_halpern(problem, oracle, mon, u0, opts, rng):
    variant = opts["variant"]
    if variant == "auto":
        variant = "cocoercive" if oracle.cocoercive else "lipschitz"
    if variant == "cocoercive":
        return _run_vr_halpern_cocoercive(problem, oracle, mon, u0, opts, rng)
    return _run_vr_halpern_lipschitz(problem, oracle, mon, u0, opts, rng)


def _run_vr_halpern_cocoercive(problem, oracle, mon, u0, opts, rng):
    """Algorithm 1: Halpern on the forward-backward map with a PAGE/SARAH estimator."""
    f = _default_fraction(oracle, opts)
    n = oracle.n_components
    sqn = np.sqrt(n)
    eta = opts["step_scale"] / np.hypot(oracle.L, oracle.var_L)
    if opts["step"] is not None:
        eta = float(opts["step"])
    anchor = u0.copy()
    u = u0.copy()
    g = oracle.full(u)
    k = it = 0
    if mon.check(u, g, it):
        return
    restarter = _Restarter(opts["restart"], mon.last)
    while mon.budget_left():
        lam = 2.0 / (k + 4.0)
        v = oracle.prox_step(u - eta * g, eta)
        u_new = _combine(lam, anchor, v)
        if k < 1:
            p = 1.0
        elif k + 1 <= sqn:
            p = 4.0 / (k + 5.0)
        else:
            p = 4.0 / (sqn + 5.0)
        k += 1
        it += 1
        if rng.random() < p:
            g = oracle.full(u_new)
            u = u_new
            if mon.check(u, g, it):
                return
            if restarter(mon.last):
                anchor, k = u.copy(), 0
        else:
            oracle.est_diff(u_new, u, g)
            u = u_new


def _vr_halpern_constants(oracle, opts):
    n = oracle.n_components
    L = oracle.L
    c = opts["c_scale"] * np.sqrt(n) / oracle.L_avg
    c = max(c, 1.0 / L)
    p = min(1.0, max(oracle.batch_work, 1.0 / n))
    L_tot = np.hypot(L, oracle.var_L)
    gamma = opts["step_scale"] * np.sqrt(p * (1.0 - p)) / (c * L_tot) if p < 1 else 0.5 / (c * L)
    gamma = min(gamma, 0.5 / (c * L))
    if opts["c"] is not None:
        c = float(opts["c"])
        gamma = min(gamma, 0.5 / (c * L))
    if opts["step"] is not None:
        gamma = float(opts["step"])
    contraction = min(p, gamma / (1.0 + gamma))
    return c, p, gamma, contraction


def _run_vr_halpern_game(problem, oracle, mon, u0, opts, rng):
    """Algorithm 2 for matrix games with the inner VR-FoRB loop compiled (``_kernels.game_forb``)."""
    _default_fraction(oracle, opts)
    G = oracle.game
    by, bx = oracle.blocks[0].batch, oracle.blocks[1].batch
    c, p, gamma, contraction = _vr_halpern_constants(oracle, opts)
    alpha = 1.0 - p
    anchor = u0.copy()
    u = u0.copy()
    Fu = oracle.full(u)
    z, w, w_prev, Fw = u.copy(), u.copy(), u.copy(), Fu.copy()
    k = it = 0
    if mon.check(u, Fu, it):
        return
    restarter = _Restarter(opts["restart"], mon.last)
    while mon.budget_left():
        M = int(np.ceil(opts["inner_scale"] * np.log(k + 2.0) / contraction))
        if not opts["warm_start"]:
            z[:] = u
        rand = rng.random(M * (bx + by))
        coin = rng.random(M)
        touched, nref = _kernels.game_forb(*G.args, G.c0, u, z, w, w_prev, Fw, M, bx, by,
                                           alpha, gamma, c, p, rand, coin)
        oracle.work += touched / oracle.nnz + nref
        # certify z_k; the full evaluation is also the next warm start's snapshot
        Fz = oracle.full(z)
        w[:] = z
        w_prev[:] = z
        Fw[:] = Fz
        it += 1
        if mon.check(z, Fz, it):
            return
        if restarter(mon.last):
            anchor, u, k = z.copy(), z.copy(), 0
            continue
        u = _combine(_halpern_lambda(k), anchor, z)
        k += 1


def _run_vr_halpern_lipschitz(problem, oracle, mon, u0, opts, rng):
    """Algorithm 2: inexact Halpern on J_{c(F+G)}, resolvents by loopless VR-FoRB (Algorithm 3)."""
    if getattr(oracle, "game", None) is not None and opts.get("fused", True) and opts["snapshot"] == "inner":
        return _run_vr_halpern_game(problem, oracle, mon, u0, opts, rng)
    _default_fraction(oracle, opts)
    c, p, gamma, contraction = _vr_halpern_constants(oracle, opts)
    eta_b = gamma * c / (1.0 + gamma)  # step of G inside J_{gamma B}, B(z) = z - u + c G(z)
    alpha = 1.0 - p

    anchor = u0.copy()
    u = u0.copy()
    Fu = oracle.full(u)
    F_anchor = Fu.copy()
    # the inner solver's state carries over between outer iterations (warm start)
    z = u.copy()
    w = u.copy()
    w_prev = w
    Fw = Fu.copy()
    k = it = 0
    if mon.check(u, Fu, it):
        return
    restarter = _Restarter(opts["restart"], mon.last)
    outer = opts["snapshot"] == "outer"
    while mon.budget_left():
        M = int(np.ceil(opts["inner_scale"] * np.log(k + 2.0) / contraction))
        if not opts["warm_start"]:
            # start at u_k: with few inner steps the anchor's pull then stays in z_k
            z = u.copy()
        if outer:
            # the snapshot is the outer point u (as in the authors' scripts): F(u) by linearity from
            # the anchor's and z's values where F is linear, else one full evaluation
            w = w_prev = u
            if k > 0:  # (at k = 0, u is the start or the restart point, whose F is Fw already)
                Fw = _combine(lam, F_anchor, Fz) if oracle.linear else oracle.full(u)
        for _ in range(M):
            zbar = alpha * z + (1.0 - alpha) * w
            g = Fw.copy()
            oracle.est_diff(z, w_prev, g)
            # Phi(z) = z - u + c F(z): the identity part goes into the backward step
            v = zbar - gamma * c * g
            z = oracle.prox_step((v + gamma * u) / (1.0 + gamma), eta_b)
            if outer:
                continue
            w_prev = w
            if rng.random() < p:
                w = z.copy()
                Fw = oracle.full(w)
        # final refresh at the approximate resolvent z_k: it certifies z_k (whose residual is
        # at most ||u_k - z_k|| / c up to the inner error) and is the next warm start's snapshot
        w = z.copy()
        w_prev = w
        Fw = oracle.full(w)
        Fz = Fw
        it += 1
        if mon.check(z, Fw, it):
            return
        if restarter(mon.last):
            anchor, F_anchor, u, k = z.copy(), Fw.copy(), z.copy(), 0
            continue
        lam = _halpern_lambda(k)
        u = _combine(lam, anchor, z)
        k += 1


_RUNNERS = {
    "halpern": _run_halpern,
    "vr_halpern": _run_vr_halpern,
    "extragradient": lambda *a: _run_extragradient(*a, anchored=False),
    "anchored_extragradient": lambda *a: _run_extragradient(*a, anchored=True),
    "vr_extragradient": _run_vr_extragradient,
}


# --------------------------------------------------------------------------- public functions


def solve(
    problem,
    *,
    method="vr_halpern",
    tol=1e-6,
    gap_tol=None,
    max_epochs=1000,
    random_state=None,
    verbose=False,
    callback=None,
    u0=None,
    **options,
):
    """Solve the monotone inclusion ``0 in F(u) + G(u)`` of a problem.

    The stopping test and the reported accuracy use the computable operator
    residual at the returned iterate,

    ``residual(u) = ||u - J_{eta G}(u - eta F(u))|| / eta``  with  ``eta = 1/L``,

    ``L = problem.lipschitz``; it is zero exactly at solutions.  For matrix
    games the duality gap is reported too, and ``gap_tol`` stops on it
    instead.  Work is counted in epochs: one epoch is one full evaluation of
    ``F`` (for matrices, one product with every stored entry); a sampled
    column costs its share.

    Parameters
    ----------
    problem : MatrixGame, BilinearQP or FiniteSumOperator
    method : {"vr_halpern", "halpern", "extragradient", "anchored_extragradient", \
"vr_extragradient"}, default="vr_halpern"
        - ``"vr_halpern"``: variance-reduced Halpern (Cai, Alacaoglu &
          Diakonikolas 2024).  Variant ``"cocoercive"`` (Algorithm 1, chosen
          for cocoercive problems): Halpern on the forward-backward map with
          a PAGE/SARAH estimator, minibatches of about ``sqrt(n)``.  Variant
          ``"lipschitz"`` (Algorithm 2, otherwise): inexact Halpern on the
          resolvent ``J_{c(F+G)}`` with ``c = sqrt(n) / L_avg``, each
          resolvent computed by loopless VR-FoRB (Algorithm 3), warm-started.
        - ``"halpern"``: deterministic Halpern, ``lambda_k = 1/(k+2)``, on the
          forward-backward map for cocoercive problems, on the (reflected)
          PDHG operator for matrix games and bilinear QPs with diagonal
          ``H``, and otherwise on ``J_{(F+G)/L}`` computed by an
          inner extragradient loop.
        - ``"extragradient"``, ``"anchored_extragradient"`` (EAG, Yoon & Ryu
          2021), ``"vr_extragradient"`` (loopless, Alacaoglu & Malitsky 2022):
          baselines.
    tol : float, default=1e-6
        Stop when the residual is at most ``tol``.
    gap_tol : float, default=None
        Stop when the duality gap is at most ``gap_tol`` instead (games only).
    max_epochs : float, default=1000
        Budget of oracle work, in epochs.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the sampling of the stochastic methods.
    verbose : bool, default=False
        Print progress lines (iteration, epochs, residual, gap, time).
    callback : callable, default=None
        ``callback(info) -> bool`` called at every certified iterate with a
        dict (``n_iter``, ``n_epochs``, ``residual``, ``gap``, ``u``, ``Fu``
        (the operator's value ``F(u)``), ``time``); returning True stops.
    u0 : array-like of shape (dim,), default=None
        Starting point (the anchor of Halpern's iteration).  Default: uniform
        strategies for games, the projection of zero for QPs; required for a
        :class:`FiniteSumOperator`.
    **options
        Method-specific settings: ``restart`` (bool, default True, halpern
        and vr_halpern: adaptive restarts of the anchor, chiefly when the
        residual has halved since the last anchor; ``restart=False`` gives
        the plain iteration with its worst-case guarantee), ``reflect``
        (bool, default True, halpern on the PDHG operator: iterate on
        ``2T - I``), ``operator`` (halpern: "auto", "forward_backward",
        "resolvent", "pdhg"), ``variant`` (vr_halpern: "auto",
        "cocoercive", "lipschitz"), ``batch_fraction`` (fraction of the
        components sampled per step; default ``1/sqrt(n)``), ``step_scale``,
        ``inner_scale`` and ``c_scale`` (multipliers of the default steps,
        inner iteration counts and resolvent parameter), ``step`` and ``c``
        (absolute values that replace the defaults: the step of EG, EAG,
        VR-EG, Algorithm 1 and of Algorithm 2's inner loop, and Algorithm 2's
        resolvent parameter; no safeguard applies to them), ``primal_weight``
        (halpern on the PDHG operator: ``"auto"``, PDLP's adaptive balance of
        the two blocks' steps at restarts for bilinear QPs and 1 for matrix
        games, or a fixed float ``omega``: steps ``eta / omega`` for x and
        ``eta * omega`` for y), ``fused`` (vr_halpern on
        games: the compiled inner loop, default True), ``snapshot``
        (vr_halpern, Algorithm 2: ``"inner"``, default, refreshes the inner
        loop's reference point to the inner iterate with probability ``p``;
        ``"outer"`` keeps it at the outer point ``u_k`` for the whole inner
        loop, as the authors' scripts do, which needs no refreshes; it runs
        the Python inner loop), ``warm_start`` (vr_halpern, Algorithm 2,
        default True: each inner loop starts at the previous resolvent
        point; False: at the outer point ``u_k``, as in the paper and the
        authors' scripts, which keeps the anchor's pull in the iterates when
        the inner loops are short).

    Returns
    -------
    MonotoneResult

    Warns
    -----
    ConvergenceWarning
        When the budget runs out first; the best certified iterate is returned.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.monotone import MatrixGame, solve
    >>> A = np.array([[0.0, 1.0, -1.0], [-1.0, 0.0, 1.0], [1.0, -1.0, 0.0]])
    >>> res = solve(MatrixGame(A), method="halpern", tol=1e-8, restart=True)
    >>> res.converged, bool(res.gap < 1e-6)
    (True, True)
    >>> np.round(res.u[:3], 4)
    array([0.3333, 0.3333, 0.3333])
    """
    if not isinstance(problem, _Problem):
        raise TypeError(
            "problem must be a MatrixGame, BilinearQP or FiniteSumOperator, "
            f"got {type(problem).__name__}"
        )
    method = check_option(method, "method", METHODS)
    tol = check_scalar(tol, "tol", min_val=0, include_boundaries="neither")
    if gap_tol is not None:
        gap_tol = check_scalar(gap_tol, "gap_tol", min_val=0, include_boundaries="neither")
        if not isinstance(problem, MatrixGame):
            raise ValueError("gap_tol is only defined for a MatrixGame")
    max_epochs = check_scalar(max_epochs, "max_epochs", min_val=0, include_boundaries="neither")
    check_callback(callback)
    opts = dict(_OPTIONS[method])
    for key, value in options.items():
        if key not in opts:
            allowed = ", ".join(sorted(opts)) or "none"
            raise TypeError(f"unknown option {key!r} for method={method!r}; allowed: {allowed}")
        opts[key] = value
    if "operator" in options:
        check_option(opts["operator"], "operator", ("auto", "forward_backward", "resolvent", "pdhg"))
    if "variant" in options:
        check_option(opts["variant"], "variant", ("auto", "cocoercive", "lipschitz"))
    if "warm_start" in options and not isinstance(opts["warm_start"], (bool, np.bool_)):
        raise TypeError(f"warm_start must be a bool, got {type(opts['warm_start']).__name__}")
    if "snapshot" in options:
        check_option(opts["snapshot"], "snapshot", ("inner", "outer"))
    if isinstance(options.get("primal_weight"), str):
        check_option(opts["primal_weight"], "primal_weight", ("auto",))
    elif options.get("primal_weight") is not None:
        opts["primal_weight"] = check_scalar(opts["primal_weight"], "primal_weight", min_val=0,
                                             include_boundaries="neither")
    for key in ("step", "c"):
        if options.get(key) is not None:
            opts[key] = check_scalar(opts[key], key, min_val=0, include_boundaries="neither")
    for key in ("step_scale", "inner_scale", "c_scale"):
        if key in options:
            opts[key] = check_scalar(opts[key], key, min_val=0, include_boundaries="neither")
    rng = check_random_state(random_state)

    if isinstance(problem, FiniteSumOperator):
        if u0 is None:
            raise ValueError("u0 (the starting point) is required for a FiniteSumOperator")
        u0 = check_array(u0, "u0", ndim=1, copy=True)
        problem._set_dim(u0.shape[0])
        oracle = problem._oracle(u0.shape[0])
        oracle.full(u0)  # validates the component's output shape
        oracle.work = 0.0
    else:
        if u0 is None:
            u0 = problem.initial_point()
        else:
            u0 = check_array(u0, "u0", ndim=1, shape=(problem.dim,), copy=True)
        oracle = problem._oracle()
        u0 = oracle.prox_step(u0, 1.0 / problem.lipschitz)
    oracle.rng = rng
    u0 = np.array(u0, dtype=np.float64)
    mon = _Monitor(problem, oracle, tol, gap_tol, max_epochs, verbose, callback)
    _RUNNERS[method](problem, oracle, mon, u0, opts, rng)
    elapsed = time.perf_counter() - mon.t0
    res, gap, u = mon.best
    if u is None:  # nothing finite was certified
        u = u0
        res = gap = np.nan
    if mon.diverged:
        warnings.warn(
            f"{method} diverged (non-finite residual after {oracle.work:.1f} epochs); "
            "returning the best certified iterate",
            ConvergenceWarning,
            stacklevel=2,
        )
    elif not mon.converged:
        target = f"gap {gap_tol:g}" if gap_tol is not None else f"residual {tol:g}"
        warnings.warn(
            f"{method} did not reach {target} within max_epochs={max_epochs:g} "
            f"(best residual {res:.3g}); returning the best certified iterate",
            ConvergenceWarning,
            stacklevel=2,
        )
    history = {key: np.asarray(val, dtype=np.float64) for key, val in mon.hist.items()}
    fields = dict(
        u=u, residual=float(res), gap=float(gap), n_epochs=float(oracle.work), time=elapsed,
        method=method, n_iter=int(mon.n_iter), converged=bool(mon.converged), history=history,
    )
    if isinstance(problem, MatrixGame):
        x, y = problem.split(u)
        return GameResult(x=x.copy(), y=y.copy(), value=problem.value(x, y), **fields)
    return MonotoneResult(**fields)


def solve_matrix_game(A, **kwargs):
    """Solve ``min_{x in simplex} max_{y in simplex} x^T A y``.

    A shortcut for ``solve(MatrixGame(A), **kwargs)``; see :func:`solve` for
    the keyword arguments.

    Parameters
    ----------
    A : {array-like, sparse matrix} of shape (m, n)
        Payoff matrix (the row player pays ``x^T A y``).
    **kwargs
        Passed to :func:`solve` (``method``, ``tol``, ``gap_tol``, ...).

    Returns
    -------
    GameResult
        With the strategies ``x``, ``y``, the ``value`` ``x^T A y`` and the
        duality ``gap``, which bounds how far ``value`` is from the game's value.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.monotone import solve_matrix_game
    >>> res = solve_matrix_game(np.array([[2.0, -1.0], [-1.0, 1.0]]), method="halpern",
    ...                         gap_tol=1e-9, restart=True)
    >>> round(res.value, 6)
    0.2
    """
    return solve(MatrixGame(A), **kwargs)
