from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

_I = NDArray[np.integer]
_F = NDArray[np.float64]

def sor_sweeps(
    indptr: _I, indices: _I, data: _F, diag: _F, b: _F, x: _F, omega: float,
    direction: int, n_sweeps: int,
) -> None: ...
def sor_solve(
    indptr: _I, indices: _I, data: _F, dpos: _I, diag: _F, b: _F, x: _F, omega: float,
    direction: int, tol_abs: float, max_iter: int, history: _F,
    callback: Callable[[int, float, _F], bool] | None = ...,
) -> tuple[int, float]: ...
def ssor_apply(
    indptr: _I, indices: _I, data: _F, dpos: _I, diag: _F, r: _F, z: _F, omega: float,
) -> None: ...
def ssor_pcg(
    indptr: _I, indices: _I, data: _F, dpos: _I, diag: _F, b: _F, x: _F, omega: float,
    tol_abs: float, max_iter: int, history: _F,
    callback: Callable[[int, float, _F], bool] | None = ...,
) -> tuple[int, float, int]: ...
def residual_norm(indptr: _I, indices: _I, data: _F, b: _F, x: _F) -> float: ...
def diagonal_positions(indptr: _I, indices: _I, data: _F, dpos: _I, diag: _F) -> int: ...
def tsallis_probabilities(losses: _F, eta: float, p: _F) -> int: ...
def max_asymmetry(indptr: _I, indices: _I, data: _F, dpos: _I) -> float: ...
