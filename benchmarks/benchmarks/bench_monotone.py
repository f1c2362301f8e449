"""asv benchmarks of numalg.monotone."""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from numalg.monotone import MatrixGame, solve
from numalg.monotone import _kernels


def _low_rank_game(n, rank=5, noise=0.01, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, rank)) @ rng.standard_normal((rank, n)) / np.sqrt(rank)
    A += noise * rng.standard_normal((n, n))
    return A / np.linalg.norm(A, 2)


class SimplexProjection:
    params = [[1000, 100_000]]
    param_names = ["d"]

    def setup(self, d):
        rng = np.random.default_rng(0)
        self.v = rng.standard_normal(d) * 0.01 + 1.0 / d
        self.out = np.empty(d)

    def time_michelot(self, d):
        _kernels.proj_simplex(self.v, self.out, 1.0)

    def time_sort(self, d):
        _kernels.proj_simplex(self.v, self.out, 1.0, True)


class SampledGather:
    params = [[500, 2000], ["dense", "sparse"]]
    param_names = ["n", "format"]

    def setup(self, n, fmt):
        rng = np.random.default_rng(0)
        game = MatrixGame(_low_rank_game(n) if fmt == "dense"
                          else sp.random_array((n, n), density=0.01, rng=np.random.default_rng(0), format="csr"),
                          lipschitz=1.0)
        self.oracle = game._oracle()
        self.oracle.rng = rng
        self.u = game.initial_point()
        self.w = np.abs(rng.standard_normal(2 * n))
        self.oracle.prox_step(self.w, 1.0)

    def time_estimate(self, n, fmt):
        self.oracle.est_diff(self.u, self.w)

    def time_full_epoch(self, n, fmt):
        self.oracle.full(self.u)


class FusedForb:
    """The compiled VR-FoRB inner loop (200 steps) and one full evaluation, dense and sparse."""

    params = [[1000], ["dense", "sparse"]]
    param_names = ["n", "format"]

    def setup(self, n, fmt):
        rng = np.random.default_rng(0)
        A = (_low_rank_game(n) if fmt == "dense"
             else sp.random_array((n, n), density=0.01, rng=np.random.default_rng(0), format="csr"))
        self.game = MatrixGame(A, lipschitz=1.0)
        self.oracle = self.game._oracle()
        self.oracle.set_batch(1.0 / np.sqrt(2 * n))
        self.G = self.oracle.game
        self.u = self.game.initial_point()
        self.steps = 200
        self.by, self.bx = self.oracle.blocks[0].batch, self.oracle.blocks[1].batch
        self.rand = rng.random(self.steps * (self.bx + self.by))
        self.coin = rng.random(self.steps)
        z = np.zeros(2 * n)
        z[rng.integers(0, n, 20)] = 0.05
        z[n + rng.integers(0, n, 20)] = 0.05
        self.z0 = 0.5 * z + 0.5 * self.u

    def time_inner_loop(self, n, fmt):
        z, w, wp = self.z0.copy(), self.u.copy(), self.u.copy()
        Fw = self.G.full(w)
        _kernels.game_forb(*self.G.args, self.G.c0, self.u, z, w, wp, Fw, self.steps, self.bx, self.by,
                           0.99, 0.01, 10.0, 1.0 / np.sqrt(2 * n), self.rand, self.coin)

    def time_full_evaluation(self, n, fmt):
        self.G.full(self.u)


class GameSolve:
    params = [["halpern", "vr_halpern", "anchored_extragradient"], [300]]
    param_names = ["method", "n"]
    timeout = 120

    def setup(self, method, n):
        self.game = MatrixGame(_low_rank_game(n), lipschitz=1.0 + 1e-6)

    def _run(self, method):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return solve(self.game, method=method, tol=1e-4, max_epochs=300, random_state=0)

    def time_solve(self, method, n):
        self._run(method)

    def peakmem_solve(self, method, n):
        self._run(method)

    def track_epochs(self, method, n):
        return self._run(method).n_epochs

    def track_residual(self, method, n):
        return self._run(method).residual
