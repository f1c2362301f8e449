"""Tour entry of the sequences family: ESMA on e."""

import time

import mpmath

from .._tour import TourRow
from ._esma import esma_search


def tour() -> TourRow:
    t0 = time.perf_counter()
    found = esma_search("e")
    t = time.perf_counter() - t0
    # Reference: every conjecture re-evaluated independently (1500 regenerated
    # terms, exact convergent) against e computed by mpmath at 300 digits.
    err = mpmath.mpf(0)
    with mpmath.workdps(300):
        e = +mpmath.e
        for conj in found:
            lhs = sum(a * e**i for i, a in enumerate(conj.numerator)) / sum(
                a * e**i for i, a in enumerate(conj.denominator)
            )
            rhs = conj.evaluate(1500)
            err = max(err, abs(mpmath.mpf(rhs.numerator) / rhs.denominator - lhs))
    no_prefix = sum(1 for c in found if not c.prefix)
    first = "\n".join("    " + str(c).replace("\n", "\n    ") for c in found[:3])
    return TourRow(
        family="sequences",
        problem="ESMA conjectures on e (max |lhs - rhs| at 300 digits)",
        size="deg 1, coeffs [-2,2], periods 1-2, depth 105",
        result=f"{len(found)} formulas ({no_prefix} without prefix)",
        error=float(err),
        time=t,
        speedup=float("nan"),
        note="first three:\n" + first,
    )
