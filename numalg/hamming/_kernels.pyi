import numpy as np
from numpy.typing import NDArray

def pack_planes(
    codes: NDArray[np.unsignedinteger],
    n_bits: int,
    wild: int,
    offset: int,
    out: NDArray[np.uint64],
    stride: int,
    shift: int,
) -> None: ...
def naive_bits(
    T: NDArray[np.uint64],
    P: NDArray[np.uint64],
    n_bits: int,
    text_valid: bool,
    pw: int,
    pstride: int,
    out: NDArray[np.int64],
) -> None: ...
def naive_loop(
    t: NDArray[np.unsignedinteger], p: NDArray[np.unsignedinteger], wild: int, out: NDArray[np.int64]
) -> None: ...
def sparse_matches(
    t: NDArray[np.unsignedinteger],
    ptr: NDArray[np.int64],
    pos: NDArray[np.int32],
    weight: NDArray[np.int32],
    M: NDArray[np.int32],
) -> None: ...
def scatter_indicators(
    t: NDArray[np.unsignedinteger],
    start: int,
    step: int,
    L: int,
    row_of_code: NDArray[np.int32],
    out: NDArray[np.float64],
) -> None: ...
def qgram_codes(t: NDArray[np.unsignedinteger], q: int, bits: int, out: NDArray[np.uint64]) -> None: ...
def verify_candidates(
    t: NDArray[np.unsignedinteger],
    p: NDArray[np.unsignedinteger],
    cand: NDArray[np.int64],
    k: int,
    dist: NDArray[np.int64],
) -> int: ...
def qgram_scan(
    t: NDArray[np.unsignedinteger],
    q: int,
    bits: int,
    table: NDArray[np.uint8],
    tbits: int,
    out_pos: NDArray[np.int64],
    out_code: NDArray[np.uint64],
) -> int: ...
def apply_lut(src: NDArray[np.unsignedinteger], lut: NDArray[np.unsignedinteger], out: NDArray[np.unsignedinteger]) -> None: ...
def count_codes(t: NDArray[np.unsignedinteger], out: NDArray[np.int64]) -> None: ...
