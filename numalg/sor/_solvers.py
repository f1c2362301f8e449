"""SOR, SSOR-preconditioned CG and Young's optimal omega: the public functions."""

from __future__ import annotations

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
    check_matrix,
    check_option,
    check_scalar,
)
from . import _sweeps

__all__ = ["SolveResult", "sor", "ssor_cg", "optimal_omega"]

_DIRECTIONS = {"forward": 0, "backward": 1, "symmetric": 2}


@dataclass(frozen=True, kw_only=True, repr=False)
class SolveResult(IterativeResult):
    """Result of :func:`sor`, :func:`ssor_cg` and the learners' ``solve``.

    Attributes
    ----------
    x : ndarray of shape (n,)
        The approximate solution (the iterate whose residual is reported).
    residual : float
        The relative residual ``||b - A x|| / ||b||`` of ``x`` (the quantity
        :func:`scipy.sparse.linalg.cg` compares with ``rtol``).
    omega : float
        The relaxation parameter used.
    n_iter : int
        Iterations (sweeps for SOR, CG steps for SSOR-CG).
    converged : bool
        Whether ``residual <= tol`` was reached within ``max_iter``.
    history : dict
        ``{"residual": ndarray of shape (n_iter + 1,)}``, the relative residual
        of every iterate (the recursively updated one for SSOR-CG).
    """

    x: np.ndarray
    residual: float
    omega: float = float("nan")


class _System:
    """A validated CSR matrix with the arrays the kernels need, built once."""

    __slots__ = ("A", "n", "indptr", "indices", "data", "diag", "dpos")

    def __init__(self, A, name="A"):
        if (
            sp.issparse(A) and A.format == "csr" and A.dtype == np.float64
            and A.shape[0] == A.shape[1] and A.shape[0] > 0 and A.has_canonical_format
        ):
            # fast path for the common case (a sequence of CSR systems): no copy
            if not np.isfinite(A.data).all():
                raise ValueError(f"{name} must contain only finite values (no NaN or infinity)")
        else:
            A = check_matrix(A, name, sparse_format="csr", square=True)
            if not sp.issparse(A):
                A = sp.csr_array(A)
        n = A.shape[0]
        itype = np.int32 if max(A.nnz, n) < 2**31 - 1 else np.int64
        self.A = A
        self.n = n
        self.indptr = np.ascontiguousarray(A.indptr, dtype=itype)
        self.indices = np.ascontiguousarray(A.indices, dtype=itype)
        self.data = np.ascontiguousarray(A.data, dtype=np.float64)
        self.dpos = np.empty(n, dtype=itype)
        diag = np.empty(n)
        if self.data.size:
            _sweeps.diagonal_positions(self.indptr, self.indices, self.data, self.dpos, diag)
        else:
            diag[:] = 0.0
        if not diag.all():
            zero = np.flatnonzero(diag == 0)
            raise ValueError(
                f"{name} must have a non-zero diagonal; found {zero.size} zero diagonal "
                f"entr{'y' if zero.size == 1 else 'ies'} (first at row {int(zero[0])})"
            )
        self.diag = diag

    def check_spd(self, name="A"):
        """Cheap necessary checks for SPD: symmetric values, positive diagonal."""
        dmin = self.diag.min()
        if not dmin > 0:
            i = int(np.flatnonzero(self.diag <= 0)[0])
            raise ValueError(
                f"{name} must be symmetric positive definite; diagonal entry {i} is {self.diag[i]:g} <= 0"
            )
        scale = float(self.diag.max())  # |a_ij| <= max a_ii when A is SPD
        asym = _sweeps.max_asymmetry(self.indptr, self.indices, self.data, self.dpos)
        if asym > 1e-10 * scale:
            raise ValueError(
                f"{name} must be symmetric positive definite; it is not symmetric "
                f"(max |A - A^T| = {asym:.3g})"
            )


def _check_omega(omega):
    return check_scalar(omega, "omega", min_val=0.0, max_val=2.0, include_boundaries="neither")


def _check_rhs(b, x0, n):
    b = check_array(b, "b", ndim=1)
    if b.shape[0] != n:
        raise ValueError(f"b must have length {n} to match A of shape ({n}, {n}), got length {b.shape[0]}")
    if x0 is None:
        x = np.zeros(n)
    else:
        x = check_array(x0, "x0", ndim=1, copy=True)
        if x.shape[0] != n:
            raise ValueError(f"x0 must have length {n} to match A of shape ({n}, {n}), got length {x.shape[0]}")
    return b, x


