"""Tour entry of the sor family: a heat-equation sequence solved by bandit-tuned SSOR-CG."""

import time

import numpy as np
import scipy.sparse.linalg as spla

from .._tour import TourRow
from ._learners import BanditSOR
from ._solvers import ssor_cg
from .problems import HeatEquation2D

_NX = 40
_STEPS = 250
_T0 = 0.45
_FIXED = (1.0, 1.3, 1.5, 1.6, 1.7, 1.8, 1.9)


def _run(nx, steps, choose):
    """Step the PDE; ``choose(A, b, pde)`` returns (x, n_iter). Returns (u, total_iters, seconds)."""
    pde = HeatEquation2D(nx=nx, t0=_T0)
    total = 0
    t0 = time.perf_counter()
    for _ in range(steps):
        A, b = pde.system()
        x, k = choose(A, b, pde)
        total += k
        pde.update(x)
    return pde.u, total, time.perf_counter() - t0


def tour() -> TourRow:
    bandit = BanditSOR(solver="ssor_cg", strategy="structured", random_state=0)

    def learned(A, b, pde):
        r = bandit.solve(A, b, x0=pde.u)
        return r.x, r.n_iter

    u, it_bandit, t_bandit = _run(_NX, _STEPS, learned)

    fixed = {}
    for w in _FIXED:
        def fixed_solve(A, b, pde, w=w):
            r = ssor_cg(A, b, w, x0=pde.u)
            return r.x, r.n_iter

        fixed[w] = _run(_NX, _STEPS, fixed_solve)[1]
    best_w = min(fixed, key=fixed.get)

    def direct(A, b, pde):
        return spla.spsolve(A.tocsc(), b), 0

    u_ref, _, t_ref = _run(_NX, _STEPS, direct)
    err = float(np.linalg.norm(u - u_ref) / np.linalg.norm(u_ref))
    return TourRow(
        family="sor",
        problem=f"heat eq. Crank-Nicolson, {_STEPS} steps from t={_T0:g} (rel. error of u_T)",
        size=f"n={(_NX - 1) ** 2}",
        result=(
            f"bandit {it_bandit} its = {it_bandit / fixed[1.0]:.2f}x omega=1, "
            f"{it_bandit / fixed[best_w]:.2f}x best fixed ({best_w:g})"
        ),
        error=err,
        time=t_bandit,
        speedup=t_ref / t_bandit,
        note=(
            "BanditSOR(strategy='structured') over SSOR-CG, warm-started; reference: "
            "scipy spsolve at every step; best fixed over omega in " + ", ".join(f"{w:g}" for w in _FIXED)
        ),
    )
