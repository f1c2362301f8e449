"""Walsh-Hadamard transforms: a fast dense FWHT and SPRIGHT, the sparse WHT."""

from ._estimators import SparseWalshHadamard
from ._spright import SparseWHTResult, sparse_wht, walsh_expansion
from ._transform import fwht, ifwht

__all__ = ["fwht", "ifwht", "sparse_wht", "SparseWHTResult", "SparseWalshHadamard", "walsh_expansion"]
