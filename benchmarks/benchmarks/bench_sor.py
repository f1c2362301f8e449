"""asv benchmarks of numalg.sor."""

import numpy as np

from numalg.sor import BanditSOR, sor, ssor_cg
from numalg.sor import _sweeps
from numalg.sor._solvers import _System
from numalg.sor.problems import HeatEquation2D, laplacian_2d, shifted_laplacian_sequence


class SORSweep:
    """One SOR sweep on the 5-point Laplacian (the kernel)."""

    params = ([100, 300, 1000], ["forward", "backward", "symmetric"])
    param_names = ["m", "sweep"]

    def setup(self, m, sweep):
        self.s = _System(laplacian_2d(m))
        self.b = np.random.default_rng(0).standard_normal(self.s.n)
        self.x = np.zeros(self.s.n)
        self.d = {"forward": 0, "backward": 1, "symmetric": 2}[sweep]

    def time_sweep(self, m, sweep):
        s = self.s
        _sweeps.sor_sweeps(s.indptr, s.indices, s.data, s.diag, self.b, self.x, 1.5, self.d, 1)


class Solve:
    """Full solves to 1e-8 on the Laplacian with Young's omega."""

    params = ([30, 100], ["sor", "ssor_cg"])
    param_names = ["m", "solver"]

    def setup(self, m, solver):
        self.A = laplacian_2d(m)
        self.b = np.random.default_rng(0).standard_normal(m * m)
        self.omega = 2 / (1 + np.sin(np.pi / (m + 1)))
        self.fn = sor if solver == "sor" else ssor_cg

    def time_solve(self, m, solver):
        self.fn(self.A, self.b, self.omega)

    def peakmem_solve(self, m, solver):
        self.fn(self.A, self.b, self.omega)

    def track_iterations(self, m, solver):
        return self.fn(self.A, self.b, self.omega).n_iter


class BanditSequence:
    """Tsallis-INF / structured over 100 shifted Laplacians (SOR)."""

    params = ["tsallis", "structured"]
    param_names = ["strategy"]

    def setup(self, strategy):
        self.seq = list(shifted_laplacian_sequence(100, random_state=0))

    def time_sequence(self, strategy):
        b = BanditSOR(strategy=strategy, random_state=0)
        for A, rhs, _ in self.seq:
            b.solve(A, rhs)

    def track_total_iterations(self, strategy):
        b = BanditSOR(strategy=strategy, random_state=0)
        return sum(b.solve(A, rhs).n_iter for A, rhs, _ in self.seq)


class HeatStep:
    """One warm-started Crank-Nicolson step of the heat equation by SSOR-CG."""

    params = [50, 100]
    param_names = ["nx"]

    def setup(self, nx):
        self.pde = HeatEquation2D(nx=nx, t0=0.7)
        self.A, self.b = self.pde.system()

    def time_ssor_cg(self, nx):
        ssor_cg(self.A, self.b, 1.8, x0=self.pde.u)
