"""EM for Gaussian mixtures with known or learned weights: GaussianMixtureEM, em_restarts."""

import math
import time
import warnings
from dataclasses import dataclass
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.linalg
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from interpstat._kernels.mixture import (
    em_pass_chol,
    em_pass_diag,
    general_restarts,
    symmetric_restarts,
)

__all__ = ["GaussianMixtureEM", "RestartsResult", "em_restarts"]

_EPS = np.finfo(np.float64).eps
_LOG_2PI = math.log(2.0 * math.pi)
_COV_TYPES = ("full", "tied", "diag", "spherical", "fixed")

_SINGULAR_MSG = (
    "Fitting the mixture model failed because some components have ill-defined "
    "empirical covariance (for instance caused by singleton or collapsed samples). "
    "Try to decrease the number of components, increase reg_covar, or scale the "
    "input data."
)
_NOT_CONVERGED_MSG = (
    "Best performing initialization did not converge. Try different init parameters, "
    "or increase max_iter, tol, or check for degenerate data."
)


# ---------------------------------------------------------------------------
# Checks of user-given parameters (scikit-learn's error messages)
# ---------------------------------------------------------------------------


def _check_shape(a, shape, name):
    if a.shape != shape:
        raise ValueError(
            f"The parameter '{name}' should have the shape of {shape}, but got {a.shape}."
        )


def _check_weights(weights, n_components):
    """Validated mixing weights: shape ``(n_components,)``, positive, summing to one.

    float32 weights sum to one within 1e-6 (scikit-learn's tolerance for them)
    and are renormalised in float64; float64 ones within 1e-8, kept as given.
    """
    w = check_array(weights, dtype=[np.float64, np.float32], ensure_2d=False,
                    input_name="weights")
    single = w.dtype == np.float32
    w = w.astype(np.float64)
    _check_shape(w, (n_components,), "weights")
    if np.any(w <= 0):
        raise ValueError(
            "The parameter 'weights' should be positive (a zero weight removes its "
            f"component), but got {w}."
        )
    if abs(w.sum() - 1.0) > (1e-6 if single else 1e-8):
        raise ValueError(
            f"The parameter 'weights' should be normalized (sum to 1), but got "
            f"sum(weights) = {float(w.sum())!r}."
        )
    return w / w.sum() if single else w


def _check_means(means, n_components, n_features, symmetric):
    """Validated initial means of shape ``(n_components, n_features)``."""
    m = check_array(means, dtype=np.float64, input_name="means_init")
    _check_shape(m, (n_components, n_features), "means")
    if symmetric and not np.allclose(m[0], -m[1], rtol=1e-12, atol=0):
        raise ValueError(
            "With symmetric=True the means are +theta and -theta: means_init[1] must "
            "equal -means_init[0]."
        )
    return m


def _check_spd(M, message):
    """Raise ``ValueError(message)`` unless every trailing ``(d, d)`` block of ``M``
    is symmetric positive definite."""
    for A in M.reshape(-1, *M.shape[-2:]):
        if not np.allclose(A, A.T) or np.linalg.eigvalsh(A)[0] <= 0:
            raise ValueError(message)


def _check_precisions(precisions, covariance_type, n_components, n_features):
    """Validated ``precisions_init`` (scikit-learn's shapes per covariance type)."""
    shape = {
        "full": (n_components, n_features, n_features),
        "tied": (n_features, n_features),
        "diag": (n_components, n_features),
        "spherical": (n_components,),
    }[covariance_type]
    P = check_array(precisions, dtype=np.float64, ensure_2d=False, allow_nd=True,
                    input_name="precisions_init")
    name = f"{covariance_type} precision"
    _check_shape(P, shape, name)
    if covariance_type in ("full", "tied"):
        _check_spd(P, f"'{name}' should be symmetric, positive-definite")
    elif np.any(P <= 0):
        raise ValueError(f"'{name}' should be positive")
    return P


def _check_covariance(covariance, n_components, n_features):
    """Known covariance of the 'fixed' type as ``(n_components, d, d)``."""
    if covariance is None:
        return np.broadcast_to(np.eye(n_features), (n_components, n_features, n_features))
    C = check_array(covariance, dtype=np.float64, ensure_2d=False, allow_nd=True,
                    input_name="covariance")
    if C.shape == (n_features, n_features):
        C = np.broadcast_to(C, (n_components, n_features, n_features))
    elif C.shape != (n_components, n_features, n_features):
        raise ValueError(
            f"covariance must have shape ({n_features}, {n_features}) (shared) or "
            f"({n_components}, {n_features}, {n_features}), got {C.shape}."
        )
    _check_spd(C, "covariance must be symmetric positive definite.")
    return C


# ---------------------------------------------------------------------------
# Covariances, precisions and their Cholesky factors
# ---------------------------------------------------------------------------


def _chol_upper_from_cov(C, floor=0.0):
    """Upper-triangular ``U`` with ``U U^T = C^{-1}``, for ``C`` of shape (d, d).

    Raises when a pivot ``L_jj^2`` (a conditional variance) is at most
    ``floor``: such a covariance is singular up to rounding.  The inverse of
    the small triangular factor goes through numpy rather than BLAS ``trsm``,
    whose threads would compete with numba's spinning ones on every iteration.
    """
    try:
        L = np.linalg.cholesky(C)
    except np.linalg.LinAlgError:
        raise ValueError(_SINGULAR_MSG) from None
    if not np.all(np.isfinite(L)) or np.any(np.diag(L) ** 2 <= floor):
        raise ValueError(_SINGULAR_MSG)
    return np.triu(np.linalg.inv(L).T)


def _chol_upper_from_prec(P):
    """Upper-triangular ``U`` with ``U U^T = P``: the reversed Cholesky factor of
    the reversed matrix (``J P J = L L^T`` gives ``P = (J L J)(J L J)^T``)."""
    L = np.linalg.cholesky(P[::-1, ::-1])
    return np.ascontiguousarray(L[::-1, ::-1])


def _cov_from_chol_upper(U):
    """``C = (U U^T)^{-1} = U^{-T} U^{-1}`` for one upper-triangular ``U``."""
    Ui = np.triu(np.linalg.inv(U))
    return Ui.T @ Ui


def _by_type(covariance_type, A, of_matrix, of_vector):
    """``of_matrix`` on each (d, d) matrix of ``A`` ('full'/'fixed' stacks, the one
    'tied' matrix), ``of_vector`` on the variances of 'diag'/'spherical'."""
    if covariance_type == "tied":
        return of_matrix(A)
    if covariance_type in ("full", "fixed"):
        return np.stack([of_matrix(M) for M in A])
    return of_vector(A)


