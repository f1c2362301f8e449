import numpy as np
from numpy.typing import NDArray

def solve_rows_exact(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int64],
    data: NDArray[np.float64],
    F: NDArray[np.float64],
    reg: float,
    out: NDArray[np.float64],
    sse: NDArray[np.float64],
) -> None: ...
def solve_rows_sketch(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int64],
    data: NDArray[np.float64],
    F: NDArray[np.float64],
    reg: float,
    out: NDArray[np.float64],
    sse: NDArray[np.float64],
    hashes: NDArray[np.uint32],
    sketch_rows: int,
    max_inner: int,
    inner_tol: float,
) -> None: ...
def observed_sse(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int64],
    data: NDArray[np.float64],
    U: NDArray[np.float64],
    V: NDArray[np.float64],
    sse: NDArray[np.float64],
) -> None: ...
def gather_dot(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    U: NDArray[np.float64],
    V: NDArray[np.float64],
    out: NDArray[np.float64],
) -> None: ...