class _Callback:
    """Adapts a user callback to the kernels' ``(k, ||r_k||, x_k)`` calls."""

    def __init__(self, callback, bnorm):
        self.callback, self.bnorm, self.stopped = callback, bnorm, False

    def __call__(self, k, res_abs, x):
        stop = bool(self.callback({"iteration": int(k), "residual": float(res_abs / self.bnorm), "x": x}))
        self.stopped = self.stopped or stop
        return stop


def _finish(x, n_iter, res_abs, bnorm, hist_abs, tol, omega, name, verbose, t0, stopped=False):
    residual = float(res_abs / bnorm)
    converged = bool(residual <= tol)
    if verbose:
        print(
            f"[{name}] omega={omega:.4g} iterations={n_iter} residual={residual:.3e} "
            f"time={time.perf_counter() - t0:.3g}s"
        )
    if not converged and not stopped:
        warnings.warn(
            f"{name} did not reach tol={tol:g} in {n_iter} iterations (relative residual "
            f"{residual:.3e}); returning the last iterate",
            ConvergenceWarning,
            stacklevel=3,
        )
    return SolveResult(
        x=x,
        n_iter=int(n_iter),
        converged=converged,
        residual=residual,
        omega=float(omega),
        history={"residual": hist_abs[: n_iter + 1] / bnorm},
    )


def _sor_system(system, b, x, omega, tol, max_iter, sweep, verbose=False, t0=None, callback=None):
    t0 = time.perf_counter() if t0 is None else t0
    bnorm = float(np.linalg.norm(b))
    if bnorm == 0.0:
        return SolveResult(
            x=np.zeros(system.n), n_iter=0, converged=True, residual=0.0, omega=float(omega),
            history={"residual": np.zeros(1)},
        )
    hist = np.empty(max_iter + 1)
    cb = None if callback is None else _Callback(callback, bnorm)
    n_iter, res = _sweeps.sor_solve(
        system.indptr, system.indices, system.data, system.dpos, system.diag, b, x, omega,
        _DIRECTIONS[sweep], tol * bnorm, max_iter, hist, cb,
    )
    return _finish(x, n_iter, res, bnorm, hist, tol, omega, "sor", verbose, t0, cb is not None and cb.stopped)


def sor(A, b, omega, *, x0=None, tol=1e-8, max_iter=10_000, sweep="forward", verbose=False, callback=None):
    """Solve ``A x = b`` by successive over-relaxation (SOR).

    Each iteration is one sweep over the rows of ``A`` (CSR, in a compiled
    kernel without the GIL)::

        x_i <- x_i + omega (b_i - sum_j a_ij x_j) / a_ii

    using the newest values of ``x``: rows in increasing order
    (``"forward"``), decreasing order (``"backward"``) or both in turn
    (``"symmetric"``, i.e. SSOR as a stationary method).  The residual of
    each iterate is obtained inside the next forward or backward sweep, so
    that an iteration costs one pass over ``A``.  SOR converges for every
    ``0 < omega < 2`` when ``A`` is symmetric positive definite, and for
    ``omega = 1`` (Gauss-Seidel) when ``A`` is strictly diagonally dominant.

    Parameters
    ----------
    A : {array-like, sparse matrix} of shape (n, n)
        The matrix, with a non-zero diagonal.  Converted to CSR once.
    b : array-like of shape (n,)
        Right-hand side.
    omega : float
        Relaxation parameter, ``0 < omega < 2``; ``omega = 1`` is
        Gauss-Seidel.
    x0 : array-like of shape (n,), default=None
        Initial guess (warm start); zeros when None.
    tol : float, default=1e-8
        Stop when ``||b - A x|| <= tol ||b||``.
    max_iter : int, default=10_000
        Maximum number of sweeps (a symmetric sweep counts once).
    sweep : {"forward", "backward", "symmetric"}, default="forward"
        Order of the row updates.
    verbose : bool, default=False
        Print one summary line.
    callback : callable, default=None
        Called after every iteration ``k >= 1`` that has not met ``tol`` as
        ``callback(info)`` with ``info = {"iteration": k, "residual":
        ||b - A x_k|| / ||b||, "x": x_k}`` (``x_k`` is a view of a work
        array: copy it to keep it); a true return value stops the solve
        (no ConvergenceWarning then).  The compiled loop takes the GIL
        only when a callback is given.

    Returns
    -------
    result : SolveResult
        ``x``, ``n_iter``, ``residual`` (relative), ``converged``,
        ``history["residual"]``.

    Warns
    -----
    ConvergenceWarning
        When ``tol`` is not reached in ``max_iter`` sweeps; the last iterate
        is returned.

    See Also
    --------
    ssor_cg : Conjugate gradients preconditioned by SSOR, usually much faster.
    optimal_omega : Young's optimal omega from the Jacobi spectral radius.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.sor import sor
    >>> from numalg.sor.problems import laplacian_2d
    >>> A = laplacian_2d(10)
    >>> b = np.ones(A.shape[0])
    >>> res = sor(A, b, omega=1.5)
    >>> res.converged, res.residual <= 1e-8
    (True, True)
    >>> res.n_iter < sor(A, b, omega=1.0).n_iter
    True
    """
    t0 = time.perf_counter()
    system = _System(A)
    omega = _check_omega(omega)
    tol = check_scalar(tol, "tol", min_val=0.0, include_boundaries="neither")
    max_iter = check_int(max_iter, "max_iter", min_val=0)
    check_option(sweep, "sweep", tuple(_DIRECTIONS))
    callback = check_callback(callback)
    b, x = _check_rhs(b, x0, system.n)
    return _sor_system(system, b, x, omega, tol, max_iter, sweep, verbose, t0, callback)


