"""Closed-form risk curves of least squares, min-norm interpolation and ridge in linear models."""

import math
from typing import NamedTuple

import numpy as np
from scipy import optimize

__all__ = [
    "RiskParts",
    "gcv",
    "minnorm_risk",
    "minnorm_risk_exact",
    "ridge_risk",
    "weak_features_risk",
]


class RiskParts(NamedTuple):
    """Bias-variance decomposition returned with ``return_parts=True``.

    The parts always decompose the *excess* risk, ``bias + variance``.  When a
    function is called with ``kind="prediction"``, ``risk`` additionally holds
    the test-noise variance ``sigma2``, so that
    ``risk == bias + variance + sigma2``.

    Attributes
    ----------
    bias : float or ndarray
        Squared-bias term (includes any misspecification error).
    variance : float or ndarray
        Variance term due to the training noise (and, where a model treats it
        as noise, the unobserved part of the signal).
    risk : float or ndarray
        The risk of the requested ``kind``.
    """

    bias: np.ndarray
    variance: np.ndarray
    risk: np.ndarray


#: Whether the requested kind of risk contains the test-noise variance sigma2.
_NOISE_IN_RISK = {"excess": False, "prediction": True}

#: brentq tolerances for the fixed points, solved in the log of the unknown.
_XTOL = 1e-14
_RTOL = 4 * np.finfo(float).eps

#: Outer limits of every bracket of kappa or c0 (the whole positive float64 range, in logs).
_BRACKET = (1e-300, 1e300)


# --- input validation -----------------------------------------------------------------------


def _first(arr, bad):
    """The first offending entry, for error messages."""
    return float(arr[bad].flat[0])


def _as_float(x, name):
    """Return ``x`` as a finite float64 array (any shape) or raise ValueError."""
    arr = np.asarray(x, dtype=np.float64)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        raise ValueError(f"{name} must be finite (no NaN or inf), got {_first(arr, bad)}")
    return arr


def _nonneg(x, name):
    """Return ``x`` as a float64 array with all entries ``>= 0``."""
    arr = _as_float(x, name)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got {_first(arr, arr < 0)}")
    return arr


def _positive(x, name):
    """Return ``x`` as a float64 array with all entries ``> 0``."""
    arr = _as_float(x, name)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {_first(arr, arr <= 0)}")
    return arr


def _integer(x, name):
    """Return ``x`` as a float64 array of integer values ``>= 1``."""
    arr = _as_float(x, name)
    fractional = arr != np.round(arr)
    if np.any(fractional):
        raise ValueError(f"{name} must be integer-valued, got {_first(arr, fractional)}")
    if np.any(arr < 1):
        raise ValueError(f"{name} must be >= 1, got {_first(arr, arr < 1)}")
    return arr


def _check_kind(kind):
    if kind not in _NOISE_IN_RISK:
        raise ValueError(f"kind must be one of {sorted(_NOISE_IN_RISK)}, got {kind!r}")


def _check_spectrum(eigvals, beta):
    """Validate a spectrum and an optional coefficient vector.

    Returns
    -------
    eigvals : ndarray of shape (p,)
    beta : ndarray of shape (p,) or None
    """
    eigvals = _nonneg(eigvals, "eigvals")
    if eigvals.ndim != 1 or eigvals.size == 0:
        raise ValueError(f"eigvals must be a non-empty 1-D array, got shape {eigvals.shape}")
    if not np.any(eigvals > 0):
        raise ValueError("eigvals must not be all zero")
    if beta is not None:
        beta = _as_float(beta, "beta")
        if beta.shape != eigvals.shape:
            raise ValueError(
                f"beta must have the shape of eigvals {eigvals.shape}, got {beta.shape}"
            )
    return eigvals, beta


# --- output assembly --------------------------------------------------------------------------


def _scaled_noise(noise, factor):
    """``noise * factor`` with ``0 * inf = 0`` (no noise: no variance, even at a pole).

    Parameters
    ----------
    noise, factor : ndarray
        Broadcastable; ``noise >= 0`` and ``factor`` in ``[0, inf]``.

    Returns
    -------
    ndarray of the broadcast shape
    """
    with np.errstate(invalid="ignore"):
        return np.where(noise == 0, 0.0, noise * factor)


def _finish(bias, variance, sigma2, kind, return_parts):
    """Broadcast the parts, add the test noise for ``kind="prediction"``, unwrap 0-d arrays."""
    bias, variance, sigma2 = np.broadcast_arrays(bias, variance, sigma2)
    risk = bias + variance
    if _NOISE_IN_RISK[kind]:
        risk = risk + sigma2
    if return_parts:
        return RiskParts(_unwrap(bias), _unwrap(variance), _unwrap(risk))
    return _unwrap(risk)


def _unwrap(a):
    """A fresh float64 array, or np.float64 for 0-d input."""
    return np.array(a, dtype=np.float64)[()]


# --- ridgeless and finite-sample formulas ---------------------------------------------------