def _precision_cholesky(covariances, covariance_type, floor=0.0):
    """``precisions_cholesky_`` from ``covariances_`` (scikit-learn's shapes).

    Variances (or Cholesky pivots) at most ``floor`` count as singular.
    """
    def of_variances(v):
        if not np.all(v > floor) or not np.all(np.isfinite(v)):
            raise ValueError(_SINGULAR_MSG)
        return 1.0 / np.sqrt(v)

    return _by_type(covariance_type, covariances,
                    lambda C: _chol_upper_from_cov(C, floor), of_variances)


def _precision_cholesky_from_precisions(precisions, covariance_type):
    return _by_type(covariance_type, precisions, _chol_upper_from_prec, np.sqrt)


def _covariances_from_precision_cholesky(U, covariance_type):
    """Inverse of :func:`_precision_cholesky`: ``C = (U U^T)^{-1} = U^{-T} U^{-1}``."""
    return _by_type(covariance_type, U, _cov_from_chol_upper, lambda u: 1.0 / u**2)


def _precisions_from_cholesky(U, covariance_type):
    if covariance_type in ("full", "fixed"):
        return np.einsum("kij,klj->kil", U, U)
    if covariance_type == "tied":
        return U @ U.T
    return U**2


def _full_precisions(U, covariance_type, n_components, n_features):
    """Precision matrices of all components as ``(n_components, d, d)``."""
    P = _precisions_from_cholesky(U, covariance_type)
    if covariance_type == "tied":
        return np.broadcast_to(P, (n_components, n_features, n_features))
    if covariance_type == "diag":
        return np.stack([np.diag(p) for p in P])
    if covariance_type == "spherical":
        return P[:, None, None] * np.eye(n_features)
    return P


# ---------------------------------------------------------------------------
# E-step: one fused pass (log-responsibilities and sufficient statistics)
# ---------------------------------------------------------------------------


def _kernel_args(params, covariance_type, n_features):
    """Kernel, means, Cholesky factors in its layout, ``log w_k + log det U_k - d/2 log 2 pi``."""
    weights, means, _, U = params
    n_components = means.shape[0]
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    if covariance_type in ("diag", "spherical"):
        Ud = U if covariance_type == "diag" else np.repeat(U[:, None], n_features, axis=1)
        Ud = np.ascontiguousarray(Ud, dtype=np.float64)
        log_det = np.log(Ud).sum(axis=1)
        return em_pass_diag, means, Ud, log_w + log_det - 0.5 * n_features * _LOG_2PI
    Uk = np.repeat(U[None], n_components, axis=0) if covariance_type == "tied" else U
    Uk = np.ascontiguousarray(Uk, dtype=np.float64)
    log_det = np.log(np.diagonal(Uk, axis1=1, axis2=2)).sum(axis=1)
    return em_pass_chol, means, Uk, log_w + log_det - 0.5 * n_features * _LOG_2PI


def _e_step(X, params, covariance_type, moments, log_resp=None, log_norm=None):
    """Sum of row log-likelihoods and the statistics centred at the current means.

    Returns ``(ll, nk, s1, s2)`` of :func:`interpstat._kernels.mixture.em_pass_chol`
    (``s2`` of shape (K, d, d) for full/tied, (K, d) for diag/spherical).
    """
    kernel, means, U, log_const = _kernel_args(params, covariance_type, X.shape[1])
    return kernel(X, means, U, log_const, moments, log_resp, log_norm)


# ---------------------------------------------------------------------------
# M-step
# ---------------------------------------------------------------------------


def _scatter(nk_raw, s1, s2, shift, covariance_type):
    """Scatter about new means ``m_k + shift_k`` from statistics centred at ``m_k``.

    With ``delta = shift_k``,
    ``sum_i r_ik (x_i - m_k - delta)(...)^T = S_k - delta s_k^T - s_k delta^T + N_k delta delta^T``
    (full; the diagonal of it for diag/spherical).
    """
    if covariance_type in ("diag", "spherical"):
        return s2 - 2.0 * shift * s1 + nk_raw[:, None] * shift**2
    S = np.tril(s2) + np.swapaxes(np.tril(s2, -1), 1, 2)
    cross = shift[:, :, None] * s1[:, None, :]
    return S - cross - np.swapaxes(cross, 1, 2) + nk_raw[:, None, None] * (
        shift[:, :, None] * shift[:, None, :]
    )


def _covariances_from_scatter(scatter, nk, reg_covar, covariance_type):
    d = scatter.shape[-1]
    if covariance_type == "full":
        return scatter / nk[:, None, None] + reg_covar * np.eye(d)
    if covariance_type == "tied":
        return scatter.sum(axis=0) / nk.sum() + reg_covar * np.eye(d)
    diag = scatter / nk[:, None] + reg_covar
    return diag if covariance_type == "diag" else diag.mean(axis=1)


def _scatter_from_resp(X, resp, means, covariance_type):
    """``sum_i r_ik (x_i - m_k)(x_i - m_k)^T`` from responsibilities (its diagonal
    for diag/spherical): the first M-step, before any centred statistics exist."""
    if covariance_type in ("diag", "spherical"):
        return np.stack([r @ (X - m) ** 2 for r, m in zip(resp.T, means, strict=True)])
    return np.stack([((X - m).T * r) @ (X - m) for r, m in zip(resp.T, means, strict=True)])


def _new_means(nk_raw, sums, symmetric, precisions=None):
    """M-step of the means from ``N_k`` and ``s_k = sum_i r_ik x_i``: ``s_k / N_k``,
    or ``(theta, -theta)`` by :func:`_symmetric_theta` (``precisions`` None: equal)."""
    if symmetric:
        theta = _symmetric_theta(nk_raw, sums, precisions)
        return np.stack([theta, -theta])
    return sums / (nk_raw + 10 * _EPS)[:, None]


def _symmetric_theta(nk_raw, sums, precisions):
    """M-step for the means ``(+theta, -theta)``.

    Maximising ``-1/2 sum_i [r_i1 (x_i - theta)^T P_1 (x_i - theta) + r_i2 (x_i + theta)^T
    P_2 (x_i + theta)]`` over ``theta`` gives
    ``(N_1 P_1 + N_2 P_2) theta = P_1 s_1 - P_2 s_2`` with ``s_k = sum_i r_ik x_i``;
    for equal precisions ``theta = (s_1 - s_2) / n = (1/n) sum_i (2 r_i1 - 1) x_i``.
    """
    if precisions is None or np.array_equal(*precisions):
        return (sums[0] - sums[1]) / (nk_raw[0] + nk_raw[1])
    P1, P2 = precisions
    A = nk_raw[0] * P1 + nk_raw[1] * P2
    return np.linalg.solve(A, P1 @ sums[0] - P2 @ sums[1])


