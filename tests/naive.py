"""Slow, obviously correct references for the tests (never used by the package)."""

import mpmath
import numpy as np


def minnorm_exact(X, y, dps=60):
    """Minimum-norm least-squares solution of full-rank float64 data in extended precision.

    The float64 entries of ``X`` and ``y`` are taken as exact; the normal
    equations of the smaller Gram matrix are solved in ``dps``-digit
    arithmetic, so the result is the true minimum-norm solution of the stored
    data, correct to about ``cond(X)^2 * 10^-dps``.
    """
    n, p = X.shape
    with mpmath.workdps(dps):
        A = mpmath.matrix(X.tolist())
        b = mpmath.matrix(y.tolist())
        if p >= n:
            a = mpmath.lu_solve(A * A.T, b)
            coef = A.T * a
        else:
            coef = mpmath.lu_solve(A.T * A, A.T * b)
        return np.array([float(coef[i]) for i in range(p)])


def design_with_condition(n, p, cond, rng):
    """``U diag(s) V^T`` with singular values spaced geometrically from 1 to ``1/cond``."""
    r = min(n, p)
    U = np.linalg.qr(rng.standard_normal((n, r)))[0]
    V = np.linalg.qr(rng.standard_normal((p, r)))[0]
    s = np.geomspace(1.0, 1.0 / cond, r)
    return (U * s) @ V.T


def loo_bruteforce(make, X, y):
    """Leave-one-out residuals by refitting ``make()`` n times."""
    n = X.shape[0]
    out = np.empty_like(np.asarray(y, dtype=float))
    for i in range(n):
        keep = np.arange(n) != i
        out[i] = y[i] - make().fit(X[keep], y[keep]).predict(X[i : i + 1])[0]
    return out


def gcv_hat(X, y, ridge, fit_intercept):
    """GCV from the explicit hat matrix (ridge > 0)."""
    n = X.shape[0]
    Z = np.hstack([np.ones((n, 1)), X]) if fit_intercept else X
    pen = np.eye(Z.shape[1]) * ridge
    if fit_intercept:
        pen[0, 0] = 0.0
    H = Z @ np.linalg.solve(Z.T @ Z + pen, Z.T)
    r = y - H @ y
    return np.mean(r**2) / (1 - np.trace(H) / n) ** 2
