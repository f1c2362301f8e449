"""numalg.sor side by side: learned omega vs fixed omegas, SSOR-CG vs SciPy CG, sweeps vs PyAMG.

Four parts (all in one process, single-threaded BLAS recommended:
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1``):

1. synthetic: the paper's shifted-Laplacian sequences (high / low variance).
   Every instance is solved by SOR with every omega of the learners' 20-point
   grid (best fixed in hindsight) and with Young's omega (instance-optimal);
   the learners (Tsallis-INF, structured, ChebCB, binned) solve the same
   sequence themselves.  Totals are iterations summed over the sequence,
   averaged over seeds; the regret curve is cumulative iterations minus the
   best fixed omega's.
2. heat: the 2-D heat equation by Crank-Nicolson, warm-started SSOR-CG with a
   learned omega vs every fixed omega of a grid and vs ``scipy.sparse.linalg.cg``
   (same rtol), iterations and wall-clock.
3. kernel: one forward SOR sweep on the 5-point Laplacian vs
   ``pyamg.relaxation.relaxation.sor`` (C++), same matrix, same result.
4. pyamg: real FEM matrices from PyAMG's gallery with random diagonal shifts,
   SSOR-CG with a learned omega vs the best fixed one.

Usage: ``python benchmarks/compare/sor.py [--quick] [--parts synthetic,heat,kernel,pyamg]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _table import print_table, timed  # noqa: E402

from numalg.sor import BanditSOR, ContextualBanditSOR, optimal_omega
from numalg.sor._solvers import _ssor_cg_system, _sor_system, _System
from numalg.sor.problems import HeatEquation2D, heat_kappa, load_pyamg_example, shifted_laplacian_sequence

GRID = np.linspace(1.0, 1.95, 20)


# ------------------------------------------------------------------ synthetic ---

PAPER_OMEGAS = np.linspace(1.0, 1.8, 5)  # the fixed omegas scripts/learning.m compares against


def matlab_tsallis_inf(C, seed):
    """The authors' ``learners/TsallisINF.m`` line by line, replayed on a cost table.

    mkhodak/learning-to-relax: ``eta = 2 / sqrt(t)``; the normaliser by 20
    Newton steps on ``sum 4 (eta (k / scale - x))^-2 = 1`` started at
    ``x = -1`` (with the derivative written as ``eta sum p^1.5``, i.e. its
    absolute value); ``randsample`` normalises the weights it is given, and
    the update divides by the *unnormalised* weight of the drawn arm;
    ``scale = mean(iterations) - 1``; ``k(arm) += (iterations - 1) / prob``.
    Once the cumulative estimates are large (after a few hundred instances)
    ``x = -1`` lies far left of the root, the first Newton step jumps past
    the poles and the iteration does not come back: the weights then sum to
    anything but one, nearly all the normalised mass sits on the arm with
    the smallest estimate, and that arm's estimate barely grows (it is
    divided by a huge weight).  The learner is in effect follow-the-leader,
    not Tsallis-INF.  The learner sees only iteration counts, so replaying it
    on the table of every omega's count is exact.

    Returns the total iterations, the fraction of instances whose weights
    summed to 1 within 1e-3, and the fraction of plays on the leader.
    """
    rng = np.random.default_rng(seed)
    d = C.shape[1]
    k = np.zeros(d)
    scale, losses, total, ok, lead = 1.0, 0.0, 0, 0, 0
    with np.errstate(all="ignore"):
        for t in range(1, C.shape[0] + 1):
            eta = 2.0 / np.sqrt(t)
            x = -1.0
            for _ in range(20):
                probs = 4.0 * (eta * (k / scale - x)) ** -2.0
                x = x - (probs.sum() - 1.0) / (eta * np.sum(probs**1.5))
            if np.all(np.isfinite(probs)) and probs.sum() > 0:
                cs = np.cumsum(probs / probs.sum())
                index = min(int(np.searchsorted(cs, rng.random() * cs[-1], side="right")), d - 1)
            else:  # the try/catch branch: uniform draw
                index = int(rng.integers(d))
            prob = probs[index]
            ok += abs(probs.sum() - 1.0) <= 1e-3
            lead += index == int(np.argmin(k))
            cost = int(C[t - 1, index])
            total += cost
            losses += cost
            scale = losses / t - 1.0
            k[index] += (cost - 1.0) / prob
    T = C.shape[0]
    return total, ok / T, lead / T


def synthetic(T, seeds, variance, seq_seed=0):
    rs = {"high": 0, "low": 1}[variance] + seq_seed
    seq = list(shifted_laplacian_sequence(T, variance=variance, random_state=rs))
    t0 = time.perf_counter()
    C = np.zeros((T, GRID.size), dtype=np.int64)
    inst = np.zeros(T, dtype=np.int64)
    for t, (A, b, c) in enumerate(seq):
        s = _System(A)
        for k, w in enumerate(GRID):
            C[t, k] = _sor_system(s, b, np.zeros(s.n), w, 1e-8, 10_000, "forward").n_iter
        inst[t] = _sor_system(s, b, np.zeros(s.n), optimal_omega(A), 1e-8, 10_000, "forward").n_iter
    t_table = time.perf_counter() - t0
    cum_fixed = np.cumsum(C, axis=0)
    best = int(np.argmin(cum_fixed[-1]))
    best_total = cum_fixed[-1, best]
    learners = {
        "Tsallis-INF": lambda s: BanditSOR(strategy="tsallis", random_state=s),
        "Tsallis-INF (paper's IW)": lambda s: BanditSOR(strategy="tsallis", estimator="importance_weighted",
                                                      random_state=s),
        "structured": lambda s: BanditSOR(strategy="structured", random_state=s),
        "ChebCB": lambda s: ContextualBanditSOR(context_range=(-0.15, 0.45), random_state=s),
        "binned": lambda s: ContextualBanditSOR(method="binned", context_range=(-0.15, 0.45), random_state=s),
    }
    totals, curves, times = {}, {}, {}
    for name, make in learners.items():
        tots, curve = [], np.zeros(T)
        t0 = time.perf_counter()
        for seed in range(seeds):
            m = make(seed)
            its = np.empty(T)
            for t, (A, b, c) in enumerate(seq):
                res = m.solve(A, b) if isinstance(m, BanditSOR) else m.solve(A, b, c)
                its[t] = res.n_iter
            tots.append(its.sum())
            curve += (np.cumsum(its) - cum_fixed[:, best]) / seeds
        times[name] = (time.perf_counter() - t0) / seeds
        totals[name] = tots
        curves[name] = curve
    rows = [
        ["omega = 1", float(C[:, 0].sum()), C[:, 0].sum() / best_total, C[:, 0].sum() / inst.sum(), "-", "-"],
        [f"best fixed (omega={GRID[best]:.2f})", float(best_total), 1.0, best_total / inst.sum(), "-", "-"],
        ["instance-optimal (Young)", float(inst.sum()), inst.sum() / best_total, 1.0, "-", "-"],
    ]
    paper = [int(np.argmin(np.abs(GRID - w))) for w in PAPER_OMEGAS]
    best5 = int(paper[int(np.argmin(cum_fixed[-1, paper]))])
    rows.append([f"best of learning.m's 5 omegas (omega={GRID[best5]:.2f})", float(cum_fixed[-1, best5]),
                 cum_fixed[-1, best5] / best_total, cum_fixed[-1, best5] / inst.sum(), "-", "-"])
    for name, tots in totals.items():
        m = float(np.mean(tots))
        rows.append([name, m, m / best_total, m / inst.sum(), C[:, 0].sum() / m, f"{times[name]:.1f}"])
    # the authors' MATLAB learner, replayed on the table (cheap: more seeds, it varies a lot)
    n_mat = max(seeds, 10)
    t0 = time.perf_counter()
    mat = [matlab_tsallis_inf(C, s) for s in range(n_mat)]
    mt = np.array([m[0] for m in mat], dtype=float) / best_total
    rows.append([f"authors' TsallisINF.m ({n_mat} seeds; min {mt.min():.3f}, max {mt.max():.3f})",
                 float(np.mean([m[0] for m in mat])), float(mt.mean()), float(np.mean([m[0] for m in mat])) / inst.sum(),
                 C[:, 0].sum() / np.mean([m[0] for m in mat]), f"{(time.perf_counter() - t0) / n_mat:.1f}"])
    mat_note = (f"authors' TsallisINF.m: weights summed to 1 (+-1e-3) on {100 * np.mean([m[1] for m in mat]):.1f}% "
                f"of instances, the leader (smallest estimate) played on {100 * np.mean([m[2] for m in mat]):.1f}%; "
                f"/ best of learning.m's 5 omegas: {mt.mean() * best_total / cum_fixed[-1, best5]:.3f}")
    print_table(
        ["method", "total iterations", "/ best fixed", "/ instance-opt", "omega=1 / method", "time/run [s]"],
        rows,
        title=f"\nsynthetic, {variance} variance (sequence random_state={rs}), T={T}, {seeds} seed(s) "
              f"(cost table {t_table:.0f} s)",
    )
    print(mat_note)
    checkpoints = sorted({int(T * f) - 1 for f in (0.05, 0.1, 0.2, 0.5, 1.0)} | ({999} if T > 1000 else set()))
    rows = [[name] + [float(curves[name][c]) for c in checkpoints] for name in curves]
    rows += [[name + " (ratio)"] + [float((curves[name][c] + cum_fixed[c, best]) / cum_fixed[c, best]) for c in checkpoints]
             for name in curves]
    print_table(["regret vs best fixed at T ="] + [str(c + 1) for c in checkpoints], rows)
    return curves


# ----------------------------------------------------------------------- heat ---

def heat(nx, steps, seeds, t0=0.0, n_jobs_note=""):
    """Warm-started SSOR-CG along the heat equation: learners vs every fixed omega of GRID.

    The best fixed omega in hindsight needs every omega at every step: each
    step's system is solved with all 20 omegas from the same warm start (the
    state advanced with one of the solutions, all within rtol 1e-8), which
    gives the 20 fixed totals exactly; a fixed omega's wall-clock is the sum
    of its own solve times.  The learners and SciPy's CG run the simulation
    themselves, solve and advance included in their wall-clock.
    """
    rows = []

    def run(choose):
        pde = HeatEquation2D(nx=nx, t0=t0)
        total = 0
        tic = time.perf_counter()
        for _ in range(steps):
            A, b = pde.system()
            x, k = choose(A, b, pde)
            total += k
            pde.update(x)
        return total, time.perf_counter() - tic

    def cg_choose(A, b, pde):
        count = [0]

        def cb(xk):
            count[0] += 1

        x, info = spla.cg(A, b, x0=pde.u, rtol=1e-8, maxiter=10 * pde.n, callback=cb)
        return x, count[0]

    # the table of every fixed omega
    pde = HeatEquation2D(nx=nx, t0=t0)
    its = np.zeros((steps, GRID.size), dtype=np.int64)
    secs = np.zeros((steps, GRID.size))
    tic = time.perf_counter()
    for step in range(steps):
        A, b = pde.system()
        system = _System(A)
        xs = None
        for k, w in enumerate(GRID):
            t1 = time.perf_counter()
            r = _ssor_cg_system(system, b, pde.u.copy(), float(w), 1e-8, 10 * pde.n)
            secs[step, k] = time.perf_counter() - t1
            its[step, k] = r.n_iter
            if xs is None or r.n_iter < xs[0]:
                xs = (r.n_iter, r.x)
        pde.update(xs[1])
    t_table = time.perf_counter() - tic
    tot = its.sum(0)
    best = int(np.argmin(tot))
    best_it, best_t = int(tot[best]), float(secs[:, best].sum())
    it_cg, t_cg = run(cg_choose)
    rows.append(["scipy cg (no precond.)", it_cg, t_cg, it_cg / best_it])
    if best != 0:
        rows.append(["SSOR-CG omega=1.00", int(tot[0]), float(secs[:, 0].sum()), tot[0] / best_it])
    rows.append([f"SSOR-CG omega={GRID[best]:.2f} (best fixed)", best_it, best_t, 1.0])
    for name, make in (
        ("Tsallis-INF", lambda s: BanditSOR(solver="ssor_cg", strategy="tsallis", random_state=s)),
        ("Tsallis-INF (paper's IW)", lambda s: BanditSOR(solver="ssor_cg", strategy="tsallis",
                                                         estimator="importance_weighted",
                                                         random_state=s)),
        ("structured", lambda s: BanditSOR(solver="ssor_cg", strategy="structured", random_state=s)),
        ("ChebCB", lambda s: ContextualBanditSOR(solver="ssor_cg", context_range=(0.0, 10.0), random_state=s)),
    ):
        its_l, ts = [], []
        for seed in range(seeds):
            m = make(seed)

            def learned(A, b, pde, m=m):
                r = m.solve(A, b, x0=pde.u) if isinstance(m, BanditSOR) else m.solve(A, b, pde.kappa(), x0=pde.u)
                return r.x, r.n_iter

            it, t = run(learned)
            its_l.append(it)
            ts.append(t)
        rows.append([f"{name} bandit SSOR-CG", float(np.mean(its_l)), float(np.mean(ts)),
                     float(np.mean(its_l)) / best_it])
    print_table(
        ["method", "total iterations", "wall-clock [s]", "/ best fixed its"],
        rows,
        title=f"\nheat equation, nx={nx} (n={(nx - 1) ** 2}), {steps} steps from t={t0:g}, {seeds} seed(s); "
              f"best fixed over the 20-point grid from a table of every omega at every step ({t_table:.0f} s); "
              f"fixed omegas' wall-clock = their solves only; "
              f"cg / best-fixed wall-clock = {t_cg / best_t:.2f}",
    )
    print("fixed-omega totals / best:", " ".join(f"{w:.2f}:{v:.3f}" for w, v in zip(GRID, tot / best_it)))


# --------------------------------------------------------------------- kernel ---

def kernel(m):
    try:
        from pyamg.relaxation.relaxation import sor as pyamg_sor
    except ImportError:
        print("\nkernel: pyamg not installed (pip install pyamg); skipped")
        return
    from numalg.sor import _sweeps
    from numalg.sor.problems import laplacian_2d

    A = laplacian_2d(m)
    s = _System(A)
    Ap = sp.csr_matrix(A)
    b = np.random.default_rng(0).standard_normal(s.n)
    rows = []
    for sweep, d in (("forward", 0), ("backward", 1), ("symmetric", 2)):
        x1, x2 = np.zeros(s.n), np.zeros(s.n)
        t1, t2 = [], []
        for _ in range(7):  # interleaved, best of 7
            t1.append(timed(lambda: _sweeps.sor_sweeps(s.indptr, s.indices, s.data, s.diag, b, x1, 1.5, d, 1))[0])
            if sweep == "symmetric":  # pyamg's sweep="symmetric" drops omega: call it twice
                t2.append(timed(lambda: (pyamg_sor(Ap, x2, b, 1.5, sweep="forward"),
                                         pyamg_sor(Ap, x2, b, 1.5, sweep="backward")))[0])
            else:
                t2.append(timed(lambda: pyamg_sor(Ap, x2, b, 1.5, iterations=1, sweep=sweep))[0])
        err = float(np.abs(x1 - x2).max() / np.abs(x2).max())
        rows.append([f"{sweep} sweep", s.n, min(t1) * 1e3, min(t2) * 1e3, err])
    print_table(["sweep (omega=1.5, 5-pt Laplacian)", "n", "numalg [ms]", "pyamg [ms]", "max rel diff"], rows,
                ratio=("numalg [ms]", "pyamg [ms]"), title="\none SOR sweep vs pyamg.relaxation.relaxation.sor (best of 7)")


# ---------------------------------------------------------------------- pyamg ---

def real_matrices(T, seeds):
    try:
        import pyamg  # noqa: F401
    except ImportError:
        print("\npyamg examples: pyamg not installed; skipped")
        return
    rows = []
    for name in ("airfoil", "knot", "bar", "local_disc_galerkin_diffusion"):
        A0 = load_pyamg_example(name)
        n = A0.shape[0]
        rng = np.random.default_rng(0)
        dmean = float(A0.diagonal().mean())
        seq = []
        for _ in range(T):
            c = dmean * rng.uniform(0.001, 0.5)
            seq.append((sp.csr_array(A0 + c * sp.eye_array(n)), rng.standard_normal(n)))
        C = np.zeros((T, GRID.size), dtype=np.int64)
        for t, (A, b) in enumerate(seq):
            s = _System(A)
            for k, w in enumerate(GRID):
                C[t, k] = _ssor_cg_system(s, b, np.zeros(n), w, 1e-8, 10 * n).n_iter
        best = C.sum(0).min()
        for strategy, est in (("tsallis", "reduced_variance"), ("tsallis", "importance_weighted"),
                              ("structured", "reduced_variance")):
            tots = []
            for seed in range(seeds):
                m = BanditSOR(solver="ssor_cg", strategy=strategy, estimator=est, random_state=seed)
                tots.append(sum(m.solve(A, b).n_iter for A, b in seq))
            label = strategy + (" (paper's IW)" if est == "importance_weighted" else "")
            rows.append([name, n, label, float(best), f"{GRID[C.sum(0).argmin()]:.2f}",
                         float(np.mean(tots)), float(np.mean(tots)) / best, float(C[:, 0].sum()) / best])
    print_table(["matrix", "n", "learner", "best fixed its", "best omega", "learner its", "learner / best",
                 "omega=1 / best"], rows,
                title=f"\nPyAMG gallery matrices + random diagonal shifts, SSOR-CG, T={T}, {seeds} seed(s)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="reduced sizes (about a minute)")
    p.add_argument("--parts", default="synthetic,heat,kernel,pyamg")
    p.add_argument("--T", type=int, default=None, help="synthetic sequence length (default 5000; quick 300)")
    p.add_argument("--seeds", type=int, default=None)
    p.add_argument("--sequence-seed", type=int, default=0,
                   help="offset of the synthetic sequences' random_state (0: high 0, low 1; others are held out)")
    p.add_argument("--heat-nx", default=None, help="comma-separated grids (default 25,50,100,200)")
    p.add_argument("--heat-steps", type=int, default=None, help="default 2000 (quick 200)")
    p.add_argument("--heat-t0", type=float, default=0.0, help="start time of the heat simulation")
    p.add_argument("--plot", default=None, help="save the regret curves to this PNG file")
    args = p.parse_args(argv)
    parts = args.parts.split(",")
    q = args.quick
    seeds = args.seeds or (1 if q else 3)
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')} "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    if "synthetic" in parts:
        T = args.T or (300 if q else 5000)
        curves = {v: synthetic(T, seeds, v, args.sequence_seed) for v in ("high", "low")}
        if args.plot:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            fig, axes = plt.subplots(1, 2, figsize=(10, 4))
            for ax, (v, cv) in zip(axes, curves.items()):
                for name, c in cv.items():
                    ax.plot(np.arange(1, c.size + 1), c, label=name)
                ax.axhline(0, color="k", lw=0.5)
                ax.set(title=f"{v} variance", xlabel="instance", ylabel="cumulative its - best fixed")
                ax.legend()
            fig.tight_layout()
            fig.savefig(args.plot, dpi=100)
    if "heat" in parts:
        nxs = [int(v) for v in (args.heat_nx or ("25,50" if q else "25,50,100,200")).split(",")]
        steps = args.heat_steps or (200 if q else 2000)
        for nx in nxs:
            heat(nx, steps, 1 if nx > 100 else seeds, args.heat_t0)
    if "kernel" in parts:
        kernel(300 if q else 1000)
    if "pyamg" in parts:
        real_matrices(200 if q else 1000, seeds)


if __name__ == "__main__":
    main()
