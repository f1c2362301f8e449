"""
Dense FWHT: time against length
===============================

The compiled :func:`numalg.hadamard.fwht` against a vectorised NumPy radix-2
butterfly, for lengths :math:`2^{10}` to :math:`2^{20}`.
"""

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from numalg.hadamard import fwht


def numpy_fwht(x):
    y = x.copy()
    n, h = y.shape[-1], 1
    while h < n:
        y = y.reshape(-1, 2, h)
        y = np.stack((y[:, 0] + y[:, 1], y[:, 0] - y[:, 1]), axis=1)
        h *= 2
    return y.reshape(n)


def best_time(fn, x, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(x)
        best = min(best, time.perf_counter() - t0)
    return best


bits = np.arange(10, 21, 2)
t_numalg, t_numpy = [], []
rng = np.random.default_rng(0)
for b in bits:
    x = rng.standard_normal(1 << b)
    assert np.allclose(fwht(x), numpy_fwht(x))
    t_numalg.append(best_time(fwht, x))
    t_numpy.append(best_time(numpy_fwht, x))

# %%
fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(2.0**bits, t_numalg, "o-", label="numalg.hadamard.fwht")
ax.loglog(2.0**bits, t_numpy, "s--", label="NumPy butterfly")
ax.set_xlabel("length N")
ax.set_ylabel("time [s]")
ax.legend()
ax.set_title("Dense Walsh-Hadamard transform")
print("speed-up at N = 2^20: %.1fx" % (t_numpy[-1] / t_numalg[-1]))
