"""Shared fixtures: the seed range of stochastic tests."""

import os

import pytest


def _seeds():
    """Seeds from INTERPSTAT_TEST_SEEDS: "0" (default), "3" or a range "0-9"."""
    spec = os.environ.get("INTERPSTAT_TEST_SEEDS", "0").strip()
    if "-" in spec:
        lo, hi = (int(v) for v in spec.split("-"))
        return list(range(lo, hi + 1))
    return [int(spec)]


@pytest.fixture(scope="session", params=_seeds())
def global_random_seed(request):
    """Stochastic tests must pass for every seed of a declared range (like
    scikit-learn's ``global_random_seed``): CI runs one seed, and
    ``INTERPSTAT_TEST_SEEDS=0-19`` runs twenty."""
    return request.param
