"""Theory against Monte-Carlo simulation of the estimators (the package's verification).

Each check asserts ``|MC mean - theory| <= z * SE + allowance`` with the
standard error from the replicates and an allowance for the formula's stated
accuracy (zero for exact finite-sample formulas, 1% for the asymptotic ridge
curves at n >= 200; see the theory page of the docs), and pairs it with a
negative control: the same check applied to a deliberately wrong curve must
fail.  ``z = 4`` keeps the false-alarm rate of a correct curve below 1e-4 per
comparison under the normal approximation of the mean.

Power.  A wrong curve hundreds of standard errors away proves nothing about
a check's power, and one point compared at ``z = 4`` rejects a curve 4 SE
away only half the time.  So the points of a check are also combined into
``T = d^T C^{-1} d`` (``d`` the excess of ``|mean - curve|`` over the
allowance, signed; ``C`` the covariance of the means, estimated from the
replicates), which is chi-square with ``m`` degrees of freedom for a correct
curve: :func:`combined_agrees` accepts ``T`` below its ``1 - ALPHA``
quantile.  The near-miss controls (:func:`near_miss`) sit ``k`` standard
errors per point beyond the allowance band of the theory (non-centrality
``m k^2`` in the whitened metric; for independent points ``k`` SE at each
point), along the direction of a meaningful wrong curve, and the combined
check must reject them.  The probability that it fails to is the
noncentral chi-square ``P(chi2_m(m k^2) <= q)``, computed by
:func:`miss_probability` and checked in ``test_near_miss_power`` for every
``(m, k)`` used: ``K_SE`` picks the smallest ``k`` in 3-5 with a miss
probability below ``ALPHA`` where one exists.  A single point cannot be
rejected reliably at 3-5 SE at this false-alarm rate (the miss probability
at ``k = z`` is one half), so single-point checks use ``k = 7.5``.
"""

import numpy as np
import pytest
from scipy import stats

from interpstat import MinNormRegressor
from interpstat.simulation import simulate
from interpstat.theory import (
    gcv,
    minnorm_risk,
    minnorm_risk_exact,
    ridge_risk,
    weak_features_risk,
)

pytestmark = pytest.mark.slow

Z = 4.0


def agrees(mean, se, theory, allowance=0.0):
    """The tolerance rule of the module docstring, elementwise."""
    return np.abs(np.asarray(mean) - theory) <= Z * np.asarray(se) + allowance


#: false-alarm rate of the combined check (that of one ``z = 4`` comparison is 6.3e-5)
ALPHA = 1e-4
#: standard errors per point of the near-miss controls, by number of points m
K_SE = {1: 7.5, 2: 5.0, 3: 5.0, 4: 4.5}


def _excess(mean, theory, allowance):
    d = np.atleast_1d(np.asarray(mean, dtype=float) - theory)
    return np.sign(d) * np.maximum(np.abs(d) - allowance, 0.0)


def combined_stat(mean, cov, curve, allowance=0.0):
    """``T = d^T C^{-1} d``, ``d`` the signed excess of ``|mean - curve|`` over the allowance."""
    d = _excess(mean, curve, allowance)
    return float(d @ np.linalg.solve(np.atleast_2d(cov), d))


def combined_agrees(mean, cov, curve, allowance=0.0):
    """``T`` below the ``1 - ALPHA`` quantile of chi-square with ``m`` degrees of freedom."""
    m = np.atleast_1d(mean).size
    return combined_stat(mean, cov, curve, allowance) <= stats.chi2.isf(ALPHA, m)


def near_miss(theory, direction, cov, allowance=0.0):
    """A curve ``K_SE[m]`` standard errors per point beyond the allowance band of ``theory``.

    ``theory + 2 * allowance * sign(direction) + c * direction`` with ``c`` making
    the whitened length of ``c * direction`` equal to ``k sqrt(m)``: whatever the
    bias of the simulation within the allowance, the combined check then
    sees a non-centrality of at least ``m k^2``.
    """
    theory = np.atleast_1d(np.asarray(theory, dtype=float))
    v = np.atleast_1d(np.asarray(direction, dtype=float))
    m = v.size
    c = K_SE[m] * np.sqrt(m) / np.sqrt(v @ np.linalg.solve(np.atleast_2d(cov), v))
    return theory + 2.0 * np.asarray(allowance) * np.sign(v) + c * v


def miss_probability(m, k):
    """Probability that the combined check accepts a curve ``k`` SE per point away."""
    return float(stats.ncx2.cdf(stats.chi2.isf(ALPHA, m), m, m * k * k))


def _means_cov(res, metrics):
    """Means and their covariance for metrics of one cell (replicates shared)."""
    D = np.vstack([res.draws[name][0] for name in metrics])
    return D.mean(axis=1), np.atleast_2d(np.cov(D)) / D.shape[1]


