"""Sequences: Berlekamp-Massey, certified continued fractions, ESMA conjecture search."""

from ._estimators import LinearRecurrence
from ._esma import Conjecture, esma_search
from ._berlekamp import Recurrence, berlekamp_massey, is_prime
from ._contfrac import (
    CONSTANTS,
    continued_fraction,
    convergents,
    evaluate_continued_fraction,
    pcf_limit,
)

__all__ = [
    "CONSTANTS",
    "Conjecture",
    "LinearRecurrence",
    "Recurrence",
    "berlekamp_massey",
    "continued_fraction",
    "convergents",
    "esma_search",
    "evaluate_continued_fraction",
    "is_prime",
    "pcf_limit",
]