def _minnorm_parts(gamma, r2, sigma2):
    """HMRT isotropic ridgeless bias and variance, eq. (minnorm) of docs/theory.rst.

    Parameters
    ----------
    gamma, r2, sigma2 : ndarray
        Broadcastable; ``gamma > 0``, ``r2, sigma2 >= 0``.

    Returns
    -------
    bias, variance : ndarray of the broadcast shape
    """
    with np.errstate(divide="ignore"):
        bias = np.where(gamma > 1, r2 * (1.0 - 1.0 / gamma), 0.0)
        factor = np.where(
            gamma < 1,
            gamma / (1.0 - gamma),
            np.where(gamma > 1, 1.0 / (gamma - 1.0), np.inf),
        )
    return bias, _scaled_noise(sigma2, factor)


def _wishart_factor(n, p):
    """Variance factor of least squares on ``p`` Gaussian features with ``n`` samples.

    ``p/(n-p-1)`` for ``p <= n-2``, ``n/(p-n-1)`` for ``p >= n+2`` and ``inf``
    for ``n-1 <= p <= n+1`` (inverse-Wishart means, eq. (exact) of docs/theory.rst).

    Parameters
    ----------
    n, p : ndarray
        Broadcastable, integer-valued.

    Returns
    -------
    ndarray of the broadcast shape
    """
    with np.errstate(divide="ignore"):
        return np.where(
            p <= n - 2,
            p / (n - p - 1.0),
            np.where(p >= n + 2, n / (p - n - 1.0), np.inf),
        )


# --- ridge: Marchenko-Pastur closed form -----------------------------------------------------


def _mp_ridge_parts(gamma, lam, r2, sigma2):
    """Isotropic ridge bias and variance from the MP Stieltjes transform, eq. (mp-ridge).

    With ``a = 1 - gamma + lam``, ``c = 1 - gamma - lam``,
    ``s = sqrt(a**2 + 4 gamma lam)`` and ``m = m(-lam)``, the identities
    ``a + 2 gamma lam m = s``, ``gamma lam m = (s - a)/2`` and ``s**2 - c**2 = 4 lam``
    turn ``Bias = r2 lam**2 m'`` and ``Var = sigma2 gamma (m - lam m')`` into

        Bias = r2 (lam m) (s - c)/(2 s),    Var = sigma2 gamma m (s + c)/(2 s),

    which are evaluated without cancellation: ``lam m = 2 lam/(a + s)`` for
    ``a > 0`` (else ``(s - a)/(2 gamma)``); ``s - c = 4 lam/(s + c)`` for ``c > 0``;
    ``s + c = 4 lam/(s - c)`` for ``c < 0``, where also ``gamma m (s + c) =
    2 (s - a)/(s - c)``.  Valid for ``lam > 0``; the caller handles ``lam == 0``.

    Parameters
    ----------
    gamma, lam, r2, sigma2 : ndarray
        Broadcastable; ``gamma > 0``, ``lam >= 0``.

    Returns
    -------
    bias, variance : ndarray of the broadcast shape
    """
    # np.where evaluates both branches; only the discarded one can divide by 0 or overflow.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = 1.0 - gamma + lam
        c = 1.0 - gamma - lam
        s = np.hypot(a, 2.0 * np.sqrt(gamma) * np.sqrt(lam))  # no overflow for huge lam
        pos = a > 0
        lam_m = np.where(pos, 2.0 * lam / (a + s), (s - a) / (2.0 * gamma))
        s_minus_c = np.where(c > 0, 4.0 * lam / (s + c), s - c)
        s_plus_c = np.where(c < 0, 4.0 * lam / (s - c), s + c)
        var_factor = np.where(
            pos,
            gamma * (2.0 / (a + s)) * s_plus_c / (2.0 * s),
            (s - a) / s / s_minus_c,
        )
        bias = r2 * lam_m * s_minus_c / (2.0 * s)
        return bias, sigma2 * var_factor


# --- ridge: general spectrum (kappa form) ----------------------------------------------------


def _group_spectrum(eigvals, beta):
    """Merge equal eigenvalues.

    Parameters
    ----------
    eigvals : ndarray of shape (p,)
    beta : ndarray of shape (p,) or None
        ``None`` means ``beta_i**2 = 1/p`` (isotropic signal of unit norm).

    Returns
    -------
    vals : ndarray of shape (k,)
        Distinct eigenvalues.
    mult : ndarray of shape (k,)
        Their multiplicities.
    weight : ndarray of shape (k,)
        Sum of ``beta_i**2`` over each eigenspace.
    """
    vals, inverse, mult = np.unique(eigvals, return_inverse=True, return_counts=True)
    beta2 = np.full(eigvals.size, 1.0 / eigvals.size) if beta is None else beta**2
    weight = np.bincount(inverse.ravel(), weights=beta2, minlength=vals.size)
    return vals, mult.astype(np.float64), weight


