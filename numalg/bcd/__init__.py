"""Greedy block coordinate descent: datafits, penalties, rules, updates, estimators."""

from ._objects import (
    ElasticNetPenalty,
    GraphQuadratic,
    L1,
    L2,
    Logistic,
    Multinomial,
    NoPenalty,
    NonNegative,
    Quadratic,
)
from ._estimators import ElasticNet, LabelPropagation, Lasso, LogisticRegression
from ._solvers import BCDResult, solve

__all__ = [
    "solve",
    "BCDResult",
    "Quadratic",
    "Logistic",
    "Multinomial",
    "GraphQuadratic",
    "NoPenalty",
    "L2",
    "L1",
    "ElasticNetPenalty",
    "NonNegative",
    "Lasso",
    "ElasticNet",
    "LogisticRegression",
    "LabelPropagation",
]
