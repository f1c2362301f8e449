"""asv benchmarks of numalg.hadamard."""

import numpy as np

from numalg.hadamard import fwht


class DenseFWHT:
    params = ([12, 16, 20], ["float64", "float32"])
    param_names = ["n_bits", "dtype"]

    def setup(self, n_bits, dtype):
        self.x = np.random.default_rng(0).standard_normal(1 << n_bits).astype(dtype)
        self.out = np.empty_like(self.x)

    def time_fwht(self, n_bits, dtype):
        fwht(self.x, out=self.out)

    def peakmem_fwht(self, n_bits, dtype):
        fwht(self.x)


class BatchedFWHT:
    params = [[(1024, 256), (16, 1 << 16)]]
    param_names = ["shape"]

    def setup(self, shape):
        self.X = np.random.default_rng(0).standard_normal(shape)

    def time_rows(self, shape):
        fwht(self.X)
