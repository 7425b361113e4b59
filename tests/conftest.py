"""Shared fixtures: the seed range of stochastic tests."""

import os


def _seeds():
    """Seeds from INTERPSTAT_TEST_SEEDS: "0" (default), "3" or a range "0-9"."""
    spec = os.environ.get("INTERPSTAT_TEST_SEEDS", "0").strip()
    if "-" in spec:
        lo, hi = (int(v) for v in spec.split("-"))
        return list(range(lo, hi + 1))
    return [int(spec)]


def pytest_generate_tests(metafunc):
    # Stochastic tests must pass for every seed of a declared range (like
    # scikit-learn's global_random_seed): CI runs one seed, and
    # INTERPSTAT_TEST_SEEDS=0-19 runs a range locally.
    if "global_random_seed" in metafunc.fixturenames:
        metafunc.parametrize("global_random_seed", _seeds())
