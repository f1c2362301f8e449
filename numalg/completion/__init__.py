"""Low-rank matrix completion by robust alternating minimization."""

from ._solvers import CompletionResult, complete_matrix

__all__ = ["CompletionResult", "complete_matrix"]
