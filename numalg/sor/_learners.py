"""Online learners of the relaxation parameter across a sequence of systems.

:class:`BanditSOR` plays Tsallis-INF (or a structured variant) over a grid of
omegas; :class:`ContextualBanditSOR` uses a scalar context per system (ChebCB
or one Tsallis-INF per context bin).  Both observe only the iteration count of
the solve they made.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from .._validation import check_array, check_int, check_option, check_random_state, check_scalar
from . import _sweeps
from ._solvers import _check_rhs, _sor_system, _ssor_cg_system, _System

__all__ = ["BanditSOR", "ContextualBanditSOR", "tsallis_inf_distribution"]

_DEFAULT_GRID = (1.0, 1.95, 20)


def tsallis_inf_distribution(losses, eta):
    """FTRL with the 1/2-Tsallis regulariser: ``p_i = 4 / (eta (L_i - x))^2``.

    ``p = argmin_p <p, L> - (4 / eta) sum_i sqrt(p_i)`` over the simplex; the
    normaliser ``x < min L`` solves ``sum_i p_i(x) = 1`` and is found by
    Newton's method started to the right of the root (where the sum is
    >= 1); the sum is increasing and convex in ``x``, so the iterates
    decrease monotonically to the root.

    Parameters
    ----------
    losses : ndarray of shape (K,)
        Cumulative loss estimates.
    eta : float
        Learning rate (> 0).

    Returns
    -------
    p : ndarray of shape (K,)
        Probabilities summing to one.
    """
    L = np.ascontiguousarray(losses, dtype=np.float64)
    p = np.empty_like(L)
    _sweeps.tsallis_probabilities(L - L.min(), float(eta), p)
    return p


def _draw(rng, p):
    """Inverse-CDF draw of an index from the distribution p."""
    c = np.cumsum(p)
    return min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), p.size - 1)


def _default_grid(omegas):
    if omegas is None:
        return np.linspace(*_DEFAULT_GRID)
    grid = check_array(omegas, "omegas", ndim=1)
    if np.any(grid <= 0) or np.any(grid >= 2):
        raise ValueError("omegas must all lie in the open interval (0, 2)")
    return grid


class _TsallisState:
    """Tsallis-INF over K arms on losses normalised by their running mean.

    The loss of an instance is its iteration count minus one; the cumulative
    estimates are kept in iterations and divided by the running mean of the
    observed losses when the distribution is formed (as in the paper's code);
    ``eta_t = c / sqrt(t)``.

    ``estimator="iw"`` is the paper's importance-weighted estimate: the
    played arm's estimate grows by ``loss / p_arm``.  ``"rv"`` is the
    reduced-variance estimate of Zimmert & Seldin (2021),
    ``B_i + 1[arm = i] (loss - B_i) / p_i``, with the baseline ``B`` a moving
    average of the recent losses (the running mean for the first 20, then an
    exponential average over about 20 instances, which follows a drifting
    cost level).  As theirs, the baseline is used only for arms whose FTRL
    probability is ``q_i >= eta_t^2``: an estimate below the baseline is
    ``>= -B / q_i``, which then moves the arm's FTRL potential
    ``q_i^(-1/2)`` by at most ``B / (2 scale)`` times itself, so a cheap
    instance cannot throw a rarely played arm to the top.  Both estimates
    are unbiased; the baseline removes the common cost level from the
    variance of the frequently played arms.
    """

    def __init__(self, K, c, estimator="rv"):
        self.K = K
        self.c = c
        self.estimator = estimator
        self.cum = np.zeros(K)  # cumulative loss estimates, in iterations
        self.t = 0
        self.loss_sum = 0.0
        self.level = 0.0  # moving average of the losses (the rv baseline)
        self.q = np.full(K, 1.0 / K)  # FTRL distribution last formed
        self.eta = c

    def scale(self):
        return max(self.loss_sum / max(self.t, 1), 1e-12) if self.t else 1.0

    def distribution(self):
        self.eta = self.c / np.sqrt(self.t + 1)
        self.q = tsallis_inf_distribution(self.cum / self.scale(), self.eta)
        return self.q

    def update(self, arm, loss, prob):
        if self.estimator == "rv" and self.t:
            B = self.level
            use = self.q >= self.eta**2
            self.cum[use] += B
            self.cum[arm] += (loss - (B if use[arm] else 0.0)) / prob
        else:
            self.cum[arm] += loss / prob
        self.t += 1
        self.loss_sum += loss
        rate = max(1.0 / self.t, 0.05)
        self.level += rate * (loss - self.level)


class _BanditBase(BaseEstimator):
    """Shared machinery: solver dispatch, history, reset, pickling."""

    def _check_common(self):
        grid = _default_grid(self.omegas)
        check_option(self.solver, "solver", ("sor", "ssor_cg"))
        check_scalar(self.tol, "tol", min_val=0.0, include_boundaries="neither")
        if self.max_iter is not None:
            check_int(self.max_iter, "max_iter", min_val=1)
        lr = self.learning_rate
        if isinstance(lr, str):
            check_option(lr, "learning_rate", ("auto",))
        elif not isinstance(lr, numbers.Real) or isinstance(lr, bool) or not lr > 0:
            raise ValueError(f"learning_rate must be 'auto' or a positive float, got {lr!r}")
        return grid

    def reset(self):
        """Forget everything learned (and re-seed from ``random_state``).

        Returns
        -------
        self : object
        """
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("__")]:
            delattr(self, attr)
        for attr in ("_rng", "_omegas_played", "_iters", "_state"):
            self.__dict__.pop(attr, None)
        return self

    def _solve_with(self, A, b, x0, omega):
        system = _System(A)
        b, x = _check_rhs(b, x0, system.n)
        max_iter = self.max_iter
        if self.solver == "sor":
            return _sor_system(system, b, x, omega, self.tol, 10_000 if max_iter is None else max_iter, "forward")
        system.check_spd()
        return _ssor_cg_system(system, b, x, omega, self.tol, 10 * system.n if max_iter is None else max_iter)

    def _check_fitted(self):
        if not hasattr(self, "n_instances_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance has not solved any system yet; call solve first."
            )

    def _record(self, omega, n_iter):
        self._omegas_played.append(float(omega))
        self._iters.append(int(n_iter))
        self.n_instances_ = len(self._iters)

    @property
    def history_(self):
        """``{"omega": ndarray, "n_iter": ndarray}``: what was played and what it cost."""
        self._check_fitted()
        return {"omega": np.asarray(self._omegas_played), "n_iter": np.asarray(self._iters, dtype=np.int64)}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


class BanditSOR(_BanditBase):
    """Learn SOR's relaxation parameter online with a multi-armed bandit.

    For each system of a sequence, :meth:`solve` draws ``omega`` from a grid,
    solves with :func:`sor` or :func:`ssor_cg`, and updates its distribution
    from the iteration count alone (no extra matrix work).  ``"tsallis"`` is
    the paper's Tsallis-INF: follow-the-regularised-leader with the
    1/2-Tsallis entropy on importance-weighted losses (iterations over their
    running mean), normaliser by Newton's method, ``eta_t = 2 / sqrt(t)``;
    its regret against the best fixed omega grows like ``sqrt(K T)``.  By
    default the loss estimates are the reduced-variance ones of Zimmert &
    Seldin (2021): the played arm's loss enters relative to a baseline (a
    moving average of recent costs), which removes the common cost level
    from the estimates' variance (``estimator="importance_weighted"`` is the
    paper's plain estimate).

    ``"structured"`` (the default) exploits that the expected iteration
    count is a smooth, unimodal function of omega: it plays the minimiser of
    a lower confidence
    bound on a kernel-smoothed estimate of the mean cost over the grid (so
    an observation informs neighbouring arms; the bandwidth shrinks as data
    accumulate), mixed with the Tsallis-INF distribution with weight
    ``0.3 t^(-2/3)``.  Each cost enters the model relative to a slow moving
    average of recent costs, so that an arm tried while the systems were easy
    (a drifting sequence) does not look better than it is, and the model's
    counts and sums are discounted by 0.999 per instance (as in discounted
    UCB, a memory of about 1000 instances), so that after a change of regime
    old data cannot keep it on an arm that has become bad.  Tsallis-INF is
    updated with the actual sampling probabilities, so its estimates stay
    unbiased.

    Parameters
    ----------
    omegas : array-like of shape (K,), default=None
        The grid of relaxation parameters, each in (0, 2);
        ``np.linspace(1, 1.95, 20)`` when None.
    solver : {"sor", "ssor_cg"}, default="sor"
    strategy : {"tsallis", "structured"}, default="structured"
        ``"tsallis"``: the paper's Tsallis-INF alone; ``"structured"``: the
        smoothed lower-confidence-bound model mixed with Tsallis-INF (the
        default: 0.94-1.10x the best fixed omega on every sequence measured,
        where Tsallis-INF alone needs thousands of instances to get near).
    estimator : {"reduced_variance", "importance_weighted"}, default="reduced_variance"
        Tsallis-INF's loss estimate: with a moving-average baseline (used for
        the arms with ``p_i >= eta_t^2``, as Zimmert & Seldin) or the
        paper's ``loss / p`` on the played arm.  Both are unbiased.
    tol : float, default=1e-8
        Relative residual tolerance of each solve.
    max_iter : int, default=None
        Iteration cap of each solve (10 000 for SOR, 10 n for SSOR-CG).
    learning_rate : "auto" or float, default="auto"
        ``c`` in ``eta_t = c / sqrt(t)``; "auto" is 2 (the paper's).
    random_state : int, Generator or None, default=None

    Attributes
    ----------
    omegas_ : ndarray of shape (K,)
        The grid.
    weights_ : ndarray of shape (K,)
        Cumulative importance-weighted loss estimates (Tsallis-INF's state),
        normalised by the running mean cost.
    probabilities_ : ndarray of shape (K,)
        The sampling distribution of the next instance.
    best_omega_ : float
        The arm with the lowest estimated cost so far.
    history_ : dict
        ``{"omega": ndarray, "n_iter": ndarray}`` per instance.
    n_instances_ : int
        Instances solved.

    See Also
    --------
    ContextualBanditSOR : Uses a scalar context per system.

    References
    ----------
    M. Khodak, E. Chow, M.-F. Balcan, A. Talwalkar, "Learning to Relax:
    Setting Solver Parameters Across a Sequence of Linear System Instances",
    ICLR 2024, arXiv:2310.02246.

    J. Zimmert, Y. Seldin, "Tsallis-INF: An Optimal Algorithm for Stochastic
    and Adversarial Bandits", JMLR 22(28), 2021.

    Examples
    --------
    >>> from numalg.sor import BanditSOR
    >>> from numalg.sor.problems import shifted_laplacian_sequence
    >>> bandit = BanditSOR(random_state=0)
    >>> for A, b, c in shifted_laplacian_sequence(20, random_state=0):
    ...     res = bandit.solve(A, b)
    >>> bandit.n_instances_, bool(res.converged)
    (20, True)
    >>> round(float(bandit.probabilities_.sum()), 6)
    1.0
    """

    # structured strategy: LCB width factor, Tsallis mixing weight gamma t^-gpow,
    # smallest kernel bandwidth (grid steps), moving-average rate of the cost level,
    # discount of the model's statistics (a memory of ~1000 instances)
    _beta = 0.3
    _gamma = 0.3
    _gpow = 2.0 / 3.0
    _hmin = 0.6
    _ema = 0.02
    _discount = 0.999

    def __init__(
        self,
        *,
        omegas=None,
        solver="sor",
        strategy="structured",
        estimator="reduced_variance",
        tol=1e-8,
        max_iter=None,
        learning_rate="auto",
        random_state=None,
    ):
        self.omegas = omegas
        self.solver = solver
        self.strategy = strategy
        self.estimator = estimator
        self.tol = tol
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _init_state(self):
        grid = self._check_common()
        check_option(self.strategy, "strategy", ("tsallis", "structured"))
        check_option(self.estimator, "estimator", ("reduced_variance", "importance_weighted"))
        K = grid.size
        self.omegas_ = grid
        c = 2.0 if self.learning_rate == "auto" else float(self.learning_rate)
        self._state = _TsallisState(K, c, "rv" if self.estimator == "reduced_variance" else "iw")
        self._rng = check_random_state(self.random_state)
        self._omegas_played, self._iters = [], []
        self._counts = np.zeros(K)
        self._sums = np.zeros(K)
        self._sumsq = np.zeros(K)
        self._level = 0.0
        self._kernels = {}
        self.weights_ = np.zeros(K)
        self.probabilities_ = self._next_distribution()

    # -- structured strategy -------------------------------------------------
    def _smoothed(self):
        """Kernel-smoothed mean cost, effective counts, pooled std (normalised)."""
        K = self.omegas_.size
        t = self._counts.sum()  # the instances seen, discounted
        scale = max(self._sums.sum() / max(t, 1e-12), 1e-12)
        h = round(max(self._hmin, 3.0 / np.sqrt(1.0 + t / 40.0)), 2)  # bandwidth in grid steps
        W = self._kernels.get(h)
        if W is None:
            idx = np.arange(K)
            W = self._kernels[h] = np.exp(-0.5 * ((idx[:, None] - idx[None, :]) / h) ** 2)
        n_eff = W @ self._counts
        mean = (W @ self._sums) / np.maximum(n_eff, 1e-12) / scale
        pulled = self._counts > 0
        if pulled.sum() >= 1 and self._state.t > 1:
            n = np.maximum(self._counts, 1e-12)
            var_arm = np.where(pulled, self._sumsq / n - (self._sums / n) ** 2, 0.0)
            sigma = np.sqrt(max(np.sum(var_arm * self._counts) / max(t, 1e-12), 0.0)) / scale
        else:
            sigma = 1.0
        return mean, n_eff, max(sigma, 0.05)

    def _next_distribution(self):
        q = self._state.distribution()
        if self.strategy == "tsallis" or self._state.t == 0:
            return q
        t = self._state.t
        mean, n_eff, sigma = self._smoothed()
        self._last_mean = mean
        lcb = mean - self._beta * sigma * np.sqrt(2.0 * np.log(t + 1.0) / np.maximum(n_eff, 1e-3))
        greedy = int(np.argmin(lcb))
        gamma = min(0.5, self._gamma / t ** self._gpow)
        p = gamma * q
        p[greedy] += 1.0 - gamma
        return p

    def solve(self, A, b, x0=None):
        """Draw omega, solve ``A x = b``, and learn from the iteration count.

        Parameters
        ----------
        A : {array-like, sparse matrix} of shape (n, n)
        b : array-like of shape (n,)
        x0 : array-like of shape (n,), default=None
            Warm start.

        Returns
        -------
        result : SolveResult
        """
        if not hasattr(self, "omegas_"):
            self._init_state()
        p = self.probabilities_
        arm = _draw(self._rng, p)
        omega = float(self.omegas_[arm])
        res = self._solve_with(A, b, x0, omega)
        self.update(arm, res.n_iter, prob=p[arm])
        return res

    def update(self, arm, n_iter, *, prob=None):
        """Learn from one observed cost: ``n_iter`` iterations with arm ``arm``.

        :meth:`solve` calls this; call it directly to drive the learner with
        an external solver (draw the arm from ``probabilities_``).

        Parameters
        ----------
        arm : int
            Index into ``omegas_``.
        n_iter : int
            The observed iteration count.
        prob : float, default=None
            The probability with which ``arm`` was drawn
            (``probabilities_[arm]`` when None).

        Returns
        -------
        self : object
        """
        if not hasattr(self, "omegas_"):
            self._init_state()
        arm = check_int(arm, "arm", min_val=0, max_val=self.omegas_.size - 1)
        n_iter = check_int(n_iter, "n_iter", min_val=0)
        prob = float(self.probabilities_[arm]) if prob is None else float(prob)
        prob = max(prob, 1e-12)  # an arm played off-policy must not divide by zero
        loss = max(n_iter - 1.0, 0.0)
        self._state.update(arm, loss, prob)
        # the structured model sees each cost relative to the recent level
        # (an exponential moving average), so that an arm tried while the
        # systems were easy does not look better than it is
        level = self._level if self._level > 0 else max(loss, 1.0)
        rel = loss / level
        self._level = (1 - self._ema) * level + self._ema * max(loss, 1e-3)
        if self._discount < 1.0:
            for stat in (self._counts, self._sums, self._sumsq):
                stat *= self._discount
        self._counts[arm] += 1
        self._sums[arm] += rel
        self._sumsq[arm] += rel * rel
        self._record(self.omegas_[arm], n_iter)
        self.weights_ = self._state.cum / self._state.scale()
        self.probabilities_ = self._next_distribution()
        if self.strategy == "structured":
            mean = self._last_mean
            self.best_omega_ = float(self.omegas_[int(np.argmin(mean))])
        else:
            self.best_omega_ = float(self.omegas_[int(np.argmin(self.weights_))])
        return self


class ContextualBanditSOR(_BanditBase):
    """Learn omega as a function of a scalar context (a shift, a time step).

    ``"chebcb"`` (the paper's ChebCB): for each arm, a least-squares
    regression of the normalised cost (iterations over their running mean)
    on the Chebyshev polynomials ``T_0 .. T_degree`` of the context rescaled
    to ``[-1, 1]``; the next arm is drawn by inverse-gap weighting,
    ``p_a = 1 / (K + eta_t (yhat_a - yhat_min))`` for the non-greedy arms with
    ``eta_t = c sqrt(K t)``.  ``"binned"``: an independent Tsallis-INF per
    context bin (``n_bins`` equal bins of ``context_range``), with the
    reduced-variance loss estimates of :class:`BanditSOR`.

    Parameters
    ----------
    omegas : array-like of shape (K,), default=None
        ``np.linspace(1, 1.95, 20)`` when None.
    solver : {"sor", "ssor_cg"}, default="sor"
    method : {"chebcb", "binned"}, default="chebcb"
    degree : int, default=5
        Highest Chebyshev degree (ChebCB).
    n_bins : int, default=5
        Number of context bins (binned).
    context_range : (float, float), default=None
        Range of the contexts; when None, the range seen so far (the
        regressions are refitted from the stored data when it widens).
    tol : float, default=1e-8
    max_iter : int, default=None
    learning_rate : "auto" or float, default="auto"
        ``c`` in ``eta_t`` (ChebCB: ``c sqrt(K t)``, "auto" is 30; binned:
        Tsallis-INF's ``c / sqrt(t)``, "auto" is 2).
    random_state : int, Generator or None, default=None

    Attributes
    ----------
    omegas_ : ndarray of shape (K,)
    weights_ : ndarray
        ChebCB: regression coefficients, shape (K, degree + 1); binned:
        Tsallis-INF loss estimates, shape (n_bins, K).
    probabilities_ : ndarray of shape (K,)
        The distribution used for the last instance.
    best_omega_ : float
        The best arm at the last context.
    history_ : dict
        ``{"omega", "n_iter", "context"}`` per instance.
    n_instances_ : int

    Examples
    --------
    >>> from numalg.sor import ContextualBanditSOR
    >>> from numalg.sor.problems import shifted_laplacian_sequence
    >>> cb = ContextualBanditSOR(context_range=(-0.15, 0.45), random_state=0)
    >>> for A, b, c in shifted_laplacian_sequence(20, random_state=0):
    ...     res = cb.solve(A, b, c)
    >>> cb.n_instances_, cb.weights_.shape
    (20, (20, 6))
    """

    def __init__(
        self,
        *,
        omegas=None,
        solver="sor",
        method="chebcb",
        degree=5,
        n_bins=5,
        context_range=None,
        tol=1e-8,
        max_iter=None,
        learning_rate="auto",
        random_state=None,
    ):
        self.omegas = omegas
        self.solver = solver
        self.method = method
        self.degree = degree
        self.n_bins = n_bins
        self.context_range = context_range
        self.tol = tol
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _init_state(self):
        grid = self._check_common()
        check_option(self.method, "method", ("chebcb", "binned"))
        check_int(self.degree, "degree", min_val=0)
        check_int(self.n_bins, "n_bins", min_val=1)
        if self.context_range is not None:
            lo, hi = check_array(self.context_range, "context_range", ndim=1, shape=(2,))
            if not hi > lo:
                raise ValueError(f"context_range must be (low, high) with low < high, got {tuple(self.context_range)}")
            self._range = (float(lo), float(hi))
        else:
            self._range = None
        K = grid.size
        self.omegas_ = grid
        self._rng = check_random_state(self.random_state)
        self._omegas_played, self._iters, self._contexts, self._arms = [], [], [], []
        if self.method == "chebcb":
            m = self.degree + 1
            self._G = np.zeros((K, m, m))
            self._theta_raw = np.zeros((K, m))
            self._h = np.zeros((K, m))
            self._loss_sum = 0.0
            self.weights_ = np.zeros((K, m))
        else:
            c = 2.0 if self.learning_rate == "auto" else float(self.learning_rate)
            self._bins = [_TsallisState(K, c) for _ in range(self.n_bins)]
            self.weights_ = np.zeros((self.n_bins, K))
        self.probabilities_ = np.full(K, 1.0 / K)

    def _scaled(self, context):
        lo, hi = self._range
        return float(np.clip(2.0 * (context - lo) / (hi - lo) - 1.0, -1.0, 1.0)) if hi > lo else 0.0

    def _features(self, z):
        """Chebyshev features T_0..T_degree of scalar(s) z, shape (len(z), degree + 1)."""
        z = np.atleast_1d(np.asarray(z, dtype=np.float64))
        F = np.empty((z.size, self.degree + 1))
        F[:, 0] = 1.0
        if self.degree >= 1:
            F[:, 1] = z
        for k in range(2, self.degree + 1):
            F[:, k] = 2.0 * z * F[:, k - 1] - F[:, k - 2]
        return F

    def _solve_arm(self, a):
        m = self._h.shape[1]
        self._theta_raw[a] = np.linalg.solve(self._G[a] + 1e-3 * np.eye(m), self._h[a])

    def _refit_all(self):
        self._G[:] = 0.0
        self._h[:] = 0.0
        self._theta_raw[:] = 0.0
        if not self._arms:
            return
        arms = np.asarray(self._arms)
        z = np.array([self._scaled(c) for c in self._contexts])
        F = self._features(z)
        y = np.maximum(np.asarray(self._iters, dtype=float) - 1.0, 0.0)
        for a in np.unique(arms):
            sel = arms == a
            self._G[a] = F[sel].T @ F[sel]
            self._h[a] = F[sel].T @ y[sel]
            self._solve_arm(a)

    def _theta(self):
        """Ridge coefficients (lambda = 1e-3) of each arm, on costs over their running mean."""
        scale = max(self._loss_sum / max(len(self._iters), 1), 1e-12) if self._iters else 1.0
        return self._theta_raw / scale

    def _update_range(self, context):
        if self.context_range is not None:
            return
        if self._range is None:
            self._range = (context, context)
            return
        lo, hi = self._range
        if context < lo or context > hi:
            self._range = (min(lo, context), max(hi, context))
            if self.method == "chebcb":
                self._refit_all()

    def _bin(self, context):
        lo, hi = self._range
        if not hi > lo:
            return 0
        k = int((context - lo) / (hi - lo) * self.n_bins)
        return min(max(k, 0), self.n_bins - 1)

    def _distribution(self, context):
        K = self.omegas_.size
        if self.method == "binned":
            return self._bins[self._bin(context)].distribution()
        t = len(self._iters)
        yhat = self._features(self._scaled(context))[0] @ self._theta().T
        star = int(np.argmin(yhat))
        c = 30.0 if self.learning_rate == "auto" else float(self.learning_rate)
        eta = c * np.sqrt(K * (t + 1))
        p = 1.0 / (K + eta * (yhat - yhat[star]))
        p[star] = 0.0
        p[star] = 1.0 - p.sum()
        return p

    def solve(self, A, b, context, x0=None):
        """Draw omega given ``context``, solve ``A x = b``, learn from the cost.

        Parameters
        ----------
        A : {array-like, sparse matrix} of shape (n, n)
        b : array-like of shape (n,)
        context : float
            A scalar describing the system (e.g. a diagonal shift, a
            diffusion coefficient, a time).
        x0 : array-like of shape (n,), default=None
            Warm start.

        Returns
        -------
        result : SolveResult
        """
        if not hasattr(self, "omegas_"):
            self._init_state()
        context = check_scalar(context, "context")
        self._update_range(context)
        p = self._distribution(context)
        arm = _draw(self._rng, p)
        omega = float(self.omegas_[arm])
        res = self._solve_with(A, b, x0, omega)
        self.probabilities_ = p
        self._learn(arm, res.n_iter, p[arm], context)
        return res

    def _learn(self, arm, n_iter, prob, context):
        loss = max(n_iter - 1.0, 0.0)
        self._contexts.append(context)
        self._arms.append(arm)
        self._record(self.omegas_[arm], n_iter)
        if self.method == "binned":
            st = self._bins[self._bin(context)]
            st.update(arm, loss, prob)
            self.weights_ = np.stack([s.cum / s.scale() for s in self._bins])
            self.best_omega_ = float(self.omegas_[int(np.argmin(st.cum / st.scale()))])
        else:
            f = self._features(self._scaled(context))[0]
            self._G[arm] += np.outer(f, f)
            self._h[arm] += f * loss
            self._solve_arm(arm)
            self._loss_sum += loss
            self.weights_ = self._theta()
            self.best_omega_ = float(self.omegas_[int(np.argmin(f @ self.weights_.T))])

    @property
    def history_(self):
        """``{"omega", "n_iter", "context"}``: what was played, what it cost, where."""
        self._check_fitted()
        return {
            "omega": np.asarray(self._omegas_played),
            "n_iter": np.asarray(self._iters, dtype=np.int64),
            "context": np.asarray(self._contexts),
        }

    def reset(self):
        """Forget everything learned (and re-seed from ``random_state``).

        Returns
        -------
        self : object
        """
        super().reset()
        for attr in ("_contexts", "_arms", "_G", "_h", "_loss_sum", "_bins", "_range"):
            self.__dict__.pop(attr, None)
        return self
