import numpy as np
from numpy.typing import NDArray

def proj_simplex(
    v: NDArray[np.float64], out: NDArray[np.float64], radius: float = ..., sort: bool = ...
) -> None: ...
def proj_simplex_warm(
    v: NDArray[np.float64], out: NDArray[np.float64], radius: float = ..., tau: float = ...
) -> float: ...
def proj_box(v: NDArray[np.float64], out: NDArray[np.float64], lo: float, hi: float) -> None: ...
def gather_dense(
    cols: NDArray[np.float64], idx: NDArray[np.intp], coef: NDArray[np.float64], out: NDArray[np.float64]
) -> None: ...
def gather_csc(
    indptr: NDArray[np.int32],
    indices: NDArray[np.int32],
    data: NDArray[np.float64],
    idx: NDArray[np.intp],
    coef: NDArray[np.float64],
    out: NDArray[np.float64],
) -> None: ...
def sample_cdf(cdf: NDArray[np.float64], r: NDArray[np.float64], out: NDArray[np.intp]) -> None: ...
def game_full(
    dense: bool,
    Xd: NDArray[np.float64], Xp: NDArray[np.intc], Xi: NDArray[np.intc], Xv: NDArray[np.float64],
    xnorm: NDArray[np.float64],
    Yd: NDArray[np.float64], Yp: NDArray[np.intc], Yi: NDArray[np.intc], Yv: NDArray[np.float64],
    ynorm: NDArray[np.float64],
    c0: NDArray[np.float64], u: NDArray[np.float64], out: NDArray[np.float64],
) -> None: ...
def game_forb(
    dense: bool,
    Xd: NDArray[np.float64], Xp: NDArray[np.intc], Xi: NDArray[np.intc], Xv: NDArray[np.float64],
    xnorm: NDArray[np.float64],
    Yd: NDArray[np.float64], Yp: NDArray[np.intc], Yi: NDArray[np.intc], Yv: NDArray[np.float64],
    ynorm: NDArray[np.float64],
    c0: NDArray[np.float64], u: NDArray[np.float64],
    z: NDArray[np.float64], w: NDArray[np.float64], w_prev: NDArray[np.float64], Fw: NDArray[np.float64],
    n_steps: int, bx: int, by: int, alpha: float, gamma: float, c: float, p: float,
    rand: NDArray[np.float64], coin: NDArray[np.float64],
) -> tuple[float, int]: ...
