"""scikit-learn's estimator checks over numalg.all_estimators()."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import numalg


def _instances():
    out = []
    for _, cls in numalg.all_estimators():
        make = getattr(cls, "_numalg_test_instances", None)
        out.extend(make() if make is not None else [cls()])
    return out


def _expected_failed_checks(estimator):
    """Deliberate deviations, declared by each class with its reasons."""
    return dict(getattr(estimator, "_numalg_expected_failed_checks", lambda: {})())


def test_all_estimators_lists_classes():
    ests = numalg.all_estimators()
    assert ests == sorted(ests)
    for name, cls in ests:
        assert isinstance(name, str) and isinstance(cls, type)
        assert cls.__name__ == name


_INSTANCES = _instances()

if _INSTANCES:

    @parametrize_with_checks(_INSTANCES, expected_failed_checks=_expected_failed_checks)
    def test_sklearn_compatible_estimator(estimator, check):
        check(estimator)
