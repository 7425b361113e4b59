"""The em-overspecified reproduction: population rate, sample-EM limit, n^(-1/4) slope.

Stored numbers come from ``tests/results/mixture_reference.py``.  The slope of
the final error against ``n`` is estimated by OLS with a confidence interval;
the theory slope -1/4 must lie in it and the parametric -1/2 must not (the
negative control).
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from interpstat.experiments import REGISTRY, get
from interpstat.experiments import em_overspecified as eo
from tests.results import mixture_reference as ref


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, global_random_seed):
    out = tmp_path_factory.mktemp("em_overspecified")
    return eo.REPRODUCTION.run(out, mode="quick", random_state=global_random_seed, progress=False)


def test_writes_csv_figure_report(quick_run):
    assert quick_run["figure"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    frame = pd.read_csv(quick_run["csv"])
    assert list(frame.columns) == [
        "design", "n", "n_reps", "sim_mean", "sim_se", "ci_low", "ci_high", "asymptotic",
        "covered",
    ]
    np.testing.assert_array_equal(frame.n, eo.REPRODUCTION.spec("quick").grid_n())
    report = quick_run["report"].read_text(encoding="utf-8")
    for needle in ("## Settings", "Coverage of the asymptotic curve",
                   "## Rate of the final error", "## Population EM from θ0 = 1",
                   "| 0.1 | 51 | 50 |", "| 0.03 | 557 | 556 |"):
        assert needle in report, needle


# ---------------------------------------------------------------------------
# Population iterates
# ---------------------------------------------------------------------------


def test_population_steps_match_stored_numbers():
    norms = eo.population_iterates(5100)[:, 0]
    for eps, steps in ref.OVERSPECIFIED_ITERATIONS.items():
        assert eo.steps_to_reach(norms, eps) == steps
    assert eo.steps_to_reach(norms[:10], 0.01) == -1
    for r, printed in ref.OVERSPECIFIED_RATIO.items():
        ratio = eo.population_iterates(1, theta0=r)[1, 0] / r
        assert abs(ratio - printed.value) <= printed.atol + 1e-12


def test_population_rate_and_negative_controls():
    pop = eo.population(eo.REPRODUCTION.spec("quick"))
    t = np.array([10, 100, 600])
    ratio = pop.balanced[t].to_numpy() / pop.rate[t].to_numpy()
    # theta_t^-2 = 2t + O(log t) (docs/theory.rst, eq. (em-overspecified)), so the ratio to
    # (2t)^(-1/2) is 1 + O(log t / t)
    bound = (1 + np.log(t)) / (2 * t)
    assert np.all(np.abs(ratio - 1) <= bound)
    # negative controls: the rate t^(-1/2) (a factor sqrt 2) and a geometric rate
    wrong = pop.balanced[t].to_numpy() * np.sqrt(t)
    assert np.all(np.abs(wrong - 1) > bound)
    b = pop.balanced.to_numpy()
    rho = (b[100] / b[10]) ** (1 / 90)  # a geometric rate through t = 10 and t = 100
    assert b[100] * rho**500 < 0.01 * b[600]
    # unbalanced fit: contraction factor -> 4 w (1 - w)
    w = eo.REPRODUCTION.spec("quick").w_unbalanced
    u = pop.unbalanced.to_numpy()
    assert abs(u[60] / u[59] - 4 * w * (1 - w)) < 1e-6


# ---------------------------------------------------------------------------
# Sample EM
# ---------------------------------------------------------------------------


def test_sample_em_limit_is_where_sample_em_converges(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    x = rng.standard_normal((40, 200))
    limits = np.array([eo.sample_em_limit(row) for row in x])
    theta = np.full(40, 1.0)
    for _ in range(3000):  # the sample EM iteration itself, from theta_0 = 1
        theta = np.mean(x * np.tanh(x * theta[:, None]), axis=1)
    positive = limits > 0.1  # contraction by about 1 - 2 theta_hat^2 <= 0.98 per step
    assert positive.sum() >= 10
    np.testing.assert_allclose(theta[positive], limits[positive], rtol=1e-10)
    zero = limits == 0
    assert np.all((np.mean(x * x, axis=1) <= 1) == zero)
    assert np.all(theta[zero] < 0.05)  # decreasing to 0, sublinearly at worst
    # negative control: the first-order value sqrt(3 (m2 - 1) / m4) is not the limit
    m2, m4 = np.mean(x**2, axis=1), np.mean(x**4, axis=1)
    approx = np.sqrt(3 * (m2[positive] - 1) / m4[positive])
    assert np.all(np.abs(approx - limits[positive]) > 1e-6)


def test_slope_interval_contains_quarter_and_rejects_half(quick_run):
    frame = quick_run["frame"]
    fit = eo.fit_slope(frame.n, frame.sim_mean, level=0.95)
    assert fit.ci_low <= -0.25 <= fit.ci_high
    assert not fit.ci_low <= -0.5 <= fit.ci_high  # negative control: parametric rate
    assert fit.pvalue_half < 0.05


def test_error_covers_asymptotic_curve_and_rejects_wrong_ones(quick_run):
    frame = quick_run["frame"]
    m = len(frame)
    assert frame.covered.sum() >= 0.95 * m - 4 * np.sqrt(m * 0.95 * 0.05)
    # negative controls: the n^(-1/2) curve through the first point, and twice the constant
    anchor = frame.sim_mean.iloc[0] * (frame.n / frame.n.iloc[0]) ** -0.5
    for wrong in (anchor, 1.5 * frame.asymptotic):
        covered = (frame.ci_low <= wrong) & (wrong <= frame.ci_high)
        assert covered.sum() <= m // 2
    assert math.isclose(eo.ASYMPTOTIC_CONSTANT, 0.48887, abs_tol=1e-5)


def test_asymptotic_constant_derivation():
    # docs/theory.rst, eq. (em-sample-rate): theta_hat ~ (2/n)^(1/4) sqrt(max(Z, 0)) and
    # E sqrt(max(Z, 0)) = 2^(-3/4) Gamma(3/4) / sqrt(pi), checked by adaptive quadrature
    # (z = v^2 makes the integrand smooth: int_0^inf sqrt(z) phi(z) dz = int 2 v^2 phi(v^2) dv)
    half_moment, err = integrate.quad(lambda v: 2 * v * v * stats.norm.pdf(v * v), 0, np.inf)
    closed = 2**-0.75 * math.gamma(0.75) / math.sqrt(math.pi)
    assert abs(half_moment - closed) <= err + 1e-14
    assert 2**0.25 * closed == pytest.approx(eo.ASYMPTOTIC_CONSTANT, rel=1e-15)
    # negative control: E sqrt|Z| (the error without the truncation at m2 <= 1) is twice it
    assert abs(2 * 2**0.25 * half_moment - eo.ASYMPTOTIC_CONSTANT) > 0.4


def test_registry_and_spec():
    assert get("em-overspecified") is eo
    assert eo.DESCRIPTION == REGISTRY["em-overspecified"].description
    with pytest.raises(ValueError, match="mode"):
        eo.REPRODUCTION.spec("huge")
    assert [d.name for d in eo.designs(eo.REPRODUCTION.spec("quick"))] == ["sample-em"]
