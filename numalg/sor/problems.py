"""Sequences of linear systems from the paper "Learning to Relax" (Khodak et al., ICLR 2024).

- :func:`laplacian_2d` and :func:`shifted_laplacian_sequence`: ``A + c_t I`` with
  ``A`` the 5-point Laplacian, ``c_t`` random (high or low variance).
- :class:`HeatEquation2D`: the 2-D heat equation with a time-varying diffusion
  coefficient, stepped by Crank-Nicolson; each step is one SPD system,
  warm-started from the previous solution.
- :func:`load_pyamg_example`: real FEM matrices shipped with PyAMG (optional).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .._validation import check_int, check_option, check_random_state, check_scalar

__all__ = [
    "laplacian_2d",
    "shifted_laplacian_sequence",
    "truncated_normal",
    "HeatEquation2D",
    "heat_kappa",
    "load_pyamg_example",
    "PYAMG_EXAMPLES",
]

PYAMG_EXAMPLES = ("airfoil", "knot", "bar", "local_disc_galerkin_diffusion")


def laplacian_2d(m, *, scale=1.0):
    """The 5-point Laplacian on an ``m x m`` grid of interior points, as CSR.

    ``4`` on the diagonal and ``-1`` for each grid neighbour (times
    ``scale``): MATLAB's ``delsq(numgrid('S', m + 2))``.  Its eigenvalues are
    ``4 - 2 cos(pi i h) - 2 cos(pi j h)`` with ``h = 1 / (m + 1)``.

    Parameters
    ----------
    m : int
        Interior points per side; ``n = m * m``.
    scale : float, default=1.0
        Multiplies the matrix (``(m + 1) ** 2`` gives the discretised
        ``-Laplace`` on the unit square).

    Returns
    -------
    A : scipy.sparse.csr_array of shape (m * m, m * m)

    Examples
    --------
    >>> from numalg.sor.problems import laplacian_2d
    >>> A = laplacian_2d(10)
    >>> A.shape, A.nnz
    ((100, 100), 460)
    """
    m = check_int(m, "m", min_val=1)
    scale = check_scalar(scale, "scale")
    T = sp.diags_array([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], offsets=[-1, 0, 1])
    eye = sp.eye_array(m)
    A = sp.kron(eye, T) + sp.kron(T, eye)
    A = sp.csr_array(A * scale)
    A.sort_indices()
    return A


def truncated_normal(n, random_state=None):
    """A standard normal vector in R^n conditioned on ``||v|| <= sqrt(n)`` (rejection)."""
    rng = check_random_state(random_state)
    n = check_int(n, "n", min_val=1)
    while True:
        v = rng.standard_normal(n)
        if v @ v <= n:
            return v


def shifted_laplacian_sequence(n_instances, *, variance="high", m=10, random_state=None):
    """The paper's synthetic sequence ``A_t = A + c_t I``, ``b_t`` random.

    ``A`` is :func:`laplacian_2d(m) <laplacian_2d>` (``n = 100`` by default,
    smallest eigenvalue ~0.16), ``c_t = -0.15 + 0.6 Beta(0.5, 1.5)`` (high
    variance) or ``-0.15 + 0.6 Beta(2, 6)`` (low variance), and ``b_t`` a
    radially truncated standard normal vector.

    Parameters
    ----------
    n_instances : int
        Length of the sequence.
    variance : {"high", "low"}, default="high"
    m : int, default=10
        Grid side (``n = m * m``).
    random_state : int, Generator or None, default=None

    Yields
    ------
    A : scipy.sparse.csr_array of shape (n, n)
    b : ndarray of shape (n,)
    c : float
        The shift (a natural context for :class:`ContextualBanditSOR`).

    Examples
    --------
    >>> from numalg.sor.problems import shifted_laplacian_sequence
    >>> seq = list(shifted_laplacian_sequence(3, random_state=0))
    >>> len(seq), seq[0][0].shape
    (3, (100, 100))
    """
    n_instances = check_int(n_instances, "n_instances", min_val=0)
    check_option(variance, "variance", ("high", "low"))
    rng = check_random_state(random_state)
    A = laplacian_2d(m)
    n = A.shape[0]
    eye = sp.eye_array(n, format="csr")
    a, b_ = (0.5, 1.5) if variance == "high" else (2.0, 6.0)
    for _ in range(n_instances):
        c = -0.15 + 0.6 * rng.beta(a, b_)
        yield sp.csr_array(A + c * eye), truncated_normal(n, rng), float(c)


def heat_kappa(t):
    """The paper's diffusion coefficient ``max(0.1 sin 2 pi t, -10 sin 2 pi t)``."""
    s = np.sin(2.0 * np.pi * np.asarray(t, dtype=float))
    return np.maximum(0.1 * s, -10.0 * s)


