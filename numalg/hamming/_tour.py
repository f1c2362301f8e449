"""Tour entry of the hamming family: a pattern against real text."""

import sysconfig
import time
from pathlib import Path

import numpy as np

from .._tour import TourRow
from ._distances import hamming_distances


def stdlib_text(n_bytes=1 << 20):
    """The Python standard library's source files concatenated (bytes, up to n_bytes)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    parts, total = [], 0
    for path in sorted(root.rglob("*.py")):
        try:
            data = path.read_bytes()
        except OSError:  # pragma: no cover
            continue
        parts.append(data)
        total += len(data)
        if total >= n_bytes:
            break
    return b"".join(parts)[:n_bytes]


def sliding_window_reference(text, pattern, chunk=1 << 14):
    """NumPy's sliding-window comparison, chunk by chunk."""
    t = np.frombuffer(text, dtype=np.uint8)
    p = np.frombuffer(pattern, dtype=np.uint8)
    m = p.shape[0]
    win = np.lib.stride_tricks.sliding_window_view(t, m)
    out = np.empty(win.shape[0], dtype=np.int64)
    for a in range(0, win.shape[0], chunk):
        out[a : a + chunk] = (win[a : a + chunk] != p).sum(axis=1)
    return out


def tour() -> TourRow:
    text = stdlib_text()
    m = 256
    pattern = text[len(text) // 2 : len(text) // 2 + m]
    hamming_distances(text[:4096], pattern)  # warm-up
    t0 = time.perf_counter()
    D = hamming_distances(text, pattern)
    t = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = sliding_window_reference(text, pattern)
    t_ref = time.perf_counter() - t0
    err = int(np.abs(D - ref).max())
    return TourRow(
        family="hamming",
        problem="stdlib sources vs a 256-byte excerpt (max |D - ref|)",
        size=f"n={len(text)}, m={m}",
        result=f"min D={int(D.min())}, {len(text) / t / 1e6:.0f} Msym/s",
        error=float(err),
        time=t,
        speedup=t_ref / t,
        note="reference: NumPy sliding-window comparison",
    )