# ---------------------------------------------------------------------------
# Progress printing (``verbose``)
# ---------------------------------------------------------------------------


class _Progress:
    """Lines printed during a fit: per initialisation, every ``interval``-th
    iteration and at the end (``verbose`` 1), with timings and the change of
    the lower bound (``verbose`` >= 2)."""

    def __init__(self, verbose, interval):
        self.verbose, self.interval = verbose, interval

    def start(self, init):
        if self.verbose:
            print(f"Initialization {init}")
            self.t_init = self.t_iter = time.perf_counter()

    def iteration(self, n_iter, change):
        if not self.verbose or n_iter % self.interval:
            return
        if self.verbose == 1:
            print(f"  Iteration {n_iter}")
            return
        now = time.perf_counter()
        print(f"  Iteration {n_iter}\t time lapse {now - self.t_iter:.5f}s\t "
              f"ll change {change:.5f}")
        self.t_iter = now

    def end(self, converged, lower_bound):
        if not self.verbose:
            return
        line = f"Initialization {'converged' if converged else 'did not converge'}."
        if self.verbose >= 2:
            line += (f" time lapse {time.perf_counter() - self.t_init:.5f}s\t "
                     f"lower bound {lower_bound:.5f}.")
        print(line)


# ---------------------------------------------------------------------------
# Estimator
# ---------------------------------------------------------------------------


