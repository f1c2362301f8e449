"""numalg: fast, exact-when-it-can-be numerical algorithms.

The families are subpackages, imported on first use::

    import numalg
    numalg.hadamard.fwht(x)

See ``numalg --list`` for the families and which of them are built.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0.dev0"

#: The eight families, in the order of the tour.
FAMILIES = (
    "transport",
    "hadamard",
    "hamming",
    "bcd",
    "monotone",
    "sor",
    "completion",
    "sequences",
)

__all__ = ["__version__", "FAMILIES", "all_estimators", "available_families", *FAMILIES]


def __getattr__(name):
    if name in FAMILIES or name == "datasets":
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                raise AttributeError(f"numalg.{name} is not built yet") from None
            raise
        globals()[name] = module
        return module
    raise AttributeError(f"module 'numalg' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(FAMILIES))


def available_families() -> list[str]:
    """The families whose subpackage is present in this installation."""
    import importlib.util

    return [fam for fam in FAMILIES if importlib.util.find_spec(f"{__name__}.{fam}") is not None]


def all_estimators() -> list[tuple[str, type]]:
    """The scikit-learn estimators of numalg whose ``fit`` takes a 2-D numeric X.

    Like :func:`sklearn.utils.discovery.all_estimators`: ``(name, class)``
    pairs, sorted by name.  A class is listed when it is a public
    :class:`~sklearn.base.BaseEstimator` subclass of a family and the first
    argument of its ``fit`` is named ``X``.  Estimator-style classes whose
    input is something else (a callable, sequences of symbols, a 1-D
    sequence, point clouds, an online solver) follow the same conventions but
    are not listed, and are tested for them in their family's tests.

    Returns
    -------
    estimators : list of (str, type)

    Examples
    --------
    >>> import numalg
    >>> all(isinstance(name, str) for name, _ in numalg.all_estimators())
    True
    """
    import inspect

    from sklearn.base import BaseEstimator

    found = {}
    for fam in available_families():
        module = importlib.import_module(f"{__name__}.{fam}")
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) and issubclass(obj, BaseEstimator)):
                continue
            if inspect.isabstract(obj) or not hasattr(obj, "fit"):
                continue
            params = list(inspect.signature(obj.fit).parameters)
            if len(params) >= 2 and params[1] == "X":
                found[name] = obj
    return sorted(found.items())