def _solve_kappa(vals, mult, n, delta):
    """Solve ``n = sum_i L_i + delta/kappa`` for ``kappa > 0``, eq. (kappa) of docs/theory.rst.

    ``L_i = lam_i/(lam_i + kappa)``; the ``L_i > 1/2`` are summed as
    ``1 - kappa/(lam_i + kappa)`` to keep precision for tiny ``kappa`` (tiny ridge
    near ``rank(Sigma) = n``).  The root is bracketed analytically and
    refined by ``brentq`` in ``log kappa``; the bracket is clipped to
    ``(1e-300, 1e300)``.  For ``delta > 0``: ``kappa`` lies in
    ``[delta/n, (tr Sigma + delta)/n]``.  For ``delta == 0`` (needs rank
    ``M > n``): ``kappa`` lies in ``[lam_min (M - n)/n, tr Sigma/n]`` with
    ``lam_min`` the smallest positive eigenvalue.  Both brackets are widened by
    a factor 2 so that the end values have strict signs.

    Parameters
    ----------
    vals, mult : ndarray of shape (k,)
        Distinct eigenvalues and multiplicities.
    n : float
        Number of samples (real allowed).
    delta : float
        Kernel-form ridge ``n * lam`` (``>= 0``).

    Returns
    -------
    float
    """
    trace = float(np.dot(vals, mult))
    if delta > 0:
        lo, hi = 0.5 * delta / n, 2.0 * (trace + delta) / n
    else:
        rank = float(mult[vals > 0].sum())
        lo, hi = 0.5 * vals[vals > 0].min() * (rank - n) / n, 2.0 * trace / n
    lo, hi = max(lo, _BRACKET[0]), min(hi, _BRACKET[1])

    def excess_dof(u):
        # sum L_i + delta/kappa - n, with the L_i near 1 entered as 1 - (1 - L_i) so that
        # nothing is lost when kappa is tiny against the eigenvalues.
        kappa = math.exp(u)
        big = vals > kappa
        small_L = float(np.dot(mult[~big], vals[~big] / (vals[~big] + kappa)))
        big_gap = float(np.dot(mult[big], kappa / (vals[big] + kappa)))
        return small_L + delta / kappa + (float(mult[big].sum()) - n) - big_gap

    u = optimize.brentq(
        excess_dof, math.log(lo), math.log(hi), xtol=_XTOL, rtol=_RTOL, maxiter=500
    )
    return math.exp(u)


def _kappa_point(vals, mult, weight, n, delta):
    """Bias and variance factors of ridge at one ``(n, delta)``, eq. (kappa-risk).

    Parameters
    ----------
    vals, mult, weight : ndarray of shape (k,)
        Output of :func:`_group_spectrum`.
    n, delta : float
        Samples and kernel-form ridge.

    Returns
    -------
    bias : float
        ``E0 sum_i (1 - L_i)**2 lam_i beta_i**2`` in the units of ``weight``.
    var_factor : float
        ``E0 - 1 = df2/(n - df2)``; multiply by ``sigma2``.  ``n - df2`` is
        evaluated as ``delta/kappa + sum_i L_i (1 - L_i)``, equal at the root.
    kappa : float
    """
    if delta == 0:
        rank = float(mult[vals > 0].sum())
        if abs(rank - n) <= 8 * np.finfo(float).eps * max(rank, n):
            return 0.0, np.inf, 0.0
        if rank < n:
            # kappa -> 0: every L_i is 0 or 1, and v_i = 0 where lam_i = 0.
            return 0.0, rank / (n - rank), 0.0
    kappa = _solve_kappa(vals, mult, n, delta)
    L = vals / (vals + kappa)
    one_minus_L = kappa / (vals + kappa)
    df2 = float(np.dot(mult, L * L))
    # n - df2 = (n - df1) + (df1 - df2) = delta/kappa + sum L (1 - L) at the root: no
    # cancellation even when every L_i rounds to 1 (tiny ridge at rank(Sigma) == n).
    slack = delta / kappa + float(np.dot(mult, L * one_minus_L))
    bias = n / slack * float(np.dot(weight, one_minus_L**2 * vals))
    return bias, df2 / slack, kappa


def _kappa_ridge_parts(gamma, lam, eigvals, beta, r2, sigma2):
    """Ridge bias and variance for a general spectrum, looped over the (gamma, lam) grid.

    Parameters
    ----------
    gamma, lam : ndarray
        Broadcastable; ``n = p/gamma`` and ``delta = n lam``.
    eigvals : ndarray of shape (p,)
    beta : ndarray of shape (p,) or None
    r2, sigma2 : ndarray
        Broadcastable with the grid; ``r2`` only scales the isotropic signal.

    Returns
    -------
    bias, variance : ndarray of the broadcast shape
    """
    vals, mult, weight = _group_spectrum(eigvals, beta)
    g, lm = np.broadcast_arrays(gamma, lam)
    bias = np.empty(g.shape)
    var_factor = np.empty(g.shape)
    for idx in np.ndindex(g.shape):
        n = eigvals.size / float(g[idx])
        bias[idx], var_factor[idx], _ = _kappa_point(vals, mult, weight, n, n * float(lm[idx]))
    if beta is None:
        bias = r2 * bias
    return bias, _scaled_noise(sigma2, var_factor)


