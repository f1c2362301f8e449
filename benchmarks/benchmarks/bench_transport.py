"""asv benchmarks of numalg.transport."""

import warnings

import numpy as np

from numalg.transport import sinkhorn, sinkhorn_newton_sparse
from numalg.transport._problems import digits_pair, random_assignment


class RandomAssignment:
    """Tang et al.'s set-up: cost uniform on [0, 1], uniform marginals."""

    params = ([200, 500], [100, 1200])
    param_names = ["n", "eta"]

    def setup(self, n, eta):
        self.a, self.b, self.M = random_assignment(n, seed=0)
        self.reg = 1.0 / eta

    def time_sns(self, n, eta):
        sinkhorn_newton_sparse(self.a, self.b, self.M, self.reg, tol=1e-8)

    def peakmem_sns(self, n, eta):
        sinkhorn_newton_sparse(self.a, self.b, self.M, self.reg, tol=1e-8)

    def track_sns_iterations(self, n, eta):
        return sinkhorn_newton_sparse(self.a, self.b, self.M, self.reg, tol=1e-8).n_iter

    def track_sns_marginal_error(self, n, eta):
        return sinkhorn_newton_sparse(self.a, self.b, self.M, self.reg, tol=1e-8).marginal_error


class SinkhornSweeps:
    """Cost of 50 Sinkhorn sweeps (log-domain and matrix-vector)."""

    params = ([500, 1000], [True, False])
    param_names = ["n", "log_domain"]

    def setup(self, n, log_domain):
        self.a, self.b, self.M = random_assignment(n, seed=1)

    def time_50_sweeps(self, n, log_domain):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sinkhorn(self.a, self.b, self.M, 1e-3, tol=1e-300, max_iter=50, log_domain=log_domain)


class DigitsDensities:
    """A pair of digits as densities on a 28 x 28 grid (n = 784)."""

    params = (["sqeuclidean", "cityblock"], [1e-2, 1e-3])
    param_names = ["metric", "reg"]
    timeout = 120

    def setup(self, metric, reg):
        if metric == "cityblock" and reg < 1e-2:
            raise NotImplementedError  # Sinkhorn stage alone is too long for asv
        self.a, self.b, self.M = digits_pair(0, 1, metric=metric)
        self.reg = reg

    def time_sns(self, metric, reg):
        sinkhorn_newton_sparse(self.a, self.b, self.M, self.reg, tol=1e-8)

    def track_sns_iterations(self, metric, reg):
        return sinkhorn_newton_sparse(self.a, self.b, self.M, self.reg, tol=1e-8).n_iter