def _ssor_cg_system(system, b, x, omega, tol, max_iter, verbose=False, t0=None, callback=None):
    t0 = time.perf_counter() if t0 is None else t0
    bnorm = float(np.linalg.norm(b))
    if bnorm == 0.0:
        return SolveResult(
            x=np.zeros(system.n), n_iter=0, converged=True, residual=0.0, omega=float(omega),
            history={"residual": np.zeros(1)},
        )
    hist = np.empty(max_iter + 1)
    cb = None if callback is None else _Callback(callback, bnorm)
    n_iter, _, status = _sweeps.ssor_pcg(
        system.indptr, system.indices, system.data, system.dpos, system.diag,
        b, x, omega, tol * bnorm, max_iter, hist, cb,
    )
    if status == 2:
        raise ValueError(
            "A must be symmetric positive definite; conjugate gradients broke down "
            "(found a direction p with p^T A p <= 0)"
        )
    res = _sweeps.residual_norm(system.indptr, system.indices, system.data, b, x)
    # The recursive residual met the tolerance; report the true one, which may
    # differ by rounding: accept it when within a small factor of tol.
    out = _finish_cg(x, n_iter, res, bnorm, hist, tol, omega, status, verbose, t0)
    return out


def _finish_cg(x, n_iter, res_abs, bnorm, hist_abs, tol, omega, status, verbose, t0):
    residual = float(res_abs / bnorm)
    converged = bool(status == 0)
    if verbose:
        print(
            f"[ssor_cg] omega={omega:.4g} iterations={n_iter} residual={residual:.3e} "
            f"time={time.perf_counter() - t0:.3g}s"
        )
    if not converged and status != 3:
        warnings.warn(
            f"ssor_cg did not reach tol={tol:g} in {n_iter} iterations (relative residual "
            f"{residual:.3e}); returning the last iterate",
            ConvergenceWarning,
            stacklevel=3,
        )
    return SolveResult(
        x=x, n_iter=int(n_iter), converged=converged, residual=residual, omega=float(omega),
        history={"residual": hist_abs[: n_iter + 1] / bnorm},
    )


def ssor_cg(A, b, omega, *, x0=None, tol=1e-8, max_iter=None, verbose=False, callback=None):
    """Conjugate gradients preconditioned by SSOR(omega).

    The preconditioner is ``M = (D + omega L) D^{-1} (D + omega L)^T /
    (omega (2 - omega))`` with ``D`` the diagonal and ``L`` the strict lower
    triangle of ``A``.  It is never formed: ``M^{-1} r`` is two triangular
    sweeps over the rows of ``A``.  The whole iteration runs in a compiled
    kernel without the GIL.

    Parameters
    ----------
    A : {array-like, sparse matrix} of shape (n, n)
        Symmetric positive definite.  Checked cheaply: symmetric values and a
        positive diagonal; a breakdown of CG (``p^T A p <= 0``) is reported as
        not positive definite.
    b : array-like of shape (n,)
        Right-hand side.
    omega : float
        Relaxation parameter, ``0 < omega < 2``.
    x0 : array-like of shape (n,), default=None
        Initial guess (warm start); zeros when None.
    tol : float, default=1e-8
        Stop when the residual satisfies ``||r|| <= tol ||b||`` (the
        recursively updated residual, as in :func:`scipy.sparse.linalg.cg`).
    max_iter : int, default=None
        Maximum number of CG iterations; ``10 n`` when None.
    verbose : bool, default=False
        Print one summary line.
    callback : callable, default=None
        Called after every iteration ``k >= 1`` that has not met ``tol``
        (``r_k`` the recursively updated residual) as
        ``callback(info)`` with ``info = {"iteration": k, "residual":
        ||r_k|| / ||b||, "x": x_k}`` (``x_k`` is a view of a work
        array: copy it to keep it); a true return value stops the solve
        (no ConvergenceWarning then).  The compiled loop takes the GIL
        only when a callback is given.

    Returns
    -------
    result : SolveResult
        ``residual`` is the true relative residual ``||b - A x|| / ||b||``
        of the returned ``x``.

    See Also
    --------
    sor : The stationary SOR iteration.
    BanditSOR : Learns omega across a sequence of systems.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.sor import ssor_cg
    >>> from numalg.sor.problems import laplacian_2d
    >>> A = laplacian_2d(30)
    >>> res = ssor_cg(A, np.ones(A.shape[0]), omega=1.7)
    >>> res.converged, res.n_iter < 60
    (True, True)
    """
    t0 = time.perf_counter()
    system = _System(A)
    omega = _check_omega(omega)
    tol = check_scalar(tol, "tol", min_val=0.0, include_boundaries="neither")
    max_iter = 10 * system.n if max_iter is None else check_int(max_iter, "max_iter", min_val=0)
    callback = check_callback(callback)
    b, x = _check_rhs(b, x0, system.n)
    system.check_spd()
    return _ssor_cg_system(system, b, x, omega, tol, max_iter, verbose, t0, callback)


