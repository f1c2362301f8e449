"""
Learning omega across a sequence of systems: regret curves
==========================================================

The paper's synthetic sequence (Khodak et al., ICLR 2024): shifted 2-D
Laplacians ``A + c_t I`` with random shifts ``c_t`` (high variance) and random
right-hand sides, each solved by SOR to ``tol=1e-8``.  We solve every instance
with every omega of the learners' 20-point grid to find the best fixed omega
in hindsight, then let :class:`numalg.sor.BanditSOR` (Tsallis-INF with the
reduced-variance loss estimates, the paper's importance-weighted one, and the
structured variant) and :class:`numalg.sor.ContextualBanditSOR` (ChebCB, which
sees ``c_t``) solve the same sequence, and plot the cumulative iterations
minus those of the best fixed omega (the regret).  A reduced size (T = 300)
keeps the example short; ``benchmarks/compare/sor.py`` runs T = 5000.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from numalg.sor import BanditSOR, ContextualBanditSOR, optimal_omega, sor
from numalg.sor.problems import shifted_laplacian_sequence

T = 300
grid = np.linspace(1.0, 1.95, 20)
seq = list(shifted_laplacian_sequence(T, variance="high", random_state=0))

# every omega of the grid on every instance (the hindsight comparator)
costs = np.array([[sor(A, b, w).n_iter for w in grid] for A, b, c in seq])
young = np.array([sor(A, b, optimal_omega(A)).n_iter for A, b, c in seq])
best = int(np.argmin(costs.sum(axis=0)))
print(f"best fixed omega {grid[best]:.2f}: {costs[:, best].sum()} iterations; "
      f"omega = 1: {costs[:, 0].sum()}; Young's omega per instance: {young.sum()}")

# %%
# The learners see each instance once and learn from its iteration count.
learners = {
    "Tsallis-INF": BanditSOR(strategy="tsallis", random_state=0),
    "Tsallis-INF (paper's IW)": BanditSOR(strategy="tsallis", estimator="importance_weighted", random_state=0),
    "structured": BanditSOR(strategy="structured", random_state=0),
    "ChebCB (context c_t)": ContextualBanditSOR(context_range=(-0.15, 0.45), random_state=0),
}
curves = {}
for name, learner in learners.items():
    its = []
    for A, b, c in seq:
        res = learner.solve(A, b) if isinstance(learner, BanditSOR) else learner.solve(A, b, c)
        its.append(res.n_iter)
    curves[name] = np.cumsum(its) - np.cumsum(costs[:, best])
    print(f"{name:>22}: {sum(its)} iterations = {sum(its) / costs[:, best].sum():.2f}x best fixed")

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
t = np.arange(1, T + 1)
for name, curve in curves.items():
    ax.plot(t, curve, label=name)
ax.plot(t, np.cumsum(costs[:, 0]) - np.cumsum(costs[:, best]), "k:", label="omega = 1")
ax.plot(t, np.cumsum(young) - np.cumsum(costs[:, best]), "k--", label="Young's omega per instance")
ax.axhline(0, color="grey", lw=0.5)
ax.set_ylim(-0.6 * costs[:, best].sum(), 1.5 * max(c[-1] for c in curves.values()))
ax.set_xlabel("instance t")
ax.set_ylabel("cumulative iterations - best fixed omega")
ax.set_title("SOR on shifted Laplacians (high variance)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
