"""Tests of GaussianMixtureEM (known or learned weights, symmetric means) and em_restarts."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.utils.estimator_checks import parametrize_with_checks

from interpstat.mixture import GaussianMixtureEM, em_restarts
from tests.naive import symmetric_em

FREE_TYPES = ["full", "tied", "diag", "spherical"]
ALL_TYPES = [*FREE_TYPES, "fixed"]


def _blobs(rng, n=600, d=3, offset=10.0):
    """Three well-separated, differently shaped clusters, shifted away from the origin."""
    parts = [
        rng.standard_normal((n // 3, d)) + 3,
        rng.standard_normal((n // 3, d)) * 0.5 - 2,
        rng.standard_normal((n - 2 * (n // 3), d)) * np.linspace(1, 2, d),
    ]
    return np.concatenate(parts) + offset


def _symmetric_data(rng, n, d, s, w_star):
    z = rng.random(n) < w_star
    theta = np.zeros(d)
    theta[0] = s
    return rng.standard_normal((n, d)) + np.where(z[:, None], theta, -theta)


def _unit_precisions(covariance_type, K, d):
    return {
        "full": np.stack([np.eye(d)] * K),
        "tied": np.eye(d),
        "diag": np.ones((K, d)),
        "spherical": np.ones(K),
    }[covariance_type]


def _quiet_fit(est, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X)


# ---------------------------------------------------------------------------
# scikit-learn's common checks
# ---------------------------------------------------------------------------


def _expected_failed_checks(estimator):
    if not estimator.symmetric:
        return {}
    reason = ("the check sets n_components=1, which symmetric=True (two mirrored "
              "components) rejects with a ValueError")
    return dict.fromkeys(
        ["check_dont_overwrite_parameters", "check_methods_sample_order_invariance",
         "check_methods_subset_invariance", "check_fit2d_1feature", "check_fit2d_predict1d"],
        reason,
    )


# tol=1e-3 (scikit-learn's default) because the checks' small random data sets
# make EM from a random start crawl, and any ConvergenceWarning fails a check
@parametrize_with_checks(
    [
        GaussianMixtureEM(tol=1e-3),
        GaussianMixtureEM(covariance_type="diag", n_components=3, init_params="kmeans",
                          tol=1e-3),
        GaussianMixtureEM(covariance_type="spherical", n_init=2, random_state=0, tol=1e-3),
        GaussianMixtureEM(covariance_type="tied", init_params="k-means++", tol=1e-3),
        GaussianMixtureEM(covariance_type="fixed", symmetric=True, weights=[0.7, 0.3],
                          learn_weights=False, tol=1e-3),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ---------------------------------------------------------------------------
# Iteration for iteration equal to scikit-learn's GaussianMixture
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", FREE_TYPES)
def test_same_iterates_as_sklearn_from_same_start(covariance_type, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = _blobs(rng)
    K, d = 3, X.shape[1]
    start = {
        "weights": rng.dirichlet(np.full(K, 5.0)),
        "means_init": X[rng.choice(len(X), K, replace=False)],
        "precisions_init": _unit_precisions(covariance_type, K, d) * rng.uniform(0.5, 2),
    }
    for n_iter in (1, 2, 3, 5, 10, 30):
        kw = {"covariance_type": covariance_type, "max_iter": n_iter, "tol": 0.0,
              "means_init": start["means_init"], "precisions_init": start["precisions_init"]}
        ref = _quiet_fit(GaussianMixture(K, weights_init=start["weights"], **kw), X)
        ours = _quiet_fit(GaussianMixtureEM(K, weights=start["weights"], **kw), X)
        for name in ("weights_", "means_", "covariances_", "precisions_",
                     "precisions_cholesky_"):
            np.testing.assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-8,
                                       atol=1e-8, err_msg=f"{name} after {n_iter}")
        assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-8, abs=1e-8)
        np.testing.assert_allclose(ours.lower_bounds_, ref.lower_bounds_, rtol=1e-8)
        assert ours.n_iter_ == ref.n_iter_ == n_iter


@pytest.mark.parametrize("covariance_type", FREE_TYPES)
@pytest.mark.parametrize("init_params", ["random", "random_from_data", "k-means++", "kmeans"])
def test_same_initialisation_and_fit_as_sklearn(covariance_type, init_params):
    # the same RandomState draws give the same initial responsibilities
    if init_params in ("random_from_data", "k-means++") and covariance_type == "tied":
        pytest.skip("scikit-learn's tied estimate (X^T X - sum_k N_k mu_k mu_k^T) / n assumes "
                    "rows of responsibilities summing to one; these inits' are one-hot on K "
                    "rows only, where ours uses the scatter about each mean")
    X = _blobs(np.random.default_rng(1), n=300)
    kw = {"covariance_type": covariance_type, "init_params": init_params, "random_state": 3,
          "max_iter": 20, "tol": 0.0}
    ref = _quiet_fit(GaussianMixture(3, **kw), X)
    ours = _quiet_fit(GaussianMixtureEM(3, **kw), X)
    np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-8, atol=1e-8)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-8)
    np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-9)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-8)
    assert ours.bic(X) == pytest.approx(ref.bic(X), rel=1e-10)
    assert ours.aic(X) == pytest.approx(ref.aic(X), rel=1e-10)


@pytest.mark.parametrize("covariance_type", ALL_TYPES)
def test_float32_input(covariance_type):
    # computed in float64 (the same iterates as for the float64 copy of the data), the
    # fitted parameters rounded once to the data's dtype, as scikit-learn's dtypes
    X32 = _blobs(np.random.default_rng(2), n=300).astype(np.float32)
    kw = {"covariance_type": covariance_type, "random_state": 0, "max_iter": 30}
    a = _quiet_fit(GaussianMixtureEM(3, **kw), X32)
    b = _quiet_fit(GaussianMixtureEM(3, **kw), X32.astype(np.float64))
    for name in ("weights_", "means_", "covariances_", "precisions_",
                 "precisions_cholesky_"):
        assert getattr(a, name).dtype == np.float32, name
        assert getattr(b, name).dtype == np.float64, name
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=2e-7, err_msg=name)
    assert a.lower_bound_ == pytest.approx(b.lower_bound_, rel=1e-12)
    assert a.score_samples(X32).dtype == a.predict_proba(X32).dtype == np.float32
    # float64 data or a float64 model: float64 results
    assert a.score_samples(X32.astype(np.float64)).dtype == np.float64
    assert b.predict_proba(X32).dtype == np.float64
    assert a.sample(5)[0].dtype == np.float64
    np.testing.assert_array_equal(a.predict(X32), b.predict(X32))


def test_float32_weights_are_renormalised():
    # float32 weights sum to one only to float32 precision: accepted within 1e-6 and
    # renormalised in float64; float64 weights must sum to one within 1e-8
    X = _blobs(np.random.default_rng(2), n=90)
    w32 = np.array([0.1, 0.6, 0.3], dtype=np.float32)
    assert w32.astype(np.float64).sum() != 1.0
    est = _quiet_fit(GaussianMixtureEM(3, weights=w32, learn_weights=False, max_iter=3), X)
    assert est.weights_.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(est.weights_, w32, rtol=1e-7)
    with pytest.raises(ValueError, match="sum to 1"):
        GaussianMixtureEM(3, weights=np.array([0.1, 0.6, 0.3]) + 1e-7).fit(X)


# ---------------------------------------------------------------------------
# EM properties: monotone likelihood, fixed weights, fit_predict, history
# ---------------------------------------------------------------------------

MODELS = [
    *[{"covariance_type": ct} for ct in ALL_TYPES],
    *[{"covariance_type": ct, "weights": [0.5, 0.3, 0.2], "learn_weights": False}
      for ct in ALL_TYPES],
]
SYMMETRIC_MODELS = [
    {"covariance_type": ct, "symmetric": True, "n_components": 2, **w}
    for ct in ALL_TYPES
    for w in ({}, {"weights": [0.7, 0.3], "learn_weights": False})
]


@pytest.mark.parametrize("model", MODELS + SYMMETRIC_MODELS, ids=str)
def test_log_likelihood_never_decreases(model, global_random_seed):
    kw = {"n_components": 3, **model}
    for seed in range(8 * global_random_seed, 8 * global_random_seed + 8):
        rng = np.random.default_rng(seed)
        if model.get("symmetric"):
            X = _symmetric_data(rng, 300, 2, rng.uniform(0.5, 3), 0.7)
        else:
            X = _blobs(rng, n=300, d=2, offset=rng.uniform(-5, 5))
        est = _quiet_fit(GaussianMixtureEM(**kw, max_iter=40, tol=0, keep_history=True,
                                           random_state=seed), X)
        ll = est.history_["log_likelihood"]
        # rounding of a mean of 300 log-densities: a few ulps of its magnitude
        slack = 1e-12 * (1 + np.abs(ll).max())
        assert np.all(np.diff(ll) >= -slack), (seed, np.diff(ll).min())


def test_monotone_negative_control():
    # the check above must reject a sequence that is not monotone
    ll = np.array([-3.0, -2.5, -2.50001])
    assert not np.all(np.diff(ll) >= -1e-12 * (1 + np.abs(ll).max()))


@pytest.mark.parametrize("covariance_type", ALL_TYPES)
@pytest.mark.parametrize("symmetric", [False, True])
def test_fixed_weights_stay_exactly_fixed(covariance_type, symmetric):
    rng = np.random.default_rng(3)
    K = 2 if symmetric else 3
    w = np.array([0.7, 0.3]) if symmetric else np.array([0.1, 0.6, 0.3])
    X = _symmetric_data(rng, 400, 2, 1.5, 0.6) if symmetric else _blobs(rng, 400, 2)
    est = _quiet_fit(GaussianMixtureEM(K, covariance_type=covariance_type, weights=w,
                                       learn_weights=False, symmetric=symmetric,
                                       keep_history=True, random_state=0, max_iter=50), X)
    np.testing.assert_array_equal(est.weights_, w)
    np.testing.assert_array_equal(est.history_["weights"],
                                  np.broadcast_to(w, (est.n_iter_ + 1, K)))
    learned = _quiet_fit(clone(est).set_params(learn_weights=True), X)
    assert not np.array_equal(learned.weights_, w)  # negative control: learning moves them
    np.testing.assert_array_equal(learned.history_["weights"][0], w)  # ... from the given start


@pytest.mark.parametrize("model", MODELS + SYMMETRIC_MODELS, ids=str)
@pytest.mark.parametrize("max_iter", [1, 5, 100])
def test_fit_predict_equals_fit_then_predict(model, max_iter):
    kw = {"n_components": 3, **model}
    rng = np.random.default_rng(4)
    X = _symmetric_data(rng, 200, 2, 1.0, 0.6) if model.get("symmetric") else _blobs(rng, 200)
    a = GaussianMixtureEM(**kw, max_iter=max_iter, random_state=1)
    b = clone(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        labels = a.fit_predict(X)
        b.fit(X)
    np.testing.assert_array_equal(labels, b.predict(X))
    np.testing.assert_array_equal(labels, a.predict(X))


def test_history_records_every_iterate():
    X = _blobs(np.random.default_rng(5), n=300)
    est = _quiet_fit(GaussianMixtureEM(3, random_state=0, keep_history=True, max_iter=15,
                                       tol=0), X)
    h = est.history_
    T = est.n_iter_
    assert h["means"].shape == (T + 1, 3, 3)
    assert h["covariances"].shape == (T + 1, 3, 3, 3)
    np.testing.assert_allclose(h["log_likelihood"][:-1], est.lower_bounds_, rtol=1e-15)
    assert h["log_likelihood"][-1] == pytest.approx(est.score(X), rel=1e-12)
    np.testing.assert_array_equal(h["means"][-1], est.means_)
    # one more iteration from the recorded iterate T-1 reproduces iterate T
    step = _quiet_fit(GaussianMixtureEM(3, weights=h["weights"][T - 1],
                                        means_init=h["means"][T - 1],
                                        precisions_init=np.linalg.inv(h["covariances"][T - 1]),
                                        max_iter=1, tol=0), X)
    np.testing.assert_allclose(step.means_, h["means"][T], rtol=1e-10)
    assert not hasattr(GaussianMixtureEM(3).fit(X), "history_")


def test_n_init_keeps_the_best_start():
    X = _blobs(np.random.default_rng(6), n=300)
    singles = [_quiet_fit(GaussianMixtureEM(3, random_state=np.random.RandomState(0)), X)]
    best = _quiet_fit(GaussianMixtureEM(3, n_init=4, random_state=0), X)
    assert best.lower_bound_ >= singles[0].lower_bound_ - 1e-12


@pytest.mark.parametrize("model", MODELS + SYMMETRIC_MODELS, ids=str)
def test_warm_start_continues_the_same_path(model):
    # k fits of one iteration each with warm_start equal one fit of k iterations
    kw = {"n_components": 3, **model, "random_state": 0, "tol": 0}
    rng = np.random.default_rng(12)
    X = _symmetric_data(rng, 200, 2, 1.0, 0.6) if model.get("symmetric") else _blobs(rng, 200)
    ref = _quiet_fit(GaussianMixtureEM(**kw, max_iter=4), X)
    warm = GaussianMixtureEM(**kw, max_iter=1, warm_start=True)
    bounds = [_quiet_fit(warm, X).lower_bound_ for _ in range(4)]
    np.testing.assert_allclose(warm.means_, ref.means_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(warm.covariances_, ref.covariances_, rtol=1e-12)
    np.testing.assert_array_equal(warm.weights_, ref.weights_)
    np.testing.assert_allclose(bounds, ref.lower_bounds_, rtol=1e-13)
    assert warm.n_iter_ == 1
    # negative control: without warm_start every fit starts again
    cold = GaussianMixtureEM(**kw, max_iter=1)
    for _ in range(2):
        _quiet_fit(cold, X)
    assert not np.allclose(cold.means_, ref.means_, rtol=1e-6)
    with pytest.raises(ValueError, match="features"):
        warm.fit(X[:, :1])


def test_warm_start_detects_convergence():
    X = _blobs(np.random.default_rng(13), n=300)
    est = GaussianMixtureEM(3, warm_start=True, max_iter=2, tol=1e-3, random_state=0)
    for _ in range(200):
        if _quiet_fit(est, X).converged_:
            break
    assert est.converged_
    cold = _quiet_fit(GaussianMixtureEM(3, max_iter=500, tol=1e-3, random_state=0), X)
    np.testing.assert_allclose(est.means_, cold.means_, rtol=1e-3)


def test_warm_start_uses_the_known_parameters_given_now():
    # a warm fit continues from the fitted means, but known weights (and a known
    # covariance) are the ones given at this call; the model's size cannot change
    X = _blobs(np.random.default_rng(15), n=300)
    est = _quiet_fit(GaussianMixtureEM(3, covariance_type="fixed", warm_start=True,
                                       max_iter=5, random_state=0), X)
    means = est.means_.copy()
    w, cov = [0.2, 0.3, 0.5], 2.0 * np.eye(3)
    est.set_params(learn_weights=False, weights=w, covariance=cov, max_iter=1)
    _quiet_fit(est, X)
    np.testing.assert_array_equal(est.weights_, w)
    np.testing.assert_array_equal(est.covariances_, np.broadcast_to(cov, (3, 3, 3)))
    step = _quiet_fit(GaussianMixtureEM(3, covariance_type="fixed", weights=w,
                                        learn_weights=False, covariance=cov,
                                        means_init=means, max_iter=1), X)
    np.testing.assert_allclose(est.means_, step.means_, rtol=1e-13)
    for change in ({"n_components": 2, "weights": None, "learn_weights": True},
                   {"covariance_type": "diag", "covariance": None}):
        with pytest.raises(ValueError, match="cannot change between fits"):
            est.set_params(**change).fit(X)
        est.set_params(n_components=3, covariance_type="fixed", weights=w,
                       learn_weights=False, covariance=cov)
    _quiet_fit(est, X)  # negative control: the restored model continues


def test_verbose_prints_progress(capsys):
    X = _blobs(np.random.default_rng(14), n=200)
    _quiet_fit(GaussianMixtureEM(3, n_init=2, max_iter=20, tol=0, verbose=1,
                                 verbose_interval=5, random_state=0), X)
    lines = capsys.readouterr().out.splitlines()
    assert lines[:6] == ["Initialization 0", "  Iteration 5", "  Iteration 10",
                         "  Iteration 15", "  Iteration 20", "Initialization did not converge."]
    assert lines[6] == "Initialization 1"
    assert len(lines) == 12
    _quiet_fit(GaussianMixtureEM(3, max_iter=10, verbose=2, random_state=0), X)
    lines = capsys.readouterr().out.splitlines()
    assert "ll change" in lines[1]
    assert "lower bound" in lines[-1]
    _quiet_fit(GaussianMixtureEM(3, max_iter=10, random_state=0), X)
    assert capsys.readouterr().out == ""  # negative control: silent by default


# ---------------------------------------------------------------------------
# The symmetric model: Model 1 can stall at a spurious point, Model 2 does not
# ---------------------------------------------------------------------------


def test_symmetric_update_formula_equal_covariance():
    # theta' = (1/n) sum_i (2 r_i1 - 1) x_i for a fixed identity covariance
    rng = np.random.default_rng(7)
    X = _symmetric_data(rng, 500, 3, 1.2, 0.7)
    theta0 = rng.standard_normal(3)
    for learn in (False, True):
        est = GaussianMixtureEM(covariance_type="fixed", symmetric=True, weights=[0.7, 0.3],
                                learn_weights=learn, means_init=[theta0, -theta0],
                                max_iter=4, tol=0)
        _quiet_fit(est, X)
        theta, w, lls = symmetric_em(X, theta0, 0.7, learn, 4)
        np.testing.assert_allclose(est.means_[0], theta, rtol=1e-12)
        np.testing.assert_allclose(est.weights_[0], w, rtol=1e-12)
        assert est.lower_bound_ == pytest.approx(lls[-2], rel=1e-13)


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical", "tied"])
def test_symmetric_free_covariances_keep_means_opposite(covariance_type):
    rng = np.random.default_rng(8)
    X = _symmetric_data(rng, 500, 2, 2.0, 0.6)
    est = _quiet_fit(GaussianMixtureEM(covariance_type=covariance_type, symmetric=True,
                                       random_state=0), X)
    np.testing.assert_array_equal(est.means_[0], -est.means_[1])
    # the constrained optimum beats the constrained start and is close to the truth
    assert abs(abs(est.means_[0, 0]) - 2.0) < 0.2


def test_known_weights_stall_at_spurious_point_learned_weights_escape():
    # w* = .8, theta* = 2 e_1: Model 1 from a start below the unstable point theta_u
    # converges to the spurious theta_bar ~ -1.98; Model 2 from the same start reaches a
    # global maximum (theta*, w*) or its mirror (-theta*, 1 - w*)
    rng = np.random.default_rng(9)
    X = _symmetric_data(rng, 8000, 1, 2.0, 0.8)
    start = {"means_init": [[-1.0], [1.0]], "weights": [0.8, 0.2],
             "covariance_type": "fixed", "symmetric": True, "tol": 1e-10}
    m1 = GaussianMixtureEM(learn_weights=False, **start).fit(X)
    m2 = GaussianMixtureEM(learn_weights=True, **start).fit(X)
    assert m1.means_[0, 0] < -1.9  # spurious: <theta_bar, theta*> < 0
    assert m2.means_[0, 0] == pytest.approx(-2.0, abs=0.05)  # mirror of the truth
    assert m2.weights_[0] == pytest.approx(0.2, abs=0.02)
    assert m2.lower_bound_ > m1.lower_bound_ + 0.5  # the gap (2w*-1) log(w*/(1-w*)) ~ 0.83
    # negative control: Model 1 started above theta_u finds theta*
    m1_good = clone(m1).set_params(means_init=[[1.0], [-1.0]]).fit(X)
    assert m1_good.means_[0, 0] == pytest.approx(2.0, abs=0.05)
    assert m1_good.lower_bound_ == pytest.approx(m2.lower_bound_, abs=1e-3)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"weights": [0.5, 0.6]}, "sum to 1"),
        ({"weights": [1.2, -0.2]}, "positive"),
        ({"weights": [0.5, 0.25, 0.25]}, "shape"),
        ({"symmetric": True, "n_components": 3}, "n_components=2"),
        ({"learn_weights": False}, "pass weights"),
        ({"covariance": np.eye(2)}, "covariance_type='fixed'"),
        ({"covariance_type": "fixed", "precisions_init": np.ones(2)}, "precisions_init"),
        ({"covariance_type": "fixed", "covariance": [[1, 2], [2, 1]]}, "positive definite"),
        ({"covariance_type": "fixed", "covariance": np.eye(3)}, "shape"),
        ({"means_init": np.zeros((3, 2))}, "shape"),
        ({"symmetric": True, "means_init": [[1, 0], [1, 0]]}, "-means_init"),
        ({"precisions_init": np.ones((2, 2))}, "shape"),
        ({"covariance_type": "diag", "precisions_init": -np.ones((2, 2))}, "positive"),
    ],
)
def test_bad_parameters_raise(params, match):
    X = np.random.default_rng(0).standard_normal((20, 2))
    with pytest.raises(ValueError, match=match):
        GaussianMixtureEM(**params).fit(X)


def test_too_few_samples_raise():
    X = np.random.default_rng(0).standard_normal((3, 2))
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        GaussianMixtureEM(4).fit(X)


@pytest.mark.parametrize("covariance_type", FREE_TYPES)
def test_degenerate_data_fail_clearly_without_reg_covar(covariance_type):
    # all points equal (and, negative control, the same data with reg_covar > 0 fit)
    X = np.ones((30, 2))
    with pytest.raises(ValueError, match="increase reg_covar"):
        GaussianMixtureEM(covariance_type=covariance_type, reg_covar=0).fit(X)
    est = _quiet_fit(GaussianMixtureEM(covariance_type=covariance_type), X)
    assert np.all(np.isfinite(est.means_))
    assert np.all(np.isfinite(est.covariances_))


def test_singular_covariance_without_reg_covar():
    # points on a line in the plane: every full covariance is singular
    t = np.random.default_rng(1).standard_normal(40)
    X = np.c_[t, 2 * t]
    with pytest.raises(ValueError, match="increase reg_covar"):
        GaussianMixtureEM(covariance_type="full", reg_covar=0).fit(X)


def test_convergence_warning_names_the_remedy():
    X = _blobs(np.random.default_rng(2), n=200)
    with pytest.warns(ConvergenceWarning, match="increase max_iter"):
        GaussianMixtureEM(3, max_iter=2, random_state=0).fit(X)


# ---------------------------------------------------------------------------
# Behaviours of scikit-learn's own GaussianMixture tests (which run unchanged in
# tests/test_sklearn_gaussian_mixture_suite.py), here with our own parameters:
# known weights, 'fixed' covariances and our defaults
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", FREE_TYPES)
def test_sklearn_behaviour_n_parameters(covariance_type):
    X = np.random.default_rng(3).standard_normal((50, 4))
    ours = GaussianMixtureEM(3, covariance_type=covariance_type, max_iter=5, tol=1e9).fit(X)
    ref = GaussianMixture(3, covariance_type=covariance_type, max_iter=5, tol=1e9).fit(X)
    assert ours._n_parameters() == ref._n_parameters()
    assert clone(ours).set_params(learn_weights=False, weights=[0.2, 0.3, 0.5]).fit(
        X)._n_parameters() == ref._n_parameters() - 2


def test_sklearn_behaviour_bic_1d_1component():
    # one component: every covariance type gives the same BIC
    X = np.random.default_rng(4).standard_normal((300, 1))
    bics = [GaussianMixtureEM(1, covariance_type=ct).fit(X).bic(X) for ct in FREE_TYPES]
    np.testing.assert_allclose(bics, bics[0], rtol=1e-12)


def test_sklearn_behaviour_aic_bic_values():
    # AIC/BIC of one Gaussian: -2 log L plus the parameter count penalty
    rng = np.random.default_rng(5)
    n, d = 500, 3
    X = rng.standard_normal((n, d))
    est = GaussianMixtureEM(1, covariance_type="full").fit(X)
    sgh = 0.5 * (np.linalg.slogdet(np.cov(X.T, bias=True))[1] + d * (1 + np.log(2 * np.pi)))
    p = d * (d + 1) / 2 + d
    assert est.aic(X) == pytest.approx(2 * n * sgh + 2 * p, rel=1e-6)
    assert est.bic(X) == pytest.approx(2 * n * sgh + np.log(n) * p, rel=1e-6)


@pytest.mark.parametrize("covariance_type", ALL_TYPES)
def test_sklearn_behaviour_sample(covariance_type):
    rng = np.random.default_rng(6)
    X = _blobs(rng, n=600, d=2)
    est = _quiet_fit(GaussianMixtureEM(3, covariance_type=covariance_type, random_state=0), X)
    with pytest.raises(ValueError, match="at least one sample"):
        est.sample(0)
    Xs, ys = est.sample(20000)
    assert Xs.shape == (20000, 2)
    counts = np.bincount(ys, minlength=3) / 20000
    # binomial standard error sqrt(w(1-w)/m) <= .0036; 5 SE
    np.testing.assert_allclose(counts, est.weights_, atol=5 * 0.0036)
    for k in range(3):
        m = (ys == k).sum()
        sd = np.sqrt(np.max(est.covariances_) / m)
        np.testing.assert_allclose(Xs[ys == k].mean(0), est.means_[k], atol=5 * sd)


def test_sklearn_behaviour_regularisation():
    # singular data: reg_covar=0 raises, the default fits
    X = np.vstack([np.ones((10, 3)), np.zeros((10, 3))])
    with pytest.raises(ValueError, match="reg_covar"):
        GaussianMixtureEM(covariance_type="full", reg_covar=0, random_state=0).fit(X)
    GaussianMixtureEM(covariance_type="full", random_state=0).fit(X)


def test_sklearn_behaviour_max_iter_zero_keeps_the_start():
    X = _blobs(np.random.default_rng(7), n=100)
    means = X[:3]
    est = GaussianMixtureEM(3, max_iter=0, means_init=means, weights=[0.2, 0.3, 0.5],
                            precisions_init=np.stack([np.eye(3)] * 3)).fit(X)
    np.testing.assert_array_equal(est.means_, means)
    assert est.n_iter_ == 0


@pytest.mark.parametrize("covariance_type", FREE_TYPES)
def test_sklearn_behaviour_full_start_is_not_estimated(covariance_type, monkeypatch):
    # scikit-learn's test_gaussian_mixture_all_init_does_not_estimate_gaussian_parameters
    # and test_gaussian_mixture_precisions_init (private API there): with weights, means
    # and precisions given nothing is estimated from initial responsibilities, and the
    # given precisions are the start
    X = _blobs(np.random.default_rng(8), n=90)
    scale = np.array([0.5, 1.25, 2.0])
    P = {"full": scale[:, None, None] * (np.eye(3) + 0.3),  # eigenvalues 1, 1, 1.9
         "tied": np.eye(3) + 0.3,
         "diag": scale[:, None] * [1.0, 2.0, 3.0],
         "spherical": scale}[covariance_type]
    start = {"weights": [0.2, 0.3, 0.5], "means_init": X[:3], "precisions_init": P,
             "covariance_type": covariance_type, "max_iter": 0}
    est = GaussianMixtureEM(3, **start).fit(X)
    matrices = covariance_type in ("full", "tied")
    U = est.precisions_cholesky_
    np.testing.assert_allclose(U @ np.swapaxes(U, -1, -2) if matrices else U**2, P,
                               rtol=1e-13)
    np.testing.assert_allclose(est.precisions_, P, rtol=1e-13)
    np.testing.assert_allclose(est.covariances_, np.linalg.inv(P) if matrices else 1 / P,
                               rtol=1e-13)

    def no_resp(*args):
        raise AssertionError("initial responsibilities computed")

    monkeypatch.setattr(GaussianMixtureEM, "_initial_resp", no_resp)
    _quiet_fit(GaussianMixtureEM(3, **{**start, "max_iter": 3}), X)
    with pytest.raises(AssertionError, match="responsibilities"):  # negative control
        GaussianMixtureEM(3, **{**start, "precisions_init": None}).fit(X)


def test_sklearn_behaviour_unfitted():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GaussianMixtureEM().score_samples(np.zeros((2, 2)))


# ---------------------------------------------------------------------------
# em_restarts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("learn_weights", [False, True])
@pytest.mark.parametrize("covariance", [None, [[2.0, 0.5], [0.5, 1.0]]])
def test_em_restarts_equal_separate_fits(learn_weights, covariance):
    rng = np.random.default_rng(10)
    X = _symmetric_data(rng, 800, 2, 1.5, 0.7)
    if covariance is not None:
        X = X @ np.linalg.cholesky(covariance).T
    inits = rng.standard_normal((8, 2)) * 2
    res = em_restarts(X, inits, weights=[0.7, 0.3], learn_weights=learn_weights,
                      covariance=covariance, max_iter=200, tol=1e-9)
    for r, theta0 in enumerate(inits):
        est = _quiet_fit(GaussianMixtureEM(covariance_type="fixed", symmetric=True,
                                           covariance=covariance, weights=[0.7, 0.3],
                                           learn_weights=learn_weights,
                                           means_init=[theta0, -theta0], max_iter=200,
                                           tol=1e-9), X)
        np.testing.assert_allclose(res.means[r], est.means_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(res.weights[r], est.weights_, rtol=1e-10)
        assert res.lower_bound[r] == pytest.approx(est.lower_bound_, rel=1e-12)
        assert res.log_likelihood[r] == pytest.approx(est.score(X), rel=1e-12)
        assert res.n_iter[r] == est.n_iter_
        assert res.converged[r] == est.converged_
    if not learn_weights:
        np.testing.assert_array_equal(res.weights[:, 0], 0.7)


def test_em_restarts_model_2_beats_model_1():
    rng = np.random.default_rng(11)
    X = _symmetric_data(rng, 4000, 2, 2.0, 0.8)
    inits = rng.standard_normal((64, 2)) * 3
    m1 = em_restarts(X, inits, weights=[0.8, 0.2], learn_weights=False, tol=1e-10)
    m2 = em_restarts(X, inits, weights=[0.8, 0.2], learn_weights=True, tol=1e-10)
    best = max(m1.log_likelihood.max(), m2.log_likelihood.max())
    assert np.all(m2.log_likelihood > best - 1e-6)  # every Model 2 run is at a maximum
    spurious = m1.log_likelihood < best - 0.5
    assert spurious.any()  # some Model 1 runs stall at the spurious point
    assert np.all(m1.theta[spurious, 0] < 0)


def test_em_restarts_input_errors():
    X = np.random.default_rng(0).standard_normal((10, 2))
    with pytest.raises(ValueError, match="shape"):
        em_restarts(X, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="sum to 1"):
        em_restarts(X, np.zeros((3, 2)), weights=[0.5, 0.6])
    with pytest.raises(ValueError, match="n_components"):
        em_restarts(X, np.zeros((3, 2)), symmetric=False)
    with pytest.raises(ValueError, match="theta, -theta"):
        em_restarts(X, np.ones((3, 2, 2)))


def test_em_restarts_symmetric_theta_is_first_mean():
    rng = np.random.default_rng(12)
    X = _symmetric_data(rng, 200, 2, 1.5, 0.7)
    res = em_restarts(X, rng.standard_normal((3, 2)), max_iter=5)
    assert res.means.shape == (3, 2, 2)
    np.testing.assert_array_equal(res.theta, res.means[:, 0])
    np.testing.assert_array_equal(res.means[:, 1], -res.theta)


# General k-component model (symmetric=False).  Each run is compared with a
# separate GaussianMixtureEM fit from the same start.  Both compute the same
# iterates; only the order of the floating-point sums differs (the kernel sums
# over rows in blocks and four interleaved partial sums, on centred and
# whitened data), which perturbs each pass by a few n * eps relative.  From
# distinct starting points on data with well-separated clusters EM contracts
# towards its fixed point, so the perturbations do not grow: 1e-11 absolute on
# means (of size ~10) and weights, and 1e-12 relative on log-likelihoods
# (~ -3 to -8), leave a margin of several hundred over the largest differences
# measured over seeds 0-19 (means 9e-15, weights 3e-15, log-likelihoods
# 2.2e-15 relative).

_K3_CENTRES = np.array([[0.0, 0.0], [8.0, 0.0], [4.0, 7.0]])


def _k3_data(rng, m=200, covariance=None, offset=3.0):
    Z = rng.standard_normal((3 * m, 2))
    if covariance is not None:
        Z = Z @ np.linalg.cholesky(covariance).T
    return np.repeat(_K3_CENTRES, m, axis=0) + Z + offset


def _distinct_starts(rng, X, n_restarts, k):
    # k distinct data points per run: coincident starting means sit on a saddle
    # (the components stay merged in exact arithmetic), where any rounding
    # difference between two implementations grows (measured: 6e-6 on means)
    return np.stack([X[rng.choice(len(X), size=k, replace=False)] for _ in range(n_restarts)])


def _separate_fit(X, start, weights, learn_weights, covariance, max_iter, tol):
    return _quiet_fit(GaussianMixtureEM(len(start), covariance_type="fixed",
                                        covariance=covariance, weights=weights,
                                        learn_weights=learn_weights, means_init=start,
                                        max_iter=max_iter, tol=tol), X)


def _assert_run_equals_fit(res, r, est, X):
    # GaussianMixtureEM iterates in float64 and, for float32 data, rounds its
    # parameters and scores to float32 once at the end (as scikit-learn 1.9
    # returns float32 parameters); em_restarts returns float64, so there the
    # comparison allows that final rounding (one float32 ulp, 2**-24 relative,
    # doubled for the rounding of X and the sum in score) on top of the rest
    if est.means_.dtype == np.float32:
        tol = {"rtol": 2.0**-23, "atol": 1e-11}
        rel_score = 2.0**-23
    else:
        tol = {"rtol": 0, "atol": 1e-11}
        rel_score = 1e-12
    np.testing.assert_allclose(res.means[r], est.means_, **tol)
    np.testing.assert_allclose(res.weights[r], est.weights_, **tol)
    assert res.lower_bound[r] == pytest.approx(est.lower_bound_, rel=1e-12)
    assert res.log_likelihood[r] == pytest.approx(est.score(X), rel=rel_score)
    assert res.n_iter[r] == est.n_iter_
    assert res.converged[r] == est.converged_


@pytest.mark.parametrize("learn_weights", [False, True])
@pytest.mark.parametrize("covariance", [None, [[2.0, 0.6], [0.6, 1.0]]])
def test_em_restarts_general_equal_separate_fits(learn_weights, covariance,
                                                 global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = _k3_data(rng, covariance=covariance)
    starts = _distinct_starts(rng, X, 6, 3)
    weights = [0.5, 0.3, 0.2]
    res = em_restarts(X, starts, weights=weights, learn_weights=learn_weights,
                      symmetric=False, covariance=covariance, max_iter=150, tol=1e-8)
    assert res.means.shape == (6, 3, 2)
    assert res.weights.shape == (6, 3)
    for r, start in enumerate(starts):
        est = _separate_fit(X, start, weights, learn_weights, covariance, 150, 1e-8)
        _assert_run_equals_fit(res, r, est, X)
    if not learn_weights:
        np.testing.assert_array_equal(res.weights, np.tile(weights, (6, 1)))


def test_em_restarts_general_per_run_weights_float32_and_tol_zero(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = _k3_data(rng, m=100)
    starts = _distinct_starts(rng, X, 4, 3)
    W = rng.dirichlet(np.ones(3) * 5, size=4)
    X32 = X.astype(np.float32)
    res = em_restarts(X32, starts, weights=W, learn_weights=True, symmetric=False,
                      max_iter=20, tol=0.0)
    for r, start in enumerate(starts):
        est = _separate_fit(X32, start, W[r], True, None, 20, 0.0)
        _assert_run_equals_fit(res, r, est, X32)
    assert np.all(res.n_iter == 20)
    assert not res.converged.any()


def test_em_restarts_general_uniform_default_weights():
    rng = np.random.default_rng(13)
    X = _k3_data(rng, m=50)
    starts = _distinct_starts(rng, X, 2, 3)
    res = em_restarts(X, starts, symmetric=False, learn_weights=False, max_iter=10)
    np.testing.assert_array_equal(res.weights, np.full((2, 3), 1.0 / 3.0))
    est = _separate_fit(X, starts[1], np.full(3, 1.0 / 3.0), False, None, 10, 1e-6)
    _assert_run_equals_fit(res, 1, est, X)


def test_em_restarts_general_far_apart_and_empty_components():
    # separation 50: responsibilities are 0 or 1 to the last bit; a start far
    # beyond the data gets no responsibility at all (N_k = 0), and then, as in
    # GaussianMixtureEM's M-step (guard 10 eps), moves to the origin, which is
    # far from the data here (offset 30), and keeps a tiny positive weight.
    rng = np.random.default_rng(14)
    centres = np.array([[0.0, 0.0], [50.0, 0.0], [0.0, 50.0]])
    X = np.repeat(centres, 100, axis=0) + rng.standard_normal((300, 2)) + 30.0
    starts = np.stack([centres + 30.0 + 1.0, X[[0, 1, 150]],
                       np.array([[30.0, 30.0], [80.0, 30.0], [1e4, 1e4]])])
    for learn_weights in (False, True):
        res = em_restarts(X, starts, symmetric=False, learn_weights=learn_weights,
                          max_iter=50, tol=1e-10)
        assert np.all(np.isfinite(res.means))
        assert np.all(np.isfinite(res.weights))
        assert np.all(np.isfinite(res.log_likelihood))
        for r, start in enumerate(starts):
            est = _separate_fit(X, start, np.full(3, 1.0 / 3.0), learn_weights, None, 50,
                                1e-10)
            _assert_run_equals_fit(res, r, est, X)
        assert np.all(np.abs(res.means[2, 2]) < 1e-100)  # the empty component
        if learn_weights:
            assert 0 < res.weights[2, 2] < 1e-15


def test_em_restarts_general_negative_control():
    # the comparison above must reject a reference that runs the other model
    rng = np.random.default_rng(15)
    X = _k3_data(rng, m=100)
    starts = _distinct_starts(rng, X, 3, 3)
    weights = [0.6, 0.3, 0.1]
    res = em_restarts(X, starts, weights=weights, learn_weights=True, symmetric=False,
                      max_iter=100, tol=1e-8)
    for r, start in enumerate(starts):
        wrong = _separate_fit(X, start, weights, False, None, 100, 1e-8)
        with pytest.raises(AssertionError):
            _assert_run_equals_fit(res, r, wrong, X)
        right = _separate_fit(X, start, weights, True, None, 100, 1e-8)
        _assert_run_equals_fit(res, r, right, X)


def test_em_restarts_general_input_errors():
    X = np.random.default_rng(0).standard_normal((10, 2))
    starts = np.zeros((4, 3, 2))
    with pytest.raises(ValueError, match=r"shape \(n_restarts, n_components, 2\)"):
        em_restarts(X, np.zeros((4, 2)), symmetric=False)
    with pytest.raises(ValueError, match=r"shape \(n_restarts, n_components, 2\)"):
        em_restarts(X, np.zeros((4, 3, 3)), symmetric=False)
    with pytest.raises(ValueError, match="sum to 1"):
        em_restarts(X, starts, weights=[0.5, 0.3, 0.3], symmetric=False)
    with pytest.raises(ValueError, match=r"shape (of )?\(3,\)"):  # k = 3 means, 2 weights
        em_restarts(X, starts, weights=[0.5, 0.5], symmetric=False)
    with pytest.raises(ValueError, match=r"\(n_restarts, 3\)"):
        em_restarts(X, starts, weights=np.full((5, 3), 1 / 3), symmetric=False)
    with pytest.raises(ValueError, match="positive"):
        em_restarts(X, starts, weights=[1.0, 0.0, 0.0], symmetric=False)
    with pytest.raises(ValueError, match="finite"):
        em_restarts(X, np.full((4, 3, 2), np.nan), symmetric=False)
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        em_restarts(X, np.zeros((1, 11, 2)), symmetric=False)
    with pytest.raises(ValueError, match="positive definite"):
        em_restarts(X, starts, symmetric=False, covariance=[[1.0, 2.0], [2.0, 1.0]])
    for ct in ("full", "spherical"):
        with pytest.raises(ValueError, match=r"GaussianMixtureEM\(covariance_type="):
            em_restarts(X, starts, symmetric=False, covariance_type=ct)
    with pytest.raises(ValueError, match="max_iter"):
        em_restarts(X, starts, symmetric=False, max_iter=-1)


def test_em_restarts_symmetric_per_run_weights_and_float32_covariance():
    rng = np.random.default_rng(16)
    cov = [[2.0, 0.5], [0.5, 1.0]]
    X = (_symmetric_data(rng, 400, 2, 1.5, 0.7) @ np.linalg.cholesky(cov).T).astype(np.float32)
    inits = rng.standard_normal((3, 2)) * 2
    W = np.stack([[0.6, 0.4], [0.7, 0.3], [0.2, 0.8]])
    res = em_restarts(X, inits, weights=W, learn_weights=False, covariance=cov,
                      max_iter=100, tol=1e-9)
    np.testing.assert_array_equal(res.weights, W)
    for r, theta0 in enumerate(inits):
        est = _quiet_fit(GaussianMixtureEM(covariance_type="fixed", symmetric=True,
                                           covariance=cov, weights=W[r], learn_weights=False,
                                           means_init=[theta0, -theta0], max_iter=100,
                                           tol=1e-9), X)
        # float32 data: GaussianMixtureEM rounds its final parameters and score
        # to float32 (one ulp, 2**-24 relative; 2**-23 allows the score's sum too)
        assert est.means_.dtype == np.float32
        np.testing.assert_allclose(res.means[r], est.means_, rtol=2.0**-23, atol=1e-10)
        assert res.log_likelihood[r] == pytest.approx(est.score(X), rel=2.0**-23)
        assert res.n_iter[r] == est.n_iter_
    with pytest.raises(ValueError, match=r"\(n_restarts, 2\)"):
        em_restarts(X, inits, weights=W[:2])
