"""
Which exact Hamming method wins where
=====================================

:func:`numalg.hamming.hamming_distances` has four exact methods: the
bit-parallel ``"naive"`` comparison, ``"sparse"`` counting, per-symbol
``"fft"`` cross-correlation and ``"abrahamson"`` (FFT for the symbols frequent
in the pattern, sparse counting for the rest).  We time them on random texts
over a grid of alphabet sizes and pattern lengths, colour each cell by the
fastest, and mark the cells where ``method="auto"`` (the calibrated cost
model) picks another method, with its slowdown.  Sizes are small so that the
example runs in a few seconds; the benchmark table in the user guide uses
n = 1e7.
"""

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from numalg.hamming import hamming_distances

methods = ["naive", "sparse", "fft", "abrahamson"]
alphabets = [2, 4, 26, 256, 4096]
lengths = [32, 128, 512, 2048, 16384]
n = 60_000
rng = np.random.default_rng(0)


def best_time(fn, repeat=2):
    """Best CPU time of this process (steadier than wall time on a busy machine)."""
    best = np.inf
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


winner = np.zeros((len(lengths), len(alphabets)), dtype=int)
auto_ratio = np.ones((len(lengths), len(alphabets)))
for a, sigma in enumerate(alphabets):
    t = rng.integers(0, sigma, n)
    for b, m in enumerate(lengths):
        p = rng.integers(0, sigma, m)
        times = []
        for meth in methods:
            # per-symbol FFT over thousands of symbols is hopeless: skip it
            if meth == "fft" and sigma > 256:
                times.append(np.inf)
                continue
            times.append(best_time(lambda: hamming_distances(t, p, method=meth)))
        winner[b, a] = int(np.argmin(times))
        auto_ratio[b, a] = best_time(lambda: hamming_distances(t, p)) / min(times)

# %%
# The method map.  Each cell is coloured by the fastest method; the number is
# the time of ``"auto"`` over the time of the fastest method (1.0: it picked
# the winner, or a method as fast).
colors = ListedColormap(["#4c72b0", "#dd8452", "#55a868", "#c44e52"])
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.imshow(winner, cmap=colors, vmin=-0.5, vmax=3.5, origin="lower", aspect="auto")
for b in range(len(lengths)):
    for a in range(len(alphabets)):
        ax.text(a, b, f"{auto_ratio[b, a]:.2f}", ha="center", va="center", color="white")
ax.set_xticks(range(len(alphabets)), [str(s) for s in alphabets])
ax.set_yticks(range(len(lengths)), [str(m) for m in lengths])
ax.set_xlabel("alphabet size")
ax.set_ylabel("pattern length m")
ax.set_title(f"fastest exact method, n = {n} (number: auto / fastest)")
handles = [plt.Rectangle((0, 0), 1, 1, color=colors(i)) for i in range(len(methods))]
ax.legend(handles, methods, loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()
plt.show()

# %%
# Bit-parallel comparison wins for small alphabets and short patterns,
# sparse counting for large alphabets, and the FFT for long patterns over
# small alphabets; Abrahamson's mix helps skewed symbol frequencies.
print("winner per cell (rows: m, columns: alphabet):")
for b, m in enumerate(lengths):
    print(f"m={m:5d}: " + "  ".join(f"{methods[w]:>10s}" for w in winner[b]))
