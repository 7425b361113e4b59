"""The em-landscape reproduction: thresholds, fixed points, basins, failure probabilities.

Stored numbers come from ``tests/results/mixture_reference.py`` and are compared
within half a unit of their last recorded digit.  Simulated failure
probabilities are proportions of converged EM runs from data-point starts,
with Wilson intervals; each check has a negative control it must reject.
"""


import joblib
import numpy as np
import pandas as pd
import pytest
from scipy import special

from interpstat.experiments import REGISTRY, get
from interpstat.experiments import em_landscape as el
from interpstat.theory import (
    em_critical_separation,
    em_failure_probability,
    em_fixed_points,
    em_model1_branches,
)
from tests.results import mixture_reference as ref

#: Slack for floating-point error on top of a stored number's rounding bound.
FP = 1e-12

def assert_printed(actual, printed):
    assert abs(float(actual) - printed.value) <= printed.atol + FP, (actual, printed)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, global_random_seed):
    out = tmp_path_factory.mktemp("em_landscape")
    return el.REPRODUCTION.run(out, mode="quick", random_state=global_random_seed, progress=False)


# ---------------------------------------------------------------------------
# Files and tables
# ---------------------------------------------------------------------------


def test_writes_csv_figure_report(quick_run):
    assert quick_run["figure"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    frame = pd.read_csv(quick_run["csv"])
    assert list(frame.columns) == [
        "design", "w_star", "s", "n_reps", "sim_mean", "sim_se", "ci_low", "ci_high",
        "exact", "covered",
    ]
    s = el.REPRODUCTION.spec("quick")
    assert set(frame.design) == {"model1-w0.7", "model1-w0.9", "model2-w0.8"}
    assert (frame.n_reps == s.n_starts).all()
    report = quick_run["report"].read_text(encoding="utf-8")
    for needle in ("## Settings", "Coverage of the exact curve", "Wilson intervals",
                   "## Critical separation s_c(w*) of Model 1", "## Fixed points (d = 1)",
                   "## Model 2 basin boundary a_b(w0)", "| 0.8 | 1.1373792664"):
        assert needle in report, needle
    # grid points within 0.05 of s_c are left out
    for w_star in s.w_stars:
        rows = frame[frame.design == f"model1-w{w_star:g}"]
        assert np.all(np.abs(rows.s - em_critical_separation(w_star).s_c) >= 0.05)


def test_failure_probabilities_cover_the_closed_form(quick_run):
    frame = quick_run["frame"]
    m = len(frame)
    # 95% intervals: covered count ~ Binomial(m, .95); accept down to 4 SDs below the mean
    assert frame.covered.sum() >= 0.95 * m - 4 * np.sqrt(m * 0.95 * 0.05)
    # below s_c no start can fail (no spurious fixed point): exactly zero failures
    model1 = frame[frame.design.str.startswith("model1")]
    below = model1.exact == 0
    assert below.any()
    assert (model1.sim_mean[below] == 0).all()
    # Model 2 never fails
    model2 = frame[frame.design.str.startswith("model2")]
    assert (model2.sim_mean == 0).all()


def test_failure_negative_controls(quick_run):
    frame = quick_run["frame"]
    above = frame[frame.design.str.startswith("model1") & (frame.exact > 0)]
    # the basin edge taken at theta_bar instead of theta_u: a wrong curve, rejected at most points
    wrong = []
    for row in above.itertuples():
        bar = em_model1_branches(row.s, row.w_star).theta_bar
        wrong.append(row.w_star * special.ndtr(bar - row.s)
                     + (1 - row.w_star) * special.ndtr(bar + row.s))
    wrong = np.array(wrong)
    covered = (above.ci_low <= wrong) & (wrong <= above.ci_high)
    assert covered.sum() <= 0.5 * len(above)
    # Model 2's simulated rates reject Model 1's failure curve above s_c(w*)
    model2 = frame[frame.design == "model2-w0.8"]
    s_c = em_critical_separation(0.8).s_c
    rows = model2[model2.s > s_c + 0.05]
    model1_curve = em_failure_probability(rows.s.to_numpy(), 0.8)
    assert rows.size
    assert np.all(model1_curve > rows.ci_high)


# ---------------------------------------------------------------------------
# The reproduction's tables and replicates (the landscape functions themselves are
# tested in tests/theory/test_mixture.py)
# ---------------------------------------------------------------------------


def test_reported_eigenvalues_match_stored_numbers():
    fixed = el.landscape(el.REPRODUCTION.spec("quick")).fixed_points
    w_star, s = ref.MODEL2_CASE
    m2 = fixed[(fixed.model == 2) & (fixed.s == s) & (fixed.w_star == w_star)]
    maxima = m2[m2.kind == "global"]
    assert len(maxima) == 2
    for row in maxima.itertuples():
        assert_printed(row.eig_min, ref.MODEL2_MAX_EIGVALS[0])
        assert_printed(row.eig_max, ref.MODEL2_MAX_EIGVALS[1])
    (saddle,) = m2[m2.kind == "saddle"].itertuples()
    assert_printed(saddle.eig_min, ref.MODEL2_SADDLE_EIGVALS[0])
    assert_printed(saddle.eig_max, ref.MODEL2_SADDLE_EIGVALS[1])
    m1 = fixed[(fixed.model == 1) & (fixed.s == s) & (fixed.w_star == w_star)]
    assert list(m1.kind) == ["spurious", "unstable", "global"]
    _, slope_bar, _, slope_u, _ = ref.MODEL1_FIXED[(w_star, s)]
    assert_printed(m1.eig_min.iloc[0], slope_bar)
    assert_printed(m1.eig_min.iloc[1], slope_u)
    assert_printed(m1.eig_min.iloc[2], ref.MODEL1_SLOPE_AT_TRUTH[(w_star, s)])


def test_failure_replicate_counts_spurious_limits():
    rng = np.random.default_rng(0)
    out = el.failure_replicate({"s": 2.0, "w_star": 0.8, "learn_weights": False,
                                "batch": 400}, rng)
    fails = np.array(list(out.values()))
    assert set(np.unique(fails)) <= {0.0, 1.0}
    p = em_failure_probability(2.0, 0.8)
    assert abs(fails.mean() - p) <= 4 * np.sqrt(p * (1 - p) / fails.size)


def test_dense_curve_agrees_with_em_fixed_points():
    s = el.REPRODUCTION.spec("quick")
    dense = el.REPRODUCTION.theory_frame(s)
    rows = dense[(dense.design == "model1-w0.7") & (dense.s > 1.0)].iloc[::4]
    for row in rows.itertuples():
        theta_u = em_fixed_points(row.s, 0.7, learn_weights=False).theta[1]
        want = 0.7 * special.ndtr(theta_u - row.s) + 0.3 * special.ndtr(theta_u + row.s)
        assert abs(row.exact - want) < 1e-12


# ---------------------------------------------------------------------------
# Registry, CLI, reproducibility
# ---------------------------------------------------------------------------


def test_registry_lists_the_em_reproductions():
    assert get("em-landscape") is el
    assert el.NAME == "em-landscape"
    assert el.DESCRIPTION == REGISTRY["em-landscape"].description
    with pytest.raises(ValueError, match="mode"):
        el.REPRODUCTION.spec("huge")


def test_reproducible_given_seed():
    s = el.Spec(w_stars=(0.8,), s_max=2.4, n_s=2, n_starts=8, batch=4, sc_weights=(0.8,),
                basin_cases=((2.0, 0.8),), n_w0=3, n_dense=5)
    a = el.REPRODUCTION.simulate_frame(s, random_state=3)
    with joblib.parallel_config(backend="threading"):  # no process start-up in the test
        b = el.REPRODUCTION.simulate_frame(s, random_state=3, n_jobs=2)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.design) == ["model1-w0.8"] * 2 + ["model2-w0.8"] * 2
    assert (a.n_reps == 8).all()
