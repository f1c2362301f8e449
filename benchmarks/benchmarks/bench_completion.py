"""asv benchmarks of numalg.completion."""

import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from numalg.completion import MatrixCompletion, complete_matrix
from numalg.completion import _als


def _problem(n, k, ratio, seed=0):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((n, k)), rng.standard_normal((n, k))
    n_obs = int(ratio * k * (2 * n - k))
    lin = rng.choice(n * n, size=n_obs, replace=False)
    rows, cols = np.divmod(lin, n)
    return A, B, rows, cols, np.einsum("ij,ij->i", A[rows], B[cols])


class CompleteMatrix:
    params = ([500, 2000], [5, 10], ["exact", "sketch"])
    param_names = ["n", "rank", "solver"]

    def setup(self, n, rank, solver):
        self.A, self.B, self.rows, self.cols, self.vals = _problem(n, rank, 5.0)

    def _run(self, n, rank, solver):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return complete_matrix(self.rows, self.cols, self.vals, (n, n), rank,
                                   solver=solver, random_state=0)

    def time_complete(self, n, rank, solver):
        self._run(n, rank, solver)

    def peakmem_complete(self, n, rank, solver):
        self._run(n, rank, solver)

    def track_relative_error(self, n, rank, solver):
        res = self._run(n, rank, solver)
        M = self.A @ self.B.T
        return float(np.linalg.norm(res.U @ res.V.T - M) / np.linalg.norm(M))

    def track_sweeps(self, n, rank, solver):
        return self._run(n, rank, solver).n_iter


class RowSolves:
    """One half-sweep: every row's least squares, exact vs sketched."""

    params = ([10, 50], ["exact", "sketch"])
    param_names = ["rank", "solver"]

    def setup(self, rank, solver):
        # the kernels call LAPACK on k x k blocks: one BLAS thread, as complete_matrix does
        self._limits = threadpool_limits(limits=1, user_api="blas")
        rng = np.random.default_rng(0)
        m, n, per_row = 200, 5000, 40 * rank
        self.F = rng.standard_normal((n, rank))
        self.indices = np.concatenate([rng.choice(n, per_row, replace=False) for _ in range(m)]).astype(np.int64)
        self.indptr = np.arange(0, m * per_row + 1, per_row, dtype=np.int64)
        self.data = rng.standard_normal(self.indices.size)
        self.hashes = rng.integers(0, 2**32, size=self.indices.size, dtype=np.uint32)
        self.out = np.zeros((m, rank))
        self.sse = np.zeros(m)

    def time_half_sweep(self, rank, solver):
        if solver == "exact":
            _als.solve_rows_exact(self.indptr, self.indices, self.data, self.F, 0.0, self.out, self.sse)
        else:
            self.out[:] = 0.0
            _als.solve_rows_sketch(self.indptr, self.indices, self.data, self.F, 0.0, self.out,
                                   self.sse, self.hashes, 4 * rank, 30, 1e-12)


class Imputer:
    params = [[0.2, 0.5]]
    param_names = ["observed_fraction"]

    def setup(self, frac):
        rng = np.random.default_rng(0)
        M = rng.standard_normal((1000, 5)) @ rng.standard_normal((5, 300))
        self.X = np.where(rng.random(M.shape) < frac, M, np.nan)

    def time_fit_transform(self, frac):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            MatrixCompletion(rank=5, random_state=0).fit_transform(self.X)
