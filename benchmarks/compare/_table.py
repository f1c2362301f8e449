"""A tiny shared helper for the side-by-side comparison scripts.

Usage (from a script in this folder)::

    from _table import print_table, timed
    t, result = timed(lambda: solver(problem))
    print_table(["problem", "numalg [s]", "POT [s]", "ratio"], rows, ratio=("numalg [s]", "POT [s]"))

A ratio column is ``numalg time / peer time``: below 1.0 numalg is faster.
"""

from __future__ import annotations

import time


def timed(fn, *, repeat: int = 1):
    """Run ``fn`` ``repeat`` times; return (best wall-clock seconds, last result)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _fmt(v) -> str:
    if isinstance(v, float):
        if v != v:
            return "-"
        if v == 0 or 1e-3 <= abs(v) < 1e5:
            return f"{v:.4g}"
        return f"{v:.2e}"
    return str(v)


def print_table(headers, rows, *, ratio=None, title=None, file=None) -> str:
    """Print (and return) a plain-text table.

    Parameters
    ----------
    headers : list of str
    rows : list of sequences, one value per header
    ratio : (str, str), optional
        Names of a numerator and a denominator column; a ``ratio`` column
        (numerator / denominator) is appended.
    title : str, optional
    """
    headers = list(headers)
    rows = [list(r) for r in rows]
    if ratio is not None:
        i, j = headers.index(ratio[0]), headers.index(ratio[1])
        headers.append(f"ratio {ratio[0].split()[0]}/{ratio[1].split()[0]}")
        for r in rows:
            try:
                r.append(float(r[i]) / float(r[j]))
            except (TypeError, ValueError, ZeroDivisionError):
                r.append(float("nan"))
    cells = [[_fmt(v) for v in r] for r in rows]
    widths = [max([len(h)] + [len(c[k]) for c in cells]) for k, h in enumerate(headers)]
    lines = []
    if title:
        lines.append(title)
    lines.append(" | ".join(h.ljust(w) for h, w in zip(headers, widths)))
    lines.append("-|-".join("-" * w for w in widths))
    for c in cells:
        lines.append(" | ".join(v.ljust(w) for v, w in zip(c, widths)))
    text = "\n".join(lines)
    print(text, file=file, flush=True)
    return text