def test_near_miss_power():
    # the miss probabilities of the near-miss controls below (normal approximation
    # of the means): 1.2e-5 for three points at 5 SE, 4.6e-5 for four at 4.5 SE,
    # 1.5e-4 for one point at 7.5 SE (4 SE would be missed half the time)
    assert miss_probability(3, K_SE[3]) < 2e-5
    assert miss_probability(4, K_SE[4]) < ALPHA
    assert miss_probability(1, K_SE[1]) < 2e-4
    assert miss_probability(1, 4.0) > 0.4  # why one point is not enough at 4 SE
    for m, k in K_SE.items():  # and 3-5 SE wherever the points allow it
        assert m == 1 or 3.0 <= k <= 5.0


def _direction(rng, dim, norm2):
    v = rng.standard_normal(dim)
    return v * np.sqrt(norm2) / np.linalg.norm(v)


# --- minnorm_risk_exact: finite-sample Gaussian design (sec. 2.2) ----------------------------


def _minnorm_replicate(params, rng):
    n, p = params["n"], params["p"]
    X = rng.standard_normal((n, p))
    beta = _direction(rng, p, params["r2"])
    y = X @ beta + np.sqrt(params["sigma2"]) * rng.standard_normal(n)
    coef = MinNormRegressor(fit_intercept=False).fit(X, y).coef_
    return float(np.sum((coef - beta) ** 2))  # Sigma = I: the excess risk given the fit


def test_minnorm_risk_exact_against_simulation(global_random_seed):
    n, ps = 20, np.array([10, 30, 60])  # |p - n| >= 10: finite MC variance (sec. 7.1)
    res = simulate(
        _minnorm_replicate,
        [{"n": n, "p": int(p), "r2": 1.0, "sigma2": 1.0} for p in ps],
        3000,
        random_state=global_random_seed,
    )
    mean, se = res.mean(), res.std_error()
    cov = np.diag(se**2)  # the cells are independent
    exact = minnorm_risk_exact(n, ps)
    assert np.all(agrees(mean, se, exact)), (mean, se, exact)
    assert combined_agrees(mean, cov, exact)
    # negative controls: the asymptotic curve where it differs by ~10% (p = 10,
    # 1.0 vs 10/9), and the prediction risk (a sigma2 shift) everywhere ...
    assert not agrees(mean[0], se[0], minnorm_risk(ps[0] / n))
    assert not np.any(agrees(mean, se, minnorm_risk_exact(n, ps, kind="prediction")))
    # ... and near misses along both, 5 SE per point away (miss probability 1.2e-5)
    for wrong in (minnorm_risk(ps / n), minnorm_risk_exact(n, ps, kind="prediction")):
        close = near_miss(exact, wrong - exact, cov)
        assert not combined_agrees(mean, cov, close), (mean, se, close)


# --- weak_features_risk: Belkin-Hsu-Xu, random subset of features (sec. 2.5) -----------------


def _weak_replicate(params, rng):
    n, D, sigma2 = params["n"], params["D"], params["sigma2"]
    X = rng.standard_normal((n, D))
    beta = _direction(rng, D, 1.0)
    y = X @ beta + np.sqrt(sigma2) * rng.standard_normal(n)
    out = {}
    for p in params["ps"]:
        coef = MinNormRegressor(fit_intercept=False).fit(X[:, :p], y).coef_
        out[f"p{p}"] = float(np.sum((coef - beta[:p]) ** 2) + np.sum(beta[p:] ** 2) + sigma2)
    return out


def test_weak_features_risk_against_simulation(global_random_seed):
    n, D, sigma2, ps = 40, 120, 0.25, (20, 60, 100, 120)
    res = simulate(
        _weak_replicate,
        [{"n": n, "D": D, "sigma2": sigma2, "ps": ps}],
        2000,
        random_state=global_random_seed,
    )
    mean = np.array([res.mean(f"p{p}")[0] for p in ps])
    se = np.array([res.std_error(f"p{p}")[0] for p in ps])
    theory = weak_features_risk(np.array(ps), n, D=D, sigma2=sigma2)
    assert np.all(agrees(mean, se, theory)), (mean, se, theory)
    # the four points share their replicates: their covariance from the draws
    mean_c, cov = _means_cov(res, [f"p{p}" for p in ps])
    np.testing.assert_allclose(mean_c, mean)
    assert combined_agrees(mean, cov, theory)
    # negative control: the excess risk (sigma2 = 0.25 lower) must be rejected ...
    wrong = weak_features_risk(np.array(ps), n, D=D, sigma2=sigma2, kind="excess")
    assert not np.any(agrees(mean, se, wrong))
    # ... and so must a curve 4.5 SE per point below (miss probability 4.6e-5)
    close = near_miss(theory, wrong - theory, cov)
    assert not combined_agrees(mean, cov, close), (mean, se, close)


# --- ridge_risk: isotropic MP form and general spectrum (secs. 2.3, 2.4) ---------------------


def _ridge_replicate(params, rng):
    n, lam, sigma2 = params["n"], params["lam"], params["sigma2"]
    sd = np.sqrt(params["eigvals"])
    beta = params["beta"]
    X = rng.standard_normal((n, sd.size)) * sd  # eigenbasis coordinates: Sigma diagonal
    y = X @ beta + np.sqrt(sigma2) * rng.standard_normal(n)
    coef = MinNormRegressor(ridge=n * lam, fit_intercept=False).fit(X, y).coef_
    return float(np.sum(sd**2 * (coef - beta) ** 2))  # (b - beta)^T Sigma (b - beta)


