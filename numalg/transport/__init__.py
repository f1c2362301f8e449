"""Entropic optimal transport: log-domain Sinkhorn and Sinkhorn-Newton-Sparse."""

from ._solvers import TransportResult, sinkhorn, sinkhorn_newton_sparse

__all__ = ["TransportResult", "sinkhorn", "sinkhorn_newton_sparse"]
