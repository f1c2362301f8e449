"""
ESMA on e: convergence rates of the formulas found
==================================================

:func:`numalg.sequences.esma_search` enumerates rational functions of
:math:`e`, expands each as a signed continued fraction, and keeps those whose
terms satisfy a short linear recurrence (Berlekamp-Massey), verified to 100
digits.  Here we plot how fast a few of the formulas converge (correct digits
against the number of terms) next to the simple continued fraction of
:math:`e` itself, and time the Berlekamp-Massey kernel against ``galois``
when it is installed.
"""

# %%
import time

import matplotlib.pyplot as plt
import mpmath
import numpy as np

from numalg.sequences import berlekamp_massey, continued_fraction, convergents, esma_search

t0 = time.perf_counter()
found = esma_search("e")
print(f"{len(found)} formulas in {time.perf_counter() - t0:.2f} s; the first three:")
for conj in found[:3]:
    print(conj)

# %%
# Correct digits of the convergents: the fastest and slowest formulas found,
# and the simple continued fraction of e.
n = 60
mpmath.mp.dps = 400
e = +mpmath.e


def digits_of(fracs, value):
    out = []
    for f in fracs:
        err = abs(mpmath.mpf(f.numerator) / f.denominator - value)
        out.append(float(-mpmath.log10(err)) if err else 400.0)
    return np.array(out)


ranked = sorted(found, key=lambda c: c.convergence_rate)
chosen = [ranked[0], ranked[len(ranked) // 2], ranked[-1]]
fig, ax = plt.subplots(figsize=(6.4, 4.2))
simple = continued_fraction("e", n)
ax.plot(digits_of(convergents(simple), e), "k--", label="simple CF of e")
for conj in chosen:
    value = sum(a * e**i for i, a in enumerate(conj.numerator)) / sum(
        a * e**i for i, a in enumerate(conj.denominator)
    )
    fr = convergents(conj.terms(n), conj.numerators(n))
    ax.plot(digits_of(fr, value), label=f"{conj.lhs}, signs {list(conj.signs)} "
            f"({conj.convergence_rate:.2f} digits/term)")
ax.set_xlabel("terms")
ax.set_ylabel("correct digits")
ax.set_title("Convergence of ESMA formulas for e")
ax.legend(fontsize=7)
fig.tight_layout()

# %%
# Berlekamp-Massey over GF(2^31 - 1) on random sequences (linear complexity
# N/2): the compiled kernel against galois, when installed.
p = 2**31 - 1
sizes = [250, 500, 1000, 2000, 4000]
t_numalg = []
for N in sizes:
    s = np.random.default_rng(N).integers(0, p, N)
    t0 = time.perf_counter()
    berlekamp_massey(s, modulus=p)
    t_numalg.append(time.perf_counter() - t0)
fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.loglog(sizes, t_numalg, "o-", label="numalg")
try:
    import galois

    GF = galois.GF(p)
    galois.berlekamp_massey(GF(np.arange(1, 9)))  # compile
    t_galois = []
    for N in sizes:
        y = GF(np.random.default_rng(N).integers(0, p, N))
        t0 = time.perf_counter()
        galois.berlekamp_massey(y)
        t_galois.append(time.perf_counter() - t0)
    ax.loglog(sizes, t_galois, "s-", label="galois")
except ImportError:
    print("galois is not installed: its timings are skipped")
ax.set_xlabel("sequence length N")
ax.set_ylabel("time [s]")
ax.set_title("Berlekamp-Massey over GF(2^31 - 1)")
ax.legend()
fig.tight_layout()
plt.show()