def _hmrt_ridgeless_c0(gamma, eigvals, beta, r2, sigma2):
    """HMRT's ridgeless risk for a general spectrum in its ``c0`` form, eq. (c0).

    ``c0`` solves ``1 - 1/gamma = int dH(s)/(1 + c0 gamma s)``, with ``H`` the
    eigenvalue distribution of Sigma, and

        V = sigma2 gamma c0 [int s^2/(1+c0 gamma s)^2 dH] / [int s/(1+c0 gamma s)^2 dH],
        B = r2 (1 + V/sigma2) int s/(1+c0 gamma s)^2 dG,

    with ``G`` the eigenvalue distribution reweighted by ``beta_i**2/r2``.
    Solved independently of the kappa form (bracket ``(1e-300, 1e300)`` in
    ``log c0``); used to test the identity ``c0 gamma = 1/kappa``.

    Parameters
    ----------
    gamma : float
        ``p/n``; must exceed ``p/rank(Sigma)`` (i.e. rank ``M > n``).
    eigvals : ndarray of shape (p,)
    beta : ndarray of shape (p,) or None
        ``None`` means ``beta_i**2 = r2/p``; otherwise ``r2`` is ignored.
    r2, sigma2 : float

    Returns
    -------
    c0, bias, variance : float
    """
    eigvals = np.asarray(eigvals, dtype=np.float64)
    p = eigvals.size
    beta2 = np.full(p, r2 / p) if beta is None else np.asarray(beta, dtype=np.float64) ** 2
    if np.count_nonzero(eigvals) <= p / gamma:
        raise ValueError("gamma must exceed p/rank(Sigma) for the c0 equation to have a root")
    target = 1.0 - 1.0 / gamma

    def residual(u):
        with np.errstate(over="ignore"):
            return float(np.mean(1.0 / (1.0 + math.exp(u) * gamma * eigvals))) - target

    u = optimize.brentq(
        residual,
        math.log(_BRACKET[0]),
        math.log(_BRACKET[1]),
        xtol=_XTOL,
        rtol=_RTOL,
        maxiter=500,
    )
    c0 = math.exp(u)
    t = c0 * gamma
    d2 = (1.0 + t * eigvals) ** 2
    ratio = t * float(np.mean(eigvals**2 / d2)) / float(np.mean(eigvals / d2))
    bias = (1.0 + ratio) * float(np.sum(beta2 * eigvals / d2))
    return c0, bias, sigma2 * ratio


# --- public API -------------------------------------------------------------------------------


def minnorm_risk(gamma, *, r2=1.0, sigma2=1.0, kind="excess", return_parts=False):
    r"""Asymptotic risk of min-norm least squares with isotropic features.

    Proportional limit ``n, p -> inf`` with ``p/n -> gamma``, features
    ``x ~ (0, I_p)`` with i.i.d. entries, ``y = x^T beta + noise``,
    ``||beta||^2 = r2`` and noise variance ``sigma2``.  The estimator is
    ordinary least squares for ``gamma < 1`` and the minimum-norm interpolant
    for ``gamma > 1``.

    Parameters
    ----------
    gamma : array_like
        Aspect ratio ``p/n``, ``> 0``.
    r2 : array_like, default 1.0
        Signal strength ``||beta||^2``, ``>= 0``.
    sigma2 : array_like, default 1.0
        Noise variance, ``>= 0``.
    kind : {"excess", "prediction"}, default "excess"
        ``"excess"`` is :math:`E[(x_0^T\hat\beta - x_0^T\beta)^2 \mid X]`;
        ``"prediction"`` adds the test noise ``sigma2``.
    return_parts : bool, default False
        If True return :class:`RiskParts`.

    Returns
    -------
    risk : float or ndarray or RiskParts
        Broadcast over ``gamma``, ``r2`` and ``sigma2``.  ``inf`` at
        ``gamma == 1`` (unless ``sigma2 == 0``, where the variance is 0).

    Notes
    -----
    .. math::

        R(\gamma) =
        \begin{cases}
            \sigma^2 \dfrac{\gamma}{1-\gamma}, & \gamma < 1,\\[1ex]
            r^2\left(1 - \dfrac{1}{\gamma}\right) + \dfrac{\sigma^2}{\gamma - 1},
                & \gamma > 1,\\[1ex]
            \infty, & \gamma = 1.
        \end{cases}

    The first term for ``gamma > 1`` is the bias, the rest the variance.  At
    finite ``n`` the variance is exact up to the factor
    ``|n-p|/(|n-p|-1)`` (see :func:`minnorm_risk_exact`).  If ``r > sigma``
    the ``gamma > 1`` branch has an interior minimum at
    ``gamma* = 1/(1 - sigma/r)``.  This is the limit ``lam -> 0`` of
    :func:`ridge_risk`.

    References
    ----------
    Hastie, Montanari, Rosset, Tibshirani. Surprises in high-dimensional
    ridgeless least squares interpolation. *Ann. Statist.* 50(2):949-986,
    2022.  arXiv:1903.08560.  The result for isotropic features: the limit
    of the min-norm risk as ``p/n -> gamma`` (derived, with its assumptions, in
    docs/theory.rst, eq. (minnorm)).

    Examples
    --------
    >>> from interpstat.theory import minnorm_risk
    >>> float(minnorm_risk(0.5))
    1.0
    >>> minnorm_risk([0.5, 1.0, 2.0])
    array([1. , inf, 1.5])
    >>> parts = minnorm_risk(2.0, r2=4.0, return_parts=True)
    >>> float(parts.bias), float(parts.variance), float(parts.risk)
    (2.0, 1.0, 3.0)
    >>> float(minnorm_risk(2.0, kind="prediction"))
    2.5
    """
    gamma = _positive(gamma, "gamma")
    r2 = _nonneg(r2, "r2")
    sigma2 = _nonneg(sigma2, "sigma2")
    _check_kind(kind)
    bias, variance = _minnorm_parts(gamma, r2, sigma2)
    return _finish(bias, variance, sigma2, kind, return_parts)


