"""SOR and SSOR-preconditioned CG, with the relaxation parameter learned online across a sequence of systems."""

from . import problems
from ._learners import BanditSOR, ContextualBanditSOR
from ._solvers import SolveResult, optimal_omega, sor, ssor_cg

__all__ = [
    "sor",
    "ssor_cg",
    "optimal_omega",
    "SolveResult",
    "BanditSOR",
    "ContextualBanditSOR",
    "problems",
]
