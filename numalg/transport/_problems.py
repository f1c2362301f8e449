"""Benchmark problems shared by the tour, the benchmarks and the examples."""

from __future__ import annotations

import numpy as np

__all__ = ["digits_pair", "random_assignment", "point_clouds"]


def digits_pair(i=0, j=1, *, metric="sqeuclidean", size=28):
    """Two ``load_digits`` images as densities on a ``size x size`` grid.

    Each 8x8 image is upsampled with ``scipy.ndimage.zoom(order=1)``, clipped
    at 0, shifted by 1e-6 (strictly positive weights) and normalised; the
    ground cost is the squared-Euclidean ("sqeuclidean") or L1 ("cityblock")
    distance between pixel centres, scaled to [0, 1].  Returns (a, b, M).
    """
    from scipy.ndimage import zoom
    from scipy.spatial.distance import cdist
    from sklearn.datasets import load_digits

    images = load_digits().images
    out = []
    for k in (i, j):
        img = zoom(images[k].astype(float), size / 8.0, order=1)
        img = np.clip(img, 0.0, None) + 1e-6
        out.append((img / img.sum()).ravel())
    yy, xx = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    grid = np.column_stack([yy.ravel(), xx.ravel()]).astype(float)
    M = cdist(grid, grid, metric=metric)
    M /= M.max()
    return out[0], out[1], M


def random_assignment(n=500, *, seed=0):
    """Cost uniform on [0, 1], uniform marginals (Tang et al.'s set-up)."""
    rng = np.random.default_rng(seed)
    M = rng.random((n, n))
    a = np.full(n, 1.0 / n)
    return a, a.copy(), M


def point_clouds(n=2000, *, seed=0):
    """Two 2-D Gaussian mixtures, squared-Euclidean cost scaled to [0, 1]."""
    from scipy.spatial.distance import cdist

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * 0.5 + rng.choice([-1.0, 1.0], size=(n, 1)) * [1.0, 0.0]
    Y = rng.normal(size=(n, 2)) * 0.7 + rng.choice([-1.0, 1.0], size=(n, 1)) * [0.0, 1.0]
    M = cdist(X, Y, "sqeuclidean")
    M /= M.max()
    a = np.full(n, 1.0 / n)
    return a, a.copy(), M
