"""The tour: one realistic problem per family, checked against a reference.

Each family contributes ``numalg/<family>/_tour.py`` with a function
``tour() -> TourRow``; this module finds them, runs them and prints one table
row each.  A family whose subpackage is not present is listed as not built.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import time
import traceback
from dataclasses import dataclass

from . import FAMILIES, __version__

__all__ = ["TourRow", "main", "run_family", "DESCRIPTIONS"]

DESCRIPTIONS = {
    "transport": "entropic optimal transport: Sinkhorn, Sinkhorn-Newton-Sparse",
    "hadamard": "Walsh-Hadamard: dense FWHT, SPRIGHT sparse WHT",
    "hamming": "text-to-pattern Hamming distances: exact, k-mismatch, approximate",
    "bcd": "greedy block coordinate descent: Lasso, logistic, label propagation",
    "monotone": "variance-reduced Halpern iteration for monotone inclusions",
    "sor": "SOR / SSOR-CG with a bandit-tuned relaxation parameter",
    "completion": "matrix completion by robust alternating minimization",
    "sequences": "Berlekamp-Massey, continued fractions, ESMA conjecture search",
}


@dataclass
class TourRow:
    """One line of the tour's table.

    ``error`` is the discrepancy against the dense/brute-force reference (in
    the unit ``problem`` states); ``speedup`` is reference time over numalg
    time (nan when the reference is not timed).
    """

    family: str
    problem: str
    size: str
    result: str
    error: float
    time: float
    speedup: float
    note: str = ""


def is_built(family: str) -> bool:
    """Whether the family's subpackage and its tour entry are installed."""
    return importlib.util.find_spec(f"numalg.{family}") is not None and (
        importlib.util.find_spec(f"numalg.{family}._tour") is not None
    )


def run_family(family: str) -> TourRow:
    """Run one family's tour entry and return its row."""
    module = importlib.import_module(f"numalg.{family}._tour")
    row = module.tour()
    row.family = family
    return row


def _fmt_num(x: float, spec: str) -> str:
    if x != x:  # nan
        return "-"
    return format(x, spec)


def _print_table(rows, file=sys.stdout):
    headers = ["family", "problem", "size", "result", "error vs ref", "time [s]", "speed-up"]
    cells = [
        [
            r.family,
            r.problem,
            r.size,
            r.result,
            _fmt_num(r.error, ".1e"),
            _fmt_num(r.time, ".3f"),
            (_fmt_num(r.speedup, ".1f") + "x") if r.speedup == r.speedup else "-",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(line, file=file)
    print("  ".join("-" * w for w in widths), file=file)
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)), file=file)
    for r in rows:
        if r.note:
            print(f"  [{r.family}] {r.note}", file=file)


def main(argv=None) -> int:
    """Entry point of the ``numalg`` console script."""
    parser = argparse.ArgumentParser(
        prog="numalg",
        description=(
            "The numalg tour: for each family, solve one realistic problem, check it "
            "against a dense or brute-force reference, and print one table row."
        ),
    )
    parser.add_argument("family", nargs="*", metavar="FAMILY",
                        help="run only these families (default: all built ones): " + ", ".join(FAMILIES))
    parser.add_argument("--list", action="store_true", help="list the families and which are built")
    parser.add_argument("--version", action="version", version=f"numalg {__version__}")
    args = parser.parse_args(argv)
    unknown = [f for f in args.family if f not in FAMILIES]
    if unknown:
        parser.error(f"unknown family {unknown[0]!r}; choose from " + ", ".join(FAMILIES))

    if args.list:
        for fam in FAMILIES:
            status = "built" if is_built(fam) else "not built yet"
            print(f"{fam:<11} {status:<14} {DESCRIPTIONS[fam]}")
        return 0

    wanted = args.family or list(FAMILIES)
    built = [f for f in wanted if is_built(f)]
    missing = [f for f in wanted if f not in built]
    print(f"numalg {__version__} tour: {len(built)} of {len(wanted)} families built\n")
    rows, failed = [], []
    t0 = time.perf_counter()
    for fam in built:
        try:
            rows.append(run_family(fam))
        except Exception:  # one family's failure should not hide the others
            failed.append(fam)
            traceback.print_exc()
    _print_table(rows)
    print(f"\ntotal {time.perf_counter() - t0:.1f} s")
    if missing:
        print("not built yet: " + ", ".join(missing))
    if failed:
        print("FAILED: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0
