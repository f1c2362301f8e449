"""Finite-sum monotone inclusions: Halpern, variance-reduced Halpern, EG/EAG/VR-EG baselines."""

from ._estimators import SaddlePointSVC
from ._problems import BilinearQP, FiniteSumOperator, MatrixGame
from ._solvers import GameResult, MonotoneResult, solve, solve_matrix_game

__all__ = [
    "BilinearQP",
    "FiniteSumOperator",
    "GameResult",
    "MatrixGame",
    "MonotoneResult",
    "SaddlePointSVC",
    "solve",
    "solve_matrix_game",
]