def minnorm_risk_exact(n, p, *, r2=1.0, sigma2=1.0, kind="excess", return_parts=False):
    r"""Exact finite-sample risk of min-norm least squares with Gaussian features.

    Expected risk over the Gaussian design and the noise, for ``n`` samples
    ``x = Sigma^{1/2} z`` with ``z ~ N(0, I_p)``, ``y = x^T beta + noise``,
    ``||beta||^2 = r2``, noise variance ``sigma2``.

    Parameters
    ----------
    n, p : array_like of int
        Number of samples and of features, integer-valued ``>= 1``;
        broadcast against each other.
    r2 : array_like, default 1.0
        ``||beta||^2``, ``>= 0``; only enters for ``p > n``.
    sigma2 : array_like, default 1.0
        Noise variance, ``>= 0``.
    kind : {"excess", "prediction"}, default "excess"
        ``"prediction"`` adds the test noise ``sigma2``.
    return_parts : bool, default False
        If True return :class:`RiskParts`.

    Returns
    -------
    risk : float or ndarray or RiskParts
        ``inf`` for ``n-1 <= p <= n+1`` (unless ``sigma2 == 0``).

    Notes
    -----
    .. math::

        E R =
        \begin{cases}
            \sigma^2 \dfrac{p}{n-p-1}, & p \le n-2,\\[1ex]
            r^2\left(1 - \dfrac{n}{p}\right) + \sigma^2 \dfrac{n}{p-n-1}, & p \ge n+2,\\[1ex]
            \infty, & n-1 \le p \le n+1.
        \end{cases}

    The ``p <= n-2`` branch follows from
    :math:`E(X^TX)^{-1} = \Sigma^{-1}/(n-p-1)` and holds for **any** covariance
    ``Sigma`` when the risk is measured in the Sigma-norm
    :math:`(\hat\beta-\beta)^T\Sigma(\hat\beta-\beta)`.  The ``p >= n+2``
    branch uses :math:`E P_{\mathrm{row}} = (n/p) I` and
    :math:`E(XX^T)^{-1} = I/(p-n-1)` and **needs** ``Sigma = I``; for other
    Sigma use :func:`ridge_risk` with ``eigvals`` (asymptotic).  In the
    divergent band the reported bias is still ``r2 max(0, 1 - n/p)``
    (exact for any ``p``) and the variance is infinite; the per-draw risk has
    infinite variance for ``|p - n| <= 3``, so Monte-Carlo checks should keep
    ``|p - n| >= 4``.  As ``n, p -> inf`` with ``p/n -> gamma`` this tends to
    :func:`minnorm_risk`.

    References
    ----------
    Hastie, Montanari, Rosset, Tibshirani. Surprises in high-dimensional
    ridgeless least squares interpolation. *Ann. Statist.* 50(2):949-986, 2022.

    Belkin, Hsu, Xu. Two models of double descent for weak features.
    *SIAM J. Math. Data Sci.*, 2020.  arXiv:1903.07571.  The Gaussian model:
    the same inverse-Wishart computation.  The derivation of eq. (exact) is
    written out in docs/theory.rst.

    Examples
    --------
    >>> from interpstat.theory import minnorm_risk_exact
    >>> round(float(minnorm_risk_exact(200, 100)), 6)
    1.010101
    >>> minnorm_risk_exact(200, [100, 199, 200, 201, 400]).round(6)
    array([1.010101,      inf,      inf,      inf, 1.505025])
    """
    n = _integer(n, "n")
    p = _integer(p, "p")
    r2 = _nonneg(r2, "r2")
    sigma2 = _nonneg(sigma2, "sigma2")
    _check_kind(kind)
    bias = r2 * np.maximum(0.0, 1.0 - n / p)
    variance = _scaled_noise(sigma2, _wishart_factor(n, p))
    return _finish(bias, variance, sigma2, kind, return_parts)