class GaussianMixtureEM(DensityMixin, BaseEstimator):
    r"""Gaussian mixture fitted by EM, with known (fixed) or learned mixing weights.

    The model is :math:`p(x) = \sum_{k=1}^K w_k \mathcal N(x; \mu_k, \Sigma_k)`.
    Each EM iteration (Dempster, Laird & Rubin, 1977) computes, at the
    current parameters, the responsibilities

    .. math::

        r_{ik} = \frac{w_k \mathcal N(x_i; \mu_k, \Sigma_k)}
                      {\sum_l w_l \mathcal N(x_i; \mu_l, \Sigma_l)}, \qquad
        N_k = \sum_i r_{ik},

    (E-step, in log space with a log-sum-exp over components) and then the
    M-step

    .. math::

        w_k' = N_k / n, \qquad
        \mu_k' = \frac{1}{N_k} \sum_i r_{ik} x_i, \qquad
        \Sigma_k' = \frac{1}{N_k} \sum_i r_{ik} (x_i - \mu_k')(x_i - \mu_k')^T
                    + \text{reg\_covar}\, I,

    with the usual restrictions for ``covariance_type`` 'tied' (one
    :math:`\Sigma = \sum_k N_k \Sigma_k' / n`), 'diag' (diagonal of
    :math:`\Sigma_k'`), 'spherical' (its mean) and 'fixed' (the known
    ``covariance``, never updated).  E-step and sufficient statistics are one
    fused parallel pass over the data (numba), about four to eight times
    faster per iteration than scikit-learn's ``GaussianMixture`` at
    ``n = 10^5`` on 2 cores.

    **Known weights.** With ``weights`` given and ``learn_weights=False``,
    the weights are held exactly at their known values and only means (and
    covariances) are updated: this is "Model 1" of Xu, Hsu & Maleki (2018).
    With ``learn_weights=True`` the weights are also estimated, starting at
    ``weights`` when given, although they may be known: the over-parameterized
    "Model 2".  For the symmetric mixture
    :math:`w^* \mathcal N(\theta^*, I) + (1 - w^*) \mathcal N(-\theta^*, I)`
    they show that Model 1 EM can converge to spurious fixed points
    (:math:`\langle\bar\theta, \theta^*\rangle < 0`) from a set of starts of
    positive probability, while Model 2 reaches a global maximum from almost
    every start (Xu, Hsu & Maleki, 2018, NeurIPS 31, Theorems 1-2).  Both
    models use the same driver; they differ only in the weight update.

    **Symmetric means.** With ``symmetric=True`` (two components) the means
    are :math:`(\theta, -\theta)`.  The M-step for :math:`\theta` maximises
    the expected complete log-likelihood,

    .. math::

        (N_1 P_1 + N_2 P_2)\, \theta' = P_1 s_1 - P_2 s_2, \qquad
        s_k = \sum_i r_{ik} x_i,\ P_k = \Sigma_k^{-1},

    which for equal covariances (types 'tied' and 'fixed' with one shared
    covariance) is :math:`\theta' = \frac1n \sum_i (2 r_{i1} - 1) x_i`,
    independent of :math:`\Sigma`; the covariances then follow with the
    means :math:`\pm\theta'`.  For per-component covariances ('full',
    'diag', 'spherical') the joint maximum has no closed form, and the step
    is an ECM step (Meng & Rubin, 1993): :math:`\theta'` given the current
    precisions, then the covariances given :math:`\theta'`; the
    log-likelihood still never decreases.

    Parameters
    ----------
    n_components : int, default=2
        Number of components ``K``.
    covariance_type : {'full', 'tied', 'diag', 'spherical', 'fixed'}, default='full'
        scikit-learn's four types, plus 'fixed': the covariance is known
        (``covariance``) and not estimated.
    weights : array-like of shape (n_components,), default=None
        Known mixing weights (positive, summing to one).  Held fixed when
        ``learn_weights=False``; the starting weights when
        ``learn_weights=True`` (scikit-learn's ``weights_init``).  When None,
        the weights start from the initial responsibilities.
    learn_weights : bool, default=True
        Whether the M-step updates the weights.  ``False`` requires
        ``weights``.
    symmetric : bool, default=False
        Constrain two means to ``+theta`` and ``-theta``.
    covariance : array-like of shape (n_features, n_features) or (n_components, ...), default=None
        The known covariance(s) of ``covariance_type='fixed'`` (shared or per
        component); None means the identity.
    tol : float, default=1e-6
        EM stops when the mean log-likelihood (the lower bound) changes by
        less than ``tol`` between iterations (scikit-learn's rule).
    max_iter : int, default=500
        Maximum number of EM iterations per initialisation.
    n_init : int, default=1
        Number of initialisations; the one with the largest final lower
        bound is kept.
    init_params : {'random', 'kmeans', 'k-means++', 'random_from_data'}, default='random'
        Initial responsibilities: uniform random rows normalised to one,
        k-means labels, k-means++ seeds, or random data points (as in
        scikit-learn).  Not used for what ``weights``, ``means_init`` and
        ``precisions_init`` (or 'fixed') already give.
    means_init : array-like of shape (n_components, n_features), default=None
        Initial means (``means_init[1] == -means_init[0]`` when symmetric).
    precisions_init : array-like, default=None
        Initial precisions, in scikit-learn's shapes: (K, d, d) 'full',
        (d, d) 'tied', (K, d) 'diag', (K,) 'spherical'; not for 'fixed'.
    reg_covar : float, default=1e-6
        Added to the diagonal of estimated covariances.
    keep_history : bool, default=False
        Store the parameters and log-likelihood of every iteration of the
        best initialisation in ``history_``.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and :meth:`sample`.
    warm_start : bool, default=False
        When fitted already, start EM at the fitted parameters (one start,
        ``n_init`` ignored) and continue the convergence test from the fitted
        ``lower_bound_``, as scikit-learn does; the number of features must
        not change.  Successive calls with a small ``max_iter`` then follow
        one EM path.
    verbose : int, default=0
        1 prints the start and end of each initialisation and every
        ``verbose_interval``-th iteration; 2 adds timings and the change of
        the lower bound.
    verbose_interval : int, default=10
        Iterations between two printed lines.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
        This and the next four attributes have the dtype of the training
        data (see Notes).
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        (K, d, d) for 'full' and 'fixed', (d, d) 'tied', (K, d) 'diag', (K,)
        'spherical'.
    precisions_ : ndarray
        Inverses of ``covariances_`` (same shapes).
    precisions_cholesky_ : ndarray
        Upper-triangular ``U`` with ``U U^T`` the precision (same shapes;
        square roots for 'diag' and 'spherical').
    converged_ : bool
    n_iter_ : int
        Iterations of the best initialisation (of this call, with
        ``warm_start``).
    lower_bound_ : float
        Mean log-likelihood at the parameters entering the last iteration of
        the best initialisation (scikit-learn's convention).
    lower_bounds_ : list of float
        The lower bound of every iteration of the best initialisation.
    history_ : dict of ndarray
        Only with ``keep_history=True``: ``'weights'`` (T+1, K), ``'means'``
        (T+1, K, d), ``'covariances'`` (T+1, ...) and ``'log_likelihood'``
        (T+1,), entry ``t`` holding the parameters after ``t`` iterations and
        their mean log-likelihood (T = ``n_iter_``).
    n_features_in_ : int

    See Also
    --------
    em_restarts : Many starts of the known-covariance model (symmetric or k
        components) in one parallel kernel.
    sklearn.mixture.GaussianMixture : The same EM with learned weights only.

    Notes
    -----
    Given the same ``weights``, ``means_init`` and ``precisions_init``, the
    free covariance types follow scikit-learn's ``GaussianMixture`` iteration
    for iteration (including its ``10 eps`` added to each ``N_k``).
    Statistics are always accumulated and every iteration computed in
    float64.  As in scikit-learn 1.9, the fitted parameters (``weights_``,
    ``means_``, ``covariances_``, ``precisions_``, ``precisions_cholesky_``)
    have the dtype of the training data (float32 for float32 input, rounded
    once at the end of the fit), and :meth:`score_samples` and
    :meth:`predict_proba` return the common dtype of the data and the
    parameters.  Unlike scikit-learn, ``lower_bound_``, ``lower_bounds_``
    and ``history_`` stay float64; a warm start on float32 data continues
    from the stored float32 parameters.  float32 ``weights`` need sum to one
    only within 1e-6 and are renormalised.

    Deliberate differences from scikit-learn's interface: the initial
    weights are ``weights`` (scikit-learn's ``weights_init``; held fixed
    unless ``learn_weights``), they must be positive (a zero weight would
    remove its component), the defaults are ``n_components=2``,
    ``tol=1e-6``, ``max_iter=500`` and ``init_params='random'``, and there is
    no array-API dispatch.  A covariance with a variance (Cholesky pivot)
    at most ``10 eps`` times the largest column mean square of the data,
    possible with ``reg_covar=0``, raises the ill-defined covariance error,
    where scikit-learn continues until one is not positive.  scikit-learn's own
    tests of ``GaussianMixture`` run against this class in
    ``tests/test_sklearn_gaussian_mixture_suite.py``.

    References
    ----------
    A. P. Dempster, N. M. Laird and D. B. Rubin. Maximum likelihood from
    incomplete data via the EM algorithm. *J. R. Stat. Soc. B* 39(1):1-38, 1977.

    X.-L. Meng and D. B. Rubin. Maximum likelihood estimation via the ECM
    algorithm: a general framework. *Biometrika* 80(2):267-278, 1993.

    J. Xu, D. Hsu and A. Maleki. Benefits of over-parameterization with EM.
    *Advances in Neural Information Processing Systems* 31, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from interpstat.mixture import GaussianMixtureEM
    >>> rng = np.random.default_rng(0)
    >>> z = rng.random(2000) < 0.7
    >>> X = rng.standard_normal((2000, 2)) + np.where(z[:, None], 1.0, -1.0) * [2.0, 0.0]
    >>> gm = GaussianMixtureEM(covariance_type="fixed", symmetric=True, weights=[0.7, 0.3],
    ...                        learn_weights=False, means_init=[[1, 1], [-1, -1]]).fit(X)
    >>> np.round(gm.means_[0, 0], 1)
    np.float64(2.0)
    >>> gm.weights_
    array([0.7, 0.3])
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions(set(_COV_TYPES))],
        "weights": ["array-like", None],
        "learn_weights": ["boolean"],
        "symmetric": ["boolean"],
        "covariance": ["array-like", None],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "init_params": [StrOptions({"random", "kmeans", "k-means++", "random_from_data"})],
        "means_init": ["array-like", None],
        "precisions_init": ["array-like", None],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "keep_history": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "verbose_interval": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        n_components=2,
        *,
        covariance_type="full",
        weights=None,
        learn_weights=True,
        symmetric=False,
        covariance=None,
        tol=1e-6,
        max_iter=500,
        n_init=1,
        init_params="random",
        means_init=None,
        precisions_init=None,
        reg_covar=1e-6,
        keep_history=False,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.weights = weights
        self.learn_weights = learn_weights
        self.symmetric = symmetric
        self.covariance = covariance
        self.tol = tol
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.reg_covar = reg_covar
        self.keep_history = keep_history
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # -- checks and initialisation -------------------------------------------------

    def _checked_parameters(self, n_features):
        """Validated copies of the array parameters (the attributes are not rebound)."""
        K, ct = self.n_components, self.covariance_type
        if self.symmetric and K != 2:
            raise ValueError(f"symmetric=True needs n_components=2, got {K}.")
        if not self.learn_weights and self.weights is None:
            raise ValueError(
                "learn_weights=False holds the weights at their known values: pass weights."
            )
        if ct != "fixed" and self.covariance is not None:
            raise ValueError("covariance is used only with covariance_type='fixed'.")
        if ct == "fixed" and self.precisions_init is not None:
            raise ValueError(
                "covariance_type='fixed' does not estimate precisions; pass the known "
                "covariance instead of precisions_init."
            )
        weights = None if self.weights is None else _check_weights(self.weights, K)
        means = (
            None if self.means_init is None
            else _check_means(self.means_init, K, n_features, self.symmetric)
        )
        precisions = (
            None if self.precisions_init is None
            else _check_precisions(self.precisions_init, ct, K, n_features)
        )
        covariance = _check_covariance(self.covariance, K, n_features) if ct == "fixed" else None
        return weights, means, precisions, covariance

    def _initial_resp(self, X, random_state):
        n, K = X.shape[0], self.n_components
        if self.init_params == "random":
            resp = random_state.uniform(size=(n, K))
            return resp / resp.sum(axis=1)[:, None]
        resp = np.zeros((n, K))
        if self.init_params == "kmeans":
            labels = KMeans(n_clusters=K, n_init=1, random_state=random_state).fit(X).labels_
            resp[np.arange(n), labels] = 1.0
        elif self.init_params == "k-means++":
            _, idx = kmeans_plusplus(X, K, random_state=random_state)
            resp[idx, np.arange(K)] = 1.0
        else:  # random_from_data
            idx = random_state.choice(n, size=K, replace=False)
            resp[idx, np.arange(K)] = 1.0
        return resp

    def _initialize(self, X, random_state, checked):
        """Initial ``(weights, means, covariances, precisions_cholesky)``."""
        weights, means, precisions, covariance = checked
        ct = self.covariance_type
        need_resp = weights is None or means is None or (precisions is None and ct != "fixed")
        if need_resp:
            # the M-step from the initial responsibilities, for what is not given
            resp = self._initial_resp(X, random_state)
            nk_raw = resp.sum(axis=0)
            nk = nk_raw + 10 * _EPS
            est_means = _new_means(nk_raw, resp.T @ X, self.symmetric)
            if weights is None:
                weights = nk / X.shape[0]
                weights = weights / weights.sum()
            if ct != "fixed" and precisions is None:
                covariances, U = self._covariance_step(
                    _scatter_from_resp(X, resp, est_means, ct), nk)
            if means is None:
                means = est_means
        if ct == "fixed":
            covariances = np.array(covariance)
            U = _precision_cholesky(covariances, ct)
        elif precisions is not None:
            U = _precision_cholesky_from_precisions(precisions, ct)
            covariances = _covariances_from_precision_cholesky(U, ct)
        return weights, np.array(means), covariances, U

    def _warm_params(self, checked):
        """The fitted parameters as the start of a warm fit, with the known weights
        and covariance as given now (``learn_weights=False``, 'fixed')."""
        if (self.means_.shape[0], self._fitted_type) != (self.n_components,
                                                         self.covariance_type):
            raise ValueError(
                "warm_start continues the fitted model: n_components and covariance_type "
                "cannot change between fits (set warm_start=False to start again)."
            )
        weights, means, covariances, U = self._params()
        if not self.learn_weights:
            weights = checked[0]
        if self.covariance_type == "fixed":
            covariances = np.array(checked[3])
            U = _precision_cholesky(covariances, "fixed")
        return weights, means, covariances, U

    # -- the two EM steps ----------------------------------------------------------

    def _covariance_step(self, scatter, nk):
        """Covariances (with ``reg_covar``) and their precision Cholesky factors."""
        covariances = _covariances_from_scatter(scatter, nk, self.reg_covar,
                                                self.covariance_type)
        return covariances, _precision_cholesky(covariances, self.covariance_type,
                                                self._var_floor)

    def _m_step(self, params, stats):
        """New parameters from the statistics of one pass (centred at the old means)."""
        weights, means, covariances, U = params
        _, nk_raw, s1, s2 = stats
        ct = self.covariance_type
        nk = nk_raw + 10 * _EPS
        # the symmetric theta given the current precisions (an ECM step, see above)
        P = _full_precisions(U, ct, *means.shape) if self.symmetric else None
        new_means = _new_means(nk_raw, s1 + nk_raw[:, None] * means, self.symmetric, P)
        if self.learn_weights:
            weights = nk / nk.sum()
        if ct != "fixed":
            covariances, U = self._covariance_step(
                _scatter(nk_raw, s1, s2, new_means - means, ct), nk)
        if not (np.all(np.isfinite(new_means)) and np.all(np.isfinite(weights))):
            raise ValueError(
                "EM produced non-finite parameters; scale the data or increase reg_covar."
            )
        return weights, new_means, covariances, U

    # -- fitting -------------------------------------------------------------------

    def fit(self, X, y=None):
        """Estimate the parameters by EM (``n_init`` starts, the best one kept).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : GaussianMixtureEM
            The fitted estimator.
        """
        self.fit_predict(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_predict(self, X, y=None):
        """Fit by EM and return the most probable component of each sample.

        A final E-step at the fitted parameters makes ``fit_predict(X)`` equal
        to ``fit(X).predict(X)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        warm = self.warm_start and hasattr(self, "converged_")
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2,
                          reset=not warm)
        n, d = X.shape
        if n < self.n_components:
            raise ValueError(
                f"Expected n_samples >= n_components, got n_samples = {n} and "
                f"n_components = {self.n_components}."
            )
        checked = self._checked_parameters(d)
        X = np.require(X, requirements=["C", "W"])
        # variances at or below rounding noise of the data's scale are singular
        # (column sums of squares by einsum: no n x d temporary, 4x faster than mean(square))
        col_sq = np.einsum("ij,ij->j", X, X, dtype=np.float64) / n
        self._var_floor = 10 * _EPS * float(np.max(col_sq))
        ct = self.covariance_type
        moments = ct != "fixed"
        random_state = check_random_state(self.random_state)
        say = _Progress(self.verbose, self.verbose_interval)

        best = None
        for init in range(1 if warm else self.n_init):
            say.start(init)
            if warm:
                params, lower_bound = self._warm_params(checked), self.lower_bound_
            else:
                params, lower_bound = self._initialize(X, random_state, checked), -np.inf
            lower_bounds, history = [], []
            converged = False
            n_iter = 0
            for n_iter in range(1, self.max_iter + 1):
                prev = lower_bound
                stats = _e_step(X, params, ct, moments)
                lower_bound = stats[0] / n
                if self.keep_history:
                    history.append((params, lower_bound))
                params = self._m_step(params, stats)
                lower_bounds.append(lower_bound)
                say.iteration(n_iter, lower_bound - prev)
                if abs(lower_bound - prev) < self.tol:
                    converged = True
                    break
            say.end(converged, lower_bound)
            if best is None or lower_bound > best[0]:
                best = (lower_bound, params, n_iter, converged, lower_bounds, history)

        lower_bound, params, n_iter, converged, lower_bounds, history = best
        if not converged and self.max_iter > 0:
            warnings.warn(_NOT_CONVERGED_MSG, ConvergenceWarning, stacklevel=2)
        self._set_parameters(params, X.dtype)
        self._fitted_type = ct
        self.converged_ = converged
        self.n_iter_ = n_iter
        self.lower_bound_ = lower_bound
        self.lower_bounds_ = lower_bounds
        log_resp = np.empty((n, self.n_components))
        ll = _e_step(X, params, ct, False, log_resp=log_resp)[0]
        if self.keep_history:
            history.append((params, ll / n))
            self.history_ = {
                "weights": np.array([p[0] for p, _ in history]),
                "means": np.array([p[1] for p, _ in history]),
                "covariances": np.array([p[2] for p, _ in history]),
                "log_likelihood": np.array([v for _, v in history]),
            }
        return log_resp.argmax(axis=1)

    def _set_parameters(self, params, dtype=np.float64):
        """Store float64 ``params`` as fitted attributes of the data's ``dtype``."""
        weights, means, covariances, U = params
        self.weights_ = np.array(weights, dtype=dtype)
        self.means_ = np.array(means, dtype=dtype)
        self.covariances_ = np.array(covariances, dtype=dtype)
        self.precisions_cholesky_ = np.array(U, dtype=dtype)
        self.precisions_ = _precisions_from_cholesky(U, self.covariance_type).astype(dtype)

    def _params(self):
        """The fitted parameters in float64, the kernels' layout."""
        return tuple(
            np.ascontiguousarray(a, dtype=np.float64)
            for a in (self.weights_, self.means_, self.covariances_, self.precisions_cholesky_)
        )

    # -- using the fitted model ----------------------------------------------------

    def _e_step_fitted(self, X, log_resp=False, log_norm=False):
        """Validated ``X`` through one E-step at the fitted parameters.

        Returns the requested per-sample arrays (float64) and the dtype of
        the results: the common one of ``X`` and the fitted parameters.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        X = np.require(X, requirements=["C", "W"])
        n = X.shape[0]
        lr = np.empty((n, self.n_components)) if log_resp else None
        ln = np.empty(n) if log_norm else None
        _e_step(X, self._params(), self.covariance_type, False, log_resp=lr, log_norm=ln)
        return lr, ln, np.result_type(X.dtype, self.means_.dtype)

    def score_samples(self, X):
        """Log-likelihood of each sample under the fitted mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
        """
        _, log_norm, dtype = self._e_step_fitted(X, log_norm=True)
        return log_norm.astype(dtype, copy=False)

    def score(self, X, y=None):
        """Mean log-likelihood of the samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        log_likelihood : float
            The mean of :meth:`score_samples` (in its dtype).
        """
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X):
        """Posterior probability of each component (the responsibilities).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        resp : ndarray of shape (n_samples, n_components)
        """
        log_resp, _, dtype = self._e_step_fitted(X, log_resp=True)
        return np.exp(log_resp).astype(dtype, copy=False)

    def predict(self, X):
        """Most probable component of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return self._e_step_fitted(X, log_resp=True)[0].argmax(axis=1)

    def sample(self, n_samples=1):
        """Draw samples from the fitted mixture.

        Parameters
        ----------
        n_samples : int, default=1

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            float64, whatever the dtype of the fitted parameters.
        y : ndarray of shape (n_samples,)
            Component of each sample.
        """
        check_is_fitted(self)
        if n_samples < 1:
            raise ValueError(
                f"Invalid value for 'n_samples': {n_samples}. The sampling requires at "
                "least one sample."
            )
        rng = check_random_state(self.random_state)
        weights, means, covariances, _ = self._params()
        counts = rng.multinomial(n_samples, weights / weights.sum())
        d = means.shape[1]
        ct = self.covariance_type
        if ct == "tied":
            covariances = np.broadcast_to(covariances, (self.n_components, d, d))
        parts = []
        for mean, cov, m in zip(means, covariances, counts, strict=True):
            if ct in ("diag", "spherical"):
                parts.append(mean + rng.standard_normal((m, d)) * np.sqrt(cov))
            else:
                parts.append(rng.multivariate_normal(mean, cov, m))
        y = np.repeat(np.arange(self.n_components), counts)
        return np.vstack(parts), y

    def _n_parameters(self):
        K, d = self.means_.shape
        cov = {
            "full": K * d * (d + 1) / 2,
            "tied": d * (d + 1) / 2,
            "diag": K * d,
            "spherical": K,
            "fixed": 0,
        }[self.covariance_type]
        mean = d if self.symmetric else K * d
        return int(cov + mean + (K - 1 if self.learn_weights else 0))

    def bic(self, X):
        """Bayesian information criterion ``-2 log L + p log n`` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        bic : float
        """
        n = np.asarray(X).shape[0]
        return -2 * self.score(X) * n + self._n_parameters() * math.log(n)

    def aic(self, X):
        """Akaike information criterion ``-2 log L + 2 p`` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        aic : float
        """
        n = np.asarray(X).shape[0]
        return -2 * self.score(X) * n + 2 * self._n_parameters()


