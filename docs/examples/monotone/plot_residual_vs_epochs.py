"""
Residual against epochs: Halpern, VR-Halpern and the extragradient family
=========================================================================

The paper's two experiments (Cai, Alacaoglu & Diakonikolas, 2024) at reduced
size: the policeman-and-burglar matrix game and the worst-case bilinear QP.
Every curve shows the certified residual
``||u - J_{G/L}(u - F(u)/L)|| * L`` of the iterates against the oracle work
in epochs (one epoch = one full evaluation of ``F``).  ``restart=False``
gives the plain methods of the paper; the last curve is the default,
restarted VR-Halpern.  A peer LP solver (HiGHS, through SciPy) gives the
game's exact value for reference.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from numalg.monotone import BilinearQP, MatrixGame, solve
from numalg.monotone._tour import policeman_and_burglar

warnings.simplefilter("ignore", ConvergenceWarning)

METHODS = [
    ("EG", "extragradient", {}),
    ("EAG", "anchored_extragradient", {}),
    ("VR-EG", "vr_extragradient", {}),
    ("Halpern", "halpern", {"restart": False}),
    ("VR-Halpern", "vr_halpern", {"restart": False}),
    ("VR-Halpern, restarted", "vr_halpern", {}),
]


def run_all(problem, budget):
    out = {}
    for label, method, kw in METHODS:
        res = solve(problem, method=method, tol=1e-12, max_epochs=budget, random_state=0, **kw)
        out[label] = res
    return out


# %%
# Policeman and burglar, 200 x 200
# --------------------------------
t0 = time.perf_counter()
A = policeman_and_burglar(200, seed=1)
game = MatrixGame(A)
game_runs = run_all(game, 300)
print(f"game runs: {time.perf_counter() - t0:.1f} s")
try:
    from scipy.optimize import linprog

    m, n = A.shape
    lp = linprog(np.r_[np.zeros(m), 1.0], A_ub=np.c_[A.T, -np.ones(n)], b_ub=np.zeros(n),
                 A_eq=np.r_[np.ones(m), 0.0][None], b_eq=[1.0],
                 bounds=[(0, None)] * m + [(None, None)], method="highs")
    best = game_runs["VR-Halpern, restarted"]
    print(f"HiGHS value {lp.fun:.6f}; VR-Halpern value {best.value:.6f} (gap {best.gap:.1e})")
except ImportError:
    print("scipy.optimize.linprog is not available: the HiGHS reference is skipped")

# %%
# Worst-case bilinear QP, n = 50
# ------------------------------
n = 50
Aq = np.zeros((n, n))
for i in range(n):
    Aq[i, n - 1 - i] = 1.0
    if i < n - 1:
        Aq[i, n - 2 - i] = -1.0
Aq /= 4.0
h = np.zeros(n)
h[-1] = 0.25
qp = BilinearQP(2.0 * Aq.T @ Aq, h, Aq, np.ones(n) / 4.0)
t0 = time.perf_counter()
qp_runs = run_all(qp, 500)
print(f"QP runs: {time.perf_counter() - t0:.1f} s")

# %%
# The curves
# ----------
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for ax, runs, title in [(axes[0], game_runs, "policeman and burglar 200x200"),
                        (axes[1], qp_runs, "worst-case bilinear QP, n = 50")]:
    for label, res in runs.items():
        ax.semilogy(res.history["epochs"], res.history["residual"], label=label)
    ax.set_xlabel("epochs")
    ax.set_ylabel("certified residual")
    ax.set_title(title)
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()