def ridge_risk(
    gamma,
    lam=0.0,
    *,
    r2=1.0,
    sigma2=1.0,
    eigvals=None,
    beta=None,
    kind="excess",
    return_parts=False,
):
    r"""Asymptotic risk of ridge regression, isotropic or with a general covariance.

    Proportional limit ``p/n -> gamma`` for ``x = Sigma^{1/2} z`` with i.i.d.
    ``z`` (mean 0, variance 1), ``y = x^T beta + noise``, noise variance
    ``sigma2``, and the ridge estimator
    :math:`\hat\beta = (X^TX/n + \lambda I)^{-1} X^Ty/n`, i.e.
    ``sklearn.linear_model.Ridge(alpha=n * lam, fit_intercept=False)``.

    Parameters
    ----------
    gamma : array_like
        ``p/n``, ``> 0``.
    lam : array_like, default 0.0
        Ridge penalty ``>= 0`` in the scaling above; ``0`` is the min-norm
        interpolant.  Broadcast against ``gamma``.
    r2 : array_like, default 1.0
        ``||beta||^2``, ``>= 0``, for an isotropic signal.  Must be left at
        its default when ``beta`` is given (it is then ``||beta||^2``).
    sigma2 : array_like, default 1.0
        Noise variance, ``>= 0``.
    eigvals : array_like of shape (p,), optional
        Eigenvalues of Sigma (``>= 0``, not all 0).  ``None`` means
        ``Sigma = I`` and uses the Marchenko-Pastur closed form.
    beta : array_like of shape (p,), optional
        Coordinates of the true coefficient vector in the eigenbasis of Sigma
        (same order as ``eigvals``).  Requires ``eigvals``.  ``None`` means an
        isotropic signal, ``beta_i**2 = r2/p``.
    kind : {"excess", "prediction"}, default "excess"
        ``"prediction"`` adds the test noise ``sigma2``.
    return_parts : bool, default False
        If True return :class:`RiskParts`.

    Returns
    -------
    risk : float or ndarray or RiskParts
        Broadcast over ``gamma``, ``lam``, ``r2`` and ``sigma2``.  ``inf``
        where ridgeless interpolation diverges (``gamma == 1``, or rank of
        Sigma equal to ``n``) unless ``sigma2 == 0``.

    Notes
    -----
    **Isotropic (eigvals is None).** Let :math:`m(z)` be the Stieltjes
    transform of the Marchenko-Pastur law, the root of
    :math:`\gamma z m^2 - (1 - \gamma - z) m + 1 = 0`.  At :math:`z = -\lambda`,

    .. math::

        a = 1 - \gamma + \lambda,\quad s = \sqrt{a^2 + 4\gamma\lambda},\quad
        m = \frac{2}{a + s}\ (a > 0)\ \text{else}\ \frac{s - a}{2\gamma\lambda},\quad
        m' = \frac{\gamma m^2 + m}{a + 2\gamma\lambda m},

    .. math::

        B = r^2 \lambda^2 m',\qquad V = \sigma^2\gamma\,(m - \lambda m'),\qquad R = B + V.

    The code evaluates ``B`` and ``V`` in an algebraically identical,
    cancellation-free form (see ``_mp_ridge_parts``), so small ``lam`` is
    accurate; ``lam == 0`` returns exactly :func:`minnorm_risk`.  The
    optimal penalty is :math:`\lambda^* = \sigma^2\gamma/r^2`, with
    :math:`R(\lambda^*) = \sigma^2\gamma\, m(-\lambda^*)` (Dobriban-Wager; HMRT).

    **General spectrum (eigvals given).** With ``n = p/gamma`` (real ``n``
    allowed), kernel-form ridge :math:`\delta = n\lambda`, eigenvalues
    :math:`\lambda_i` and target coefficients :math:`v_i^2 = \lambda_i\beta_i^2`:

    .. math::

        n = \sum_i L_i + \frac{\delta}{\kappa},\quad
        L_i = \frac{\lambda_i}{\lambda_i + \kappa},\quad
        E_0 = \frac{n}{n - \sum_i L_i^2},

    .. math::

        B = E_0 \sum_i (1 - L_i)^2 v_i^2,\qquad V = (E_0 - 1)\,\sigma^2.

    ``kappa > 0`` is found by a bracketed root search in ``log kappa``
    (``brentq``, one solve per grid point).  Ridgeless with rank ``M`` of
    Sigma: ``M > n`` solves :math:`\sum_i L_i = n`; ``M < n`` gives
    ``kappa = 0``, zero bias and :math:`V = \sigma^2 M/(n - M)`; ``M == n``
    diverges.  The ridgeless ``gamma > 1`` case equals HMRT's ``c0`` form with
    :math:`c_0\gamma = 1/\kappa`.  The same fixed point is written
    :math:`1/v = \lambda + \gamma p^{-1}\mathrm{tr}[\Sigma(I + v\Sigma)^{-1}]`,
    :math:`v = 1/\kappa`.  Only the ratios ``M/p``, ``n/p`` and the spectral
    distribution matter, so a finite ``p`` represents the limit law exactly.

    Regime: proportional asymptotics; at ``n >= 200`` Monte-Carlo agrees to
    about 1% (``tests/theory/test_verification.py``).  Derivations of
    eqs. (mp-ridge), (kappa), (kappa-risk) and (c0): docs/theory.rst.

    References
    ----------
    Hastie, Montanari, Rosset, Tibshirani. Surprises in high-dimensional
    ridgeless least squares interpolation. *Ann. Statist.* 50(2):949-986,
    2022.  arXiv:1903.08560.  The ridge risk for isotropic features and the
    ridgeless risk for a general covariance (the ``c0`` equation).

    Dobriban, Wager. High-dimensional asymptotics of prediction: ridge
    regression and classification. *Ann. Statist.* 46(1):247-279, 2018.
    doi:10.1214/17-AOS1549.  The limiting ridge risk for a general
    covariance and the optimal penalty :math:`\lambda^* = \sigma^2\gamma/r^2`.

    Examples
    --------
    >>> import numpy as np
    >>> from interpstat.theory import ridge_risk
    >>> round(float(ridge_risk(1.0, 1.0)), 6)
    0.618034
    >>> ridge_risk([0.5, 2.0], 0.0)
    array([1. , 1.5])

    Two-point spectrum, signal in the top eigenspace:

    >>> eig = np.r_[np.full(50, 4.0), np.ones(50)]
    >>> beta = np.r_[np.full(50, np.sqrt(1 / 50)), np.zeros(50)]
    >>> parts = ridge_risk(2.0, eigvals=eig, beta=beta, return_parts=True)
    >>> round(float(parts.bias), 9), round(float(parts.variance), 9)
    (1.0, 1.25)
    """
    gamma = _positive(gamma, "gamma")
    lam = _nonneg(lam, "lam")
    r2 = _nonneg(r2, "r2")
    sigma2 = _nonneg(sigma2, "sigma2")
    _check_kind(kind)
    if eigvals is None:
        if beta is not None:
            raise ValueError("beta requires eigvals (coordinates in the eigenbasis of Sigma)")
        mp_bias, mp_var = _mp_ridge_parts(gamma, lam, r2, sigma2)
        mn_bias, mn_var = _minnorm_parts(gamma, r2, sigma2)
        bias = np.where(lam == 0, mn_bias, mp_bias)
        variance = np.where(lam == 0, mn_var, mp_var)
    else:
        if beta is not None and np.any(r2 != 1.0):
            raise ValueError("r2 must be left at its default when beta is given (r2 = |beta|^2)")
        eigvals, beta = _check_spectrum(eigvals, beta)
        bias, variance = _kappa_ridge_parts(gamma, lam, eigvals, beta, r2, sigma2)
    return _finish(bias, variance, sigma2, kind, return_parts)


