"""Benchmarks of the min-norm family, asv-compatible (``setup`` + ``time_*`` methods).

Peers are measured in the same process on the same data: the Gram matrix
with numpy (the floor of a normal-equations solver), scikit-learn's
``LinearRegression`` (LAPACK gelsd) and scipy's ``lstsq``.
"""

from typing import ClassVar

import numpy as np
import scipy.linalg
from sklearn.linear_model import LinearRegression

from interpstat import MinNormRegressor, minnorm_path


class MinNormFit:
    """``MinNormRegressor(solver="auto")`` against the Gram matrix and sklearn."""

    params: ClassVar[list] = [(2000, 20000), (10000, 1000)]
    param_names: ClassVar[list] = ["n_samples, n_features"]
    timeout = 600

    def setup(self, shape):
        n, p = shape
        rng = np.random.default_rng(0)
        self.X = rng.standard_normal((n, p))
        self.y = rng.standard_normal(n)
        MinNormRegressor(fit_intercept=False).fit(self.X[:50, :60], self.y[:50])  # warm up

    def time_gram(self, shape):
        n, p = shape
        return self.X @ self.X.T if p > n else self.X.T @ self.X

    def time_minnorm_auto(self, shape):
        MinNormRegressor(fit_intercept=False).fit(self.X, self.y)

    def time_minnorm_auto_intercept(self, shape):
        MinNormRegressor().fit(self.X, self.y)

    def time_sklearn_linear_regression(self, shape):
        LinearRegression(fit_intercept=False).fit(self.X, self.y)

    def time_scipy_lstsq_gelsy(self, shape):
        scipy.linalg.lstsq(self.X, self.y, lapack_driver="gelsy", check_finite=False)


class MinNormPath:
    """A 50-point double-descent path against the single largest fit."""

    params: ClassVar[list] = [1000]
    param_names: ClassVar[list] = ["n_samples"]
    timeout = 600

    def setup(self, n):
        rng = np.random.default_rng(1)
        self.P = 10 * n
        self.X = rng.standard_normal((n, self.P))
        self.y = rng.standard_normal(n)
        self.ps = np.unique(np.round(np.geomspace(n / 10, self.P, 50)).astype(int))
        minnorm_path(self.X[:50, :80], self.y[:50], [10, 60], fit_intercept=False)  # warm up

    def time_path_50_points(self, n):
        minnorm_path(self.X, self.y, self.ps, fit_intercept=False)

    def time_largest_single_fit(self, n):
        MinNormRegressor(fit_intercept=False).fit(self.X, self.y)