# ---------------------------------------------------------------------------
# Many restarts in one kernel: the symmetric model and the k-component model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RestartsResult:
    """Final state of each EM run of :func:`em_restarts`.

    Attributes
    ----------
    means : ndarray of shape (n_restarts, n_components, n_features)
        Final means of each run (for the symmetric model ``(theta, -theta)``,
        ``n_components = 2``).
    weights : ndarray of shape (n_restarts, n_components)
        Final weights (the given ones when held fixed).
    log_likelihood : ndarray of shape (n_restarts,)
        Mean log-likelihood at the final parameters.
    lower_bound : ndarray of shape (n_restarts,)
        Mean log-likelihood at the parameters entering the last iteration
        (``GaussianMixtureEM.lower_bound_``).
    n_iter : ndarray of shape (n_restarts,)
    converged : ndarray of shape (n_restarts,), bool
    """

    means: np.ndarray
    weights: np.ndarray
    log_likelihood: np.ndarray
    lower_bound: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray

    @property
    def theta(self):
        """``means[:, 0]``, shape (n_restarts, n_features): the symmetric model's ``theta``."""
        return self.means[:, 0]


def _restart_weights(weights, n_restarts, k):
    """Weights of shape ``(n_restarts, k)`` from None, ``(k,)`` or ``(n_restarts, k)``."""
    if weights is None:
        return np.full((n_restarts, k), 1.0 / k)
    W = np.asarray(weights, dtype=np.float64)
    if W.ndim == 2:
        if W.shape != (n_restarts, k):
            raise ValueError(
                f"weights must have shape ({k},) or (n_restarts, {k}) = ({n_restarts}, {k}), "
                f"got {W.shape}."
            )
        for row in W:
            _check_weights(row, k)
        return np.array(W)
    return np.tile(_check_weights(W, k), (n_restarts, 1))


