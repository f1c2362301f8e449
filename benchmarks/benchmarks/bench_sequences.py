"""asv benchmarks of numalg.sequences."""

import random

import numpy as np

from numalg.sequences import berlekamp_massey, continued_fraction, esma_search

P = 2**31 - 1


class ModularBerlekampMassey:
    params = [[1000, 4000, 10000]]
    param_names = ["n"]

    def setup(self, n):
        self.s = np.random.default_rng(0).integers(0, P, n, dtype=np.int64)

    def time_bm(self, n):
        berlekamp_massey(self.s, modulus=P)

    def peakmem_bm(self, n):
        berlekamp_massey(self.s, modulus=P)

    def track_order(self, n):
        return berlekamp_massey(self.s, modulus=P).order


class RationalBerlekampMassey:
    params = [[100, 400]]
    param_names = ["n"]

    def setup(self, n):
        rnd = random.Random(0)
        L = n // 2
        c = [rnd.randint(-3, 3) for _ in range(L)]
        c[-1] = c[-1] or 1
        s = [rnd.randint(-9, 9) for _ in range(L)]
        while len(s) < n:
            s.append(-sum(ci * s[-i] for i, ci in enumerate(c, 1)))
        self.s = s

    def time_bm(self, n):
        berlekamp_massey(self.s)


class ContinuedFraction:
    params = [["e", "pi"], [100, 1000]]
    param_names = ["constant", "n_terms"]

    def time_certified_cf(self, constant, n_terms):
        continued_fraction(constant, n_terms)


class ESMA:
    params = [[False, True]]
    param_names = ["allow_prefix"]
    timeout = 60

    def time_esma_e(self, allow_prefix):
        esma_search("e", allow_prefix=allow_prefix)

    def track_conjectures(self, allow_prefix):
        return len(esma_search("e", allow_prefix=allow_prefix))
