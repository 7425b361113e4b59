"""Tests of MinNormRegressor, its LOO/GCV, and minnorm_path."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.linalg
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from interpstat import MinNormRegressor, minnorm_path
from tests.naive import (
    design_with_condition,
    gcv_hat,
    loo_bruteforce,
    minnorm_exact,
)

EPS = np.finfo(np.float64).eps
SOLVERS = ["auto", "cholesky", "qr", "svd"]


def _relerr(a, b):
    return np.linalg.norm(np.asarray(a) - b) / np.linalg.norm(b)


# ---------------------------------------------------------------------------
# scikit-learn's common checks
# ---------------------------------------------------------------------------


@parametrize_with_checks(
    [
        MinNormRegressor(),
        MinNormRegressor(ridge=1.0, solver="cholesky"),
        MinNormRegressor(solver="qr", fit_intercept=False),
        MinNormRegressor(ridge=0.5, solver="svd"),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ---------------------------------------------------------------------------
# Accuracy: the true minimum-norm solution, as accurate as conditioning allows
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", [10, 29, 30, 31, 60])
@pytest.mark.parametrize("cond", [1e1, 3e1, 1e2, 1e3, 1e4, 1e6, 1e8, 1e10])
def test_auto_within_100x_of_svd_error(p, cond):
    # truth: extended-precision normal equations of the stored float64 data
    rng = np.random.default_rng(int(np.log10(cond)) * 100 + p)
    n = 30
    X = design_with_condition(n, p, cond, rng)
    y = rng.standard_normal(n)
    truth = minnorm_exact(X, y)
    errs = {}
    for solver in SOLVERS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
            reg = MinNormRegressor(fit_intercept=False, solver=solver).fit(X, y)
        errs[solver] = _relerr(reg.coef_, truth)
    floor = max(errs["svd"], EPS)
    assert errs["auto"] <= 100 * floor, errs
    assert errs["cholesky"] <= 100 * floor, errs  # falls back, never silently wrong
    assert errs["qr"] <= 100 * floor, errs


@pytest.mark.parametrize("p", [20, 49, 50, 51, 100])
def test_gaussian_design_near_threshold_accurate(p):
    rng = np.random.default_rng(p)
    n = 50
    X = rng.standard_normal((n, p))
    y = rng.standard_normal(n)
    truth = minnorm_exact(X, y)
    svd = MinNormRegressor(fit_intercept=False, solver="svd").fit(X, y)
    auto = MinNormRegressor(fit_intercept=False).fit(X, y)
    assert auto.solver_ == "cholesky"  # a Gaussian design is never that ill-conditioned
    assert _relerr(auto.coef_, truth) <= 100 * max(_relerr(svd.coef_, truth), EPS)


@pytest.mark.parametrize(("n", "p"), [(40, 10), (40, 40), (40, 120)])
@pytest.mark.parametrize("solver", SOLVERS)
def test_equals_gelsd_full_rank(n, p, solver):
    rng = np.random.default_rng(n + p)
    X = rng.standard_normal((n, p))
    Y = rng.standard_normal((n, 3))
    ref = scipy.linalg.lstsq(X, Y, lapack_driver="gelsd")[0]
    reg = MinNormRegressor(fit_intercept=False, solver=solver).fit(X, Y)
    np.testing.assert_allclose(reg.coef_, ref.T, rtol=1e-9, atol=1e-12)
    assert reg.rank_ == min(n, p)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("shape", [(30, 12), (12, 30)])
def test_rank_deficient_and_duplicated_columns(solver, shape):
    rng = np.random.default_rng(7)
    n, p = shape
    B = rng.standard_normal((n, 5))
    X = np.hstack([B @ rng.standard_normal((5, p - 2)), B[:, :1], B[:, :1]])  # rank 5, dups
    y = rng.standard_normal(n)
    rcond = 1e-10
    ref = scipy.linalg.lstsq(X, y, cond=rcond, lapack_driver="gelsd")[0]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        reg = MinNormRegressor(fit_intercept=False, solver=solver, rcond=rcond).fit(X, y)
    np.testing.assert_allclose(reg.coef_, ref, rtol=1e-8, atol=1e-10)
    assert reg.rank_ == 5
    if solver == "cholesky":
        assert reg.solver_ == "svd"
        assert any(issubclass(w.category, scipy.linalg.LinAlgWarning) for w in rec)
    if solver == "auto":
        assert reg.solver_ == "svd"
        assert not rec


def test_rcond_cut_off_is_relative():
    rng = np.random.default_rng(3)
    X = design_with_condition(20, 40, 1e4, rng)
    y = rng.standard_normal(20)
    a = MinNormRegressor(fit_intercept=False, rcond=1e-3).fit(X, y)
    b = MinNormRegressor(fit_intercept=False, rcond=1e-3).fit(1e6 * X, 1e6 * y)
    assert a.rank_ == b.rank_ == np.sum(np.geomspace(1, 1e-4, 20) > 1e-3)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9)
    assert a.solver_ == "svd"  # the cut-off bites, so auto hands over to the SVD


def test_interpolates_and_minimal_norm_over_feasible_set():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((15, 40))
    y = rng.standard_normal(15)
    reg = MinNormRegressor(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(X @ reg.coef_, y, atol=1e-12)
    null = scipy.linalg.null_space(X)
    other = reg.coef_ + null @ rng.standard_normal(null.shape[1])
    np.testing.assert_allclose(X @ other, y, atol=1e-12)
    assert np.linalg.norm(reg.coef_) < np.linalg.norm(other)
    np.testing.assert_allclose(null.T @ reg.coef_, 0, atol=1e-12)  # in the row space


# ---------------------------------------------------------------------------
# Agreement with scikit-learn's Ridge and LinearRegression
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("ridge", [1e-3, 0.1, 10.0, 1e4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(50, 20), (20, 50)])
def test_ridge_equals_sklearn_ridge(solver, ridge, fit_intercept, shape):
    rng = np.random.default_rng(11)
    X = rng.standard_normal(shape) + 3.0
    Y = rng.standard_normal((shape[0], 2))
    ours = MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept, solver=solver).fit(X, Y)
    ref = Ridge(alpha=ridge, fit_intercept=fit_intercept, solver="svd").fit(X, Y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("shape", [(50, 20), (20, 50), (30, 30)])
def test_ridgeless_with_intercept_equals_linear_regression(shape):
    rng = np.random.default_rng(5)
    X = rng.standard_normal(shape) * np.linspace(1, 3, shape[1]) + 2.0
    y = rng.standard_normal(shape[0])
    ours = MinNormRegressor().fit(X, y)
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-7, atol=1e-10)
    # the documented convention
    np.testing.assert_allclose(ours.intercept_, y.mean() - X.mean(axis=0) @ ours.coef_)


def test_intercept_dual_uses_cholesky():
    # p > n with an intercept: the centred Gram matrix is singular along the
    # ones vector, which the solver handles without leaving the fast path
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 90)) + 5.0
    y = rng.standard_normal(30)
    reg = MinNormRegressor().fit(X, y)
    assert reg.solver_ == "cholesky"
    assert reg.rank_ == 29
    np.testing.assert_allclose(reg.predict(X), y, atol=1e-10)
    Xc = X - X.mean(axis=0)
    # (scipy's default cut-off eps keeps the spurious 4e-14 singular value: pass one)
    ref = scipy.linalg.lstsq(Xc, y - y.mean(), cond=1e-10, lapack_driver="gelsd")[0]
    np.testing.assert_allclose(reg.coef_, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("ridge", [0.0, 1.0])
def test_sample_weight_equals_repetition(ridge):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((12, 30))
    y = rng.standard_normal(12)
    w = np.array([2, 1, 0, 1, 3, 1, 1, 0, 1, 1, 2, 1])
    Xr, yr = np.repeat(X, w, axis=0), np.repeat(y, w)
    a = MinNormRegressor(ridge=ridge).fit(X, y, sample_weight=w)
    b = MinNormRegressor(ridge=ridge, solver="svd").fit(Xr, yr)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-8, atol=1e-11)


# ---------------------------------------------------------------------------
# Shapes, dtypes, pipelines, pandas
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("ridge", [0.0, 1e-3, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("y_shape", [(10,), (10, 1), (10, 3)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", SOLVERS)
def test_attributes_follow_sklearn_ridge_contract(ridge, fit_intercept, y_shape, dtype, solver):
    # scikit-learn 1.9's Ridge: coef_ (p,) for y of shape (n,) and (n, 1);
    # intercept_ a numpy scalar of X's dtype (1-D y), shape (1,) for (n, 1),
    # the Python float 0.0 without an intercept; predict's shape as Ridge's.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10, 4)).astype(dtype)
    y = rng.standard_normal(y_shape).astype(dtype)
    ref = Ridge(alpha=max(ridge, 1e-12), fit_intercept=fit_intercept).fit(X, y)
    reg = MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept, solver=solver).fit(X, y)
    assert reg.coef_.shape == ref.coef_.shape
    assert reg.coef_.dtype == ref.coef_.dtype == dtype
    assert type(reg.intercept_) is type(ref.intercept_)
    assert np.shape(reg.intercept_) == np.shape(ref.intercept_)
    if isinstance(ref.intercept_, np.generic | np.ndarray):
        assert reg.intercept_.dtype == ref.intercept_.dtype
    assert reg.predict(X).shape == ref.predict(X).shape
    assert isinstance(reg.rank_, int)
    assert reg.rank_ == 4


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("ridge", [0.0, 1.0])
def test_float32_preserved_and_close_to_float64(solver, ridge):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 8))
    y = rng.standard_normal(20)
    r64 = MinNormRegressor(ridge=ridge, solver=solver).fit(X, y)
    r32 = MinNormRegressor(ridge=ridge, solver=solver).fit(X.astype(np.float32), y)
    assert r32.coef_.dtype == np.float32
    assert r64.coef_.dtype == np.float64
    assert r32.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(r32.coef_, r64.coef_, rtol=1e-5, atol=1e-6)


def test_non_contiguous_and_int_input():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 20))
    y = rng.standard_normal(30)
    a = MinNormRegressor().fit(np.asfortranarray(X)[:, ::2], y)
    b = MinNormRegressor().fit(np.ascontiguousarray(X[:, ::2]), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12)
    Xi = rng.integers(-3, 4, size=(30, 5))
    c = MinNormRegressor().fit(Xi, y)
    assert c.coef_.dtype == np.float64


def test_pipeline_gridsearch_cross_val_pandas():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.standard_normal((60, 8)), columns=[f"f{i}" for i in range(8)])
    y = X.to_numpy() @ rng.standard_normal(8) + 0.1 * rng.standard_normal(60)
    pipe = make_pipeline(StandardScaler(), MinNormRegressor())
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,)
    assert np.all(scores > 0.9)
    grid = GridSearchCV(pipe, {"minnormregressor__ridge": [0.0, 0.1, 10.0]}, cv=3).fit(X, y)
    assert grid.best_params_["minnormregressor__ridge"] in (0.0, 0.1)
    reg = MinNormRegressor().fit(X, y)
    np.testing.assert_array_equal(reg.feature_names_in_, X.columns)
    with pytest.raises(ValueError, match="feature names"):
        reg.predict(X.rename(columns={"f0": "g0"}))
    clone(reg)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"ridge": -1.0}, "ridge"),
        ({"solver": "lsqr"}, "solver"),
        ({"rcond": -1e-3}, "rcond"),
        ({"fit_intercept": "yes"}, "fit_intercept"),
    ],
)
def test_bad_parameters(params, match):
    X, y = np.ones((5, 2)) + np.eye(5, 2), np.arange(5.0)
    with pytest.raises(ValueError, match=match):
        MinNormRegressor(**params).fit(X, y)


def test_bad_data():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, 3)), rng.standard_normal(6)
    reg = MinNormRegressor()
    Xnan = X.copy()
    Xnan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        reg.fit(Xnan, y)
    Xinf = X.copy()
    Xinf[1, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        reg.fit(Xinf, y)
    ynan = y.copy()
    ynan[2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        reg.fit(X, ynan)
    with pytest.raises(ValueError, match="1 sample"):
        reg.fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        reg.fit(X, y[:5])
    with pytest.raises(ValueError, match="dim 3"):
        reg.fit(X.reshape(6, 3, 1), y)
    with pytest.raises(ValueError, match="could not convert string to float"):
        reg.fit(np.array([["a", "b"], ["c", "d"], ["e", "f"]]), y[:3])
    with pytest.raises(ValueError, match="Expected 2D array"):
        reg.fit(y, y)
    with pytest.raises(ValueError, match="at least one non-zero"):
        reg.fit(X, y, sample_weight=np.zeros(6))
    with pytest.raises(ValueError, match="Negative values"):
        reg.fit(X, y, sample_weight=-np.ones(6))
    reg.fit(X, y)
    with pytest.raises(ValueError, match="3 features"):
        reg.predict(X[:, :2])


# ---------------------------------------------------------------------------
# Leave-one-out residuals and GCV
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("ridge", [0.0, 0.3])
@pytest.mark.parametrize("p", [5, 19, 20, 21, 45])
def test_loo_residuals_equal_refits(fit_intercept, ridge, p):
    rng = np.random.default_rng(p)
    n = 20
    X = rng.standard_normal((n, p)) + 1.0
    y = rng.standard_normal(n)
    reg = MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept)
    e = reg.loo_residuals(X, y)
    ref = loo_bruteforce(lambda: clone(reg).set_params(solver="svd"), X, y)
    np.testing.assert_allclose(e, ref, rtol=1e-7, atol=1e-9)
    assert not hasattr(reg, "coef_")  # does not fit the estimator


def test_loo_multioutput_and_limit():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((15, 40)), rng.standard_normal((15, 2))
    e = MinNormRegressor(fit_intercept=False).loo_residuals(X, Y)
    assert e.shape == (15, 2)
    # ridge -> 0 is continuous (the exact ridgeless formula is the limit)
    e_small = MinNormRegressor(ridge=1e-9, fit_intercept=False).loo_residuals(X, Y)
    np.testing.assert_allclose(e, e_small, rtol=1e-5)
    # the ridgeless limit LOO_0 = [K^-1 y]_i / [K^-1]_ii (docs/theory.rst, eq. gcv0)
    Kinv = np.linalg.inv(X @ X.T)
    np.testing.assert_allclose(e, (Kinv @ Y) / np.diag(Kinv)[:, None], rtol=1e-8)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(25, 10), (25, 60)])
def test_gcv_score(fit_intercept, shape):
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal(shape), rng.standard_normal(shape[0])
    for ridge in [0.05, 2.0]:
        g = MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept).gcv_score(X, y)
        np.testing.assert_allclose(g, gcv_hat(X, y, ridge, fit_intercept), rtol=1e-9)
    g0 = MinNormRegressor(fit_intercept=fit_intercept).gcv_score(X, y)
    g_small = MinNormRegressor(ridge=1e-9, fit_intercept=fit_intercept).gcv_score(X, y)
    np.testing.assert_allclose(g0, g_small, rtol=1e-5)
    if shape[1] > shape[0] and not fit_intercept:
        Kinv = np.linalg.inv(X @ X.T)  # GCV_0, docs/theory.rst eq. (gcv0)
        n = shape[0]
        ref = (y @ Kinv @ Kinv @ y / n) / (np.trace(Kinv) / n) ** 2
        np.testing.assert_allclose(g0, ref, rtol=1e-8)


def test_loo_bad_input():
    with pytest.raises(ValueError, match="minimum of 3 is required"):
        MinNormRegressor().loo_residuals(np.eye(2), np.ones(2))
    with pytest.raises(ValueError, match="NaN"):
        MinNormRegressor().gcv_score(np.array([[np.nan, 1.0]] * 4), np.ones(4))


# ---------------------------------------------------------------------------
# minnorm_path
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("ridge", [0.0, 0.5])
def test_path_equals_separate_fits(fit_intercept, ridge):
    rng = np.random.default_rng(8)
    n, P = 40, 200
    X = rng.standard_normal((n, P)) + 0.5
    y = X[:, :5] @ np.ones(5) + rng.standard_normal(n)
    Xt = rng.standard_normal((30, P)) + 0.5
    yt = Xt[:, :5] @ np.ones(5)
    ps = [1, 5, 20, 38, 39, 40, 41, 42, 80, 200]
    res = minnorm_path(
        X, y, ps, X_test=Xt, y_test=yt, ridge=ridge, fit_intercept=fit_intercept,
        return_coef=True,
    )
    np.testing.assert_array_equal(res.n_features, ps)
    for i, p in enumerate(ps):
        reg = MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept, solver="svd")
        reg.fit(X[:, :p], y)
        np.testing.assert_allclose(res.coefs[i], reg.coef_, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(res.intercepts[i], reg.intercept_, rtol=1e-7, atol=1e-9)
        pred = reg.predict(Xt[:, :p])
        np.testing.assert_allclose(res.test_mse[i], np.mean((yt - pred) ** 2), rtol=1e-7)
        np.testing.assert_allclose(res.coef_norm[i], np.linalg.norm(reg.coef_), rtol=1e-7)
        train = np.mean((y - reg.predict(X[:, :p])) ** 2)
        np.testing.assert_allclose(res.train_mse[i], train, rtol=1e-6, atol=1e-18)
    assert set(res.solver) <= {"cholesky", "svd"}
    assert res.solver.count("cholesky") >= len(ps) - 2


def test_path_multioutput_unsorted_and_validation():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((20, 50)), rng.standard_normal((20, 2))
    res = minnorm_path(X, Y, [30, 5, 30, 10], return_coef=True)
    assert res.n_features.tolist() == [5, 10, 30]
    assert res.coefs[2].shape == (2, 30)
    assert res.test_mse is None
    assert res.intercepts.shape == (3, 2)
    with pytest.raises(ValueError, match=r"n_features must lie in \[1, 50\]"):
        minnorm_path(X, Y, [0, 10])
    with pytest.raises(ValueError, match="integers"):
        minnorm_path(X, Y, [2.5])
    with pytest.raises(ValueError, match="both"):
        minnorm_path(X, Y, [5], X_test=X)
    with pytest.raises(ValueError, match="ridge"):
        minnorm_path(X, Y, [5], ridge=-1)
    with pytest.raises(ValueError, match="NaN"):
        minnorm_path(np.full((3, 3), np.nan), np.ones(3), [2])


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("ridge", [0.0, 0.3, 5.0])
@pytest.mark.parametrize("shape", [(40, 8), (40, 120), (30, 29)])
def test_loo_gcv_cholesky_route_equals_svd_route(fit_intercept, ridge, shape):
    from interpstat._psd_solve import IllConditioned
    from interpstat._spectral import loo_gcv_svd
    from interpstat.linear import _loo_gcv_cholesky

    rng = np.random.default_rng(sum(shape))
    X = rng.standard_normal(shape) + 0.3
    Y = rng.standard_normal((shape[0], 2))
    rcond = EPS * max(shape)
    loo_s, gcv_s = loo_gcv_svd(X, Y, [ridge], fit_intercept=fit_intercept, rcond=rcond)
    try:
        loo_c, gcv_c = _loo_gcv_cholesky(X, Y, ridge, fit_intercept, rcond)
    except IllConditioned:
        # only the ridgeless fit next to the interpolation threshold (leverages
        # near one) may hand over to the SVD route
        assert shape == (30, 29)
        assert ridge == 0.0
        return
    np.testing.assert_allclose(loo_c, loo_s[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gcv_c, gcv_s[0], rtol=1e-9)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_path_with_duplicated_columns_falls_back_and_agrees(fit_intercept):
    # column 7 repeats column 2: every prefix from p = 8 on is rank deficient
    # (p <= n) or has a singular primal Gram matrix; those points must come
    # from the SVD and still equal separate fits
    rng = np.random.default_rng(12)
    n = 25
    X = rng.standard_normal((n, 60))
    X[:, 7] = X[:, 2]
    y = rng.standard_normal(n)
    ps = [5, 7, 8, 15, 24, 40, 60]
    res = minnorm_path(X, y, ps, fit_intercept=fit_intercept, return_coef=True, rcond=1e-10)
    for i, p in enumerate(ps):
        reg = MinNormRegressor(fit_intercept=fit_intercept, solver="svd", rcond=1e-10)
        reg.fit(X[:, :p], y)
        np.testing.assert_allclose(res.coefs[i], reg.coef_, rtol=1e-7, atol=1e-9)
    assert res.solver[ps.index(8)] == "svd"
    assert res.solver[ps.index(7)] == "cholesky"


def _assert_gram_outputs_equal_fits(res, X, y, ps, ridge, fit_intercept, rtol):
    """Norms, intercepts and train MSE of a path equal separate SVD fits."""
    for i, p in enumerate(ps):
        reg = MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept, solver="svd")
        reg.fit(X[:, :p], y)
        np.testing.assert_allclose(res.coef_norm[i], np.linalg.norm(reg.coef_), rtol=rtol)
        np.testing.assert_allclose(res.intercepts[i], reg.intercept_, rtol=rtol, atol=1e-10)
        train = np.mean((y - reg.predict(X[:, :p])) ** 2)
        np.testing.assert_allclose(res.train_mse[i], train, rtol=1e-6, atol=1e-20)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("ridge", [0.0, 2.0])
def test_path_without_coefs_computes_from_gram(fit_intercept, ridge):
    # no test data, no return_coef: the p > n points take their outputs from
    # K = X_p X_p^T alone; they must still equal separate fits
    rng = np.random.default_rng(21)
    n = 30
    X = rng.standard_normal((n, 400)) + 1.0
    y = rng.standard_normal(n) + 3.0
    ps = [10, 45, 90, 200, 400]
    res = minnorm_path(X, y, ps, ridge=ridge, fit_intercept=fit_intercept)
    assert res.coefs is None
    _assert_gram_outputs_equal_fits(res, X, y, ps, ridge, fit_intercept, rtol=1e-8)


# ---------------------------------------------------------------------------
# minnorm_path at sizes that use point-level threads and the mixed-precision
# dual solve
# ---------------------------------------------------------------------------


def _path_threads_forced(monkeypatch, k):
    import interpstat._path as path

    monkeypatch.setattr(path, "path_threads", lambda n, n_dual: k)


@pytest.mark.parametrize(("fit_intercept", "ridge"), [(False, 0.0), (True, 0.0), (True, 3.0)])
def test_threaded_path_equals_sequential_and_separate_fits(monkeypatch, fit_intercept, ridge):
    rng = np.random.default_rng(31)
    n = 240
    X = rng.standard_normal((n, 1500)) + 0.2
    y = X[:, :20] @ rng.standard_normal(20) + rng.standard_normal(n) + 1.0
    ps = [30, 200, 239, 240, 241, 250, 300, 400, 600, 900, 1500]
    import interpstat._psd_solve as psd

    accepted = []
    mixed = psd.mixed_solve

    def counting(*args):
        out = mixed(*args)
        accepted.append(out is not None)
        return out

    monkeypatch.setattr(psd, "mixed_solve", counting)
    runs = {}
    for k in (1, 2, 3):
        _path_threads_forced(monkeypatch, k)
        runs[k] = minnorm_path(X, y, ps, ridge=ridge, fit_intercept=fit_intercept)
    # the well-conditioned dual points (p >= 300) take the mixed-precision solve
    assert sum(accepted) >= 3 * 3
    for k in (2, 3):
        for field in ("train_mse", "coef_norm", "intercepts"):
            np.testing.assert_allclose(getattr(runs[k], field), getattr(runs[1], field),
                                       rtol=1e-10, atol=1e-20, err_msg=f"{field}, {k} threads")
        assert runs[k].solver == runs[1].solver
    res = runs[2]
    _assert_gram_outputs_equal_fits(res, X, y, ps, ridge, fit_intercept, rtol=1e-9)


def test_threaded_path_with_test_data_and_coefs(monkeypatch):
    _path_threads_forced(monkeypatch, 2)
    rng = np.random.default_rng(32)
    n = 220
    X, Xt = rng.standard_normal((n, 900)), rng.standard_normal((50, 900))
    w = rng.standard_normal(900) / 30
    y, yt = X @ w + 0.1 * rng.standard_normal(n), Xt @ w
    ps = [50, 219, 221, 300, 900]
    res = minnorm_path(X, y, ps, X_test=Xt, y_test=yt, return_coef=True, fit_intercept=True)
    for i, p in enumerate(ps):
        reg = MinNormRegressor(solver="svd").fit(X[:, :p], y)
        np.testing.assert_allclose(res.coefs[i], reg.coef_, rtol=1e-8, atol=1e-11)
        np.testing.assert_allclose(res.test_mse[i], np.mean((yt - reg.predict(Xt[:, :p])) ** 2),
                                   rtol=1e-8)


def test_path_threads_follow_the_blas_limit():
    from threadpoolctl import threadpool_limits

    from interpstat._path import path_threads as _path_threads

    assert _path_threads(50, 25) == 1  # too small to pay off
    with threadpool_limits(1):  # e.g. inside simulate(inner_threads=1)
        assert _path_threads(1000, 25) == 1
    with threadpool_limits(2):
        assert _path_threads(1000, 25) == 2


@pytest.mark.parametrize("cond", [1e1, 1e2, 3e2, 1e3, 1e5, 1e8])
def test_mixed_dual_solve_accepts_only_well_conditioned(cond):
    # The float32-factor solve must certify itself: accepted (and then as
    # accurate as a float64 solve) for well-conditioned F, refused when the
    # contraction reveals cond(F) above ~1e3.
    from interpstat import _lapack as la
    from interpstat._psd_solve import mixed_solve as _dual_mixed

    rng = np.random.default_rng(int(np.log10(cond)))
    n = 120
    Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    eig = np.geomspace(1.0, 1.0 / cond, n) * 1e3
    K = (Q * eig) @ Q.T
    y = rng.standard_normal((n, 1))
    work = np.empty((n, n), dtype=np.float32, order="F")
    out = _dual_mixed(la.syrk(Q * np.sqrt(eig)), y, 0.0, None, work)
    if cond <= 1e2:
        assert out is not None
    if cond >= 1e5:
        assert out is None
    elif out is not None:
        # accepted (certainly at cond <= 1e2; at 3e2 with this seed; at 1e3 it is
        # the borderline): then as accurate as a float64 Cholesky solve
        A, KA, rc = out
        exact = Q @ ((Q.T @ y) / eig[:, None])
        # normwise, as a Cholesky solve guarantees (not per entry)
        assert np.linalg.norm(A - exact) <= 100 * cond * EPS * np.linalg.norm(exact)
        np.testing.assert_allclose(KA, K @ A, rtol=1e-12, atol=1e-12)
        assert 0.1 / cond <= rc <= 1.0  # an estimate, not 10x too pessimistic


# ---------------------------------------------------------------------------
# Validation shared by fit, the LOO/GCV methods and the path
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"rcond": 5.0}, "rcond"),
        ({"rcond": 1.0}, "rcond"),
        ({"solver": "bogus"}, "solver"),
        ({"fit_intercept": "yes"}, "fit_intercept"),
        ({"ridge": -1.0}, "ridge"),
    ],
)
@pytest.mark.parametrize("method", ["loo_residuals", "gcv_score"])
def test_loo_gcv_validate_parameters_as_fit(params, match, method):
    X, y = np.random.default_rng(0).standard_normal((8, 3)), np.arange(8.0)
    with pytest.raises(ValueError, match=match):
        MinNormRegressor(**params).fit(X, y)
    with pytest.raises(ValueError, match=match):
        getattr(MinNormRegressor(**params), method)(X, y)


@pytest.mark.parametrize("shape", [(12, 5), (12, 30)])
def test_loo_gcv_keep_float32(shape):
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal(shape), rng.standard_normal(shape[0])
    reg = MinNormRegressor()
    e32 = reg.loo_residuals(X.astype(np.float32), y.astype(np.float32))
    g32 = reg.gcv_score(X.astype(np.float32), y.astype(np.float32))
    assert e32.dtype == np.float32
    assert g32.dtype == np.float32
    np.testing.assert_allclose(e32, reg.loo_residuals(X, y), rtol=1e-3, atol=1e-4)


def test_path_default_matches_estimator_default():
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((15, 40)) + 5.0, rng.standard_normal(15) + 2.0
    res = minnorm_path(X, y, [5, 40], return_coef=True)
    for i, p in enumerate([5, 40]):
        reg = MinNormRegressor().fit(X[:, :p], y)
        np.testing.assert_allclose(res.coefs[i], reg.coef_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(res.intercepts[i], reg.intercept_, rtol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rcond": np.nan}, "rcond"),
        ({"rcond": -1.0}, "rcond"),
        ({"rcond": 2.0}, "rcond"),
        ({"rcond": 1.0}, "rcond"),
        ({"ridge": np.inf}, "ridge"),
        ({"fit_intercept": "yes"}, "fit_intercept"),
        ({"n_features": [1e20]}, r"\[1e\+20\]"),
    ],
)
def test_path_validates_options(kwargs, match):
    X, y = np.random.default_rng(3).standard_normal((6, 8)), np.ones(6)
    kwargs = {"n_features": [3, 8], **kwargs}
    with pytest.raises(ValueError, match=match):
        minnorm_path(X, y, **kwargs)


# ---------------------------------------------------------------------------
# Beyond float64: warn instead of returning garbage quietly
# ---------------------------------------------------------------------------


def _near_singular(rng, n=30, p=50, cond=1e13):
    U = np.linalg.qr(rng.standard_normal((n, n)))[0]
    V = np.linalg.qr(rng.standard_normal((p, n)))[0]
    return (U * np.geomspace(1, 1 / cond, n)) @ V.T, rng.standard_normal(n)


@pytest.mark.parametrize("solver", ["auto", "svd"])
def test_warns_when_the_kept_spectrum_is_beyond_float64(solver):
    from interpstat.exceptions import AccuracyWarning

    X, y = _near_singular(np.random.default_rng(0))
    with pytest.warns(AccuracyWarning, match="rcond"):
        MinNormRegressor(fit_intercept=False, solver=solver).fit(X, y)
    with pytest.warns(AccuracyWarning, match=r"n_features = \[50\]"):
        minnorm_path(X, y, [10, 50], fit_intercept=False)
    # negative controls: a chosen cut, a ridge, or ordinary data do not warn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MinNormRegressor(fit_intercept=False, solver=solver, rcond=1e-10).fit(X, y)
        MinNormRegressor(fit_intercept=False, solver=solver, ridge=1e-3).fit(X, y)
        minnorm_path(X, y, [10, 50], fit_intercept=False, rcond=1e-10)
        X2, y2 = _near_singular(np.random.default_rng(1), cond=1e6)
        MinNormRegressor(fit_intercept=False, solver=solver).fit(X2, y2)