def jacobi_spectral_radius(A):
    """Spectral radius of the Jacobi iteration matrix ``I - D^{-1} A``."""
    system = A if isinstance(A, _System) else _System(A)
    n = system.n
    A = system.A
    d = system.diag
    if n == 1:
        return 0.0
    symmetric = bool(np.all(d > 0))
    if symmetric:
        diff = abs(A - A.T)
        symmetric = diff.nnz == 0 or diff.max() <= 1e-12 * max(1.0, abs(A).max())
    if symmetric:
        s = 1.0 / np.sqrt(d)
        S = sp.csr_array(sp.diags_array(s) @ A @ sp.diags_array(s))
        if n <= 600:
            ev = np.linalg.eigvalsh(S.toarray())
            lo, hi = ev[0], ev[-1]
        else:
            from scipy.sparse.linalg import eigsh

            v0 = np.ones(n)
            hi = eigsh(S, k=1, which="LA", tol=1e-10, v0=v0, return_eigenvectors=False)[0]
            lo = eigsh(S, k=1, which="SA", tol=1e-10, v0=v0, return_eigenvectors=False)[0]
        return float(max(abs(1.0 - lo), abs(1.0 - hi)))
    J = sp.eye_array(n, format="csr") - sp.diags_array(1.0 / d) @ A
    if n <= 600:
        return float(np.max(np.abs(np.linalg.eigvals(J.toarray()))))
    from scipy.sparse.linalg import eigs

    ev = eigs(J, k=2, which="LM", tol=1e-10, v0=np.ones(n), return_eigenvectors=False)
    return float(np.max(np.abs(ev)))


def optimal_omega(A):
    """Young's optimal relaxation parameter ``2 / (1 + sqrt(1 - rho_J^2))``.

    ``rho_J`` is the spectral radius of the Jacobi iteration matrix
    ``I - D^{-1} A`` (dense eigenvalues up to n = 600, Lanczos/Arnoldi
    beyond).  The formula is exact for consistently ordered matrices with a
    real Jacobi spectrum, such as the 5-point Laplacian, and a good guess for
    symmetric positive definite matrices in general.

    Parameters
    ----------
    A : {array-like, sparse matrix} of shape (n, n)
        The matrix, with a non-zero diagonal.

    Returns
    -------
    omega : float
        In ``[1, 2)``.  When ``rho_J >= 1`` the formula does not apply: a
        :class:`UserWarning` is issued and ``1.0`` is returned.

    Examples
    --------
    >>> import numpy as np
    >>> from numalg.sor import optimal_omega
    >>> from numalg.sor.problems import laplacian_2d
    >>> m = 10
    >>> w = optimal_omega(laplacian_2d(m))
    >>> bool(np.isclose(w, 2 / (1 + np.sin(np.pi / (m + 1)))))
    True
    """
    rho = jacobi_spectral_radius(A)
    if not rho < 1.0:
        warnings.warn(
            f"the Jacobi spectral radius is {rho:.6g} >= 1, so Young's formula does not apply; "
            "returning omega = 1.0",
            UserWarning,
            stacklevel=2,
        )
        return 1.0
    return float(2.0 / (1.0 + np.sqrt(max(0.0, 1.0 - rho * rho))))