def _whitening(covariance, d):
    """Lower Cholesky factor ``L`` of the known covariance (None for the identity)."""
    if covariance is None:
        return None
    return np.linalg.cholesky(_check_covariance(covariance, 1, d)[0])


def em_restarts(X, inits, *, weights=None, learn_weights=True, symmetric=True,
                covariance_type="fixed", covariance=None, max_iter=500, tol=1e-6):
    r"""Run EM from many starts on one data set, in one kernel parallel over the starts.

    Two known-covariance models are implemented.  With ``symmetric=True``
    (the default) the symmetric two-component mixture
    :math:`w\,\mathcal N(\theta, \Sigma) + (1 - w)\,\mathcal N(-\theta, \Sigma)`
    of Xu, Hsu & Maleki (2018), whose EM map for :math:`\Sigma = I` is

    .. math::

        \theta' = \frac1n \sum_i \tanh(\langle\theta, x_i\rangle + \nu)\, x_i, \qquad
        w' = \frac12 + \frac1{2n} \sum_i \tanh(\langle\theta, x_i\rangle + \nu), \qquad
        \nu = \tfrac12 \log\frac{w}{1 - w}.

    With ``symmetric=False`` the general mixture of ``k`` Gaussians with a
    known covariance shared by all components,
    :math:`\sum_{j=1}^k w_j\,\mathcal N(\mu_j, \Sigma)`, the model of Jin et
    al. (2016); for :math:`\Sigma = I` its EM map is

    .. math::

        r_{ij} = \frac{w_j \exp(-\lVert x_i - \mu_j\rVert^2 / 2)}
                      {\sum_l w_l \exp(-\lVert x_i - \mu_l\rVert^2 / 2)}, \qquad
        \mu_j' = \frac{\sum_i r_{ij}\, x_i}{\sum_i r_{ij}}, \qquad
        w_j' = \frac1n \sum_i r_{ij}.

    In both models the weights are held at the given values ("Model 1",
    ``learn_weights=False``) or re-estimated ("Model 2",
    ``learn_weights=True``; over-parameterization in the sense of Xu, Hsu &
    Maleki), and all updates use the E-step at the current parameters.  A
    general known :math:`\Sigma = L L^T` is reduced to the identity by
    whitening :math:`x \mapsto L^{-1} x` (EM is equivariant under it;
    log-likelihoods are shifted back by :math:`-\log\det L`).

    Each run of the general model equals
    ``GaussianMixtureEM(n_components=k, covariance_type="fixed",
    covariance=covariance, weights=..., learn_weights=...,
    means_init=start, max_iter=max_iter, tol=tol)``, including its guard
    :math:`\sum_i r_{ij} + 10\epsilon` in the M-step (a component that
    receives no responsibility moves to the origin and keeps a tiny positive
    weight, never NaN), and each run of the symmetric model equals
    ``GaussianMixtureEM(covariance_type="fixed", symmetric=True, ...)``
    started at ``means_init=[theta0, -theta0]`` (without the guard), in both
    cases up to rounding (the sums are ordered differently).  The stopping
    rule is scikit-learn's: a run stops when its mean log-likelihood at the
    parameters entering an iteration differs from the previous one by less
    than ``tol``.

    Assumptions: the covariance is known and shared by the components.
    Models that estimate covariances are not batched here: use
    ``GaussianMixtureEM(covariance_type=..., n_init=...)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    inits : array-like
        Starting points of the runs.  Symmetric model: ``theta`` of shape
        (n_restarts, n_features), or means ``(theta, -theta)`` of shape
        (n_restarts, 2, n_features).  General model: means of shape
        (n_restarts, n_components, n_features); ``n_components`` is read
        from it.
    weights : array-like of shape (n_components,) or (n_restarts, n_components), default=None
        Mixing weights (positive, summing to one): the known ones with
        ``learn_weights=False``, the starting ones otherwise (one vector for
        all runs, or one per run).  None means ``1 / n_components`` each.
    learn_weights : bool, default=True
    symmetric : bool, default=True
        The symmetric two-component model (means ``+theta``, ``-theta``) or
        the general model with free means.
    covariance_type : {'fixed'}, default='fixed'
        Only the known-covariance model is batched; any other value raises
        ``ValueError`` (an unsupported value of a parameter, as
        scikit-learn reports it).
    covariance : array-like of shape (n_features, n_features), default=None
        The known covariance, shared by the components; None means the
        identity.
    max_iter : int, default=500
    tol : float, default=1e-6
        Stop a run when its mean log-likelihood changes by less than ``tol``.

    Returns
    -------
    RestartsResult
        ``means`` of shape (n_restarts, n_components, n_features) (the
        symmetric model's ``theta`` is ``means[:, 0]``, also available as
        ``theta``), ``weights``, ``log_likelihood``, ``lower_bound``,
        ``n_iter``, ``converged``.

    Raises
    ------
    ValueError
        For inits, weights or covariance of the wrong shape or value, weights
        not summing to one, ``covariance_type`` other than 'fixed', fewer
        samples than components, or non-finite parameters produced by EM.

    See Also
    --------
    GaussianMixtureEM : One EM fit, any covariance type.

    References
    ----------
    J. Xu, D. Hsu and A. Maleki. Benefits of over-parameterization with EM.
    *Advances in Neural Information Processing Systems* 31 (NeurIPS 2018).
    arXiv:1810.11344.  Model 1 (known weights) against Model 2 (weights
    learned) for the symmetric two-component mixture.

    C. Jin, Y. Zhang, S. Balakrishnan, M. J. Wainwright and M. I. Jordan.
    Local maxima in the likelihood of Gaussian mixture models: structural
    results and algorithmic consequences. *Advances in Neural Information
    Processing Systems* 29 (NeurIPS 2016).  arXiv:1609.00978.  For
    ``k >= 3`` well-separated spherical Gaussians the likelihood has bad
    local maxima, and EM from random initialisation reaches them with
    positive probability.

    Examples
    --------
    Model 1 against Model 2 in the symmetric model (Xu, Hsu & Maleki): every
    Model 2 run reaches the global maximum.

    >>> import numpy as np
    >>> from interpstat.mixture import em_restarts
    >>> rng = np.random.default_rng(0)
    >>> z = rng.random(2000) < 0.8
    >>> X = rng.standard_normal((2000, 1)) + np.where(z[:, None], 2.0, -2.0)
    >>> inits = np.linspace(-3, 3, 7)[:, None]
    >>> m1 = em_restarts(X, inits, weights=[0.8, 0.2], learn_weights=False)
    >>> m2 = em_restarts(X, inits, weights=[0.8, 0.2], learn_weights=True)
    >>> bool(np.all(m2.log_likelihood > m1.log_likelihood.max() - 1e-6))
    True

    Three well-separated components (Jin et al.), starts at three random
    data points: some runs end at a bad local maximum, with the weights held
    at 1/3 and also with learned weights (unlike the symmetric model, learning
    the weights does not remove these maxima).

    >>> centres = np.array([[0.0, 0.0], [12.0, 0.0], [6.0, 10.0]])
    >>> X = np.repeat(centres, 300, axis=0) + rng.standard_normal((900, 2))
    >>> starts = X[rng.integers(900, size=(50, 3))]
    >>> m1 = em_restarts(X, starts, symmetric=False, learn_weights=False)
    >>> m2 = em_restarts(X, starts, symmetric=False, learn_weights=True)
    >>> m1.means.shape, m1.weights.shape
    ((50, 3, 2), (50, 3))
    >>> best = max(m1.log_likelihood.max(), m2.log_likelihood.max())
    >>> bool(np.any(m1.log_likelihood < best - 1.0)), bool(np.any(m2.log_likelihood < best - 1.0))
    (True, True)
    """
    if covariance_type != "fixed":
        raise ValueError(
            f"em_restarts batches only the known-covariance model (covariance_type='fixed'), "
            f"got covariance_type={covariance_type!r}; for estimated covariances use "
            f"GaussianMixtureEM(covariance_type={covariance_type!r}, n_init=...)."
        )
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral) or max_iter < 0:
        raise ValueError(f"max_iter must be a non-negative integer, got {max_iter!r}.")
    if not isinstance(tol, Real) or math.isnan(tol):
        raise ValueError(f"tol must be a real number, got {tol!r}.")
    X = check_array(X, dtype=[np.float64, np.float32], ensure_min_samples=2)
    n, d = X.shape
    if symmetric:
        starts, w = _symmetric_starts(inits, weights, d)
    else:
        starts, w = _general_starts(inits, weights, n, d)
    # a known covariance L L^T: EM runs on the whitened data L^{-1} x (it is
    # equivariant under the map), and the results are mapped back
    L = _whitening(covariance, d)
    if L is not None:
        X = scipy.linalg.solve_triangular(L, X.T.astype(np.float64), lower=True).T
        starts = scipy.linalg.solve_triangular(L, starts.reshape(-1, d).T, lower=True).T
    # the kernels overwrite the starts and weights with the final values
    starts = np.ascontiguousarray(starts).reshape(len(w), -1, d)
    if symmetric:
        theta, w1 = np.ascontiguousarray(starts[:, 0]), np.ascontiguousarray(w[:, 0])
        lower_bound, log_lik, n_iter, converged = symmetric_restarts(
            np.ascontiguousarray(X), theta, w1, learn_weights, max_iter, tol
        )
        means = np.stack([theta, -theta], axis=1)
        if learn_weights:  # held weights are returned as given (1 - w1 may differ by 1 ulp)
            w = np.stack([w1, 1.0 - w1], axis=1)
    else:
        means = starts
        lower_bound, log_lik, n_iter, converged = general_restarts(
            X, means, w, learn_weights, max_iter, tol
        )
        if not (np.all(np.isfinite(means)) and np.all(np.isfinite(w))):
            raise ValueError("EM produced non-finite parameters; scale the data.")
    if L is not None:
        log_det = float(np.log(np.diag(L)).sum())
        means = means @ L.T
        lower_bound, log_lik = lower_bound - log_det, log_lik - log_det
    return RestartsResult(
        means=means,
        weights=w,
        log_likelihood=log_lik,
        lower_bound=lower_bound,
        n_iter=n_iter,
        converged=converged,
    )


