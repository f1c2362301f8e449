"""Frozen dataclasses for solver results.

Every family's result class derives from :class:`Result` (or, for iterative
solvers, :class:`IterativeResult`, which adds ``n_iter``, ``converged``,
``history``), so that every result prints the same readable way::

    @dataclass(frozen=True, kw_only=True, repr=False)
    class TransportResult(IterativeResult):
        plan: np.ndarray
        ...
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Result", "IterativeResult", "summarize"]


def summarize(value, *, max_len: int = 60) -> str:
    """A one-line description of a field's value for ``repr``.

    Arrays show their shape and dtype (and the value when they hold one
    element), sparse matrices their shape and stored entries, long
    sequences their length.
    """
    try:
        import scipy.sparse as sp

        if sp.issparse(value):
            return f"<{value.format} sparse {value.shape[0]}x{value.shape[1]}, nnz={value.nnz}>"
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return f"array({value.ravel()[0]!r}, dtype={value.dtype})"
        shape = "x".join(str(s) for s in value.shape) or "()"
        return f"<ndarray {shape} {value.dtype}>"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return f"<{type(value).__name__} of {len(value)}>"
    if isinstance(value, dict) and len(value) > 6:
        return f"<dict of {len(value)} keys>"
    text = repr(value)
    return text if len(text) <= max_len else text[: max_len - 3] + "..."


@dataclass(frozen=True, kw_only=True, repr=False)
class Result:
    """Base class of every solver result: immutable, with a compact ``repr``."""

    def __repr__(self) -> str:
        parts = [
            f"{f.name}={summarize(getattr(self, f.name))}"
            for f in dataclasses.fields(self)
            if f.repr
        ]
        return f"{type(self).__name__}(" + ", ".join(parts) + ")"

    def _repr_pretty_(self, p, cycle):  # IPython
        p.text(repr(self))


@dataclass(frozen=True, kw_only=True, repr=False)
class IterativeResult(Result):
    """Result of an iterative solver.

    Attributes
    ----------
    n_iter : int
        Iterations performed.
    converged : bool
        Whether the stopping criterion was met within the budget.
    history : dict of str to ndarray
        A small per-iteration record for plotting (for instance
        ``{"residual": array([...]), "time": array([...])}``).
    """

    n_iter: int
    converged: bool
    history: dict = field(default_factory=dict)
