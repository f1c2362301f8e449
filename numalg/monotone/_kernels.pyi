import numpy as np
from numpy.typing import NDArray

def proj_simplex(v: NDArray[np.float64], out: NDArray[np.float64], radius: float = ...) -> None: ...
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