def _two_point(p):
    eig = np.r_[np.full(p // 2, 4.0), np.ones(p - p // 2)]
    beta = np.r_[np.full(p // 2, 1.0), np.zeros(p - p // 2)]
    return eig, beta / np.linalg.norm(beta)


def _power_law(p):
    eig = 10.0 / np.arange(1, p + 1)
    beta = np.sqrt(eig)
    return eig, beta / np.linalg.norm(beta)


RIDGE_CASES = [  # (name, n, p, lam, sigma2)
    ("isotropic", 300, 600, 0.2, 1.0),
    ("two-point", 200, 400, 0.1, 1.0),
    ("power-law", 200, 400, 0.3, 0.5),
]


def _ridge_spectrum(name, p):
    if name == "isotropic":
        return np.ones(p), np.full(p, 1 / np.sqrt(p))
    return _two_point(p) if name == "two-point" else _power_law(p)


def test_ridge_risk_against_simulation(global_random_seed):
    # the three spectra are the three (independent) cells of one run, so that
    # their near-miss controls can be combined (one point alone has no power at 5 SE)
    cells, theory, wrong_scale, wrong_spec = [], [], [], []
    for name, n, p, lam, sigma2 in RIDGE_CASES:
        eig, beta = _ridge_spectrum(name, p)
        cells.append({"n": n, "lam": lam, "sigma2": sigma2, "eigvals": eig, "beta": beta})
        if name == "isotropic":
            th = ridge_risk(p / n, lam, sigma2=sigma2)
            assert np.isclose(th, ridge_risk(p / n, lam, sigma2=sigma2, eigvals=eig, beta=beta))
        else:
            th = ridge_risk(p / n, lam, sigma2=sigma2, eigvals=eig, beta=beta)
        theory.append(th)
        # a ridge of lam in place of n * lam (sec. 7.5), and the isotropic curve in
        # place of the true spectrum
        wrong_scale.append(ridge_risk(p / n, lam / n, sigma2=sigma2, eigvals=eig, beta=beta))
        wrong_spec.append(ridge_risk(p / n, lam, sigma2=sigma2) if name != "isotropic" else th)
    res = simulate(_ridge_replicate, cells, 150, random_state=global_random_seed)
    mean, se = res.mean(), res.std_error()
    theory, wrong_scale, wrong_spec = map(np.array, (theory, wrong_scale, wrong_spec))
    allowance = 0.01 * theory  # asymptotic formula at n >= 200 (sec. 7.5)
    cov = np.diag(se**2)
    assert np.all(agrees(mean, se, theory, allowance)), (mean, se, theory)
    assert combined_agrees(mean, cov, theory, allowance)
    # negative controls, each point on its own ...
    assert not np.any(agrees(mean, se, wrong_scale, 0.01 * wrong_scale))
    assert not np.any(agrees(mean[1:], se[1:], wrong_spec[1:], 0.01 * wrong_spec[1:]))
    # ... and a near miss along the wrong scale, 5 SE per point beyond the
    # allowance band (miss probability 1.2e-5)
    close = near_miss(theory, wrong_scale - theory, cov, allowance)
    assert not combined_agrees(mean, cov, close, allowance), (mean, se, close)


# --- gcv: estimates the prediction risk sigma2 + R (sec. 2.6) --------------------------------


def _gcv_replicate(params, rng):
    n, p = params["n"], params["p"]
    X = rng.standard_normal((n, p))
    beta = _direction(rng, p, 1.0)
    y = X @ beta + rng.standard_normal(n)
    coef = MinNormRegressor(fit_intercept=False).fit(X, y).coef_
    truth = 1.0 + float(np.sum((coef - beta) ** 2))  # prediction risk of this fit
    return {"gcv_minus_truth": float(gcv(X, y, 0.0)) - truth, "truth": truth}


def test_gcv0_estimates_prediction_risk(global_random_seed):
    res = simulate(
        _gcv_replicate, [{"n": 300, "p": 600}], 40, random_state=global_random_seed
    )
    d, se = res.mean("gcv_minus_truth")[0], res.std_error("gcv_minus_truth")[0]
    # GCV_0 is consistent, not unbiased: its finite-n bias (about +0.04 at
    # n = 300, gamma = 2, measured by simulation for the project) is the allowance
    assert agrees(d, se, 0.0, allowance=0.06), (d, se)
    # negative control: GCV does not estimate the excess risk (1 lower) ...
    assert not agrees(d, se, -1.0, allowance=0.06)
    # ... and a near miss in that direction, 7.5 SE beyond the allowance band:
    # the least distance one point can be rejected at reliably (miss 1.5e-4;
    # at 4 SE it would be missed half the time)
    close = near_miss(0.0, -1.0, se**2, 0.06)
    assert not combined_agrees(d, se**2, close, 0.06), (d, se, close)
    assert abs(res.mean("truth")[0] - (1 + minnorm_risk(2.0))) < 0.2
