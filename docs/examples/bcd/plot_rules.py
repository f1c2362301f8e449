"""
Greedy rules: f - f* against iterations
=======================================

Nutini, Laradji and Schmidt (JMLR 2022) compare block selection rules by the
suboptimality :math:`f(x_k) - f^*` after :math:`k` block updates.  This
example reproduces, at reduced size, two of their comparisons with
:func:`numalg.bcd.solve`:

* a Lasso problem with coordinate blocks (all coordinates, no working set),
  where the greedy rules (GS, GSL, GSQ) beat cyclic, random and Lipschitz
  sampling;
* label propagation on a lattice (the paper's dataset D), where forest blocks
  solved exactly by message passing (greedy trees, tree partitions,
  red-black) need orders of magnitude fewer block updates than coordinate
  updates.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp

from numalg.bcd import L1, GraphQuadratic, NoPenalty, Quadratic, solve

# the fixed iteration budgets below stop before convergence on purpose
warnings.simplefilter("ignore", category=Warning)

rng = np.random.default_rng(0)
n, p = 100, 200
X = rng.standard_normal((n, p)) * np.exp(rng.standard_normal(p))  # unequal Lipschitz constants
w = np.zeros(p)
w[:10] = rng.standard_normal(10)
y = X @ w + 0.1 * rng.standard_normal(n)
alpha = 0.1 * np.abs(X.T @ y).max() / n
fstar = solve(Quadratic(), L1(alpha), X, y, tol=1e-15).objective

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for rule in ["gsl", "gsq", "gs", "lipschitz", "random", "cyclic"]:
    res = solve(Quadratic(), L1(alpha), X, y, selection=rule, update="gradient",
                working_set=False, tol=1e-12, max_iter=30, random_state=0)
    sub = res.history["objective_per_update"] - fstar
    axes[0].semilogy(np.arange(1, sub.size + 1), np.maximum(sub, 1e-16), label=rule)
axes[0].set(xlabel="coordinate updates", ylabel="f - f*", title=f"Lasso {n}x{p}, coordinate blocks")
axes[0].legend()

# %%
# Label propagation on a 30 x 30 lattice with 2% labelled nodes.
k = 30
path = sp.diags_array([np.ones(k - 1), np.ones(k - 1)], offsets=[-1, 1], shape=(k, k))
W = sp.csr_array(sp.kron(sp.eye_array(k), path) + sp.kron(path, sp.eye_array(k)))
labelled = np.zeros(k * k, bool)
labelled[rng.choice(k * k, 18, replace=False)] = True
labels = np.where(rng.random(k * k) < 0.5, 1.0, -1.0)
gq = GraphQuadratic(W, labelled)
exact = solve(gq, NoPenalty(), None, labels, partition="greedy_tree", tol=1e-13, max_iter=100000)
fstar = exact.objective
configs = {
    "greedy tree (message passing)": dict(partition="greedy_tree"),
    "tree partition": dict(partition="tree"),
    "random tree": dict(partition="tree", selection="random"),
    "red-black": dict(partition="red_black"),
    "GS, blocks of 5": dict(partition="variable", selection="gs", update="newton", block_size=5),
    "cyclic coordinate": dict(partition="variable", selection="cyclic", update="newton", block_size=1),
}
for name, kw in configs.items():
    kw.setdefault("update", "message_passing")
    res = solve(gq, NoPenalty(), None, labels, tol=0.0, max_iter=3000, **kw)
    sub = res.history["objective_per_update"] - fstar
    axes[1].loglog(np.arange(1, sub.size + 1), np.maximum(sub, 1e-16), label=name)
axes[1].set(xlabel="block updates", ylabel="f - f*", title=f"label propagation, {k}x{k} lattice")
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()
