"""asv benchmarks of numalg.bcd."""

import numpy as np
import scipy.sparse as sp

from numalg.bcd import L1, GraphQuadratic, Lasso, Logistic, NoPenalty, Quadratic, solve


def _dataset_a(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.07, format="csc", random_state=rng, data_rvs=rng.standard_normal)
    w = np.zeros(p)
    w[rng.choice(p, 20, replace=False)] = rng.standard_normal(20)
    return X, X @ w + 0.1 * rng.standard_normal(n)


class LassoSolve:
    params = ([0.1, 0.01], ["gsl", "cyclic"])
    param_names = ["alpha_ratio", "selection"]

    def setup(self, ratio, selection):
        self.X, self.y = _dataset_a(300, 2000)
        self.alpha = ratio * float(np.abs(self.X.T @ self.y).max()) / 300

    def time_solve(self, ratio, selection):
        solve(Quadratic(), L1(self.alpha), self.X, self.y, selection=selection, tol=1e-8)

    def peakmem_solve(self, ratio, selection):
        solve(Quadratic(), L1(self.alpha), self.X, self.y, selection=selection, tol=1e-8)

    def track_gap(self, ratio, selection):
        return solve(Quadratic(), L1(self.alpha), self.X, self.y, selection=selection, tol=1e-8).gap


class LassoEstimatorDense:
    params = [[100, 500]]
    param_names = ["n_features"]

    def setup(self, p):
        rng = np.random.default_rng(0)
        self.X = rng.standard_normal((200, p))
        self.y = self.X[:, :5] @ np.ones(5) + 0.1 * rng.standard_normal(200)

    def time_fit(self, p):
        Lasso(alpha=0.01).fit(self.X, self.y)


class SparseLogistic:
    params = [[0.1]]
    param_names = ["alpha_ratio"]

    def setup(self, ratio):
        X, y = _dataset_a(300, 2000, seed=1)
        self.X, self.y = X, np.where(y > 0, 1.0, -1.0)
        self.alpha = ratio * float(np.abs(self.X.T @ self.y).max()) / 600

    def time_solve(self, ratio):
        solve(Logistic(), L1(self.alpha), self.X, self.y, tol=1e-8)


class LabelPropagationLattice:
    params = (["greedy_tree", "tree", "red_black"],)
    param_names = ["partition"]

    def setup(self, partition):
        k = 30
        path = sp.diags_array([np.ones(k - 1), np.ones(k - 1)], offsets=[-1, 1], shape=(k, k))
        W = sp.csr_array(sp.kron(sp.eye_array(k), path) + sp.kron(path, sp.eye_array(k)))
        rng = np.random.default_rng(0)
        lab = np.zeros(k * k, bool)
        lab[rng.choice(k * k, 18, replace=False)] = True
        self.gq = GraphQuadratic(W, lab)
        self.y = np.where(rng.random(k * k) < 0.5, 1.0, -1.0)

    def time_solve(self, partition):
        solve(self.gq, NoPenalty(), None, self.y, partition=partition, update="message_passing",
              tol=1e-6, max_iter=100000)

    def track_iterations(self, partition):
        return solve(self.gq, NoPenalty(), None, self.y, partition=partition,
                     update="message_passing", tol=1e-6, max_iter=100000).n_iter
