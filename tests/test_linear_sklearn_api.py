"""Behaviours scikit-learn tests for LinearRegression and Ridge, re-checked on MinNormRegressor.

Each test restates, for our estimator, a property that scikit-learn's own
``test_base.py`` / ``test_ridge.py`` assert for ``LinearRegression`` or
``Ridge`` (svd/cholesky solvers) where the behaviour is one we share.
"""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge

from interpstat import MinNormRegressor


@pytest.mark.parametrize("ridge", [0.0, 1.0])
def test_multiple_outcome_equals_single_fits(ridge):
    # LinearRegression: multi-output fit == one fit per target
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 12))
    Y = rng.standard_normal((30, 3))
    multi = MinNormRegressor(ridge=ridge).fit(X, Y)
    for k in range(3):
        single = MinNormRegressor(ridge=ridge).fit(X, Y[:, k])
        np.testing.assert_allclose(multi.coef_[k], single.coef_, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(multi.intercept_[k], single.intercept_, rtol=1e-12)
    np.testing.assert_allclose(multi.predict(X)[:, 1], MinNormRegressor(ridge=ridge)
                               .fit(X, Y[:, 1]).predict(X), rtol=1e-12)


@pytest.mark.parametrize("solver", ["auto", "cholesky", "qr", "svd"])
def test_ridge_singular_design(solver):
    # Ridge: a singular X is fine with alpha > 0 (duplicate and zero columns)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 5))
    X = np.hstack([X, X[:, :2], np.zeros((20, 1))])
    y = rng.standard_normal(20)
    ours = MinNormRegressor(ridge=0.5, solver=solver).fit(X, y)
    ref = Ridge(alpha=0.5, solver="svd").fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    assert ours.coef_[-1] == pytest.approx(0.0, abs=1e-14)


def test_ridge_zero_equals_lstsq():
    # Ridge(alpha=0) == least squares for full-column-rank X
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((40, 10)), rng.standard_normal(40)
    ours = MinNormRegressor(ridge=0.0, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(ours.coef_, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_shapes_and_intercept_multi_target(fit_intercept):
    # Ridge: coef_ (n_targets, n_features), intercept_ (n_targets,) (0.0
    # without an intercept), shifted targets
    rng = np.random.default_rng(3)
    X = rng.standard_normal((25, 6))
    y = rng.standard_normal(25)
    Y = np.c_[y, y + 1.0]
    reg = MinNormRegressor(ridge=1.0, fit_intercept=fit_intercept).fit(X, Y)
    ref = Ridge(alpha=1.0, fit_intercept=fit_intercept).fit(X, Y)
    assert reg.coef_.shape == (2, 6)
    assert np.shape(reg.intercept_) == np.shape(ref.intercept_) == ((2,) if fit_intercept else ())
    if fit_intercept:
        np.testing.assert_allclose(reg.intercept_[1], reg.intercept_[0] + 1.0, rtol=1e-12)
        np.testing.assert_allclose(reg.coef_[0], reg.coef_[1], rtol=1e-12)


@pytest.mark.parametrize("solver", ["auto", "cholesky", "qr", "svd"])
@pytest.mark.parametrize("ridge", [0.0, 0.5])
def test_dtype_match(solver, ridge):
    # Ridge's test_dtype_match: float32 in -> float32 coef_, close to the float64 fit
    rng = np.random.default_rng(4)
    X64, y64 = rng.standard_normal((15, 4)), rng.standard_normal(15)
    X32, y32 = X64.astype(np.float32), y64.astype(np.float32)
    r32 = MinNormRegressor(ridge=ridge, solver=solver).fit(X32, y32)
    r64 = MinNormRegressor(ridge=ridge, solver=solver).fit(X64, y64)
    assert r32.coef_.dtype == X32.dtype
    assert r64.coef_.dtype == X64.dtype
    assert r32.predict(X32).dtype == X32.dtype
    np.testing.assert_allclose(r32.coef_, r64.coef_, rtol=1e-5, atol=1e-6)


def test_sample_weight_equals_rescaled_rows():
    # LinearRegression: weights == rows (and targets) scaled by sqrt(w), centred with
    # weighted means
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((20, 5)), rng.standard_normal(20)
    w = rng.uniform(0.5, 2.0, 20)
    ours = MinNormRegressor().fit(X, y, sample_weight=w)
    ref = LinearRegression().fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9)
    with pytest.raises(ValueError, match="1D"):
        MinNormRegressor().fit(X, y, sample_weight=np.ones((20, 2)))


def test_score_is_r2():
    rng = np.random.default_rng(6)
    X, y = rng.standard_normal((30, 3)), rng.standard_normal(30)
    ours = MinNormRegressor().fit(X, y)
    ref = LinearRegression().fit(X, y)
    assert ours.score(X, y) == pytest.approx(ref.score(X, y), rel=1e-12)