def weak_features_risk(
    p,
    n,
    *,
    D=None,
    r2=1.0,
    sigma2=1.0,
    beta_T_norm2=None,
    beta_Tc_norm2=None,
    kind="prediction",
    return_parts=False,
):
    r"""Belkin-Hsu-Xu weak-features risk of least squares on a subset of Gaussian features.

    **By default this is a prediction risk: it includes the test noise**
    ``sigma2``, :math:`E[(y - x^T\hat\beta)^2]`, as in the paper.

    Model: ``x ~ N(0, I_D)``, ``y = x^T beta + sigma eps``.  The learner sees
    only the coordinates ``T`` (``|T| = p``) and fits least squares
    (min-norm when ``p > n``) on ``n`` samples, predicting with zeros on
    the complement ``T^c``.

    Parameters
    ----------
    p : array_like of int
        Number of observed features, integer-valued ``>= 1``.
    n : array_like of int
        Number of samples, integer-valued ``>= 1``.  Broadcast with ``p``.
    D : array_like of int, optional
        Total number of features.  If given, ``T`` is a uniformly random
        subset of size ``p <= D`` and the risk is averaged over ``T`` by
        substituting ``||beta_T||^2 = (p/D) r2`` and
        ``||beta_Tc||^2 = (1 - p/D) r2``.
    r2 : array_like, default 1.0
        ``||beta||^2``; used only with ``D`` (must stay at its default
        otherwise).
    sigma2 : array_like, default 1.0
        Noise variance, ``>= 0``.
    beta_T_norm2, beta_Tc_norm2 : array_like, optional
        ``||beta_T||^2`` and ``||beta_Tc||^2`` for a fixed subset ``T``.
        Required (both) when ``D`` is None; not allowed with ``D``.
    kind : {"prediction", "excess"}, default "prediction"
        ``"excess"`` subtracts ``sigma2``, i.e. the excess over the Bayes risk
        ``sigma2`` of the full model (it keeps the misspecification error
        ``||beta_Tc||^2``).
    return_parts : bool, default False
        If True return :class:`RiskParts`.  ``bias`` is
        ``||beta_T||^2 max(0, 1 - n/p) + ||beta_Tc||^2``; ``variance`` is the
        estimation variance due to the effective noise
        ``||beta_Tc||^2 + sigma2``.

    Returns
    -------
    risk : float or ndarray or RiskParts
        ``inf`` for ``n-1 <= p <= n+1`` (unless the effective noise is 0).

    Notes
    -----
    .. math::

        E R_{\mathrm{pred}} =
        \begin{cases}
            (\|\beta_{T^c}\|^2 + \sigma^2)\left(1 + \dfrac{p}{n-p-1}\right), & p \le n-2,\\[1ex]
            \|\beta_T\|^2\left(1 - \dfrac{n}{p}\right)
            + (\|\beta_{T^c}\|^2 + \sigma^2)\left(1 + \dfrac{n}{p-n-1}\right), & p \ge n+2,\\[1ex]
            \infty, & n-1 \le p \le n+1.
        \end{cases}

    Exact at finite ``n`` for Gaussian features: the unobserved part
    :math:`x_{T^c}^T\beta_{T^c}` is independent Gaussian noise.  The risk is
    linear in ``||beta_T||^2``, which justifies the random-subset average.
    With ``p = D`` it reduces to ``minnorm_risk_exact(n, p, r2=r2) + sigma2``.

    References
    ----------
    Belkin, Hsu, Xu. Two models of double descent for weak features.
    *SIAM J. Math. Data Sci.*, 2020. arXiv:1903.07571.  The Gaussian model
    with a subset of observed features (its main result for that model; the
    derivation of eq. (bhx) from eq. (exact) is in docs/theory.rst).

    Examples
    --------
    >>> from interpstat.theory import weak_features_risk
    >>> risk = weak_features_risk(80, 40, beta_T_norm2=0.5, beta_Tc_norm2=0.5, sigma2=0.25)
    >>> round(float(risk), 7)
    1.7692308
    >>> weak_features_risk([20, 40, 60], 40, D=120, sigma2=0.25).round(6)
    array([2.223684,      inf, 2.495614])
    """
    p = _integer(p, "p")
    n = _integer(n, "n")
    sigma2 = _nonneg(sigma2, "sigma2")
    _check_kind(kind)
    if D is not None:
        if beta_T_norm2 is not None or beta_Tc_norm2 is not None:
            raise ValueError("give either D or beta_T_norm2 and beta_Tc_norm2, not both")
        D = _integer(D, "D")
        r2 = _nonneg(r2, "r2")
        if np.any(p > D):
            p_bad, D_bad = (a[p > D].flat[0] for a in np.broadcast_arrays(p, D))
            raise ValueError(f"p must be <= D, got p={p_bad:g} > D={D_bad:g}")
        b_T = r2 * (p / D)
        b_Tc = r2 * ((D - p) / D)
    else:
        if beta_T_norm2 is None or beta_Tc_norm2 is None:
            raise ValueError("without D, both beta_T_norm2 and beta_Tc_norm2 are required")
        if np.any(np.asarray(r2) != 1.0):
            raise ValueError("r2 is only used with D; leave it at its default")
        b_T = _nonneg(beta_T_norm2, "beta_T_norm2")
        b_Tc = _nonneg(beta_Tc_norm2, "beta_Tc_norm2")
    bias = b_T * np.maximum(0.0, 1.0 - n / p) + b_Tc
    variance = _scaled_noise(b_Tc + sigma2, _wishart_factor(n, p))
    return _finish(bias, variance, sigma2, kind, return_parts)