def _bump(points, center, radius):
    d2 = np.sum((points - np.asarray(center)) ** 2, axis=1) / radius**2
    with np.errstate(divide="ignore"):
        out = np.exp(1.0 - 1.0 / (1.0 - np.minimum(1.0, d2)))
    return out


class HeatEquation2D:
    """The 2-D heat equation ``u_t = kappa(t) Laplace u + f(t, x)`` by Crank-Nicolson.

    Unit square, zero Dirichlet boundary, ``nx - 1`` interior points per side
    (``n = (nx - 1)^2``; the paper uses ``nx = 25 * 2^k``).  The diffusion
    coefficient is :func:`heat_kappa`; the forcing is a smooth bump of
    height 32 and radius 1/8 moving on a circle; the initial condition a bump
    of radius 1/4 in the middle.  Each step solves

        ``(I - dt/2 kappa L) u_new = (I + dt/2 kappa L) u + dt f``

    with ``kappa`` and ``f`` at the half step: an SPD system whose
    conditioning follows ``kappa(t)``, so the best ``omega`` drifts.

    Parameters
    ----------
    nx : int, default=100
        Grid intervals per side.
    dt : float, default=1e-3
        Time step (the paper: 5 / 5000).
    t0 : float, default=0.0
        Start time (the initial condition is the same bump for any ``t0``).

    Attributes
    ----------
    u : ndarray of shape (n,)
        The current state (the natural warm start of the next solve).
    t : float
        The current time.
    n : int
        Number of unknowns.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.sor import ssor_cg
    >>> from numalg.sor.problems import HeatEquation2D
    >>> pde = HeatEquation2D(nx=25)
    >>> A, b = pde.system()
    >>> res = ssor_cg(A, b, 1.5, x0=pde.u)
    >>> pde.update(res.x)
    >>> pde.n, bool(res.converged)
    (576, True)
    """

    def __init__(self, nx=100, dt=1e-3, t0=0.0):
        self.nx = check_int(nx, "nx", min_val=3)
        self.dt = check_scalar(dt, "dt", min_val=0.0, include_boundaries="neither")
        m = self.nx - 1
        self.n = m * m
        dx = 1.0 / self.nx
        # L = discrete Laplacian (negative definite), A = I - c L shares its pattern
        L = laplacian_2d(m, scale=-1.0 / dx**2)
        self._L = L
        rows = np.repeat(np.arange(self.n), np.diff(L.indptr))
        self._diag_mask = (rows == L.indices).astype(np.float64)
        ij = np.arange(1, self.nx) * dx
        gi, gj = np.meshgrid(ij, ij, indexing="ij")
        self.points = np.column_stack([gi.ravel(), gj.ravel()])
        self.u = _bump(self.points, (0.5, 0.5), 0.25)
        self.t = check_scalar(t0, "t0")
        self.n_steps = 0

    def kappa(self, t=None):
        """Diffusion coefficient at time ``t`` (default: the current half step)."""
        return float(heat_kappa(self.t + 0.5 * self.dt if t is None else t))

    def forcing(self, t):
        """The forcing ``f(t, x)`` at the grid points."""
        center = (0.5 + np.cos(16.0 * np.pi * t) / 4.0, 0.5 + np.sin(16.0 * np.pi * t) / 4.0)
        return 32.0 * _bump(self.points, center, 0.125)

    def system(self):
        """The current step's system ``(A, b)`` (A: CSR, symmetric positive definite)."""
        half = self.t + 0.5 * self.dt
        c = 0.5 * float(heat_kappa(half)) * self.dt
        L = self._L
        A = sp.csr_array((self._diag_mask - c * L.data, L.indices, L.indptr), shape=L.shape)
        b = self.u + c * (L @ self.u) + self.dt * self.forcing(half)
        return A, b

    def update(self, u):
        """Accept the step's solution and advance time by ``dt``."""
        u = np.asarray(u, dtype=np.float64)
        if u.shape != (self.n,):
            raise ValueError(f"u must have shape ({self.n},), got {u.shape}")
        self.u = u.copy()
        self.t += self.dt
        self.n_steps += 1


def load_pyamg_example(name):
    """A real FEM matrix from PyAMG's gallery (``pyamg.gallery.load_example``), as CSR.

    Parameters
    ----------
    name : {"airfoil", "knot", "bar", "local_disc_galerkin_diffusion"}

    Returns
    -------
    A : scipy.sparse.csr_array
        Symmetric (symmetrised to rounding) with a positive diagonal.

    Raises
    ------
    ImportError
        When PyAMG is not installed (``pip install pyamg``).
    """
    check_option(name, "name", PYAMG_EXAMPLES)
    try:
        from pyamg.gallery import load_example
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise ImportError("load_pyamg_example needs the optional dependency pyamg (pip install pyamg)") from exc
    A = sp.csr_array(load_example(name)["A"], dtype=np.float64)
    A = sp.csr_array((A + A.T) * 0.5)
    A.sum_duplicates()
    A.sort_indices()
    return A
