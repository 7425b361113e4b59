"""Tests of the closed-form linear risk curves against stored numbers and exact identities.

No Monte-Carlo here: the simulation checks live elsewhere.  Stored numbers come
from ``tests/results/linear_reference.py`` (project computations from the
equations derived in ``docs/theory.rst``); they are compared within half a unit
of their last recorded digit, the rounding bound, because that is all the
precision they carry.
"""

import warnings

import numpy as np
import pytest
from scipy import optimize

from interpstat.theory.linear import (
    RiskParts,
    _group_spectrum,
    _hmrt_ridgeless_c0,
    _solve_kappa,
    minnorm_risk,
    minnorm_risk_exact,
    ridge_risk,
    weak_features_risk,
)
from tests.results import linear_reference as ref

#: Slack for floating-point error on top of a table's rounding bound.
FP = 1e-12


def assert_printed(actual, printed):
    """``actual`` agrees with a rounded table entry to within its rounding bound."""
    assert abs(float(actual) - printed.value) <= printed.atol + FP, (actual, printed)


def two_point_spectrum(p=2000):
    """Eigenvalues 4 (first half) and 1, beta of unit norm in the 4-eigenspace."""
    eig = np.r_[np.full(p // 2, 4.0), np.ones(p // 2)]
    beta = np.r_[np.full(p // 2, np.sqrt(2.0 / p)), np.zeros(p // 2)]
    return eig, beta


def power_law_spectrum():
    eig = 10.0 / np.arange(1, ref.POWER_LAW_P + 1)
    return eig, np.sqrt(eig / eig.sum())


def kappa_of(gamma, lam, eigvals):
    vals, mult, _ = _group_spectrum(eigvals, None)
    n = eigvals.size / gamma
    return _solve_kappa(vals, mult, n, n * lam)


def mp_stieltjes(gamma, lam):
    """m(-lam): the positive root of gamma lam m^2 + (1 - gamma + lam) m - 1 = 0 (np.roots)."""
    roots = np.roots([gamma * lam, 1.0 - gamma + lam, -1.0])
    return float(roots[roots > 0][0].real)


# --- stored reference numbers (tests/results/linear_reference.py) ------------------------------


@pytest.mark.parametrize(("gamma", "printed"), ref.MINNORM.items())
def test_minnorm_reference(gamma, printed):
    assert_printed(minnorm_risk(gamma), printed)


def test_interior_minimum_reference():
    r2, sigma2 = ref.INTERIOR_MIN_R2, ref.INTERIOR_MIN_SIGMA2
    risk_star = minnorm_risk(ref.INTERIOR_MIN_GAMMA, r2=r2, sigma2=sigma2)
    assert risk_star == pytest.approx(ref.INTERIOR_MIN_RISK, rel=1e-14)
    grid = np.linspace(1.001, 50.0, 200_001)
    risk = minnorm_risk(grid, r2=r2, sigma2=sigma2)
    assert risk.min() >= ref.INTERIOR_MIN_RISK - 1e-12
    assert abs(grid[np.argmin(risk)] - ref.INTERIOR_MIN_GAMMA) <= grid[1] - grid[0]
    # The interior minimum is not the global infimum (gamma -> 0).
    assert minnorm_risk(0.01, r2=r2, sigma2=sigma2) < ref.INTERIOR_MIN_RISK


@pytest.mark.parametrize(("r2", "sigma2"), [(4.0, 1.0), (9.0, 1.0), (2.0, 0.5), (1.0, 0.01)])
def test_interior_minimum_location(r2, sigma2):
    gamma_star = 1.0 / (1.0 - np.sqrt(sigma2 / r2))
    found = optimize.minimize_scalar(
        lambda g: minnorm_risk(g, r2=r2, sigma2=sigma2),
        bounds=(1.0 + 1e-6, 10 * gamma_star),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert found.x == pytest.approx(gamma_star, rel=1e-5)


@pytest.mark.parametrize(("p", "printed"), ref.EXACT.items())
def test_exact_reference(p, printed):
    assert_printed(minnorm_risk_exact(ref.EXACT_N, p), printed)


def test_exact_reference_rejects_asymptotic_formula():
    # Negative control: at n = 200, p = 100 the asymptotic value (1.0) is outside the
    # rounding bound of the exact reference, so the comparison above can fail.
    printed = ref.EXACT[100]
    assert abs(float(minnorm_risk(100 / ref.EXACT_N)) - printed.value) > printed.atol


@pytest.mark.parametrize(("gamma_lam", "row"), ref.RIDGE.items())
def test_ridge_reference(gamma_lam, row):
    gamma, lam = gamma_lam
    parts = ridge_risk(gamma, lam, return_parts=True)
    for actual, printed in zip(parts, row, strict=True):
        if printed is not None:
            assert_printed(actual, printed)


@pytest.mark.parametrize(("gamma_lam", "exact"), ref.RIDGE_OPTIMAL_EXACT.items())
def test_ridge_optimal_closed_forms(gamma_lam, exact):
    assert ridge_risk(*gamma_lam) == pytest.approx(exact, rel=1e-13)


def test_two_point_ridgeless_reference():
    eig, beta = two_point_spectrum()
    gamma = ref.TWO_POINT_GAMMA
    expected = ref.TWO_POINT_RIDGELESS
    parts = ridge_risk(gamma, 0.0, eigvals=eig, beta=beta, return_parts=True)
    assert parts.bias == pytest.approx(expected["bias"], rel=1e-12)
    assert parts.variance == pytest.approx(expected["variance"], rel=1e-12)
    assert kappa_of(gamma, 0.0, eig) == pytest.approx(expected["kappa"], rel=1e-12)
    c0, bias, variance = _hmrt_ridgeless_c0(gamma, eig, beta, 1.0, 1.0)
    assert c0 == pytest.approx(expected["c0"], rel=1e-12)
    assert bias == pytest.approx(expected["bias"], rel=1e-12)
    assert variance == pytest.approx(expected["variance"], rel=1e-12)


@pytest.mark.parametrize(("lam", "row"), ref.TWO_POINT_RIDGE.items())
def test_two_point_ridge_reference(lam, row):
    eig, beta = two_point_spectrum()
    kappa_printed, risk_printed = row
    assert_printed(kappa_of(ref.TWO_POINT_GAMMA, lam, eig), kappa_printed)
    assert_printed(ridge_risk(ref.TWO_POINT_GAMMA, lam, eigvals=eig, beta=beta), risk_printed)


@pytest.mark.parametrize("p", [20, 200, 2000])
def test_two_point_independent_of_p(p):
    # The kappa form depends on the spectrum only through its distribution.
    eig, beta = two_point_spectrum(p)
    eig_big, beta_big = two_point_spectrum(4000)
    lam = np.array([0.0, 0.1, 0.5])
    np.testing.assert_allclose(
        ridge_risk(2.0, lam, eigvals=eig, beta=beta),
        ridge_risk(2.0, lam, eigvals=eig_big, beta=beta_big),
        rtol=1e-12,
    )


def test_power_law_reference():
    eig, beta = power_law_spectrum()
    gamma = ref.POWER_LAW_P / ref.POWER_LAW_N
    risk = ridge_risk(
        gamma, ref.POWER_LAW_LAM, sigma2=ref.POWER_LAW_SIGMA2, eigvals=eig, beta=beta
    )
    assert_printed(risk, ref.POWER_LAW_RISK)


@pytest.mark.parametrize(("key", "printed"), ref.BHX_FIXED.items())
def test_weak_features_fixed_reference(key, printed):
    p, n, b_T, b_Tc, sigma2 = key
    risk = weak_features_risk(p, n, beta_T_norm2=b_T, beta_Tc_norm2=b_Tc, sigma2=sigma2)
    assert_printed(risk, printed)


@pytest.mark.parametrize("b_T", [0.0, 0.5, 3.0])
def test_weak_features_underparametrised_ignores_observed_signal(b_T):
    # p <= n - 2: least squares is unbiased on T, so |beta_T|^2 does not enter.
    risk = weak_features_risk(20, 40, beta_T_norm2=b_T, beta_Tc_norm2=0.5, sigma2=0.25)
    assert_printed(risk, ref.BHX_FIXED[(20, 40, 0.0, 0.5, 0.25)])


@pytest.mark.parametrize(("p", "printed"), ref.BHX_RANDOM.items())
def test_weak_features_random_subset_reference(p, printed):
    risk = weak_features_risk(
        p, ref.BHX_RANDOM_N, D=ref.BHX_RANDOM_D, sigma2=ref.BHX_RANDOM_SIGMA2
    )
    assert_printed(risk, printed)


# --- identities between formulas ------------------------------------------------------------


@pytest.mark.parametrize("gamma", [0.2, 0.5, 1.0, 2.0, 5.0])
@pytest.mark.parametrize(("r2", "sigma2"), [(1.0, 1.0), (2.0, 0.5), (0.5, 3.0)])
def test_optimal_ridge_identity(gamma, r2, sigma2):
    lam_star = sigma2 * gamma / r2
    risk_star = ridge_risk(gamma, lam_star, r2=r2, sigma2=sigma2)
    assert risk_star == pytest.approx(sigma2 * gamma * mp_stieltjes(gamma, lam_star), rel=1e-12)
    found = optimize.minimize_scalar(
        lambda u: ridge_risk(gamma, np.exp(u), r2=r2, sigma2=sigma2),
        bounds=(np.log(lam_star) - 3, np.log(lam_star) + 3),
        method="bounded",
        options={"xatol": 1e-9},
    )
    assert np.exp(found.x) == pytest.approx(lam_star, rel=1e-4)


@pytest.mark.parametrize("gamma", [0.3, 0.9, 1.0, 1.1, 2.0, 7.0])
@pytest.mark.parametrize("lam", [0.01, 0.3, 2.0])
def test_mp_form_matches_textbook_expression(gamma, lam):
    # eq. (mp-ridge) of docs/theory.rst as written (m from np.roots, m' from the implicit
    # derivative);
    # the implementation uses a rearranged, cancellation-free form.
    m = mp_stieltjes(gamma, lam)
    a = 1.0 - gamma + lam
    m_prime = (gamma * m**2 + m) / (a + 2.0 * gamma * lam * m)
    r2, sigma2 = 1.7, 0.6
    parts = ridge_risk(gamma, lam, r2=r2, sigma2=sigma2, return_parts=True)
    assert parts.bias == pytest.approx(r2 * lam**2 * m_prime, rel=1e-10)
    assert parts.variance == pytest.approx(sigma2 * gamma * (m - lam * m_prime), rel=1e-10)


@pytest.mark.parametrize("gamma", [0.1, 0.5, 0.9, 1.1, 1.5, 2.0, 5.0, 20.0])
def test_ridge_small_lambda_tends_to_minnorm(gamma):
    limit = minnorm_risk(gamma, r2=1.3, sigma2=0.7)
    gap = {lam: abs(ridge_risk(gamma, lam, r2=1.3, sigma2=0.7) - limit) for lam in (1e-10, 1e-12)}
    assert gap[1e-10] <= 1e-7 * limit
    # O(lam) convergence, no numerical floor: the gap shrinks ~100x with lam.
    assert gap[1e-12] <= 0.02 * gap[1e-10]


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0])
def test_ridge_lambda_zero_is_exactly_minnorm(gamma):
    assert ridge_risk(gamma, 0.0, r2=2.0, sigma2=0.3) == minnorm_risk(gamma, r2=2.0, sigma2=0.3)


def test_ridge_large_lambda_kills_the_fit():
    parts = ridge_risk(np.array([0.5, 2.0]), 1e8, r2=2.0, return_parts=True)
    np.testing.assert_allclose(parts.bias, 2.0, rtol=1e-7)
    np.testing.assert_allclose(parts.variance, 0.0, atol=1e-7)


@pytest.mark.parametrize("gamma", [0.3, 0.8, 1.0, 1.25, 3.0])
@pytest.mark.parametrize("lam", [1e-4, 0.05, 1.0, 10.0])
def test_kappa_form_with_identity_covariance_equals_mp(gamma, lam):
    ones = np.ones(1000)
    kappa = ridge_risk(gamma, lam, r2=1.5, sigma2=0.8, eigvals=ones, return_parts=True)
    mp = ridge_risk(gamma, lam, r2=1.5, sigma2=0.8, return_parts=True)
    np.testing.assert_allclose(kappa, mp, rtol=1e-9)


@pytest.mark.parametrize("lam", [1e-300, 1e-200, 1e-20, 1e-8, 1e8, 1e200])
def test_kappa_form_extreme_ridge_equals_mp(lam):
    # Near the pole (gamma = 1, tiny ridge) every L_i rounds to 1; the solver must still
    # resolve kappa ~ sqrt(lam).  Huge ridges must not overflow.
    gamma = np.array([0.5, 1.0, 2.0])
    kappa = no_warnings(ridge_risk, gamma, lam, eigvals=np.ones(100), return_parts=True)
    mp = no_warnings(ridge_risk, gamma, lam, return_parts=True)
    np.testing.assert_allclose(kappa, mp, rtol=1e-9, atol=1e-300)
    assert np.all(np.isfinite(mp.risk))


@pytest.mark.parametrize("gamma", [0.3, 0.8, 1.25, 3.0])
def test_kappa_form_ridgeless_identity_covariance_equals_minnorm(gamma):
    got = ridge_risk(gamma, 0.0, r2=1.5, sigma2=0.8, eigvals=np.ones(1000))
    assert got == pytest.approx(minnorm_risk(gamma, r2=1.5, sigma2=0.8), rel=1e-12)


def _c0_spectra():
    rng = np.random.default_rng(0)
    uniform = rng.uniform(0.1, 3.0, size=300)
    with_zeros = np.r_[rng.uniform(0.5, 2.0, size=240), np.zeros(60)]
    pl_eig, pl_beta = power_law_spectrum()
    tp_eig, tp_beta = two_point_spectrum(200)
    return {
        "two-point": (tp_eig, tp_beta),
        "power-law": (pl_eig, pl_beta),
        "uniform-isotropic-beta": (uniform, None),
        "rank-deficient": (with_zeros, rng.standard_normal(300) / np.sqrt(300)),
    }


@pytest.mark.parametrize(("eig", "beta"), _c0_spectra().values(), ids=_c0_spectra().keys())
@pytest.mark.parametrize("gamma", [1.5, 2.0, 4.0, 10.0])
def test_hmrt_c0_form_equals_kappa_form(eig, beta, gamma):
    r2, sigma2 = (1.0, 0.7) if beta is not None else (1.8, 0.7)
    c0, bias, variance = _hmrt_ridgeless_c0(gamma, eig, beta, r2, sigma2)
    kw = {"beta": beta} if beta is not None else {"r2": r2}
    parts = ridge_risk(gamma, 0.0, sigma2=sigma2, eigvals=eig, return_parts=True, **kw)
    assert c0 * gamma * kappa_of(gamma, 0.0, eig) == pytest.approx(1.0, abs=1e-10)
    assert bias == pytest.approx(parts.bias, rel=1e-10)
    assert variance == pytest.approx(parts.variance, rel=1e-10)


@pytest.mark.parametrize("sigma2", [0.0, 0.5])
def test_rank_deficient_ridgeless_below_rank(sigma2):
    # rank M = 50 < n = 100: kappa = 0, zero bias, variance sigma2 M/(n - M).
    eig = np.r_[np.linspace(0.5, 2.0, 50), np.zeros(50)]
    beta = np.linspace(-1, 1, 100) / 6
    parts = ridge_risk(1.0, 0.0, sigma2=sigma2, eigvals=eig, beta=beta, return_parts=True)
    assert parts.bias == 0.0
    assert parts.variance == pytest.approx(sigma2 * 50 / 50, abs=1e-15)
    near = ridge_risk(1.0, 1e-9, sigma2=sigma2, eigvals=eig, beta=beta)
    assert near == pytest.approx(parts.risk, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("gamma", [0.5, 2.0, 3.0])
def test_exact_tends_to_asymptotic(gamma):
    sizes = 10 ** np.arange(2, 7)
    gaps = np.abs(minnorm_risk_exact(sizes, gamma * sizes) - minnorm_risk(gamma))
    ratios = gaps[:-1] / gaps[1:]
    # The variance factors differ by |n-p|/(|n-p|-1): the gap is O(1/n).
    np.testing.assert_allclose(ratios, 10.0, rtol=0.02)
    assert gaps[-1] < 1e-5 * minnorm_risk(gamma)


@pytest.mark.parametrize("n", [10, 40, 300])
@pytest.mark.parametrize("offset", [-9, -5, -2, 2, 3, 30, 200])
@pytest.mark.parametrize(("r2", "sigma2"), [(1.0, 1.0), (2.5, 0.25), (0.0, 1.0), (1.0, 0.0)])
def test_weak_features_all_observed_is_exact_least_squares(n, offset, r2, sigma2):
    p = n + offset
    if p < 1:
        pytest.skip("p must be positive")
    by_D = weak_features_risk(p, n, D=p, r2=r2, sigma2=sigma2)
    by_norms = weak_features_risk(p, n, beta_T_norm2=r2, beta_Tc_norm2=0.0, sigma2=sigma2)
    exact = minnorm_risk_exact(n, p, r2=r2, sigma2=sigma2) + sigma2
    assert by_D == pytest.approx(exact, rel=1e-14)
    assert by_norms == pytest.approx(exact, rel=1e-14)


@pytest.mark.parametrize("p", [5, 20, 37, 43, 60, 119])
def test_weak_features_random_subset_is_substitution(p):
    r2 = 1.7
    random_T = weak_features_risk(p, 40, D=120, r2=r2, sigma2=0.25)
    fixed_T = weak_features_risk(
        p, 40, beta_T_norm2=r2 * p / 120, beta_Tc_norm2=r2 * (1 - p / 120), sigma2=0.25
    )
    assert random_T == pytest.approx(fixed_T, rel=1e-14)


# --- divergences, vectorisation, kinds and parts ----------------------------------------------


def no_warnings(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


@pytest.mark.parametrize("n", [5, 50, 200])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_exact_divergent_band(n, delta):
    assert no_warnings(minnorm_risk_exact, n, n + delta) == np.inf
    assert no_warnings(minnorm_risk_exact, n, n + delta, kind="prediction") == np.inf
    assert no_warnings(weak_features_risk, n + delta, n, D=n + delta) == np.inf
    # Just outside the band the risk is finite.
    assert np.isfinite(minnorm_risk_exact(n, n + 2 * (delta or 1)))


def test_ridgeless_divergences():
    assert no_warnings(minnorm_risk, 1.0) == np.inf
    assert no_warnings(ridge_risk, 1.0, 0.0) == np.inf
    assert no_warnings(ridge_risk, 1.0, 0.0, eigvals=np.ones(100)) == np.inf
    # rank(Sigma) = 50 = n with p = 100.
    eig = np.r_[np.ones(50), np.zeros(50)]
    assert no_warnings(ridge_risk, 2.0, 0.0, eigvals=eig) == np.inf
    assert np.isfinite(ridge_risk(1.0, 1e-8))


def test_noiseless_pole_has_zero_variance():
    # With sigma2 = 0 the variance is 0 even where its factor is infinite (no 0 * inf = nan).
    eig = np.r_[np.ones(50), np.zeros(50)]
    cases = [
        no_warnings(minnorm_risk, 1.0, sigma2=0.0, return_parts=True),
        no_warnings(ridge_risk, 1.0, 0.0, sigma2=0.0, return_parts=True),
        no_warnings(ridge_risk, 2.0, 0.0, sigma2=0.0, eigvals=eig, return_parts=True),
        no_warnings(minnorm_risk_exact, 50, 51, r2=2.0, sigma2=0.0, return_parts=True),
        no_warnings(
            weak_features_risk,
            51,
            50,
            beta_T_norm2=2.0,
            beta_Tc_norm2=0.0,
            sigma2=0.0,
            return_parts=True,
        ),
    ]
    for parts in cases:
        assert parts.variance == 0.0
        assert np.isfinite(parts.risk)
    assert cases[3].bias == pytest.approx(2.0 * (1 - 50 / 51), rel=1e-14)


def test_minnorm_vectorised_matches_scalar_calls():
    gamma = np.array([0.1, 0.5, 0.99, 1.0, 1.01, 2.0, 30.0])
    expected = [minnorm_risk(g, r2=2.0, sigma2=0.5) for g in gamma]
    np.testing.assert_array_equal(minnorm_risk(gamma, r2=2.0, sigma2=0.5), expected)


def test_exact_vectorised_matches_scalar_calls():
    n = np.array([[50], [200]])
    p = np.array([10, 48, 49, 50, 51, 52, 400])
    got = minnorm_risk_exact(n, p, r2=1.5)
    assert got.shape == (2, 7)
    expected = [[minnorm_risk_exact(ni, pj, r2=1.5) for pj in p] for ni in n[:, 0]]
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("spectrum", ["isotropic", "power-law"])
def test_ridge_vectorised_matches_scalar_calls(spectrum):
    kw = {}
    if spectrum == "power-law":
        kw["eigvals"], kw["beta"] = power_law_spectrum()
    gamma = np.array([[0.5], [1.0], [2.0]])
    lam = np.array([0.0, 1e-3, 0.3, 4.0])
    got = ridge_risk(gamma, lam, sigma2=0.5, **kw)
    assert got.shape == (3, 4)
    expected = [[ridge_risk(g, lm, sigma2=0.5, **kw) for lm in lam] for g in gamma[:, 0]]
    np.testing.assert_array_equal(got, expected)


def test_weak_features_vectorised_matches_scalar_calls():
    p = np.array([5, 38, 39, 40, 41, 42, 90, 120])
    got = weak_features_risk(p, 40, D=120, sigma2=0.25)
    expected = [weak_features_risk(pi, 40, D=120, sigma2=0.25) for pi in p]
    np.testing.assert_array_equal(got, expected)


def test_broadcasting_over_noise_and_signal():
    sigma2 = np.array([0.0, 0.5, 1.0])[:, None]
    r2 = np.array([1.0, 4.0])
    assert minnorm_risk(2.0, r2=r2, sigma2=sigma2).shape == (3, 2)
    assert ridge_risk(2.0, 0.1, r2=r2, sigma2=sigma2).shape == (3, 2)
    assert ridge_risk(2.0, 0.1, r2=r2, sigma2=sigma2, eigvals=np.ones(10)).shape == (3, 2)
    parts = minnorm_risk_exact(100, [50, 300], r2=r2, sigma2=sigma2, return_parts=True)
    assert parts.bias.shape == parts.variance.shape == parts.risk.shape == (3, 2)


def test_scalar_in_scalar_out_and_arrays_are_float64():
    assert type(minnorm_risk(2.0)) is np.float64
    assert type(ridge_risk(2, 1)) is np.float64
    assert type(minnorm_risk_exact(10, 20)) is np.float64
    assert type(weak_features_risk(20, 10, D=30)) is np.float64
    out = minnorm_risk_exact([10, 20], 5)
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float64


CALLS = {
    "minnorm": (minnorm_risk, (np.array([0.5, 1.0, 2.0]),), {}),
    "exact": (minnorm_risk_exact, (100, np.array([50, 100, 300])), {}),
    "ridge-mp": (ridge_risk, (np.array([0.5, 1.0, 2.0]), 0.2), {}),
    "ridge-kappa": (ridge_risk, (np.array([0.5, 2.0]), 0.2), {"eigvals": np.arange(1.0, 9.0)}),
    "weak": (weak_features_risk, (np.array([10, 40, 90]), 40), {"D": 100}),
}


@pytest.mark.parametrize(("func", "args", "kwargs"), CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("sigma2", [0.0, 0.3, 2.0])
def test_prediction_adds_sigma2(func, args, kwargs, sigma2):
    excess = func(*args, sigma2=sigma2, kind="excess", **kwargs)
    prediction = func(*args, sigma2=sigma2, kind="prediction", **kwargs)
    np.testing.assert_allclose(prediction, excess + sigma2, rtol=1e-15)


@pytest.mark.parametrize(("func", "args", "kwargs"), CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("kind", ["excess", "prediction"])
def test_parts_sum_to_risk(func, args, kwargs, kind):
    sigma2 = 0.4
    parts = func(*args, sigma2=sigma2, kind=kind, return_parts=True, **kwargs)
    assert isinstance(parts, RiskParts)
    noise = sigma2 if kind == "prediction" else 0.0
    np.testing.assert_allclose(parts.bias + parts.variance + noise, parts.risk, rtol=1e-15)
    np.testing.assert_array_equal(parts.risk, func(*args, sigma2=sigma2, kind=kind, **kwargs))
    assert np.all(parts.bias >= 0)
    assert np.all(parts.variance >= 0)


def test_weak_features_default_is_prediction():
    kw = {"D": 100, "sigma2": 0.7}
    assert weak_features_risk(30, 50, **kw) == weak_features_risk(30, 50, kind="prediction", **kw)
    assert weak_features_risk(30, 50, **kw) - weak_features_risk(
        30, 50, kind="excess", **kw
    ) == pytest.approx(0.7, rel=1e-14)


BAD_INPUTS = [
    (minnorm_risk, (0.0,), {}, "gamma"),
    (minnorm_risk, (-1.0,), {}, "gamma"),
    (minnorm_risk, (np.nan,), {}, "gamma"),
    (minnorm_risk, (2.0,), {"r2": -1.0}, "r2"),
    (minnorm_risk, (2.0,), {"sigma2": -0.1}, "sigma2"),
    (minnorm_risk, (2.0,), {"kind": "test"}, "kind"),
    (minnorm_risk_exact, (10.5, 5), {}, "n"),
    (minnorm_risk_exact, (10, 5.5), {}, "p"),
    (minnorm_risk_exact, (0, 5), {}, "n"),
    (minnorm_risk_exact, (10, 5), {"sigma2": -1.0}, "sigma2"),
    (ridge_risk, (2.0, -0.1), {}, "lam"),
    (ridge_risk, (0.0, 0.1), {}, "gamma"),
    (ridge_risk, (2.0, np.inf), {}, "lam"),
    (ridge_risk, (2.0, 0.1), {"r2": -2.0}, "r2"),
    (ridge_risk, (2.0, 0.1), {"eigvals": [1.0, -1.0]}, "eigvals"),
    (ridge_risk, (2.0, 0.1), {"eigvals": [0.0, 0.0]}, "eigvals"),
    (ridge_risk, (2.0, 0.1), {"eigvals": [[1.0, 2.0]]}, "eigvals"),
    (ridge_risk, (2.0, 0.1), {"eigvals": [1.0, 2.0], "beta": [1.0]}, "beta"),
    (ridge_risk, (2.0, 0.1), {"beta": [1.0, 2.0]}, "beta requires eigvals"),
    (ridge_risk, (2.0, 0.1), {"eigvals": [1.0, 2.0], "beta": [1.0, 0.0], "r2": 3.0}, "r2"),
    (weak_features_risk, (20.5, 40), {"D": 100}, "p"),
    (weak_features_risk, (20, 40), {"D": 10}, "p must be <= D"),
    (weak_features_risk, (20, 40), {"D": 100, "beta_T_norm2": 1.0}, "not both"),
    (weak_features_risk, (20, 40), {"beta_T_norm2": 1.0}, "beta_Tc_norm2"),
    (weak_features_risk, (20, 40), {}, "D"),
    (weak_features_risk, (20, 40), {"beta_T_norm2": -1.0, "beta_Tc_norm2": 0.0}, "beta_T_norm2"),
    (weak_features_risk, (20, 40), {"beta_T_norm2": 1, "beta_Tc_norm2": 0, "r2": 2}, "r2"),
    (weak_features_risk, (20, 40), {"D": 100, "kind": "excess risk"}, "kind"),
]


@pytest.mark.parametrize(("func", "args", "kwargs", "match"), BAD_INPUTS)
def test_bad_input_raises(func, args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        func(*args, **kwargs)


def test_c0_helper_rejects_gamma_below_rank_threshold():
    with pytest.raises(ValueError, match="gamma"):
        _hmrt_ridgeless_c0(0.5, np.ones(10), None, 1.0, 1.0)
