"""The em-spurious-k3 reproduction: bad local maxima of EM for k >= 3 components.

Failure rates are proportions with Clopper-Pearson intervals: about 0 for k = 2,
clearly positive for k >= 3; the initialisation's miss probability is checked
against its closed form, with a negative control it must reject.
"""

import math

import numpy as np
import pandas as pd
import pytest

from interpstat.experiments import REGISTRY, get
from interpstat.experiments import em_spurious_k3 as ek


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, global_random_seed):
    out = tmp_path_factory.mktemp("em_spurious_k3")
    return ek.REPRODUCTION.run(out, mode="quick", random_state=global_random_seed, progress=False)


def test_writes_csv_figure_report(quick_run):
    assert quick_run["figure"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    frame = pd.read_csv(quick_run["csv"])
    assert list(frame.columns) == [
        "design", "k", "n_reps", "sim_mean", "sim_se", "ci_low", "ci_high", "exact",
        "bad_init", "covered",
    ]
    assert list(dict.fromkeys(frame.design)) == ["fixed-weights", "learned-weights",
                                                 "init-miss"]
    report = quick_run["report"].read_text(encoding="utf-8")
    for needle in ("## Settings", "Clopper–Pearson intervals", "## Reading the figure"):
        assert needle in report, needle


def test_k2_never_fails_and_k3_fails(quick_run):
    frame = quick_run["frame"]
    for name in ("fixed-weights", "learned-weights"):
        rows = frame[frame.design == name].set_index("k")
        # k = 2: the interval covers 0 (no failure at all in practice)
        assert rows.loc[2, "ci_low"] == 0.0
        assert rows.loc[2, "covered"]
        # k >= 3: clearly positive, and above the whole k = 2 interval at the largest k
        big = rows.index.max()
        assert (rows.loc[rows.index >= 3, "ci_low"] > 0).all()
        assert rows.loc[big, "ci_low"] > rows.loc[2, "ci_high"]
        # negative control: the k = 2 value 0 is rejected for every k >= 3
        assert not rows.loc[rows.index >= 3, "covered"].any()
        # EM repairs some starts that miss a component: failure below the miss probability
        assert (rows.loc[rows.index >= 3, "ci_high"] < rows.loc[rows.index >= 3,
                                                                "bad_init"]).all()


def test_init_miss_covers_the_closed_form(quick_run):
    frame = quick_run["frame"]
    rows = frame[frame.design == "init-miss"]
    assert rows.covered.all()
    # negative control: the probability of the wrong event "not all k start in one
    # component", 1 - k^(1-k), is rejected for k >= 3 (at k = 2 the two events coincide
    # up to O(1/m), as does sampling with replacement, 1 - k!/k^k, at every k)
    big = rows[rows.k >= 3]
    wrong = 1 - big.k.astype(float) ** (1 - big.k)
    assert len(big)
    assert not ((big.ci_low <= wrong) & (wrong <= big.ci_high)).any()


def test_miss_probability_closed_form():
    assert ek.miss_probability(2, 100) == pytest.approx(1 - 2 * 100**2 / (200 * 199),
                                                        rel=1e-14)
    assert ek.miss_probability(3, 100) == pytest.approx(1 - 6 * 100**3 / (300 * 299 * 298),
                                                        rel=1e-14)
    # m -> infinity: 1 - k!/k^k
    for k in (2, 3, 5):
        assert ek.miss_probability(k, 10**7) == pytest.approx(
            1 - math.factorial(k) / k**k, abs=1e-5)


def test_failure_replicate_returns_indicators():
    # k = 3: some of 40 random starts end at a bad local maximum, not all
    params = {"k": 3, "m": 100, "separation": 8.0, "learn_weights": False, "max_iter": 2000}
    fails = [ek.failure_replicate(params, np.random.default_rng(i)) for i in range(40)]
    fails = np.array(fails)
    assert np.isin(fails, [0.0, 1.0]).all()
    assert 0 < fails.mean() < 1


def test_simplex_means():
    mu = ek.simplex_means(4, 8.0)
    dist = np.linalg.norm(mu[:, None] - mu[None], axis=-1)
    np.testing.assert_allclose(dist[~np.eye(4, dtype=bool)], 8.0)


def test_registry_and_modes():
    assert get("em-spurious-k3") is ek
    assert ek.DESCRIPTION == REGISTRY["em-spurious-k3"].description
    with pytest.raises(ValueError, match="mode"):
        ek.REPRODUCTION.spec("huge")