def _symmetric_starts(inits, weights, d):
    """Starting ``theta`` as an (R, 1, d) array and the (R, 2) weights, checked."""
    inits = np.asarray(inits, dtype=np.float64)
    if inits.ndim == 3:
        if inits.shape[1:] != (2, d) or not np.allclose(inits[:, 0], -inits[:, 1],
                                                        rtol=1e-12, atol=0):
            raise ValueError(f"inits of shape (R, 2, {d}) must hold means (theta, -theta).")
        inits = inits[:, 0]
    if inits.ndim != 2 or inits.shape[1] != d:
        raise ValueError(f"inits must have shape (n_restarts, {d}), got {inits.shape}.")
    if not np.all(np.isfinite(inits)):
        raise ValueError("inits must be finite.")
    return np.array(inits)[:, None, :], _restart_weights(weights, inits.shape[0], 2)


def _general_starts(inits, weights, n, d):
    """Starting means as an (R, k, d) array and the (R, k) weights, checked."""
    means = np.array(inits, dtype=np.float64)
    if means.ndim != 3 or means.shape[2] != d or means.shape[1] < 1:
        raise ValueError(
            f"With symmetric=False, inits must hold starting means of shape "
            f"(n_restarts, n_components, {d}), got {means.shape}."
        )
    if not np.all(np.isfinite(means)):
        raise ValueError("inits must be finite.")
    R, k = means.shape[:2]
    if n < k:
        raise ValueError(
            f"Expected n_samples >= n_components, got n_samples = {n} and n_components = {k}."
        )
    return means, _restart_weights(weights, R, k)
