"""asv benchmarks of numalg.hadamard."""

import numpy as np

from numalg.hadamard import fwht, sparse_wht, walsh_expansion


class DenseFWHT:
    params = ([12, 16, 20], ["float64", "float32"])
    param_names = ["n_bits", "dtype"]

    def setup(self, n_bits, dtype):
        self.x = np.random.default_rng(0).standard_normal(1 << n_bits).astype(dtype)
        # A copy, not np.empty_like: time_fwht_in_place transforms this buffer
        # itself, and uninitialised memory may hold NaN or inf.
        self.out = self.x.copy()

    def time_fwht(self, n_bits, dtype):
        fwht(self.x, out=self.out)

    def time_fwht_in_place(self, n_bits, dtype):
        fwht(self.out, out=self.out, normalize=True)

    def peakmem_fwht(self, n_bits, dtype):
        fwht(self.x)


class BatchedFWHT:
    params = [[(1024, 256), (16, 1 << 16)]]
    param_names = ["shape"]

    def setup(self, shape):
        self.X = np.random.default_rng(0).standard_normal(shape)

    def time_rows(self, shape):
        fwht(self.X)


class _SparseSignal:
    def __init__(self, n_bits, K, snr_db, seed):
        rng = np.random.default_rng(seed)
        self.support = np.unique(rng.integers(0, 1 << n_bits, size=K, dtype=np.uint64))
        self.values = rng.choice([-1.0, 1.0], size=self.support.shape[0])
        self.sd = 0.0 if snr_db is None else 10 ** (-snr_db / 20)
        self.rng = rng

    def __call__(self, m):
        out = walsh_expansion(self.support, self.values, m)
        if self.sd:
            out += self.sd * self.rng.standard_normal(m.shape[0])
        return out


class SparseWHT:
    """SPRIGHT with K = 100 (sampling included: a fast compiled Walsh expansion)."""

    params = ([20, 40], ["noiseless", "nso-10dB", "nso-5dB"])
    param_names = ["n_bits", "setting"]

    def setup(self, n_bits, setting):
        method, _, snr = setting.partition("-")
        self.method = method
        self.snr = float(snr[:-2]) if snr else None
        self.n_bits = n_bits
        self.signal = _SparseSignal(n_bits, 100, self.snr, 0)

    def _run(self, seed=0):
        return sparse_wht(self.signal, self.n_bits, 100, method=self.method, random_state=seed)

    def time_sparse_wht(self, n_bits, setting):
        self._run()

    def peakmem_sparse_wht(self, n_bits, setting):
        self._run()

    def track_n_samples(self, n_bits, setting):
        return self._run().n_samples

    def track_success_rate(self, n_bits, setting):
        ok = 0
        for seed in range(10):
            self.signal = _SparseSignal(n_bits, 100, self.snr, seed + 1)
            res = self._run(seed)
            ok += np.array_equal(res.indices, np.sort(self.signal.support))
        return ok / 10

    track_n_samples.unit = "queries"
    track_success_rate.unit = "fraction"


class SparseWHTML:
    """The maximum-likelihood single-ton search (2^(n - b) candidates per bin)."""

    def setup(self):
        self.signal = _SparseSignal(16, 50, 5.0, 0)

    def time_sparse_wht_ml(self):
        sparse_wht(self.signal, 16, 50, method="ml", random_state=0)
