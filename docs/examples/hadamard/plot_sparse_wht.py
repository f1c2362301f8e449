"""
SPRIGHT: samples against N, and success against SNR
===================================================

:func:`numalg.hadamard.sparse_wht` recovers a K-sparse Walsh-Hadamard
spectrum of length :math:`N = 2^n` from :math:`O(K \\log N)` queries of the
signal.  This example measures

* the queries made for K = 100 as :math:`n` grows from 16 to 40 (the dense
  transform needs all N samples), and
* the fraction of runs that recover the exact support as the SNR (mean
  :math:`X_k^2` over the noise variance) drops, for the default NSO design
  (3 chains of delays) and a heavier one (6 chains).
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

from numalg.hadamard import sparse_wht, walsh_expansion


def make_signal(n_bits, K, snr_db, rng):
    """A K-sparse Walsh signal with unit-magnitude coefficients, plus noise."""
    support = np.unique(rng.integers(0, 1 << n_bits, size=K, dtype=np.uint64))
    values = rng.choice([-1.0, 1.0], size=support.shape[0])
    sd = 0.0 if snr_db is None else 10 ** (-snr_db / 20)

    def signal(m):
        out = walsh_expansion(support, values, m)
        return out + sd * rng.standard_normal(m.shape[0]) if sd else out

    return signal, support


K = 100
bits = np.arange(16, 41, 4)
samples = {"noiseless": [], "nso": []}
t0 = time.perf_counter()
for n_bits in bits:
    for method in samples:
        rng = np.random.default_rng(n_bits)
        signal, support = make_signal(int(n_bits), K, None if method == "noiseless" else 10.0, rng)
        res = sparse_wht(signal, int(n_bits), K, method=method, random_state=0)
        assert np.array_equal(res.indices, support)
        samples[method].append(res.n_samples)
print(f"samples-vs-N sweep: {time.perf_counter() - t0:.2f} s")
print("n_bits :", bits.tolist())
for method, q in samples.items():
    print(f"{method:9s}:", q)

fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(bits, 2.0**bits, "k:", label="dense route (all N samples)")
ax.semilogy(bits, samples["noiseless"], "o-", label="SPRIGHT, noiseless")
ax.semilogy(bits, samples["nso"], "s-", label="SPRIGHT, NSO at 10 dB")
ax.set_xlabel(r"$n = \log_2 N$")
ax.set_ylabel("queries of the signal")
ax.set_title(f"Queries for K = {K}: O(K log N)")
ax.legend()

# %%
# Success rate against SNR at :math:`N = 2^{20}`.  Each bin averages B
# samples, so the bin tests work far below 0 dB per coefficient; the design
# with more delay chains buys a few more dB for twice the queries.
snrs = np.arange(-18, -3, 2.0)
n_runs = 20
designs = {"NSO, 3 chains (auto)": "auto", "NSO, 6 chains": 6 * 21}
rates = {name: [] for name in designs}
queries = {}
t0 = time.perf_counter()
for name, n_delays in designs.items():
    for snr in snrs:
        ok = 0
        for seed in range(n_runs):
            rng = np.random.default_rng(1000 + seed)
            signal, support = make_signal(20, K, snr, rng)
            with warnings.catch_warnings():  # failed runs warn (ConvergenceWarning)
                warnings.simplefilter("ignore")
                res = sparse_wht(signal, 20, K, n_delays=n_delays, random_state=seed)
            ok += np.array_equal(res.indices, support)
            queries[name] = res.n_samples
        rates[name].append(ok / n_runs)
print(f"success-vs-SNR sweep: {time.perf_counter() - t0:.2f} s")
for name in designs:
    print(f"{name}: {queries[name]} queries, success", np.round(rates[name], 2))

fig, ax = plt.subplots(figsize=(6, 4))
for name in designs:
    ax.plot(snrs, rates[name], "o-", label=f"{name}, {queries[name]} queries")
ax.set_xlabel("SNR per coefficient [dB]")
ax.set_ylabel("exact support recovery")
ax.set_ylim(-0.05, 1.05)
ax.set_title(r"SPRIGHT at $N = 2^{20}$, K = 100")
ax.legend(loc="lower right")
plt.show()
