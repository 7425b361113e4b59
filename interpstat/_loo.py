"""Exact leave-one-out residuals and GCV for ridge regression, continuous down to ridge = 0."""

import numpy as np
import scipy.linalg

from interpstat._kernels.linalg import weighted_row_sq_norms

__all__ = ["loo_gcv_svd"]

_EPS = np.finfo(np.float64).eps


def _thin_svd(X):
    """Thin SVD ``X = U diag(s) Vt`` with a gesvd fallback when gesdd does not converge."""
    try:
        return scipy.linalg.svd(X, full_matrices=False, check_finite=False)
    except np.linalg.LinAlgError:  # pragma: no cover - gesdd failure is rare
        return scipy.linalg.svd(X, full_matrices=False, check_finite=False, lapack_driver="gesvd")


def _row_sq(U, w):
    out = np.empty(U.shape[0])
    weighted_row_sq_norms(U, np.ascontiguousarray(w, dtype=np.float64), out)
    return out


def loo_gcv_svd(X, Y, ridges, *, fit_intercept, rcond=None):
    """Leave-one-out residuals and GCV of ridge regression for several ridges.

    With ``K = Xc Xc^T`` (``Xc`` the centred design when ``fit_intercept``),
    ``P`` the centring projector (identity without intercept) and ridge
    ``alpha`` (scikit-learn scale), the residual operator is
    ``I - H = alpha P (K + alpha I)^{-1} P`` and the leave-one-out residuals are
    ``e_i = [(I - H) y]_i / (I - H)_ii`` (exact for penalised least squares
    with an unpenalised intercept).  Writing everything through the thin SVD
    ``Xc = U diag(s) V^T`` (rank ``r`` at relative cut-off ``rcond``) gives,
    after multiplying numerator and denominator by ``1/alpha``'s inverse,

    .. math::

        e_i = \\frac{[(P - UU^T) y]_i + [U \\operatorname{diag}(w) U^T y]_i}
                   {(P - UU^T)_{ii} + [U \\operatorname{diag}(w) U^T]_{ii}},
        \\qquad w_j = \\frac{\\alpha}{s_j^2 + \\alpha},

    which stays finite as ``alpha -> 0``: where ``(P - UU^T)_ii > 0`` the
    limit is the ordinary ``r_i / (1 - h_ii)``; where it vanishes (every point
    is interpolated, e.g. ``p >= n``) the limit is
    ``[K^+ y]_i / [K^+]_ii``, the minimum-norm interpolant's LOO residual.
    GCV is ``mean((I-H)y)^2 / (tr(I-H)/n)^2`` with the same limits
    (``GCV_0`` of Hastie et al. when every point is interpolated).

    Parameters
    ----------
    X : ndarray of shape (n, p), float64
        Design (not centred; centring happens here when ``fit_intercept``).
    Y : ndarray of shape (n, k), float64
        Targets.
    ridges : ndarray of shape (m,)
        Ridge penalties ``alpha >= 0`` on scikit-learn's scale.
    fit_intercept : bool
        Whether the fit has an unpenalised intercept.
    rcond : float or None
        Relative singular-value cut-off; ``None`` means ``eps * max(n, p)``.

    Returns
    -------
    loo : ndarray of shape (m, n, k)
        Leave-one-out residuals ``y_i - f_{-i}(x_i)``.
    gcv : ndarray of shape (m, k)
        Generalised cross-validation estimates of the prediction risk.
    """
    n, p = X.shape
    if rcond is None:
        rcond = _EPS * max(n, p)
    if fit_intercept:
        X = X - X.mean(axis=0)
        Y = Y - Y.mean(axis=0)
    U, s, _ = _thin_svd(X)
    r = int(np.sum(s > rcond * s[0])) if s.size and s[0] > 0 else 0
    U, s = U[:, :r], s[:r]
    UtY = U.T @ Y
    resid0 = Y - U @ UtY
    c = 1.0 / n if fit_intercept else 0.0
    g = np.clip((1.0 - c) - _row_sq(U, np.ones(r)), 0.0, None)
    m0 = n - int(fit_intercept) - r  # dimension of the residual space
    # g_i below this is "point i is interpolated": its exact value is 0, and so
    # is row i of P - UU^T (a PSD matrix), hence resid0_i; zero both so that
    # rounding noise does not swamp the O(alpha) terms of small ridges.
    g_tol = 100.0 * _EPS * max(n, p)
    interp = g <= g_tol
    g[interp] = 0.0
    resid0[interp] = 0.0
    ridges = np.atleast_1d(np.asarray(ridges, dtype=np.float64))
    loo = np.empty((ridges.size, n, Y.shape[1]))
    gcv = np.empty((ridges.size, Y.shape[1]))
    inv_s2 = 1.0 / s**2 if r else np.zeros(0)
    lim_num = U @ (inv_s2[:, None] * UtY)  # [K^+ y]_i
    lim_den = _row_sq(U, inv_s2)  # [K^+]_ii
    for j, alpha in enumerate(ridges):
        if alpha > 0:
            w = alpha / (s**2 + alpha)
            num = resid0 + U @ (w[:, None] * UtY)
            den = g + _row_sq(U, w)
            loo[j] = num / den[:, None]
            gcv[j] = np.mean(num**2, axis=0) / (np.mean(den) ** 2)
        elif m0 > 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                e = resid0 / g[:, None]
                if np.any(interp):
                    e[interp] = lim_num[interp] / lim_den[interp, None]
            loo[j] = e
            gcv[j] = np.mean(resid0**2, axis=0) / (m0 / n) ** 2
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                loo[j] = lim_num / lim_den[:, None]
                gcv[j] = np.mean(lim_num**2, axis=0) / np.mean(lim_den) ** 2
    return loo, gcv
