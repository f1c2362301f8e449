"""Low-rank matrix completion by robust alternating minimization."""

from ._estimators import MatrixCompletion
from ._solvers import CompletionResult, complete_matrix

__all__ = ["CompletionResult", "MatrixCompletion", "complete_matrix"]
