"""Entropic optimal transport: log-domain Sinkhorn and Sinkhorn-Newton-Sparse."""

from ._estimators import EntropicTransport
from ._solvers import TransportResult, sinkhorn, sinkhorn_newton_sparse

__all__ = ["EntropicTransport", "TransportResult", "sinkhorn", "sinkhorn_newton_sparse"]