def gcv(X, y, lam, *, fit_intercept=False, rcond=None):
    r"""Generalised cross-validation of ridge regression, exact down to ``lam = 0``.

    A data-based estimate of the *prediction* risk (noise included) of the
    ridge fit with per-sample penalty ``lam``,
    :math:`\hat\beta = (X^TX/n + \lambda I)^{-1}X^Ty/n`, i.e.
    ``Ridge(alpha=n * lam)``:

    .. math::

        \mathrm{GCV}(\lambda) = \frac{\frac1n \|(I - S_\lambda) y\|^2}
                                     {(1 - \operatorname{tr} S_\lambda / n)^2},
        \qquad S_\lambda = X (X^TX + n\lambda I)^{-1} X^T,

    and its ``lam -> 0`` limit: for ``p < n`` the ordinary least-squares GCV,
    and when every point is interpolated (``p >= n``)

    .. math::

        \mathrm{GCV}_0 = \frac{\frac1n y^T (XX^T)^{-2} y}
                              {\left[\frac1n \operatorname{tr} (XX^T)^{-1}\right]^2}.

    In the proportional limit, for i.i.d. samples of a linear model with any
    feature covariance, it converges almost surely to the prediction risk
    ``sigma2 + R``, uniformly over a range of penalties that includes
    ``lam = 0`` (Patil et al., *Uniform consistency of cross-validation
    estimators for high-dimensional ridge regression*, AISTATS 2021, PMLR
    130:3178-3186).  At finite ``n`` it is noisy (the project's simulations
    at ``gamma = 2``, ``r2 = sigma2 = 1``: standard deviation of
    ``GCV_0 - (sigma2 + R)`` about 0.4 at ``n = 300`` and 0.2 at
    ``n = 1000``).  The ``lam -> 0`` limit is derived in docs/theory.rst,
    eq. (gcv0).  Computed from one thin SVD for all ``lam``.

    Parameters
    ----------
    X : array_like of shape (n, p)
        Design.
    y : array_like of shape (n,)
        Responses.
    lam : array_like
        Per-sample ridge penalties ``>= 0`` (the curve argument).
    fit_intercept : bool, default False
        Fit an unpenalised intercept (centre ``X`` and ``y``; the traces then
        count the intercept).
    rcond : float, optional
        Relative singular-value cut-off for the rank (default
        ``eps * max(n, p)``).

    Returns
    -------
    ndarray
        GCV values, shape of ``lam``.

    Examples
    --------
    >>> import numpy as np
    >>> from interpstat.theory import gcv
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 400))
    >>> y = X @ (rng.standard_normal(400) / 20) + rng.standard_normal(200)
    >>> g = gcv(X, y, [0.0, 0.5, 2.0])
    >>> g.shape
    (3,)
    >>> bool(np.all(g > 1))  # estimates the prediction risk, noise included
    True
    """
    from interpstat._spectral import loo_gcv_svd

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X must be 2-D and y 1-D with as many rows; got shapes {X.shape} and {y.shape}."
        )
    if X.shape[0] < 2 + int(fit_intercept):
        raise ValueError(f"gcv needs at least {2 + int(fit_intercept)} samples.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite (no NaN or inf).")
    lam = _nonneg(lam, "lam")
    if np.any(np.isinf(lam)):
        raise ValueError("lam must be finite.")
    flat = np.atleast_1d(lam).ravel()
    _, values = loo_gcv_svd(
        X, y[:, None], X.shape[0] * flat, fit_intercept=fit_intercept, rcond=rcond
    )
    return _unwrap(values[:, 0].reshape(np.shape(lam)))
