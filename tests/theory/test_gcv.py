"""interpstat.theory.gcv: definition, ridgeless limit, agreement with the estimator."""

import numpy as np
import pytest

from interpstat import MinNormRegressor
from interpstat.theory import gcv
from tests.naive import gcv_hat


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("shape", [(40, 15), (40, 90)])
def test_gcv_matches_hat_matrix_definition(fit_intercept, shape):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal(shape), rng.standard_normal(shape[0])
    n = shape[0]
    lams = np.array([1e-3, 0.1, 1.0, 30.0])
    got = gcv(X, y, lams, fit_intercept=fit_intercept)
    want = [gcv_hat(X, y, n * lam, fit_intercept) for lam in lams]
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_gcv_ridgeless_limit_is_gcv0():
    rng = np.random.default_rng(1)
    n, p = 30, 70
    X, y = rng.standard_normal((n, p)), rng.standard_normal(n)
    Kinv = np.linalg.inv(X @ X.T)
    gcv0 = (y @ Kinv @ Kinv @ y / n) / (np.trace(Kinv) / n) ** 2  # eq. (gcv0), docs/theory.rst
    np.testing.assert_allclose(gcv(X, y, 0.0), gcv0, rtol=1e-9)
    np.testing.assert_allclose(gcv(X, y, 1e-11), gcv0, rtol=1e-6)
    # p < n: ordinary least-squares GCV, RSS/n / (1 - p/n)^2
    Xs = X[:, :10]
    r = y - Xs @ np.linalg.lstsq(Xs, y, rcond=None)[0]
    np.testing.assert_allclose(gcv(Xs, y, 0.0), np.mean(r**2) / (1 - 10 / n) ** 2, rtol=1e-10)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_gcv_equals_estimator_gcv_score(fit_intercept):
    rng = np.random.default_rng(2)
    n = 25
    X, y = rng.standard_normal((n, 50)), rng.standard_normal(n)
    for ridge in [0.0, 0.7]:
        reg = MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept)
        np.testing.assert_allclose(
            gcv(X, y, ridge / n, fit_intercept=fit_intercept), reg.gcv_score(X, y), rtol=1e-12
        )


def test_gcv_vectorised_shapes_and_errors():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((10, 4)), rng.standard_normal(10)
    assert np.ndim(gcv(X, y, 0.5)) == 0
    assert gcv(X, y, np.ones((2, 3))).shape == (2, 3)
    with pytest.raises(ValueError, match="lam"):
        gcv(X, y, -1.0)
    with pytest.raises(ValueError, match="shapes"):
        gcv(X, y[:5], 0.1)
    with pytest.raises(ValueError, match="finite"):
        gcv(np.full((5, 2), np.nan), y[:5], 0.1)
