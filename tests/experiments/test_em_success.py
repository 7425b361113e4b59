"""The em-success reproduction: EM success from data-point starts, Model 1 vs Model 2.

Simulated success rates are proportions of converged EM runs with Wilson
intervals, compared with the project's closed form (d = 1) and its 2-D
reduction (d > 1); each check has a negative control it must reject.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import special

from interpstat.experiments import REGISTRY, get
from interpstat.experiments import em_success as es
from interpstat.theory import (
    em_critical_separation,
    em_failure_probability,
    em_model1_branches,
)

#: Model 1 failure-set edge a_c(b0) at (s, w*) = (2, 0.8), b0 -> a_c: project computation
#: (bisection on the limit of the population map of eq. (em-reduced), docs/theory.rst),
#: 6 decimals.
FAILURE_EDGE = {0.0: -0.254317, 0.25: -0.254569, 0.5: -0.256531, 1.0: -0.269653,
                2.0: -0.318852, 3.0: -0.378521}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, global_random_seed):
    out = tmp_path_factory.mktemp("em_success")
    return es.REPRODUCTION.run(out, mode="quick", random_state=global_random_seed, progress=False)


def test_writes_csv_figure_report(quick_run):
    assert quick_run["figure"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    frame = pd.read_csv(quick_run["csv"])
    assert list(frame.columns) == [
        "design", "model", "s", "w_star", "d", "n_reps", "sim_mean", "sim_se", "ci_low",
        "ci_high", "exact", "covered",
    ]
    assert set(frame.design) == {
        f"{kind}-{axis}-model{m}" for kind in ("population", "sample")
        for axis in ("s", "w", "d") for m in (1, 2) if (kind, axis) != ("sample", "w")
    }
    report = quick_run["report"].read_text(encoding="utf-8")
    for needle in ("## Settings", "Coverage of the exact curve", "Wilson intervals",
                   "## Reading the figure", "## Model 1 failure set in the plane"):
        assert needle in report, needle


def test_success_rates_cover_the_theory(quick_run):
    frame = quick_run["frame"]
    m1 = frame[frame.model == 1]
    m = len(m1)
    # 95% intervals: covered count ~ Binomial(m, .95); accept down to 4 SDs below the mean
    assert m1.covered.sum() >= 0.95 * m - 4 * np.sqrt(m * 0.95 * 0.05)
    # below s_c no start can fail
    below = m1[m1.exact == 1]
    assert len(below)
    assert (below.sim_mean == 1).all()


def test_model2_always_succeeds(quick_run):
    frame = quick_run["frame"]
    m2 = frame[frame.model == 2]
    assert (m2.exact == 1).all()
    assert (m2.sim_mean == 1).all()
    assert m2.covered.all()


def test_negative_control_model1_curve_rejected_by_model2(quick_run):
    frame = quick_run["frame"]
    m2 = frame[(frame.model == 2) & (frame.design.str.contains("-s-|-w-|-d-"))]
    rows = m2[m2.s > em_critical_separation(0.8).s_c + 0.1]
    assert len(rows) >= 6
    curve = np.array([es.model1_success_probability(r.s, r.w_star, r.d)
                      for r in rows.itertuples()])
    assert np.all(curve < rows.ci_low)


def test_negative_control_sign_rule_rejected():
    # the naive failure set a0 < 0 (instead of a0 < theta_u) must be rejected by a
    # population simulation with 2000 starts at (s, w*) = (1.3, 0.8)
    rng = np.random.default_rng(1)
    s, w = 1.3, 0.8
    out = es.population_replicate({"s": s, "w_star": w, "d": 1, "learn_weights": False,
                                   "batch": 2000}, rng)
    success = np.array(list(out.values()))
    n = success.size
    sign_rule = 1 - (w * special.ndtr(-s) + (1 - w) * special.ndtr(s))
    exact = es.model1_success_probability(s, w)
    se = np.sqrt(exact * (1 - exact) / n)
    assert abs(success.mean() - exact) <= 4 * se
    assert abs(success.mean() - sign_rule) > 4 * se


def test_failure_edge_matches_stored_numbers_and_d1():
    b = np.array(list(FAILURE_EDGE))
    a_c = es.model1_failure_boundary(b, 2.0, 0.8, xtol=1e-9)
    np.testing.assert_allclose(a_c, list(FAILURE_EDGE.values()), atol=5e-7 + 1e-9)
    # a_c(0) is the unstable fixed point of d = 1
    assert abs(a_c[0] - em_model1_branches(2.0, 0.8).theta_u) < 2e-9
    # either side of the edge: failure below, success above (a half-line in a0)
    lim_lo = es.population_limits_2d(a_c - 1e-4, b, 2.0, 0.8, learn_weights=False)
    lim_hi = es.population_limits_2d(a_c + 1e-4, b, 2.0, 0.8, learn_weights=False)
    np.testing.assert_allclose(lim_hi.a, 2.0, atol=1e-8)
    np.testing.assert_allclose(lim_lo.a, em_model1_branches(2.0, 0.8).theta_bar, atol=1e-8)
    far = es.population_limits_2d(np.full(b.size, -4.0), b, 2.0, 0.8, learn_weights=False)
    assert np.all(far.a < 0)
    # Model 2 from the same starts reaches a global maximiser
    m2 = es.population_limits_2d(a_c - 1e-4, b, 2.0, 0.8, learn_weights=True)
    ok = np.where(m2.a > 0, np.abs(m2.w - 0.8), np.abs(m2.w - 0.2)) < 1e-8
    assert ok.all()
    np.testing.assert_allclose(np.abs(m2.a), 2.0, atol=1e-8)


def test_success_probability_d1_is_the_closed_form():
    for s, w in ((2.0, 0.8), (1.6, 0.7), (3.0, 0.9)):
        fail = em_failure_probability(s, w)
        assert abs(es.model1_success_probability(s, w) - (1 - float(fail))) < 1e-12
    assert es.model1_success_probability(1.0, 0.8) == 1.0  # below s_c(0.8) = 1.137


def test_success_probability_in_d_matches_monte_carlo():
    # E over B ~ chi_{d-1} by quadrature against a plain average over draws of B
    s, w, d = 1.3, 0.8, 5
    rng = np.random.default_rng(0)
    b = np.sqrt(rng.chisquare(d - 1, 150))
    a_c = es.model1_failure_boundary(b, s, w, xtol=1e-8)
    mc = 1 - np.mean(w * special.ndtr(a_c - s) + (1 - w) * special.ndtr(a_c + s))
    se = np.std(w * special.ndtr(a_c - s) + (1 - w) * special.ndtr(a_c + s)) / np.sqrt(150)
    exact = es.model1_success_probability(s, w, d)
    assert abs(mc - exact) <= 4 * se + 1e-6
    # negative control: the d = 1 value is further off than that
    assert abs(es.model1_success_probability(s, w, 1) - exact) > 8 * se


def test_sample_replicate_criteria_agree():
    # on one large data set the log-likelihood criterion equals the sign criterion
    from interpstat.mixture import em_restarts

    rng = np.random.default_rng(3)
    params = {"s": 2.0, "w_star": 0.8, "d": 2, "n": 2000, "learn_weights": False,
              "batch": 200}
    out = es.sample_replicate(params, np.random.default_rng(3))
    success = np.array(list(out.values()))
    X = es._data_points(rng, 2000, 2.0, 0.8, 2)
    starts = X[rng.integers(2000, size=200)]
    res = em_restarts(X, starts, weights=[0.8, 0.2], learn_weights=False, max_iter=5000,
                      tol=1e-10)
    np.testing.assert_array_equal(success, (res.theta[:, 0] > 0).astype(float))


def test_registry_and_modes():
    assert get("em-success") is es
    assert es.DESCRIPTION == REGISTRY["em-success"].description
    with pytest.raises(ValueError, match="mode"):
        es.REPRODUCTION.spec("huge")
