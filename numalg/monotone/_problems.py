"""Problems: matrix games, bilinear QPs and user-defined finite sums.

Every problem describes the inclusion ``0 in F(u) + G(u)`` with
``F = (1/n) sum_i F_i`` monotone and Lipschitz and ``G`` the normal cone of a
simple set (simplices, boxes) or zero.  Besides its public methods each
problem builds an internal *oracle* for the solvers: full evaluations of
``F``, unbiased sampled estimates of differences ``F(u) - F(w)``, the
resolvent of ``G``, and a counter of the work done, in epochs (one epoch is
the cost of one full evaluation of ``F``).
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._validation import check_array, check_int, check_matrix, check_scalar
from . import _kernels

__all__ = ["MatrixGame", "BilinearQP", "FiniteSumOperator"]


# --------------------------------------------------------------------------- resolvents of G


class _Prox:
    """Block-separable projection: a list of (start, stop, kind, params)."""

    def __init__(self, blocks):
        self.blocks = [b for b in blocks if b[2] is not None]

    def __call__(self, v, out=None):
        out = np.array(v, dtype=np.float64, copy=True) if out is None else out
        if out is not v:
            out[...] = v
        for start, stop, kind, params in self.blocks:
            seg = out[start:stop]
            if kind == "simplex":
                _kernels.proj_simplex(seg, seg, params)
            else:
                _kernels.proj_box(seg, seg, params[0], params[1])
        return out


# --------------------------------------------------------------------------- oracles


class _Piece:
    """Columns of one matrix P placed at rows [row_off, row_off + P.shape[0]) of M, times sign."""

    def __init__(self, P, row_off, sign):
        self.row_off = row_off
        self.rows = P.shape[0]
        self.sign = float(sign)
        if sp.issparse(P):
            csc = sp.csc_array(P)
            csc.sum_duplicates()
            csc.sort_indices()
            self.csc = csc
            self.indptr = csc.indptr.astype(np.intc, copy=False)
            self.indices = csc.indices.astype(np.intc, copy=False)
            self.data = np.ascontiguousarray(csc.data, dtype=np.float64)
            self.mat = None
            self.colsq = np.asarray(csc.multiply(csc).sum(axis=0)).ravel()
            self.colnnz = np.diff(self.indptr).astype(np.float64)
        else:
            # P as given, in any memory layout: full products are BLAS calls on it
            self.mat = np.asarray(P, dtype=np.float64)
            self.csc = None
            self.colsq = np.einsum("ij,ij->j", self.mat, self.mat)
            self.colnnz = np.full(self.mat.shape[1], float(self.rows))
        self._cols = None

    @property
    def cols(self):
        """The columns of a dense P as the rows of a C-contiguous array (None if P is sparse).

        Only sampled column gathers need it (a column of a C-ordered P is strided:
        gathering it costs 11-15x a contiguous row per entry).  It is made on
        first use and kept: a copy of P unless P is Fortran-ordered (e.g. the
        transpose of a C-ordered array), so methods that never sample (Halpern,
        EAG, EG, PDHG) hold no copy.
        """
        if self.mat is None:
            return None
        if self._cols is None:
            self._cols = np.ascontiguousarray(self.mat.T)
        return self._cols

    def matvec_into(self, v, out):
        """out[rows] += sign * P @ v."""
        seg = out[self.row_off:self.row_off + self.rows]
        if self.mat is not None:
            seg += self.sign * (self.mat @ v)
        else:
            seg += self.sign * (self.csc @ v)

    def rmatvec_into(self, w, out):
        """out += sign * P.T @ w[rows]."""
        seg = w[self.row_off:self.row_off + self.rows]
        if self.mat is not None:
            out += self.sign * (self.mat.T @ seg)
        else:
            out += self.sign * (self.csc.T @ seg)

    def gather_into(self, idx, coef, out):
        """out[rows] += sign * sum_s coef[s] P[:, idx[s]]."""
        seg = out[self.row_off:self.row_off + self.rows]
        c = coef if self.sign == 1.0 else coef * self.sign
        if self.mat is not None:
            _kernels.gather_dense(self.cols, idx, c, seg)
        else:
            _kernels.gather_csc(self.indptr, self.indices, self.data, idx, c, seg)


class _Block:
    """The columns of M for one block of input coordinates [start, stop)."""

    def __init__(self, start, stop, pieces, correction=None):
        self.start, self.stop = start, stop
        self.pieces = [p for p in pieces if p is not None]
        # exact low-rank terms added to full products only (sampled estimates skip them)
        self.correction = correction
        size = stop - start
        self.colsq = np.zeros(size)
        self.colnnz = np.zeros(size)
        for p in self.pieces:
            self.colsq += p.colsq
            self.colnnz += p.colnnz
        self.fro2 = float(self.colsq.sum())
        self.nnz = float(self.colnnz.sum())
        self.batch = 0
        self.exact = self.fro2 == 0.0
        if not self.exact:
            self.q = self.colsq / self.fro2
            self.cdf = np.cumsum(self.colsq)
            self.qpos = np.where(self.q > 0, self.q, 1.0)

    def set_batch(self, fraction):
        size = self.stop - self.start
        self.batch = max(1, int(np.ceil(fraction * size)))
        self.exact = self.fro2 == 0.0 or self.batch >= size
        if self.exact:
            self.batch = size
        self._idx = np.empty(self.batch, dtype=np.intp)


class _LinearOracle:
    """F(u) = M u + c with M given by column blocks; importance sampling of columns.

    Work is counted in touched entries of M divided by the entries of M (one
    epoch = one full product ``M @ u``).
    """

    linear = True

    def __init__(self, blocks, c, prox, lipschitz, n_components, cocoercive=False):
        self.blocks = blocks
        self.c = np.asarray(c, dtype=np.float64)
        self.d = self.c.shape[0]
        self.prox = prox
        self.L = float(lipschitz)
        self.n_components = int(n_components)
        self.cocoercive = cocoercive
        self.nnz = sum(b.nnz for b in blocks) or 1.0
        self.fro = float(np.sqrt(sum(b.fro2 for b in blocks)))
        self.work = 0.0
        self.rng = None
        self.set_batch(1.0 / np.sqrt(self.n_components))

    # -- batch size and the constants that depend on it
    def set_batch(self, fraction):
        fraction = float(min(1.0, max(fraction, 0.0)))
        self.fraction = fraction
        var = 0.0
        self.batch_work = 0.0
        for b in self.blocks:
            b.set_batch(fraction)
            if b.exact:
                self.batch_work += b.nnz
            else:
                var = max(var, b.fro2 / b.batch)
                self.batch_work += b.batch * b.nnz / (b.stop - b.start)
        self.batch_work /= self.nnz
        # E||est - M delta||^2 <= var_L^2 ||delta||^2 ; E||est||^2 <= (L^2 + var_L^2) ||delta||^2
        self.var_L = float(np.sqrt(var))
        # mean-square Lipschitz constant of a single sampled component
        self.L_avg = max(self.fro, self.L)

    def matvec(self, u):
        out = np.zeros(self.d)
        for b in self.blocks:
            self.block_matvec_into(b, u[b.start:b.stop], out)
        return out

    def block_matvec_into(self, b, v, out):
        for p in b.pieces:
            p.matvec_into(v, out)
        if b.correction is not None:
            b.correction(v, out)

    def rmatvec(self, w):
        out = np.zeros(self.d)
        for b in self.blocks:
            seg = out[b.start:b.stop]
            for p in b.pieces:
                p.rmatvec_into(w, seg)
        return out

    def prox_step(self, v, eta):
        """J_{eta G}(v) = the projection (independent of eta); works in place on v."""
        return self.prox(v, v)

    def full(self, u):
        self.work += 1.0
        out = self.matvec(u)
        out += self.c
        return out

    def est_diff(self, u, w, out=None):
        """An unbiased estimate of F(u) - F(w) = M (u - w), added to ``out``."""
        delta = u - w
        out = np.zeros(self.d) if out is None else out
        rng = self.rng
        work = 0.0
        for b in self.blocks:
            dseg = delta[b.start:b.stop]
            if b.exact:
                for p in b.pieces:
                    p.matvec_into(dseg, out)
                work += b.nnz
                continue
            idx = b._idx
            _kernels.sample_cdf(b.cdf, rng.random(b.batch), idx)
            coef = dseg[idx] / (b.batch * b.qpos[idx])
            for p in b.pieces:
                p.gather_into(idx, coef, out)
            work += float(b.colnnz[idx].sum())
        self.work += work / self.nnz
        return out


class _CallableOracle:
    """F(u) = mean_i component(u, [i]) with uniform sampling."""

    linear = False

    def __init__(self, problem, d):
        self.problem = problem
        self.component = problem.component
        self.n = problem.n_components
        self.n_components = self.n
        self.d = d
        self.L = problem.lipschitz
        self.L_avg = problem.lipschitz
        self.cocoercive = problem.cocoercive
        self._res = problem.resolvent_fn
        self.work = 0.0
        self.rng = None
        self._all = np.arange(self.n)
        self.set_batch(1.0 / np.sqrt(self.n))

    def set_batch(self, fraction):
        self.fraction = float(min(1.0, max(fraction, 0.0)))
        self.batch = max(1, int(np.ceil(self.fraction * self.n)))
        self.batch_work = 2.0 * self.batch / self.n
        self.var_L = self.L_avg / np.sqrt(self.batch)

    def _eval(self, u, idx):
        return self.problem._components(u, idx)

    def full(self, u):
        self.work += 1.0
        return self._eval(u, self._all).mean(axis=0)

    def est_diff(self, u, w, out=None):
        idx = self.rng.integers(0, self.n, size=self.batch)
        est = (self._eval(u, idx) - self._eval(w, idx)).mean(axis=0)
        self.work += 2.0 * self.batch / self.n
        if out is None:
            return est
        out += est
        return out

    def prox_step(self, v, eta):
        """J_{eta G}(v) (may reuse v's memory)."""
        if self._res is None:
            return v
        return _call_resolvent(self._res, v, eta, None)


def _call_resolvent(res, v, eta, out):
    r = np.asarray(res(v, eta), dtype=np.float64)
    if r.shape != v.shape:
        raise ValueError(f"resolvent must return an array of shape {v.shape}, got {r.shape}")
    if out is not None:
        out[...] = r
        return out
    return r


# --------------------------------------------------------------------------- base class


class _Problem:
    """Shared methods: operator, resolvent, residual, gap."""

    cocoercive = False

    def _oracle(self):  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def dim(self) -> int:
        """Dimension of u."""
        return self._dim

    def operator(self, u):
        """Evaluate F(u).

        Parameters
        ----------
        u : array-like of shape (dim,)

        Returns
        -------
        ndarray of shape (dim,)
        """
        u = check_array(u, "u", ndim=1, shape=(self.dim,))
        return self._full(u)

    def resolvent(self, v, eta=1.0):
        """The resolvent of G: ``J_{eta G}(v)`` (a projection for the sets here).

        Parameters
        ----------
        v : array-like of shape (dim,)
        eta : float, default=1.0

        Returns
        -------
        ndarray of shape (dim,)
        """
        v = check_array(v, "v", ndim=1, shape=(self.dim,))
        eta = check_scalar(eta, "eta", min_val=0, include_boundaries="neither")
        return self._prox_eta(v, eta)

    def _prox_eta(self, v, eta):
        return self._prox(v.copy())

    def residual(self, u):
        """The certified residual ``||u - J_{eta G}(u - eta F(u))|| / eta`` with ``eta = 1/L``.

        Parameters
        ----------
        u : array-like of shape (dim,)

        Returns
        -------
        float
        """
        u = check_array(u, "u", ndim=1, shape=(self.dim,))
        return _residual(self, u, self._full(u))

    def gap(self, u):
        """Duality gap at ``u`` (nan where it is not defined)."""
        u = check_array(u, "u", ndim=1, shape=(self.dim,))
        return self._gap_from(u, self._full(u))

    def _gap_from(self, u, Fu):
        return float("nan")


def _residual(problem, u, Fu):
    eta = 1.0 / problem.lipschitz
    p = problem._prox_eta(u - eta * Fu, eta)
    return float(np.linalg.norm(u - p) / eta)


def _spectral_norm(matvec, rmatvec, shape, dtype=np.float64):
    """Largest singular value by Lanczos (ARPACK), a little inflated for safety."""
    m, n = shape
    if min(m, n) <= 3:
        dense = np.column_stack([matvec(e) for e in np.eye(n)]) if n <= 64 else None
        if dense is not None:
            return float(np.linalg.norm(dense, 2))
    op = spla.LinearOperator(shape, matvec=matvec, rmatvec=rmatvec, dtype=dtype)
    # a seeded random start: the all-ones vector lies in the kernel of the centred game operator.
    # svds hands tol**2 to eigsh on A^T A, so tol=1e-3 already gives ~1e-12 relative accuracy here
    # (Gaussian 2000: 123 products instead of 223 for tol=1e-6)
    v0 = np.random.default_rng(0).standard_normal(min(m, n))
    try:
        s = spla.svds(op, k=1, return_singular_vectors=False, tol=1e-3, v0=v0,
                      maxiter=max(200, 10 * min(m, n)))
        return float(s[0]) * (1.0 + 1e-5)
    except Exception:  # pragma: no cover - ARPACK failure: fall back to power iteration
        x = np.random.default_rng(0).standard_normal(n)
        for _ in range(300):
            y = rmatvec(matvec(x))
            nrm = np.linalg.norm(y)
            if nrm == 0:
                return 0.0
            x = y / nrm
        return float(np.sqrt(np.linalg.norm(rmatvec(matvec(x))))) * 1.05


def _check_lipschitz(lipschitz):
    if lipschitz is None:
        return None
    return check_scalar(lipschitz, "lipschitz", min_val=0, include_boundaries="neither")


# --------------------------------------------------------------------------- matrix game


class MatrixGame(_Problem):
    """The matrix game ``min_{x in simplex} max_{y in simplex} x^T A y``.

    As a monotone inclusion, ``u = (x, y)``, ``F(u) = (A y, -A^T x)`` and
    ``G`` is the normal cone of the product of the two simplices, whose
    resolvent is the Euclidean projection (sort-based, in a compiled kernel).
    ``F`` is a finite sum over the rows and columns of ``A``; the
    variance-reduced solvers sample columns of ``A`` (for the ``x``-player's
    gradient) and rows (for the ``y``-player's) with probabilities
    proportional to their squared norms.  Dense ``A`` is centred (its mean is
    subtracted) inside the solvers: this shifts the value by a constant,
    leaves the equilibria unchanged and lowers ``||A||_F``, which is what the
    variance of the sampled estimates scales with.

    On the simplices, moving ``F`` along the all-ones direction of either
    block changes nothing (the normal cone absorbs it), so the constant that
    governs the methods is ``L = ||P_m A P_n||_2`` with ``P_k = I - 11^T/k``,
    the norm of the doubly centred matrix, which can be far below
    ``||A||_2`` (it ignores row and column offsets).  The sampled estimates
    of dense games use the columns and rows of the doubly centred matrix
    (their squared norms set the sampling probabilities); full evaluations of
    ``F`` are exact.

    Parameters
    ----------
    A : {array-like, sparse matrix} of shape (m, n)
        Payoff matrix: the row player (x) pays ``x^T A y`` to the column player.
    lipschitz : float, default=None
        An upper bound on ``||P_m A P_n||_2``; computed by Lanczos iterations when None.

    Attributes
    ----------
    A : ndarray or sparse array of shape (m, n)
    shape : tuple of int
    lipschitz : float
        ``L = ||P_m A P_n||_2``, the Lipschitz constant of ``F`` on the product
        of simplices modulo the all-ones directions; the residual uses ``eta = 1/L``.
    n_components : int
        ``m + n`` (rows and columns of ``A``).
    dim : int
        ``m + n``.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.monotone import MatrixGame
    >>> game = MatrixGame(np.array([[1.0, -1.0], [-1.0, 1.0]]))
    >>> u = np.array([0.5, 0.5, 0.5, 0.5])
    >>> round(game.gap(u), 12), round(game.residual(u), 12)
    (0.0, 0.0)
    """

    def __init__(self, A, *, lipschitz=None):
        self.A = check_matrix(A, "A", sparse_format="csr")
        self.shape = tuple(int(s) for s in self.A.shape)
        m, n = self.shape
        self._dim = m + n
        self.n_components = m + n
        A_ = self.A
        # A = A_dc + r 1^T + 1 c^T - mu 1 1^T with A_dc the doubly centred matrix
        self._r = np.asarray(A_.mean(axis=1)).ravel()
        self._c = np.asarray(A_.mean(axis=0)).ravel()
        self._mu = float(self._r.mean())
        L = _check_lipschitz(lipschitz)
        if L is None:
            r, c, mu = self._r, self._c, self._mu

            def mv(v):
                v = v - v.mean()
                w = A_ @ v
                return w - w.mean()

            def rmv(w):
                w = w - w.mean()
                v = A_.T @ w
                return v - v.mean()

            L = _spectral_norm(mv, rmv, self.shape)
        self.lipschitz = L if L > 0 else 1.0
        self._cache = None

    def __repr__(self):
        kind = "sparse" if sp.issparse(self.A) else "dense"
        return f"MatrixGame({kind} {self.shape[0]}x{self.shape[1]}, lipschitz={self.lipschitz:.4g})"

    def split(self, u):
        """Split ``u`` into ``(x, y)``."""
        m = self.shape[0]
        return u[:m], u[m:]

    def initial_point(self):
        """The uniform strategies."""
        m, n = self.shape
        return np.concatenate([np.full(m, 1.0 / m), np.full(n, 1.0 / n)])

    def value(self, x, y):
        """``x^T A y``."""
        return float(x @ (self.A @ y))

    def _prox(self, v):
        m = self.shape[0]
        _kernels.proj_simplex(v[:m], v[:m], 1.0)
        _kernels.proj_simplex(v[m:], v[m:], 1.0)
        return v

    def _full(self, u):
        x, y = self.split(u)
        return np.concatenate([self.A @ y, -(self.A.T @ x)])

    def _gap_from(self, u, Fu):
        m = self.shape[0]
        return float(np.max(-Fu[m:]) - np.min(Fu[:m]))

    def _oracle(self):
        m, n = self.shape
        if self._cache is None:
            A = self.A
            if sp.issparse(A):
                # Y-block columns are the columns of A; X-block columns the rows of A.
                py = _Piece(sp.csc_array(A), 0, 1.0)
                px = _Piece(sp.csc_array(A.T), m, -1.0)
            else:
                Adc = A - self._r[:, None] - self._c[None, :] + self._mu
                py = _Piece(Adc, 0, 1.0)
                px = _Piece(Adc.T, m, -1.0)
            self._cache = (px, py)
        px, py = self._cache
        if sp.issparse(self.A):
            cx = cy = None
        else:
            r, c, mu = self._r, self._c, self._mu

            def cy(v, out):  # A v - A_dc v, into the x-rows
                s = v.sum()
                out[:m] += r * s + (c @ v - mu * s)

            def cx(v, out):  # -(A^T v - A_dc^T v), into the y-rows
                s = v.sum()
                out[m:] -= c * s + (r @ v - mu * s)

        blocks = [_Block(0, m, [px], cx), _Block(m, m + n, [py], cy)]
        prox = _Prox([(0, m, "simplex", 1.0), (m, m + n, "simplex", 1.0)])
        oracle = _LinearOracle(blocks, np.zeros(m + n), prox, self.lipschitz, m + n)
        if sp.issparse(self.A):
            c0 = np.zeros(m + n)
        else:
            c0 = np.concatenate([self._r, -self._c])
        oracle.game = _GameStores(py, px, c0)
        return oracle


class _GameStores:
    """The arguments of the fused kernels: B's columns (X store) and rows (Y store), F's offset.

    ``F(u) = (B y, -B^T x) + c0`` up to multiples of the all-ones vector in each
    block (which the simplex projections ignore); ``B`` is the doubly centred
    matrix for dense games and ``A`` itself for sparse ones.
    """

    def __init__(self, py, px, c0):
        self.dense = py.mat is not None
        self._pieces = (py, px)
        self._args = None
        self.m = px.colsq.shape[0]
        self.n = py.colsq.shape[0]
        self.c0 = np.ascontiguousarray(c0, dtype=np.float64)

    @property
    def args(self):
        # built on first use (the fused kernels): for dense games this makes the pieces'
        # C-contiguous column copies, B^T's rows for the x-rows' gathers
        if self._args is None:
            empty_d = np.zeros((0, 0))
            empty_i = np.zeros(1, dtype=np.intc)
            empty_v = np.zeros(0)
            stores = []
            for piece in self._pieces:
                norm = np.sqrt(piece.colsq)
                if self.dense:
                    stores += [piece.cols, empty_i, empty_i, empty_v, norm]
                else:
                    stores += [empty_d, piece.indptr, piece.indices, piece.data, norm]
            self._args = (self.dense, *stores)
        return self._args

    def full(self, u, out=None):
        out = np.empty(self.m + self.n) if out is None else out
        _kernels.game_full(*self.args, self.c0, u, out)
        return out


# --------------------------------------------------------------------------- bilinear QP


def _check_bounds(bounds, name):
    if bounds is None:
        return None
    try:
        lo, hi = bounds
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be None or a pair (lower, upper), got {bounds!r}") from None
    lo = check_scalar(lo, f"{name}[0]", allow_inf=True)
    hi = check_scalar(hi, f"{name}[1]", allow_inf=True)
    if not lo <= hi:
        raise ValueError(f"{name} must satisfy lower <= upper, got {bounds!r}")
    if np.isinf(lo) and np.isinf(hi):
        return None
    return (lo, hi)


class BilinearQP(_Problem):
    """The saddle point ``min_x max_y 1/2 x^T H x - h^T x + <A x - b, y>``.

    As a monotone inclusion, ``u = (x, y)`` and
    ``F(u) = (H x - h + A^T y, b - A x)``, monotone when ``H`` is symmetric
    positive semi-definite, and Lipschitz with ``L = ||M||_2`` for
    ``M = [[H, A^T], [-A, 0]]``.  ``G`` is zero, or the normal cone of a box
    on ``x`` and/or ``y`` when bounds are given.  ``F`` is a finite sum over
    the columns of ``M`` (one per coordinate of ``u``), sampled with
    probabilities proportional to their squared norms.

    Parameters
    ----------
    H : {array-like, sparse matrix} of shape (n_x, n_x)
        Symmetric positive semi-definite.
    h : array-like of shape (n_x,)
    A : {array-like, sparse matrix} of shape (n_y, n_x)
    b : array-like of shape (n_y,)
    x_bounds, y_bounds : (float, float), default=None
        Optional box constraints ``lower <= x_i <= upper`` (infinite ends allowed).
    lipschitz : float, default=None
        An upper bound on ``||M||_2``; computed by Lanczos iterations when None.

    Attributes
    ----------
    lipschitz : float
    n_components : int
        ``n_x + n_y``.
    dim : int
        ``n_x + n_y``.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.monotone import BilinearQP
    >>> qp = BilinearQP(np.eye(2), np.zeros(2), np.eye(2), np.ones(2))
    >>> qp.residual(np.array([1.0, 1.0, -1.0, -1.0]))
    0.0
    """

    def __init__(self, H, h, A, b, *, x_bounds=None, y_bounds=None, lipschitz=None):
        self.A = check_matrix(A, "A", sparse_format="csr")
        n_y, n_x = self.A.shape
        self.H = check_matrix(H, "H", sparse_format="csr", square=True)
        if self.H.shape[0] != n_x:
            raise ValueError(f"H must have shape ({n_x}, {n_x}) to match A's {n_x} columns, got {self.H.shape}")
        if sp.issparse(self.H):
            asym = abs(self.H - self.H.T).max() if self.H.nnz else 0.0
            scale = abs(self.H).max() if self.H.nnz else 0.0
        else:
            asym = np.abs(self.H - self.H.T).max()
            scale = np.abs(self.H).max()
        if asym > 1e-10 * max(scale, 1e-300):
            raise ValueError("H must be symmetric (positive semi-definite)")
        if not sp.issparse(self.H) and n_x <= 2000 and scale > 0:
            lmin = np.linalg.eigvalsh(self.H)[0]
            if lmin < -1e-10 * scale * n_x:
                raise ValueError(f"H must be positive semi-definite, its smallest eigenvalue is {lmin:.3g}")
        self.h = check_array(h, "h", ndim=1, shape=(n_x,))
        self.b = check_array(b, "b", ndim=1, shape=(n_y,))
        self.x_bounds = _check_bounds(x_bounds, "x_bounds")
        self.y_bounds = _check_bounds(y_bounds, "y_bounds")
        self.shape = (n_y, n_x)
        self._dim = n_x + n_y
        self.n_components = n_x + n_y
        L = _check_lipschitz(lipschitz)
        if L is None:
            L = _spectral_norm(self._matvec, self._rmatvec, (self._dim, self._dim))
        self.lipschitz = L if L > 0 else 1.0
        self._cache = None

    def __repr__(self):
        return f"BilinearQP(n_x={self.shape[1]}, n_y={self.shape[0]}, lipschitz={self.lipschitz:.4g})"

    def split(self, u):
        """Split ``u`` into ``(x, y)``."""
        n_x = self.shape[1]
        return u[:n_x], u[n_x:]

    def initial_point(self):
        """Zero, projected onto the boxes."""
        return self._prox(np.zeros(self._dim))

    def _matvec(self, u):
        x, y = self.split(u)
        return np.concatenate([self.H @ x + self.A.T @ y, -(self.A @ x)])

    def _rmatvec(self, w):
        wx, wy = self.split(w)
        return np.concatenate([self.H.T @ wx - self.A.T @ wy, self.A @ wx])

    def _full(self, u):
        out = self._matvec(u)
        n_x = self.shape[1]
        out[:n_x] -= self.h
        out[n_x:] += self.b
        return out

    def _prox_blocks(self):
        n_x = self.shape[1]
        blocks = []
        if self.x_bounds is not None:
            blocks.append((0, n_x, "box", self.x_bounds))
        if self.y_bounds is not None:
            blocks.append((n_x, self._dim, "box", self.y_bounds))
        return blocks

    def _prox(self, v):
        return _Prox(self._prox_blocks())(v, v)

    def _oracle(self):
        n_y, n_x = self.shape
        if self._cache is None:
            H, A = self.H, self.A
            if sp.issparse(H):
                h_piece = _Piece(H, 0, 1.0) if H.nnz else None
            else:
                h_piece = _Piece(H, 0, 1.0) if np.any(H) else None
            ax_piece = _Piece(A, n_x, -1.0)
            ay_piece = _Piece(A.T if sp.issparse(A) else A.T, 0, 1.0)
            self._cache = (h_piece, ax_piece, ay_piece)
        h_piece, ax_piece, ay_piece = self._cache
        blocks = [_Block(0, n_x, [h_piece, ax_piece]), _Block(n_x, n_x + n_y, [ay_piece])]
        c = np.concatenate([-self.h, self.b])
        oracle = _LinearOracle(blocks, c, _Prox(self._prox_blocks()), self.lipschitz, n_x + n_y)
        oracle.h_diag = self._h_diag()
        return oracle

    def _h_diag(self):
        """The diagonal of H when H is diagonal (PDHG then applies), else None."""
        H = self.H
        if sp.issparse(H):
            d = H.diagonal()
            off = (H - sp.diags_array(d)).count_nonzero() if H.nnz else 0
            return np.asarray(d, dtype=np.float64) if off == 0 else None
        d = np.diag(H).copy()
        return d if np.count_nonzero(H - np.diag(d)) == 0 else None


# --------------------------------------------------------------------------- user finite sums


class FiniteSumOperator(_Problem):
    """A user-defined finite sum ``F = (1/n) sum_i F_i`` with an optional resolvent.

    Parameters
    ----------
    component : callable
        ``component(u, indices) -> ndarray of shape (len(indices), dim)``, the
        values ``F_i(u)`` for the requested component indices.
    n_components : int
        ``n``, the number of components.
    lipschitz : float
        ``L``: a mean-square Lipschitz constant of the components,
        ``(1/n) sum_i ||F_i(u) - F_i(v)||^2 <= L^2 ||u - v||^2`` (it bounds the
        Lipschitz constant of ``F`` as well).  With ``cocoercive=True``, ``F``
        is assumed ``1/L``-cocoercive.
    resolvent : callable, default=None
        ``resolvent(v, eta) -> J_{eta G}(v)``; None means ``G = 0``.
    cocoercive : bool, default=False
        Whether ``F`` is cocoercive; selects the paper's Algorithm 1 in
        :func:`solve` (otherwise Algorithm 2, for monotone Lipschitz ``F``).

    Attributes
    ----------
    component, n_components, lipschitz
        As given.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.monotone import FiniteSumOperator
    >>> c = np.array([[1.0, 0.0], [3.0, 2.0]])
    >>> op = FiniteSumOperator(lambda u, idx: u[None, :] - c[idx], 2, lipschitz=1.0,
    ...                        cocoercive=True)
    >>> op.residual(np.array([2.0, 1.0]), )
    0.0
    """

    def __init__(self, component, n_components, lipschitz, resolvent=None, cocoercive=False):
        if not callable(component):
            raise TypeError(f"component must be callable, got {type(component).__name__}")
        if resolvent is not None and not callable(resolvent):
            raise TypeError(f"resolvent must be None or callable, got {type(resolvent).__name__}")
        self.component = component
        self.n_components = check_int(n_components, "n_components", min_val=1)
        self.lipschitz = check_scalar(lipschitz, "lipschitz", min_val=0, include_boundaries="neither")
        self.resolvent_fn = resolvent
        self.cocoercive = bool(cocoercive)
        self._dim = None

    @property
    def dim(self):
        """Dimension of u (known once a starting point was given to :func:`solve`)."""
        return self._dim

    def __repr__(self):
        return (f"FiniteSumOperator(n_components={self.n_components}, lipschitz={self.lipschitz:.4g}, "
                f"cocoercive={self.cocoercive})")

    def _components(self, u, idx):
        out = self.component(u, idx)
        out = np.asarray(out, dtype=np.float64)
        if out.shape != (len(idx), u.shape[0]):
            raise ValueError(
                f"component must return an array of shape (len(indices), dim) = ({len(idx)}, {u.shape[0]}), "
                f"got {out.shape}"
            )
        if not np.isfinite(out).all():
            raise ValueError("component returned non-finite values")
        return out

    def _full(self, u):
        return self._components(u, np.arange(self.n_components)).mean(axis=0)

    def _set_dim(self, d):
        self._dim = d

    def operator(self, u):
        u = check_array(u, "u", ndim=1)
        return self._full(u)

    def residual(self, u):
        u = check_array(u, "u", ndim=1)
        return _residual(self, u, self._full(u))

    def resolvent(self, v, eta=1.0):
        v = check_array(v, "v", ndim=1)
        eta = check_scalar(eta, "eta", min_val=0, include_boundaries="neither")
        return self._prox_eta(v, eta)

    def gap(self, u):
        return float("nan")

    def _prox_eta(self, v, eta):
        if self.resolvent_fn is None:
            return np.array(v, dtype=np.float64)
        return _call_resolvent(self.resolvent_fn, v, eta, None)

    def _oracle(self, d):
        return _CallableOracle(self, d)
