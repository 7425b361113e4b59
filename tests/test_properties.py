"""Property-based tests (hypothesis): invariants that must hold for any data."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from interpstat import MinNormRegressor
from interpstat._kernels.linalg import weighted_row_sq_norms

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(0, 12), st.integers(0, 9)), elements=finite))
def test_row_norm_kernel_matches_numpy(A):
    w = np.linspace(0.5, 2.0, A.shape[1])
    out = np.empty(A.shape[0])
    weighted_row_sq_norms(A, w, out)
    np.testing.assert_allclose(out, (A**2) @ w, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 12),
    extra=st.integers(1, 20),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
)
def test_minnorm_interpolates_in_row_space(n, extra, seed, scale):
    # p > n Gaussian design: the fit interpolates, and coef lies in the row space
    # of X (orthogonal to its null space), i.e. it is the minimum-norm solution
    rng = np.random.default_rng(seed)
    p = n + extra
    X = scale * rng.standard_normal((n, p))
    y = rng.standard_normal(n)
    reg = MinNormRegressor(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(X @ reg.coef_, y, atol=1e-8 * (1 + np.abs(y).max()))
    Q = np.linalg.qr(X.T)[0]  # orthonormal basis of the row space
    residual = reg.coef_ - Q @ (Q.T @ reg.coef_)
    assert np.linalg.norm(residual) <= 1e-8 * np.linalg.norm(reg.coef_)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), ridge=st.floats(1e-6, 1e4))
def test_ridge_norm_shrinks_with_penalty(seed, ridge):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((10, 25)), rng.standard_normal(10)
    a = MinNormRegressor(ridge=ridge).fit(X, y)
    b = MinNormRegressor(ridge=2 * ridge).fit(X, y)
    c = MinNormRegressor(ridge=0.0).fit(X, y)
    assert np.linalg.norm(b.coef_) <= np.linalg.norm(a.coef_) * (1 + 1e-12)
    assert np.linalg.norm(a.coef_) <= np.linalg.norm(c.coef_) * (1 + 1e-12)
