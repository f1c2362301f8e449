"""numalg.transport side by side with POT and RegOT, at equal accuracy.

Every solver is stopped at marginal error ||P 1 - a||_1 + ||P^T 1 - b||_1 <= 1e-8
(recomputed here from each returned plan).  The peers measure something else,
so their tolerances are set tighter:

* POT ``ot.sinkhorn`` (methods sinkhorn, sinkhorn_stabilized, sinkhorn_log)
  stops when the L2 norm of the column-marginal violation is below ``stopThr``
  (checked every 10 iterations; rows are exact then): ``stopThr = 1e-8 / sqrt(m)``.
* RegOT stops on the L2 norm of the dual gradient: ``tol = 1e-8 / sqrt(n + m)``.

A solver that does not reach 1e-8 (recomputed) within its time budget (numalg's
Sinkhorn: three budgets) is listed
with ``>`` its time and does not count as "best".  When no POT method reaches
the tolerance within the budget, the table also shows an *estimate*: POT's
measured time per iteration times the number of sweeps numalg's Sinkhorn (same
iteration) needed.  BLAS is limited to one thread (threadpoolctl) so that
every solver, numalg's single-threaded kernels included, uses one core.

Usage: ``python benchmarks/compare/transport.py [--quick] [--budget SECONDS]``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _table import print_table  # noqa: E402

from numalg.transport import sinkhorn, sinkhorn_newton_sparse  # noqa: E402
from numalg.transport._problems import digits_pair, point_clouds, random_assignment  # noqa: E402

TOL = 1e-8


def marginal_error(P, a, b):
    return float(np.abs(P.sum(1) - a).sum() + np.abs(P.sum(0) - b).sum())


def run_numalg(kind, a, b, M, reg, budget):
    if kind == "sns":
        t0 = time.perf_counter()
        res = sinkhorn_newton_sparse(a, b, M, reg, tol=TOL)
        t = time.perf_counter() - t0
        return dict(time=t, iters=f"{res.n_sinkhorn_iter}+{res.n_newton_iter}",
                    n=res.n_iter, err=marginal_error(res.plan, a, b))
    log_domain = kind == "sinkhorn_log"
    # stop at the budget (by a callback, which costs a Python call per sweep)
    t_start = time.perf_counter()

    def out_of_time(info):
        return time.perf_counter() - t_start > budget

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sinkhorn(a, b, M, reg, tol=TOL, max_iter=10_000_000, log_domain=log_domain,
                       callback=out_of_time)
    t = time.perf_counter() - t_start
    return dict(time=t, iters=str(res.n_iter), n=res.n_iter, err=marginal_error(res.plan, a, b),
                per_iter=t / res.n_iter)


def run_pot(method, a, b, M, reg, budget):
    import ot

    thr = TOL / math.sqrt(len(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        ot.sinkhorn(a, b, M, reg, method=method, numItermax=20, stopThr=0.0)
        per = (time.perf_counter() - t0) / 20
        cap = max(20, int(budget / per))
        t0 = time.perf_counter()
        P, log = ot.sinkhorn(a, b, M, reg, method=method, numItermax=cap, stopThr=thr, log=True)
        t = time.perf_counter() - t0
    P = np.asarray(P)
    n_it = int(log.get("niter", log.get("n_iter", cap))) if isinstance(log, dict) else cap
    err = marginal_error(P, a, b) if np.isfinite(P).all() else np.inf
    return dict(time=t, iters=str(n_it), n=n_it, err=err, per_iter=t / max(n_it, 1))


def run_regot(name, a, b, M, reg, budget):
    import regot

    fn = getattr(regot, name)
    Mf = np.asfortranarray(M)
    tol = TOL / math.sqrt(len(a) + len(b))
    t0 = time.perf_counter()
    res = fn(Mf, a, b, reg, tol=tol, max_iter=1000 if name != "sinkhorn_bcd" else 100_000)
    t = time.perf_counter() - t0
    P = np.asarray(res.plan)
    err = marginal_error(P, a, b) if np.isfinite(P).all() else np.inf
    return dict(time=t, iters=str(res.niter), n=res.niter, err=err)


def problems(quick):
    n = 200 if quick else 500
    for eta in (100, 1200):
        a, b, M = random_assignment(n, seed=0)
        yield f"random n={n} eta={eta}", a, b, M, 1.0 / eta
    for metric, label in (("cityblock", "L1"), ("sqeuclidean", "L2^2")):
        regs = (1e-2, 1e-3) if quick else (1e-2, 3e-3, 1e-3)
        a, b, M = digits_pair(0, 1, metric=metric, size=20 if quick else 28)
        for reg in regs:
            yield f"digits {label} n={len(a)} reg={reg:g}", a, b, M, reg
    nc = 500 if quick else 2000
    a, b, M = point_clouds(nc, seed=0)
    for reg in (1e-2, 1e-3):
        yield f"clouds n={nc} reg={reg:g}", a, b, M, reg


def fmt_time(r):
    if r is None:
        return "-"
    s = f"{r['time']:.3g}"
    return s if r["err"] <= TOL else ">" + s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes and budget")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds per slow solver (default 60, 10 with --quick)")
    parser.add_argument("--only", default=None, help="run only problems whose name contains this")
    args = parser.parse_args(argv)
    budget = args.budget or (10.0 if args.quick else 60.0)
    try:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(1)
    except ImportError:  # pragma: no cover
        limiter = None
        print("note: threadpoolctl missing, BLAS threads not limited")
    try:
        import ot  # noqa: F401

        pot_methods = ["sinkhorn", "sinkhorn_stabilized", "sinkhorn_log"]
    except ImportError:
        pot_methods = []
        print("note: POT (pip install pot) not installed: its columns are skipped")
    try:
        import regot  # noqa: F401

        regot_methods = ["sinkhorn_ssns", "sinkhorn_sparse_newton", "sinkhorn_splr"]
    except ImportError:
        regot_methods = []
        print("note: RegOT (pip install regot) not installed: its columns are skipped")

    rows, detail, periter = [], [], []
    for name, a, b, M, reg in problems(args.quick):
        if args.only and args.only not in name:
            continue
        sns = run_numalg("sns", a, b, M, reg, budget)
        own = run_numalg("sinkhorn", a, b, M, reg, 3 * budget)
        own_log = run_numalg("sinkhorn_log", a, b, M, reg, min(budget, 5.0))
        pot = {m: run_pot(m, a, b, M, reg, budget) for m in pot_methods}
        reg_ = {m: run_regot(m, a, b, M, reg, budget) for m in regot_methods}
        for label, r in [("numalg SNS", sns), ("numalg sinkhorn(log_domain=False)", own),
                         ("numalg sinkhorn(log_domain=True)", own_log)] + \
                [(f"POT {m}", r) for m, r in pot.items()] + [(f"RegOT {m}", r) for m, r in reg_.items()]:
            detail.append([name, label, fmt_time(r), r["iters"], f"{r['err']:.1e}"])
        ok_pot = {m: r for m, r in pot.items() if r["err"] <= TOL}
        ok_reg = {m: r for m, r in reg_.items() if r["err"] <= TOL}
        best_pot = min(ok_pot.items(), key=lambda kv: kv[1]["time"]) if ok_pot else None
        best_reg = min(ok_reg.items(), key=lambda kv: kv[1]["time"]) if ok_reg else None
        if best_pot:
            pot_t, pot_lbl = best_pot[1]["time"], f"{best_pot[0]} ({best_pot[1]['iters']} it)"
        elif pot and own["err"] <= TOL:
            fastest = min(pot.items(), key=lambda kv: kv[1]["per_iter"])
            pot_t = fastest[1]["per_iter"] * own["n"]
            pot_lbl = f"est. {fastest[0]} x {own['n']} it (none reached in {budget:g} s)"
        else:
            pot_t, pot_lbl = float("nan"), "none reached"
        reg_t = best_reg[1]["time"] if best_reg else float("nan")
        reg_lbl = f"{best_reg[0]} ({best_reg[1]['iters']} it)" if best_reg else "none reached"
        sns_t = sns["time"] if sns["err"] <= TOL else float("nan")
        rows.append([name, sns_t, sns["iters"], own["iters"] if own["err"] <= TOL else ">" + own["iters"],
                     pot_t, pot_lbl, reg_t, reg_lbl, sns_t / pot_t, sns_t / reg_t])
        if "sinkhorn_log" in pot:
            periter.append([name, 1e3 * own_log["per_iter"], 1e3 * pot["sinkhorn_log"]["per_iter"],
                            pot["sinkhorn_log"]["per_iter"] / own_log["per_iter"]])
        print(f"done: {name}", flush=True)

    print()
    print_table(["problem", "solver", "time [s]", "iterations", "marginal err"], detail,
                title="All solvers (time with '>' = did not reach 1e-8 within the budget)")
    print()
    print_table(["problem", "SNS [s]", "SNS it (sk+nt)", "Sinkhorn it", "POT best [s]", "POT best",
                 "RegOT best [s]", "RegOT best", "SNS/POT", "SNS/RegOT"], rows,
                title=f"numalg SNS vs the fastest peer reaching marginal error {TOL:g}")
    if periter:
        print()
        print_table(["problem", "numalg log sweep [ms]", "POT sinkhorn_log it [ms]", "speed-up"], periter,
                    title="Per-iteration cost of the log-domain Sinkhorn")
    if limiter is not None:
        limiter.restore_original_limits()


if __name__ == "__main__":
    main()
