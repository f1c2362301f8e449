"""asv benchmarks of numalg.hamming."""

import numpy as np

from numalg.hamming import approximate_hamming_distances, hamming_distances, k_mismatch


def _problem(n, m, sigma, seed=0):
    rng = np.random.default_rng(seed)
    dtype = np.uint8 if sigma <= 256 else np.int64
    return rng.integers(0, sigma, n).astype(dtype), rng.integers(0, sigma, m).astype(dtype)


class ExactDistances:
    params = (["auto", "naive", "sparse", "fft", "abrahamson"], [4, 256], [100, 2000])
    param_names = ["method", "alphabet", "m"]

    def setup(self, method, sigma, m):
        n = 200_000
        if method == "naive" and m > 1000 and sigma > 4:
            raise NotImplementedError  # slow and never chosen there
        if method == "fft" and sigma > 4:
            raise NotImplementedError
        self.t, self.p = _problem(n, m, sigma)

    def time_distances(self, method, sigma, m):
        hamming_distances(self.t, self.p, method=method)

    def peakmem_distances(self, method, sigma, m):
        hamming_distances(self.t, self.p, method=method)


class Wildcards:
    def setup(self):
        rng = np.random.default_rng(1)
        self.t = "".join(rng.choice(list("ACGTN"), 200_000, p=[0.24, 0.24, 0.24, 0.24, 0.04]))
        self.p = self.t[5000:5500]

    def time_dna_wildcard(self):
        hamming_distances(self.t, self.p, wildcard="N")


class KMismatch:
    params = ([(100, 5), (1000, 20), (1000, 100)],)
    param_names = ["m_k"]

    def setup(self, m_k):
        m, k = m_k
        self.t, _ = _problem(300_000, m, 4)
        self.p = self.t[1000 : 1000 + m].copy()
        self.k = k

    def time_k_mismatch(self, m_k):
        k_mismatch(self.t, self.p, self.k)

    def track_n_matches(self, m_k):
        return len(k_mismatch(self.t, self.p, self.k)[0])


class Approximate:
    params = (["kopelowitz_porat"], [0.25])
    param_names = ["method", "eps"]

    def setup(self, method, eps):
        rng = np.random.default_rng(2)
        self.t = (rng.zipf(1.1, 50_000) - 1) % 30
        self.p = (rng.zipf(1.1, 900) - 1) % 30
        self.exact = hamming_distances(self.t, self.p)

    def time_approximate(self, method, eps):
        approximate_hamming_distances(self.t, self.p, eps, method=method, random_state=0)

    def track_fraction_within_eps(self, method, eps):
        est = approximate_hamming_distances(self.t, self.p, eps, method=method, random_state=0)
        return float(np.mean(np.abs(est - self.exact) <= eps * self.exact + 1e-9))
