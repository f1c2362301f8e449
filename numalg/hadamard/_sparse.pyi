import numpy as np
from numpy.typing import NDArray

def query_indices(
    cols: NDArray[np.uint64], n_cols: NDArray[np.int64], delays: NDArray[np.uint64], out: NDArray[np.uint64]
) -> None: ...
def hash_bins(cols: NDArray[np.uint64], k: NDArray[np.uint64], out: NDArray[np.int64]) -> None: ...
def walsh_eval(
    support: NDArray[np.uint64], coef: NDArray[np.float64], m: NDArray[np.uint64], out: NDArray[np.float64]
) -> None: ...
def subtract_known(
    Y: NDArray[np.float64],
    cols: NDArray[np.uint64],
    offset: int,
    delays: NDArray[np.uint64],
    k: NDArray[np.uint64],
    v: NDArray[np.float64],
) -> None: ...
def fit_bins(
    Y: NDArray[np.float64],
    cols: NDArray[np.uint64],
    n_cols: NDArray[np.int64],
    offsets: NDArray[np.int64],
    delays: NDArray[np.uint64],
    n_bits: int,
    n_chains: int,
    method: int,
    rinv: NDArray[np.uint64],
    null: NDArray[np.uint64],
    residual: NDArray[np.float64],
    energy: NDArray[np.float64],
) -> None: ...
def peel(
    Y: NDArray[np.float64],
    cols: NDArray[np.uint64],
    n_cols: NDArray[np.int64],
    offsets: NDArray[np.int64],
    delays: NDArray[np.uint64],
    n_bits: int,
    n_chains: int,
    method: int,
    rinv: NDArray[np.uint64],
    null: NDArray[np.uint64],
    zero_thr: NDArray[np.float64],
    single_thr: NDArray[np.float64],
    min_value: NDArray[np.float64],
    found_k: NDArray[np.uint64],
    found_v: NDArray[np.float64],
    n_found: int,
    found_per_round: NDArray[np.int64],
    max_rounds: int,
) -> tuple[int, int, int]: ...
