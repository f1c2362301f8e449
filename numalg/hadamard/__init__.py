"""Walsh-Hadamard transforms: a fast dense FWHT and SPRIGHT, the sparse WHT."""

from ._transform import fwht, ifwht

__all__ = ["fwht", "ifwht"]
